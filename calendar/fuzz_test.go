package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
)

// FuzzParse feeds Parse arbitrary documents: it must never panic, every
// error must be an *Error wrapping a sentinel, and every calendar it
// accepts must round-trip through MarshalJSON and answer without panicking.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		nineToFive,
		`{"zone":"Australia/Lord_Howe","week":{"sun":["00:00-24:00"],"mon":["22:00-06:00"]}}`,
		`{"name":"x","zone":"Europe/London","week":{"mon":["09:00-17:00"]},"closed":[{"date":"2026-12-24","hours":["13:00-24:00"]}],"open":[{"date":"2026-12-19","hours":["10:00-14:00"]}],"rules":[{"month":1,"day":1,"observed":"nearest-weekday"},{"month":11,"weekday":"thu","nth":4},{"easter":-2}]}`,
		`{"zone":"Asia/Tokyo","week":{"mon":["09:00-18:00"],"sun":["10:00-12:00"]},"rules":[{"month":3,"equinox":true,"observed":"next-non-holiday"},{"month":3,"day":22},{"between":true,"from":2007}],"holidays":["jp"]}`,
		`{"zone":"UTC","week":{"mon":["25:00-26:00"]}}`,
		`{"zone":"UTC","week":{"mon":["09:00-09:00"]}}`,
		`{"zone":"UTC","week":{}}`,
		`[]`, `null`, `{"zone":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || errors.Unwrap(err) == nil {
				t.Fatalf("error %q is not an *Error wrapping a sentinel", err)
			}
			return
		}
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := Parse(js)
		if err != nil {
			t.Fatalf("reparse %s: %v", js, err)
		}
		js2, _ := json.Marshal(again)
		if string(js) != string(js2) {
			t.Fatalf("round trip changed\n%s\n%s", js, js2)
		}
		at := time.Date(2026, 3, 8, 1, 30, 0, 0, time.UTC)
		u := c.Add(at, 100*time.Hour)
		if got := c.Between(at, u); got != 100*time.Hour {
			// Only a calendar with less than 100 business hours left
			// in the supported range may fall short: Add then
			// saturates at the range's end, after which it is never
			// open.
			beyond := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
			if got > 100*time.Hour || c.Between(u, beyond) != 0 {
				t.Fatalf("Between(t, Add(t, 100h)) = %s, %s left after it", got, c.Between(u, beyond))
			}
		}
		c.NextClose(at)
		c.AddDays(at, 3)
		c.AddDays(at, -3)
		c.DaysBetween(at, u)
		c.OpenDays(date.New(2026, 1, 1), date.New(2027, 1, 1))
	})
}

// FuzzDays drives the business-day operations of a few calendars with
// arbitrary instants and counts: no panic, and the laws that hold
// everywhere hold.
func FuzzDays(f *testing.F) {
	f.Add(uint8(0), int64(1795000000), int64(0), 1)
	f.Add(uint8(1), int64(1795000000), int64(7), -1)
	f.Add(uint8(2), int64(-1<<40), int64(0), -10000)
	f.Add(uint8(3), int64(4102444800), int64(500), 10000)
	f.Add(uint8(4), int64(1556582400), int64(0), 3) // Tokyo, 30 April 2019: the ten-day Golden Week
	cals := []*Calendar{
		mustParse(f, `{"zone":"America/New_York","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},"holidays":["us-federal"]}`),
		mustParse(f, `{"zone":"Europe/London","week":{"fri":["22:00-06:00"],"sun":["00:00-24:00"]},"holidays":["gb-eng"]}`),
		mustParse(f, `{"zone":"America/St_Johns","week":{"sat":["00:00-00:30","23:30-24:00"],"sun":["00:00-00:00"]}}`),
		mustParse(f, `{"zone":"Pacific/Apia","week":{"mon":["00:00-24:00"],"thu":["12:00-13:00"],"fri":["00:00-24:00"]}}`),
		mustParse(f, `{"zone":"Asia/Tokyo","week":{"mon":["09:00-18:00"],"tue":["09:00-18:00"],"wed":["09:00-18:00"],"thu":["09:00-18:00"],"fri":["09:00-18:00"]},"holidays":["jp"]}`),
		Always(),
	}
	f.Fuzz(func(t *testing.T, which uint8, unix, ns int64, n int) {
		c := cals[int(which)%len(cals)]
		unix = unix % (1 << 40)
		a := time.Unix(unix, ns%int64(time.Second))
		n = n % 100000
		u := c.AddDays(a, n)
		switch {
		case n > 0 && u.Before(a), n < 0 && u.After(a):
			t.Fatalf("AddDays(%s, %d) = %s moved the wrong way", a, n, u)
		}
		inRange := a.Year() > 1970 && a.Year() < 2099 && u.Year() > 1970 && u.Year() < 2099
		if inRange && n > 0 && c.DaysBetween(a, u) < n {
			t.Fatalf("DaysBetween(%s, AddDays(%s, %d) = %s) = %d", a, a, n, u, c.DaysBetween(a, u))
		}
		if inRange && n < 0 && c.DaysBetween(u, a) < -n {
			t.Fatalf("DaysBetween(AddDays(%s, %d) = %s, %s) = %d", a, n, u, a, c.DaysBetween(u, a))
		}
		if c.DaysBetween(a, u) != -c.DaysBetween(u, a) {
			t.Fatal("DaysBetween is not antisymmetric")
		}
		d := date.NewAt(a.In(c.Location()))
		if got := c.OpenDays(d, d+1); (got == 1) != c.IsOpenDay(d) {
			t.Fatalf("OpenDays(%s, +1) = %d, IsOpenDay %v", d, got, c.IsOpenDay(d))
		}
	})
}

