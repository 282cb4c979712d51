package calendar

// A slow, obviously correct reference: it reads a calendar's JSON form
// directly and answers from the definition — the wall clock in the zone at
// instant t shows a time inside one of that day's intervals — walking real
// time minute by minute. Every boundary (intervals, zone transitions) falls
// on a whole minute, so open/closed is constant within each minute.

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/rickb777/date/v2"
)

type refCal struct {
	loc    *time.Location
	week   [7][][2]int // by time.Weekday: [start, end) minutes as written
	open   map[date.Date][][2]int
	closed map[date.Date][][2]int // nil entry: whole day
	rules  []docRule
	lists  []int // rules[i] came in list lists[i]: 0 the document's, k the kth holiday set
	memo   map[date.Date][1440]bool
}

func refParse(js []byte) *refCal {
	var d doc
	if err := json.Unmarshal(js, &d); err != nil {
		panic(err)
	}
	loc, err := time.LoadLocation(d.Zone)
	if err != nil {
		panic(err)
	}
	r := &refCal{loc: loc, open: map[date.Date][][2]int{}, closed: map[date.Date][][2]int{}, rules: d.Rules, lists: make([]int, len(d.Rules)), memo: map[date.Date][1440]bool{}}
	// A holiday set's rules are data the reference reads like the
	// document's own rules, as a list of their own.
	for k, name := range d.Holidays {
		for _, set := range HolidaySets() {
			if set.Name == name {
				for _, rule := range set.Rules {
					r.rules = append(r.rules, rule.doc())
					r.lists = append(r.lists, k+1)
				}
			}
		}
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		r.week[wd] = refIntervals(*d.Week.day(wd))
	}
	for _, o := range d.Open {
		day := date.MustParseISO(o.Date)
		r.open[day] = append(r.open[day], refIntervals(o.Hours)...)
	}
	for _, c := range d.Closed {
		day := date.MustParseISO(c.Date)
		r.closed[day] = refClose(r.closed[day], c.Hours)
	}
	return r
}

func refClose(prev [][2]int, hours []string) [][2]int {
	if len(hours) == 0 {
		return append(prev, [2]int{0, 1440})
	}
	return append(prev, refIntervals(hours)...)
}

func refIntervals(list []string) [][2]int {
	var out [][2]int
	for _, s := range list {
		var h1, m1, h2, m2 int
		if _, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
			panic(s)
		}
		out = append(out, [2]int{h1*60 + m1, h2*60 + m2})
	}
	return out
}

func (r *refCal) program(d date.Date) [][2]int {
	if p, ok := r.open[d]; ok {
		return p
	}
	return r.week[d.Weekday()]
}

// minutes returns, for each minute of the wall clock of date d, whether it
// is open.
func (r *refCal) minutes(d date.Date) [1440]bool {
	if m, ok := r.memo[d]; ok {
		return m
	}
	var m [1440]bool
	for _, iv := range r.program(d) {
		end := iv[1]
		if end <= iv[0] {
			end = 1440
		}
		for x := iv[0]; x < end; x++ {
			m[x] = true
		}
	}
	for _, iv := range r.program(d - 1) {
		if iv[1] <= iv[0] {
			for x := 0; x < iv[1]; x++ {
				m[x] = true
			}
		}
	}
	closed := r.closed[d]
	_, opened := r.open[d]
	for i, rule := range r.rules {
		if opened {
			break // a special opening overrides the rules
		}
		if rule.Between {
			if refInYears(rule, d.Year()) && r.holiday(r.lists[i], d-1) && r.holiday(r.lists[i], d+1) && !r.holiday(r.lists[i], d) {
				closed = refClose(closed, rule.Hours)
			}
			continue
		}
		for y := d.Year() - 1; y <= d.Year()+1; y++ {
			own, ok := refRuleDate(rule, y)
			if !ok {
				continue
			}
			obs := refObserve(own, rule.Observed)
			if rule.Observed == "next-non-holiday" && own.Weekday() == time.Sunday {
				obs = own + 1
				for r.holiday(r.lists[i], obs) {
					obs++
				}
			}
			if own == d || obs == d {
				closed = refClose(closed, rule.Hours)
			}
		}
	}
	for _, iv := range closed {
		for x := iv[0]; x < iv[1]; x++ {
			m[x] = false
		}
	}
	r.memo[d] = m
	return m
}

