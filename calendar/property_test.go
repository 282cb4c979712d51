package calendar

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Zones with the DST habits that trap calendar code: none, 1-hour shifts,
// a 30-minute shift (Lord_Howe), half-hour and 45-minute offsets, and DST
// that used to change at midnight (Sao_Paulo until 2019).
var testZones = []string{
	"UTC", "America/New_York", "Europe/London", "Europe/Berlin",
	"Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo",
	"Pacific/Chatham", "America/St_Johns",
}

// transitionsIn lists the instants at which loc changes offset in [from, to).
func transitionsIn(loc *time.Location, from, to time.Time) []time.Time {
	_, trs := zoneTransitions(loc, from.Unix(), to.Unix())
	out := make([]time.Time, len(trs))
	for i, tr := range trs {
		out[i] = time.Unix(tr.at, 0).In(loc)
	}
	return out
}

// testCase is a random calendar and an anchor instant near which its
// interesting days lie.
type testCase struct {
	js     []byte
	cal    *Calendar
	ref    *refCal
	anchor time.Time
	loc    *time.Location
}

func genHours(t *rapid.T, label string, maxN int) []string {
	n := rapid.IntRange(0, maxN).Draw(t, label+"#")
	var out []string
	for i := range n {
		a := rapid.IntRange(0, 47).Draw(t, fmt.Sprintf("%s[%d].start", label, i)) * 30
		b := rapid.IntRange(0, 48).Draw(t, fmt.Sprintf("%s[%d].end", label, i)) * 30
		out = append(out, fmt.Sprintf("%02d:%02d-%02d:%02d", a/60, a%60, b/60, b%60))
	}
	return out
}

func genClosedHours(t *rapid.T, label string) []string {
	if rapid.Bool().Draw(t, label+".whole") {
		return nil
	}
	a := rapid.IntRange(0, 47).Draw(t, label+".start") * 30
	b := rapid.IntRange(a/30+1, 48).Draw(t, label+".end") * 30
	return []string{fmt.Sprintf("%02d:%02d-%02d:%02d", a/60, a%60, b/60, b%60)}
}

func genCase(t *rapid.T) testCase { return genCaseIn(t, testZones, 2015, 2031) }

