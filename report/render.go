package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Renderer prints reports in one format.
type Renderer interface {
	// Render writes the reports (one per scenario run) to w.
	Render(w io.Writer, reports []*Report, opt Options) error
}

// renderers holds every format by name; each renderer's file registers
// itself.
var renderers = map[string]Renderer{}

// register adds a format.
func register(format string, r Renderer) { renderers[format] = r }

// formats are the report formats, in the order help lists them.
var formats = []string{"text", "json", "markdown", "html"}

// Formats lists the report formats.
func Formats() []string { return slices.Clone(formats) }

// FormatError is an unknown format.
type FormatError struct{ Format string }

func (e *FormatError) Error() string {
	return fmt.Sprintf("-o %q: want %s", e.Format, strings.Join(formats, " or "))
}

// CheckFormat reports whether a format is known.
func CheckFormat(format string) error {
	if _, ok := renderers[format]; !ok {
		return &FormatError{Format: format}
	}
	return nil
}

// Render writes the reports in a format. No string of a scenario reaches w
// raw: the text renderer escapes each one it prints (Escape), and what is
// left that a terminal could act on is escaped here, in every format, JSON
// as \u escapes that keep the same JSON value.
func Render(w io.Writer, format string, reports []*Report, opt Options) error {
	r, ok := renderers[format]
	if !ok {
		return &FormatError{Format: format}
	}
	switch format {
	case "text":
		// Escaped already, and maybe coloured after (textOutput).
		return r.Render(w, reports, opt)
	case "json":
		// Streamed, escaped as it goes.
		e := &jsonEscaper{w: w}
		if err := r.Render(e, reports, opt); err != nil {
			return err
		}
		return e.Close()
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, reports, opt); err != nil {
		return err
	}
	_, err := w.Write([]byte(escape(buf.String(), true)))
	return err
}
