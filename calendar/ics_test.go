package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The UK government's feed lists these bank holidays for England and
// Wales, 2019–2028; each is one all-day event.
var govUKEnglandAndWales = []string{
	"2019-01-01 New Year’s Day", "2019-04-19 Good Friday", "2019-04-22 Easter Monday", "2019-05-06 Early May bank holiday",
	"2019-05-27 Spring bank holiday", "2019-08-26 Summer bank holiday", "2019-12-25 Christmas Day", "2019-12-26 Boxing Day",
	"2020-01-01 New Year’s Day", "2020-04-10 Good Friday", "2020-04-13 Easter Monday", "2020-05-08 Early May bank holiday (VE day)",
	"2020-05-25 Spring bank holiday", "2020-08-31 Summer bank holiday", "2020-12-25 Christmas Day", "2020-12-28 Boxing Day",
	"2021-01-01 New Year’s Day", "2021-04-02 Good Friday", "2021-04-05 Easter Monday", "2021-05-03 Early May bank holiday",
	"2021-05-31 Spring bank holiday", "2021-08-30 Summer bank holiday", "2021-12-27 Christmas Day", "2021-12-28 Boxing Day",
	"2022-01-03 New Year’s Day", "2022-04-15 Good Friday", "2022-04-18 Easter Monday", "2022-05-02 Early May bank holiday",
	"2022-06-02 Spring bank holiday", "2022-06-03 Platinum Jubilee bank holiday", "2022-08-29 Summer bank holiday",
	"2022-09-19 Bank Holiday for the State Funeral of Queen Elizabeth II", "2022-12-26 Boxing Day", "2022-12-27 Christmas Day",
	"2023-01-02 New Year’s Day", "2023-04-07 Good Friday", "2023-04-10 Easter Monday", "2023-05-01 Early May bank holiday",
	"2023-05-08 Bank holiday for the coronation of King Charles III", "2023-05-29 Spring bank holiday", "2023-08-28 Summer bank holiday",
	"2023-12-25 Christmas Day", "2023-12-26 Boxing Day",
	"2024-01-01 New Year’s Day", "2024-03-29 Good Friday", "2024-04-01 Easter Monday", "2024-05-06 Early May bank holiday",
	"2024-05-27 Spring bank holiday", "2024-08-26 Summer bank holiday", "2024-12-25 Christmas Day", "2024-12-26 Boxing Day",
	"2025-01-01 New Year’s Day", "2025-04-18 Good Friday", "2025-04-21 Easter Monday", "2025-05-05 Early May bank holiday",
	"2025-05-26 Spring bank holiday", "2025-08-25 Summer bank holiday", "2025-12-25 Christmas Day", "2025-12-26 Boxing Day",
	"2026-01-01 New Year’s Day", "2026-04-03 Good Friday", "2026-04-06 Easter Monday", "2026-05-04 Early May bank holiday",
	"2026-05-25 Spring bank holiday", "2026-08-31 Summer bank holiday", "2026-12-25 Christmas Day", "2026-12-28 Boxing Day",
	"2027-01-01 New Year’s Day", "2027-03-26 Good Friday", "2027-03-29 Easter Monday", "2027-05-03 Early May bank holiday",
	"2027-05-31 Spring bank holiday", "2027-08-30 Summer bank holiday", "2027-12-27 Christmas Day", "2027-12-28 Boxing Day",
	"2028-01-03 New Year’s Day", "2028-04-14 Good Friday", "2028-04-17 Easter Monday", "2028-05-01 Early May bank holiday",
	"2028-05-29 Spring bank holiday", "2028-08-28 Summer bank holiday", "2028-12-25 Christmas Day", "2028-12-26 Boxing Day",
}

func entryLines(es []Entry) []string {
	var out []string
	for _, e := range es {
		s := e.Date.String()
		if len(e.Hours) > 0 {
			s += " " + strings.Join(e.Hours, ",")
		}
		if e.Name != "" {
			s += " " + e.Name
		}
		out = append(out, s)
	}
	return out
}

