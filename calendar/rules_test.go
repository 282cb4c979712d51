package calendar

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openOn reports whether c is open at some time of UTC date d.
func openOn(c *Calendar, d date.Date) bool {
	y, m, dd := d.Date()
	start := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	return c.Between(start, start.AddDate(0, 0, 1)) > 0
}

func TestRuleErrors(t *testing.T) {
	const week = `"zone":"UTC","week":{"mon":["09:00-17:00"]}`
	for js, msg := range map[string]string{
		`{` + week + `,"rules":[{"month":1,"day":1,"from":2001,"until":2000}]}`:      `rules[0].until: "2000": before from (2001)`,
		`{` + week + `,"rules":[{"month":1,"day":1,"except":[0]}]}`:                  `rules[0].except[0]: "0": year out of range`,
		`{` + week + `,"rules":[{"month":5,"day":24,"weekday":"mon","nth":0}]}`:      `rules[0].nth: "0"`,
		`{` + week + `,"rules":[{"month":4,"day":31,"weekday":"mon","nth":1}]}`:      `rules[0].day: "31": day out of range`,
		`{` + week + `,"rules":[{"month":1,"day":1,"observed":"three-days-later"}]}`: `saturday-before or next-non-holiday`,
	} {
		_, err := Parse([]byte(js))
		require.Error(t, err, js)
		assert.Contains(t, err.Error(), msg)
		assert.ErrorIs(t, err, ErrBadRule)
	}
}

// A rule built in Go with a field its kind does not use is refused, as
// the JSON form refuses it, and not written back without it.
func TestRuleUnusedFields(t *testing.T) {
	for _, tc := range []struct {
		r   Rule
		msg string
	}{
		{Rule{Kind: EasterRule, Offset: 1, Month: time.March}, `rules[0].month: "3": this kind of rule takes no month`},
		{Rule{Kind: FixedDateRule, Month: time.July, Day: 4, Nth: 2}, `rules[0].nth: "2": this kind of rule takes no nth`},
		{Rule{Kind: NthWeekdayRule, Month: time.November, Weekday: time.Thursday, Nth: 4, Day: 1}, `rules[0].day: "1": this kind of rule takes no day`},
		{Rule{Kind: EquinoxRule, Month: time.March, Offset: -1}, `rules[0].easter: "-1": this kind of rule takes no offset`},
		{Rule{Kind: BetweenHolidaysRule, Day: 3}, `rules[0].day: "3": this kind of rule takes no day`},
		{Rule{Kind: FixedDateRule, Month: time.July, Day: 4, Weekday: time.Monday}, `rules[0].weekday: "1": this kind of rule takes no weekday`},
		{Rule{Kind: EasterRule, Offset: -2, Weekday: time.Friday}, `rules[0].weekday: "5": this kind of rule takes no weekday`},
	} {
		_, err := New(time.UTC, Weekdays("09:00-17:00"), Rules(tc.r))
		assert.ErrorIs(t, err, ErrBadRule, "%+v", tc.r)
		assert.ErrorContains(t, err, tc.msg)
	}
	_, err := New(time.UTC, Weekdays("09:00-17:00"), Rules(Easter("Easter Monday", 1), NthWeekdayFrom("Victoria Day", time.May, 24, time.Monday, -1)))
	assert.NoError(t, err)
}

func TestRuleYearsAndNewKinds(t *testing.T) {
	js := `{"zone":"UTC","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},"rules":[` +
		`{"name":"Repentance Day","month":11,"day":22,"weekday":"wed","nth":-1},` +
		`{"name":"Election Day","month":11,"day":2,"weekday":"tue","nth":1,"from":2000,"until":2030,"except":[2026]},` +
		`{"name":"Christmas","month":12,"day":25,"observed":"two-days-later"}]}`
	c := mustParse(t, js)
	out, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, js, string(out))
	closed := func(y int, m time.Month, d int) bool { return !openOn(c, date.New(y, m, d)) }
	assert.True(t, closed(2026, 11, 18), "the Wednesday on or before 22 November 2026")
	assert.True(t, closed(2023, 11, 22), "22 November 2023 is itself a Wednesday")
	assert.True(t, closed(2024, 11, 5), "the Tuesday on or after 2 November 2024")
	assert.False(t, closed(2026, 11, 3), "2026 is excepted")
	assert.False(t, closed(2032, 11, 2), "after until")
	assert.True(t, closed(2022, 12, 27), "Christmas 2022, a Sunday, two days later on Tuesday")
	assert.True(t, closed(2021, 12, 27), "Christmas 2021, a Saturday, two days later on Monday")
}

