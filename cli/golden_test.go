package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
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
	// The terminal the tests run in does not shape the reports.
	t.Setenv("COLUMNS", "")
	t.Setenv("NO_COLOR", "")
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
	// The text report in colour, as a terminal gets it: the same text with
	// SGR sequences around headings, results and differences.
	for _, name := range colorGoldens {
		t.Run(name+".color.text", func(t *testing.T) {
			golden(t, name+".color.text", "run", name, "--color", "always")
		})
	}
}

// colorGoldens are the scenarios whose coloured text report has a golden
// file: one that passes, one with findings, one with a failed check's
// colours in its expectations.
var colorGoldens = []string{"seed-myapp", "node-partition", "deploy-stuck-rollout"}

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

// TestShownScenariosRunAnywhere saves each bundled scenario as `stsim show`
// prints it into an empty directory and runs it from there: the report is
// the bundled one's but for the file it names and where its manifests came
// from.
func TestShownScenariosRunAnywhere(t *testing.T) {
	for _, info := range scenarios.List() {
		t.Run(info.Name, func(t *testing.T) {
			var shown, stderr bytes.Buffer
			if status := cli.Main([]string{"show", info.Name}, &shown, &stderr); status != cli.ExitOK {
				t.Fatalf("show: status %d\n%s", status, stderr.String())
			}
			path := filepath.Join(t.TempDir(), info.Name+".yaml")
			if err := os.WriteFile(path, shown.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			bundled, copied := reportOf(t, "run", info.Name, "-o", "json"), reportOf(t, "run", path, "-o", "json")
			for _, r := range []map[string]any{bundled, copied} {
				sc := r["scenario"].(map[string]any)
				delete(sc, "file")
				delete(sc, "notes")
			}
			// Steps are named with their file:line:col, which the inlined
			// manifests move.
			bundled, copied = withoutStepPositions(t, bundled), withoutStepPositions(t, copied)
			if diff := cmp.Diff(bundled, copied); diff != "" {
				t.Errorf("the shown scenario runs differently (-bundled +shown):\n%s", diff)
			}
		})
	}
}

// stepPosition is a step as the report names it: "step 3 (patch, FILE:L:C)".
var stepPosition = regexp.MustCompile(`(step -?\d+ \(\w+), [^()]*:\d+:\d+\)`)

// withoutStepPositions drops the file:line:col of every step the report
// names.
func withoutStepPositions(t *testing.T, r map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(stepPosition.ReplaceAll(b, []byte("$1)")), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// reportOf runs stsim with args and decodes its JSON report.
func reportOf(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if status := cli.Main(args, &stdout, &stderr); status != cli.ExitOK {
		t.Fatalf("stsim %q: status %d\n%s", args, status, stderr.String())
	}
	var r map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}
