package cli

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"stsim/report"
)

// maxExcerpt is the longest quoted value an error message shows, quotes
// included: a message quotes what a file holds, and a long value (or a
// secret file read by mistake) is not worth printing whole.
const maxExcerpt = 80

// errorList is several errors, one a line (validate's bad files).
type errorList struct{ errs []error }

func (l *errorList) Error() string {
	lines := make([]string, len(l.errs))
	for i, err := range l.errs {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// message is an error as stsim prints it on the terminal: quoted values
// shortened to maxExcerpt characters, and nothing of the input raw
// (report.Escape: control characters, escape sequences and bidirectional
// overrides are written as \x1b-style escapes, line breaks as \n), so that a
// scenario can neither drive the terminal nor forge a line of output. An
// errorList gives one line per error.
func message(err error) string {
	var l *errorList
	if errors.As(err, &l) {
		lines := make([]string, len(l.errs))
		for i, e := range l.errs {
			lines[i] = message(e)
		}
		return strings.Join(lines, "\n")
	}
	return report.Escape(shortenQuoted(err.Error(), maxExcerpt))
}

// shortenQuoted cuts every Go-quoted string of s (as strconv.Quote writes
// the values of a file in messages) longer than limit characters to an
// excerpt of at most limit, followed by "…" (unless the message already
// says that it is cut).
func shortenQuoted(s string, limit int) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			b.WriteByte('"')
			s = s[1:]
			continue
		}
		s = s[len(q):]
		if utf8.RuneCountInString(q) <= limit {
			b.WriteString(q)
			continue
		}
		v, _ := strconv.Unquote(q)
		excerpt := ""
		for _, r := range v {
			if utf8.RuneCountInString(strconv.Quote(excerpt+string(r))) > limit-1 {
				break
			}
			excerpt += string(r)
		}
		b.WriteString(strconv.Quote(excerpt))
		if !strings.HasPrefix(s, "…") {
			b.WriteString("…")
		}
	}
}
