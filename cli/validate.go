package cli

import (
	"context"
	"fmt"

	"stsim/report"
)

// validateCmd is `stsim validate FILE...`: load scenarios without running
// them.
type validateCmd struct {
	base
	in inputs
}

func newValidate(e *env) command {
	c := &validateCmd{base: newBase(e, "validate")}
	c.in.addFlags(c.fs)
	return c
}

// Run loads every file, says "ok" for each good one and reports every bad
// one.
func (c *validateCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	if len(c.fs.Args()) == 0 {
		return usagef("validate needs at least one scenario file")
	}
	if err := checkArgs(c.fs.Args()); err != nil {
		return err
	}
	var bad []error
	for _, n := range c.fs.Args() {
		sc, err := c.in.load(c.env, n)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		fmt.Fprintf(c.stdout, "%s: ok (scenario %s, %d steps)\n", report.Escape(n), report.Escape(sc.Name), len(sc.Steps))
	}
	if len(bad) > 0 {
		return &inputError{&errorList{bad}}
	}
	return nil
}