// holiday reports whether some rule of the list has its own date on d.
func (r *refCal) holiday(list int, d date.Date) bool {
	for i, rule := range r.rules {
		if r.lists[i] != list || rule.Between {
			continue
		}
		for y := d.Year() - 1; y <= d.Year()+1; y++ {
			if own, ok := refRuleDate(rule, y); ok && own == d {
				return true
			}
		}
	}
	return false
}

func refInYears(rule docRule, y int) bool {
	if (rule.From != 0 && y < rule.From) || (rule.Until != 0 && y > rule.Until) {
		return false
	}
	for _, x := range rule.Except {
		if x == y {
			return false
		}
	}
	return true
}

// refRuleDate finds a rule's date in year y by scanning the year's days.
func refRuleDate(rule docRule, y int) (date.Date, bool) {
	if !refInYears(rule, y) || rule.Between {
		return 0, false
	}
	if rule.Equinox {
		return refEquinox(y, time.Month(rule.Month))
	}
	if rule.Easter != nil {
		return refEaster(y) + date.Date(*rule.Easter), true
	}
	if rule.Weekday != "" && rule.Day != 0 {
		// The nth weekday counted from a day: step one day at a time
		// from it, forwards or backwards, counting the weekdays met.
		from := date.New(y, time.Month(rule.Month), rule.Day)
		if from.Day() != rule.Day {
			return 0, false // 29 February in a common year
		}
		step, want := date.Date(1), rule.Nth
		if rule.Nth < 0 {
			step, want = -1, -rule.Nth
		}
		for d, seen := from, 0; ; d += step {
			if weekdayKeys[d.Weekday()] == rule.Weekday {
				if seen++; seen == want {
					return d, true
				}
			}
		}
	}
	count := 0
	var hits []date.Date
	for d := date.New(y, 1, 1); d.Year() == y; d++ {
		if int(d.Month()) != rule.Month {
			continue
		}
		if rule.Weekday == "" {
			if d.Day() == rule.Day {
				return d, true
			}
			continue
		}
		if weekdayKeys[d.Weekday()] == rule.Weekday {
			count++
			hits = append(hits, d)
		}
	}
	switch {
	case rule.Weekday == "":
		return 0, false
	case rule.Nth > 0 && rule.Nth <= count:
		return hits[rule.Nth-1], true
	case rule.Nth < 0 && -rule.Nth <= count:
		return hits[count+rule.Nth], true
	}
	return 0, false
}

func refObserve(d date.Date, o string) date.Date {
	wd := d.Weekday()
	switch {
	case wd == time.Saturday && (o == "friday-before" || o == "nearest-weekday"):
		return d - 1
	case wd == time.Saturday && o == "monday-after":
		return d + 2
	case wd == time.Sunday && o == "friday-before":
		return d - 2
	case wd == time.Sunday && (o == "monday-after" || o == "nearest-weekday"):
		return d + 1
	case wd == time.Saturday && o == "two-days-later":
		return d + 2 // Monday
	case wd == time.Sunday && o == "two-days-later":
		return d + 2 // Tuesday
	case wd == time.Sunday && o == "saturday-before":
		return d - 1
	}
	return d
}

// refEquinox is the equinox formula in floating point, as the National
// Astronomical Observatory of Japan writes it, in the form rickar/cal
// computes it.
func refEquinox(y int, m time.Month) (date.Date, bool) {
	var c float64
	switch {
	case y >= 1900 && y <= 1979 && m == time.March:
		c = 20.8357
	case y >= 1900 && y <= 1979:
		c = 23.2588
	case y >= 1980 && y <= 2099 && m == time.March:
		c = 20.8431
	case y >= 1980 && y <= 2099:
		c = 23.2488
	case y >= 2100 && y <= 2150 && m == time.March:
		c = 21.8510
	case y >= 2100 && y <= 2150:
		c = 24.2488
	default:
		return 0, false
	}
	day := math.Floor(c + 0.242194*float64(y-1980) - math.Floor(float64(y-1980)/4))
	return date.New(y, m, int(day)), true
}

