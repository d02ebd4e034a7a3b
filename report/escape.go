package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Strings of a scenario (its description, names, keys and values, file
// names) reach the terminal in the text report and in error messages. None
// may reach it raw: ESC starts escape sequences (CSI ESC[, OSC ESC]) that
// clear the screen, move the cursor, set the window title or write to the
// clipboard, C1 controls (U+0080 to U+009F) act as ESC on some terminals,
// and bidirectional overrides (U+202A to U+202E, U+2066 to U+2069) reorder
// what the reader sees.

// Escape writes every character of s that is not printable (as
// strconv.IsPrint decides: C0 and C1 controls, DEL, newlines and tabs,
// format characters such as bidirectional overrides, and invalid UTF-8) as
// a Go escape: \n, \t, \r, \x1b, \u202e. Printable text, non-ASCII letters
// and symbols included, is kept as it is.
func Escape(s string) string { return escape(s, false) }

// escape is Escape; keepNewlines leaves '\n' as it is, for text made of
// lines.
func escape(s string, keepNewlines bool) string {
	if safe(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && keepNewlines, strconv.IsPrint(r):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
	}
	return b.String()
}

// safe says whether s has nothing to escape.
func safe(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if r == utf8.RuneError || !strconv.IsPrint(r) && !(r == '\n' && keepNewlines) {
					return false
				}
			}
			return true
		}
		if (c < ' ' || c == 0x7f) && !(c == '\n' && keepNewlines) {
			return false
		}
	}
	return true
}

// escapeJSON writes the characters of JSON text b that are not printable,
// other than the newlines between its lines, as \u escapes. encoding/json
// escapes C0 controls but leaves DEL, C1 controls and bidirectional
// overrides raw in strings; outside strings JSON text is printable ASCII,
// so the result is the same JSON value.
func escapeJSON(b []byte) []byte {
	if safe(string(b), true) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = fmt.Appendf(out, `\ufffd`)
		case r == '\n' || strconv.IsPrint(r):
			out = append(out, b[i:i+size]...)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += size
	}
	return out
}

// jsonEscaper is escapeJSON for JSON text written in pieces: a piece that
// ends inside a character keeps that character's first bytes for the
// next.
type jsonEscaper struct {
	w    io.Writer
	tail []byte
}

func (e *jsonEscaper) Write(p []byte) (int, error) {
	b := append(e.tail, p...)
	cut := len(b)
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if c := b[len(b)-i]; utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				cut = len(b) - i
			}
			break
		}
	}
	e.tail = append([]byte(nil), b[cut:]...)
	if _, err := e.w.Write(escapeJSON(b[:cut])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes what is left (an incomplete character, as escapeJSON
// writes one).
func (e *jsonEscaper) Close() error {
	if len(e.tail) == 0 {
		return nil
	}
	_, err := e.w.Write(escapeJSON(e.tail))
	e.tail = nil
	return err
}
