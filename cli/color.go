package cli

import (
	"io"
	"os"
	"strconv"

	"stsim/report"
)

// Color modes of --color.
const (
	colorAuto   = "auto"
	colorAlways = "always"
	colorNever  = "never"
)

// textOptions are the text report's width and colour for a run writing to
// w (nil: a file named by --out): colour when mode is always, or auto and w
// is a terminal and NO_COLOR is unset or empty (https://no-color.org); the
// width from COLUMNS when it is a number of at least 60, else
// report.DefaultWidth.
func textOptions(mode string, w io.Writer) (width int, color bool) {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 60 {
		width = n
	}
	switch mode {
	case colorAlways:
		return width, true
	case colorNever:
		return width, false
	}
	return width, os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// isTerminal says whether w (or the writer a stdoutWriter wraps) is a
// character device (a terminal).
func isTerminal(w io.Writer) bool {
	if s, ok := w.(*stdoutWriter); ok {
		w = s.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// checkColor checks a --color value.
func checkColor(mode string) error {
	switch mode {
	case colorAuto, colorAlways, colorNever:
		return nil
	}
	return usagef("--color %q: want auto, always or never", mode)
}

// reportOptions are the options of the report for the flags given.
func (c *runCmd) reportOptions() report.Options {
	var w io.Writer
	if c.out == "" {
		w = c.stdout
	}
	width, color := textOptions(c.color, w)
	return report.Options{Events: c.events, Full: c.full, Width: width, Color: color}
}
