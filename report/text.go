package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

func init() { register("text", textRenderer{}) }

// textRenderer writes what a terminal user reads: each report's Document as
// plain text with aligned columns, within Options.Width columns except for
// long words and wide tables, reports one after another; with
// Options.Color, headings, results and differences are coloured.
type textRenderer struct{}

func (textRenderer) Render(w io.Writer, reports []*Report, opt Options) error {
	docs := make([]*Document, len(reports))
	for i, r := range reports {
		docs[i] = Layout(r, opt)
	}
	_, err := w.Write(textOutput(docs, opt))
	return err
}

// textOutput prints documents one after another as text, escaped as Render
// escapes every format. The text writer escapes each string it prints, so
// escaping the whole changes nothing and the colours (opt.Color) go where
// it put them, after the escaping: a scenario's own escape sequences stay
// escaped.
func textOutput(docs []*Document, opt Options) []byte {
	var text []byte
	var styles []style
	for _, d := range docs {
		t := &textWriter{width: width(opt), line: bytes.Count(text, []byte("\n"))}
		t.document(d)
		text = append(text, trimLines(t.buf.Bytes())...)
		styles = append(styles, t.styles...)
	}
	out := []byte(escape(string(text), true))
	if opt.Color && string(out) == string(text) {
		out = colorize(text, styles)
	}
	return out
}

// style colours bytes [from, to) of one line of the text report.
type style struct {
	line, from, to int
	sgr            string
}

// SGR sequences of the tones and headings.
const (
	sgrBold    = "1"
	sgrHeading = "1;36"
	sgrGood    = "32"
	sgrBad     = "1;31"
	sgrNotice  = "33"
	sgrQuiet   = "2"
)

// toneSGR is the colour of a tone, "" for none.
func toneSGR(t Tone) string {
	switch t {
	case Good:
		return sgrGood
	case Bad:
		return sgrBad
	case Notice:
		return sgrNotice
	case Quiet:
		return sgrQuiet
	}
	return ""
}

// colorize applies styles to escaped text: each styled span is wrapped in
// its SGR sequence and a reset.
func colorize(text []byte, styles []style) []byte {
	if len(styles) == 0 {
		return text
	}
	byLine := map[int][]style{}
	for _, s := range styles {
		byLine[s.line] = append(byLine[s.line], s)
	}
	lines := bytes.Split(text, []byte("\n"))
	for i, l := range lines {
		ss := byLine[i]
		// Later spans first, so earlier offsets stay valid.
		for j := len(ss) - 1; j >= 0; j-- {
			s := ss[j]
			if s.from >= s.to || s.to > len(l) {
				continue
			}
			var b []byte
			b = append(b, l[:s.from]...)
			b = append(b, "\x1b["+s.sgr+"m"...)
			b = append(b, l[s.from:s.to]...)
			b = append(b, "\x1b[0m"...)
			l = append(b, l[s.to:]...)
		}
		lines[i] = l
	}
	return bytes.Join(lines, []byte("\n"))
}

// textWriter accumulates one text report.
type textWriter struct {
	buf    bytes.Buffer
	width  int
	line   int // the line the buffer's end is on, counted in the whole output
	styles []style
}

func (t *textWriter) printf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	t.line += strings.Count(s, "\n")
	t.buf.WriteString(s)
}

// styled writes s (one line's text, no newline) coloured sgr.
func (t *textWriter) styled(s, sgr string) {
	if sgr != "" && s != "" {
		col := t.buf.Len() - (bytes.LastIndexByte(t.buf.Bytes(), '\n') + 1)
		t.styles = append(t.styles, style{line: t.line, from: col, to: col + len(s), sgr: sgr})
	}
	t.buf.WriteString(s)
}

func (t *textWriter) document(d *Document) {
	t.header(d.Header)
	for _, p := range d.Parts {
		if len(p.Sections) == 0 {
			t.printf("\n\n")
			t.styled(oneLine(p.Title)+":", sgrHeading)
			t.printf(" %s\n", oneLine(p.Note))
			continue
		}
		t.printf("\n\n")
		t.styled("== "+oneLine(p.Title)+" ==", sgrHeading)
		t.printf("\n")
		for _, s := range p.Sections {
			t.section(s)
		}
	}
}