// refEaster is Knuth's Easter algorithm (TAOCP 1.3.2, exercise 14), a
// different derivation from the one the package uses.
func refEaster(y int) date.Date {
	g := y%19 + 1
	c := y/100 + 1
	x := 3*c/4 - 12
	z := (8*c+5)/25 - 5
	d := 5*y/4 - x - 10
	e := (11*g + 20 + z - x) % 30
	if e < 0 {
		e += 30
	}
	if (e == 25 && g > 11) || e == 24 {
		e++
	}
	n := 44 - e
	if n < 21 {
		n += 30
	}
	n = n + 7 - (d+n)%7
	if n > 31 {
		return date.New(y, time.April, n-31)
	}
	return date.New(y, time.March, n)
}

func (r *refCal) isOpen(t time.Time) bool {
	lt := t.In(r.loc)
	m := r.minutes(date.NewAt(lt))
	return m[lt.Hour()*60+lt.Minute()]
}

// between walks [a, b) one real minute at a time.
func refBetween(open func(time.Time) bool, a, b time.Time) time.Duration {
	if b.Before(a) {
		return -refBetween(open, b, a)
	}
	var sum time.Duration
	for m := a.Truncate(time.Minute); m.Before(b); m = m.Add(time.Minute) {
		if !open(m) {
			continue
		}
		s, e := m, m.Add(time.Minute)
		if s.Before(a) {
			s = a
		}
		if e.After(b) {
			e = b
		}
		sum += e.Sub(s)
	}
	return sum
}

// refNextOpen walks real minutes from t to the first open instant.
func refNextOpen(r *refCal, t time.Time) time.Time {
	if r.isOpen(t) {
		return t
	}
	for m := t.Truncate(time.Minute).Add(time.Minute); m.Before(t.Add(60 * 24 * time.Hour)); m = m.Add(time.Minute) {
		if r.isOpen(m) {
			return m
		}
	}
	panic("reference calendar closed for 60 days")
}

// refLastOpenEnd walks real minutes back from t to the latest instant up
// to which the calendar was open: t itself if it was open just before.
func refLastOpenEnd(r *refCal, t time.Time) time.Time {
	if r.isOpen(t.Add(-1)) {
		return t
	}
	for m := t.Truncate(time.Minute); m.After(t.Add(-60 * 24 * time.Hour)); m = m.Add(-time.Minute) {
		if r.isOpen(m.Add(-time.Minute)) {
			return m
		}
	}
	panic("reference calendar closed for 60 days")
}

// refOpenDate reports whether some real instant of local date d is open,
// walking the real minutes around it: open wall minutes that a
// spring-forward gap skips do not count.
func refOpenDate(r *refCal, d date.Date) bool {
	y, m, dd := d.Date()
	midnight := time.Date(y, m, dd, 0, 0, 0, 0, r.loc)
	for u := midnight.Add(-3 * time.Hour); u.Before(midnight.Add(30 * time.Hour)); u = u.Add(time.Minute) {
		if date.NewAt(u.In(r.loc)) == d && r.isOpen(u) {
			return true
		}
	}
	return false
}

// refOpenDays counts the open dates in [from, to) one date at a time.
func refOpenDays(r *refCal, from, to date.Date) int {
	if to < from {
		return -refOpenDays(r, to, from)
	}
	n := 0
	for d := from; d < to; d++ {
		if refOpenDate(r, d) {
			n++
		}
	}
	return n
}

// refWallOn finds, by walking the real minutes of date d, the first
// instant showing the time of day tod, or inside a gap the first showing a
// later one.
func refWallOn(r *refCal, d date.Date, tod time.Duration) time.Time {
	want, rest := int(tod/time.Minute), tod%time.Minute
	y, m, dd := d.Date()
	for u := time.Date(y, m, dd, 0, 0, 0, 0, r.loc).Add(-3 * time.Hour); ; u = u.Add(time.Minute) {
		lu := u.In(r.loc)
		if date.NewAt(lu) != d {
			continue
		}
		switch got := lu.Hour()*60 + lu.Minute(); {
		case got == want:
			return u.Add(rest)
		case got > want:
			return u
		}
	}
}

func timeOfDay(t time.Time) time.Duration {
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
}

