package statefulset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// ordinalModel is the obvious set that ordinalSet must agree with.
type ordinalModel map[int]bool

// sorted is the members in order.
func (m ordinalModel) sorted() []int {
	keys := make([]int, 0, len(m))
	for o := range m {
		keys = append(keys, o)
	}
	slices.Sort(keys)
	return keys
}

// next, prev, count and nextAbsent work from the sorted members, never by
// walking up to 2^31 ordinals.
func modelNext(keys []int, lo, hi int) int {
	if lo > hi {
		return -1
	}
	i := sort.SearchInts(keys, lo)
	if i < len(keys) && keys[i] <= hi {
		return keys[i]
	}
	return -1
}

func modelPrev(keys []int, lo, hi int) int {
	if lo > hi {
		return -1
	}
	i := sort.SearchInts(keys, hi+1) - 1
	if i >= 0 && keys[i] >= lo {
		return keys[i]
	}
	return -1
}

func modelCount(keys []int, lo, hi int) int {
	if lo > hi {
		return 0
	}
	return sort.SearchInts(keys, hi+1) - sort.SearchInts(keys, lo)
}

func modelNextAbsent(keys []int, lo int) int {
	for i := sort.SearchInts(keys, lo); i < len(keys) && keys[i] == lo; i++ {
		lo++
	}
	return lo
}

// ordinalBoundaries are the ordinals either side of word and page edges,
// near the bottom, around a stray 2,000,000,000, and at the very top.
var ordinalBoundaries = []int{
	0, 1, 2, 62, 63, 64, 65, 127, 128, 129,
	4031, 4032, 4094, 4095, 4096, 4097, 4159, 4160,
	8190, 8191, 8192, 8193, 12287, 12288,
	1_999_998_975, 1_999_998_976, 1_999_998_977, // page 488,281 starts at 1,999,998,976
	1_999_999_999, 2_000_000_000, 2_000_000_001,
	math.MaxInt32 - 4096, math.MaxInt32 - 4095, // the last page starts at MaxInt32-4095
	math.MaxInt32 - 64, math.MaxInt32 - 63, math.MaxInt32 - 1, math.MaxInt32,
}

// pickOrdinal is mostly a boundary, nudged a little, or a value under 20,000.
func pickOrdinal(r *rand.Rand) int {
	var o int
	switch r.IntN(4) {
	case 0:
		o = ordinalBoundaries[r.IntN(len(ordinalBoundaries))]
	case 1:
		o = ordinalBoundaries[r.IntN(len(ordinalBoundaries))] + r.IntN(5) - 2
	default:
		o = r.IntN(20_000)
	}
	return min(max(o, 0), math.MaxInt32)
}

// checkQueries compares next, prev, count and nextAbsent on [lo, hi] with
// the model.
func checkQueries(t *testing.T, s *ordinalSet, keys []int, lo, hi int, ctx string) {
	t.Helper()
	if got, want := s.next(lo, hi), modelNext(keys, lo, hi); got != want {
		t.Fatalf("%s: next(%d, %d) = %d, want %d", ctx, lo, hi, got, want)
	}
	if got, want := s.prev(lo, hi), modelPrev(keys, lo, hi); got != want {
		t.Fatalf("%s: prev(%d, %d) = %d, want %d", ctx, lo, hi, got, want)
	}
	if got, want := s.count(lo, hi), modelCount(keys, lo, hi); got != want {
		t.Fatalf("%s: count(%d, %d) = %d, want %d", ctx, lo, hi, got, want)
	}
	if got, want := s.nextAbsent(lo), modelNextAbsent(keys, lo); got != want {
		t.Fatalf("%s: nextAbsent(%d) = %d, want %d", ctx, lo, got, want)
	}
}

