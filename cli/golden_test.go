package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"stsim/cli"
)

// TestGolden compares the default scenario's full reports with the files in
// testdata/golden. After a deliberate change to the simulator or the report,
// rewrite them with
//
//	go test ./cli -run TestGolden -update
//
// and review the diff like code.
func TestGolden(t *testing.T) {
	tests := []struct {
		file string
		args []string
	}{
		{"default.txt", []string{"--events"}},
		{"default.json", []string{"-o", "json"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := cli.Main(tt.args, &stdout, &stderr)
			// The report is whole whatever the expectations say; the
			// status is TestExitCodes' business. Bad input or an internal
			// error is not a report.
			if status != cli.ExitOK && status != cli.ExitExpect {
				t.Fatalf("stsim %q: status %d\n%s", tt.args, status, stderr.String())
			}
			path := filepath.Join("testdata", "golden", tt.file)
			if *update {
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
				t.Errorf("stsim %q differs from %s (-want +got); if the change is intended, run go test ./cli -run TestGolden -update and review the diff:\n%s", tt.args, path, diff)
			}
		})
	}
}
