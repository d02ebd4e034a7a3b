package cli

import (
	"context"
	"fmt"
	"strings"

	"stsim/scenarios"
)

// listCmd is `stsim list`: the bundled scenarios, a line each.
type listCmd struct{ base }

func newList(e *env) command {
	return &listCmd{newBase(e, "list")}
}

// Run lists the bundled scenarios with the first sentence of each
// description.
func (c *listCmd) Run(_ context.Context, args []string) error {
	if err := noArgs(c.fs, "list", args); err != nil {
		return err
	}
	for _, in := range scenarios.List() {
		fmt.Fprintf(c.stdout, "%-24s %s\n", in.Name, firstSentence(in.Description))
	}
	return nil
}

// firstSentence shortens a description for `stsim list`.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}
