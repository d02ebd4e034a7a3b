# stsim's checks. Everything needs only Go: staticcheck is built from the Go
# module proxy at a pinned version by `go run`.
#
#   make test    gofmt, go vet, staticcheck, go test -race (what CI runs: .ci/run)
#   make unit    go test without the race detector (quicker)
#   make bench   every benchmark, with allocations
#   make fuzz    every fuzz test for FUZZTIME each (docs/robustness.md)
#   make profile SCENARIO=FILE   CPU and heap profiles of one run (docs/performance.md)
#   make e2e     the browser test of the HTML report (needs chromium; .ci/run
#                runs it after make test)
#
# The race detector needs cgo, so a C compiler (gcc); .ci/run installs it
# when it is missing.

GO ?= go
GOFMT := $(shell $(GO) env GOROOT)/bin/gofmt
# staticcheck 2026.2.2, the first release line that knows Go 1.26.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
FUZZTIME ?= 30s

.PHONY: test fmt vet staticcheck unit race bench fuzz profile e2e

test: fmt vet staticcheck race

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

# race is go test with the race detector: the whole suite, as CI runs it.
race:
	CGO_ENABLED=1 $(GO) test -race ./...

# e2e renders HTML reports and loads them in headless Chromium (package
# e2e); without STSIM_E2E=1, go test skips it.
e2e:
	STSIM_E2E=1 $(GO) test -count=1 ./e2e

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# profile runs one scenario (a file or a bundled name) with --stats and
# writes cpu.prof and heap.prof; read them with go tool pprof.
SCENARIO ?= seed-myapp
profile:
	$(GO) build -o stsim.prof.bin ./cmd/stsim
	./stsim.prof.bin run --stats --cpu-profile cpu.prof --heap-profile heap.prof -o json $(SCENARIO) > /dev/null; \
		status=$$?; rm -f stsim.prof.bin; [ $$status -le 1 ]
	@echo "profiles: cpu.prof heap.prof (go tool pprof -top cpu.prof)"

# fuzz runs each Fuzz function of each package on its own (go test -fuzz
# takes one target at a time) for FUZZTIME, with no test timeout so that a
# long FUZZTIME is not cut at go test's default 10 minutes. A failing input
# is written to the package's testdata/fuzz/FuzzX/, where go test keeps
# running it.
fuzz:
	@set -e; \
	for pkg in $$($(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...); do \
		for fn in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$fn ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -timeout 0 $$pkg; \
		done; \
	done
