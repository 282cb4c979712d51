package calendar

import (
	"encoding/json"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closedDates returns the dates of year y on which c, open every day
// around the clock but for its rules, is closed.
func closedDates(t *testing.T, set string, y int) []string {
	t.Helper()
	c := mustNew(t, time.UTC, Weekdays("00:00-24:00"), Hours(time.Saturday, "00:00-24:00"), Hours(time.Sunday, "00:00-24:00"), Holidays(set))
	var out []string
	for d := date.New(y, time.January, 1); d.Year() == y; d++ {
		if !openOn(c, d) {
			out = append(out, d.String())
		}
	}
	return out
}

func TestHolidaySetsBuild(t *testing.T) {
	sets := HolidaySets()
	require.GreaterOrEqual(t, len(sets), 10)
	for i, s := range sets {
		if i > 0 {
			assert.Less(t, sets[i-1].Name, s.Name, "sorted by name")
		}
		assert.NotEmpty(t, s.Title)
		for j, r := range s.Rules {
			_, err := compileRule("rules", r)
			require.NoError(t, err, "%s rule %d (%s)", s.Name, j, r.Name)
			assert.NotEmpty(t, r.Name, "%s rule %d", s.Name, j)
		}
		c := mustNew(t, time.UTC, Weekdays("09:00-17:00"), Holidays(s.Name))
		js, err := json.Marshal(c)
		require.NoError(t, err)
		assert.Contains(t, string(js), `"holidays":["`+s.Name+`"]`, "the JSON form names the set")
		again := mustParse(t, string(js))
		for d := date.New(2026, 1, 1); d < date.New(2027, 1, 1); d++ {
			require.Equal(t, openOn(c, d), openOn(again, d), "%s %s", s.Name, d)
		}
	}
	// The caller's copy is its own.
	sets[0].Rules[0].Name = "changed"
	assert.NotEqual(t, "changed", HolidaySets()[0].Rules[0].Name)
}

func TestHolidaySetDates(t *testing.T) {
	cases := []struct {
		set  string
		year int
		want []string
	}{
		// 2022: New Year on a Saturday observed on Friday 31 December 2021;
		// Juneteenth on a Sunday observed on Monday 20 June.
		{"us-federal", 2021, []string{"2021-01-01", "2021-01-18", "2021-02-15", "2021-05-31", "2021-06-18", "2021-06-19", "2021-07-04", "2021-07-05", "2021-09-06", "2021-10-11", "2021-11-11", "2021-11-25", "2021-12-24", "2021-12-25", "2021-12-31"}},
		{"us-federal", 1975, []string{"1975-01-01", "1975-02-17", "1975-05-26", "1975-07-04", "1975-09-01", "1975-10-13", "1975-10-27", "1975-11-27", "1975-12-25"}},
		// 2022: the Platinum Jubilee, the spring holiday moved to 2 June,
		// the Queen's funeral; Christmas on a Sunday, substitute Tuesday.
		{"gb-eng", 2022, []string{"2022-01-01", "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-25", "2022-12-26", "2022-12-27"}},
		// 2021: Christmas on a Saturday, Boxing Day on a Sunday: Monday
		// and Tuesday.
		{"gb-sct", 2021, []string{"2021-01-01", "2021-01-02", "2021-01-04", "2021-04-02", "2021-05-03", "2021-05-31", "2021-08-02", "2021-11-30", "2021-12-25", "2021-12-26", "2021-12-27", "2021-12-28"}},
		// Victoria Day: the Monday on or before 24 May.
		{"ca", 2026, []string{"2026-01-01", "2026-04-03", "2026-05-18", "2026-07-01", "2026-09-07", "2026-09-30", "2026-10-12", "2026-11-11", "2026-12-25", "2026-12-26", "2026-12-28"}},
		// King's Day on a Sunday moves to Saturday 26 April.
		{"nl", 2025, []string{"2025-01-01", "2025-04-21", "2025-04-26", "2025-04-27", "2025-05-05", "2025-05-29", "2025-06-09", "2025-12-25", "2025-12-26"}},
		// St Brigid's Day: 1 February 2030 is a Friday.
		{"ie", 2030, []string{"2030-01-01", "2030-02-01", "2030-03-17", "2030-04-22", "2030-05-06", "2030-06-03", "2030-08-05", "2030-10-28", "2030-12-25", "2030-12-26"}},
		// Japan 2019: the new Emperor's accession on 1 May made 30 April
		// and 2 May days between holidays; Children's Day on a Sunday,
		// substitute Monday; no Emperor's Birthday.
		{"jp", 2019, []string{"2019-01-01", "2019-01-14", "2019-02-11", "2019-03-21", "2019-04-29", "2019-04-30", "2019-05-01", "2019-05-02", "2019-05-03", "2019-05-04", "2019-05-05", "2019-05-06", "2019-07-15", "2019-08-11", "2019-08-12", "2019-09-16", "2019-09-23", "2019-10-14", "2019-10-22", "2019-11-03", "2019-11-04", "2019-11-23"}},
		// 2021: the Olympic moves; Mountain Day on a Sunday, substitute
		// Monday 9 August.
		{"jp", 2021, []string{"2021-01-01", "2021-01-11", "2021-02-11", "2021-02-23", "2021-03-20", "2021-04-29", "2021-05-03", "2021-05-04", "2021-05-05", "2021-07-22", "2021-07-23", "2021-08-08", "2021-08-09", "2021-09-20", "2021-09-23", "2021-11-03", "2021-11-23"}},
		// 2026: Constitution Day on a Sunday, substitute past Greenery and
		// Children's Day to 6 May; 22 September between two holidays.
		{"jp", 2026, []string{"2026-01-01", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29", "2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11", "2026-09-21", "2026-09-22", "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23"}},
		// 2003, before the 2007 changes: 4 May, a Sunday, was no citizens'
		// holiday; Marine and Respect for the Aged Days on Mondays.
		{"jp", 2003, []string{"2003-01-01", "2003-01-13", "2003-02-11", "2003-03-21", "2003-04-29", "2003-05-03", "2003-05-05", "2003-07-21", "2003-09-15", "2003-09-23", "2003-10-13", "2003-11-03", "2003-11-23", "2003-11-24", "2003-12-23"}},
		// 1973: the substitute holiday began on 12 April: none for
		// Sunday 11 February, Monday 30 April for the Emperor's Birthday.
		{"jp", 1973, []string{"1973-01-01", "1973-01-15", "1973-02-11", "1973-03-21", "1973-04-29", "1973-04-30", "1973-05-03", "1973-05-05", "1973-09-15", "1973-09-23", "1973-09-24", "1973-10-10", "1973-11-03", "1973-11-23"}},
		{"ie", 2026, []string{"2026-01-01", "2026-02-02", "2026-03-17", "2026-04-06", "2026-05-04", "2026-06-01", "2026-08-03", "2026-10-26", "2026-12-25", "2026-12-26"}},
	}
	for _, c := range cases {
		t.Run(c.set, func(t *testing.T) {
			assert.Equal(t, c.want, closedDates(t, c.set, c.year))
		})
	}
}

func TestHolidaysErrors(t *testing.T) {
	const week = `"zone":"UTC","week":{"mon":["09:00-17:00"]}`
	for js, msg := range map[string]string{
		`{` + week + `,"holidays":["us-fedral"]}`:    `holidays[0]: "us-fedral": unknown holiday set; known: at, au-nsw`,
		`{` + week + `,"holidays":["de","fr","de"]}`: `holidays[2]: "de": named twice`,
		`{` + week + `,"holidays":"de"}`:             `holidays: want a list, not a string`,
		`{"always":true,"holidays":["de"]}`:          `always: an always-open calendar takes no zone`,
	} {
		_, err := Parse([]byte(js))
		require.Error(t, err, js)
		assert.Contains(t, err.Error(), msg)
		var fe *Error
		assert.ErrorAs(t, err, &fe)
	}
	var names []string
	for range maxHolidaySets + 1 {
		names = append(names, "de")
	}
	_, err := New(time.UTC, Weekdays("09:00-17:00"), Holidays(names...))
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestJapanIsAListOfItsOwn(t *testing.T) {
	const week = `"zone":"Asia/Tokyo","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sun":["09:00-17:00"]}`
	closed := func(c *Calendar, y int, m time.Month, d int) bool { return !openOn(c, date.New(y, m, d)) }
	// A holiday set is a list of its own: the calendar's rules do not
	// move its substitute days, nor make days between its holidays.
	js := `{` + week + `,"rules":[{"name":"Company holiday","month":3,"day":22},{"name":"Company day","month":11,"day":5},{"name":"Day between","between":true}],"holidays":["jp"]}`
	c := mustParse(t, js)
	assert.True(t, closed(c, 2027, 3, 22), "jp's substitute for the Sunday equinox, and the company's day")
	assert.False(t, closed(c, 2027, 3, 23), "the company's day does not move jp's substitute")
	assert.False(t, closed(c, 2026, 11, 4), "between jp's Culture Day and the company's day, but they are in different lists")
	assert.True(t, closed(c, 2026, 9, 22), "jp's own day between holidays")
}
