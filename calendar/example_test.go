package calendar_test

import (
	"fmt"
	"time"
	_ "time/tzdata"

	"github.com/replyby/replyby/calendar"
	"github.com/rickb777/date/v2"
)

func Example() {
	nyc, err := calendar.Parse([]byte(`{
		"name": "support-nyc",
		"zone": "America/New_York",
		"week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
		         "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]},
		"rules": [{"name": "Thanksgiving", "month": 11, "weekday": "thu", "nth": 4}]
	}`))
	if err != nil {
		panic(err)
	}
	// An e-mail arrives on Friday at 16:55 with a 4-business-hour target.
	arrived := time.Date(2026, 11, 20, 16, 55, 0, 0, nyc.Location())
	due := nyc.Add(arrived, 4*time.Hour)
	fmt.Println("due:", due.Format("Mon 2 Jan 15:04"))
	fmt.Println("business time by Monday noon:", nyc.Between(arrived, time.Date(2026, 11, 23, 12, 0, 0, 0, nyc.Location())))
	// Output:
	// due: Mon 23 Nov 12:55
	// business time by Monday noon: 3h5m0s
}

func ExampleNew() {
	london, _ := time.LoadLocation("Europe/London")
	cal, err := calendar.New(london,
		calendar.Name("support-london"),
		calendar.Weekdays("09:00-12:30", "13:30-17:30"),
		calendar.Closed(date.New(2026, time.December, 24), "13:00-24:00"),
		calendar.Rules(
			calendar.FixedDate("Christmas Day", time.December, 25),
			calendar.Rule{Kind: calendar.FixedDateRule, Month: time.December, Day: 26, Observed: calendar.MondayAfter},
			calendar.Easter("Good Friday", -2),
		),
	)
	if err != nil {
		panic(err)
	}
	// 1h30 on Christmas Eve morning; Christmas Day closed; Boxing Day
	// (a Saturday in 2026) observed on Monday 28; the rest on Tuesday.
	t := time.Date(2026, 12, 24, 11, 0, 0, 0, london)
	fmt.Println(cal.Add(t, 3*time.Hour).Format("Mon 2 Jan 15:04"))
	// Output: Tue 29 Dec 10:30
}

func ExampleCalendar_Add_closingTime() {
	cal, _ := calendar.New(time.UTC, calendar.Weekdays("09:00-17:00"))
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	// A budget that runs out exactly at closing time is due at closing time.
	fmt.Println(cal.Add(monday, 8*time.Hour).Format("Mon 15:04"))
	// Negative budgets count backwards.
	fmt.Println(cal.Add(monday, -30*time.Minute).Format("Mon 15:04"))
	// Output:
	// Mon 17:00
	// Fri 16:30
}

func ExampleCalendar_Spans() {
	cal, _ := calendar.New(time.UTC, calendar.Hours(time.Friday, "09:00-17:00", "22:00-06:00"))
	fri := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for s := range cal.Spans(fri, fri.Add(48*time.Hour)) {
		fmt.Println(s.Start.Format("Mon 15:04"), "–", s.End.Format("Mon 15:04"), s.Duration())
	}
	// Output:
	// Fri 09:00 – Fri 17:00 8h0m0s
	// Fri 22:00 – Sat 06:00 8h0m0s
}

func ExampleCalendar_AddDays() {
	cal, _ := calendar.New(time.UTC, calendar.Weekdays("09:00-17:00"))
	friday := time.Date(2026, 11, 20, 16, 55, 0, 0, time.UTC)
	// "P1D" in business time: the same wall-clock time on the next open day.
	fmt.Println(cal.AddDays(friday, 1).Format("Mon 15:04"))
	// Output: Mon 16:55
}

func ExampleIntersect() {
	ny, _ := time.LoadLocation("America/New_York")
	lon, _ := time.LoadLocation("Europe/London")
	office, _ := calendar.New(ny, calendar.Weekdays("09:00-17:00"))
	customer, _ := calendar.New(lon, calendar.Weekdays("09:00-17:00"))
	both, _ := calendar.Intersect(office, customer)
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, ny)
	for s := range both.Spans(monday, monday.Add(24*time.Hour)) {
		fmt.Println(s.Start.In(ny).Format("15:04 MST"), "–", s.End.In(ny).Format("15:04 MST"))
	}
	// Output: 09:00 EST – 12:00 EST
}

func ExampleParse_error() {
	_, err := calendar.Parse([]byte(`{"zone": "UTC", "week": {"mon": ["09:00-12:00", "25:00-26:00"]}}`))
	fmt.Println(err)
	// Output: calendar: week.mon[1]: "25:00-26:00": hour out of range
}
