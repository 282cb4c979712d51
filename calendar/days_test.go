package calendar

import (
	"math"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestAddDaysBackwards(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	office := mustParse(t, `{"zone":"America/New_York","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},"holidays":["us-federal"]}`)
	for _, c := range []struct {
		name     string
		from     time.Time
		n        int
		want     time.Time
		inverted bool // AddDays(want, -n) == from
	}{
		{"inside open hours: the same time the day before", at(ny, 2026, 11, 24, 10, 0), -1, at(ny, 2026, 11, 23, 10, 0), true},
		{"Monday 10:00 back one is Friday 10:00", at(ny, 2026, 11, 23, 10, 0), -1, at(ny, 2026, 11, 20, 10, 0), true},
		{"from a closed Monday morning: counted from Friday's closing", at(ny, 2026, 11, 23, 8, 0), -1, at(ny, 2026, 11, 19, 17, 0), false},
		{"from the opening instant, closed just before", at(ny, 2026, 11, 23, 9, 0), -1, at(ny, 2026, 11, 19, 17, 0), false},
		{"at closing time, open just before", at(ny, 2026, 11, 23, 17, 0), -1, at(ny, 2026, 11, 20, 17, 0), false},
		{"from Saturday", at(ny, 2026, 11, 21, 12, 0), -2, at(ny, 2026, 11, 18, 17, 0), false},
		{"over Thanksgiving (26 November)", at(ny, 2026, 11, 27, 11, 0), -1, at(ny, 2026, 11, 25, 11, 0), true},
		{"forwards over Thanksgiving", at(ny, 2026, 11, 25, 11, 0), 1, at(ny, 2026, 11, 27, 11, 0), true},
		{"ten thousand days back", at(ny, 2026, 11, 24, 10, 0), -10000, at(ny, 1987, 1, 8, 10, 0), true}, // counted by walking Between over each date
	} {
		t.Run(c.name, func(t *testing.T) {
			got := office.AddDays(c.from, c.n)
			assert.Equal(t, c.want, got)
			assert.GreaterOrEqual(t, office.DaysBetween(got, c.from)*sign(-c.n), abs(c.n))
			if c.inverted {
				assert.Equal(t, c.from, office.AddDays(got, -c.n))
			}
		})
	}
	first, _ := office.eng.bounds()
	assert.Equal(t, at(ny, 1970, 1, 1, 0, 0), first)
	assert.Equal(t, first, office.AddDays(at(ny, 1970, 1, 5, 10, 0), -5), "past the range's start")
	farPast := time.Unix(-1<<40, 0)
	assert.Equal(t, farPast, office.AddDays(farPast, -1), "nothing open before: t itself, as forwards from past the range's end")
	assert.Equal(t, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Always().AddDays(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), -2))
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

func abs(n int) int { return n * sign(n) }

func TestOpenDays(t *testing.T) {
	office := mustParse(t, `{"zone":"Europe/London","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},"holidays":["gb-eng"]}`)
	lon := mustLoad(t, "Europe/London")
	month := func(y int, m time.Month) int {
		return office.OpenDays(date.New(y, m, 1), date.New(y, m+1, 1))
	}
	assert.Equal(t, 20, month(2022, time.June), "June 2022: 22 weekdays less the jubilee's 2 and 3 June")
	assert.Equal(t, 21, month(2026, time.December), "December 2026: 23 weekdays less Christmas and Boxing Day (on Monday 28)")
	assert.Equal(t, -21, office.OpenDays(date.New(2027, 1, 1), date.New(2026, 12, 1)))
	assert.Equal(t, 1, office.DaysBetween(at(lon, 2026, 11, 20, 16, 0), at(lon, 2026, 11, 23, 10, 0)), "Friday to Monday: Friday")
	assert.Equal(t, -1, office.DaysBetween(at(lon, 2026, 11, 23, 10, 0), at(lon, 2026, 11, 20, 16, 0)))
	assert.Equal(t, 0, office.DaysBetween(at(lon, 2026, 11, 23, 8, 0), at(lon, 2026, 11, 23, 20, 0)), "the same date")
	assert.True(t, office.IsOpenDay(date.New(2026, 11, 23)))
	assert.False(t, office.IsOpenDay(date.New(2026, 12, 28)), "Boxing Day's substitute")
	assert.False(t, office.IsOpenDay(date.New(1969, 12, 31)), "outside the range")
	assert.Equal(t, 0, office.OpenDays(date.New(1900, 1, 1), date.New(1969, 1, 1)))
	assert.Equal(t, 7, Always().OpenDays(date.New(2026, 1, 1), date.New(2026, 1, 8)))
	assert.True(t, Always().IsOpenDay(date.New(1, 1, 1)))

	// A night shift's tail makes Saturday an open day.
	nights := mustNew(t, time.UTC, Hours(time.Friday, "22:00-06:00"))
	assert.True(t, nights.IsOpenDay(date.New(2026, 11, 21)))
	assert.Equal(t, 2, nights.OpenDays(date.New(2026, 11, 16), date.New(2026, 11, 23)))
}

// The composed engine counts open days from its own table.
func TestOpenDaysComposed(t *testing.T) {
	ny, lon := mustLoad(t, "America/New_York"), mustLoad(t, "Europe/London")
	a := mustNew(t, ny, Weekdays("09:00-17:00"), Holidays("us-federal"))
	b := mustNew(t, lon, Weekdays("09:00-17:00"), Holidays("gb-eng"))
	both, err := Intersect(a, b)
	require.NoError(t, err)
	either, err := Union(a, b)
	require.NoError(t, err)
	for d := date.New(2026, 11, 1); d < date.New(2027, 2, 1); d++ {
		assert.Equal(t, a.IsOpenDay(d) && b.IsOpenDay(d), both.IsOpenDay(d), "%s", d)
		assert.Equal(t, a.IsOpenDay(d) || b.IsOpenDay(d), either.IsOpenDay(d), "%s", d)
	}
	assert.Equal(t, 21, both.OpenDays(date.New(2026, 12, 1), date.New(2027, 1, 1)), "23 weekdays less Christmas and Boxing Day's substitute")
	mon := at(ny, 2026, 11, 23, 10, 0)
	assert.Equal(t, at(ny, 2026, 11, 24, 10, 0), both.AddDays(mon, 1))
	assert.Equal(t, at(ny, 2026, 11, 20, 10, 0), both.AddDays(mon, -1))
}

func TestPropertyOpenDaysMatchReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		a, b := tc.instant(t, "a"), tc.instant(t, "b")
		da, db := date.NewAt(a.In(tc.loc)), date.NewAt(b.In(tc.loc))
		require.Equal(t, refOpenDays(tc.ref, da, db), tc.cal.OpenDays(da, db), "OpenDays(%s, %s)\n%s", da, db, tc.js)
		require.Equal(t, tc.cal.OpenDays(da, db), tc.cal.DaysBetween(a, b))
		require.Equal(t, refOpenDate(tc.ref, da), tc.cal.IsOpenDay(da), "IsOpenDay(%s)\n%s", da, tc.js)
	})
}

