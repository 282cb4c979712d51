package sla

import (
	"math"
	"math/big"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// shareOfBig is shareOf computed with big integers: budget·bp/10000 rounded
// toward zero, clamped to the bounds of time.Duration.
func shareOfBig(budget time.Duration, bp int64) time.Duration {
	q := new(big.Int).Mul(big.NewInt(int64(budget)), big.NewInt(bp))
	q.Quo(q, big.NewInt(10000))
	switch {
	case q.Cmp(big.NewInt(math.MaxInt64)) > 0:
		return math.MaxInt64
	case q.Cmp(big.NewInt(math.MinInt64)) < 0:
		return math.MinInt64
	}
	return time.Duration(q.Int64())
}

// A share of any budget, however long, is exact or saturates; it never
// wraps around to a small or negative threshold.
func TestShareOfExtremes(t *testing.T) {
	budgets := []time.Duration{0, 1, 9999, 10000, 10001, time.Hour, 1100 * 24 * time.Hour,
		2 * maxTime, math.MaxInt64 / 10000, math.MaxInt64/10000 + 1, math.MaxInt64 / 100, math.MaxInt64 - 1, math.MaxInt64,
		-1, -time.Hour, math.MinInt64 + 1, math.MinInt64}
	shares := []int64{0, 1, 7, 5000, 9999, 10000, 10001, 20000, maxShare - 1, maxShare}
	for _, b := range budgets {
		for _, bp := range shares {
			if got, want := shareOf(b, bp), shareOfBig(b, bp); got != want {
				t.Errorf("shareOf(%d, %d) = %d, want %d", b, bp, got, want)
			}
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		b := time.Duration(rapid.Int64().Draw(t, "budget"))
		bp := rapid.Int64Range(0, maxShare).Draw(t, "bp")
		if got, want := shareOf(b, bp), shareOfBig(b, bp); got != want {
			t.Fatalf("shareOf(%d, %d) = %d, want %d", b, bp, got, want)
		}
	})
}

// A threshold at or past the budget says so, also when it saturates, and
// is never negative; a larger share or offset never gives a smaller one.
func TestThresholdSaturates(t *testing.T) {
	for _, b := range []time.Duration{0, time.Hour, 2 * maxTime, math.MaxInt64 / 2, math.MaxInt64} {
		prev := time.Duration(-1)
		for _, bp := range []int64{0, 1, 5000, 10000, 10001, 15000, maxShare} {
			tr := Trigger{share: int32(bp), isShare: true}
			thr, past := tr.threshold(b)
			if want := shareOfBig(b, bp); thr != want || past != (want >= b) || thr < prev {
				t.Errorf("budget %d: %v gives %d, %v; want %d, %v, not below %d", b, tr, thr, past, want, want >= b, prev)
			}
			prev = thr
		}
		prev = -1
		for _, off := range []time.Duration{-maxTime, -time.Hour, 0, time.Hour, maxTime} {
			thr, past := AtOffset(off).threshold(b)
			if thr < 0 || thr < prev || past != (off >= 0) {
				t.Errorf("budget %d: offset %v gives %d, %v", b, off, thr, past)
			}
			if want := b + off; want >= 0 && b <= math.MaxInt64-maxTime && thr != want {
				t.Errorf("budget %d: offset %v gives %d, want %d", b, off, thr, want)
			}
			prev = thr
		}
		if thr, _ := AtOffset(maxTime).threshold(b); b > math.MaxInt64-maxTime && thr != math.MaxInt64 {
			t.Errorf("budget %d: offset %v gives %d, want it saturated", b, maxTime, thr)
		}
	}
}