func TestICSGovUKFeed(t *testing.T) {
	data, err := os.ReadFile("testdata/ics/gov-uk-england-and-wales.ics")
	require.NoError(t, err)
	lon := mustLoad(t, "Europe/London")
	feed, err := ParseICS(bytes.NewReader(data), lon)
	require.NoError(t, err)
	assert.Equal(t, govUKEnglandAndWales, entryLines(feed.Closed), "exactly the closures the feed lists, whole days")
	assert.Empty(t, feed.Open)

	crlf, err := ParseICS(strings.NewReader(strings.ReplaceAll(string(data), "\n", "\r\n")), lon)
	require.NoError(t, err)
	assert.Equal(t, feed, crlf, "as GOV.UK serves it, with CRLF")

	// The feed agrees with the gb-eng holiday set on every weekday of
	// 2019–2028 (the feed lists substitute days, not the weekend dates
	// they stand in for).
	fromFeed := mustNew(t, lon, Weekdays("09:00-17:00"), ICS(data))
	fromSet := mustNew(t, lon, Weekdays("09:00-17:00"), Holidays("gb-eng"))
	for d := date.New(2019, 1, 1); d < date.New(2029, 1, 1); d++ {
		require.Equal(t, fromSet.IsOpenDay(d), fromFeed.IsOpenDay(d), "%s", d)
	}
	js, err := json.Marshal(fromFeed)
	require.NoError(t, err)
	assert.Contains(t, string(js), `{"date":"2022-09-19","name":"Bank Holiday for the State Funeral of Queen Elizabeth II"}`)
	again := mustParse(t, string(js))
	assert.Equal(t, fromFeed.OpenDays(date.New(2019, 1, 1), date.New(2029, 1, 1)), again.OpenDays(date.New(2019, 1, 1), date.New(2029, 1, 1)))
}

const icsHead = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
const icsTail = "END:VCALENDAR\r\n"

func icsDoc(events ...string) string {
	var b strings.Builder
	b.WriteString(icsHead)
	for _, e := range events {
		b.WriteString("BEGIN:VEVENT\r\n")
		for _, line := range strings.Split(e, "\n") {
			b.WriteString(line + "\r\n")
		}
		b.WriteString("END:VEVENT\r\n")
	}
	b.WriteString(icsTail)
	return b.String()
}

func parseICSIn(t *testing.T, zone, doc string) Feed {
	t.Helper()
	feed, err := ParseICS(strings.NewReader(doc), mustLoad(t, zone))
	require.NoError(t, err)
	return feed
}