// refAddDays counts n open days one date at a time: forwards from
// refNextOpen(t) for n > 0, backwards from refLastOpenEnd(t) for n < 0,
// and finds the wall time on the last one by walking that day's minutes.
func refAddDays(r *refCal, t time.Time, n int) time.Time {
	if n == 0 {
		return refNextOpen(r, t)
	}
	var s time.Time
	step := date.Date(1)
	if n > 0 {
		s = refNextOpen(r, t).In(r.loc)
	} else {
		s, step, n = refLastOpenEnd(r, t).In(r.loc), -1, -n
	}
	d := date.NewAt(s)
	for ; n > 0; n-- {
		d += step
		for !refOpenDate(r, d) {
			d += step
		}
	}
	u := refWallOn(r, d, timeOfDay(s))
	if step > 0 {
		return refNextOpen(r, u)
	}
	return refLastOpenEnd(r, u)
}

// A recurrence rule as the reference reads it: every part a filter on
// dates, which RFC 5545's expansions amount to.
type refRule struct {
	freq            string // DAILY, WEEKLY, MONTHLY, YEARLY
	interval, count int
	until           date.Date // 0: none
	byMonth         []int
	byMonthDay      []int
	byDay           [][2]int // weekday, ordinal (0: every)
	wkst            time.Weekday
}

// refRecur lists the occurrence dates of an all-day event on sd that
// recurs by rule, less exdates, by testing every date from sd on.
func refRecur(rule refRule, sd date.Date, exdates []date.Date) []date.Date {
	contains := func(list []int, v int) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	weekStart := func(d date.Date) date.Date { return d - date.Date((int(d.Weekday())-int(rule.wkst)+7)%7) }
	months := func(d date.Date) int { return d.Year()*12 + int(d.Month()) }
	matches := func(d date.Date) bool {
		var period int
		switch rule.freq {
		case "DAILY":
			period = int(d - sd)
		case "WEEKLY":
			period = int(weekStart(d)-weekStart(sd)) / 7
		case "MONTHLY":
			period = months(d) - months(sd)
		case "YEARLY":
			period = d.Year() - sd.Year()
		}
		if period%rule.interval != 0 {
			return false
		}
		y, m, dd := d.Date()
		dim := date.New(y, m+1, 1) - date.New(y, m, 1)
		if rule.byMonth != nil && !contains(rule.byMonth, int(m)) {
			return false
		}
		if rule.byMonthDay != nil && !contains(rule.byMonthDay, dd) && !contains(rule.byMonthDay, dd-int(dim)-1) {
			return false
		}
		if rule.byDay != nil {
			inMonth := rule.freq == "MONTHLY" || rule.byMonth != nil || rule.byMonthDay != nil
			first, next := date.New(y, 1, 1), date.New(y+1, 1, 1)
			if inMonth {
				first, next = date.New(y, m, 1), date.New(y, m+1, 1)
			}
			ok := false
			for _, b := range rule.byDay {
				if d.Weekday() != time.Weekday(b[0]) {
					continue
				}
				fromStart, fromEnd := int(d-first)/7+1, int(next-1-d)/7+1
				ok = ok || b[1] == 0 || b[1] == fromStart || b[1] == -fromEnd
			}
			if !ok {
				return false
			}
		}
		switch {
		case rule.freq == "WEEKLY" && rule.byDay == nil:
			return d.Weekday() == sd.Weekday()
		case rule.freq == "MONTHLY" && rule.byMonthDay == nil && rule.byDay == nil:
			return dd == sd.Day()
		case rule.freq == "YEARLY" && rule.byMonthDay == nil && rule.byDay == nil:
			return dd == sd.Day() && (rule.byMonth != nil || m == sd.Month())
		}
		return true
	}
	out := []date.Date{sd}
	for d := sd + 1; d < windowLast+3 && (rule.count == 0 || len(out) < rule.count); d++ {
		if rule.until != 0 && d > rule.until {
			break
		}
		if matches(d) {
			out = append(out, d)
		}
	}
	var kept []date.Date
	for _, d := range out {
		excluded := false
		for _, x := range exdates {
			excluded = excluded || x == d
		}
		if !excluded && d >= windowFirst && d < windowLast {
			kept = append(kept, d)
		}
	}
	return kept
}