// TestOrdinalSetMatchesAModel runs seeded random adds, removes, sets, runs
// and clears, mostly at word and page edges, against a map, checking has
// after every step and next, prev, count and nextAbsent every few steps.
func TestOrdinalSetMatchesAModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 0x5eed))
			var s ordinalSet
			m := ordinalModel{}
			for step := range 5000 {
				ctx := fmt.Sprintf("step %d", step)
				o := pickOrdinal(r)
				switch op := r.IntN(100); {
				case op < 40:
					s.add(o)
					m[o] = true
					ctx += fmt.Sprintf(" add(%d)", o)
				case op < 65:
					s.remove(o)
					delete(m, o)
					ctx += fmt.Sprintf(" remove(%d)", o)
				case op < 85:
					in := r.IntN(2) == 0
					s.set(o, in)
					if in {
						m[o] = true
					} else {
						delete(m, o)
					}
					ctx += fmt.Sprintf(" set(%d, %v)", o, in)
				case op < 99:
					// A run of ordinals in or out, so that whole words and
					// pages fill up and empty again.
					n := 1 + r.IntN(300)
					if r.IntN(8) == 0 {
						n = 4096 + r.IntN(200)
					}
					in := r.IntN(3) != 0
					for x := o; x < o+n && x <= math.MaxInt32; x++ {
						s.set(x, in)
						if in {
							m[x] = true
						} else {
							delete(m, x)
						}
					}
					ctx += fmt.Sprintf(" set(%d..%d, %v)", o, o+n-1, in)
				default:
					if r.IntN(4) == 0 {
						s.clear()
						clear(m)
						ctx += " clear()"
					}
				}
				if got := s.has(o); got != m[o] {
					t.Fatalf("%s: has(%d) = %v, want %v", ctx, o, got, m[o])
				}
				for range 3 {
					x := pickOrdinal(r)
					if got := s.has(x); got != m[x] {
						t.Fatalf("%s: has(%d) = %v, want %v", ctx, x, got, m[x])
					}
				}
				if step%20 != 0 {
					continue
				}
				keys := m.sorted()
				for range 20 {
					lo, hi := pickOrdinal(r), pickOrdinal(r)
					if r.IntN(5) != 0 && lo > hi {
						lo, hi = hi, lo
					}
					checkQueries(t, &s, keys, lo, hi, ctx)
				}
				for _, b := range ordinalBoundaries {
					checkQueries(t, &s, keys, b, b, ctx)
					checkQueries(t, &s, keys, 0, b, ctx)
					checkQueries(t, &s, keys, b, math.MaxInt32, ctx)
				}
				// Around every member: finds at, just past, and just short.
				for _, k := range keys[:min(len(keys), 50)] {
					checkQueries(t, &s, keys, k, k, ctx)
					checkQueries(t, &s, keys, max(k-1, 0), k, ctx)
					checkQueries(t, &s, keys, k, min(k+1, math.MaxInt32), ctx)
					checkQueries(t, &s, keys, k+1, math.MaxInt32, ctx)
				}
			}
		})
	}
}

