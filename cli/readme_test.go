package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"stsim/cli"
)

// TestReadmeScenario runs the example scenario of README.md, so the README
// never shows a scenario that does not load or whose expectations fail.
func TestReadmeScenario(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no yaml block")
	}
	for i, b := range blocks {
		path := filepath.Join(t.TempDir(), "example.yaml")
		if err := os.WriteFile(path, b[1], 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if status := cli.Main([]string{"run", path}, &stdout, &stderr); status != cli.ExitOK {
			t.Errorf("README.md yaml block %d: status %d\n%s\n%s", i+1, status, stderr.String(), stdout.String())
		}
	}
}
