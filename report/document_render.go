package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// This file prints a Document that is not a scenario's report (the fault
// matrix of `stsim review`) with the same printers as Render, and writes
// any wire type as JSON the way the JSON report is written.

// DocumentFormats are the formats RenderDocument prints; JSON is the
// caller's wire type, written by RenderJSON.
var DocumentFormats = []string{"text", "markdown", "html"}

// RenderDocument writes d in format (text, markdown or html) as Render
// writes a report's Document: the text within opt.Width and coloured with
// opt.Color, Markdown with headings, pipe tables and lists, HTML as one
// self-contained page; every string escaped as Render escapes it. UUIDs
// in d's text are cut to their first 8 hex digits, as in a report.
func RenderDocument(w io.Writer, format string, d *Document, opt Options) error {
	shortenUUIDs(d)
	var out []byte
	switch format {
	case "text":
		out = textOutput([]*Document{d}, opt)
	case "markdown":
		var b strings.Builder
		m := &markdownWriter{b: &b}
		m.header(d.Header)
		m.parts(d.Parts)
		out = []byte(escape(b.String(), true))
	case "html":
		name := d.Header.Name
		page := htmlPage{CSS: template.CSS(htmlCSS), Title: "stsim report: " + name,
			Reports: []htmlReport{{Name: name, Header: d.Header, Parts: d.Parts}}}
		var buf bytes.Buffer
		if err := htmlTemplate.Execute(&buf, page); err != nil {
			return fmt.Errorf("render html: %w", err)
		}
		out = []byte(escape(buf.String(), true))
	default:
		return &FormatError{Format: format}
	}
	_, err := w.Write(out)
	return err
}

// RenderJSON writes v as the JSON report is written: indented, HTML
// characters kept, a trailing newline, and what a terminal could act on
// escaped as \u escapes that keep the same JSON value.
func RenderJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := writeJSON(&buf, v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSON(buf.Bytes()))
	return err
}
