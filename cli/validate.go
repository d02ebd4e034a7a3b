package cli

import (
	"context"
	"errors"
	"fmt"
)

// validateCmd is `stsim validate FILE...`: load scenarios without running
// them.
type validateCmd struct{ base }

func newValidate(e *env) command {
	return &validateCmd{newBase(e, "validate")}
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
	var bad []error
	for _, n := range c.fs.Args() {
		sc, err := load(n)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		fmt.Fprintf(c.stdout, "%s: ok (scenario %s, %d steps)\n", n, sc.Name, len(sc.Steps))
	}
	if len(bad) > 0 {
		return &inputError{errors.Join(bad...)}
	}
	return nil
}
