package scenarios

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected messages of testdata/load-errors")

// loadErrorsDir holds one broken scenario per file; its first line is
// "# want: " and the exact message loading it gives. Manifests the
// scenarios read are under manifests/.
const loadErrorsDir = "../testdata/load-errors"

// TestLoadErrors loads every scenario of testdata/load-errors and compares
// the error with the message on its first line: file:line:col, the field
// path and what was expected. `go test ./scenarios -run TestLoadErrors
// -update` rewrites those lines; review the diff.
func TestLoadErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(loadErrorsDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in %s: %v", loadErrorsDir, err)
	}
	dir := os.DirFS(loadErrorsDir)
	read := func(name string) ([]byte, error) { return fs.ReadFile(dir, name) }
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			first, rest, _ := bytes.Cut(data, []byte("\n"))
			want, ok := strings.CutPrefix(string(first), "# want: ")
			if !ok {
				t.Fatalf("%s: the first line must be \"# want: MESSAGE\"", path)
			}
			_, err = Parse(name, data, read)
			if err == nil {
				t.Fatalf("%s loaded; want the error %q", path, want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not an *Error", err)
			}
			if *update {
				if err := os.WriteFile(path, append([]byte("# want: "+err.Error()+"\n"), rest...), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := err.Error(); got != want {
				t.Errorf("%s:\n got: %s\nwant: %s", path, got, want)
			}
		})
	}
}