// FuzzParseICS feeds ParseICS, and New with the ICS option, arbitrary
// documents: never a panic, every error an *Error wrapping a sentinel, and
// every feed it accepts well-formed and accepted by a calendar.
func FuzzParseICS(f *testing.F) {
	gov, err := os.ReadFile("testdata/ics/gov-uk-england-and-wales.ics")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(gov)
	for _, seed := range []string{
		icsDoc("DTSTART;TZID=Europe/London:20261224T130000\nDTEND;TZID=Europe/London:20261227T090000\nSUMMARY:Closed\\, folded\n  on\nRRULE:FREQ=YEARLY;BYMONTH=12;BYDAY=-1TU;COUNT=4\nEXDATE;TZID=Europe/London:20271224T130000"),
		icsDoc("DTSTART;VALUE=DATE:20260101\nRRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,-1;UNTIL=20300101\nRDATE;VALUE=DATE:20260505\nCATEGORIES:open"),
		icsDoc("UID:a\nDTSTART:20261102T090000Z\nDURATION:P1DT2H\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;WKST=SU;COUNT=10", "UID:a\nRECURRENCE-ID:20261104T090000Z\nDTSTART:20261104T100000Z\nDTEND:20261104T110000Z"),
		icsDoc("DTSTART:20260329T003000\nDTEND:20260329T033000\nSTATUS:CANCELLED", "DTSTART;VALUE=DATE:19700101\nRRULE:FREQ=DAILY"),
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101\nEND:VEVENT\nEND:VCALENDAR",
		"", "BEGIN:VCALENDAR\r\n", "END:VCALENDAR",
	} {
		f.Add([]byte(seed))
	}
	lon, err := time.LoadLocation("Europe/London")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		isError := func(err error) {
			var fe *Error
			if !errors.As(err, &fe) || errors.Unwrap(err) == nil {
				t.Fatalf("error %q is not an *Error wrapping a sentinel", err)
			}
		}
		feed, err := ParseICS(bytes.NewReader(data), lon)
		if err != nil {
			isError(err)
			return
		}
		for _, list := range [][]Entry{feed.Closed, feed.Open} {
			if len(list) > maxOverrides {
				t.Fatalf("%d entries", len(list))
			}
			for i, e := range list {
				if i > 0 && e.Date < list[i-1].Date {
					t.Fatalf("entries out of order: %s after %s", e.Date, list[i-1].Date)
				}
				if e.Date < windowFirst || e.Date >= windowLast {
					t.Fatalf("entry %s outside the supported range", e.Date)
				}
				hours, err := parseHours("hours", e.Hours)
				if err != nil {
					t.Fatalf("entry %s: %v", e.Date, err)
				}
				for _, h := range hours {
					if h.overnight() {
						t.Fatalf("entry %s: overnight hours %s", e.Date, h)
					}
				}
			}
		}
		for _, e := range feed.Open {
			if len(e.Hours) == 0 {
				t.Fatalf("an opening without hours on %s", e.Date)
			}
		}
		// A calendar takes the entries as its closed and open lists (the
		// ICS option's path, without building 130 years for each input).
		var closed, open []docDay
		for _, e := range feed.Closed {
			closed = append(closed, docDay{Date: e.Date.String(), Hours: e.Hours, Name: e.Name})
		}
		for _, e := range feed.Open {
			open = append(open, docDay{Date: e.Date.String(), Hours: e.Hours, Name: e.Name})
		}
		if _, _, err := overrides("closed", closed, true); err != nil {
			t.Fatalf("a calendar refuses the feed's closures: %v", err)
		}
		if _, _, err := overrides("open", open, false); err != nil {
			t.Fatalf("a calendar refuses the feed's openings: %v", err)
		}
		if len(data) < 512 { // and now and then, the whole way
			if _, err := New(lon, Weekdays("09:00-17:00"), ICS(data)); err != nil && !errors.Is(err, ErrNeverOpen) {
				t.Fatalf("a feed ParseICS accepts is refused: %v", err)
			}
		}
	})
}
