package replay

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPickSRVFollowsRFC2782 (NET-5) checks the client's choice among SRV records
// (RFC 2782, "Usage rules"): only the lowest priority is used; within it,
// records of weight 0 are ordered first and chosen only when the draw from
// 0 to the sum of the weights is 0; the others in proportion to their
// weights.
func TestPickSRVFollowsRFC2782(t *testing.T) {
	records := []string{
		"10 90 80 backup.web.default.svc.cluster.local", // a higher priority: never used
		"0 30 80 a.web.default.svc.cluster.local",
		"0 0 80 zero.web.default.svc.cluster.local",
		"0 70 80 b.web.default.svc.cluster.local",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	counts := map[int]int{}
	const draws = 10100
	for range draws {
		counts[pickSRV(records, rng)]++
	}
	assert.Zero(t, counts[0], "a record of a higher priority number")
	// The draw is uniform over 0..100: 0 gives the weight-0 record, 1..30
	// record a, 31..100 record b.
	assert.InDelta(t, draws/101, counts[2], 60, "weight 0")
	assert.InDelta(t, draws*30/101, counts[1], 200, "weight 30")
	assert.InDelta(t, draws*70/101, counts[3], 200, "weight 70")

	// CoreDNS gives every record of a headless Service the same priority
	// and weight (plugin/backend_lookup.go): each pod is as likely.
	even := []string{"0 33 80 web-0.web", "0 33 80 web-1.web", "0 33 80 web-2.web"}
	seen := map[int]bool{}
	for range 100 {
		seen[pickSRV(even, rng)] = true
	}
	assert.Len(t, seen, 3)
}
