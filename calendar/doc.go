// Package calendar answers "when is the business open?" and counts business
// time.
//
// A Calendar is an IANA time zone, a weekly template and date overrides.
// The template gives each weekday zero or more wall-clock intervals
// [start, end); an end of 24:00 is allowed, and an interval whose end is not
// after its start runs overnight into the next day ("22:00-06:00"). The
// overrides are closures (a whole day, or some hours of it), special
// openings (that date's hours replace the template's) and yearly rules
// (a fixed date; the nth or last weekday of a month; the nth weekday on
// or after, or before, a day of a month; an offset from Western Easter;
// optionally also closing a substitute day when the date falls on a
// weekend; optionally bounded to some years). Rules come from the
// calendar itself, from embedded holiday sets named by region, and
// closures and openings from iCalendar feeds.
//
// The definition everything follows from: IsOpen(t) holds exactly when the
// wall clock in the calendar's zone at instant t shows a time inside one of
// the intervals of that date. A date's intervals are its program's (the
// special opening's hours, or else its weekday's template) plus the tails of
// the previous date's overnight intervals, less that date's closures and
// the closures of the yearly rules that fall on it (unless it has a
// special opening, which overrides them). A closure touches only its own
// date's wall clock: a night shift that began the evening before still
// runs until midnight. A date that a zone skips (Pacific/Apia went from
// 2011-12-29 to 2011-12-31) has no time, open or closed.
//
// Business time is real elapsed time inside open intervals. On a DST day a
// 00:00–24:00 day holds 23 or 25 hours; an interval that starts inside a
// spring-forward gap opens at the first instant after the gap; wall times
// that repeat at fall-back count once per real instant. Between(a, b) is
// the business time in [a, b); Add(t, d) is the earliest instant u >= t
// with Between(t, u) == d, so a budget that runs out exactly at closing time
// is due at closing time, not at the next opening. Both work like
// time.Time's Sub and Add and cost the same whatever the duration: a
// calendar compiles to per-weekday prefix sums plus a sorted table of
// exceptional dates (holidays, overrides, days on which the UTC offset
// changes), so whole runs of regular days are counted arithmetically.
//
// Calendars are exact for local dates from 1970 through 2099 (the supported
// range) and closed outside it; a budget that does not run out inside the
// range gives the range's end. Always is the exception: open at every
// instant, with no range. The zero Calendar and a nil *Calendar are
// Always, wherever a calendar is taken (in Union and Intersect too).
//
// Zone history is followed exactly, including its
// oddities: where a zone set its clock back across midnight, so that a
// date began twice (America/St_Johns until 2011), each instant is open or
// closed by its own wall clock and date, and business time still adds up
// in real time.
//
// A calendar that could leave a search unbounded — an empty weekly template,
// or overrides that close a whole year — is refused when built with
// ErrNeverOpen, so the operations return plain values and never fail or
// hang.
//
// # JSON form
//
// Parse reads, and MarshalJSON writes, the form an administrator edits:
//
//	{
//	  "name": "support-nyc",
//	  "zone": "America/New_York",
//	  "week": {
//	    "mon": ["09:00-12:00", "13:00-17:30"],
//	    "tue": ["09:00-17:30"], "wed": ["09:00-17:30"],
//	    "thu": ["09:00-17:30"], "fri": ["09:00-17:00", "22:00-06:00"]
//	  },
//	  "closed": [
//	    {"date": "2026-12-24", "hours": ["13:00-24:00"], "name": "Christmas Eve"},
//	    {"date": "2026-12-31"}
//	  ],
//	  "open": [{"date": "2026-12-19", "hours": ["10:00-14:00"], "name": "holiday sale"}],
//	  "rules": [
//	    {"name": "New Year", "month": 1, "day": 1, "observed": "nearest-weekday"},
//	    {"name": "Thanksgiving", "month": 11, "weekday": "thu", "nth": 4},
//	    {"name": "Memorial Day", "month": 5, "weekday": "mon", "nth": -1},
//	    {"name": "Good Friday", "easter": -2}
//	  ]
//	}
//
// Times are "HH:MM" from 00:00 to 24:00; dates are "YYYY-MM-DD". Week keys
// are mon … sun. A closure without hours closes the whole day; closed hours
// may not run overnight. A special opening needs hours. A rule is a fixed
// date (month, day), an nth weekday of a month (month, weekday, nth 1…5 or
// -1…-5 from the end), an nth weekday counted from a day (month, day,
// weekday, nth: 1…5 on or after the day, -1…-5 on or before it), an
// Easter offset (easter, -180…180 days), an equinox (month 3 or 9 and
// "equinox": true, Japan's reckoning) or each day between two holidays
// of the same rules ("between": true, Japan's citizens' holiday); it may
// add "observed" (friday-before, monday-after, nearest-weekday,
// two-days-later, saturday-before, next-non-holiday: see Observed),
// closed "hours", and the years it applies in: "from", "until"
// (inclusive) and "except" (a list). A one-off holiday is a fixed date with from and until its year.
// "holidays" names embedded holiday sets (see HolidaySets). Member names
// match exactly; unknown and repeated members are refused. Limits: 48
// intervals a day, 10,000 closed and 10,000 open entries, 100 rules, 200
// excepted years a rule, 20 holiday sets.
//
// Always is written {"name": "always", "always": true}: a calendar with
// "always" true takes only a name, and Parse reads it back as Always.
//
// # Holiday sets
//
// HolidaySets lists curated public holidays of eleven countries and
// regions, as yearly rules with their substitute days and one-off
// holidays: "us-federal", "gb-eng" (England and Wales), "gb-sct"
// (Scotland), "ca" (the Canada Labour Code's), "au-nsw", "de"
// (nationwide), "fr", "nl", "ie", "at" and "jp" (Japan's national
// holidays, with their substitute days, citizens' holidays and equinox
// days). A calendar takes them by name: "holidays" in JSON, the
// Holidays option in Go, next to its own rules:
//
//	"holidays": ["us-federal"],
//	"rules": [{"name": "Election Day", "month": 11, "day": 2, "weekday": "tue", "nth": 1, "from": 2024, "except": [2025]}]
//
// The JSON form keeps the names, not copies of the sets' rules. Each is
// checked for every year 2000–2099 against an independent source; the
// differences, each explained, are listed in
// calendar/internal/holidaycheck. Japan's equinox days follow the formula
// the Cabinet's dates follow: each year's are fixed in the official
// gazette in February of the year before, so later years' are a
// prediction. India (holidays on lunar calendars) is not expressible as
// yearly rules and is left out.
//
// # Business days
//
// An open day is a local date on which the calendar is open at some
// instant. AddDays(t, n) counts n of them forwards or, for n < 0,
// backwards (see its documentation for the exact rule, the meaning of
// "P1D" in a business-time target); DaysBetween(a, b) counts those from
// a's date up to b's; OpenDays(from, to) those of a range of dates, such
// as a month; IsOpenDay tests one. Like Add and Between they cost
// O(log n) in the exceptional dates, whatever the number of days, and
// allocate nothing.
//
// # Zones and contact hours
//
// c.In(zone) places c's definition — week, closures, openings, rules,
// holiday sets — on the wall clock of another zone: a support template
// counted in each customer's zone. Placed calendars are built once per
// zone and kept in a cache that c and its placements share, safe for
// concurrent use and bounded to 64 zones. ContactHours is the default
// window for phoning or texting someone, daytime 08:00–20:00 every day,
// to be placed in the person's zone: IsOpen(t) says whether a call at t
// respects it, NextOpen(t) when they may next be called.
//
// # iCalendar feeds
//
// ParseICS reads an iCalendar (RFC 5545) document — a government's
// holiday feed, a team's exported closures — into the "closed" and "open"
// entries of the JSON form, for an administrator to review and paste; the
// ICS option adds them to a calendar built with New. All-day, timed and
// multi-day events, TZIDs, EXDATE, RDATE, RECURRENCE-ID and yearly,
// monthly, weekly and daily RRULEs are read; events in the category
// "open" are special openings. Errors name the line; oversized feeds are
// refused with ErrTooLarge. See ParseICS for the exact subset.
//
// # Errors
//
// Every error from New, Parse, Union, Intersect, In and ParseICS is an
// *Error that names the field at fault in the JSON form, or the line of
// an iCalendar document (its Path), the offending input and the reason,
// and wraps a sentinel, for example
//
//	calendar: week.mon[1]: "25:00-26:00": hour out of range
//	calendar: line 42: DTSTART: "20261301": no such date
//
// wrap ErrBadInterval and ErrBadICS.
package calendar
