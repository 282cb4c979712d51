package calendar

import (
	"slices"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/rickb777/date/v2/gregorian"
)

// RuleKind says how a yearly Rule finds its date.
type RuleKind int

const (
	// FixedDateRule falls on the same month and day every year (1 Jan).
	// A rule for 29 February applies in leap years only.
	FixedDateRule RuleKind = iota + 1
	// NthWeekdayRule falls on the nth given weekday of a month (the 4th
	// Thursday of November); a negative n counts from the end (-1 is the
	// last Monday of May). A year without a 5th such weekday has no date.
	NthWeekdayRule
	// EasterRule falls a number of days after Western (Gregorian) Easter
	// Sunday; -2 is Good Friday, 1 is Easter Monday.
	EasterRule
	// NthWeekdayFromRule falls on the nth given weekday counted from a
	// day of a month: n = 1 is the first such weekday on or after that
	// day, 2 the second, and n = -1 the last on or before it (Canada's
	// Victoria Day is the Monday on or before 24 May; Germany's
	// Repentance Day the Wednesday on or before 22 November). The date
	// may fall in another month, or year, than the day it counts from.
	NthWeekdayFromRule
	// EquinoxRule falls on the day of the vernal (Month March) or
	// autumnal (Month September) equinox in Japan's reckoning, by the
	// usual formula (see equinoxDay), for the years 1900–2150; other
	// years have no date.
	EquinoxRule
	// BetweenHolidaysRule closes each day whose day before and day after
	// are both holidays of the same list of rules and that is none itself:
	// Japan's citizens' holiday. The list is the calendar's own rules, or
	// one holiday set; a holiday here is a rule's own date, not a
	// substitute day, nor another day between holidays. The rule's year
	// is the year of the day it closes.
	BetweenHolidaysRule
)

// Observed says where a rule's closure also falls when its date is a
// Saturday or a Sunday. The date itself stays closed as well.
type Observed string

// The observed shifts.
const (
	NotObserved    Observed = ""                // no shift
	FridayBefore   Observed = "friday-before"   // Saturday or Sunday → the Friday before
	MondayAfter    Observed = "monday-after"    // Saturday or Sunday → the Monday after
	NearestWeekday Observed = "nearest-weekday" // Saturday → Friday, Sunday → Monday
	// TwoDaysLater shifts Saturday → Monday and Sunday → Tuesday: the
	// British and Commonwealth substitute days for a pair of holidays
	// such as Christmas and Boxing Day, one rule each, so that the pair
	// never lands on the same Monday.
	TwoDaysLater Observed = "two-days-later"
	// SaturdayBefore shifts Sunday → the Saturday before; a Saturday
	// stays (the Netherlands' King's Day).
	SaturdayBefore Observed = "saturday-before"
	// NextNonHoliday shifts Sunday → the next day that is not itself a
	// holiday (a rule's own date) of the same list of rules — the
	// calendar's own rules, or one holiday set; a Saturday stays. It is
	// Japan's substitute holiday: a national holiday on a Sunday moves
	// to the Monday, or past it to the first day that is no holiday.
	NextNonHoliday Observed = "next-non-holiday"
)

// Rule is a closure that recurs every year, such as a public holiday. Build
// one with FixedDate, NthWeekday, NthWeekdayFrom, Easter, Equinox or
// BetweenHolidays and set
// Observed, Hours, From, Until or Except as needed.
//
// A rule's year is the year it is computed for: the year of its date, or
// for NthWeekdayFromRule the year of the day it counts from. A one-off
// holiday (a royal wedding) is a FixedDateRule with From and Until both
// its year.
type Rule struct {
	Name     string       // for people; optional
	Kind     RuleKind     // how the date is found
	Month    time.Month   // FixedDateRule, NthWeekdayRule, NthWeekdayFromRule; EquinoxRule: March or September
	Day      int          // FixedDateRule, NthWeekdayFromRule: day of the month
	Weekday  time.Weekday // NthWeekdayRule, NthWeekdayFromRule
	Nth      int          // NthWeekdayRule: 1…5, or -1…-5 from the end of the month; NthWeekdayFromRule: 1…5 on or after Day, -1…-5 on or before it
	Offset   int          // EasterRule: days after Easter Sunday (negative: before)
	Observed Observed     // shift for dates that fall on a weekend
	Hours    []string     // closed hours ("13:00-24:00"); empty closes the whole day
	From     int          // first year the rule applies in; 0: no bound
	Until    int          // last year the rule applies in; 0: no bound
	Except   []int        // years in which the rule does not apply
}

