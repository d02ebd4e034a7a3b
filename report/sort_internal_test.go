package report

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortStableKeepsEqualElementsInOrder holds sortStable to
// slices.SortStableFunc on rows with many equal keys.
func TestSortStableKeepsEqualElementsInOrder(t *testing.T) {
	type row struct{ key, seq int }
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 19, 20, 21, 1000, 5000} {
		rows := make([]row, n)
		for i := range rows {
			rows[i] = row{rng.IntN(1 + n/10), i}
		}
		byKey := func(a, b row) int { return cmp.Compare(a.key, b.key) }
		want := slices.Clone(rows)
		slices.SortStableFunc(want, byKey)
		sortStable(rows, byKey)
		if !slices.Equal(rows, want) {
			t.Fatalf("n=%d: sortStable differs from slices.SortStableFunc", n)
		}
	}
}
