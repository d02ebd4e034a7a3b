package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
)

func init() { register("json", jsonRenderer{}) }

// jsonRenderer writes the machine contract (`-o json`): one Report as an
// indented JSON object, or several as a JSON array, with the keys of the
// wire types, times as numbers of seconds, map keys sorted and a trailing
// newline.
type jsonRenderer struct{}

// Render streams: a run's lists are written an element at a time, so the
// report of a run of 300,000 pods is never held as one encoded buffer.
func (jsonRenderer) Render(w io.Writer, reports []*Report, _ Options) error {
	s := newJSONStream(w)
	if len(reports) != 1 {
		s.w.WriteString("[\n")
	}
	for i, r := range reports {
		if i > 0 {
			s.w.WriteString(",\n")
		}
		if err := s.object(reflect.ValueOf(r).Elem(), ""); err != nil {
			return err
		}
	}
	if len(reports) != 1 {
		s.w.WriteString("\n]")
	}
	s.w.WriteString("\n")
	return s.w.Flush()
}

// jsonStream writes JSON as writeJSON does (indented by two spaces, HTML
// characters kept), a Report's and a Run's fields one at a time and a
// Run's lists one element at a time.
type jsonStream struct {
	w       *bufio.Writer
	scratch bytes.Buffer
}

func newJSONStream(w io.Writer) *jsonStream {
	return &jsonStream{w: bufio.NewWriterSize(w, 64<<10)}
}

// object writes struct v, each field through value.
func (s *jsonStream) object(v reflect.Value, prefix string) error {
	t := v.Type()
	s.w.WriteString("{")
	for i := range t.NumField() {
		if i > 0 {
			s.w.WriteString(",")
		}
		s.w.WriteString("\n" + prefix + "  ")
		if err := s.encode(t.Field(i).Tag.Get("json"), ""); err != nil {
			return err
		}
		s.w.WriteString(": ")
		if err := s.value(v.Field(i), prefix+"  "); err != nil {
			return err
		}
	}
	if t.NumField() > 0 {
		s.w.WriteString("\n" + prefix)
	}
	s.w.WriteString("}")
	return nil
}

// value writes a field: the runs of a Report field by field, the lists
// of a Run element by element, anything else whole.
func (s *jsonStream) value(v reflect.Value, prefix string) error {
	switch {
	case v.Type() == reflect.TypeFor[*Run]():
		return s.object(v.Elem(), prefix)
	case v.Kind() == reflect.Slice && !v.IsNil() && v.Len() > 0:
		s.w.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				s.w.WriteString(",")
			}
			s.w.WriteString("\n" + prefix + "  ")
			if err := s.value(v.Index(i), prefix+"  "); err != nil {
				return err
			}
		}
		s.w.WriteString("\n" + prefix + "]")
		return nil
	}
	return s.encode(v.Interface(), prefix)
}

// encode writes x whole, its lines after the first indented by prefix.
func (s *jsonStream) encode(x any, prefix string) error {
	s.scratch.Reset()
	enc := json.NewEncoder(&s.scratch)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(x); err != nil {
		return fmt.Errorf("encode report as json: %w", err)
	}
	s.w.Write(bytes.TrimSuffix(s.scratch.Bytes(), []byte("\n")))
	return nil
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