// FixedDate returns a rule for the same month and day every year.
func FixedDate(name string, month time.Month, day int) Rule {
	return Rule{Name: name, Kind: FixedDateRule, Month: month, Day: day}
}

// NthWeekday returns a rule for the nth weekday of a month; n < 0 counts
// from the end of the month.
func NthWeekday(name string, month time.Month, weekday time.Weekday, n int) Rule {
	return Rule{Name: name, Kind: NthWeekdayRule, Month: month, Weekday: weekday, Nth: n}
}

// NthWeekdayFrom returns a rule for the nth weekday counted from a day of
// a month: n > 0 counts on or after it, n < 0 on or before it.
func NthWeekdayFrom(name string, month time.Month, day int, weekday time.Weekday, n int) Rule {
	return Rule{Name: name, Kind: NthWeekdayFromRule, Month: month, Day: day, Weekday: weekday, Nth: n}
}

// Easter returns a rule for the day offset days after Western Easter Sunday.
func Easter(name string, offset int) Rule {
	return Rule{Name: name, Kind: EasterRule, Offset: offset}
}

// Equinox returns a rule for the day of the vernal (March) or autumnal
// (September) equinox, as Japan reckons it.
func Equinox(name string, month time.Month) Rule {
	return Rule{Name: name, Kind: EquinoxRule, Month: month}
}

// BetweenHolidays returns a rule that closes each day between two
// holidays of the same list of rules (see BetweenHolidaysRule).
func BetweenHolidays(name string) Rule {
	return Rule{Name: name, Kind: BetweenHolidaysRule}
}

// inYear reports whether the rule applies in year.
func (r *Rule) inYear(year int) bool {
	if (r.From != 0 && year < r.From) || (r.Until != 0 && year > r.Until) {
		return false
	}
	for _, y := range r.Except {
		if y == year {
			return false
		}
	}
	return true
}

// compiledRule is a validated Rule.
type compiledRule struct {
	Rule
	hours []interval
	list  int // which list the rule came in: 0 the calendar's own, i+1 the ith holiday set
}

// contextual reports whether the rule's dates depend on the other
// holidays of its list.
func (r *compiledRule) contextual() bool {
	return r.Kind == BetweenHolidaysRule || r.Observed == NextNonHoliday
}

const (
	maxEasterOffset = 180
	maxExceptYears  = 200
	minRuleYear     = 1
	maxRuleYear     = 9999
)

