// Package calendar answers "when is the business open?" and counts business
// time.
//
// A Calendar is an IANA time zone, a weekly template and date overrides.
// The template gives each weekday zero or more wall-clock intervals
// [start, end); an end of 24:00 is allowed, and an interval whose end is not
// after its start runs overnight into the next day ("22:00-06:00"). The
// overrides are closures (a whole day, or some hours of it), special
// openings (that date's hours replace the template's) and yearly rules
// (a fixed date; the nth or last weekday of a month; an offset from
// Western Easter; optionally also closing the Friday before, the Monday
// after or the nearest weekday when the date falls on a weekend).
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
// date (month, day), an nth weekday (month, weekday, nth 1…5 or -1…-5 from
// the end) or an Easter offset (easter, -180…180 days); it may add
// "observed" (friday-before, monday-after, nearest-weekday) and closed
// "hours". Member names match exactly; unknown and repeated members are
// refused. Limits: 48 intervals a day, 10,000 closed and 10,000 open
// entries, 100 rules.
//
// Always is written {"name": "always", "always": true}: a calendar with
// "always" true takes only a name, and Parse reads it back as Always.
//
// # Errors
//
// Every error from New, Parse, Union and Intersect is an *Error that names
// the field at fault in the JSON form (its Path), the offending input and
// the reason, and wraps a sentinel, for example
//
//	calendar: week.mon[1]: "25:00-26:00": hour out of range
//
// wraps ErrBadInterval.
package calendar
