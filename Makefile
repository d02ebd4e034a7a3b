# stsim's checks. Everything needs only Go: staticcheck is built from the Go
# module proxy at a pinned version by `go run`.
#
#   make test    gofmt, go vet, staticcheck, go test (what CI runs: .ci/run)
#   make bench   every benchmark, with allocations
#   make fuzz    every fuzz test for FUZZTIME each

GO ?= go
GOFMT := $(shell $(GO) env GOROOT)/bin/gofmt
# staticcheck 2026.2.2, the first release line that knows Go 1.26.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
FUZZTIME ?= 20s

.PHONY: test fmt vet staticcheck unit bench fuzz

test: fmt vet staticcheck unit

# fmt fails listing the files gofmt would change.
fmt:
	@files="$$($(GOFMT) -l .)"; \
	if [ -n "$$files" ]; then \
		echo "gofmt: these files are not formatted (run gofmt -w on them):"; \
		echo "$$files"; \
		exit 1; \
	fi

vet:
	$(GO) vet ./...

staticcheck:
	$(STATICCHECK) ./...

unit:
	$(GO) test ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# fuzz runs each Fuzz function of each package on its own (go test -fuzz
# takes one target at a time).
fuzz:
	@set -e; \
	for pkg in $$($(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...); do \
		for fn in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$fn ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done
