package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func init() { register("text", textRenderer{}) }

// textRenderer writes what a terminal user reads: each report's Document as
// plain text with aligned columns, at most about 120 columns wide except
// for long words, reports one after another.
type textRenderer struct{}

func (textRenderer) Render(w io.Writer, reports []*Report, opt Options) error {
	for _, r := range reports {
		t := &textWriter{}
		t.document(Layout(r, opt))
		if _, err := w.Write(trimLines(t.buf.Bytes())); err != nil {
			return err
		}
	}
	return nil
}

// textWidth is the width the text report keeps to, except for words that
// do not fit.
const textWidth = 120

// textWriter accumulates one text report.
type textWriter struct {
	buf bytes.Buffer
}

func (t *textWriter) printf(format string, args ...any) {
	fmt.Fprintf(&t.buf, format, args...)
}

func (t *textWriter) document(d *Document) {
	t.header(d.Header)
	for _, p := range d.Parts {
		if len(p.Sections) == 0 {
			t.printf("\n\n%s: %s\n", oneLine(p.Title), oneLine(p.Note))
			continue
		}
		t.printf("\n\n== %s ==\n", oneLine(p.Title))
		for _, s := range p.Sections {
			t.section(s)
		}
	}
}

// header writes the title block.
func (t *textWriter) header(h Header) {
	name := h.Name
	if name == "" {
		name = "(unnamed scenario)"
	}
	t.printf("stsim report: %s  (seed %d)\n", safeCell(name), h.Seed)
	if h.Description != "" {
		for _, l := range wrap(safeCell(h.Description), 100) {
			t.printf("  %s\n", l)
		}
	}
	if h.File != "" {
		t.printf("  file: %s\n", safeCell(h.File))
	}
	if len(h.Notes) > 0 {
		t.printf("  notes:\n")
		for _, n := range h.Notes {
			t.printf("    - %s\n", safeCell(n))
		}
	}
}

// section writes a blank line and the section's title line (with its
// note), then its list or table.
func (t *textWriter) section(s Section) {
	t.printf("\n")
	if s.Title != "" {
		t.printf("%s", oneLine(s.Title))
		if s.Note != "" {
			t.printf("  (%s)", oneLine(s.Note))
		}
		t.printf("\n")
	}
	for _, it := range s.List {
		for i, l := range wrap(safeCell(it), textWidth-4) {
			if i == 0 {
				t.printf("  - %s\n", l)
			} else {
				t.printf("    %s\n", l)
			}
		}
	}
	if s.Table != nil {
		t.table(s.Table)
	}
}

// table writes rows with aligned columns, indented by two spaces. Empty
// cells print as "-". A column with a
// Wrap width wraps there; the last column also wraps so that lines stay
// within textWidth where they can.
func (t *textWriter) table(tb *Table) {
	var rows [][][]string // rows of cells of lines
	if !tb.NoHeader {
		head := make([][]string, len(tb.Columns))
		for j, c := range tb.Columns {
			head[j] = []string{oneLine(c.Name)}
		}
		rows = append(rows, head)
	}
	for _, r := range tb.Rows {
		row := make([][]string, len(r))
		for j, c := range r {
			s := safeCell(c.Text)
			row[j] = []string{s}
			if j < len(tb.Columns) && tb.Columns[j].Wrap > 0 {
				row[j] = wrap(s, tb.Columns[j].Wrap)
			}
		}
		rows = append(rows, row)
	}
	ncol := len(tb.Columns)
	widths := make([]int, ncol)
	for _, row := range rows {
		for j, lines := range row[:max(len(row)-1, 0)] {
			for _, l := range lines {
				widths[j] = max(widths[j], runeLen(l))
			}
		}
	}
	prefix := 2
	for _, w := range widths[:max(ncol-1, 0)] {
		prefix += w + 2
	}
	last := max(textWidth-prefix, 30)

	tw := tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		if len(row) == 0 {
			fmt.Fprintln(tw)
			continue
		}
		var tail []string
		for _, l := range row[len(row)-1] {
			tail = append(tail, wrap(l, last)...)
		}
		row[len(row)-1] = tail
		n := 0
		for _, lines := range row {
			n = max(n, len(lines))
		}
		for k := range n {
			cells := make([]string, len(row))
			for j, lines := range row {
				if k < len(lines) {
					cells[j] = lines[k]
				}
			}
			fmt.Fprintf(tw, "  %s\n", strings.Join(cells, "\t"))
		}
	}
	tw.Flush() // writes to a bytes.Buffer: cannot fail
}

// safeCell is a table cell or list item as the terminal may see it: cell's
// "-" for nothing and spaces for tabs and line breaks, and every other
// character that is not printable escaped (Escape), so that no string of
// the scenario reaches the terminal raw.
func safeCell(s string) string { return Escape(cell(s)) }

// oneLine is a title or note on one line, escaped as safeCell does.
func oneLine(s string) string {
	if s == "" {
		return ""
	}
	return safeCell(s)
}

// trimLines removes trailing spaces from every line.
func trimLines(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimRight(l, " ")
	}
	return bytes.Join(lines, []byte("\n"))
}
