package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func mustParse(t testing.TB, js string) *Calendar {
	t.Helper()
	c, err := Parse([]byte(js))
	require.NoError(t, err)
	return c
}

func at(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

const nineToFive = `{"zone":"America/New_York","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]}}`

// Traps that business-hours libraries have fallen into.
func TestTraps(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	office := mustParse(t, nineToFive)

	t.Run("budget ends exactly at closing time", func(t *testing.T) {
		due := office.Add(at(ny, 2026, 11, 23, 9, 0), 8*time.Hour)
		assert.Equal(t, at(ny, 2026, 11, 23, 17, 0), due, "due at closing, not next opening")
		assert.False(t, office.IsOpen(due), "closed at the closing instant (half-open)")
		assert.True(t, office.IsOpen(due.Add(-time.Nanosecond)))
	})
	t.Run("inquiry arrives while closed", func(t *testing.T) {
		sat := at(ny, 2026, 11, 21, 10, 0)
		assert.Equal(t, at(ny, 2026, 11, 23, 10, 0), office.Add(sat, time.Hour))
		assert.Equal(t, at(ny, 2026, 11, 23, 9, 0), office.NextOpen(sat))
		assert.Equal(t, sat, office.NextClose(sat))
	})
	t.Run("Friday 16:55 plus one hour is Monday 09:55", func(t *testing.T) {
		assert.Equal(t, at(ny, 2026, 11, 23, 9, 55), office.Add(at(ny, 2026, 11, 20, 16, 55), time.Hour))
	})
	t.Run("negative Add is the inverse", func(t *testing.T) {
		mon := at(ny, 2026, 11, 23, 9, 55)
		assert.Equal(t, at(ny, 2026, 11, 20, 16, 55), office.Add(mon, -time.Hour))
		assert.Equal(t, at(ny, 2026, 11, 21, 12, 0), office.Add(at(ny, 2026, 11, 21, 12, 0), 0), "Add(t, 0) is t, even while closed")
		assert.Equal(t, at(ny, 2026, 11, 20, 16, 0), office.Add(at(ny, 2026, 11, 23, 9, 0), -time.Hour))
		// The latest instant with the budget behind it: the next opening, not closing time.
		assert.Equal(t, at(ny, 2026, 11, 23, 9, 0), office.Add(at(ny, 2026, 11, 23, 10, 0), -time.Hour))
	})
	t.Run("24x7 has no gap at midnight", func(t *testing.T) {
		c := mustParse(t, `{"zone":"Europe/Berlin","week":{"mon":["00:00-24:00"],"tue":["00:00-24:00"],"wed":["00:00-24:00"],"thu":["00:00-24:00"],"fri":["00:00-24:00"],"sat":["00:00-24:00"],"sun":["00:00-24:00"]}}`)
		be := mustLoad(t, "Europe/Berlin")
		a := at(be, 2026, 11, 23, 23, 30)
		assert.Equal(t, time.Hour, c.Between(a, a.Add(time.Hour)))
		assert.Equal(t, a.Add(90*time.Minute), c.Add(a, 90*time.Minute))
		spans := slices.Collect(c.Spans(a, a.Add(72*time.Hour)))
		require.Len(t, spans, 1, "one span across midnights")
		assert.Equal(t, 72*time.Hour, spans[0].Duration())
		// DST days hold 23 and 25 hours of business time.
		assert.Equal(t, 23*time.Hour, c.Between(at(be, 2026, 3, 29, 0, 0), at(be, 2026, 3, 30, 0, 0)))
		assert.Equal(t, 25*time.Hour, c.Between(at(be, 2026, 10, 25, 0, 0), at(be, 2026, 10, 26, 0, 0)))
	})
	t.Run("intervals ending at 24:00 join the next day", func(t *testing.T) {
		c := mustParse(t, `{"zone":"UTC","week":{"mon":["18:00-24:00"],"tue":["00:00-02:00","09:00-10:00"]}}`)
		mon := at(time.UTC, 2026, 11, 23, 18, 0)
		assert.Equal(t, at(time.UTC, 2026, 11, 24, 2, 0), c.NextClose(mon))
		assert.Equal(t, at(time.UTC, 2026, 11, 24, 1, 0), c.Add(mon, 7*time.Hour))
		assert.True(t, c.IsOpen(at(time.UTC, 2026, 11, 24, 0, 0)))
		assert.False(t, c.IsOpen(at(time.UTC, 2026, 11, 24, 2, 0)))
	})
	t.Run("overnight shift across DST changes", func(t *testing.T) {
		c := mustParse(t, `{"zone":"America/New_York","week":{"sat":["22:00-06:00"]}}`)
		fallBack := at(ny, 2026, 10, 31, 22, 0) // 1 Nov 2026: 02:00 EDT → 01:00 EST
		springFwd := at(ny, 2026, 3, 7, 22, 0)  // 8 Mar 2026: 02:00 EST → 03:00 EDT
		assert.Equal(t, 9*time.Hour, c.Between(fallBack, fallBack.Add(48*time.Hour)))
		assert.Equal(t, 7*time.Hour, c.Between(springFwd, springFwd.Add(48*time.Hour)))
		assert.Equal(t, at(ny, 2026, 11, 1, 6, 0), c.Add(fallBack, 9*time.Hour))
		assert.Equal(t, at(ny, 2026, 3, 8, 6, 0), c.Add(springFwd, 7*time.Hour))
	})
	t.Run("interval starting inside a spring-forward gap", func(t *testing.T) {
		c := mustParse(t, `{"zone":"America/New_York","week":{"sun":["02:30-05:00"]}}`)
		day := at(ny, 2026, 3, 8, 0, 0)
		spans := slices.Collect(c.Spans(day, day.Add(24*time.Hour)))
		require.Len(t, spans, 1)
		assert.Equal(t, time.Date(2026, 3, 8, 3, 0, 0, 0, ny), spans[0].Start, "opens at the first instant after the gap")
		assert.Equal(t, 2*time.Hour, spans[0].Duration())
	})
	t.Run("wall times repeated at fall-back count once per real instant", func(t *testing.T) {
		c := mustParse(t, `{"zone":"America/New_York","week":{"sun":["01:00-02:00"]}}`)
		day := at(ny, 2026, 11, 1, 0, 0)
		assert.Equal(t, 2*time.Hour, c.Between(day, day.Add(24*time.Hour)))
	})
	t.Run("30-minute DST in Lord Howe", func(t *testing.T) {
		lh := mustLoad(t, "Australia/Lord_Howe")
		c := mustParse(t, `{"zone":"Australia/Lord_Howe","week":{"sun":["00:00-24:00"]}}`)
		assert.Equal(t, 23*time.Hour+30*time.Minute, c.Between(at(lh, 2026, 10, 4, 0, 0), at(lh, 2026, 10, 5, 0, 0)))
		assert.Equal(t, 24*time.Hour+30*time.Minute, c.Between(at(lh, 2026, 4, 5, 0, 0), at(lh, 2026, 4, 6, 0, 0)))
	})
	t.Run("holiday on a weekend with an observed rule", func(t *testing.T) {
		c, err := New(ny, Weekdays("09:00-17:00"), Rules(FixedDate("Independence Day", time.July, 4)), Rules(Rule{Kind: FixedDateRule, Month: time.July, Day: 4, Observed: NearestWeekday}))
		require.NoError(t, err)
		// 4 July 2026 is a Saturday: Friday 3 July is closed.
		assert.False(t, c.IsOpen(at(ny, 2026, 7, 3, 10, 0)))
		assert.True(t, c.IsOpen(at(ny, 2026, 7, 2, 10, 0)))
		assert.True(t, c.IsOpen(at(ny, 2026, 7, 6, 10, 0)))
		// 4 July 2027 is a Sunday: Monday 5 July is closed.
		assert.False(t, c.IsOpen(at(ny, 2027, 7, 5, 10, 0)))
		assert.True(t, c.IsOpen(at(ny, 2027, 7, 2, 10, 0)))
	})
	t.Run("Easter-based rules", func(t *testing.T) {
		c, err := New(mustLoad(t, "Europe/London"), Weekdays("09:00-17:00"), Rules(Easter("Good Friday", -2), Easter("Easter Monday", 1)))
		require.NoError(t, err)
		lon := c.Location()
		for _, y := range []struct{ good, monday date.Date }{
			{date.New(2026, 4, 3), date.New(2026, 4, 6)},
			{date.New(2027, 3, 26), date.New(2027, 3, 29)},
			{date.New(2038, 4, 23), date.New(2038, 4, 26)},
		} {
			open := func(d date.Date) bool {
				yy, mm, dd := d.Date()
				return c.IsOpen(at(lon, yy, mm, dd, 10, 0))
			}
			assert.False(t, open(y.good), "Good Friday %s", y.good)
			assert.False(t, open(y.monday), "Easter Monday %s", y.monday)
			assert.True(t, open(y.good-1), "the Thursday before %s", y.good)
			assert.True(t, open(y.monday+1), "the Tuesday after %s", y.monday)
		}
		// Thursday before Good Friday 2026 16:00 + 2h: Tuesday 10:00.
		assert.Equal(t, at(lon, 2026, 4, 7, 10, 0), c.Add(at(lon, 2026, 4, 2, 16, 0), 2*time.Hour))
	})
	t.Run("closures of some hours and special openings", func(t *testing.T) {
		c, err := New(ny, Weekdays("09:00-17:00"), Closed(date.New(2026, 12, 24), "13:00-24:00"), Closed(date.New(2026, 12, 25)), Open(date.New(2026, 12, 19), "10:00-14:00"))
		require.NoError(t, err)
		assert.Equal(t, 4*time.Hour, c.Between(at(ny, 2026, 12, 24, 0, 0), at(ny, 2026, 12, 26, 0, 0)))
		assert.Equal(t, 4*time.Hour, c.Between(at(ny, 2026, 12, 19, 0, 0), at(ny, 2026, 12, 20, 0, 0)))
		assert.Equal(t, at(ny, 2026, 12, 28, 10, 0), c.Add(at(ny, 2026, 12, 24, 12, 0), 2*time.Hour))
	})
	t.Run("AddDays keeps the wall time on the next open day", func(t *testing.T) {
		c, err := New(ny, Weekdays("09:00-17:00"), Rules(NthWeekday("Thanksgiving", time.November, time.Thursday, 4)))
		require.NoError(t, err)
		assert.Equal(t, at(ny, 2026, 11, 23, 16, 55), c.AddDays(at(ny, 2026, 11, 20, 16, 55), 1))
		assert.Equal(t, at(ny, 2026, 11, 27, 10, 0), c.AddDays(at(ny, 2026, 11, 25, 10, 0), 1), "skips Thanksgiving")
		assert.Equal(t, at(ny, 2026, 11, 25, 9, 0), c.AddDays(at(ny, 2026, 11, 20, 20, 0), 2), "Tuesday 20:00 is closed: the next opening")
		assert.Equal(t, at(ny, 2026, 11, 23, 9, 0), c.AddDays(at(ny, 2026, 11, 21, 10, 0), 0), "n <= 0 is NextOpen")
		// Counted from a closed instant, a day starts at the next opening:
		// from Sunday 08:00 or Saturday 10:00 it is all of Monday.
		assert.Equal(t, at(ny, 2026, 11, 24, 9, 0), c.AddDays(at(ny, 2026, 11, 22, 8, 0), 1), "Sunday morning")
		assert.Equal(t, at(ny, 2026, 11, 24, 9, 0), c.AddDays(at(ny, 2026, 11, 21, 10, 0), 1), "Saturday 10:00")
		assert.Equal(t, at(ny, 2026, 11, 24, 9, 0), c.AddDays(at(ny, 2026, 11, 23, 8, 0), 1), "Monday before opening")
		for _, from := range []time.Time{at(ny, 2026, 11, 22, 8, 0), at(ny, 2026, 11, 21, 10, 0), at(ny, 2026, 11, 20, 18, 0)} {
			assert.Equal(t, 8*time.Hour, c.Between(from, c.AddDays(from, 1)), "a whole business day from %s", from)
		}
		// A wall time skipped by spring-forward becomes the end of the gap.
		night := mustParse(t, `{"zone":"America/New_York","week":{"sat":["00:00-24:00"],"sun":["00:00-24:00"]}}`)
		assert.Equal(t, time.Date(2026, 3, 8, 3, 0, 0, 0, ny), night.AddDays(at(ny, 2026, 3, 7, 2, 30), 1))
	})
	t.Run("union and intersection across zones", func(t *testing.T) {
		lon := mustLoad(t, "Europe/London")
		london, err := New(lon, Weekdays("09:00-17:00"))
		require.NoError(t, err)
		both, err := Intersect(office, london)
		require.NoError(t, err)
		either, err := Union(office, london)
		require.NoError(t, err)
		// Monday 23 Nov 2026: London is UTC, New York UTC−5.
		day := at(ny, 2026, 11, 23, 0, 0)
		assert.Equal(t, 3*time.Hour, both.Between(day, day.Add(24*time.Hour)), "09:00–12:00 New York")
		assert.Equal(t, 13*time.Hour, either.Between(day, day.Add(24*time.Hour)), "04:00–17:00 New York")
		_, err = Intersect(office, mustParse(t, `{"zone":"Asia/Tokyo","week":{"mon":["09:00-10:00"]}}`))
		assert.ErrorIs(t, err, ErrNeverOpen)
		assert.EqualError(t, err, `calendar: "intersect(#1,#2)": closed throughout 1970`, "unnamed members by their place")
		named := mustParse(t, `{"name":"office","zone":"America/New_York","week":{"mon":["09:00-17:00"]}}`)
		both2, err := Intersect(named, london)
		require.NoError(t, err)
		assert.Equal(t, "intersect(office,#2)", both2.Name())
		both2, err = Intersect(named, nil, &Calendar{}, Always())
		require.NoError(t, err)
		assert.Equal(t, "intersect(office,always,always,always)", both2.Name(), "nil and zero are Always")
		either2, err := Union(nil, named)
		require.NoError(t, err)
		assert.Equal(t, "always", either2.Name())
		either2, err = Union(london, named)
		require.NoError(t, err)
		assert.Equal(t, "union(#1,office)", either2.Name())
		odd := mustParse(t, `{"name":"a,b (#2)","zone":"UTC","week":{"mon":["09:00-17:00"]}}`)
		either2, err = Union(odd, london)
		require.NoError(t, err)
		assert.Equal(t, `union("a,b (#2)",#2)`, either2.Name(), "a name that could be read as two, quoted")
		nested, err := Intersect(either2, named)
		require.NoError(t, err)
		assert.Equal(t, `intersect(union("a,b (#2)",#2),office)`, nested.Name(), "a composite member as it is named")
		fake := mustParse(t, `{"name":"always","zone":"UTC","week":{"mon":["09:00-17:00"]}}`)
		both2, err = Intersect(named, fake, nil)
		require.NoError(t, err)
		assert.Equal(t, `intersect(office,"always",always)`, both2.Name(), "a calendar named always, told from Always")
		u, err := Union(office, Always())
		require.NoError(t, err)
		assert.Equal(t, "always", u.Name())
		_, err = json.Marshal(either)
		assert.ErrorIs(t, err, ErrNoJSON)
	})
	t.Run("the zero and nil Calendar are Always, everywhere", func(t *testing.T) {
		var zero Calendar
		var nilCal *Calendar
		a := at(ny, 2026, 11, 21, 10, 0)
		far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, c := range []*Calendar{&zero, nilCal, Always()} {
			assert.True(t, c.IsOpen(a))
			assert.Equal(t, a.Add(time.Hour), c.Add(a, time.Hour))
			assert.Equal(t, time.Hour, c.Between(a, a.Add(time.Hour)))
			assert.True(t, c.NextClose(a).IsZero())
			assert.Equal(t, far.Add(time.Hour), c.Add(far, time.Hour), "no range limits")
			assert.Equal(t, time.UTC, c.Location())

			u, err := Union(office, c)
			require.NoError(t, err)
			assert.True(t, u.IsOpen(at(ny, 2026, 11, 22, 3, 0)), "a union with Always is open at every instant")
			assert.True(t, u.NextClose(a).IsZero())
			in, err := Intersect(c, office)
			require.NoError(t, err)
			sunday := at(ny, 2026, 11, 22, 10, 0)
			assert.Equal(t, office.IsOpen(sunday), in.IsOpen(sunday), "an intersection with Always is the other calendar")
			assert.Equal(t, office.Between(a, a.Add(72*time.Hour)), in.Between(a, a.Add(72*time.Hour)))
			alone, err := Intersect(c)
			require.NoError(t, err)
			assert.True(t, alone.Add(far, time.Hour).Equal(far.Add(time.Hour)))

			// Always round-trips through JSON as Always, with no range.
			js, err := c.MarshalJSON() // json.Marshal writes a nil pointer as null
			require.NoError(t, err)
			back, err := Parse(js)
			require.NoError(t, err, "%s", js)
			assert.Equal(t, far.Add(time.Hour), back.Add(far, time.Hour), "%s", js)
			assert.Equal(t, c.Name(), back.Name())
			js2, err := back.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, string(js), string(js2))
		}
		named, err := Parse([]byte(`{"name": "plain", "always": true}`))
		require.NoError(t, err)
		assert.Equal(t, "plain", named.Name())
		assert.True(t, named.IsOpen(far))
		_, err = Parse([]byte(`{"always": true, "zone": "UTC"}`))
		assert.ErrorIs(t, err, ErrBadJSON)
		assert.ErrorContains(t, err, "always: an always-open calendar takes no zone")
		_, err = Parse([]byte(`{"always": true, "week": {"mon": ["09:00-17:00"]}}`))
		assert.ErrorIs(t, err, ErrBadJSON)
		_, err = Parse([]byte(`{"always": false, "zone": "UTC", "week": {"mon": ["09:00-17:00"]}}`))
		assert.NoError(t, err, "always false is the ordinary form")
	})
	t.Run("outside the supported range", func(t *testing.T) {
		old := time.Date(1960, 1, 4, 10, 0, 0, 0, ny)
		assert.False(t, office.IsOpen(old))
		assert.Equal(t, time.Duration(0), office.Between(old, old.Add(24*time.Hour)))
		far := time.Date(2099, 12, 31, 10, 0, 0, 0, ny)
		end := office.Add(far, 1000*time.Hour)
		assert.Equal(t, time.Date(2100, 1, 1, 0, 0, 0, 0, ny), end, "saturates at the end of the range")
		assert.NotPanics(t, func() { office.Add(far, time.Duration(1<<63-1)) })
		assert.NotPanics(t, func() { office.Add(far, time.Duration(-1<<63)) })
	})
	t.Run("a sparse calendar runs out before a large budget does", func(t *testing.T) {
		// One minute a week: 100 hours would take 115 years, so Add
		// saturates at the range's end and Between reports what was
		// left (found by FuzzParse).
		sparse, err := Parse([]byte(`{"zone":"America/New_York","week":{"mon":["00:00-00:01"]}}`))
		require.NoError(t, err)
		a := time.Date(2026, 3, 8, 1, 30, 0, 0, time.UTC)
		end := sparse.Add(a, 100*time.Hour)
		assert.Equal(t, time.Date(2100, 1, 1, 0, 0, 0, 0, ny), end)
		left := sparse.Between(a, end)
		assert.Less(t, left, 100*time.Hour)
		assert.Equal(t, left, sparse.Between(a, time.Date(2200, 1, 1, 0, 0, 0, 0, ny)))
		assert.Equal(t, time.Date(2099, 12, 28, 0, 1, 0, 0, ny), sparse.Add(a, left),
			"exactly what is left runs out when the last open minute ends")
	})
}