func TestPropertyOpenDaysLaws(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		day := func(label string) date.Date {
			return date.NewAt(tc.anchor.In(tc.loc)) + date.Date(rapid.IntRange(-4000, 4000).Draw(t, label))
		}
		a, b, c := day("a"), day("b"), day("c")
		cal := tc.cal
		require.Equal(t, cal.OpenDays(a, c), cal.OpenDays(a, b)+cal.OpenDays(b, c), "additive")
		require.Equal(t, -cal.OpenDays(a, b), cal.OpenDays(b, a), "antisymmetric")
		if a <= b {
			n := cal.OpenDays(a, b)
			require.GreaterOrEqual(t, n, 0)
			require.LessOrEqual(t, n, int(b-a), "no more open days than days")
			require.LessOrEqual(t, n, cal.OpenDays(a, b+1), "monotone")
			next := 0
			if cal.IsOpenDay(b) {
				next = 1
			}
			require.Equal(t, n+next, cal.OpenDays(a, b+1), "one date more adds that date")
		}
	})
}

func TestPropertyAddDaysLaws(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCase(t)
		cal := tc.cal
		a := tc.instant(t, "a")
		n := rapid.IntRange(1, 3000).Draw(t, "n")
		fwd := cal.AddDays(a, n)
		back := cal.AddDays(a, -n)
		require.False(t, fwd.Before(a), "forwards never moves back")
		require.False(t, back.After(a), "backwards never moves forward")
		first, last := cal.eng.bounds()
		if fwd.Before(last) { // else the count ran past the supported range
			require.GreaterOrEqual(t, cal.DaysBetween(a, fwd), n, "at least n open days from a's date to the due date's")
			require.True(t, cal.IsOpen(fwd), "forwards lands on an open instant")
		}
		if back.After(first) {
			require.GreaterOrEqual(t, cal.DaysBetween(back, a), n)
			require.Positive(t, cal.Between(back.Add(-time.Minute), back), "backwards lands where it was open just before")
		} else {
			require.Less(t, cal.OpenDays(date.New(1970, 1, 1), date.NewAt(a.In(tc.loc))), n, "only the range's start stops the count")
		}
		m := rapid.IntRange(1, 3000).Draw(t, "m")
		require.False(t, cal.AddDays(a, n+m).Before(fwd), "monotone in n")
		require.False(t, cal.AddDays(a, -n-m).After(back), "monotone in -n")

		// Where the wall time is open and not moved, the two directions
		// invert each other.
		la := a.In(tc.loc)
		if cal.IsOpen(a) && cal.IsOpen(a.Add(-1)) && firstShowing(tc.loc, la) {
			lf := fwd.In(tc.loc)
			if timeOfDay(lf) == timeOfDay(la) && cal.IsOpen(fwd.Add(-1)) && firstShowing(tc.loc, lf) {
				require.Equal(t, a, cal.AddDays(fwd, -n), "AddDays(AddDays(%s, %d), %d)\n%s", a, n, -n, tc.js)
			}
		}
	})
}

