package scenarios

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file turns yaml.v3's syntax errors into *Error with a position.
// yaml.v3 names a line in most of its errors ("yaml: line 3: did not find
// expected key") but never a column, counts that line from 0 in the
// errors of its parser (and from 1 in those of its scanner), and names no
// line at all for bytes that are not UTF-8, control characters and
// aliases of unknown anchors. Those are found here in the input itself.

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// parserProblems are the problems yaml.v3's parser (not its scanner)
// reports: their line is counted from 0.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// readerProblems are the problems yaml.v3's reader reports for bytes that
// are not allowed; they come without a line.
var readerProblems = []string{"control characters are not allowed", "UTF-8", "UTF-16", "invalid Unicode character", "surrogate"}

// syntaxError is err, an error of yaml.v3 reading data, as an *Error at the
// line it names (at the line's first non-blank column) or at the offending
// character.
func syntaxError(file string, data []byte, err error) *Error {
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if parserProblems[msg] {
		line++
	}
	for _, p := range readerProblems {
		if strings.Contains(msg, p) {
			if l, c, what, ok := firstBadChar(data); ok {
				return &Error{Pos: Pos{File: file, Line: l, Col: c}, Msg: "invalid YAML: " + what}
			}
			break
		}
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		if l, c, ok := findAlias(data, m[1]); ok {
			return &Error{Pos: Pos{File: file, Line: l, Col: c},
				Msg: fmt.Sprintf("invalid YAML: unknown anchor: *%s refers to no &%s before it", m[1], m[1])}
		}
	}
	line = max(line, 1)
	if last, end := lastContent(data); line > last && last > 0 {
		// Past the last line that holds anything: the file ended early.
		return &Error{Pos: Pos{File: file, Line: last, Col: end}, Msg: "invalid YAML: " + msg + " (the file ends here)"}
	}
	return &Error{Pos: Pos{File: file, Line: line, Col: firstColumn(data, line)}, Msg: "invalid YAML: " + msg}
}

// lastContent is the last line that holds a non-blank character, and the
// column just after its last character.
func lastContent(data []byte) (line, end int) {
	scan(data, func(_ int, r rune, _, l, c int) bool {
		if r != ' ' && r != '\t' && r != '\n' {
			line, end = l, c+1
		}
		return true
	})
	return line, end
}

// isBreak reports whether data[i:] starts with a line break as YAML counts
// them (LF, CR, CR LF, NEL, LS, PS), and its length.
func isBreak(data []byte, i int) (bool, int) {
	switch {
	case data[i] == '\n':
		return true, 1
	case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
		return true, 2
	case data[i] == '\r':
		return true, 1
	case bytes.HasPrefix(data[i:], []byte("\u0085")):
		return true, 2
	case bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
		return true, 3
	}
	return false, 0
}

// scan calls f with each rune of data (from its start, past a UTF-8
// byte-order mark) and its line and column, counted from 1, until f
// returns false. An invalid byte is passed as utf8.RuneError of size 1.
func scan(data []byte, f func(i int, r rune, size, line, col int) bool) {
	line, col := 1, 1
	i := 0
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		i = 3
	}
	for i < len(data) {
		if br, n := isBreak(data, i); br {
			if !f(i, '\n', n, line, col) {
				return
			}
			i += n
			line, col = line+1, 1
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if !f(i, r, size, line, col) {
			return
		}
		i += size
		col++
	}
}

// firstBadChar finds the first byte sequence YAML does not allow: one that
// is not UTF-8, or a control character. A file in UTF-16 (with its
// byte-order mark) is left to yaml.v3.
func firstBadChar(data []byte) (line, col int, what string, ok bool) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return 0, 0, "", false
	}
	scan(data, func(i int, r rune, size, l, c int) bool {
		switch {
		case r == utf8.RuneError && size == 1:
			what = fmt.Sprintf("byte 0x%02X is not UTF-8; save the file as UTF-8", data[i])
		case r == 0:
			what = "a NUL byte (U+0000) is not allowed"
		case !yamlAllowed(r):
			what = fmt.Sprintf("control character %U is not allowed", r)
		default:
			return true
		}
		line, col, ok = l, c, true
		return false
	})
	return line, col, what, ok
}

// yamlAllowed is YAML 1.1's set of printable characters, as yaml.v3's
// reader checks it.
func yamlAllowed(r rune) bool {
	switch {
	case r == 0x09 || r == 0x0A || r == 0x0D || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7E, r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// findAlias finds the alias *name: a '*' at the start of a value (after a
// blank, '[', '{', ',' or ':') followed by name and then a character that
// cannot be part of an anchor's name. Lines that are comments are skipped.
func findAlias(data []byte, name string) (line, col int, ok bool) {
	token := []byte("*" + name)
	prev := rune('\n')
	comment, lineStart := false, true
	scan(data, func(i int, r rune, _, l, c int) bool {
		if r == '\n' {
			comment, lineStart, prev = false, true, r
			return true
		}
		if lineStart && r == '#' {
			comment = true
		}
		if r != ' ' && r != '\t' {
			lineStart = false
		}
		if !comment && r == '*' && strings.ContainsRune(" \t\n[{,:-?", prev) && bytes.HasPrefix(data[i:], token) {
			end := i + len(token)
			if end == len(data) || !isAnchorChar(data[end]) {
				line, col, ok = l, c, true
				return false
			}
		}
		prev = r
		return true
	})
	return line, col, ok
}

func isAnchorChar(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == '-'
}

// firstColumn is the column of the first character of line that is not a
// blank, or 1.
func firstColumn(data []byte, line int) int {
	col := 1
	scan(data, func(_ int, r rune, _, l, c int) bool {
		if l < line {
			return true
		}
		if l == line && (r == ' ' || r == '\t') {
			return true
		}
		if l == line && r != '\n' {
			col = c
		}
		return false
	})
	return col
}
