package cli

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"
)

// helpCmd is `stsim help`: the same text as --help.
type helpCmd struct {
	*env
	fs *pflag.FlagSet
}

func newHelp(e *env) command {
	return &helpCmd{env: e, fs: pflag.NewFlagSet("help", pflag.ContinueOnError)}
}

func (c *helpCmd) flags() *pflag.FlagSet { return c.fs }

// Run prints the usage.
func (c *helpCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	fmt.Fprint(c.stdout, usage(allFlags(c.env)))
	return nil
}