// Zones that skipped a date or began one twice count open days as the
// reference does.
func TestPropertyOddZonesOpenDays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tc := genCaseIn(t, oddZones, 1987, 2012)
		a, b := tc.instant(t, "a"), tc.instant(t, "b")
		da, db := date.NewAt(a.In(tc.loc)), date.NewAt(b.In(tc.loc))
		require.Equal(t, refOpenDays(tc.ref, da, db), tc.cal.OpenDays(da, db), "OpenDays(%s, %s)\n%s", da, db, tc.js)
		n := rapid.IntRange(-6, 6).Draw(t, "n")
		require.True(t, tc.cal.AddDays(a, n).Equal(refAddDays(tc.ref, a, n)), "AddDays(%s, %d)\n%s", a, n, tc.js)
	})
}

// firstShowing reports whether t is the first instant whose wall clock
// shows its date and time of day.
func firstShowing(loc *time.Location, t time.Time) bool {
	lt := t.In(loc)
	sod := int64(lt.Hour()*3600 + lt.Minute()*60 + lt.Second())
	return t.Equal(wallInstant(loc, date.NewAt(lt), sod).Add(time.Duration(lt.Nanosecond())))
}

// Always counts at most 2³⁰ days either way: counts past that are that
// many, never an instant that wrapped round (AddDate overflows near 2⁵⁰
// days).
func TestAlwaysAddDaysBounds(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	far := Always().AddDays(t0, 1<<30)
	assert.Equal(t, t0.AddDate(0, 0, 1<<30), far)
	past := Always().AddDays(t0, -(1 << 30))
	assert.Equal(t, t0.AddDate(0, 0, -(1<<30)), past)
	ns := []int{1<<30 + 1, math.MaxInt}
	if math.MaxInt > 1<<40 { // 64-bit ints
		ns = append(ns, math.MaxInt/1024, math.MaxInt/2)
	}
	for _, n := range ns {
		assert.Equal(t, far, Always().AddDays(t0, n), n)
		assert.Equal(t, past, Always().AddDays(t0, -n), -n)
	}
	assert.Equal(t, past, Always().AddDays(t0, math.MinInt))
	assert.Equal(t, t0.AddDate(0, 0, 3), Always().AddDays(t0, 3))
}
