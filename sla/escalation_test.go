package sla_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

func TestParseTrigger(t *testing.T) {
	tests := []struct {
		in   string
		want sla.Trigger
		str  string
	}{
		{"0", sla.AtOffset(0), "0"},
		{"-1h", sla.AtOffset(-time.Hour), "-1h"},
		{"+4h", sla.AtOffset(4 * time.Hour), "+4h"},
		{"-PT30M", sla.AtOffset(-30 * time.Minute), "-30m"},
		{"+PT1H30M", sla.AtOffset(90 * time.Minute), "+1h30m"},
		{"75%", sla.AtShare(75), "75%"},
		{"12.5%", sla.AtShare(12.5), "12.5%"},
		{"0%", sla.AtShare(0), "0%"},
		{"150%", sla.AtShare(150), "150%"},
	}
	for _, tt := range tests {
		got, err := sla.ParseTrigger(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.Equal(t, tt.str, got.String(), tt.in)
	}
	for _, bad := range []string{"", "1h", "4x", "+", "-", "--1h", "+-1h", "%", "-5%", "abc%", "1.234%", "NaN%", "Inf%", "100000%", "+P1D", "+P1W"} {
		_, err := sla.ParseTrigger(bad)
		assert.ErrorIs(t, err, sla.ErrBadLevel, "%q", bad)
	}
}

// Shares with two decimals parse, exactly: 0.07·100 is not 7 in floating
// point, which once made "0.07%" a refused share.
func TestParseTriggerShareDecimals(t *testing.T) {
	for s, want := range map[string]float64{
		"0.07%": 0.07, "0.29%": 0.29, "1.15%": 1.15, "4.35%": 4.35, "57.01%": 57.01,
		"12.5%": 12.5, "75%": 75, "0%": 0, "0.5%": 0.5, "10000%": 10000, "10000.00%": 10000, "007.10%": 7.1,
	} {
		got, err := sla.ParseTrigger(s)
		if assert.NoError(t, err, s) {
			assert.Equal(t, sla.AtShare(want), got, s)
		}
	}
}

// Only plain decimals are shares: no exponents, hexadecimal, underscores,
// signs, spaces or a third decimal; errors name the value and wrap
// ErrBadLevel.
func TestParseTriggerShareRefusesOtherNumbers(t *testing.T) {
	for _, s := range []string{
		"1e2%", "0x1p4%", "7_5%", "+75%", "-5%", " 75%", "75 %", "0.125%", "75.%", ".5%", "%",
		"NaN%", "Inf%", "1,5%", "10000.01%", "10001%", "99999999999999999999999%", "٣%", "5%%",
	} {
		_, err := sla.ParseTrigger(s)
		if assert.Error(t, err, s) {
			assert.ErrorIs(t, err, sla.ErrBadLevel, s)
			assert.Contains(t, err.Error(), `"`+s+`"`, "the error names the value")
		}
	}
}

// AtShare rounds to a hundredth of a per cent, and 10000% is in range.
func TestAtShareRounds(t *testing.T) {
	assert.Equal(t, sla.MustParseTrigger("10000%"), sla.AtShare(10000))
	assert.Equal(t, sla.MustParseTrigger("10000%"), sla.AtShare(10000.004))
	assert.Equal(t, sla.MustParseTrigger("0.07%"), sla.AtShare(0.07))
	assert.Equal(t, sla.MustParseTrigger("4.35%"), sla.AtShare(4.35))
	_, err := sla.NewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: []sla.Level{{Name: "w", At: sla.AtShare(10000)}}},
	}}}})
	assert.NoError(t, err, "10000% is the largest share, not out of range")
	for _, p := range []float64{10000.006, 1e9, -0.01, math.NaN(), math.Inf(1)} {
		_, err := sla.NewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
			sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: []sla.Level{{Name: "w", At: sla.AtShare(p)}}},
		}}}})
		assert.ErrorIs(t, err, sla.ErrBadLevel, "AtShare(%v)", p)
	}
}