// header writes the title block: the scenario and its lesson.
func (t *textWriter) header(h Header) {
	name := h.Name
	if name == "" {
		name = "(unnamed scenario)"
	}
	t.styled("stsim report: "+safeCell(name), sgrBold)
	t.printf("  (seed %d)\n", h.Seed)
	if h.Description != "" {
		for _, l := range wrap(safeCell(h.Description), t.width-2) {
			t.printf("  %s\n", l)
		}
	}
	if h.File != "" {
		t.printf("  file: %s\n", safeCell(h.File))
	}
	if len(h.Notes) > 0 {
		t.printf("  notes:\n")
		for _, n := range h.Notes {
			t.list("    ", safeCell(n))
		}
	}
}

// list writes an item of a list, wrapped, with indent before its dash.
func (t *textWriter) list(indent, item string) {
	for i, l := range wrap(item, t.width-len(indent)-2) {
		if i == 0 {
			t.printf("%s- %s\n", indent, l)
		} else {
			t.printf("%s  %s\n", indent, l)
		}
	}
}

// section writes a blank line and the section's title line (with its
// note), then its list or table.
func (t *textWriter) section(s Section) {
	t.printf("\n")
	if s.Title != "" {
		t.styled(oneLine(s.Title), sgrBold)
		if s.Note != "" {
			// The note wraps, its lines under its start.
			title := runeLen(oneLine(s.Title)) + 3
			for i, l := range wrap("("+oneLine(s.Note)+")", max(t.width-title, 30)) {
				if i > 0 {
					t.printf("\n%s", strings.Repeat(" ", title))
				} else {
					t.printf("  ")
				}
				t.styled(l, toneSGR(s.Tone))
			}
		}
		t.printf("\n")
	}
	for _, it := range s.List {
		t.list("  ", safeCell(it))
	}
	if s.Table != nil {
		t.table(s.Table)
	}
}

// table writes rows with aligned columns, indented by two spaces. Empty
// cells print as "-". A column wraps at its Wrap width, if any; when the
// table is still wider than the line, the widest columns that can wrap
// (their longest word is shorter than they are) give up width until it
// fits or none can.
func (t *textWriter) table(tb *Table) {
	type line struct {
		text string
		tone Tone
	}
	ncol := len(tb.Columns)
	var cells [][]Cell
	if !tb.NoHeader {
		head := make([]Cell, ncol)
		for j, c := range tb.Columns {
			head[j] = Cell{Text: c.Name}
		}
		cells = append(cells, head)
	}
	cells = append(cells, tb.Rows...)
	widths := columnWidths(tb, cells, t.width)
	for _, r := range cells {
		row := make([][]line, len(r))
		n := 0
		for j, c := range r {
			s := safeCell(c.Text)
			parts := []string{s}
			if j < ncol && runeLen(s) > widths[j] {
				parts = wrap(s, widths[j])
			}
			for _, p := range parts {
				row[j] = append(row[j], line{p, c.Tone})
			}
			n = max(n, len(parts))
		}
		for k := range n {
			t.printf("  ")
			for j, lines := range row {
				var l line
				if k < len(lines) {
					l = lines[k]
				}
				t.styled(l.text, toneSGR(l.tone))
				if j < len(row)-1 {
					t.printf("%s", strings.Repeat(" ", max(widths[j]-runeLen(l.text), 0)+2))
				}
			}
			t.printf("\n")
		}
	}
}

// columnWidths fits a table's columns into width: each column as wide as
// its widest cell, or its Wrap width; then, while the table is too wide,
// the widest column that can still wrap loses a column of width. A column
// never gets narrower than its longest word.
func columnWidths(tb *Table, rows [][]Cell, width int) []int {
	ncol := len(tb.Columns)
	widths, words := make([]int, ncol), make([]int, ncol)
	for _, r := range rows {
		for j, c := range r[:min(len(r), ncol)] {
			s := safeCell(c.Text)
			widths[j] = max(widths[j], runeLen(s))
			for _, w := range strings.Fields(s) {
				for _, seg := range wordSegments(w) {
					words[j] = max(words[j], runeLen(seg))
				}
			}
		}
	}
	for j, c := range tb.Columns {
		if c.Wrap > 0 {
			widths[j] = min(widths[j], max(c.Wrap, words[j]))
		}
	}
	avail := width - 2 - 2*(ncol-1)
	for {
		total, widest := 0, -1
		for j, w := range widths {
			total += w
			if w > words[j] && (widest < 0 || w > widths[widest]) {
				widest = j
			}
		}
		if total <= avail || widest < 0 {
			return widths
		}
		widths[widest]--
	}
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
