package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

func init() { register("json", jsonRenderer{}) }

// jsonRenderer writes the machine contract (`-o json`): one Report as an
// indented JSON object, or several as a JSON array, with the keys of the
// wire types, times as numbers of seconds, map keys sorted and a trailing
// newline.
type jsonRenderer struct{}

func (jsonRenderer) Render(w io.Writer, reports []*Report, _ Options) error {
	if len(reports) == 1 {
		return writeJSON(w, reports[0])
	}
	var parts [][]byte
	for _, r := range reports {
		var b bytes.Buffer
		if err := writeJSON(&b, r); err != nil {
			return err
		}
		parts = append(parts, bytes.TrimRight(b.Bytes(), "\n"))
	}
	_, err := fmt.Fprintf(w, "[\n%s\n]\n", bytes.Join(parts, []byte(",\n")))
	return err
}

// MarshalJSON writes the scenario object of the JSON report: name, seed,
// description (null when the scenario has none), file and notes (never
// null).
func (h Header) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as writeJSON: the encoder keeps these bytes as they are
	err := enc.Encode(struct {
		Name        string   `json:"name"`
		Seed        int64    `json:"seed"`
		Description *string  `json:"description"`
		File        string   `json:"file"`
		Notes       []string `json:"notes"`
	}{h.Name, h.Seed, optString(h.Description), h.File, clone(h.Notes)})
	return buf.Bytes(), err
}

// writeJSON writes one report from Build, whose lists are never nil, or
// another wire type (RenderJSON).
func writeJSON(w io.Writer, r any) error {
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