func TestEquinoxAndBetweenHolidays(t *testing.T) {
	const week = `"zone":"Asia/Tokyo","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sun":["09:00-17:00"]}`
	js := `{` + week + `,"rules":[` +
		`{"name":"Vernal Equinox Day","month":3,"equinox":true,"observed":"next-non-holiday"},` +
		`{"name":"Autumnal Equinox Day","month":9,"equinox":true},` +
		`{"name":"Founders' Day","month":9,"day":21},` +
		`{"name":"Company holiday","month":3,"day":22},` +
		`{"name":"Day between","between":true,"from":2010}]}`
	c := mustParse(t, js)
	out, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, js, string(out))
	closed := func(c *Calendar, y int, m time.Month, d int) bool { return !openOn(c, date.New(y, m, d)) }
	assert.True(t, closed(c, 2026, 3, 20), "the vernal equinox of 2026, a Friday")
	assert.False(t, closed(c, 2026, 3, 23), "no substitute for a Friday")
	assert.True(t, closed(c, 2027, 3, 21), "the vernal equinox of 2027, a Sunday")
	assert.True(t, closed(c, 2027, 3, 23), "its substitute passes Monday, a holiday of the same rules, to Tuesday")
	assert.True(t, closed(c, 2026, 9, 23), "the autumnal equinox of 2026")
	assert.True(t, closed(c, 2026, 9, 22), "between Founders' Day and the equinox")
	assert.False(t, closed(c, 2009, 9, 22), "before from")
	assert.False(t, closed(c, 2024, 9, 23), "the day after the equinox, a Sunday of 2024 without a substitute, is between no holidays")

}

func TestEquinoxFormula(t *testing.T) {
	for y := 1890; y <= 2160; y++ {
		for _, m := range []time.Month{time.March, time.September} {
			d, ok := equinoxDay(y, m)
			want, wantOK := refEquinox(y, m)
			require.Equal(t, wantOK, ok, "%d-%02d", y, m)
			if ok {
				require.Equal(t, want, date.New(y, m, d), "%d-%02d", y, m)
			}
		}
	}
	// The dates the Cabinet announced for 2025 and 2026.
	for _, c := range []struct {
		y int
		m time.Month
		d int
	}{{2025, time.March, 20}, {2025, time.September, 23}, {2026, time.March, 20}, {2026, time.September, 23}} {
		d, _ := equinoxDay(c.y, c.m)
		assert.Equal(t, c.d, d, "%d-%02d", c.y, c.m)
	}
}

func TestNewRuleKindErrors(t *testing.T) {
	const week = `"zone":"UTC","week":{"mon":["09:00-17:00"]}`
	for js, msg := range map[string]string{
		`{` + week + `,"rules":[{"month":4,"equinox":true}]}`:                 `rules[0].month: "4": an equinox is in month 3 or 9`,
		`{` + week + `,"rules":[{"month":3,"day":20,"equinox":true}]}`:        `rules[0]: equinox takes a month (3 or 9) and no day`,
		`{` + week + `,"rules":[{"month":3,"between":true}]}`:                 `rules[0]: between takes no month`,
		`{` + week + `,"rules":[{"between":true,"observed":"monday-after"}]}`: `rules[0].observed: "monday-after": a day between holidays has no substitute day`,
		`{` + week + `,"rules":[{"easter":1,"equinox":true}]}`:                `rules[0]: easter takes no month, day, weekday, nth, equinox or between`,
	} {
		_, err := Parse([]byte(js))
		require.Error(t, err, js)
		assert.Contains(t, err.Error(), msg)
		assert.ErrorIs(t, err, ErrBadRule)
	}
}
