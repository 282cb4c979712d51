package calendar

import (
	"time"

	"github.com/rickb777/date/v2"
)

// Business days. An open day of a calendar is a local date of its zone
// on which it is open at some instant: its program's hours or the tail
// of the previous night's shift, less its closures. Counting open days
// costs O(log n) in the calendar's exceptional dates, like Add and
// Between, whatever the span: the template's open days are counted by
// whole weeks and the exceptions from prefix sums.

// AddDays counts n business days from t: the meaning of "P1D" in a
// business-time target.
//
// For n > 0 the count starts at s = NextOpen(t): a budget that starts
// while c is closed starts when it next opens, so that a day counted from
// Sunday morning is all of Monday, not the hour before Monday's opening.
// AddDays returns the same wall-clock time as s on the nth open day after
// s's date, moved forward to the next open instant if c is closed then.
//
// For n < 0 AddDays is the mirror image: the count starts at s, the latest
// instant at or before t up to which c was open (t itself when c is open
// just before t, else the closing time of the last open span before t),
// and it returns the same wall-clock time as s on the −nth open day before
// s's date, moved back to the closing time of the last open span if c is
// not open just before then. So one business day before Monday 10:00 is
// Friday 10:00, and before Monday 08:00, in a 09:00–17:00 week, it is
// Thursday 17:00: the whole of Friday lies between.
//
// n == 0 gives NextOpen(t). A wall time that a spring-forward gap skips
// becomes the end of the gap; one that repeats at fall-back, its first
// occurrence. A count that runs past the supported range gives the
// range's end (n > 0) or start (n < 0). Always counts days of 24 hours in
// UTC, at most 2³⁰ of them (some 2.9 million years) either way: a larger
// count counts that many.
func (c *Calendar) AddDays(t time.Time, n int) time.Time {
	if c == nil || c.eng == nil {
		if n == 0 {
			return t
		}
		const most = 1 << 30 // far from where time.Time's arithmetic wraps
		return t.In(time.UTC).AddDate(0, 0, max(-most, min(n, most)))
	}
	e := c.eng
	first, last := e.bounds()
	switch {
	case n == 0:
		return c.NextOpen(t)
	case n > 0:
		s := c.NextOpen(t)
		if !s.Before(last) {
			return s
		}
		d, sod := localClock(e, s)
		target, ok := e.nthOpenDay(e.openDaysBefore(d+1) + int64(n))
		if !ok {
			return maxTime(s, last)
		}
		return c.NextOpen(sameWallTime(e, target, sod, s.Nanosecond()))
	default:
		x := e.cum(t)
		if x == 0 {
			return minTime(t, first)
		}
		s := e.inv(x)
		d, sod := localClock(e, s)
		target, ok := e.nthOpenDay(e.openDaysBefore(d) + int64(n) + 1)
		if !ok {
			return minTime(s, first)
		}
		u := sameWallTime(e, target, sod, s.Nanosecond())
		if x := e.cum(u); x > 0 {
			return e.inv(x)
		}
		return minTime(u, first)
	}
}

// localClock returns the local date of t in e's zone and the whole
// seconds of its wall clock after midnight. A base engine reads them from
// its own zone table, which costs the same in every year; package time's
// lookups grow slow past 2037, where a zone's last rule is computed.
func localClock(e engine, t time.Time) (date.Date, int64) {
	if b, ok := e.(*base); ok {
		return b.local(t.Unix())
	}
	lt := t.In(e.location())
	return date.NewAt(lt), int64(lt.Hour()*3600 + lt.Minute()*60 + lt.Second())
}

// sameWallTime returns the first instant on date d whose wall clock shows
// sod seconds and ns nanoseconds after midnight, or the end of the gap
// that skips that time (see wallInstant).
func sameWallTime(e engine, d date.Date, sod int64, ns int) time.Time {
	if b, ok := e.(*base); ok {
		// Away from any change of offset the wall time occurs once.
		l := dayStart(d) + sod
		if u := l - b.dayOffset(d); b.transAt.search(u-secondsPerDay) == b.transAt.search(u+secondsPerDay) {
			return time.Unix(u, int64(ns)).In(b.loc)
		}
	}
	u := wallInstant(e.location(), d, sod)
	if ud, usod := localClock(e, u); ud != d || usod != sod {
		return u // skipped: the end of the gap, to the nanosecond
	}
	return u.Add(time.Duration(ns))
}

// DaysBetween returns the number of open days among the local dates, in
// c's zone, from a's date up to but not including b's date; if b's date
// is before a's, −DaysBetween(b, a). So it counts the business days that
// lie wholly or partly between two instants, less b's own day: from
// Friday 16:00 to Monday 10:00 in a Monday-to-Friday week it is 1.
// DaysBetween is OpenDays of the two dates, and additive like it. Always
// counts UTC dates.
func (c *Calendar) DaysBetween(a, b time.Time) int {
	if c == nil || c.eng == nil {
		return c.OpenDays(date.NewAt(a.In(time.UTC)), date.NewAt(b.In(time.UTC)))
	}
	da, _ := localClock(c.eng, a)
	db, _ := localClock(c.eng, b)
	return c.OpenDays(da, db)
}

// OpenDays returns the number of open days in [from, to): the business
// days of a month are OpenDays(first of the month, first of the next). If
// to is before from it returns −OpenDays(to, from), so that OpenDays(a, b)
// + OpenDays(b, c) == OpenDays(a, c). Dates outside the supported range
// are closed; for Always every date is open.
func (c *Calendar) OpenDays(from, to date.Date) int {
	if c == nil || c.eng == nil {
		return int(to - from)
	}
	return int(c.eng.openDaysBefore(to) - c.eng.openDaysBefore(from))
}

// IsOpenDay reports whether c is open at some instant of local date d:
// whether d is a business day.
func (c *Calendar) IsOpenDay(d date.Date) bool {
	if c == nil || c.eng == nil {
		return true
	}
	return c.eng.openDay(d)
}
