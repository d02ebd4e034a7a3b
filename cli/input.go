package cli

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"stsim/limits"
	"stsim/scenarios"
)

// stdinArg is the scenario argument that reads standard input.
const stdinArg = "-"

// inputs is how run and validate read scenario and manifest files
// (--allow-outside, --max-file-size), and every file they read.
type inputs struct {
	allowOutside bool
	maxSize      byteSize
	// limits are the caps of --max-pods and the like.
	limits limits.Limits
	// read lists every file read so far, so that --out never replaces one.
	read []inputFile
}

// inputFile is a file a command read.
type inputFile struct {
	name string
	fi   fs.FileInfo
}

func (in *inputs) addFlags(fs *pflag.FlagSet) {
	in.maxSize = byteSize(scenarios.DefaultMaxFileSize)
	fs.BoolVar(&in.allowOutside, "allow-outside", false, "let manifest entries {file: F} read files outside the scenario file's folder")
	fs.Var(&in.maxSize, "max-file-size", "largest scenario or manifest file read, in bytes or with KiB, MiB or GiB")
	in.limits = limits.Default
	fs.IntVar(&in.limits.Pods, "max-pods", limits.Default.Pods, "most pods a run creates under one rule set, and so most replicas")
	fs.IntVar(&in.limits.Nodes, "max-nodes", limits.Default.Nodes, "most nodes in spec.cluster.nodes")
	fs.IntVar(&in.limits.Steps, "max-steps", limits.Default.Steps, "most steps in spec.steps")
	fs.IntVar(&in.limits.Events, "max-events", limits.Default.Events, "most events a run records under one rule set")
	fs.Var((*limits.Horizon)(&in.limits.Horizon), "max-virtual-time", "latest virtual time the steps may reach (their at, after and timeout values added up)")
}

// checkLimits refuses caps below 1 (limits.Horizon checks its own flag).
func (in *inputs) checkLimits() error {
	for _, c := range []struct {
		flag string
		n    int
	}{{"max-pods", in.limits.Pods}, {"max-nodes", in.limits.Nodes}, {"max-steps", in.limits.Steps}, {"max-events", in.limits.Events}} {
		if c.n < 1 {
			return usagef("--%s: want at least 1, got %d", c.flag, c.n)
		}
	}
	return nil
}

// checkArgs refuses standard input named twice.
func checkArgs(args []string) error {
	n := 0
	for _, a := range args {
		if a == stdinArg {
			n++
		}
	}
	if n > 1 {
		return usagef("- (standard input) can be given once")
	}
	return nil
}

// load reads a scenario file, standard input (-), or a bundled scenario by
// name.
func (in *inputs) load(e *env, name string) (*scenarios.Scenario, error) {
	if err := in.checkLimits(); err != nil {
		return nil, err
	}
	opt := scenarios.Options{
		MaxFileSize:  int64(in.maxSize),
		AllowOutside: in.allowOutside,
		Limits:       in.limits,
		OnRead: func(path string, fi fs.FileInfo) {
			in.read = append(in.read, inputFile{name: path, fi: fi})
		},
	}
	var sc *scenarios.Scenario
	var err error
	switch _, statErr := os.Stat(name); {
	case name == stdinArg:
		if f, ok := e.stdin.(interface{ Stat() (fs.FileInfo, error) }); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				in.read = append(in.read, inputFile{name: "standard input", fi: fi})
			}
		}
		sc, err = scenarios.LoadReader(scenarios.StdinName, e.stdin, opt)
	case statErr != nil && !strings.ContainsAny(name, "/."):
		sc, err = scenarios.BuiltinWith(name, in.limits)
	default:
		sc, err = scenarios.LoadWith(name, opt)
	}
	if err != nil {
		return nil, &inputError{err}
	}
	return sc, nil
}

// byteSize is a flag value: a number of bytes, written as a count or with a
// unit (16MiB, 512KiB, 1G).
type byteSize int64

// maxByteSize keeps the cap from overflowing.
const maxByteSize = 1 << 40

func (b *byteSize) String() string {
	return strings.ReplaceAll(scenarios.FormatSize(int64(*b)), " ", "")
}

func (b *byteSize) Type() string { return "size" }

func (b *byteSize) Set(s string) error {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') {
		i--
	}
	unit := int64(1)
	switch strings.ToLower(strings.TrimSpace(t[i:])) {
	case "", "b":
	case "k", "kib":
		unit = 1 << 10
	case "m", "mib":
		unit = 1 << 20
	case "g", "gib":
		unit = 1 << 30
	default:
		return fmt.Errorf("want a size such as 16MiB, 512KiB or 1048576, got %q", s)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t[:i]), 10, 64)
	switch {
	case err != nil:
		return fmt.Errorf("want a size such as 16MiB, 512KiB or 1048576, got %q", s)
	case n <= 0:
		return fmt.Errorf("want a size above 0, got %q", s)
	case n > math.MaxInt64/unit || n*unit > maxByteSize:
		return fmt.Errorf("want a size of at most 1024GiB, got %q", s)
	}
	*b = byteSize(n * unit)
	return nil
}
