// Package e2e holds the browser test of the HTML report: stsim renders the
// reports of bundled scenarios and of a scenario full of markup, and
// headless Chromium loads the page, takes a screenshot and dumps the DOM it
// built. It needs Chromium, so it runs only with STSIM_E2E=1 (`make e2e`,
// which .ci/run runs after `make test`); `go test ./...` skips it.
package e2e
