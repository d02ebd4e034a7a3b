package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"stsim/scenarios"
)

// listCmd is `stsim list`: the bundled scenarios, a line each.
type listCmd struct {
	*env
	fs *pflag.FlagSet
}

func newList(e *env) command {
	return &listCmd{env: e, fs: pflag.NewFlagSet("list", pflag.ContinueOnError)}
}

func (c *listCmd) flags() *pflag.FlagSet { return c.fs }

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
