package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"stsim/cli"
	"stsim/report"
	"stsim/scenarios"
)

// goldenDir holds one report per bundled scenario and format, named
// NAME.FORMAT (text with --events).
const goldenDir = "../testdata/golden"

// TestGolden compares the report of every bundled scenario, in every
// format, with its file in testdata/golden; stsim without arguments must
// give the default scenario's. After a deliberate change to the simulator
// or the report, rewrite them with
//
//	go test ./cli -run TestGolden -update
//
// and review the diff like code.
func TestGolden(t *testing.T) {
	for _, info := range scenarios.List() {
		for _, format := range report.Formats() {
			file := info.Name + "." + format
			t.Run(file, func(t *testing.T) {
				golden(t, file, "run", info.Name, "-o", format, "--events")
			})
		}
	}
	t.Run("default", func(t *testing.T) {
		golden(t, scenarios.DefaultName+".text", "--events")
	})
}

// golden runs stsim with args and compares its stdout with a golden file.
func golden(t *testing.T, file string, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	// The report is whole whatever the expectations say; the status is
	// TestExitCodes' business. Bad input or an internal error is not a
	// report.
	if status := cli.Main(args, &stdout, &stderr); status != cli.ExitOK && status != cli.ExitExpect {
		t.Fatalf("stsim %q: status %d\n%s", args, status, stderr.String())
	}
	path := filepath.Join(goldenDir, file)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./cli -run TestGolden -update)", err)
	}
	if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
		t.Errorf("stsim %q differs from %s (-want +got); if the change is intended, run go test ./cli -run TestGolden -update and review the diff:\n%s", args, path, diff)
	}
}
