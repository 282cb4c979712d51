package calendar

import "math/bits"

// index finds, in constant expected time, the first of a sorted list of
// keys that is at least a value: keys are spread over buckets of 2^shift,
// each remembering where its keys begin, and a search looks only inside one
// bucket (by binary search, so clustered keys stay logarithmic).
type index struct {
	keys  []int64
	base  int64
	shift uint
	first []int32 // first[b]: the first key >= base + b<<shift; len(buckets)+1 entries
}

func newIndex(keys []int64) index {
	ix := index{keys: keys}
	if len(keys) == 0 {
		return ix
	}
	ix.base = keys[0]
	span := uint64(keys[len(keys)-1] - keys[0])
	per := span / uint64(len(keys))
	if l := bits.Len64(per); l > 2 {
		ix.shift = uint(l - 2) // buckets a quarter of the mean gap: short scans
	}
	n := int(span>>ix.shift) + 1
	ix.first = make([]int32, n+1)
	i := 0
	for b := range n + 1 {
		start := ix.base + int64(b)<<ix.shift
		for i < len(keys) && keys[i] < start {
			i++
		}
		ix.first[b] = int32(i)
	}
	return ix
}

// search returns the index of the first key >= v, or len(keys).
func (ix *index) search(v int64) int {
	if len(ix.keys) == 0 || v <= ix.base {
		return 0
	}
	b := uint64(v-ix.base) >> ix.shift
	if b >= uint64(len(ix.first)-1) {
		return len(ix.keys)
	}
	lo, hi := int(ix.first[b]), int(ix.first[b+1])
	if hi-lo <= 4 { // the usual case: a few keys, scanned
		for lo < hi && ix.keys[lo] < v {
			lo++
		}
		return lo
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ix.keys[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