func TestICSEvents(t *testing.T) {
	cases := []struct {
		name, zone, event string
		closed, open      []string
	}{
		{"all-day, one date", "UTC", "DTSTART;VALUE=DATE:20261224\nSUMMARY:Christmas Eve", []string{"2026-12-24 Christmas Eve"}, nil},
		{"all-day without VALUE=DATE", "UTC", "DTSTART:20261224\nDTEND:20261227\nSUMMARY:Break", []string{"2026-12-24 Break", "2026-12-25 Break", "2026-12-26 Break"}, nil},
		{"all-day by DURATION", "UTC", "DTSTART;VALUE=DATE:20261224\nDURATION:P2D", []string{"2026-12-24", "2026-12-25"}, nil},
		{"timed, floating, in the calendar's zone", "America/New_York", "DTSTART:20261224T130000\nDTEND:20261225T000000\nSUMMARY:Early close",
			[]string{"2026-12-24 13:00-24:00 Early close"}, nil},
		{"timed in UTC, read on New York's wall clock", "America/New_York", "DTSTART:20261224T180000Z\nDTEND:20261224T200000Z",
			[]string{"2026-12-24 13:00-15:00"}, nil},
		{"timed with TZID", "America/New_York", "DTSTART;TZID=Europe/London:20261224T180000\nDURATION:PT2H",
			[]string{"2026-12-24 13:00-15:00"}, nil},
		{"a TZID that is a path ending in a zone", "America/New_York", "DTSTART;TZID=/mozilla.org/20050126_1/Europe/London:20261224T180000\nDURATION:PT2H",
			[]string{"2026-12-24 13:00-15:00"}, nil},
		{"quoted TZID", "UTC", `DTSTART;TZID="Europe/Paris":20260701T100000` + "\nDTEND;TZID=\"Europe/Paris\":20260701T113000",
			[]string{"2026-07-01 08:00-09:30"}, nil},
		{"multi-day timed, split per date", "UTC", "DTSTART:20261230T150000Z\nDTEND:20270102T093000Z\nSUMMARY:Stocktake",
			[]string{"2026-12-30 15:00-24:00 Stocktake", "2026-12-31 Stocktake", "2027-01-01 Stocktake", "2027-01-02 00:00-09:30 Stocktake"}, nil},
		{"rounded outward to minutes", "UTC", "DTSTART:20260701T100030Z\nDTEND:20260701T110001Z", []string{"2026-07-01 10:00-11:01"}, nil},
		{"a DST day: wall-clock hours", "Europe/London", "DTSTART:20260329T000000Z\nDTEND:20260329T030000Z", []string{"2026-03-29 00:00-01:00,02:00-04:00"}, nil}, // 01:00-02:00 never shows
		{"fall-back: the repeated hour once", "Europe/London", "DTSTART:20261025T003000Z\nDTEND:20261025T013000Z", []string{"2026-10-25 01:00-02:00"}, nil},
		{"a time in the gap takes the offset before it", "Europe/London", "DTSTART;TZID=Europe/London:20260329T013000\nDURATION:PT1H",
			[]string{"2026-03-29 02:30-03:30"}, nil},
		{"no end: lasts no time", "UTC", "DTSTART:20261224T130000Z", nil, nil},
		{"cancelled", "UTC", "DTSTART;VALUE=DATE:20261224\nSTATUS:CANCELLED", nil, nil},
		{"an opening", "UTC", "DTSTART:20261219T100000Z\nDTEND:20261219T140000Z\nCATEGORIES:Sale,OPEN\nSUMMARY:Sale", nil, []string{"2026-12-19 10:00-14:00 Sale"}},
		{"an all-day opening", "UTC", "DTSTART;VALUE=DATE:20261219\nCATEGORIES:open", nil, []string{"2026-12-19 00:00-24:00"}},
		{"openings round inward", "UTC", "DTSTART:20261219T100030Z\nDTEND:20261219T140030Z\nCATEGORIES:open", nil, []string{"2026-12-19 10:01-14:00"}},
		{"TRANSP is not read", "UTC", "DTSTART;VALUE=DATE:20261224\nTRANSP:TRANSPARENT", []string{"2026-12-24"}, nil},
		{"escaped and folded summary", "UTC", "DTSTART;VALUE=DATE:20261224\nSUMMARY:Closed\\, all\n  day\\; really", []string{"2026-12-24 Closed, all day; really"}, nil},
		{"outside the supported range", "UTC", "DTSTART;VALUE=DATE:19691231\nDTEND;VALUE=DATE:19700102", []string{"1970-01-01"}, nil},
		{"yearly", "UTC", "DTSTART;VALUE=DATE:20970704\nRRULE:FREQ=YEARLY", []string{"2097-07-04", "2098-07-04", "2099-07-04"}, nil},
		{"yearly, 4th Thursday of November, COUNT", "UTC", "DTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=3",
			[]string{"2026-11-26", "2027-11-25", "2028-11-23"}, nil},
		{"yearly, last Monday of May, UNTIL", "UTC", "DTSTART;VALUE=DATE:20260525\nRRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO;UNTIL=20280101",
			[]string{"2026-05-25", "2027-05-31"}, nil},
		{"yearly, every other year", "UTC", "DTSTART;VALUE=DATE:20260101\nRRULE:FREQ=YEARLY;INTERVAL=2;COUNT=3", []string{"2026-01-01", "2028-01-01", "2030-01-01"}, nil},
		{"yearly on 29 February: leap years only", "UTC", "DTSTART;VALUE=DATE:20240229\nRRULE:FREQ=YEARLY;COUNT=3", []string{"2024-02-29", "2028-02-29", "2032-02-29"}, nil},
		{"monthly, last day", "UTC", "DTSTART;VALUE=DATE:20260131\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", []string{"2026-01-31", "2026-02-28", "2026-03-31"}, nil},
		{"monthly on the 31st skips short months", "UTC", "DTSTART;VALUE=DATE:20260131\nRRULE:FREQ=MONTHLY;COUNT=3", []string{"2026-01-31", "2026-03-31", "2026-05-31"}, nil},
		{"monthly, first Friday", "UTC", "DTSTART:20260102T140000Z\nDTEND:20260102T170000Z\nRRULE:FREQ=MONTHLY;BYDAY=1FR;COUNT=3",
			[]string{"2026-01-02 14:00-17:00", "2026-02-06 14:00-17:00", "2026-03-06 14:00-17:00"}, nil},
		{"weekly, Tuesdays and Thursdays, EXDATE", "UTC", "DTSTART:20261103T120000Z\nDTEND:20261103T130000Z\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4\nEXDATE:20261105T120000Z",
			[]string{"2026-11-03 12:00-13:00", "2026-11-10 12:00-13:00", "2026-11-12 12:00-13:00"}, nil},
		{"weekly in a zone keeps the wall time across DST", "UTC", "DTSTART;TZID=America/New_York:20261025T090000\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3",
			[]string{"2026-10-25 13:00-14:00", "2026-11-01 14:00-15:00", "2026-11-08 14:00-15:00"}, nil},
		{"weekly every other week, WKST", "UTC", "DTSTART;VALUE=DATE:20261101\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=SU;COUNT=4",
			[]string{"2026-11-01", "2026-11-02", "2026-11-15", "2026-11-16"}, nil},
		{"daily with BYDAY as a limit", "UTC", "DTSTART;VALUE=DATE:20261102\nRRULE:FREQ=DAILY;BYDAY=MO,FR;UNTIL=20261110", []string{"2026-11-02", "2026-11-06", "2026-11-09"}, nil},
		{"RDATE adds, EXDATE of a date removes", "UTC", "DTSTART;VALUE=DATE:20261224\nRRULE:FREQ=YEARLY;COUNT=3\nRDATE;VALUE=DATE:20270102,20270103\nEXDATE;VALUE=DATE:20271224",
			[]string{"2026-12-24", "2027-01-02", "2027-01-03", "2028-12-24"}, nil},
		{"a date-time RDATE starts when it says", "UTC", "DTSTART:20261102T090000Z\nDURATION:PT1H\nRDATE:20261105T150000Z,20261106T090000Z",
			[]string{"2026-11-02 09:00-10:00", "2026-11-05 15:00-16:00", "2026-11-06 09:00-10:00"}, nil},
		{"DTSTART off the rule still counts first", "UTC", "DTSTART;VALUE=DATE:20261101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", []string{"2026-11-01", "2026-11-15", "2026-12-15"}, nil},
		{"a yearly rule from 1900 without end", "UTC", "DTSTART;VALUE=DATE:19001225\nRRULE:FREQ=YEARLY;UNTIL=19720101", []string{"1970-12-25", "1971-12-25"}, nil},
		{"a daily rule from year 1 is skipped to the range", "UTC", "DTSTART;VALUE=DATE:00010101\nRRULE:FREQ=DAILY;INTERVAL=7;UNTIL=19700115", []string{"1970-01-05", "1970-01-12"}, nil}, // Mondays, as 1 January 1 was
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			feed := parseICSIn(t, c.zone, icsDoc(c.event))
			assert.Equal(t, c.closed, entryLines(feed.Closed), "closed")
			assert.Equal(t, c.open, entryLines(feed.Open), "open")
		})
	}
}

