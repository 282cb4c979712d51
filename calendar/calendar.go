package calendar

import (
	"bytes"
	"encoding/binary"
	"errors"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/rickb777/date/v2"
)

// Calendar says when a business is open and counts business time. It is
// immutable and safe for concurrent use.
//
// Build one with New, Parse, Always, Union or Intersect. The zero Calendar
// and a nil *Calendar are Always: open at every instant, counting plain
// elapsed time, everywhere a *Calendar is taken.
type Calendar struct {
	name string
	loc  *time.Location
	eng  engine // nil: always open
	doc  *doc   // the JSON form; nil for Always, Union and Intersect
	// zones holds the calendar's definition placed in other zones (see
	// In), shared with the calendars placed from it.
	zones *zoneCache
}

// Span is a half-open interval [Start, End) of real time.
type Span struct {
	Start, End time.Time
}

// Duration returns End − Start.
func (s Span) Duration() time.Duration { return s.End.Sub(s.Start) }

// Always returns the calendar that is open at every instant, in UTC:
// business time equals elapsed time, with no zone or range limits.
func Always() *Calendar { return &Calendar{name: "always", loc: time.UTC} }

// An Option configures a calendar built by New.
type Option func(*builder)

type builder struct {
	d     doc
	rules []Rule
	ics   [][]byte // iCalendar documents, read in New's zone
	err   error
}

// Name names the calendar; policies refer to calendars by name.
func Name(name string) Option { return func(b *builder) { b.d.Name = name } }

// Hours adds open intervals ("09:00-17:30", "22:00-06:00") to a weekday of
// the weekly template.
func Hours(day time.Weekday, intervals ...string) Option {
	return func(b *builder) {
		if day < time.Sunday || day > time.Saturday {
			if b.err == nil {
				b.err = fieldErr("week", itoa(int(day)), "weekday out of range", ErrBadInterval)
			}
			return
		}
		p := b.d.Week.day(day)
		*p = append(*p, intervals...)
	}
}

// Weekdays adds the same open intervals to Monday through Friday.
func Weekdays(intervals ...string) Option {
	return func(b *builder) {
		for d := time.Monday; d <= time.Friday; d++ {
			Hours(d, intervals...)(b)
		}
	}
}

// Closed closes a date: the whole day, or only the given hours of its wall
// clock ("13:00-24:00"). Closed hours may not run overnight.
func Closed(day date.Date, hours ...string) Option {
	return func(b *builder) {
		b.d.Closed = append(b.d.Closed, docDay{Date: day.String(), Hours: hours})
	}
}

// Open opens a date on special hours that replace its template hours. A
// special opening overrides the yearly rules that would close the date
// (open Boxing Day for a sale one year); a closure of the same date still
// applies.
func Open(day date.Date, hours ...string) Option {
	return func(b *builder) {
		b.d.Open = append(b.d.Open, docDay{Date: day.String(), Hours: hours})
	}
}

// Rules adds yearly closures such as public holidays.
func Rules(rules ...Rule) Option {
	return func(b *builder) { b.rules = append(b.rules, rules...) }
}

// New builds a calendar in the time zone loc from options. Errors name the
// field of the JSON form at fault (for example `week.mon[1]`) and wrap one
// of the package's sentinel errors. A calendar with no open hours in its
// week, or one that some year is closed throughout, is refused with
// ErrNeverOpen, so that no operation can search forever. Nil options are
// ignored.
func New(loc *time.Location, opts ...Option) (*Calendar, error) {
	if loc == nil {
		return nil, fieldErr("zone", "", "missing", ErrBadZone)
	}
	var b builder
	for _, o := range opts {
		if o != nil { // a nil Option is no option
			o(&b)
		}
	}
	if b.err != nil {
		return nil, b.err
	}
	for i, data := range b.ics {
		feed, err := ParseICS(bytes.NewReader(data), loc)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Path = "ics[" + itoa(i) + "]: " + e.Path
			}
			return nil, err
		}
		for _, x := range feed.Closed {
			b.d.Closed = append(b.d.Closed, docDay{Date: x.Date.String(), Hours: x.Hours, Name: x.Name})
		}
		for _, x := range feed.Open {
			b.d.Open = append(b.d.Open, docDay{Date: x.Date.String(), Hours: x.Hours, Name: x.Name})
		}
	}
	b.d.Zone = loc.String()
	return build(&b.d, loc, b.rules)
}

// override is a validated closure or special opening.
type override struct {
	day   date.Date
	hours []interval
}