// genCaseIn draws a case in one of zones, anchored in the years [from, to),
// near one of the zone's transitions half of the time.
func genCaseIn(t *rapid.T, zones []string, fromYear, toYear int) testCase {
	zone := rapid.SampledFrom(zones).Draw(t, "zone")
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	from := time.Date(fromYear, 1, 1, 0, 0, 0, 0, loc)
	to := time.Date(toYear, 1, 1, 0, 0, 0, 0, loc)
	var anchor time.Time
	if trs := transitionsIn(loc, from, to); len(trs) > 0 && rapid.Bool().Draw(t, "nearDST") {
		anchor = rapid.SampledFrom(trs).Draw(t, "transition")
	} else {
		anchor = from.Add(time.Duration(rapid.Int64Range(0, int64(to.Sub(from)/time.Minute)).Draw(t, "anchorMin")) * time.Minute)
	}
	anchor = anchor.Add(time.Duration(rapid.IntRange(-3*1440, 3*1440).Draw(t, "shift")) * time.Minute)
	anchorDay := date.NewAt(anchor.In(loc))

	d := doc{Name: "random", Zone: zone}
	open := false
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		hours := genHours(t, weekdayKeys[wd], 3)
		*d.Week.day(wd) = hours
		for _, h := range hours {
			open = open || h[:5] != h[6:] || true
		}
	}
	if !open || (len(d.Week.Mon)+len(d.Week.Tue)+len(d.Week.Wed)+len(d.Week.Thu)+len(d.Week.Fri)+len(d.Week.Sat)+len(d.Week.Sun) == 0) {
		d.Week.Wed = []string{"09:00-17:00"}
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "closed#") {
		day := anchorDay + date.Date(rapid.IntRange(-4, 4).Draw(t, fmt.Sprintf("closed[%d]", i)))
		d.Closed = append(d.Closed, docDay{Date: day.String(), Hours: genClosedHours(t, fmt.Sprintf("closed[%d]", i))})
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "open#") {
		day := anchorDay + date.Date(rapid.IntRange(-4, 4).Draw(t, fmt.Sprintf("open[%d]", i)))
		hours := genHours(t, fmt.Sprintf("open[%d]", i), 2)
		if len(hours) == 0 {
			hours = []string{"10:00-14:00"}
		}
		d.Open = append(d.Open, docDay{Date: day.String(), Hours: hours})
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "rules#") {
		var r docRule
		switch rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("rules[%d].kind", i)) {
		case 0:
			day := anchorDay + date.Date(rapid.IntRange(-5, 5).Draw(t, fmt.Sprintf("rules[%d].near", i)))
			r.Month, r.Day = int(day.Month()), day.Day()
			r.Observed = rapid.SampledFrom([]string{"", "friday-before", "monday-after", "nearest-weekday", "two-days-later", "saturday-before", "next-non-holiday"}).Draw(t, fmt.Sprintf("rules[%d].observed", i))
		case 4:
			r.Month, r.Equinox = 3, true
			if anchorDay.Month() > time.June {
				r.Month = 9
			}
			r.Observed = rapid.SampledFrom([]string{"", "next-non-holiday"}).Draw(t, fmt.Sprintf("rules[%d].observed", i))
		case 5:
			r.Between = true
		case 1:
			r.Month = int(anchorDay.Month())
			r.Weekday = rapid.SampledFrom(weekdayKeys[:]).Draw(t, fmt.Sprintf("rules[%d].weekday", i))
			r.Nth = rapid.SampledFrom([]int{1, 2, 3, 4, 5, -1, -2}).Draw(t, fmt.Sprintf("rules[%d].nth", i))
		case 2:
			day := anchorDay + date.Date(rapid.IntRange(-20, 20).Draw(t, fmt.Sprintf("rules[%d].from", i)))
			r.Month, r.Day = int(day.Month()), day.Day()
			r.Weekday = rapid.SampledFrom(weekdayKeys[:]).Draw(t, fmt.Sprintf("rules[%d].weekday", i))
			r.Nth = rapid.SampledFrom([]int{1, 2, 5, -1, -2, -5}).Draw(t, fmt.Sprintf("rules[%d].nth", i))
		default:
			off := rapid.IntRange(-50, 60).Draw(t, fmt.Sprintf("rules[%d].easter", i))
			r.Easter = &off
		}
		if rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("rules[%d].partial", i)) == 0 {
			r.Hours = []string{"13:00-24:00"}
		}
		if rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("rules[%d].bounded", i)) == 0 {
			y := anchorDay.Year()
			r.From = y + rapid.IntRange(-1, 1).Draw(t, fmt.Sprintf("rules[%d].fromYear", i))
			r.Until = r.From + rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("rules[%d].untilYear", i))
			if rapid.Bool().Draw(t, fmt.Sprintf("rules[%d].except", i)) {
				r.Except = []int{y}
			}
		}
		d.Rules = append(d.Rules, r)
	}
	if rapid.IntRange(0, 4).Draw(t, "holidays?") == 0 {
		d.Holidays = []string{rapid.SampledFrom(holidaySetNames()).Draw(t, "holidays")}
	}
	js, err := json.Marshal(d)
	require.NoError(t, err)
	cal, err := Parse(js)
	require.NoError(t, err, "%s", js)
	return testCase{js: js, cal: cal, ref: refParse(js), anchor: anchor, loc: loc}
}

func holidaySetNames() []string {
	var names []string
	for _, s := range HolidaySets() {
		names = append(names, s.Name)
	}
	return names
}

// instant draws an instant within a few days of the anchor, mostly on whole
// minutes and sometimes with seconds and nanoseconds.
func (tc testCase) instant(t *rapid.T, label string) time.Time {
	u := tc.anchor.Add(time.Duration(rapid.IntRange(-4*1440, 4*1440).Draw(t, label)) * time.Minute)
	if rapid.IntRange(0, 3).Draw(t, label+".fine") == 0 {
		u = u.Add(time.Duration(rapid.Int64Range(0, int64(time.Minute)-1).Draw(t, label+".ns")))
	}
	return u
}

func TestPropertyMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		a, b := tc.instant(t, "a"), tc.instant(t, "b")
		require.Equal(t, tc.ref.isOpen(a), tc.cal.IsOpen(a), "IsOpen(%s)\n%s", a, tc.js)
		require.Equal(t, refBetween(tc.ref.isOpen, a, b), tc.cal.Between(a, b), "Between(%s, %s)\n%s", a, b, tc.js)
	})
}

