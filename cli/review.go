package cli

import (
	"context"

	"github.com/spf13/pflag"
)

// reviewCmd is `stsim review MANIFEST...`: the bundled fault timelines
// against a user's own workload. It is not available yet.
type reviewCmd struct {
	*env
	fs *pflag.FlagSet
}

func newReview(e *env) command {
	return &reviewCmd{env: e, fs: pflag.NewFlagSet("review", pflag.ContinueOnError)}
}

func (c *reviewCmd) flags() *pflag.FlagSet { return c.fs }

// Run refuses: review is not available yet.
func (c *reviewCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	return usagef("review is not available yet")
}
