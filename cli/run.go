package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"stsim/report"
	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/history"
	"stsim/sim/replay"
	"stsim/sim/workload"
)

// runCmd is `stsim run SCENARIO...` (and `stsim` alone, on the default
// scenario): replay each scenario under its rule sets and write the report.
type runCmd struct {
	base
	rules  string
	seed   int64
	output string
	out    string
	events bool
	full   bool
	color  string
	in     inputs
	prof   profiling
}

func newRun(e *env) command {
	c := &runCmd{base: newBase(e, "run")}
	c.fs.StringVar(&c.rules, "rules", "", "rule sets to run, comma-separated: statefulset,deployment (default: the scenario's spec.rules)")
	c.fs.Int64Var(&c.seed, "seed", 0, "seed of the run's random source (default: the scenario's spec.seed)")
	c.fs.StringVarP(&c.output, "output", "o", "text", "report format: "+strings.Join(report.Formats(), " or "))
	c.fs.StringVar(&c.out, "out", "", "write the report to this file instead of standard output (never over a file the run reads)")
	c.fs.BoolVar(&c.events, "events", false, "include the full event log in the text report")
	c.fs.BoolVar(&c.full, "full", false, fmt.Sprintf("list every row of the text report's tables (without it a table of more than %d rows shows its first and last %d)", report.MaxRows, report.ShownRows))
	c.fs.StringVar(&c.color, "color", colorAuto, "colour the text report: auto (on a terminal, unless NO_COLOR is set), always or never")
	c.in.addFlags(c.fs)
	c.prof.stderr = e.stderr
	c.prof.addFlags(c.fs)
	return c
}

// Run replays the scenarios and writes their reports; expectations that
// failed make it return expectationsFailed once the reports are written.
func (c *runCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	if err := report.CheckFormat(c.output); err != nil {
		return &usageError{err.Error()}
	}
	if err := checkColor(c.color); err != nil {
		return err
	}
	var rules []workload.Rules
	if c.fs.Changed("rules") {
		var err error
		if rules, err = workload.ParseRulesList(c.rules); err != nil {
			return usagef("--rules: %v", err)
		}
	}
	if len(c.fs.Args()) == 0 {
		return usagef("run needs at least one scenario file or bundled scenario name")
	}
	if err := checkArgs(c.fs.Args()); err != nil {
		return err
	}
	if m := manifestArgs(c.fs.Args(), int64(c.in.maxSize)); len(m) > 0 {
		return c.review(m)
	}
	var scs []*scenarios.Scenario
	for _, n := range c.fs.Args() {
		sc, err := c.in.load(c.env, n)
		if err != nil {
			return err
		}
		if c.fs.Changed("seed") {
			sc.Seed = c.seed
		}
		if rules != nil {
			sc.Rules = rules
		}
		scs = append(scs, sc)
	}
	if c.out != "" {
		// Refuse a bad --out before the runs, and again when writing.
		if _, err := resolveOut(c.out, c.in.read); err != nil {
			return err
		}
	}
	var reports []*report.Report
	fail := &expectationsFailed{}
	if err := c.prof.start(); err != nil {
		return err
	}
	for _, sc := range scs {
		r, err := c.replay(sc)
		if err != nil {
			_ = c.prof.stop()
			return err
		}
		t := r.Failed()
		fail.failed += t.Failed
		fail.total += t.Total
		for _, rules := range t.Rules {
			fail.where = append(fail.where, fmt.Sprintf("%s (%s rules)", sc.Name, rules))
		}
		reports = append(reports, r)
	}
	if err := c.prof.stop(); err != nil {
		return err
	}
	if err := c.write(reports); err != nil {
		return err
	}
	if fail.failed > 0 {
		return fail
	}
	return nil
}

// write renders the reports to --out, or to standard output; JSON to
// standard output is streamed (the JSON of a run of 300,000 pods is
// hundreds of MB).
func (c *runCmd) write(reports []*report.Report) error {
	if c.out == "" && c.output == "json" {
		w := &stdoutWriter{w: c.stdout}
		err := report.Render(w, c.output, reports, c.reportOptions())
		if w.err != nil {
			return &inputError{fmt.Errorf("cannot write standard output: %w", cause(w.err))}
		}
		return err
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, c.output, reports, c.reportOptions()); err != nil {
		return err
	}
	if c.out != "" {
		return writeOut(c.out, c.in.read, buf.Bytes())
	}
	if _, err := c.stdout.Write(buf.Bytes()); err != nil {
		return &inputError{fmt.Errorf("cannot write standard output: %w", cause(err))}
	}
	return nil
}

// replay runs a scenario under each of its rule sets and builds the report.
func (c *runCmd) replay(sc *scenarios.Scenario) (*report.Report, error) {
	var runs []*history.Run
	for _, rules := range sc.Rules {
		if err := sc.Variant(rules).Err; err != nil {
			return nil, &inputError{fmt.Errorf("%s: under %s rules the converted workload is invalid: %w", sc.File, rules, err)}
		}
		var eng *sim.Engine
		c.prof.begin()
		run, err := replay.RunWith(sc, rules, func(e *sim.Engine) { eng = e })
		var se *scenarios.Error
		switch {
		case errors.As(err, &se):
			// A step the scenario got wrong, found only when it runs.
			return nil, &inputError{err}
		case err != nil:
			return nil, fmt.Errorf("scenario %s, %s rules: %w", sc.Name, rules, err)
		}
		c.prof.report(sc.Name, rules, run.End, eng.Stats())
		runs = append(runs, run)
	}
	return report.Build(report.Header{Name: sc.Name, Seed: sc.Seed, Description: sc.Description, File: sc.File, Notes: sc.Notes}, runs), nil
}

// review runs `stsim review` on run's arguments when they are Kubernetes
// manifests rather than scenarios, and says so on standard error. Every
// argument must then be one, and run's own flags of a scenario's runs do
// not apply.
func (c *runCmd) review(manifests []string) error {
	if len(manifests) < len(c.fs.Args()) {
		return usagef("%s holds Kubernetes manifests, not a scenario, and the other arguments are scenarios: run `stsim review %s` on its own", manifests[0], manifests[0])
	}
	for _, f := range []string{"rules", "events", "full", "allow-outside"} {
		if c.fs.Changed(f) {
			return usagef("--%s applies to scenarios; %s holds Kubernetes manifests, which run reviews", f, manifests[0])
		}
	}
	fmt.Fprintf(c.stderr, "stsim: reviewing %s: it holds Kubernetes manifests, not a scenario (this is `stsim review %s`)\n",
		report.Escape(strings.Join(manifests, " ")), report.Escape(strings.Join(manifests, " ")))
	o := reviewOptions{seed: c.seed, output: c.output, out: c.out, color: c.color, in: c.in}
	return o.run(c.env, manifests)
}
