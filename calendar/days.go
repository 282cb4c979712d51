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
// UTC.
func (c *Calendar) AddDays(t time.Time, n int) time.Time {
	if c == nil || c.eng == nil {
		if n == 0 {
			return t
		}
		return t.In(time.UTC).AddDate(0, 0, n)
	}
	e := c.eng
	loc := e.location()
	first, last := e.bounds()
	switch {
	case n == 0:
		return c.NextOpen(t)
	case n > 0:
		s := c.NextOpen(t)
		if !s.Before(last) {
			return s
		}
		ls := s.In(loc)
		d := date.NewAt(ls)
		target, ok := e.nthOpenDay(e.openDaysBefore(d+1) + int64(n))
		if !ok {
			return maxTime(s, last)
		}
		return c.NextOpen(sameWallTime(loc, target, ls))
	default:
		x := e.cum(t)
		if x == 0 {
			return minTime(t, first)
		}
		s := e.inv(x)
		ls := s.In(loc)
		d := date.NewAt(ls)
		target, ok := e.nthOpenDay(e.openDaysBefore(d) + int64(n) + 1)
		if !ok {
			return minTime(s, first)
		}
		u := sameWallTime(loc, target, ls)
		if x := e.cum(u); x > 0 {
			return e.inv(x)
		}
		return minTime(u, first)
	}
}

// sameWallTime returns the first instant on date d whose wall clock shows
// lt's time of day, or the end of the gap that skips it (see wallInstant).
func sameWallTime(loc *time.Location, d date.Date, lt time.Time) time.Time {
	sod := int64(lt.Hour()*3600 + lt.Minute()*60 + lt.Second())
	u := wallInstant(loc, d, sod)
	if lu := u.In(loc); date.NewAt(lu) != d || int64(lu.Hour()*3600+lu.Minute()*60+lu.Second()) != sod {
		return u // skipped: the end of the gap, to the nanosecond
	}
	return u.Add(time.Duration(lt.Nanosecond()))
}

// DaysBetween returns the number of open days among the local dates, in
// c's zone, from a's date up to but not including b's date; if b's date
// is before a's, −DaysBetween(b, a). So it counts the business days that
// lie wholly or partly between two instants, less b's own day: from
// Friday 16:00 to Monday 10:00 in a Monday-to-Friday week it is 1.
// DaysBetween is OpenDays of the two dates, and additive like it. Always
// counts UTC dates.
func (c *Calendar) DaysBetween(a, b time.Time) int {
	loc := c.Location()
	return c.OpenDays(date.NewAt(a.In(loc)), date.NewAt(b.In(loc)))
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