// build validates a definition, compiles it, and keeps its canonical JSON
// form.
func build(d *doc, loc *time.Location, rules []Rule) (*Calendar, error) {
	var week [7][]interval
	canon := doc{Name: d.Name, Zone: d.Zone}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		ivs, err := parseHours("week."+weekdayKeys[wd], *d.Week.day(wd))
		if err != nil {
			return nil, err
		}
		week[wd] = ivs
		*canon.Week.day(wd) = hoursText(ivs)
	}
	closed, canonClosed, err := overrides("closed", d.Closed, true)
	if err != nil {
		return nil, err
	}
	open, canonOpen, err := overrides("open", d.Open, false)
	if err != nil {
		return nil, err
	}
	canon.Closed, canon.Open = canonClosed, canonOpen
	if len(rules) > maxRules {
		return nil, fieldErr("rules", "", "more than "+itoa(maxRules)+" rules", ErrTooLarge)
	}
	compiled := make([]compiledRule, len(rules))
	for i, r := range rules {
		field := "rules[" + itoa(i) + "]"
		if compiled[i], err = compileRule(field, r); err != nil {
			return nil, err
		}
		if err := noOvernight(field+".hours", compiled[i].hours); err != nil {
			return nil, err
		}
		r.Hours = hoursText(compiled[i].hours)
		canon.Rules = append(canon.Rules, r.doc())
	}
	setRules, err := holidayRules(d.Holidays)
	if err != nil {
		return nil, err
	}
	for k, set := range setRules {
		for _, r := range set {
			cr, err := compileRule("holidays", r)
			if err != nil { // the embedded sets are tested: not reached
				return nil, err
			}
			cr.list = k + 1
			compiled = append(compiled, cr)
		}
	}
	canon.Holidays = slices.Clone(d.Holidays)
	eng, err := newBase(loc, &week, closed, open, compiled)
	if err != nil {
		return nil, err
	}
	c := &Calendar{name: d.Name, loc: loc, eng: eng, doc: &canon, zones: &zoneCache{}}
	if err := c.checkEveryYear(); err != nil {
		return nil, err
	}
	return c, nil
}

func overrides(field string, days []docDay, closing bool) ([]override, []docDay, error) {
	if len(days) > maxOverrides {
		return nil, nil, fieldErr(field, "", "more than "+itoa(maxOverrides)+" entries", ErrTooLarge)
	}
	var out []override
	var canon []docDay
	for i, dd := range days {
		f := field + "[" + itoa(i) + "]"
		day, err := parseDate(f+".date", dd.Date)
		if err != nil {
			return nil, nil, err
		}
		hours, err := parseHours(f+".hours", dd.Hours)
		if err != nil {
			return nil, nil, err
		}
		if closing {
			if err := noOvernight(f+".hours", hours); err != nil {
				return nil, nil, err
			}
		} else if len(hours) == 0 {
			return nil, nil, fieldErr(f+".hours", "", "missing: a special opening needs its hours", ErrBadInterval)
		}
		out = append(out, override{day: day, hours: hours})
		canon = append(canon, docDay{Date: day.String(), Hours: hoursText(hours), Name: dd.Name})
	}
	return out, canon, nil
}

func noOvernight(field string, hours []interval) error {
	for i, iv := range hours {
		if iv.overnight() && !(iv.end == 0 && iv.start == 0) {
			return fieldErr(field+"["+itoa(i)+"]", iv.String(), "closed hours may not run overnight", ErrBadInterval)
		}
	}
	return nil
}

// checkEveryYear refuses a calendar that is closed for a whole year of the
// supported range.
func (c *Calendar) checkEveryYear() error {
	at := func(d date.Date) int64 {
		y, m, dd := d.Date()
		return c.eng.cum(time.Date(y, m, dd, 0, 0, 0, 0, c.eng.location()))
	}
	prev := at(windowFirst)
	for y := windowFirst.Year(); y < windowLast.Year(); y++ {
		cur := at(date.New(y+1, time.January, 1))
		if cur == prev {
			return fieldErr("", c.name, "closed throughout "+itoa(y), ErrNeverOpen)
		}
		prev = cur
	}
	return nil
}

// Name returns the calendar's name ("" if it has none).
func (c *Calendar) Name() string {
	if c == nil {
		return ""
	}
	return c.name
}

