package sla

import (
	"strconv"
	"strings"
	"time"

	"github.com/replyby/replyby/calendar"
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
// "1h30m", "0"; see time.ParseDuration) or in ISO 8601 ("PT4H", "P1D",
// "P2DT4H30M", "PT1.5H"). Of ISO 8601 it reads the form P[nD][T[nH][nM][nS]]
// with at least one part: whole days; hours, minutes and seconds, of which
// the last may have a fraction (written with "." or ","), to the
// nanosecond. It refuses negative durations, durations over MaxDays days,
// and ISO years, months and weeks, whose length in business time is
// ambiguous: write days instead. Errors wrap ErrBadDuration.
func ParseDuration(s string) (Duration, error) {
	bad := func(why string) (Duration, error) {
		return Duration{}, errAt("", s, why, ErrBadDuration)
	}
	switch {
	case s == "":
		return bad("empty: want a duration such as \"4h\" or \"P1D\"")
	case strings.HasPrefix(s, "-"):
		return bad("negative")
	case !strings.HasPrefix(s, "P"):
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			return bad("want a Go duration such as \"4h30m\" or ISO 8601 such as \"PT4H30M\"")
		case d < 0:
			return bad("negative")
		case d > maxTime:
			return bad("too long")
		}
		return Duration{Time: d}, nil
	}
	d, why := parseISO(s[1:])
	if why != "" {
		return bad(why)
	}
	return d, nil
}

// Reasons ParseDuration gives for an ISO 8601 duration it refuses.
const (
	isoMalformed = "want ISO 8601 as P[nD][T[nH][nM][nS]], such as \"P1DT4H\" or \"PT1.5H\""
	isoCalendar  = "years, months and weeks are not allowed: write days"
	isoTooLong   = "too long"
)

// parseISO reads an ISO 8601 duration after its "P"; on failure it says
// why.
func parseISO(s string) (Duration, string) {
	var d Duration
	datePart, timePart, hasT := strings.Cut(s, "T")
	if strings.ContainsAny(datePart, "YMW") {
		return d, isoCalendar
	}
	if datePart == "" && !hasT {
		return d, isoMalformed
	}
	if datePart != "" {
		n, unit, rest, ok := isoNumber(datePart)
		switch {
		case !ok || unit != 'D' || rest != "":
			return d, isoMalformed
		case strings.Trim(n.frac, "0") != "":
			return d, "days must be whole"
		}
		days, ok := n.value(MaxDays)
		if !ok {
			return d, isoTooLong
		}
		d.Days = int(days)
	}
	if !hasT {
		return d, ""
	}
	if timePart == "" {
		return d, isoMalformed
	}
	// Hours, minutes and seconds, in that order and each at most once;
	// only the last may have a fraction.
	units := "HMS"
	for timePart != "" {
		n, unit, rest, ok := isoNumber(timePart)
		i := strings.IndexByte(units, unit)
		if !ok || i < 0 || n.frac != "" && rest != "" {
			return d, isoMalformed
		}
		unitLen := [...]time.Duration{'H': time.Hour, 'M': time.Minute, 'S': time.Second}[unit]
		units, timePart = units[i+1:], rest
		part, ok := n.times(unitLen)
		if !ok {
			return d, "not a whole number of nanoseconds, or too long"
		}
		if part > maxTime-d.Time {
			return d, isoTooLong
		}
		d.Time += part
	}
	return d, ""
}

// An isoNum is a decimal number of an ISO 8601 duration: the digits of
// its whole part and of its fraction.
type isoNum struct{ whole, frac string }

// isoNumber reads a number and the designator after it from the front of
// s: digits, optionally a "." or "," and more digits, then one byte.
func isoNumber(s string) (n isoNum, unit byte, rest string, ok bool) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return n, 0, s, false
	}
	n.whole = s[:i]
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		j := i + 1
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == i+1 {
			return n, 0, s, false
		}
		n.frac, i = s[i+1:j], j
	}
	if i == len(s) {
		return n, 0, s, false
	}
	return n, s[i], s[i+1:], true
}

// value returns the whole part of n if it is at most limit.
func (n isoNum) value(limit int64) (int64, bool) {
	v := int64(0)
	for i := 0; i < len(n.whole); i++ {
		if v = v*10 + int64(n.whole[i]-'0'); v > limit {
			return 0, false
		}
	}
	return v, true
}

// times returns n units exactly, if that is a whole number of nanoseconds
// of at most maxTime.
func (n isoNum) times(unit time.Duration) (time.Duration, bool) {
	w, ok := n.value(int64(maxTime / unit))
	if !ok {
		return 0, false
	}
	d := time.Duration(w) * unit
	// Each fraction digit k places after the point is worth unit/10^k,
	// which must be whole where the digit is not 0.
	place := unit
	for i := 0; i < len(n.frac); i++ {
		c := n.frac[i]
		if c != '0' && (place < 10 || place%10 != 0) {
			return 0, false
		}
		place /= 10
		d += time.Duration(c-'0') * place
	}
	return d, d <= maxTime
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
// A Duration outside the range ParseDuration reads is written with its
// minus signs ("-4h", "P-1D", "P1DT-1H"), which ParseDuration refuses.
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
	t := uint64(d.Time) // the magnitude, also of math.MinInt64
	if d.Time < 0 {
		b.WriteString("-")
		t = -t
	}
	const hour, minute, second = uint64(time.Hour), uint64(time.Minute), uint64(time.Second)
	if h := t / hour; h > 0 {
		b.WriteString(strconv.FormatUint(h, 10))
		b.WriteString("H")
		t -= h * hour
	}
	if m := t / minute; m > 0 {
		b.WriteString(strconv.FormatUint(m, 10))
		b.WriteString("M")
		t -= m * minute
	}
	if t > 0 {
		// Exactly, not through a float64.
		b.WriteString(strconv.FormatUint(t/second, 10))
		if ns := t % second; ns > 0 {
			frac := strconv.FormatUint(1e9+ns, 10)[1:] // nine digits
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