// A trigger out of range says what it was, in the policy set's error too:
// negative shares and offsets with one sign, NaN as NaN.
func TestTriggerOutOfRangePrintsItsValue(t *testing.T) {
	for _, c := range []struct {
		tr   sla.Trigger
		want string
	}{
		{sla.AtShare(-5), "-5%"},
		{sla.AtShare(-0.01), "-0.01%"},
		{sla.AtShare(-0.004), "0%"},
		{sla.AtShare(-1e12), "-10000.01%"},
		{sla.AtShare(math.Inf(-1)), "-10000.01%"},
		{sla.AtShare(math.Inf(1)), "10000.01%"},
		{sla.AtShare(math.NaN()), "NaN%"},
		{sla.AtOffset(math.MinInt64), "-2562047h47m16.854775808s"},
		{sla.AtOffset(math.MaxInt64), "+2562047h47m16.854775807s"},
	} {
		assert.Equal(t, c.want, c.tr.String())
		if c.want == "0%" {
			continue
		}
		_, err := sla.NewPolicySet(sla.Document{Policies: []sla.Policy{{Name: "all", Targets: map[sla.Metric]sla.Target{
			sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: []sla.Level{{Name: "w", At: c.tr}}},
		}}}})
		if assert.ErrorIs(t, err, sla.ErrBadLevel, c.want) {
			assert.Contains(t, err.Error(), c.want)
		}
	}
}

// Every share a Trigger can hold prints as a string that parses back to it,
// and AtShare of its value in per cent gives it back.
func TestEveryShareRoundTrips(t *testing.T) {
	for bp := 0; bp <= 1000000; bp++ {
		tr := sla.AtShare(float64(bp) / 100)
		s := tr.String()
		again, err := sla.ParseTrigger(s)
		if err != nil || again != tr {
			t.Fatalf("share of %d basis points prints %q, parses back to %v, %v", bp, s, again, err)
		}
		if bp == 7 && s != "0.07%" || bp == 1250 && s != "12.5%" || bp == 7500 && s != "75%" {
			t.Fatalf("share of %d basis points prints %q", bp, s)
		}
	}
}

// A policy set built in Go with a two-decimal share writes a document that
// parses back to an equal set.
func TestPolicySetWithTwoDecimalShareRoundTrips(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: []sla.Level{{Name: "w", At: sla.AtShare(0.07)}}},
	}}}})
	b, err := ps.MarshalJSON()
	require.NoError(t, err)
	again, err := sla.ParsePolicies(b)
	require.NoError(t, err, "%s", b)
	assert.Equal(t, ps.Policies(), again.Policies())
}

// A share of a long target in plain time is computed without overflow: 100
// times a 1100-day target is about 301 years away, not at arrival. Past
// time.Duration's range of business time (≈ 292 years) a level never
// fires: saturated, it fired 292 years in, in 2318, before its point.
func TestShareOfLongTargetDoesNotOverflow(t *testing.T) {
	received := at("2026-03-09 09:00")
	inq := sla.Inquiry{Channel: sla.Email, Received: received}
	for _, tt := range []struct {
		within string
		share  string
	}{
		{"P1100D", "10000%"},
		{"P3660DT87840H", "10000%"}, // the longest target, 20 years in plain time
		{"P3660DT87840H", "5000.01%"},
	} {
		ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
			sla.Resolution: {Within: sla.MustParseDuration(tt.within), Escalation: []sla.Level{{Name: "late", At: sla.MustParseTrigger(tt.share)}}},
		}}}})
		for _, now := range []time.Time{received, received.AddDate(290, 0, 0), received.AddDate(400, 0, 0)} {
			st := evaluate(t, ps, inq, nil, now)
			assert.Empty(t, obligation(t, st, "resolution").Escalations, "%s of %s at %v", tt.share, tt.within, now)
			assert.True(t, st.Next.IsZero() || st.Next.After(now), "%s of %s: Next %v", tt.share, tt.within, st.Next)
		}
		st := evaluate(t, ps, inq, nil, received)
		assert.Equal(t, obligation(t, st, "resolution").Due, st.Next, "the due time next, and after it nothing")
	}
	// Below the overflow, the share is exact: 150% of 1100 days.
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
		sla.Resolution: {Within: sla.MustParseDuration("P1100D"), Escalation: []sla.Level{{Name: "late", At: sla.MustParseTrigger("150%")}}},
	}}}})
	st := evaluate(t, ps, inq, nil, received.Add(1650*24*time.Hour))
	require.Len(t, obligation(t, st, "resolution").Escalations, 1)
	assert.True(t, obligation(t, st, "resolution").Escalations[0].At.Equal(received.Add(1650*24*time.Hour)))
}