func compileRule(field string, r Rule) (compiledRule, error) {
	bad := func(sub, value, why string) error { return fieldErr(field+sub, value, why, ErrBadRule) }
	switch r.Kind {
	case FixedDateRule:
		if r.Month < time.January || r.Month > time.December {
			return compiledRule{}, bad(".month", itoa(int(r.Month)), "month out of range")
		}
		if r.Day < 1 || r.Day > gregorian.DaysIn(2000, r.Month) { // 2000 is a leap year
			return compiledRule{}, bad(".day", itoa(r.Day), "day out of range for the month")
		}
	case NthWeekdayRule:
		if r.Month < time.January || r.Month > time.December {
			return compiledRule{}, bad(".month", itoa(int(r.Month)), "month out of range")
		}
		if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
			return compiledRule{}, bad(".weekday", itoa(int(r.Weekday)), "weekday out of range")
		}
		if r.Nth == 0 || r.Nth < -5 || r.Nth > 5 {
			return compiledRule{}, bad(".nth", itoa(r.Nth), "want 1…5 or -1…-5")
		}
	case NthWeekdayFromRule:
		if r.Month < time.January || r.Month > time.December {
			return compiledRule{}, bad(".month", itoa(int(r.Month)), "month out of range")
		}
		if r.Day < 1 || r.Day > gregorian.DaysIn(2000, r.Month) {
			return compiledRule{}, bad(".day", itoa(r.Day), "day out of range for the month")
		}
		if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
			return compiledRule{}, bad(".weekday", itoa(int(r.Weekday)), "weekday out of range")
		}
		if r.Nth == 0 || r.Nth < -5 || r.Nth > 5 {
			return compiledRule{}, bad(".nth", itoa(r.Nth), "want 1…5 (on or after the day) or -1…-5 (on or before it)")
		}
	case EasterRule:
		if r.Offset < -maxEasterOffset || r.Offset > maxEasterOffset {
			return compiledRule{}, bad(".easter", itoa(r.Offset), "offset beyond 180 days")
		}
	case EquinoxRule:
		if r.Month != time.March && r.Month != time.September {
			return compiledRule{}, bad(".month", itoa(int(r.Month)), "an equinox is in month 3 or 9")
		}
	case BetweenHolidaysRule:
		if r.Observed != NotObserved {
			return compiledRule{}, bad(".observed", string(r.Observed), "a day between holidays has no substitute day")
		}
	default:
		return compiledRule{}, bad("", "", "names no date: give month and day, month, weekday and nth, easter, equinox or between")
	}
	// A field the kind does not use is refused, as the JSON form refuses
	// it, rather than dropped. (A weekday's zero is Sunday: Sunday on a
	// kind without one is not told from none.) r.Kind is one of the kinds:
	// the switch above returned otherwise.
	const month, day, weekday, nth, offset = 1, 2, 4, 8, 16
	uses := [...]int{FixedDateRule: month | day, NthWeekdayRule: month | weekday | nth,
		NthWeekdayFromRule: month | day | weekday | nth, EasterRule: offset, EquinoxRule: month, BetweenHolidaysRule: 0}[r.Kind]
	for _, f := range [...]struct {
		field     int
		name, sub string
		value     int
	}{{month, "month", ".month", int(r.Month)}, {day, "day", ".day", r.Day}, {weekday, "weekday", ".weekday", int(r.Weekday)},
		{nth, "nth", ".nth", r.Nth}, {offset, "offset", ".easter", r.Offset}} {
		if f.value != 0 && uses&f.field == 0 {
			return compiledRule{}, bad(f.sub, itoa(f.value), "this kind of rule takes no "+f.name)
		}
	}
	switch r.Observed {
	case NotObserved, FridayBefore, MondayAfter, NearestWeekday, TwoDaysLater, SaturdayBefore, NextNonHoliday:
	default:
		return compiledRule{}, bad(".observed", string(r.Observed), "want friday-before, monday-after, nearest-weekday, two-days-later, saturday-before or next-non-holiday")
	}
	yearOK := func(y int) bool { return y >= minRuleYear && y <= maxRuleYear }
	switch {
	case r.From != 0 && !yearOK(r.From):
		return compiledRule{}, bad(".from", itoa(r.From), "year out of range")
	case r.Until != 0 && !yearOK(r.Until):
		return compiledRule{}, bad(".until", itoa(r.Until), "year out of range")
	case r.From != 0 && r.Until != 0 && r.Until < r.From:
		return compiledRule{}, bad(".until", itoa(r.Until), "before from ("+itoa(r.From)+")")
	case len(r.Except) > maxExceptYears:
		return compiledRule{}, fieldErr(field+".except", "", "more than "+itoa(maxExceptYears)+" years", ErrTooLarge)
	}
	for i, y := range r.Except {
		if !yearOK(y) {
			return compiledRule{}, bad(".except["+itoa(i)+"]", itoa(y), "year out of range")
		}
	}
	hours, err := parseHours(field+".hours", r.Hours)
	if err != nil {
		return compiledRule{}, err
	}
	r.Except = slices.Clone(r.Except) // the caller keeps its slice
	return compiledRule{Rule: r, hours: hours}, nil
}

