package cli

import (
	"context"
)

// reviewCmd is `stsim review MANIFEST...`: the bundled fault timelines
// against a user's own workload. It is not available yet.
type reviewCmd struct{ base }

func newReview(e *env) command {
	return &reviewCmd{newBase(e, "review")}
}

// Run refuses: review is not available yet.
func (c *reviewCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	return usagef("review is not available yet")
}
