package report

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// formatTime formats seconds of virtual time for people: "0.0s", "12.5s",
// "1m05s", "1m05.5s", "1h02m00s". Milliseconds are shown only when present.
func formatTime(t float64) string {
	if t < 0 {
		return "-" + formatTime(-t)
	}
	ms := int64(math.Round(t * 1000))
	frac := ms % 1000
	secs := ms / 1000
	h, m, s := secs/3600, secs/60%60, secs%60
	var sec string
	switch {
	case secs < 60 && frac%100 == 0:
		sec = fmt.Sprintf("%d.%ds", s, frac/100)
	case secs < 60:
		sec = fmt.Sprintf("%d.%s", s, trimZeros(fmt.Sprintf("%03d", frac))) + "s"
	case frac == 0:
		sec = fmt.Sprintf("%02ds", s)
	default:
		sec = fmt.Sprintf("%02d.%ss", s, trimZeros(fmt.Sprintf("%03d", frac)))
	}
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm%s", h, m, sec)
	case m > 0:
		return fmt.Sprintf("%dm%s", m, sec)
	}
	return sec
}

func trimZeros(s string) string { return strings.TrimRight(s, "0") }

// FormatSeconds formats seconds as a plain duration for sums ("0s", "5s",
// "2.5s", "1m05s").
func FormatSeconds(s float64) string {
	if s == 0 {
		return "0s"
	}
	if s < 60 && s == math.Trunc(s) {
		return strconv.Itoa(int(s)) + "s"
	}
	return formatTime(s)
}

// compareNames orders names with runs of digits compared as numbers, so
// web-2 comes before web-10; ties fall back to plain byte order.
func compareNames(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(a[i], b[j]); c != 0 {
			return c
		}
		i++
		j++
	}
	return cmp.Or(cmp.Compare(len(a)-i, len(b)-j), strings.Compare(a, b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// cell makes s safe for one tabwriter cell: no tabs, no line breaks.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\v', '\f':
			return ' '
		}
		return r
	}, s)
}

// wrap breaks s into lines of at most width runes at spaces; a word longer
// than width is broken after a character of breakAfter where it has one,
// and what is still too long gets a line of its own.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, field := range strings.Fields(s) {
		for _, w := range breakWord(field, width) {
			switch {
			case line == "":
				line = w
			case runeLen(line)+1+runeLen(w) <= width:
				line += " " + w
			default:
				lines = append(lines, line)
				line = w
			}
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// breakWord splits a word longer than width after its breakAfter characters
// into pieces of at most width runes where it can; a shorter word is
// itself.
func breakWord(w string, width int) []string {
	if runeLen(w) <= width {
		return []string{w}
	}
	var pieces []string
	piece := ""
	for _, seg := range wordSegments(w) {
		if piece != "" && runeLen(piece)+runeLen(seg) > width {
			pieces = append(pieces, piece)
			piece = ""
		}
		piece += seg
	}
	return append(pieces, piece)
}

// breakAfter are the characters a word too long for its line may be broken
// after: a field path's dots, a path's slashes, key=value, and the
// underscore of a kubelet's pod full name (name_namespace(uid)).
const breakAfter = "./=_"

// wordSegments cuts a word after each character of breakAfter: the pieces
// it may be broken into.
func wordSegments(w string) []string {
	var segs []string
	start := 0
	for i, r := range w {
		// Not inside a number: 37.0s stays whole.
		if strings.ContainsRune(breakAfter, r) && i+1 < len(w) && !(r == '.' && isDigit(w[i+1]) && i > 0 && isDigit(w[i-1])) {
			segs = append(segs, w[start:i+1])
			start = i + 1
		}
	}
	return append(segs, w[start:])
}

func runeLen(s string) int { return len([]rune(s)) }

// joinLimit joins items with sep, showing at most limit of them and then
// "… and N more".
func joinLimit(items []string, sep string, limit int) string {
	if len(items) <= limit {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:limit], sep) + sep + fmt.Sprintf("… and %d more", len(items)-limit)
}

func itoa(n int) string { return strconv.Itoa(n) }

// plural formats n with a singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
