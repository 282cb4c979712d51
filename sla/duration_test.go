package sla_test

import (
	"math"
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
	assert.EqualError(t, err, `sla: "4x": want a Go duration such as "4h30m" or ISO 8601 such as "PT4H30M"`)
	_, err = sla.ParseDuration("P1Y")
	assert.EqualError(t, err, `sla: "P1Y": years, months and weeks are not allowed: write days`)
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

// A Duration outside the range is written with its minus signs, and
// ParseDuration refuses what String wrote; the time part is not lost.
func TestDurationStringOutOfRange(t *testing.T) {
	for _, c := range []struct {
		d    sla.Duration
		want string
	}{
		{sla.Duration{Time: -time.Hour}, "-1h"},
		{sla.Duration{Days: -1}, "P-1D"},
		{sla.Duration{Days: 1, Time: -time.Hour}, "P1DT-1H"},
		{sla.Duration{Days: 1, Time: -90 * time.Second}, "P1DT-1M30S"},
		{sla.Duration{Days: 1, Time: math.MinInt64}, "P1DT-2562047H47M16.854775808S"},
		{sla.Duration{Days: 1, Time: math.MaxInt64}, "P1DT2562047H47M16.854775807S"},
	} {
		assert.Equal(t, c.want, c.d.String())
		_, err := sla.ParseDuration(c.d.String())
		assert.ErrorIs(t, err, sla.ErrBadDuration, c.want)
	}
}
