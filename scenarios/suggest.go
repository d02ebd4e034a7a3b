package scenarios

import "strings"

// unknownKey is the message for a key that is none of the known ones: it
// names the nearest known key when one is close ("did you mean replicas?",
// a typo, a wrong case, a missing letter), then lists them all.
func unknownKey(key, expected string, known []string) string {
	if near := nearest(key, known, 3); near != "" {
		return "unknown field; did you mean " + near + "? (expected " + expected + ")"
	}
	return "unknown field; expected " + expected
}

// nearest is the known word closest to w by edit distance (editDistance,
// letters compared without case), if it is close enough to be a slip: at
// most 1 edit for words of up to 4 letters, 2 up to 8, 3 beyond, and never
// more than most. Ties go to the first in known's order; "" when none is
// close.
func nearest(w string, known []string, most int) string {
	if len(w) > 64 {
		return ""
	}
	limit := 1
	switch n := len(w); {
	case n > 8:
		limit = 3
	case n > 4:
		limit = 2
	}
	limit = min(limit, most)
	best, bestDist := "", limit+1
	for _, k := range known {
		if k == w {
			continue
		}
		if d := editDistance(strings.ToLower(w), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b,
// in bytes: Levenshtein's insertions, deletions and substitutions, and a
// swap of two neighbours as one edit ("goen" is one edit from "gone").
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
