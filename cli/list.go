package cli

import (
	"context"
	"fmt"
	"strings"

	"stsim/report"
	"stsim/scenarios"
)

// listCmd is `stsim list`: the bundled scenarios, a line each.
type listCmd struct{ base }

func newList(e *env) command {
	return &listCmd{newBase(e, "list")}
}

// Run lists the bundled scenarios, one a line: the name and the lesson
// (the first two sentences of the description). On a terminal, or with
// COLUMNS set, a line is cut to the width (COLUMNS, else
// report.DefaultWidth); written to a file or a pipe it is whole.
func (c *listCmd) Run(_ context.Context, args []string) error {
	if err := noArgs(c.fs, "list", args); err != nil {
		return err
	}
	width, _ := textOptions(colorNever, nil)
	if width == 0 && isTerminal(c.stdout) {
		width = report.DefaultWidth
	}
	infos := scenarios.List()
	nameWidth := 0
	for _, in := range infos {
		nameWidth = max(nameWidth, len(in.Name))
	}
	for _, in := range infos {
		line := fmt.Sprintf("%-*s  %s", nameWidth, in.Name, in.Lesson())
		fmt.Fprintln(c.stdout, cut(line, width))
	}
	return nil
}

// cut shortens s to at most width characters (0: no limit), ending in "…"
// when cut.
func cut(s string, width int) string {
	r := []rune(s)
	if width == 0 || len(r) <= width {
		return s
	}
	return strings.TrimRight(string(r[:width-1]), " ") + "…"
}
