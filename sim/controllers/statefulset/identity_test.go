package statefulset

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPodNameAndParentOrdinal follows R-ID-1, R-ID-3 and R-PVC-1
// (getPodName, getPersistentVolumeClaimName and getParentNameAndOrdinal in
// pkg/controller/statefulset/stateful_set_utils.go):
// "<set>-<ordinal>", "<template>-<set>-<ordinal>", and the regex
// "(.*)-([0-9]+)$" as their inverse; a name that does not parse has ordinal -1.
func TestPodNameAndParentOrdinal(t *testing.T) {
	assert.Equal(t, "web-0", PodName("web", 0))
	assert.Equal(t, "www-web-12", ClaimName("www", "web", 12))
	for _, tc := range []struct {
		name    string
		parent  string
		ordinal int
	}{
		{"web-0", "web", 0},
		{"my-db-set-17", "my-db-set", 17},
		{"web-3-4", "web-3", 4},
		{"web", "", -1},
		{"web-", "", -1},
		{"web-x1", "", -1},
		{"web-99999999999", "", -1}, // does not fit an int32
	} {
		parent, ordinal := ParentAndOrdinal(tc.name)
		assert.Equal(t, tc.parent, parent, tc.name)
		assert.Equal(t, tc.ordinal, ordinal, tc.name)
	}
	for _, o := range []int{0, 1, 9, 10, 1234} {
		parent, ordinal := ParentAndOrdinal(PodName("db", o))
		assert.Equal(t, "db", parent)
		assert.Equal(t, o, ordinal)
	}
}

// TestIsClaimName: storageMatches compares a volume's claim with the name
// getPersistentVolumeClaimName builds, without building it.
func TestIsClaimName(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{"data-web-0", true}, {"data-web-10", false}, {"data-web-1", false}, {"data-web0", false},
		{"datax-web-0", false}, {"data-webb-0", false}, {"data-web-", false}, {"", false},
	} {
		assert.Equal(t, c.want, isClaimName(c.name, "data", "web", 0), c.name)
	}
	assert.True(t, isClaimName("data-web-12345", "data", "web", 12345))
}
