package scenarios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"stsim/limits"
)

// DefaultMaxFileSize is the largest scenario or manifest file Load reads
// unless Options.MaxFileSize says otherwise (stsim --max-file-size).
const DefaultMaxFileSize int64 = 16 << 20

// maxPathLen is the longest manifest file path read (Linux's PATH_MAX): a
// longer one cannot be opened, and is not worth quoting in full.
const maxPathLen = 4096

// StdinName names a scenario read from standard input (`stsim run -`) in
// positions and Scenario.File. Its manifest files are read relative to the
// working directory.
const StdinName = "<stdin>"

// Options say how LoadWith and LoadReader read files.
type Options struct {
	// MaxFileSize caps the size of each file read, the scenario and every
	// manifest file; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// AllowOutside lets a manifest entry {file: F} name a file outside the
	// scenario file's folder. Without it F must be below that folder once
	// ".." and symbolic links are resolved.
	AllowOutside bool
	// OnRead, if set, is told every file read from disk (the scenario file
	// and each manifest file) with the FileInfo of the file opened, symbolic
	// links followed: the command line uses it never to write over an
	// input.
	OnRead func(path string, fi fs.FileInfo)
	// Limits are the caps the scenario is checked against (nodes, steps,
	// replicas, virtual time) and that its runs keep (Scenario.Limits);
	// a zero cap means its default.
	Limits limits.Limits
}

func (o Options) maxSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// Load reads the scenario file at path with the default Options; manifest
// files it names are read relative to its directory.
func Load(path string) (*Scenario, error) { return LoadWith(path, Options{}) }

// LoadWith reads the scenario file at path. Only regular files of at most
// opt.MaxFileSize bytes are read, the scenario file and its manifest files
// alike; manifest files are read relative to the scenario file's directory
// and, unless opt.AllowOutside, only from below it.
func LoadWith(path string, opt Options) (*Scenario, error) {
	data, fi, err := readRegular(path, opt.maxSize())
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if opt.OnRead != nil {
		opt.OnRead(path, fi)
	}
	return parse(path, data, opt.manifestReader(filepath.Dir(path)), opt)
}

// LoadReader reads a scenario from r, at most opt.MaxFileSize bytes of it
// (standard input for `stsim run -`); name names it in positions. Manifest
// files are read as LoadWith reads them, relative to name's directory: for
// StdinName, the working directory.
func LoadReader(name string, r io.Reader, opt Options) (*Scenario, error) {
	data, err := readCapped(r, opt.maxSize())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return parse(name, data, opt.manifestReader(filepath.Dir(name)), opt)
}

// manifestReader reads the manifest files of a scenario whose folder is
// base.
func (o Options) manifestReader(base string) func(string) ([]byte, error) {
	return func(file string) ([]byte, error) {
		open := file
		if !o.AllowOutside {
			var err error
			if open, err = below(base, file); err != nil {
				return nil, err
			}
		}
		data, fi, err := readRegular(open, o.maxSize())
		if err != nil {
			return nil, err
		}
		if o.OnRead != nil {
			o.OnRead(file, fi)
		}
		return data, nil
	}
}

// OutsideError is a manifest file outside the scenario file's folder.
type OutsideError struct {
	// Real is where the file's path leads, symbolic links resolved.
	Real string
}

func (e *OutsideError) Error() string {
	return "it leads to " + e.Real + ", outside the scenario file's folder; manifest files are read from below that folder only, unless --allow-outside is given"
}

// below resolves the symbolic links of file and checks that it is below
// the folder base (symbolic links resolved too). A file that cannot be
// resolved is returned as is, for the read to report why.
func below(base, file string) (string, error) {
	real, err := filepath.EvalSymlinks(file)
	if err != nil {
		return file, nil
	}
	realBase, err := filepath.EvalSymlinks(base)
	if err != nil {
		return "", err
	}
	if !within(realBase, real) {
		abs, err := filepath.Abs(real)
		if err != nil {
			abs = real
		}
		return "", &OutsideError{Real: abs}
	}
	return real, nil
}

// within says whether path is base or below it, lexically, once both are
// absolute.
func within(base, path string) bool {
	absBase, err1 := filepath.Abs(base)
	absPath, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(absBase, absPath)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// NotRegularError is a path that is not a regular file: a directory, a
// device such as /dev/zero, a named pipe or a socket.
type NotRegularError struct{ Mode fs.FileMode }

func (e *NotRegularError) Error() string {
	what := "a special file"
	switch m := e.Mode; {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return "not a regular file (" + what + "); scenarios and manifests are read from regular files only"
}

// TooLargeError is a file larger than the size cap.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return "larger than " + FormatSize(e.Limit) + ", the limit for a scenario or manifest file; --max-file-size raises it"
}

// FormatSize writes a byte count as the largest of GiB, MiB or KiB that
// divides it, or in bytes.
func FormatSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// readRegular reads the file at path if it is a regular file of at most
// limit bytes. A path that is not a regular file is refused before it is
// opened, so a named pipe does not block and /dev/zero is not read; the
// file opened is checked again.
func readRegular(path string, limit int64) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open"
		}
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &NotRegularError{Mode: fi.Mode()}
	}
	if fi.Size() > limit {
		return nil, nil, &TooLargeError{Limit: limit}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &NotRegularError{Mode: fi.Mode()}
	}
	data, err := readCapped(f, limit)
	return data, fi, err
}

// readCapped reads r to its end, refusing more than limit bytes (a file
// that grows, or one whose size the file system does not know).
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return data, nil
}