// String returns the calendar's name.
func (c *Calendar) String() string { return c.Name() }

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location {
	if c == nil || c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// IsOpen reports whether t lies inside an open interval. Intervals are
// half-open: open at their start, closed at their end.
func (c *Calendar) IsOpen(t time.Time) bool {
	if c == nil || c.eng == nil {
		return true
	}
	return c.eng.isOpen(t)
}

// Between returns the business time in [a, b): the real time inside open
// intervals. If b is before a it returns −Between(b, a). Between is
// additive: Between(a, b) + Between(b, c) == Between(a, c).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if c == nil || c.eng == nil {
		// Like b.Sub(a), saturating at ±(1<<63 − 1) alike in both
		// directions, so that Between(b, a) == −Between(a, b).
		if b.Before(a) {
			return -a.Sub(b)
		}
		return b.Sub(a)
	}
	return time.Duration(c.eng.cum(b) - c.eng.cum(a))
}

// Add returns the instant at which a budget d of business time that starts
// at t runs out: for d >= 0 the earliest u >= t with Between(t, u) == d, so
// a budget that runs out exactly at closing time is due at closing time;
// for d < 0 the latest u <= t with Between(u, t) == −d. Add(t, 0) is t.
//
// A budget that does not run out inside the supported range (years 1970 to
// 2099) gives the range's end (for d > 0) or start (for d < 0). Always
// has no range: its Add is t.Add(d), saturating at the first and last
// instants a time.Time holds.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if c == nil || c.eng == nil {
		// time.Time.Add saturates its seconds but not its
		// nanoseconds, which can then land before t.
		switch {
		case d > 0 && lastInstant.Sub(t) < d:
			return lastInstant.In(t.Location())
		case d < 0 && firstInstant.Sub(t) > d:
			return firstInstant.In(t.Location())
		}
		return t.Add(d)
	}
	e := c.eng
	switch {
	case d == 0:
		return t
	case d > 0:
		u, ok := e.advance(t, int64(d))
		if !ok {
			_, last := e.bounds()
			return maxTime(t, last)
		}
		return u
	default:
		x := e.cum(t) + int64(d)
		if x < 0 || int64(d) == -1<<63 {
			first, _ := e.bounds()
			return minTime(t, first)
		}
		return e.inv(x + 1).Add(-1)
	}
}

// NextOpen returns the first instant at or after t at which c is open: t
// itself when c is open at t. Past the supported range it returns the
// range's end.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	if c == nil || c.eng == nil || c.eng.isOpen(t) {
		return t
	}
	x := c.eng.cum(t)
	if x >= c.eng.total() {
		_, last := c.eng.bounds()
		return maxTime(t, last)
	}
	return c.eng.inv(x + 1).Add(-1)
}

// NextClose returns the first instant at or after t at which c is closed:
// t itself when c is closed at t. Always never closes: for it NextClose
// returns the zero Time.
func (c *Calendar) NextClose(t time.Time) time.Time {
	if c == nil || c.eng == nil {
		return time.Time{}
	}
	if !c.eng.isOpen(t) {
		return t
	}
	if b, ok := c.eng.(*base); ok {
		return b.nextClose(t)
	}
	return firstPieceEnd(c.eng, t)
}

// firstPieceEnd returns the end of the first open piece of e after t (t
// if none): NextClose of a composed calendar, whose pieces are merged.
func firstPieceEnd(e engine, t time.Time) time.Time {
	for p := range e.pieces(t) {
		return time.Unix(p.end, 0).In(e.location())
	}
	return t
}

// Spans yields, in order, the open spans inside [a, b), each as long as
// possible: spans that touch across midnight are joined.
func (c *Calendar) Spans(a, b time.Time) iter.Seq[Span] {
	return func(yield func(Span) bool) {
		if !a.Before(b) {
			return
		}
		if c == nil || c.eng == nil {
			yield(Span{a, b})
			return
		}
		loc := c.eng.location()
		for p := range c.eng.pieces(a) {
			s, e := time.Unix(p.start, 0).In(loc), time.Unix(p.end, 0).In(loc)
			if !s.Before(b) {
				return
			}
			if !yield(Span{maxTime(s, a), minTime(e, b)}) {
				return
			}
		}
	}
}

// firstInstant and lastInstant are the first and last instants a
// time.Time holds: its seconds count from year 1 in an int64.
var (
	firstInstant = instant(math.MinInt64, 0)
	lastInstant  = instant(math.MaxInt64, 999999999)
)

// instant returns the time.Time sec seconds after January 1, year 1 UTC,
// and nsec nanoseconds: through its binary form, since time.Unix cannot
// reach the first seconds (they lie before math.MinInt64 in Unix time).
func instant(sec int64, nsec uint32) time.Time {
	b := []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff} // version 1, UTC
	binary.BigEndian.PutUint64(b[1:], uint64(sec))
	binary.BigEndian.PutUint32(b[9:], nsec)
	var t time.Time
	if err := t.UnmarshalBinary(b); err != nil {
		panic(err) // not reached: the form is time.Time's own
	}
	return t
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