func TestICSRecurrenceID(t *testing.T) {
	doc := icsDoc(
		"UID:standup\nDTSTART:20261102T090000Z\nDTEND:20261102T093000Z\nRRULE:FREQ=DAILY;COUNT=3",
		"UID:standup\nRECURRENCE-ID:20261103T090000Z\nDTSTART:20261103T140000Z\nDTEND:20261103T143000Z",
		"UID:standup\nRECURRENCE-ID:20261104T090000Z\nDTSTART:20261104T090000Z\nSTATUS:CANCELLED",
	)
	feed := parseICSIn(t, "UTC", doc)
	assert.Equal(t, []string{"2026-11-02 09:00-09:30", "2026-11-03 14:00-14:30"}, entryLines(feed.Closed))
}

func TestICSSkipsOtherComponents(t *testing.T) {
	doc := icsHead + "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nBEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VTODO\r\nDTSTART;VALUE=DATE:20260101\r\nEND:VTODO\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260102\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nDTSTART:garbage ignored\r\nEND:VALARM\r\nX-ANYTHING;X-P=1:2\r\nEND:VEVENT\r\n" + icsTail +
		"\r\n" + icsHead + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260103\r\nEND:VEVENT\r\n" + icsTail
	feed := parseICSIn(t, "UTC", "\ufeff"+doc)
	assert.Equal(t, []string{"2026-01-02", "2026-01-03"}, entryLines(feed.Closed), "two calendars in one stream, other components skipped")
}

func TestICSErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		doc, msg string
		is       error
	}{
		{"", `line 1: no BEGIN:VCALENDAR`, ErrBadICS},
		{"<html>", `line 1: "<html>": not a content line`, ErrBadICS},
		{"BEGIN:VEVENT\r\n", `line 1: BEGIN: "VEVENT": want BEGIN:VCALENDAR first`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20261301\r\nEND:VEVENT\r\n" + icsTail, `line 5: DTSTART: "20261301": no such date`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:2026\r\nEND:VEVENT\r\n" + icsTail, `line 5: DTSTART: "2026": want a date`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260101T250000\r\nEND:VEVENT\r\n" + icsTail, `line 5: DTSTART: "20260101T250000": no such time of day`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n" + icsTail, `line 4: VEVENT: no DTSTART`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART;TZID=W. Europe Standard Time:20260101T100000\r\nEND:VEVENT\r\n" + icsTail,
			`line 5: DTSTART;TZID: "W. Europe Standard Time": not an IANA time zone`, ErrBadZone},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260101\r\nDTSTART:20260102\r\nEND:VEVENT\r\n" + icsTail, `line 6: DTSTART: given twice`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nDTEND:20260101\r\nEND:VEVENT\r\n" + icsTail, `line 6: DTEND: not after DTSTART`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nDTEND:20260103T100000\r\nEND:VEVENT\r\n" + icsTail, `line 6: DTEND: a date and a date-time`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nDURATION:PT1H\r\nEND:VEVENT\r\n" + icsTail, `line 4: DURATION: an all-day event lasts whole days`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102T100000\r\nDURATION:-PT1H\r\nEND:VEVENT\r\n" + icsTail, `line 6: DURATION: "-PT1H": a negative duration`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102T100000\r\nDURATION:1H\r\nEND:VEVENT\r\n" + icsTail, `line 6: DURATION: "1H": want a duration`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nRRULE:FREQ=YEARLY;BYSETPOS=1\r\nEND:VEVENT\r\n" + icsTail, `line 6: RRULE: "BYSETPOS=1": BYSETPOS is not supported`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n" + icsTail, `FREQ=HOURLY is not supported`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nRRULE:COUNT=2\r\nEND:VEVENT\r\n" + icsTail, `line 6: RRULE: "COUNT=2": no FREQ`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nRRULE:FREQ=WEEKLY;BYDAY=1MO\r\nEND:VEVENT\r\n" + icsTail, `BYDAY with a number goes with FREQ=MONTHLY or YEARLY only`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nRRULE:FREQ=DAILY;COUNT=2;UNTIL=20270101\r\nEND:VEVENT\r\n" + icsTail, `COUNT and UNTIL`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nRRULE:FREQ=DAILY;UNTIL=2027\r\nEND:VEVENT\r\n" + icsTail, `line 6: RRULE;UNTIL: "2027": want a date`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART:20260102\r\nRDATE;VALUE=PERIOD:20260101T000000Z/PT1H\r\nEND:VEVENT\r\n" + icsTail, `line 6: RDATE: "20260101T000000Z/PT1H": periods are not supported`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260102\r\nEND:VTODO\r\n" + icsTail, `line 6: END: "VTODO": want END:VEVENT`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260102\r\n", `line 4: BEGIN: "VEVENT": has no END`, ErrBadICS},
		{icsHead + "BEGIN:VEVENT\r\nDTSTART;X=\"unterminated:20260102\r\nEND:VEVENT\r\n" + icsTail, `line 5: DTSTART: "DTSTART;X=\"unterminated:20260102": unterminated quoted parameter`, ErrBadICS},
		{icsTail, `line 1: END: "VCALENDAR": nothing open`, ErrBadICS},
		{icsHead + icsTail + "VERSION:2.0\r\n", `line 5: VERSION: outside BEGIN:VCALENDAR`, ErrBadICS},
	}
	for _, c := range cases {
		t.Run(c.msg, func(t *testing.T) {
			_, err := ParseICS(strings.NewReader(c.doc), time.UTC)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			assert.Contains(t, err.Error(), c.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "calendar: "))
			var fe *Error
			require.ErrorAs(t, err, &fe)
		})
	}
	_, err := ParseICS(strings.NewReader(icsDoc("DTSTART:20260101")), nil)
	assert.ErrorIs(t, err, ErrBadZone)
	_, err = New(time.UTC, Weekdays("09:00-17:00"), ICS([]byte(icsDoc("DTSTART:20260101", "DTSTART:2026"))))
	assert.EqualError(t, err, `calendar: ics[0]: line 8: DTSTART: "2026": want a date "YYYYMMDD" or a date-time "YYYYMMDDTHHMMSS"`)
}

