package calendar

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
)

// benchCalendar is Mon–Fri 09:00–17:00 in New York with a dozen yearly
// holiday rules.
func benchCalendar(b *testing.B) *Calendar {
	c, err := New(mustLoad(b, "America/New_York"), Weekdays("09:00-17:00"), Rules(
		FixedDate("New Year", time.January, 1).observed(NearestWeekday),
		NthWeekday("Martin Luther King Jr. Day", time.January, time.Monday, 3),
		NthWeekday("Presidents' Day", time.February, time.Monday, 3),
		Easter("Good Friday", -2),
		NthWeekday("Memorial Day", time.May, time.Monday, -1),
		FixedDate("Juneteenth", time.June, 19).observed(NearestWeekday),
		FixedDate("Independence Day", time.July, 4).observed(NearestWeekday),
		NthWeekday("Labor Day", time.September, time.Monday, 1),
		NthWeekday("Columbus Day", time.October, time.Monday, 2),
		FixedDate("Veterans Day", time.November, 11).observed(NearestWeekday),
		NthWeekday("Thanksgiving", time.November, time.Thursday, 4),
		FixedDate("Christmas", time.December, 25).observed(NearestWeekday),
	))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func (r Rule) observed(o Observed) Rule { r.Observed = o; return r }

var (
	sinkTime date.Date
	sinkT    time.Time
	sinkD    time.Duration
	sinkB    bool
)

// BenchmarkFloor is the floor every implementation pays: convert t to the
// calendar's zone and read its date.
func BenchmarkFloor(b *testing.B) {
	c := benchCalendar(b)
	t := time.Date(2026, 11, 20, 21, 55, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = date.NewAt(t.In(c.Location()))
	}
}

func BenchmarkAdd8h(b *testing.B) {
	c := benchCalendar(b)
	t := time.Date(2026, 11, 20, 21, 55, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		sinkT = c.Add(t, 8*time.Hour)
	}
}

func BenchmarkAdd2000h(b *testing.B) {
	c := benchCalendar(b)
	t := time.Date(2026, 11, 20, 21, 55, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		sinkT = c.Add(t, 2000*time.Hour)
	}
}

func BenchmarkBetween(b *testing.B) {
	c := benchCalendar(b)
	t := time.Date(2026, 11, 20, 21, 55, 0, 0, time.UTC)
	u := t.Add(90 * 24 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		sinkD = c.Between(t, u)
	}
}

func BenchmarkIsOpen(b *testing.B) {
	c := benchCalendar(b)
	t := time.Date(2026, 11, 20, 21, 55, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		sinkB = c.IsOpen(t)
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchCalendar(b)
	}
}

// BenchmarkNextClose: on the office calendar the open stretch ends the
// same day; on a 24×7 calendar in a zone, it ends only at the range's end.
func BenchmarkNextClose(b *testing.B) {
	t := time.Date(2026, 11, 20, 15, 55, 0, 0, time.UTC)
	allWeek := mustParse(b, `{"zone":"Europe/London","week":{"mon":["00:00-24:00"],"tue":["00:00-24:00"],"wed":["00:00-24:00"],"thu":["00:00-24:00"],"fri":["00:00-24:00"],"sat":["00:00-24:00"],"sun":["00:00-24:00"]}}`)
	for _, bc := range []struct {
		name string
		c    *Calendar
	}{{"office", benchCalendar(b)}, {"24x7", allWeek}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkT = bc.c.NextClose(t)
			}
		})
	}
}

var sinkN int

// BenchmarkAddDays counts 10 to 10,000 business days forwards and back:
// the cost must not grow with the count.
func BenchmarkAddDays(b *testing.B) {
	c := benchCalendar(b)
	t := time.Date(2026, 11, 20, 21, 55, 0, 0, time.UTC)
	for _, n := range []int{10, 10000, -10, -10000} {
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkT = c.AddDays(t, n)
			}
		})
	}
}

// BenchmarkDaysBetween counts the business days of spans of 10 to 10,000
// days.
func BenchmarkDaysBetween(b *testing.B) {
	c := benchCalendar(b)
	t := time.Date(2026, 11, 20, 21, 55, 0, 0, time.UTC)
	for _, days := range []int{10, 10000} {
		u := t.AddDate(0, 0, days)
		b.Run(itoa(days), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkN = c.DaysBetween(t, u)
			}
		})
	}
}

// BenchmarkOpenDays counts a month's business days.
func BenchmarkOpenDays(b *testing.B) {
	c := benchCalendar(b)
	from, to := date.New(2026, time.December, 1), date.New(2027, time.January, 1)
	b.ReportAllocs()
	for b.Loop() {
		sinkN = c.OpenDays(from, to)
	}
}
