package cli

import (
	"context"
	"fmt"
)

// versionCmd is `stsim version`.
type versionCmd struct{ base }

func newVersion(e *env) command {
	return &versionCmd{newBase(e, "version")}
}

// Run prints the version and the scenario language it reads.
func (c *versionCmd) Run(_ context.Context, args []string) error {
	if err := noArgs(c.fs, "version", args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "stsim %s (scenario language stsim/v1)\n", Version)
	return nil
}
