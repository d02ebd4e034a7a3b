package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"stsim/cli"
)

// TestOutReplacesAtomically writes over an existing report: the new one
// takes its place with its permissions, and no temporary file is left.
func TestOutReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(out, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(out, 0o640); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if status := cli.Main([]string{"run", scenario("web.yaml"), "--out", out}, &stdout, &stderr); status != cli.ExitOK {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "report", string(data), `^stsim report: web-small `)
	if fi, err := os.Stat(out); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640) {
		t.Errorf("report mode: %v, %v; want 0640", fi.Mode(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("files left in the folder: %v", entries)
	}
}

// TestDefaultFileCap runs a scenario file over 16 MiB (sparse: it is
// refused before it is read).
func TestDefaultFileCap(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 16<<20+1); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run", "validate"} {
		var stdout, stderr bytes.Buffer
		if status := cli.Main([]string{cmd, big}, &stdout, &stderr); status != cli.ExitUsage {
			t.Errorf("%s: status %d, want 2", cmd, status)
		}
		check(t, cmd+" stderr", stderr.String(), `^stsim: error: \S+big\.yaml: larger than 16 MiB, the limit for a scenario or manifest file; --max-file-size raises it\n$`)
	}
	var stdout, stderr bytes.Buffer
	if status := cli.Main([]string{"validate", big, "--max-file-size", "17MiB"}, &stdout, &stderr); status != cli.ExitUsage || strings.Contains(stderr.String(), "larger than") {
		t.Errorf("--max-file-size 17MiB: status %d, %s", status, stderr.String())
	}
}

// TestFileNamesAreEscaped gives validate a file whose name holds an escape
// sequence: it is printed escaped on stdout and on stderr.
func TestFileNamesAreEscaped(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no ESC in Windows file names")
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good\x1b[2J.yaml")
	data, err := os.ReadFile(scenario("web.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	status := cli.Main([]string{"validate", good, filepath.Join(dir, "missing\x1b]0;x\x07.yaml")}, &stdout, &stderr)
	if status != cli.ExitUsage {
		t.Errorf("status %d, want 2", status)
	}
	check(t, "stdout", stdout.String(), `good\\x1b\[2J\.yaml: ok `)
	check(t, "stderr", stderr.String(), `missing\\x1b\]0;x\\x07\.yaml: no such file`)
	for name, s := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		if regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f]").MatchString(s) {
			t.Errorf("%s has a raw control character: %q", name, s)
		}
	}
}
