package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/rickb777/period"
)

// MaxDays is the largest number of days a Duration may hold.
const MaxDays = 3660

// maxTime bounds the time part of a Duration, so that a Duration's length
// in plain time, and sums of a few of them, never overflow.
const maxTime = MaxDays * 24 * time.Hour

// A Duration is the length of a target: whole days and a time part. How it
// is counted depends on the calendar it is used with (see AddTo):
//
//   - in plain time (no calendar), a day is 24 hours;
//   - in a calendar's business time, a day is one business day: counted
//     from the next opening if it starts while the calendar is closed, it
//     ends at the same wall-clock time on the next open day, moved forward
//     to the next open instant if that time is closed
//     (calendar.Calendar.AddDays); the time part is business time counted
//     after the days. An e-mail on Sunday morning with a "P1D" target is
//     due on Tuesday at opening: all of Monday.
//
// So "P1D" and "24h" are different durations: the first is one business
// day, the second 24 business hours (three days of a 9-to-5 office).
//
// An obligation with a day-based target in business time is due at AddTo
// of its start (the same wall-clock time days later, not the close of the
// day before, though the business time between is the same); time its
// clock stands still pushes that back by the business time lost.
//
// Durations compare by value with ==: "PT60M", "PT1H" and "1h" are equal.
// The zero Duration is zero length.
type Duration struct {
	// Days is the number of whole days, 0 ≤ Days ≤ MaxDays.
	Days int
	// Time is the time part, counted after the days.
	Time time.Duration
}

// ParseDuration reads a duration written as a Go duration ("4h", "90m",
// "1h30m", "0") or in ISO 8601 ("PT4H", "P1D", "P2DT4H30M"). It refuses
// negative durations and ISO years, months and weeks, whose length in
// business time is ambiguous: write days instead.
func ParseDuration(s string) (Duration, error) {
	bad := func(why string) (Duration, error) {
		if why == "" {
			return Duration{}, fmt.Errorf("%w %q", ErrBadDuration, s)
		}
		return Duration{}, fmt.Errorf("%w %q: %s", ErrBadDuration, s, why)
	}
	if s == "" {
		return bad("empty")
	}
	if strings.HasPrefix(s, "-") {
		return bad("negative")
	}
	if !strings.HasPrefix(s, "P") {
		d, err := time.ParseDuration(s)
		if err != nil {
			return bad("")
		}
		if d < 0 {
			return bad("negative")
		}
		if d > maxTime {
			return bad("too long")
		}
		return Duration{Time: d}, nil
	}
	p, err := parsePeriod(s)
	if err != nil {
		return bad("")
	}
	if p.IsNegative() {
		return bad("negative")
	}
	if p.Years() != 0 || p.Months() != 0 || !p.YearsDecimal().IsZero() || !p.MonthsDecimal().IsZero() {
		return bad("years and months are not allowed")
	}
	if !p.WeeksDecimal().IsZero() {
		return bad("weeks are not allowed; write days")
	}
	days := p.DaysDecimal()
	if !days.IsInt() {
		return bad("days must be whole")
	}
	n, _, ok := days.Int64(0)
	if !ok || n > MaxDays {
		return bad("too long")
	}
	t, exact := p.OnlyHMS().Duration()
	if !exact && !p.OnlyHMS().IsZero() {
		return bad("not a whole number of nanoseconds, or too long")
	}
	if t < 0 || t > maxTime {
		return bad("too long")
	}
	return Duration{Days: int(n), Time: t}, nil
}

// parsePeriod calls period.Parse, turning any panic of the library on odd
// input into an error.
func parsePeriod(s string) (p period.Period, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("period: %v", r)
		}
	}()
	return period.Parse(s)
}

// MustParseDuration is like ParseDuration but panics if s cannot be parsed.
// It is meant for constants in code and tests.
func MustParseDuration(s string) Duration {
	d, err := ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is zero length.
func (d Duration) IsZero() bool { return d == Duration{} }

// String returns d as ParseDuration reads it: a short Go duration ("4h",
// "1h30m", "0") when d has no days, else ISO 8601 ("P1D", "P2DT4H30M").
func (d Duration) String() string {
	if d.Days == 0 {
		return shortDuration(d.Time)
	}
	var b strings.Builder
	b.WriteString("P")
	b.WriteString(strconv.Itoa(d.Days))
	b.WriteString("D")
	if d.Time == 0 {
		return b.String()
	}
	b.WriteString("T")
	t := d.Time
	if h := t / time.Hour; h > 0 {
		b.WriteString(strconv.FormatInt(int64(h), 10))
		b.WriteString("H")
		t -= h * time.Hour
	}
	if m := t / time.Minute; m > 0 {
		b.WriteString(strconv.FormatInt(int64(m), 10))
		b.WriteString("M")
		t -= m * time.Minute
	}
	if t > 0 {
		// Exactly, not through a float64.
		b.WriteString(strconv.FormatInt(int64(t/time.Second), 10))
		if ns := int64(t % time.Second); ns > 0 {
			frac := strconv.FormatInt(1e9+ns, 10)[1:] // nine digits
			b.WriteString(".")
			b.WriteString(strings.TrimRight(frac, "0"))
		}
		b.WriteString("S")
	}
	return b.String()
}

// shortDuration writes d as time.Duration.String does, without the zero
// units it appends ("4h0m0s" becomes "4h").
func shortDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// MarshalText implements encoding.TextMarshaler with String's form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseDuration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddTo returns the instant at which a budget d that starts at t runs out,
// counted in cal's business time, or in plain time if cal is nil: the days
// first (cal.AddDays), then the time part (cal.Add).
func (d Duration) AddTo(cal *calendar.Calendar, t time.Time) time.Time {
	if cal == nil {
		return t.Add(time.Duration(d.Days)*24*time.Hour + d.Time)
	}
	if d.Days > 0 {
		t = cal.AddDays(t, d.Days)
	}
	return cal.Add(t, d.Time)
}
