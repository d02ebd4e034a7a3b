package cli

import (
	"context"
	"fmt"
)

// helpCmd is `stsim help`: the same text as --help.
type helpCmd struct{ base }

func newHelp(e *env) command {
	return &helpCmd{newBase(e, "help")}
}

// Run prints the usage.
func (c *helpCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	fmt.Fprint(c.stdout, usage(allFlags(c.env)))
	return nil
}
