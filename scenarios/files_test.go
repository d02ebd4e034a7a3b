package scenarios

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// writeTree writes files (name → content) under a new temporary folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLoadWithReportsEveryFileRead checks that OnRead hears of the scenario
// file and of each manifest file, from spec.manifests and from apply steps.
func TestLoadWithReportsEveryFileRead(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"s.yaml":       scenarioWith("  steps:\n  - apply: {file: pvc.yaml}\n"),
		"m.yaml":       webSet,
		"pvc.yaml":     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: extra}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
		"unused.yaml":  "not read",
		"sub/x/y.yaml": "not read",
	})
	var read []string
	_, err := LoadWith(filepath.Join(dir, "s.yaml"), Options{OnRead: func(p string, fi fs.FileInfo) {
		if !fi.Mode().IsRegular() {
			t.Errorf("%s: OnRead got mode %v", p, fi.Mode())
		}
		read = append(read, filepath.Base(p))
	}})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(read)
	if want := []string{"m.yaml", "pvc.yaml", "s.yaml"}; !slices.Equal(read, want) {
		t.Errorf("read %v, want %v", read, want)
	}
}

func TestLoadWithRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := writeTree(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml/x": ""})
	_, err := LoadWith(dir, Options{})
	var nr *NotRegularError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "not a regular file (a directory)") {
		t.Errorf("a folder: %v", err)
	}
	_, err = LoadWith(filepath.Join(dir, "s.yaml"), Options{})
	if err == nil || !strings.Contains(err.Error(), "spec.manifests[0].file: cannot read m.yaml: not a regular file (a directory)") {
		t.Errorf("a folder as a manifest: %v", err)
	}
	if runtime.GOOS == "linux" {
		_, err = LoadWith("/dev/zero", Options{})
		if !errors.As(err, &nr) || err.Error() != "/dev/zero: not a regular file (a character device); scenarios and manifests are read from regular files only" {
			t.Errorf("/dev/zero: %v", err)
		}
	}
}

// TestDefaultMaxFileSize checks the 16 MiB cap on a sparse file, which is
// checked before it is read.
func TestDefaultMaxFileSize(t *testing.T) {
	dir := writeTree(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": webSet})
	if err := os.Truncate(filepath.Join(dir, "m.yaml"), DefaultMaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	_, err := LoadWith(filepath.Join(dir, "s.yaml"), Options{})
	if err == nil || !strings.HasSuffix(err.Error(), "cannot read m.yaml: larger than 16 MiB, the limit for a scenario or manifest file; --max-file-size raises it") {
		t.Errorf("a manifest over the cap: %v", err)
	}
	if _, err := LoadWith(filepath.Join(dir, "s.yaml"), Options{MaxFileSize: 32 << 20}); err == nil || strings.Contains(err.Error(), "larger than") {
		t.Errorf("with a cap of 32 MiB the file is read (and is not YAML): %v", err)
	}
}

// TestReadCappedStopsAtTheCap reads from a source that never ends.
func TestReadCappedStopsAtTheCap(t *testing.T) {
	_, err := LoadReader(StdinName, endless{}, Options{MaxFileSize: 1 << 10})
	if err == nil || err.Error() != "<stdin>: larger than 1 KiB, the limit for a scenario or manifest file; --max-file-size raises it" {
		t.Errorf("endless input: %v", err)
	}
	data, err := readCapped(strings.NewReader("12345"), 5)
	if err != nil || string(data) != "12345" {
		t.Errorf("exactly the cap: %q, %v", data, err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestManifestFilesStayBelowTheScenario checks the folder rule, lexically
// (in Parse) and through symbolic links (in LoadWith), and AllowOutside.
func TestManifestFilesStayBelowTheScenario(t *testing.T) {
	root := writeTree(t, map[string]string{
		"outside.yaml":     webSet,
		"sc/s.yaml":        scenarioWith(""),
		"sc/up.yaml":       strings.Replace(scenarioWith(""), "m.yaml", "../outside.yaml", 1),
		"sc/dotdot.yaml":   strings.Replace(scenarioWith(""), "m.yaml", "sub/../m.yaml", 1),
		"sc/link.yaml":     strings.Replace(scenarioWith(""), "m.yaml", "sub/link.yaml", 1),
		"sc/m.yaml":        webSet,
		"sc/sub/keep.yaml": "",
	})
	sc := filepath.Join(root, "sc")
	if err := os.Symlink(filepath.Join("..", "..", "outside.yaml"), filepath.Join(sc, "sub", "link.yaml")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	for _, tc := range []struct {
		file, want string
		allow      bool
	}{
		{file: "s.yaml"},
		{file: "dotdot.yaml"},
		{file: "up.yaml", want: "spec.manifests[0].file: ../outside.yaml is outside the scenario file's folder; manifest files are read from below that folder only, unless --allow-outside is given"},
		{file: "up.yaml", allow: true},
		{file: "link.yaml", want: "spec.manifests[0].file: cannot read sub/link.yaml: it leads to " + filepath.Join(root, "outside.yaml") + ", outside the scenario file's folder"},
		{file: "link.yaml", allow: true},
	} {
		_, err := LoadWith(filepath.Join(sc, tc.file), Options{AllowOutside: tc.allow})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s (allow %v): %v", tc.file, tc.allow, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s (allow %v): got %v, want %q", tc.file, tc.allow, err, tc.want)
		}
	}
}

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		base, path string
		want       bool
	}{
		{".", "m.yaml", true},
		{".", "a/../m.yaml", true},
		{".", "../m.yaml", false},
		{"sc", "sc/m.yaml", true},
		{"sc", "sc/../m.yaml", false},
		{"sc", "sc/..m.yaml", true},
		{"sc", "scx/m.yaml", false},
		{"/a/b", "/a/b/c", true},
		{"/a/b", "/a/bc", false},
		{"/a/b", "/etc/passwd", false},
	} {
		if got := within(tc.base, tc.path); got != tc.want {
			t.Errorf("within(%q, %q) = %v, want %v", tc.base, tc.path, got, tc.want)
		}
	}
}

func TestLongManifestPath(t *testing.T) {
	long := strings.Repeat("a/", 3000) + "m.yaml"
	_, err := parseFiles(map[string]string{"s.yaml": strings.Replace(scenarioWith(""), "m.yaml", long, 1), long: webSet})
	if err == nil || !strings.HasSuffix(err.Error(), "spec.manifests[0].file: want a path of at most 4096 bytes, got 6006 bytes") {
		t.Errorf("a path of 6006 bytes: %v", err)
	}
}