func TestPropertyAddInvertsBetween(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		a := tc.instant(t, "a")
		d := time.Duration(rapid.Int64Range(1, int64(3000*time.Hour)).Draw(t, "d"))
		if rapid.Bool().Draw(t, "round") {
			d = d.Truncate(time.Minute) + time.Minute
		}
		u := tc.cal.Add(a, d)
		require.False(t, u.Before(a))
		require.Equal(t, d, tc.cal.Between(a, u), "Between(%s, Add(%s, %s)=%s)\n%s", a, a, d, u, tc.js)
		before := u.Add(-1)
		require.True(t, tc.cal.IsOpen(before), "instant before due time %s is closed\n%s", u, tc.js)
		require.Equal(t, d-1, tc.cal.Between(a, before))

		// Negative Add: the latest v <= u with Between(v, u) == d.
		v := tc.cal.Add(u, -d)
		require.False(t, v.After(u))
		require.Equal(t, d, tc.cal.Between(v, u))
		require.Less(t, tc.cal.Between(v.Add(1), u), d)
		if v.After(a) {
			require.Zero(t, tc.cal.Between(a, v), "Add(Add(a, d), -d) = %s after a = %s with business time between", v, a)
		}
	})
}

func TestPropertyAddMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		a, b := tc.instant(t, "a"), tc.instant(t, "b")
		if b.Before(a) {
			a, b = b, a
		}
		d1 := time.Duration(rapid.Int64Range(-int64(500*time.Hour), int64(500*time.Hour)).Draw(t, "d1"))
		d2 := time.Duration(rapid.Int64Range(int64(d1), int64(d1)+int64(500*time.Hour)).Draw(t, "d2"))
		require.False(t, tc.cal.Add(a, d1).After(tc.cal.Add(b, d1)), "monotone in t")
		require.False(t, tc.cal.Add(a, d1).After(tc.cal.Add(a, d2)), "monotone in d")
	})
}

func TestPropertyBetweenAdditive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		a, b, c := tc.instant(t, "a"), tc.instant(t, "b"), tc.instant(t, "c")
		require.Equal(t, tc.cal.Between(a, c), tc.cal.Between(a, b)+tc.cal.Between(b, c))
		require.Equal(t, -tc.cal.Between(a, b), tc.cal.Between(b, a))
	})
}

func TestPropertyNextOpenCloseAndSpans(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		a, b := tc.instant(t, "a"), tc.instant(t, "b")
		if b.Before(a) {
			a, b = b, a
		}
		no := tc.cal.NextOpen(a)
		require.True(t, tc.cal.IsOpen(no), "NextOpen(%s) = %s is closed", a, no)
		require.Zero(t, tc.cal.Between(a, no), "open before NextOpen")
		nc := tc.cal.NextClose(a)
		require.False(t, tc.cal.IsOpen(nc), "NextClose(%s) = %s is open", a, nc)
		require.Equal(t, nc.Sub(a), tc.cal.Between(a, nc), "closed before NextClose")

		var sum time.Duration
		prev := a
		first := true
		for s := range tc.cal.Spans(a, b) {
			require.True(t, s.Start.Before(s.End))
			require.False(t, s.Start.Before(prev))
			if !first {
				require.True(t, s.Start.After(prev), "touching spans not joined")
			}
			require.False(t, s.End.After(b))
			require.True(t, tc.cal.IsOpen(s.Start))
			require.Equal(t, s.Duration(), tc.cal.Between(s.Start, s.End))
			sum += s.Duration()
			prev, first = s.End, false
		}
		require.Equal(t, tc.cal.Between(a, b), sum)
	})
}

func TestPropertyUnionIntersect(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x, y := genCase(t), genCase(t)
		u, err := Union(x.cal, y.cal)
		require.NoError(t, err)
		a := x.instant(t, "a")
		b := a.Add(time.Duration(rapid.IntRange(0, 3*1440).Draw(t, "len")) * time.Minute)
		or := func(t time.Time) bool { return x.ref.isOpen(t) || y.ref.isOpen(t) }
		and := func(t time.Time) bool { return x.ref.isOpen(t) && y.ref.isOpen(t) }
		require.Equal(t, or(a), u.IsOpen(a))
		require.Equal(t, refBetween(or, a, b), u.Between(a, b))
		d := time.Duration(rapid.Int64Range(1, int64(200*time.Hour)).Draw(t, "d"))
		require.Equal(t, d, u.Between(a, u.Add(a, d)))

		in, err := Intersect(x.cal, y.cal)
		if err != nil {
			require.ErrorIs(t, err, ErrNeverOpen)
			return
		}
		require.Equal(t, and(a), in.IsOpen(a))
		require.Equal(t, refBetween(and, a, b), in.Between(a, b))
		require.Equal(t, d, in.Between(a, in.Add(a, d)))
	})
}

func TestPropertyJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		js1, err := json.Marshal(tc.cal)
		require.NoError(t, err)
		again, err := Parse(js1)
		require.NoError(t, err, "%s", js1)
		js2, err := json.Marshal(again)
		require.NoError(t, err)
		require.JSONEq(t, string(js1), string(js2))
		a := tc.instant(t, "a")
		require.Equal(t, tc.cal.IsOpen(a), again.IsOpen(a))
		require.Equal(t, tc.cal.Add(a, 10*time.Hour), again.Add(a, 10*time.Hour))
	})
}

// Any instant from year 1 to 9999 and any duration, however large: no
// panic, Add never moves the wrong way, and inside the supported range the
// laws hold.
func TestPropertyExtremeInputs(t *testing.T) {
	office := mustParse(t, nineToFive)
	cals := []*Calendar{office, Always(), nil}
	minSec := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxSec := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	rapid.Check(t, func(t *rapid.T) {
		c := rapid.SampledFrom(cals).Draw(t, "cal")
		a := time.Unix(rapid.Int64Range(minSec, maxSec).Draw(t, "a"), rapid.Int64Range(0, 999_999_999).Draw(t, "ns"))
		b := time.Unix(rapid.Int64Range(minSec, maxSec).Draw(t, "b"), 0)
		d := time.Duration(rapid.Int64().Draw(t, "d"))
		u := c.Add(a, d)
		if d >= 0 {
			require.False(t, u.Before(a), "Add(%s, %s) = %s moved back", a, d, u)
		} else {
			require.False(t, u.After(a), "Add(%s, %s) = %s moved forward", a, d, u)
		}
		require.Equal(t, -c.Between(a, b), c.Between(b, a))
		c.IsOpen(a)
		c.NextOpen(a)
		c.NextClose(a)
		c.AddDays(a, rapid.IntRange(-3, 1000).Draw(t, "days"))
		for range c.Spans(a, a.Add(72*time.Hour)) {
		}
		if c == office && a.Year() >= 1971 && a.Year() <= 2098 && d > 0 && d < 1000*time.Hour {
			require.Equal(t, d, c.Between(a, u))
		}
	})
}

func TestPropertyAddDaysMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		a := tc.instant(t, "a")
		n := rapid.IntRange(-6, 6).Draw(t, "n")
		got := tc.cal.AddDays(a, n)
		require.True(t, got.Equal(refAddDays(tc.ref, a, n)), "AddDays(%s, %d) = %s, reference %s\n%s", a, n, got, refAddDays(tc.ref, a, n), tc.js)
		if n > 0 {
			require.Positive(t, tc.cal.Between(a, got), "a business day has business time")
		}
		if n < 0 {
			require.Positive(t, tc.cal.Between(got, a), "a business day has business time")
		}
	})
}

// Zones whose history holds what modern zones do not: clocks set back
// across midnight, so that a date begins twice (St Johns, Goose Bay and
// Moncton until the 2000s, Casey in 2010), and dates skipped (Apia and
// Fakaofo in 2011, Kwajalein in 1993).
var oddZones = []string{
	"America/St_Johns", "America/Goose_Bay", "America/Moncton", "Antarctica/Casey",
	"Pacific/Apia", "Pacific/Fakaofo", "Pacific/Kwajalein",
}

func TestPropertyOddZonesMatchReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCaseIn(t, oddZones, 1987, 2012)
		a, b := tc.instant(t, "a"), tc.instant(t, "b")
		require.Equal(t, tc.ref.isOpen(a), tc.cal.IsOpen(a), "IsOpen(%s)\n%s", a, tc.js)
		require.Equal(t, refBetween(tc.ref.isOpen, a, b), tc.cal.Between(a, b), "Between(%s, %s)\n%s", a, b, tc.js)
		d := time.Duration(rapid.Int64Range(1, int64(200*time.Hour)).Draw(t, "d"))
		u := tc.cal.Add(a, d)
		require.Equal(t, d, tc.cal.Between(a, u), "Between(a, Add(a, %s))\n%s", d, tc.js)
		require.True(t, tc.cal.IsOpen(u.Add(-1)), "the instant before a due time is open")
	})
}
