package report

import "strings"

// A scenario's strings (its name and description, manifest names, label
// values, messages that quote them) reach Markdown readers through GitHub's
// renderer. To print as text, a string must not open an HTML element or
// entity (<, >, & become entities), a code span, an emphasis, a link or a
// strikethrough, or end a table cell (those characters are escaped with a
// backslash, as CommonMark allows before any ASCII punctuation), nor start
// a block (a heading, a list item, a thematic break, a block quote).

// mdInline escapes s for Markdown text within a line (a heading, a table
// cell, a note): every line break and tab becomes a space.
func mdInline(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t', '\v', '\f':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdBlock escapes s for a paragraph or a list item: as mdInline, trimmed,
// and a start that Markdown would read as a list marker, a thematic break
// or a setext underline ("-", "+", "=", "1. " or "1) ") escaped too.
func mdBlock(s string) string {
	s = mdInline(strings.TrimSpace(s))
	if s == "" {
		return s
	}
	switch s[0] {
	case '-', '+', '=':
		return `\` + s
	}
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if marker := digits + 1; digits > 0 && marker <= len(s) && strings.ContainsRune(".)", rune(s[digits])) &&
		(marker == len(s) || s[marker] == ' ') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}
