package cli

import (
	"context"

	"stsim/scenarios"
)

// showCmd is `stsim show NAME`: a bundled scenario as YAML.
type showCmd struct{ base }

func newShow(e *env) command {
	return &showCmd{newBase(e, "show")}
}

// Run prints the bundled scenario, self-contained: its manifest files are
// inlined, so the output runs from any directory.
func (c *showCmd) Run(_ context.Context, args []string) error {
	if err := parse(c.fs, args); err != nil {
		return err
	}
	if len(c.fs.Args()) != 1 {
		return usagef("show needs one bundled scenario name (see stsim list)")
	}
	data, err := scenarios.Source(c.fs.Arg(0))
	if err != nil {
		return &inputError{err}
	}
	_, err = c.stdout.Write(data)
	return err
}
