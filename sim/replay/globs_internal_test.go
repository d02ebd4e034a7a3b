package replay

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGlobsMatchPairsEveryPatternWithItsOwnName: podNames and terminating
// checks pass when some pairing gives every pattern its own name, whatever
// the order of literal names and globs (docs/scenarios.md, podNames).
func TestGlobsMatchPairsEveryPatternWithItsOwnName(t *testing.T) {
	for _, tc := range []struct {
		patterns, names []string
		want            bool
	}{
		{[]string{"web-0", "web-*"}, []string{"web-0", "web-1"}, true},
		{[]string{"web-*", "web-0"}, []string{"web-0", "web-1"}, true},
		{[]string{"web-*", "web-*"}, []string{"web-0", "web-1"}, true},
		{[]string{"web-0", "web-0"}, []string{"web-0", "web-1"}, false},
		{[]string{"web-*"}, []string{"web-0", "web-1"}, false},
		{[]string{"web-?", "db-*"}, []string{"web-1", "web-2"}, false},
		{[]string{"*-1", "web-*", "web-2"}, []string{"web-1", "web-2", "web-3"}, true},
		{nil, nil, true},
	} {
		assert.Equal(t, tc.want, globsMatch(tc.patterns, tc.names), "%v against %v", tc.patterns, tc.names)
	}
}