// dates returns the rule's dates in year: its own date and, if shifted, the
// observed one. ok is false when the rule has no date that year. For
// NextNonHoliday the observed date is the Monday; the engine moves it on
// past its list's holidays. A BetweenHolidaysRule has no date of its own:
// the engine finds its days.
func (r *compiledRule) dates(year int) (own, observed date.Date, ok bool) {
	if !r.inYear(year) {
		return 0, 0, false
	}
	switch r.Kind {
	case FixedDateRule:
		if r.Day > gregorian.DaysIn(year, r.Month) {
			return 0, 0, false
		}
		own = date.New(year, r.Month, r.Day)
	case NthWeekdayRule:
		var d date.Date
		if r.Nth > 0 {
			first := date.New(year, r.Month, 1)
			d = first + date.Date((int(r.Weekday)-int(first.Weekday())+7)%7+7*(r.Nth-1))
		} else {
			last := date.New(year, r.Month, gregorian.DaysIn(year, r.Month))
			d = last - date.Date((int(last.Weekday())-int(r.Weekday)+7)%7+7*(-r.Nth-1))
		}
		if d.Month() != r.Month || d.Year() != year {
			return 0, 0, false
		}
		own = d
	case NthWeekdayFromRule:
		if r.Day > gregorian.DaysIn(year, r.Month) {
			return 0, 0, false
		}
		from := date.New(year, r.Month, r.Day)
		if r.Nth > 0 {
			own = from + date.Date((int(r.Weekday)-int(from.Weekday())+7)%7+7*(r.Nth-1))
		} else {
			own = from - date.Date((int(from.Weekday())-int(r.Weekday)+7)%7+7*(-r.Nth-1))
		}
	case EasterRule:
		own = easterSunday(year) + date.Date(r.Offset)
	case EquinoxRule:
		d, ok := equinoxDay(year, r.Month)
		if !ok {
			return 0, 0, false
		}
		own = date.New(year, r.Month, d)
	default:
		return 0, 0, false
	}
	return own, observe(own, r.Observed), true
}

// observe shifts a weekend date as o says.
func observe(d date.Date, o Observed) date.Date {
	switch d.Weekday() {
	case time.Saturday:
		switch o {
		case FridayBefore, NearestWeekday:
			return d - 1
		case MondayAfter, TwoDaysLater:
			return d + 2
		}
	case time.Sunday:
		switch o {
		case FridayBefore:
			return d - 2
		case MondayAfter, NearestWeekday, NextNonHoliday:
			return d + 1
		case TwoDaysLater:
			return d + 2
		case SaturdayBefore:
			return d - 1
		}
	}
	return d
}

// equinoxDay returns the day of March (vernal) or September (autumnal)
// of Japan's equinox holiday in year, by the formula the National
// Astronomical Observatory of Japan publishes and rickar/cal uses:
//
//	day = floor(c + 0.242194·(year−1980) − floor((year−1980)/4))
//
// with c = 20.8357 (March) and 23.2588 (September) for 1900–1979, 20.8431
// and 23.2488 for 1980–2099, 21.8510 and 24.2488 for 2100–2150; other
// years have none. The formula is a prediction: the Cabinet fixes each
// year's equinox days in the official gazette in February of the year
// before, from the Observatory's ephemeris. It is computed here in
// millionths, exactly.
func equinoxDay(year int, month time.Month) (int, bool) {
	var vernal, autumnal int64 // the constants, in millionths of a day
	switch {
	case year < 1900 || year > 2150:
		return 0, false
	case year < 1980:
		vernal, autumnal = 20_835_700, 23_258_800
	case year < 2100:
		vernal, autumnal = 20_843_100, 23_248_800
	default:
		vernal, autumnal = 21_851_000, 24_248_800
	}
	c := vernal
	if month == time.September {
		c = autumnal
	}
	k := int64(year - 1980)
	return int(floorDiv(c+242_194*k, 1_000_000) - floorDiv(k, 4)), true
}

// easterSunday returns Western Easter Sunday of a Gregorian year, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easterSunday(year int) date.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date.New(year, time.Month(month), day)
}