func TestErrorsNameTheField(t *testing.T) {
	cases := []struct {
		js, msg string
		is      error
	}{
		{`{"zone":"UTC","week":{"mon":["09:00-12:00","25:00-26:00"]}}`, `week.mon[1]: "25:00-26:00": hour out of range`, ErrBadInterval},
		{`{"zone":"UTC","week":{"tue":["9-17"]}}`, `week.tue[0]: "9-17": want "HH:MM"`, ErrBadInterval},
		{`{"zone":"UTC","week":{"tue":["09:00"]}}`, `week.tue[0]: "09:00": want "HH:MM-HH:MM"`, ErrBadInterval},
		{`{"zone":"UTC","week":{"tue":["24:00-02:00"]}}`, `week.tue[0]: "24:00-02:00": starts at 24:00`, ErrBadInterval},
		{`{"zone":"UTC","week":{"tue":["09:60-10:00"]}}`, `week.tue[0]: "09:60-10:00": minute out of range`, ErrBadInterval},
		{`{"zone":"UTC","week":{"tue":["09:00-24:30"]}}`, `week.tue[0]: "09:00-24:30": time after 24:00`, ErrBadInterval},
		{`{"zone":"UTC","week":{}}`, `week: no open hours in the weekly template`, ErrNeverOpen},
		{`{"week":{"mon":["09:00-17:00"]}}`, `zone: missing`, ErrBadZone},
		{`{"zone":"Mars/Olympus","week":{"mon":["09:00-17:00"]}}`, `zone: "Mars/Olympus": unknown time zone`, ErrBadZone},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"closed":[{"date":"24/12/2026"}]}`, `closed[0].date: "24/12/2026": want a date "YYYY-MM-DD"`, ErrBadDate},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"closed":[{"date":"2026-12-24","hours":["22:00-06:00"]}]}`, `closed[0].hours[0]: "22:00-06:00": closed hours may not run overnight`, ErrBadInterval},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"open":[{"date":"2026-12-19"}]}`, `open[0].hours: missing`, ErrBadInterval},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"name":"x"}]}`, `rules[0]: names no date`, ErrBadRule},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"month":13,"day":1}]}`, `rules[0].month: "13": month out of range`, ErrBadRule},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"month":2,"day":30}]}`, `rules[0].day: "30": day out of range`, ErrBadRule},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"month":5,"weekday":"monday","nth":1}]}`, `rules[0].weekday: "monday"`, ErrBadRule},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"month":5,"weekday":"mon","nth":6}]}`, `rules[0].nth: "6"`, ErrBadRule},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"month":5,"day":1,"observed":"sometimes"}]}`, `rules[0].observed: "sometimes"`, ErrBadRule},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"easter":1,"month":4}]}`, `rules[0]: easter takes no month`, ErrBadRule},
		{`{"zone":"UTC","wek":{}}`, `wek: unknown field`, ErrBadJSON},
		{`{"zone":"UTC","week":{"mon":"09:00-17:00"}}`, `week.mon: want a list, not a string`, ErrBadJSON},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"closed":[{"date":"2026-12-24"},{"date":5}]}`, `closed[1].date: want a string, not a number`, ErrBadJSON},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"month":1,"day":1},{"month":1.5,"day":1}]}`, `rules[1].month: want an integer, not 1.5`, ErrBadJSON},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[{"month":1,"day":1,"nme":"x"}]}`, `rules[0].nme: unknown field`, ErrBadJSON},
		{`{"Zone":"UTC","week":{"mon":["09:00-17:00"]}}`, `Zone: unknown field`, ErrBadJSON},
		{`{"zone":"UTC","week":{"MON":["09:00-17:00"]}}`, `week.MON: unknown field`, ErrBadJSON},
		{`{"zone":"UTC","week":{"mon":[true]}}`, `week.mon[0]: want a string, not a boolean`, ErrBadJSON},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"closed":[{"date":"2026-02-30"}]}`, `closed[0].date: "2026-02-30": no such date`, ErrBadDate},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"open":[{"date":"2026-13-01","hours":["10:00-12:00"]}]}`, `open[0].date: "2026-13-01"`, ErrBadDate},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"closed":[{"date":"2026-04-31"}]}`, `closed[0].date: "2026-04-31": no such date`, ErrBadDate},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"closed":[{"date":"2026-01-00"}]}`, `closed[0].date: "2026-01-00"`, ErrBadDate},
		{`{"zone":"UTC"`, `unexpected end of the document`, ErrBadJSON},
		{`{"zone":"UTC","week":{"mon":["09:00-17:00"]}} {}`, `data after the document`, ErrBadJSON},
	}
	for _, c := range cases {
		t.Run(c.msg, func(t *testing.T) {
			_, err := Parse([]byte(c.js))
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			assert.Contains(t, err.Error(), c.msg)
			var fe *Error
			assert.True(t, errors.As(err, &fe))
		})
	}
}

func TestNeverOpenYear(t *testing.T) {
	// Open Mondays only, and every Monday of every month is a holiday.
	var rules []Rule
	for m := time.January; m <= time.December; m++ {
		for n := 1; n <= 5; n++ {
			rules = append(rules, NthWeekday("", m, time.Monday, n))
		}
	}
	_, err := New(time.UTC, Hours(time.Monday, "09:00-17:00"), Rules(rules...))
	require.ErrorIs(t, err, ErrNeverOpen)
	assert.Contains(t, err.Error(), "closed throughout 1970")

	_, err = New(nil)
	assert.ErrorIs(t, err, ErrBadZone)
	_, err = New(time.UTC, Hours(time.Weekday(9), "09:00-17:00"))
	assert.ErrorIs(t, err, ErrBadInterval)
	_, err = Union()
	assert.Error(t, err)
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"zone":"UTC","week":{"mon":["09:00-17:00"]},"rules":[`)
	for i := range maxRules + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"month":1,"day":%d}`, i%28+1)
	}
	b.WriteString(`]}`)
	_, err := Parse([]byte(b.String()))
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestMarshalRoundTrip(t *testing.T) {
	js := `{"name":"support-nyc","zone":"America/New_York","week":{"mon":["09:00-12:00","13:00-17:30"],"tue":["09:00-17:30"],"wed":["09:00-17:30"],"thu":["09:00-17:30"],"fri":["09:00-17:00","22:00-06:00"]},"closed":[{"date":"2026-12-24","hours":["13:00-24:00"],"name":"Christmas Eve"},{"date":"2026-12-31"}],"open":[{"date":"2026-12-19","hours":["10:00-14:00"],"name":"holiday sale"}],"rules":[{"name":"New Year","month":1,"day":1,"observed":"nearest-weekday"},{"name":"Thanksgiving","month":11,"weekday":"thu","nth":4},{"name":"Memorial Day","month":5,"weekday":"mon","nth":-1},{"name":"Good Friday","easter":-2},{"name":"Easter","easter":0}]}`
	c := mustParse(t, js)
	out, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, js, string(out))

	var embedded struct{ Cal *Calendar }
	require.NoError(t, json.Unmarshal([]byte(`{"Cal":`+js+`}`), &embedded))
	assert.Equal(t, "support-nyc", embedded.Cal.Name())

	out, err = json.Marshal(Always())
	require.NoError(t, err)
	always := mustParse(t, string(out))
	a := time.Date(2026, 3, 8, 1, 0, 0, 0, time.UTC)
	assert.Equal(t, a.Add(50*time.Hour), always.Add(a, 50*time.Hour))

	_, err = json.Marshal(mustNew(t, time.FixedZone("X", 3600), Weekdays("09:00-17:00")))
	assert.ErrorIs(t, err, ErrNoJSON)
}

func mustNew(t testing.TB, loc *time.Location, opts ...Option) *Calendar {
	t.Helper()
	c, err := New(loc, opts...)
	require.NoError(t, err)
	return c
}

// Pacific/Apia skipped 2011-12-30: the date has no time, open or not.
func TestSkippedDate(t *testing.T) {
	apia := mustLoad(t, "Pacific/Apia")
	c := mustParse(t, `{"zone":"Pacific/Apia","week":{"mon":["00:00-24:00"],"tue":["00:00-24:00"],"wed":["00:00-24:00"],"thu":["00:00-24:00"],"fri":["00:00-24:00"],"sat":["00:00-24:00"],"sun":["00:00-24:00"]}}`)
	a := time.Date(2011, 12, 29, 12, 0, 0, 0, apia)
	b := time.Date(2011, 12, 31, 12, 0, 0, 0, apia)
	require.Equal(t, 24*time.Hour, b.Sub(a))
	assert.Equal(t, 24*time.Hour, c.Between(a, b))
	assert.Equal(t, b, c.Add(a, 24*time.Hour))
	u := c.Add(a, 30*time.Hour)
	assert.Equal(t, 30*time.Hour, c.Between(a, u))
}

// MarshalJSON refuses a zone whose name does not load the same zone back.
func TestMarshalNeedsNamedZone(t *testing.T) {
	for _, loc := range []*time.Location{time.FixedZone("", 5*3600), time.FixedZone("UTC", 5*3600), time.Local} {
		c, err := New(loc, Weekdays("09:00-17:00"))
		require.NoError(t, err)
		_, err = json.Marshal(c)
		assert.ErrorIs(t, err, ErrNoJSON, "zone %q", loc)
	}
	c, err := New(time.FixedZone("UTC", 0), Weekdays("09:00-17:00"))
	require.NoError(t, err)
	js, err := json.Marshal(c)
	require.NoError(t, err, "a fixed zone named UTC at offset 0 is UTC")
	assert.Contains(t, string(js), `"zone":"UTC"`)
}

func TestNilOptionAndFarPast(t *testing.T) {
	c, err := New(time.UTC, Weekdays("09:00-17:00"), nil)
	require.NoError(t, err, "a nil option is no option")
	office := mustParse(t, nineToFive)
	done := make(chan time.Time)
	go func() { done <- office.AddDays(time.Unix(-1<<50, 0), 1) }()
	select {
	case u := <-done:
		assert.Equal(t, 1970, u.Year(), "counted from the range's first opening")
	case <-time.After(10 * time.Second):
		t.Fatal("AddDays from the far past hangs")
	}
	assert.True(t, c.IsOpen(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)))
}

func TestComposeTooLarge(t *testing.T) {
	var slots []string
	for h := range 24 {
		slots = append(slots, fmt.Sprintf("%02d:00-%02d:30", h, h))
	}
	dense, err := New(time.UTC, Weekdays(slots...), Hours(time.Saturday, slots...), Hours(time.Sunday, slots...))
	require.NoError(t, err)
	_, err = Union(dense, dense)
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Intersect(dense, dense)
	assert.ErrorIs(t, err, ErrTooLarge, "the intersection has as many spans as dense")
	// The limit is on the intersection, not on its members: dense has
	// more than a million spans, within 9 to 5 a quarter of that. Dense
	// is in UTC, the hours in New York (UTC-5 in November and March).
	both, err := Intersect(dense, mustParse(t, nineToFive))
	require.NoError(t, err)
	for _, c := range []struct {
		at   string
		open bool
	}{
		{"2026-11-23 09:00", true}, {"2026-11-23 09:29", true}, {"2026-11-23 09:30", false},
		{"2026-11-23 16:05", true}, {"2026-11-23 16:35", false}, {"2026-11-23 17:00", false}, {"2026-11-23 08:15", false},
		{"2026-11-28 10:00", false}, {"2090-03-06 11:10", true},
	} {
		at, err := time.ParseInLocation("2006-01-02 15:04", c.at, mustLoad(t, "America/New_York"))
		require.NoError(t, err)
		assert.Equal(t, c.open, both.IsOpen(at), c.at)
	}
}

// A special opening overrides a yearly rule on its date; a closure of the
// date still applies.
func TestOpeningOverridesRule(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	c := mustParse(t, `{"zone":"America/New_York","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},
		"rules":[{"name":"Boxing Day","month":12,"day":26,"observed":"monday-after"}],
		"open":[{"date":"2025-12-26","hours":["10:00-14:00"]},{"date":"2027-12-27","hours":["10:00-14:00"]}],
		"closed":[{"date":"2027-12-27","hours":["12:00-13:00"]}]}`)
	assert.True(t, c.IsOpen(at(ny, 2025, 12, 26, 11, 0)), "opened for a sale on Boxing Day 2025")
	assert.False(t, c.IsOpen(at(ny, 2025, 12, 26, 15, 0)), "on the special hours only")
	assert.False(t, c.IsOpen(at(ny, 2026, 12, 28, 11, 0)), "other years keep the holiday (observed Monday)")
	assert.Equal(t, 3*time.Hour, c.Between(at(ny, 2027, 12, 27, 0, 0), at(ny, 2027, 12, 28, 0, 0)), "an opened observed day, less its closure")
}

// On a calendar open around the clock, NextClose finds a closure weeks
// away, or the range's end, without walking the days in between.
func TestNextCloseAroundTheClock(t *testing.T) {
	lon := mustLoad(t, "Europe/London")
	const week = `"week":{"mon":["00:00-24:00"],"tue":["00:00-24:00"],"wed":["00:00-24:00"],"thu":["00:00-24:00"],"fri":["00:00-24:00"],"sat":["00:00-24:00"],"sun":["00:00-24:00"]}`
	open := mustParse(t, `{"zone":"Europe/London",`+week+`}`)
	from := time.Date(2026, 3, 1, 12, 0, 0, 500, lon)
	assert.Equal(t, time.Date(2100, 1, 1, 0, 0, 0, 0, lon), open.NextClose(from))
	stocktake := mustParse(t, `{"zone":"Europe/London",`+week+`,"closed":[{"date":"2026-04-14","hours":["13:17-14:00"]}]}`)
	assert.Equal(t, time.Date(2026, 4, 14, 13, 17, 0, 0, lon), stocktake.NextClose(from), "across the March DST change")
	assert.Equal(t, time.Date(2026, 4, 14, 14, 0, 0, 0, lon), stocktake.NextOpen(time.Date(2026, 4, 14, 13, 17, 0, 0, lon)))
}

// Always's Add saturates at the ends of time.Time: a budget of business
// time never ends before it starts (time.Time.Add saturates its seconds
// only, and gave an instant before t).
func TestAlwaysAddSaturates(t *testing.T) {
	last := time.Unix(math.MaxInt64-62135596800, 999999999).UTC()
	first := instant(math.MinInt64, 0)
	assert.Equal(t, last, lastInstant)
	assert.True(t, last.Add(time.Nanosecond).Before(last), "time.Time's own Add")
	assert.True(t, first.Before(time.Unix(math.MinInt64, 0)))
	for _, c := range []struct {
		t    time.Time
		d    time.Duration
		want time.Time
	}{
		{last, time.Nanosecond, last},
		{last.Add(-time.Hour), math.MaxInt64, last},
		{first, -time.Nanosecond, first},
		{first.Add(time.Hour), math.MinInt64, first},
		{first, math.MaxInt64, first.Add(math.MaxInt64)},
	} {
		got := Always().Add(c.t, c.d)
		assert.True(t, c.want.Equal(got), "Add(%v, %v) = %v, want %v", c.t, c.d, got, c.want)
	}
}
