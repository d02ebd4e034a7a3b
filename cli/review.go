package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"stsim/report"
	"stsim/review"
	"stsim/scenarios"
)

// reviewCmd is `stsim review MANIFEST...`: the standard fault timelines
// (package review) against a user's own workload.
type reviewCmd struct {
	base
	opts reviewOptions
}

// reviewOptions are the settings of a review, from review's flags or
// from run's when run is given a manifest.
type reviewOptions struct {
	seed    int64
	volumes string
	output  string
	out     string
	color   string
	in      inputs
}

func newReview(e *env) command {
	c := &reviewCmd{base: newBase(e, "review")}
	c.fs.Int64Var(&c.opts.seed, "seed", 0, "seed of the runs' random source (default 1)")
	c.fs.StringVarP(&c.opts.output, "output", "o", "text", "report format: "+strings.Join(report.Formats(), " or "))
	c.fs.StringVar(&c.opts.out, "out", "", "write the report to this file instead of standard output (never over a file the run reads)")
	c.fs.StringVar(&c.opts.color, "color", colorAuto, "colour the text report: auto (on a terminal, unless NO_COLOR is set), always or never")
	c.fs.StringVar(&c.opts.volumes, "deployment-volumes", "", "how volumeClaimTemplates map under Deployment rules: shared-pvc (default), emptydir or ephemeral, as spec.deployment.volumes")
	c.opts.in.addFlags(c.fs)
	return c
}

// Run reviews the manifests given (files, or - for standard input).
func (c *reviewCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	if c.fs.Changed("allow-outside") {
		return usagef("--allow-outside applies to scenarios' manifest files; review reads the files it is given")
	}
	if len(c.fs.Args()) == 0 {
		return usagef("review needs at least one manifest file, or - (standard input)")
	}
	return c.opts.run(c.env, c.fs.Args())
}

// run reads the manifest files, reviews their workload and writes the
// review.
func (o *reviewOptions) run(e *env, names []string) error {
	if err := report.CheckFormat(o.output); err != nil {
		return &usageError{err.Error()}
	}
	if err := checkColor(o.color); err != nil {
		return err
	}
	if err := checkArgs(names); err != nil {
		return err
	}
	switch o.volumes {
	case "", scenarios.VolumesSharedPVC, scenarios.VolumesEmptyDir, scenarios.VolumesEphemeral:
	default:
		return usagef("--deployment-volumes: want shared-pvc, emptydir or ephemeral, got %q", o.volumes)
	}
	if err := o.in.checkLimits(); err != nil {
		return err
	}
	var files []review.File
	for _, n := range names {
		data, err := o.read(e, n)
		if err != nil {
			return &inputError{err}
		}
		files = append(files, review.File{Name: fileName(n), Data: data})
	}
	if o.out != "" {
		if _, err := resolveOut(o.out, o.in.read); err != nil {
			return err
		}
	}
	rv, err := review.Run(files, review.Options{Seed: o.seed, Limits: o.in.limits, DeploymentVolumes: o.volumes})
	var se *scenarios.Error
	switch {
	case errors.As(err, &se):
		return &inputError{err}
	case err != nil:
		return fmt.Errorf("review: %w", err)
	}
	var buf bytes.Buffer
	if o.output == "json" {
		err = report.RenderJSON(&buf, rv)
	} else {
		err = report.RenderDocument(&buf, o.output, rv.Document(), o.reportOptions(e))
	}
	if err != nil {
		return err
	}
	if o.out != "" {
		return writeOut(o.out, o.in.read, buf.Bytes())
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return &inputError{fmt.Errorf("cannot write standard output: %w", cause(err))}
	}
	return nil
}

// read reads one manifest file, or standard input for -.
func (o *reviewOptions) read(e *env, name string) ([]byte, error) {
	opt := scenarios.Options{MaxFileSize: int64(o.in.maxSize), OnRead: func(path string, fi fs.FileInfo) {
		o.in.read = append(o.in.read, inputFile{name: path, fi: fi})
	}}
	if name != stdinArg {
		return scenarios.ReadFile(name, opt)
	}
	if f, ok := e.stdin.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			o.in.read = append(o.in.read, inputFile{name: "standard input", fi: fi})
		}
	}
	return scenarios.ReadAll(scenarios.StdinName, e.stdin, opt)
}

// fileName is how a review names a manifest argument.
func fileName(arg string) string {
	if arg == stdinArg {
		return scenarios.StdinName
	}
	return arg
}

// reportOptions are the text options of the review's output.
func (o *reviewOptions) reportOptions(e *env) report.Options {
	var w io.Writer
	if o.out == "" {
		w = e.stdout
	}
	width, color := textOptions(o.color, w)
	return report.Options{Width: width, Color: color}
}

// manifestArgs says which of run's arguments are files of Kubernetes
// manifests rather than scenarios (standard input and bundled names never
// are).
func manifestArgs(args []string, maxSize int64) []string {
	var out []string
	for _, a := range args {
		if a == stdinArg {
			continue
		}
		fi, err := os.Stat(a)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxSize {
			continue
		}
		if data, err := os.ReadFile(a); err == nil && scenarios.IsManifest(data) {
			out = append(out, a)
		}
	}
	return out
}
