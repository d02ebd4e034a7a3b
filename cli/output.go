package cli

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// outFile is where --out writes the report.
type outFile struct {
	// path is the path given.
	path string
	// file is the file replaced: path with its symbolic links followed.
	file string
	// exists says that file exists; perm is then its permissions.
	exists bool
	perm   fs.FileMode
	// inPlace is an existing file that is not a regular one (/dev/null, a
	// named pipe): it is opened and written, not replaced.
	inPlace bool
}

// resolveOut checks the --out path: it must not be, or lead to, a file the
// run reads, nor a directory, and its directory must exist.
func resolveOut(path string, read []inputFile) (*outFile, error) {
	out := &outFile{path: path, file: path}
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		for _, in := range read {
			if os.SameFile(fi, in.fi) {
				if in.name == path {
					return nil, &inputError{fmt.Errorf("--out %s: refusing to write over %s, a file this run reads; write the report to another file", path, in.name)}
				}
				return nil, &inputError{fmt.Errorf("--out %s: refusing to write over %s, a file this run reads (%s is the same file); write the report to another file", path, in.name, path)}
			}
		}
		if fi.IsDir() {
			return nil, &inputError{fmt.Errorf("--out %s: is a directory; give a file name", path)}
		}
		out.exists, out.perm = true, fi.Mode().Perm()
		if !fi.Mode().IsRegular() {
			out.inPlace = true
			return out, nil
		}
		if out.file, err = filepath.EvalSymlinks(path); err != nil {
			return nil, &inputError{err}
		}
		return out, nil
	case errors.Is(err, fs.ErrNotExist):
		// A new file, or a symbolic link to one: it is created where the
		// links lead, in a directory that must exist.
		out.file = followLinks(path)
		dir, err := os.Stat(filepath.Dir(out.file))
		if err != nil {
			return nil, &inputError{&fs.PathError{Op: "open", Path: path, Err: cause(err)}}
		}
		if !dir.IsDir() {
			return nil, &inputError{&fs.PathError{Op: "open", Path: path, Err: syscall.ENOTDIR}}
		}
		return out, nil
	}
	return nil, &inputError{&fs.PathError{Op: "open", Path: path, Err: cause(err)}}
}

// followLinks follows the symbolic links of a path that leads to no file,
// to the path of the file that writing through it creates.
func followLinks(path string) string {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path
		}
		target, err := os.Readlink(path)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return path
}

// writeOut writes data to the --out path, checked again as resolveOut
// does. A regular file is replaced at once: data goes to a new file in the
// same directory, which is then renamed over it, so that on any error the
// file that was there is left as it was.
func writeOut(path string, read []inputFile, data []byte) error {
	out, err := resolveOut(path, read)
	if err != nil {
		return err
	}
	if out.inPlace {
		f, err := os.OpenFile(out.path, os.O_WRONLY, 0)
		if err != nil {
			return cannotWrite(path, err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return cannotWrite(path, err)
		}
		return nil
	}
	tmp, f, err := createTemp(out.file)
	if err != nil {
		return cannotWrite(path, err)
	}
	err = writeFile(f, data, out)
	if err == nil {
		err = os.Rename(tmp, out.file)
	}
	if err != nil {
		os.Remove(tmp)
		return cannotWrite(path, err)
	}
	return nil
}

// createTemp creates a new file next to file, with the permissions a new
// file gets (0666 less the umask).
func createTemp(file string) (string, *os.File, error) {
	dir, base := filepath.Split(file)
	for {
		tmp := filepath.Join(dir, "."+base+"."+rand.Text()[:10]+".tmp")
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return tmp, f, err
	}
}

// writeFile writes data to the new file f, gives it the permissions of the
// file it replaces, and closes it.
func writeFile(f *os.File, data []byte, out *outFile) error {
	_, err := f.Write(data)
	if err == nil && out.exists {
		err = f.Chmod(out.perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// cannotWrite is an error writing the report (exit 2).
func cannotWrite(path string, err error) error {
	return &inputError{fmt.Errorf("cannot write %s: %w", path, cause(err))}
}

// cause is an error without the operation and path os adds to it.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

// stdoutWriter remembers the first error writing standard output, so that
// a report or listing that could not be written is exit 2, not success.
type stdoutWriter struct {
	w   io.Writer
	err error
}

func (s *stdoutWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}
