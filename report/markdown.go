package report

import (
	"fmt"
	"io"
	"strings"
)

func init() { register("markdown", markdownRenderer{}) }

// markdownRenderer writes teaching material: each report as GitHub-flavoured
// Markdown (a heading, the scenario's description, a Mermaid gantt chart of
// the pods' lifetimes, then the Document's parts as headings, pipe tables
// and lists), reports one after another, split by a rule. Every string of
// the scenario is escaped (mdInline) so that it prints as text: no name can
// open a link, an emphasis, a table cell or an HTML element.
type markdownRenderer struct{}

// Render writes the reports one after another.
func (markdownRenderer) Render(w io.Writer, reports []*Report, opt Options) error {
	var b strings.Builder
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		m := &markdownWriter{b: &b}
		m.header(r.Scenario)
		m.gantt(r, opt)
		m.parts(Layout(r, opt).Parts)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownWriter writes one report.
type markdownWriter struct {
	b *strings.Builder
}

func (m *markdownWriter) printf(format string, args ...any) {
	fmt.Fprintf(m.b, format, args...)
}

// header writes the title, the seed and file, the description and the notes.
func (m *markdownWriter) header(h Header) {
	name := h.Name
	if name == "" {
		name = "(unnamed scenario)"
	}
	m.printf("# stsim report: %s\n\n", mdInline(name))
	m.printf("Seed %d", h.Seed)
	if h.File != "" {
		m.printf(", file %s", mdInline(h.File))
	}
	m.printf(".\n\n")
	if h.Description != "" {
		m.printf("%s\n\n", mdBlock(h.Description))
	}
	if len(h.Notes) > 0 {
		m.printf("Notes:\n\n")
		m.list(h.Notes)
	}
}

// parts writes each part as a second-level heading and its sections.
func (m *markdownWriter) parts(parts []Part) {
	for _, p := range parts {
		m.printf("## %s\n\n", mdInline(p.Title))
		m.note(p.Note)
		for _, s := range p.Sections {
			if s.Title != "" {
				m.printf("### %s\n\n", mdInline(s.Title))
			}
			m.note(s.Note)
			m.list(s.List)
			if s.Table != nil {
				m.table(s.Table)
			}
		}
	}
}

// note writes a note in italics, as a paragraph of its own.
func (m *markdownWriter) note(s string) {
	if s = strings.TrimSpace(s); s != "" {
		m.printf("*%s*\n\n", mdInline(s))
	}
}

// list writes items as a bulleted list.
func (m *markdownWriter) list(items []string) {
	for _, it := range items {
		m.printf("- %s\n", mdBlock(cell(it)))
	}
	if len(items) > 0 {
		m.printf("\n")
	}
}

// table writes a pipe table. A table without a header gets an empty header
// row, which GitHub Markdown requires.
func (m *markdownWriter) table(tb *Table) {
	head := make([]string, len(tb.Columns))
	rule := make([]string, len(tb.Columns))
	for j, c := range tb.Columns {
		if !tb.NoHeader {
			head[j] = mdInline(c.Name)
		}
		rule[j] = "---"
	}
	m.row(head)
	m.row(rule)
	for _, r := range tb.Rows {
		cells := make([]string, len(tb.Columns))
		for j := range cells {
			if j < len(r) {
				cells[j] = mdInline(cell(r[j].Text))
			}
		}
		m.row(cells)
	}
	m.printf("\n")
}

// row writes one table row.
func (m *markdownWriter) row(cells []string) {
	m.printf("| %s |\n", strings.Join(cells, " | "))
}
