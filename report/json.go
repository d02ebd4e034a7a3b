package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// JSON writes the report as indented JSON (`stsim run -o json`): the keys of
// DESIGN.md's "Report" section, times as numbers of seconds, lists in the
// order Build sorted them, map keys sorted, and a trailing newline. Call it
// on a report from Build, whose lists are never nil.
func (r *Report) JSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report as json: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
