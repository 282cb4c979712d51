package calendar_test

import (
	"encoding/json"
	"fmt"
	"strings"
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

func ExampleHolidays() {
	london, _ := time.LoadLocation("Europe/London")
	office, err := calendar.New(london, calendar.Weekdays("09:00-17:30"), calendar.Holidays("gb-eng"))
	if err != nil {
		panic(err)
	}
	// June 2022: the spring bank holiday moved to Thursday 2 June and the
	// Platinum Jubilee on Friday 3 June.
	fmt.Println(office.OpenDays(date.New(2022, time.June, 1), date.New(2022, time.July, 1)), "business days in June 2022")
	fmt.Println(office.IsOpenDay(date.New(2022, time.September, 19)), "on the day of the Queen's funeral")
	// Output:
	// 20 business days in June 2022
	// false on the day of the Queen's funeral
}

func ExampleHolidaySets() {
	for _, s := range calendar.HolidaySets() {
		fmt.Println(s.Name)
	}
	// Output:
	// at
	// au-nsw
	// ca
	// de
	// fr
	// gb-eng
	// gb-sct
	// ie
	// jp
	// nl
	// us-federal
}

func ExampleParse_holidays() {
	cal, err := calendar.Parse([]byte(`{
		"zone": "America/Toronto",
		"week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
		         "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]},
		"holidays": ["ca"],
		"rules": [{"name": "Civic Holiday", "month": 8, "weekday": "mon", "nth": 1},
		          {"name": "Founders' Day", "month": 6, "day": 1, "from": 2027, "observed": "monday-after"}]
	}`))
	if err != nil {
		panic(err)
	}
	// Victoria Day, the Monday on or before 24 May, is in the "ca" set.
	fmt.Println(cal.IsOpenDay(date.New(2026, time.May, 18)))
	fmt.Println(cal.IsOpenDay(date.New(2026, time.August, 3)))
	// Output:
	// false
	// false
}

func ExampleParseICS() {
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//EN\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Winter break\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;TZID=Europe/London:20261231T120000\r\nDTEND;TZID=Europe/London:20270101T000000\r\nSUMMARY:Early close\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;TZID=Europe/London:20261219T100000\r\nDURATION:PT4H\r\nCATEGORIES:OPEN\r\nSUMMARY:Sale\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	london, _ := time.LoadLocation("Europe/London")
	entries, err := calendar.ParseICS(strings.NewReader(feed), london)
	if err != nil {
		panic(err)
	}
	// The "closed" and "open" entries of a calendar, for an administrator
	// to review.
	js, _ := json.MarshalIndent(entries, "", "  ")
	fmt.Println(string(js))
	// Output:
	// {
	//   "closed": [
	//     {
	//       "date": "2026-12-24",
	//       "name": "Winter break"
	//     },
	//     {
	//       "date": "2026-12-25",
	//       "name": "Winter break"
	//     },
	//     {
	//       "date": "2026-12-26",
	//       "name": "Winter break"
	//     },
	//     {
	//       "date": "2026-12-31",
	//       "hours": [
	//         "12:00-24:00"
	//       ],
	//       "name": "Early close"
	//     }
	//   ],
	//   "open": [
	//     {
	//       "date": "2026-12-19",
	//       "hours": [
	//         "10:00-14:00"
	//       ],
	//       "name": "Sale"
	//     }
	//   ]
	// }
}

func ExampleParseICS_error() {
	feed := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261301\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	_, err := calendar.ParseICS(strings.NewReader(feed), time.UTC)
	fmt.Println(err)
	// Output: calendar: line 3: DTSTART: "20261301": no such date
}

func ExampleICS() {
	feed := []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261126\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	ny, _ := time.LoadLocation("America/New_York")
	cal, err := calendar.New(ny, calendar.Weekdays("09:00-17:00"), calendar.ICS(feed))
	if err != nil {
		panic(err)
	}
	fmt.Println(cal.IsOpenDay(date.New(2027, time.November, 25)))
	// Output: false
}

func ExampleCalendar_AddDays_backwards() {
	cal, _ := calendar.New(time.UTC, calendar.Weekdays("09:00-17:00"))
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	fmt.Println(cal.AddDays(monday, -1).Format("Mon 15:04"))
	// Before Monday's opening, the count starts at Friday's closing: one
	// business day back is Thursday 17:00, with all of Friday between.
	early := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	fmt.Println(cal.AddDays(early, -1).Format("Mon 15:04"))
	// Output:
	// Fri 10:00
	// Thu 17:00
}

func ExampleCalendar_DaysBetween() {
	cal, _ := calendar.New(time.UTC, calendar.Weekdays("09:00-17:00"))
	friday := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	nextWednesday := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	fmt.Println(cal.DaysBetween(friday, nextWednesday))
	// Output: 3
}

func ExampleCalendar_OpenDays() {
	ny, _ := time.LoadLocation("America/New_York")
	cal, _ := calendar.New(ny, calendar.Weekdays("09:00-17:00"), calendar.Holidays("us-federal"))
	// November 2026: 21 weekdays less Veterans Day and Thanksgiving.
	fmt.Println(cal.OpenDays(date.New(2026, time.November, 1), date.New(2026, time.December, 1)))
	// Output: 19
}

func ExampleCalendar_In() {
	support, _ := calendar.Parse([]byte(`{"name": "support", "zone": "Europe/London",
		"week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
		         "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}`))
	// The same hours on a Tokyo customer's wall clock.
	tokyo, err := support.In("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	arrived := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC) // Friday 17:00 in Tokyo
	fmt.Println(tokyo.Add(arrived, 2*time.Hour).In(tokyo.Location()).Format("Mon 15:04 MST"))
	// Output: Mon 11:00 JST
}

func ExampleContactHours() {
	contact := calendar.ContactHours() // build once, place per person
	paris, err := contact.In("Europe/Paris")
	if err != nil {
		panic(err)
	}
	call := time.Date(2026, 11, 23, 5, 40, 0, 0, time.UTC)
	local := paris.Location()
	if !paris.IsOpen(call) {
		fmt.Println("phoned at", call.In(local).Format("15:04"), "their time")
		fmt.Println("may be called from", paris.NextOpen(call).In(local).Format("15:04"))
	}
	// Output:
	// phoned at 06:40 their time
	// may be called from 08:00
}
