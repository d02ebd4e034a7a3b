// Package cli is the stsim command line: it parses flags with pflag, loads
// scenarios, runs them under each rule set and writes the report. Main
// returns the exit status: 0 success, 1 an expectation failed, 2 bad input
// or usage, 3 an internal error.
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"

	"stsim/report"
	"stsim/scenarios"
	"stsim/sim/history"
	"stsim/sim/replay"
)

// Exit statuses.
const (
	ExitOK       = 0
	ExitExpect   = 1
	ExitUsage    = 2
	ExitInternal = 3
)

// Version is the version printed by `stsim version`.
const Version = "0.1.0"

const usage = `stsim simulates what Kubernetes does to a workload under StatefulSet rules
and under Deployment rules, on a virtual clock, and reports the differences in
pod identity (names, ordinals, DNS, volumes) and data retention.

Usage:
  stsim [flags]                  run the built-in default scenario (the seed's myapp example)
  stsim run SCENARIO... [flags]  run scenario files (or bundled scenario names)
  stsim list                     list the bundled scenarios
  stsim show NAME                print a bundled scenario
  stsim validate FILE...         check scenario files without running them
  stsim version                  print the version
  stsim help                     print this help

With -o json, one scenario gives one Report document; several give a JSON
array of Reports.

Flags:
`

// usageError is a mistake on the command line (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// inputError wraps a bad scenario or file (exit 2).
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

type options struct {
	rules  string
	seed   int64
	output string
	out    string
	events bool
}

// Main runs stsim with args and returns its exit status.
func Main(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "stsim: internal error: %v\n", r)
			if os.Getenv("STSIM_DEBUG") != "" {
				stderr.Write(debug.Stack())
			}
			status = ExitInternal
		}
	}()
	err := run(args, stdout, stderr)
	var ue *usageError
	var ie *inputError
	var fail *expectationsFailed
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, pflag.ErrHelp):
		return ExitOK
	case errors.As(err, &fail):
		fmt.Fprintf(stderr, "stsim: %v\n", err)
		return ExitExpect
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "stsim: error: %v\nstsim: hint: run 'stsim --help' for usage\n", err)
		return ExitUsage
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "stsim: error: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "stsim: internal error: %v\n", err)
	return ExitInternal
}

func run(args []string, stdout, stderr io.Writer) error {
	var o options
	fs := pflag.NewFlagSet("stsim", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.rules, "rules", "", "rule sets to run, comma-separated: statefulset,deployment (default: the scenario's spec.rules)")
	fs.Int64Var(&o.seed, "seed", 0, "seed of the run's random source (default: the scenario's spec.seed)")
	fs.StringVarP(&o.output, "output", "o", "text", "report format: text or json")
	fs.StringVar(&o.out, "out", "", "write the report to this file instead of standard output")
	fs.BoolVar(&o.events, "events", false, "include the full event log in the text report")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprint(stdout, usage+fs.FlagUsages())
			return err
		}
		return &usageError{err.Error()}
	}
	switch o.output {
	case "text", "json":
	case "markdown", "html":
		return &usageError{fmt.Sprintf("-o %s: this report format is not available yet; use text or json", o.output)}
	default:
		return &usageError{fmt.Sprintf("-o %q: want text or json", o.output)}
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return runScenarios([]string{scenarios.DefaultName}, fs, o, stdout)
	}
	cmd, names := rest[0], rest[1:]
	if cmd != "run" {
		// The report flags mean something only to a run.
		for _, f := range []string{"rules", "seed", "output", "out", "events"} {
			if fs.Changed(f) {
				return &usageError{fmt.Sprintf("--%s applies to run, not to %s", f, cmd)}
			}
		}
	}
	noArgs := func() error {
		if len(names) > 0 {
			return &usageError{fmt.Sprintf("%s takes no arguments, got %q", cmd, strings.Join(names, " "))}
		}
		return nil
	}
	switch cmd {
	case "run":
		if len(names) == 0 {
			return &usageError{"run needs at least one scenario file or bundled scenario name"}
		}
		return runScenarios(names, fs, o, stdout)
	case "list":
		if err := noArgs(); err != nil {
			return err
		}
		for _, in := range scenarios.List() {
			fmt.Fprintf(stdout, "%-24s %s\n", in.Name, firstSentence(in.Description))
		}
		return nil
	case "show":
		if len(names) != 1 {
			return &usageError{"show needs one bundled scenario name (see stsim list)"}
		}
		data, err := scenarios.Source(names[0])
		if err != nil {
			return &inputError{err}
		}
		_, err = stdout.Write(data)
		return err
	case "validate":
		if len(names) == 0 {
			return &usageError{"validate needs at least one scenario file"}
		}
		var bad []error
		for _, n := range names {
			sc, err := load(n)
			if err != nil {
				bad = append(bad, err)
				continue
			}
			fmt.Fprintf(stdout, "%s: ok (scenario %s, %d steps)\n", n, sc.Name, len(sc.Steps))
		}
		if len(bad) > 0 {
			return &inputError{errors.Join(bad...)}
		}
		return nil
	case "version":
		if err := noArgs(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "stsim %s (scenario language stsim/v1)\n", Version)
		return nil
	case "help":
		fmt.Fprint(stdout, usage+fs.FlagUsages())
		return nil
	case "review":
		return &usageError{"review is not available yet"}
	}
	return &usageError{fmt.Sprintf("unknown command %q", rest[0])}
}

