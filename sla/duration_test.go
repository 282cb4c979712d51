package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want sla.Duration
		str  string
	}{
		{"4h", sla.Duration{Time: 4 * time.Hour}, "4h"},
		{"90m", sla.Duration{Time: 90 * time.Minute}, "1h30m"},
		{"1h30m", sla.Duration{Time: 90 * time.Minute}, "1h30m"},
		{"0", sla.Duration{}, "0"},
		{"45s", sla.Duration{Time: 45 * time.Second}, "45s"},
		{"PT4H", sla.Duration{Time: 4 * time.Hour}, "4h"},
		{"PT60M", sla.Duration{Time: time.Hour}, "1h"},
		{"PT1.5H", sla.Duration{Time: 90 * time.Minute}, "1h30m"},
		{"P1D", sla.Duration{Days: 1}, "P1D"},
		{"P2DT4H30M", sla.Duration{Days: 2, Time: 4*time.Hour + 30*time.Minute}, "P2DT4H30M"},
		{"P1DT0.5S", sla.Duration{Days: 1, Time: 500 * time.Millisecond}, "P1DT0.5S"},
		{"P0D", sla.Duration{}, "0"},
	}
	for _, tt := range tests {
		got, err := sla.ParseDuration(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.Equal(t, tt.str, got.String(), tt.in)
	}
	for _, bad := range []string{"", "4x", "-4h", "-PT1H", "PT-1H", "P1Y", "P1M", "P1W", "P1.5D", "P", "PT", "p1d", "P99999D", "100000h", "PT0.0000000001S", "4h ", " 4h"} {
		_, err := sla.ParseDuration(bad)
		assert.ErrorIs(t, err, sla.ErrBadDuration, "%q", bad)
	}
	_, err := sla.ParseDuration("4x")
	assert.EqualError(t, err, `bad duration "4x"`)
	_, err = sla.ParseDuration("P1Y")
	assert.EqualError(t, err, `bad duration "P1Y": years and months are not allowed`)
}

// String writes what ParseDuration reads back.
func TestDurationStringRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := sla.Duration{
			Days: rapid.IntRange(0, sla.MaxDays).Draw(t, "days"),
			Time: time.Duration(rapid.Int64Range(0, int64(sla.MaxDays)*int64(24*time.Hour)).Draw(t, "time")),
		}
		got, err := sla.ParseDuration(d.String())
		require.NoError(t, err, d.String())
		require.Equal(t, d, got, d.String())
		b, err := d.MarshalText()
		require.NoError(t, err)
		var u sla.Duration
		require.NoError(t, u.UnmarshalText(b))
		require.Equal(t, d, u)
	})
}

func TestDurationAddTo(t *testing.T) {
	nycCal := policies.Calendar("support-nyc")
	fri := at("2026-03-06 16:55")
	assert.Equal(t, fri.Add(28*time.Hour), sla.Duration{Days: 1, Time: 4 * time.Hour}.AddTo(nil, fri), "plain days are 24 hours")
	assert.True(t, at("2026-03-09 12:55").Equal(sla.Duration{Time: 4 * time.Hour}.AddTo(nycCal, fri)))
	assert.True(t, at("2026-03-09 16:55").Equal(sla.Duration{Days: 1}.AddTo(nycCal, fri)))
	// One business day and an hour: Monday 16:55, then the last five
	// minutes of Monday and 55 of Tuesday.
	assert.True(t, at("2026-03-10 09:55").Equal(sla.Duration{Days: 1, Time: time.Hour}.AddTo(nycCal, fri)))
}

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

// Obligation keys print and parse back.
func TestKeys(t *testing.T) {
	for _, s := range []string{"first_reply", "resolution", "next_reply#2", "update#13", "promise#1", "appointment#1"} {
		k, err := sla.ParseKey(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, k.String())
	}
	for _, s := range []string{"", "first_reply#1", "next_reply", "next_reply#0", "next_reply#01", "promise#-1", "bogus#1"} {
		_, err := sla.ParseKey(s)
		assert.Error(t, err, s)
	}
	for _, st := range []sla.State{sla.Running, sla.Paused, sla.Met, sla.MetLate, sla.Breached, sla.Cancelled} {
		b, err := st.MarshalText()
		require.NoError(t, err)
		var u sla.State
		require.NoError(t, u.UnmarshalText(b))
		assert.Equal(t, st, u)
	}
}