// TestOrdinalSetEdges covers the empty set, a full page that nextAbsent
// must skip, a page emptied bit by bit, and lo > hi.
func TestOrdinalSetEdges(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		var s ordinalSet
		for _, lo := range ordinalBoundaries {
			checkQueries(t, &s, nil, lo, math.MaxInt32, "empty")
			checkQueries(t, &s, nil, 0, lo, "empty")
			if s.has(lo) {
				t.Fatalf("empty: has(%d) = true", lo)
			}
			if got := s.nextAbsent(lo); got != lo {
				t.Fatalf("empty: nextAbsent(%d) = %d, want %d", lo, got, lo)
			}
		}
		s.remove(7) // a remove on the zero set is a no-op
		if got := s.next(0, math.MaxInt32); got != -1 {
			t.Fatalf("after remove on empty: next = %d, want -1", got)
		}
	})

	t.Run("full page", func(t *testing.T) {
		var s ordinalSet
		for o := 4096; o < 8192; o++ {
			s.add(o)
		}
		for _, c := range []struct{ lo, want int }{
			{0, 0}, {4095, 4095}, {4096, 8192}, {4097, 8192}, {6000, 8192},
			{8191, 8192}, {8192, 8192},
		} {
			if got := s.nextAbsent(c.lo); got != c.want {
				t.Fatalf("nextAbsent(%d) = %d, want %d", c.lo, got, c.want)
			}
		}
		// The next page is allocated and full in its first words.
		for o := 8192; o < 8192+130; o++ {
			s.add(o)
		}
		if got := s.nextAbsent(4096); got != 8322 {
			t.Fatalf("nextAbsent(4096) into a second page = %d, want 8322", got)
		}
		// A full page 0 too, then two full pages and a gap.
		for o := range 4096 {
			s.add(o)
		}
		if got := s.nextAbsent(0); got != 8322 {
			t.Fatalf("nextAbsent(0) over pages 0, 1 and 2 = %d, want 8322", got)
		}
		if got := s.count(0, math.MaxInt32); got != 8322 {
			t.Fatalf("count = %d, want 8322", got)
		}
		if got, want := s.count(100, 8200), 8101; got != want {
			t.Fatalf("count(100, 8200) = %d, want %d", got, want)
		}
		if got := s.prev(0, math.MaxInt32); got != 8321 {
			t.Fatalf("prev = %d, want 8321", got)
		}
		// The very last page, full: nextAbsent runs past MaxInt32.
		var top ordinalSet
		for o := math.MaxInt32 - 4095; o <= math.MaxInt32; o++ {
			top.add(o)
		}
		if got := top.nextAbsent(math.MaxInt32 - 4095); got != math.MaxInt32+1 {
			t.Fatalf("nextAbsent over the last page = %d, want %d", got, math.MaxInt32+1)
		}
		if got := top.count(0, math.MaxInt32); got != 4096 {
			t.Fatalf("count of the last page = %d, want 4096", got)
		}
	})

	t.Run("emptied page", func(t *testing.T) {
		var s ordinalSet
		s.add(100)
		s.add(9000)
		for o := 4096; o < 8192; o++ {
			s.add(o)
		}
		for o := 4096; o < 8192; o++ {
			s.remove(o)
		}
		if len(s.pages) != 3 || !slices.Equal(s.keys, []int{0, 1, 2}) {
			t.Fatalf("pages %d, keys %v: want page 1 still allocated", len(s.pages), s.keys)
		}
		keys := []int{100, 9000}
		for _, c := range [][2]int{
			{0, math.MaxInt32}, {101, math.MaxInt32}, {101, 8999}, {4096, 8191},
			{4000, 8191}, {4096, 9000}, {0, 8999}, {101, 9000}, {5000, 6000},
		} {
			checkQueries(t, &s, keys, c[0], c[1], "emptied page")
		}
		if got := s.next(101, math.MaxInt32); got != 9000 {
			t.Fatalf("next(101, MaxInt32) = %d, want 9000", got)
		}
		if got := s.prev(0, 8999); got != 100 {
			t.Fatalf("prev(0, 8999) = %d, want 100", got)
		}
		if got := s.count(4096, 8191); got != 0 {
			t.Fatalf("count(4096, 8191) = %d, want 0", got)
		}
		if got := s.nextAbsent(4096); got != 4096 {
			t.Fatalf("nextAbsent(4096) = %d, want 4096", got)
		}
		// clear drops the pages, and the set is usable again.
		s.clear()
		if len(s.pages) != 0 || len(s.keys) != 0 || s.count(0, math.MaxInt32) != 0 {
			t.Fatalf("after clear: pages %d, keys %v", len(s.pages), s.keys)
		}
		s.add(5)
		if !s.has(5) || s.next(0, 10) != 5 {
			t.Fatal("after clear: add(5) not found")
		}
	})

	t.Run("lo > hi", func(t *testing.T) {
		var s ordinalSet
		for _, o := range []int{3, 4, 5, 63, 64, 4095, 4096, 9000, math.MaxInt32} {
			s.add(o)
		}
		for _, c := range [][2]int{
			{5, 3}, {4, 3}, {64, 63}, {4096, 4095}, {9000, 3}, {math.MaxInt32, 0},
			{math.MaxInt32, math.MaxInt32 - 1}, {8192, 4096},
		} {
			lo, hi := c[0], c[1]
			if got := s.next(lo, hi); got != -1 {
				t.Fatalf("next(%d, %d) = %d, want -1", lo, hi, got)
			}
			if got := s.prev(lo, hi); got != -1 {
				t.Fatalf("prev(%d, %d) = %d, want -1", lo, hi, got)
			}
			if got := s.count(lo, hi); got != 0 {
				t.Fatalf("count(%d, %d) = %d, want 0", lo, hi, got)
			}
		}
	})
}
