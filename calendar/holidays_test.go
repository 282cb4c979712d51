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
