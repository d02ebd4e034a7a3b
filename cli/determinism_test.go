package cli_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"stsim/cli"
	"stsim/scenarios"
)

// runReport runs stsim with args and returns its stdout. Status 1 (an
// expectation failed) still writes the whole report, so it is accepted here:
// this test is about the bytes, TestExitCodes about the status.
func runReport(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if status := cli.Main(args, &stdout, &stderr); status != cli.ExitOK && status != cli.ExitExpect {
		t.Fatalf("stsim %q: status %d\n%s", args, status, stderr.String())
	}
	return stdout.Bytes()
}

// TestDeterminism checks the engine's determinism rule (docs/architecture.md): the same scenario and seed
// give byte-identical reports, run after run in one process, in text and in
// JSON, and whatever the number of OS threads.
func TestDeterminism(t *testing.T) {
	formats := [][]string{{"--events"}, {"-o", "json"}}
	for _, format := range formats {
		first := runReport(t, format...)
		if len(first) == 0 {
			t.Fatalf("stsim %q wrote nothing", format)
		}
		if again := runReport(t, format...); !bytes.Equal(first, again) {
			t.Errorf("stsim %q: two runs differ\n%s", format, firstDifference(first, again))
		}
		prev := runtime.GOMAXPROCS(1)
		single := runReport(t, format...)
		runtime.GOMAXPROCS(prev)
		if !bytes.Equal(first, single) {
			t.Errorf("stsim %q: GOMAXPROCS(1) and GOMAXPROCS(%d) differ\n%s", format, prev, firstDifference(first, single))
		}
	}
}

// TestDeterminismBundled runs every bundled scenario twice in both formats.
func TestDeterminismBundled(t *testing.T) {
	for _, info := range scenarios.List() {
		t.Run(info.Name, func(t *testing.T) {
			for _, format := range [][]string{{"--events"}, {"-o", "json"}} {
				args := append([]string{"run", info.Name}, format...)
				if a, b := runReport(t, args...), runReport(t, args...); !bytes.Equal(a, b) {
					t.Errorf("stsim %q: two runs differ\n%s", args, firstDifference(a, b))
				}
			}
		})
	}
}

// firstDifference shows the first line where a and b differ.
func firstDifference(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return fmt.Sprintf("line %d:\n  first:  %s\n  second: %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("one output is a prefix of the other (%d vs %d lines)", len(la), len(lb))
}