// endless produces an iCalendar document with more events than any
// limit, one at a time, and counts the bytes read from it.
type endless struct {
	n, read int
	buf     []byte
}

func (e *endless) Read(p []byte) (int, error) {
	for len(e.buf) < len(p) {
		if e.n == 0 {
			e.buf = append(e.buf, icsHead...)
		}
		e.n++
		e.buf = fmt.Appendf(e.buf, "BEGIN:VEVENT\r\nUID:%d\r\nDTSTART;VALUE=DATE:20260101\r\nEND:VEVENT\r\n", e.n)
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	e.read += n
	return n, nil
}

func TestICSLimits(t *testing.T) {
	src := &endless{}
	_, err := ParseICS(src, time.UTC)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "more than 10000 events")
	assert.Less(t, src.read, 2<<20, "refused after the 10,000th event, not after reading a million")

	_, err = ParseICS(io.MultiReader(strings.NewReader(icsHead+"X-PAD:"), io.LimitReader(zeros{}, 17<<20)), time.UTC)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "larger than 16 MiB")

	// A daily rule without end over 130 years: 47,482 closed dates.
	_, err = ParseICS(strings.NewReader(icsDoc("DTSTART;VALUE=DATE:19700101\nRRULE:FREQ=DAILY")), time.UTC)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "line 4: VEVENT: more than 10000 closed entries")

	// A rule that matches nothing ends at the range's end; counted from
	// year 1, day by day, it is refused for its steps.
	feed, err := ParseICS(strings.NewReader(icsDoc("DTSTART;VALUE=DATE:00010101\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5")), time.UTC)
	require.NoError(t, err)
	assert.Empty(t, feed.Closed)
	start := time.Now()
	_, err = ParseICS(strings.NewReader(icsDoc("DTSTART;VALUE=DATE:00010101\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=5",
		"DTSTART;VALUE=DATE:00010101\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=5")), time.UTC)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "line 10: RRULE: recurrences need more than 1000000 steps to expand")
	assert.Less(t, time.Since(start), 5*time.Second)

	// A multi-day event over the whole range: refused as too many dates.
	_, err = ParseICS(strings.NewReader(icsDoc("DTSTART:19000101T000000Z\nDTEND:29000101T000000Z")), time.UTC)
	assert.ErrorIs(t, err, ErrTooLarge)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestICSOption(t *testing.T) {
	lon := mustLoad(t, "Europe/London")
	feed := icsDoc("DTSTART;VALUE=DATE:20261224\nSUMMARY:Christmas Eve", "DTSTART;TZID=Europe/London:20261219T100000\nDURATION:PT4H\nCATEGORIES:OPEN\nSUMMARY:Sale")
	c := mustNew(t, lon, Weekdays("09:00-17:00"), ICS([]byte(feed)))
	assert.False(t, c.IsOpenDay(date.New(2026, 12, 24)))
	assert.True(t, c.IsOpen(at(lon, 2026, 12, 19, 11, 0)), "Saturday opened for the sale")
	js, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"closed":[{"date":"2026-12-24","name":"Christmas Eve"}]`)
	assert.Contains(t, string(js), `"open":[{"date":"2026-12-19","hours":["10:00-14:00"],"name":"Sale"}]`)

	out, err := json.Marshal(parseICSIn(t, "Europe/London", feed))
	require.NoError(t, err)
	assert.JSONEq(t, `{"closed":[{"date":"2026-12-24","name":"Christmas Eve"}],"open":[{"date":"2026-12-19","hours":["10:00-14:00"],"name":"Sale"}]}`, string(out))
}
