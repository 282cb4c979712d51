package calendar

import (
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The bucketed index agrees with a plain binary search.
func TestPropertyIndexMatchesSortSearch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOf(rapid.Int64Range(-1<<40, 1<<40)).Draw(t, "keys")
		if rapid.Bool().Draw(t, "clustered") {
			keys = rapid.SliceOf(rapid.Int64Range(0, 100)).Draw(t, "small")
			keys = append(keys, 1<<35)
		}
		slices.Sort(keys)
		ix := newIndex(keys)
		for range 20 {
			v := rapid.Int64Range(-1<<41, 1<<41).Draw(t, "v")
			if len(keys) > 0 && rapid.Bool().Draw(t, "near") {
				v = keys[rapid.IntRange(0, len(keys)-1).Draw(t, "i")] + rapid.Int64Range(-1, 1).Draw(t, "d")
			}
			want := sort.Search(len(keys), func(i int) bool { return keys[i] >= v })
			require.Equal(t, want, ix.search(v), "search(%d)", v)
		}
	})
}