// load reads a scenario file, or a bundled scenario by name.
func load(name string) (*scenarios.Scenario, error) {
	var sc *scenarios.Scenario
	var err error
	if _, statErr := os.Stat(name); statErr != nil && !strings.ContainsAny(name, "/.") {
		sc, err = scenarios.Builtin(name)
	} else {
		sc, err = scenarios.Load(name)
	}
	if err != nil {
		return nil, &inputError{err}
	}
	return sc, nil
}

// expectationsFailed says how many checks failed, and where (exit 1).
type expectationsFailed struct {
	failed, total int
	where         []string // "scenario (rules)" of each run with a failure
}

func (e *expectationsFailed) Error() string {
	return fmt.Sprintf("%d of %d expectations failed: %s", e.failed, e.total, strings.Join(e.where, ", "))
}

// firstSentence shortens a description for `stsim list`.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func runScenarios(names []string, fs *pflag.FlagSet, o options, stdout io.Writer) error {
	var reports []*report.Report
	fail := &expectationsFailed{}
	for _, n := range names {
		sc, err := load(n)
		if err != nil {
			return err
		}
		if fs.Changed("seed") {
			sc.Seed = o.seed
		}
		if fs.Changed("rules") {
			if sc.Rules, err = scenarios.ParseRules(o.rules); err != nil {
				return &usageError{"--rules: " + err.Error()}
			}
		}
		var runs []*history.Run
		for _, rules := range sc.Rules {
			run, err := replay.Run(sc, rules)
			if err != nil {
				return fmt.Errorf("scenario %s, %s rules: %w", sc.Name, rules, err)
			}
			failedHere := 0
			for _, e := range run.Expectations {
				fail.total++
				if !e.OK {
					failedHere++
				}
			}
			if failedHere > 0 {
				fail.failed += failedHere
				fail.where = append(fail.where, fmt.Sprintf("%s (%s rules)", sc.Name, rules))
			}
			runs = append(runs, run)
		}
		reports = append(reports, report.Build(report.Header{Name: sc.Name, Seed: sc.Seed, Description: sc.Description, File: sc.File, Notes: sc.Notes}, runs))
	}
	w := stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return &inputError{err}
		}
		defer f.Close()
		w = f
	}
	if err := write(w, reports, o); err != nil {
		return err
	}
	if fail.failed > 0 {
		return fail
	}
	return nil
}

// write renders the reports: texts one after another, JSON as one Report
// or, for several scenarios, an array of them.
func write(w io.Writer, reports []*report.Report, o options) error {
	if o.output == "json" && len(reports) > 1 {
		var parts [][]byte
		for _, r := range reports {
			var b bytes.Buffer
			if err := r.JSON(&b); err != nil {
				return err
			}
			parts = append(parts, bytes.TrimRight(b.Bytes(), "\n"))
		}
		_, err := fmt.Fprintf(w, "[\n%s\n]\n", bytes.Join(parts, []byte(",\n")))
		return err
	}
	for _, r := range reports {
		var err error
		if o.output == "json" {
			err = r.JSON(w)
		} else {
			err = r.Text(w, report.TextOptions{Events: o.events})
		}
		if err != nil {
			return err
		}
	}
	return nil
}
