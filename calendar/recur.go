package calendar

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/rickb777/date/v2/gregorian"
)

// RFC 5545 recurrence rules, the subset ParseICS expands: FREQ=YEARLY,
// MONTHLY, WEEKLY or DAILY with INTERVAL, COUNT, UNTIL, BYMONTH,
// BYMONTHDAY, BYDAY and WKST. Occurrences are dates in DTSTART's frame
// (its zone, or the wall clock of a floating or all-day event); each
// starts at DTSTART's time of day.

type icsFreq int

const (
	freqDaily icsFreq = iota + 1
	freqWeekly
	freqMonthly
	freqYearly
)

type icsByDay struct {
	wd time.Weekday
	n  int // 0: every such weekday of the period; else the nth (from the end if < 0)
}

type icsRule struct {
	freq       icsFreq
	interval   int
	count      int // 0: no COUNT
	until      *icsTime
	byMonth    []int
	byMonthDay []int
	byDay      []icsByDay
	wkst       time.Weekday
	line       int
}

const maxRuleList = 100 // values in one BY… part

var icsWeekdays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

func parseRRule(p *icsParser, cl contentLine) (*icsRule, error) {
	r := &icsRule{interval: 1, wkst: time.Monday, line: cl.line}
	bad := func(part, why string) (*icsRule, error) {
		return nil, icsErr(cl.line, "RRULE", clip(part), why, ErrBadICS)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(cl.value, ";") {
		name, value, ok := strings.Cut(part, "=")
		name = strings.ToUpper(name)
		if !ok || name == "" {
			return bad(part, `want NAME=VALUE parts separated by ";"`)
		}
		if seen[name] {
			return bad(part, name+" given twice")
		}
		seen[name] = true
		list := strings.Split(value, ",")
		if len(list) > maxRuleList {
			return nil, icsErr(cl.line, "RRULE", name, "more than "+itoa(maxRuleList)+" values", ErrTooLarge)
		}
		ints := func(lo, hi int, zero bool) ([]int, bool) {
			var out []int
			for _, s := range list {
				n, err := strconv.Atoi(s)
				if err != nil || n < lo || n > hi || (n == 0 && !zero) {
					return nil, false
				}
				out = append(out, n)
			}
			return out, true
		}
		switch name {
		case "FREQ":
			switch strings.ToUpper(value) {
			case "DAILY":
				r.freq = freqDaily
			case "WEEKLY":
				r.freq = freqWeekly
			case "MONTHLY":
				r.freq = freqMonthly
			case "YEARLY":
				r.freq = freqYearly
			case "HOURLY", "MINUTELY", "SECONDLY":
				return bad(part, "FREQ="+strings.ToUpper(value)+" is not supported")
			default:
				return bad(part, "want FREQ=YEARLY, MONTHLY, WEEKLY or DAILY")
			}
		case "INTERVAL", "COUNT":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > maxICSRuleInt {
				return bad(part, name+": want a number from 1 to "+itoa(maxICSRuleInt))
			}
			if name == "INTERVAL" {
				r.interval = n
			} else {
				r.count = n
			}
		case "UNTIL":
			t, err := p.timeValue(contentLine{line: cl.line, name: "RRULE;UNTIL"}, value)
			if err != nil {
				return nil, err
			}
			r.until = &t
		case "BYMONTH":
			v, ok := ints(1, 12, false)
			if !ok {
				return bad(part, "BYMONTH: want months 1 to 12")
			}
			r.byMonth = v
		case "BYMONTHDAY":
			v, ok := ints(-31, 31, false)
			if !ok {
				return bad(part, "BYMONTHDAY: want days 1 to 31 or -31 to -1")
			}
			r.byMonthDay = v
		case "BYDAY":
			for _, s := range list {
				s = strings.ToUpper(s)
				if len(s) < 2 {
					return bad(part, "BYDAY: want days such as MO, 1MO or -1FR")
				}
				wd, ok := icsWeekdays[s[len(s)-2:]]
				n := 0
				if num := s[:len(s)-2]; num != "" {
					var err error
					n, err = strconv.Atoi(num)
					if err != nil || n == 0 || n < -53 || n > 53 {
						ok = false
					}
				}
				if !ok {
					return bad(part, "BYDAY: want days such as MO, 1MO or -1FR")
				}
				r.byDay = append(r.byDay, icsByDay{wd, n})
			}
		case "WKST":
			wd, ok := icsWeekdays[strings.ToUpper(value)]
			if !ok {
				return bad(part, "WKST: want MO, TU, WE, TH, FR, SA or SU")
			}
			r.wkst = wd
		case "BYSETPOS", "BYWEEKNO", "BYYEARDAY", "BYHOUR", "BYMINUTE", "BYSECOND":
			return bad(part, name+" is not supported")
		default:
			if !strings.HasPrefix(name, "X-") {
				return bad(part, "unknown rule part "+name)
			}
		}
	}
	switch {
	case r.freq == 0:
		return bad(cl.value, "no FREQ")
	case r.count != 0 && r.until != nil:
		return bad(cl.value, "COUNT and UNTIL: want one of them")
	case r.freq == freqWeekly && r.byMonthDay != nil:
		return bad(cl.value, "BYMONTHDAY does not go with FREQ=WEEKLY")
	}
	for _, b := range r.byDay {
		switch {
		case b.n != 0 && (r.freq == freqDaily || r.freq == freqWeekly):
			return bad(cl.value, "BYDAY with a number goes with FREQ=MONTHLY or YEARLY only")
		case r.freq == freqMonthly && (b.n > 5 || b.n < -5):
			return bad(cl.value, "BYDAY: a month has at most 5 of a weekday")
		}
	}
	return r, nil
}

// expand calls emit with the date of each occurrence after DTSTART, in
// order, until COUNT or UNTIL, or the end of the supported range.
func (r *icsRule) expand(p *icsParser, ev *icsEvent, emit func(date.Date) error) error {
	sd := ev.start.day
	emitted := 1 // DTSTART
	if r.count == 1 {
		return nil
	}
	frame := ev.start.zone
	if frame == nil {
		frame = p.loc
	}
	untilOK := func(day date.Date) bool {
		if r.until == nil {
			return true
		}
		if ev.start.allDay || r.until.allDay {
			u := r.until.day
			if !r.until.allDay {
				ut := *r.until
				if ut.zone == nil {
					ut.zone = frame
				}
				u = date.NewAt(p.instant(ut).In(frame))
			}
			return day <= u
		}
		t := ev.start
		t.day = day
		ut := *r.until
		if ut.zone == nil {
			ut.zone = frame
		}
		return !p.instant(t).After(p.instant(ut))
	}
	// Occurrences that start after this date touch no date of the range.
	lastDay := windowLast + 2
	// Without COUNT, whole periods before the range are skipped
	// arithmetically: margin covers an occurrence that starts before
	// 1970 and lasts into it.
	margin := date.Date(2)
	switch {
	case ev.hasEnd && ev.start.allDay:
		margin += ev.end.day - ev.start.day
	case ev.hasEnd:
		margin += date.Date(p.instant(ev.end).Sub(p.instant(ev.start)) / (24 * time.Hour))
	case ev.hasDur:
		margin += date.Date(ev.dur.days) + date.Date(ev.dur.secs/secondsPerDay)
	}
	target := windowFirst - margin
	y0, m0, _ := sd.Date()
	weekStart := sd - date.Date((int(sd.Weekday())-int(r.wkst)+7)%7)
	k := int64(0)
	if r.count == 0 && sd < target {
		switch r.freq {
		case freqDaily:
			k = int64(target-sd) / int64(r.interval)
		case freqWeekly:
			k = int64(target-weekStart) / (7 * int64(r.interval))
		case freqMonthly:
			ty, tm, _ := target.Date()
			k = int64((ty*12+int(tm))-(y0*12+int(m0))) / int64(r.interval)
		case freqYearly:
			k = int64(target.Year()-y0) / int64(r.interval)
		}
	}
	var cands []date.Date
	for ; ; k++ {
		if err := p.step(r.line); err != nil {
			return err
		}
		step := k * int64(r.interval)
		var start date.Date
		cands = cands[:0]
		switch r.freq {
		case freqDaily:
			start = sd + date.Date(step)
			if r.keepDay(start) {
				cands = append(cands, start)
			}
		case freqWeekly:
			start = weekStart + date.Date(7*step)
			if r.byDay == nil {
				cands = append(cands, start+date.Date((int(sd.Weekday())-int(r.wkst)+7)%7))
			}
			for _, b := range r.byDay {
				cands = append(cands, start+date.Date((int(b.wd)-int(r.wkst)+7)%7))
			}
			cands = slices.DeleteFunc(cands, func(d date.Date) bool { return r.byMonth != nil && !slices.Contains(r.byMonth, int(d.Month())) })
		case freqMonthly:
			mi := int64(y0*12+int(m0)-1) + step
			if mi/12 > 9999 {
				return nil
			}
			y, m := int(mi/12), time.Month(mi%12+1)
			start = date.New(y, m, 1)
			if r.byMonth == nil || slices.Contains(r.byMonth, int(m)) {
				cands = r.inMonth(cands, y, m, sd.Day())
			}
		case freqYearly:
			y := int64(y0) + step
			if y > 9999 {
				return nil
			}
			start = date.New(int(y), time.January, 1)
			cands = r.inYear(cands, int(y), sd)
		}
		if start > lastDay {
			return nil
		}
		slices.Sort(cands)
		cands = slices.Compact(cands)
		for _, c := range cands {
			if err := p.step(r.line); err != nil {
				return err
			}
			if c <= sd {
				continue // before DTSTART, or DTSTART itself
			}
			if c > lastDay || !untilOK(c) {
				return nil
			}
			if err := emit(c); err != nil {
				return err
			}
			if emitted++; r.count != 0 && emitted >= r.count {
				return nil
			}
		}
	}
}

// keepDay applies BYMONTH, BYMONTHDAY and BYDAY as limits (FREQ=DAILY).
func (r *icsRule) keepDay(d date.Date) bool {
	y, m, dd := d.Date()
	if r.byMonth != nil && !slices.Contains(r.byMonth, int(m)) {
		return false
	}
	if r.byMonthDay != nil && !slices.ContainsFunc(r.byMonthDay, func(md int) bool { return monthDay(y, m, md) == dd }) {
		return false
	}
	return r.byDay == nil || slices.ContainsFunc(r.byDay, func(b icsByDay) bool { return b.wd == d.Weekday() })
}

// monthDay resolves a BYMONTHDAY value (negative: from the month's end)
// to a day of the month, or 0 if the month has no such day.
func monthDay(y int, m time.Month, md int) int {
	n := gregorian.DaysIn(y, m)
	if md < 0 {
		md = n + md + 1
	}
	if md < 1 || md > n {
		return 0
	}
	return md
}

// inMonth appends the candidates of month m of year y: BYMONTHDAY
// (limited by BYDAY), else BYDAY expanded in the month, else DTSTART's
// day of the month.
func (r *icsRule) inMonth(out []date.Date, y int, m time.Month, day int) []date.Date {
	n := gregorian.DaysIn(y, m)
	first := date.New(y, m, 1)
	switch {
	case r.byMonthDay != nil:
		for _, md := range r.byMonthDay {
			if dd := monthDay(y, m, md); dd != 0 {
				d := first + date.Date(dd-1)
				if r.byDay == nil || slices.ContainsFunc(r.byDay, func(b icsByDay) bool { return matchesInMonth(d, b) }) {
					out = append(out, d)
				}
			}
		}
	case r.byDay != nil:
		for _, b := range r.byDay {
			out = weekdaysIn(out, first, n, b)
		}
	default:
		if day <= n {
			out = append(out, first+date.Date(day-1))
		}
	}
	return out
}

// inYear appends the candidates of year y (FREQ=YEARLY).
func (r *icsRule) inYear(out []date.Date, y int, sd date.Date) []date.Date {
	switch {
	case r.byMonth != nil:
		for _, m := range r.byMonth {
			out = r.inMonth(out, y, time.Month(m), sd.Day())
		}
	case r.byMonthDay != nil:
		for m := time.January; m <= time.December; m++ {
			out = r.inMonth(out, y, m, sd.Day())
		}
	case r.byDay != nil:
		first := date.New(y, time.January, 1)
		n := int(date.New(y+1, time.January, 1) - first)
		for _, b := range r.byDay {
			out = weekdaysIn(out, first, n, b)
		}
	default:
		_, m, d := sd.Date()
		if d <= gregorian.DaysIn(y, m) {
			out = append(out, date.New(y, m, d))
		}
	}
	return out
}

// weekdaysIn appends, of the n days from first, every b.wd (b.n == 0) or
// the b.nth one (from the end if negative).
func weekdaysIn(out []date.Date, first date.Date, n int, b icsByDay) []date.Date {
	d0 := first + date.Date((int(b.wd)-int(first.Weekday())+7)%7) // the first such weekday
	count := (n-int(d0-first)-1)/7 + 1
	switch {
	case b.n == 0:
		for i := range count {
			out = append(out, d0+date.Date(7*i))
		}
	case b.n > 0 && b.n <= count:
		out = append(out, d0+date.Date(7*(b.n-1)))
	case b.n < 0 && -b.n <= count:
		out = append(out, d0+date.Date(7*(count+b.n)))
	}
	return out
}

// matchesInMonth reports whether d matches a BYDAY entry, its ordinal
// counted within d's month.
func matchesInMonth(d date.Date, b icsByDay) bool {
	if d.Weekday() != b.wd {
		return false
	}
	y, m, dd := d.Date()
	switch {
	case b.n > 0:
		return (dd-1)/7+1 == b.n
	case b.n < 0:
		return (gregorian.DaysIn(y, m)-dd)/7+1 == -b.n
	}
	return true
}
