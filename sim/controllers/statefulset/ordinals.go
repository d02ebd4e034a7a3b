package statefulset

import (
	"math/bits"
	"slices"
)

// ordinalSet is a set of ordinals (0 to MaxInt32) in pages of 4,096 bits,
// only the pages that hold one: a set of a few hundred thousand replicas
// is searched a word at a time, and a stray pod named web-2000000000 costs
// one page.
type ordinalSet struct {
	pages map[int]*page
	keys  []int // the page numbers, in order
}

const pageWords = 64

type page [pageWords]uint64

const pageBits = pageWords * 64

func (s *ordinalSet) add(o int) {
	if s.pages == nil {
		s.pages = map[int]*page{}
	}
	k := o / pageBits
	p := s.pages[k]
	if p == nil {
		p = &page{}
		s.pages[k] = p
		i, _ := slices.BinarySearch(s.keys, k)
		s.keys = slices.Insert(s.keys, i, k)
	}
	p[o%pageBits/64] |= 1 << (o % 64)
}

func (s *ordinalSet) remove(o int) {
	if p := s.pages[o/pageBits]; p != nil {
		p[o%pageBits/64] &^= 1 << (o % 64)
	}
}

func (s *ordinalSet) has(o int) bool {
	p := s.pages[o/pageBits]
	return p != nil && p[o%pageBits/64]&(1<<(o%64)) != 0
}

// set puts o in or out.
func (s *ordinalSet) set(o int, in bool) {
	if in {
		s.add(o)
	} else {
		s.remove(o)
	}
}

// next is the smallest ordinal in the set from lo to hi, or -1.
func (s *ordinalSet) next(lo, hi int) int {
	if lo > hi {
		return -1
	}
	for ki := s.firstPage(lo / pageBits); ki < len(s.keys) && s.keys[ki] <= hi/pageBits; ki++ {
		k, p := s.keys[ki], s.pages[s.keys[ki]]
		base := k * pageBits
		w := 0
		if base < lo {
			w = (lo - base) / 64
		}
		for ; w < pageWords; w++ {
			word := p[w]
			if b := base + w*64; b < lo {
				word &= ^uint64(0) << (lo - b)
			}
			if word != 0 {
				if o := base + w*64 + bits.TrailingZeros64(word); o <= hi {
					return o
				}
				return -1
			}
		}
	}
	return -1
}

// prev is the largest ordinal in the set from lo to hi, or -1.
func (s *ordinalSet) prev(lo, hi int) int {
	if lo > hi {
		return -1
	}
	for ki := s.firstPage(hi/pageBits+1) - 1; ki >= 0 && s.keys[ki] >= lo/pageBits; ki-- {
		k, p := s.keys[ki], s.pages[s.keys[ki]]
		base := k * pageBits
		w := pageWords - 1
		if base+pageBits-1 > hi {
			w = (hi - base) / 64
		}
		for ; w >= 0; w-- {
			word := p[w]
			if top := base + w*64 + 63; top > hi {
				word &= ^uint64(0) >> (top - hi)
			}
			if word != 0 {
				if o := base + w*64 + 63 - bits.LeadingZeros64(word); o >= lo {
					return o
				}
				return -1
			}
		}
	}
	return -1
}

// nextAbsent is the smallest ordinal from lo on that is not in the set.
func (s *ordinalSet) nextAbsent(lo int) int {
	for {
		p := s.pages[lo/pageBits]
		if p == nil {
			return lo
		}
		w := lo % pageBits / 64
		word := ^p[w] & (^uint64(0) << (lo % 64))
		for word == 0 && w < pageWords-1 {
			w++
			word = ^p[w]
		}
		if word != 0 {
			return lo/pageBits*pageBits + w*64 + bits.TrailingZeros64(word)
		}
		lo = (lo/pageBits + 1) * pageBits
	}
}

// count is the number of ordinals in the set from lo to hi.
func (s *ordinalSet) count(lo, hi int) int {
	n := 0
	for ki := s.firstPage(lo / pageBits); ki < len(s.keys) && s.keys[ki] <= hi/pageBits; ki++ {
		k, p := s.keys[ki], s.pages[s.keys[ki]]
		base := k * pageBits
		for w := range pageWords {
			word := p[w]
			b := base + w*64
			if b+63 < lo || b > hi {
				continue
			}
			if b < lo {
				word &= ^uint64(0) << (lo - b)
			}
			if b+63 > hi {
				word &= ^uint64(0) >> (b + 63 - hi)
			}
			n += bits.OnesCount64(word)
		}
	}
	return n
}

// firstPage is the index in keys of the first page numbered k or more.
func (s *ordinalSet) firstPage(k int) int {
	i, _ := slices.BinarySearch(s.keys, k)
	return i
}

// clear empties the set.
func (s *ordinalSet) clear() { *s = ordinalSet{} }
