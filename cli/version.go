package cli

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"
)

// versionCmd is `stsim version`.
type versionCmd struct {
	*env
	fs *pflag.FlagSet
}

func newVersion(e *env) command {
	return &versionCmd{env: e, fs: pflag.NewFlagSet("version", pflag.ContinueOnError)}
}

func (c *versionCmd) flags() *pflag.FlagSet { return c.fs }

// Run prints the version and the scenario language it reads.
func (c *versionCmd) Run(_ context.Context, args []string) error {
	if err := noArgs(c.fs, "version", args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "stsim %s (scenario language stsim/v1)\n", Version)
	return nil
}
