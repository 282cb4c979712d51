package calendar

import (
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/rickb777/date/v2"
)

// Limits on the size of a calendar definition, so that a hostile or broken
// document cannot make construction slow or large.
const (
	maxIntervalsPerDay = 48
	maxOverrides       = 10000 // closed and open entries, each
	maxRules           = 100
)

// doc is the JSON form of a calendar; see the package documentation.
type doc struct {
	Name     string    `json:"name,omitempty"`
	Always   bool      `json:"always,omitempty"`
	Zone     string    `json:"zone,omitempty"`
	Week     docWeek   `json:"week,omitzero"`
	Closed   []docDay  `json:"closed,omitempty"`
	Open     []docDay  `json:"open,omitempty"`
	Rules    []docRule `json:"rules,omitempty"`
	Holidays []string  `json:"holidays,omitempty"`
}

type docWeek struct {
	Mon []string `json:"mon,omitempty"`
	Tue []string `json:"tue,omitempty"`
	Wed []string `json:"wed,omitempty"`
	Thu []string `json:"thu,omitempty"`
	Fri []string `json:"fri,omitempty"`
	Sat []string `json:"sat,omitempty"`
	Sun []string `json:"sun,omitempty"`
}

// empty reports whether w has no hours on any day.
func (w *docWeek) empty() bool {
	return w.Mon == nil && w.Tue == nil && w.Wed == nil && w.Thu == nil && w.Fri == nil && w.Sat == nil && w.Sun == nil
}

func (w *docWeek) day(d time.Weekday) *[]string {
	return [7]*[]string{&w.Sun, &w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat}[d]
}

type docDay struct {
	Date  string   `json:"date"`
	Hours []string `json:"hours,omitempty"`
	Name  string   `json:"name,omitempty"`
}

type docRule struct {
	Name     string   `json:"name,omitempty"`
	Month    int      `json:"month,omitempty"`
	Day      int      `json:"day,omitempty"`
	Weekday  string   `json:"weekday,omitempty"`
	Nth      int      `json:"nth,omitempty"`
	Easter   *int     `json:"easter,omitempty"`
	Equinox  bool     `json:"equinox,omitempty"`
	Between  bool     `json:"between,omitempty"`
	Observed string   `json:"observed,omitempty"`
	Hours    []string `json:"hours,omitempty"`
	From     int      `json:"from,omitempty"`
	Until    int      `json:"until,omitempty"`
	Except   []int    `json:"except,omitempty"`
}

// Parse reads a calendar from its JSON form (see the package documentation).
// Member names match exactly, unknown and repeated members are refused, and
// every error is an *Error that names the field at fault and wraps one of
// the package's sentinel errors.
func Parse(data []byte) (*Calendar, error) {
	var d doc
	if err := strictjson.Decode(data, &d); err != nil {
		var je *strictjson.Error
		if !errors.As(err, &je) || je.Reason == "" {
			return nil, fieldErr("", "", err.Error(), ErrBadJSON)
		}
		return nil, fieldErr(je.Path, "", je.Reason, ErrBadJSON)
	}
	if d.Always {
		if d.Zone != "" || !d.Week.empty() || d.Closed != nil || d.Open != nil || d.Rules != nil || d.Holidays != nil {
			return nil, fieldErr("always", "", "an always-open calendar takes no zone, week, closed, open, rules or holidays", ErrBadJSON)
		}
		c := Always()
		c.name = d.Name
		return c, nil
	}
	if d.Zone == "" {
		return nil, fieldErr("zone", "", "missing: name an IANA time zone such as \"Europe/London\"", ErrBadZone)
	}
	loc, err := time.LoadLocation(d.Zone)
	if err != nil || d.Zone == "Local" {
		return nil, fieldErr("zone", d.Zone, "unknown time zone", ErrBadZone)
	}
	rules := make([]Rule, len(d.Rules))
	for i, r := range d.Rules {
		if rules[i], err = r.rule("rules[" + itoa(i) + "]"); err != nil {
			return nil, err
		}
	}
	return build(&d, loc, rules)
}

func (r docRule) rule(field string) (Rule, error) {
	out := Rule{Name: r.Name, Month: time.Month(r.Month), Day: r.Day, Nth: r.Nth, Observed: Observed(r.Observed), Hours: r.Hours,
		From: r.From, Until: r.Until, Except: r.Except}
	switch {
	case r.Easter != nil:
		if r.Month != 0 || r.Day != 0 || r.Weekday != "" || r.Nth != 0 || r.Equinox || r.Between {
			return Rule{}, fieldErr(field, "", "easter takes no month, day, weekday, nth, equinox or between", ErrBadRule)
		}
		out.Kind, out.Offset = EasterRule, *r.Easter
	case r.Equinox:
		if r.Day != 0 || r.Weekday != "" || r.Nth != 0 || r.Between {
			return Rule{}, fieldErr(field, "", "equinox takes a month (3 or 9) and no day, weekday, nth or between", ErrBadRule)
		}
		out.Kind = EquinoxRule
	case r.Between:
		if r.Month != 0 || r.Day != 0 || r.Weekday != "" || r.Nth != 0 {
			return Rule{}, fieldErr(field, "", "between takes no month, day, weekday or nth", ErrBadRule)
		}
		out.Kind = BetweenHolidaysRule
	case r.Weekday != "" || r.Nth != 0:
		wd, ok := parseWeekday(r.Weekday)
		if !ok {
			return Rule{}, fieldErr(field+".weekday", r.Weekday, "want mon, tue, wed, thu, fri, sat or sun", ErrBadRule)
		}
		out.Kind, out.Weekday = NthWeekdayRule, wd
		if r.Day != 0 {
			out.Kind = NthWeekdayFromRule // the nth weekday counted from that day
		}
	case r.Month != 0 || r.Day != 0:
		out.Kind = FixedDateRule
	}
	return out, nil
}

func (r Rule) doc() docRule {
	out := docRule{Name: r.Name, Observed: string(r.Observed), Hours: r.Hours, From: r.From, Until: r.Until, Except: r.Except}
	switch r.Kind {
	case FixedDateRule:
		out.Month, out.Day = int(r.Month), r.Day
	case NthWeekdayRule:
		out.Month, out.Weekday, out.Nth = int(r.Month), weekdayKeys[r.Weekday], r.Nth
	case NthWeekdayFromRule:
		out.Month, out.Day, out.Weekday, out.Nth = int(r.Month), r.Day, weekdayKeys[r.Weekday], r.Nth
	case EasterRule:
		off := r.Offset
		out.Easter = &off
	case EquinoxRule:
		out.Month, out.Equinox = int(r.Month), true
	case BetweenHolidaysRule:
		out.Between = true
	}
	return out
}

// MarshalJSON writes the calendar's JSON form, which Parse reads back into
// the same calendar. Always (and the zero or nil Calendar, which are the
// same calendar) is written {"name": "always", "always": true}. A Union or
// Intersect has no JSON form (ErrNoJSON), nor has a calendar whose zone has
// no IANA name.
func (c *Calendar) MarshalJSON() ([]byte, error) {
	switch {
	case c == nil || c.eng == nil:
		return json.Marshal(doc{Name: c.Name(), Always: true})
	case c.doc == nil:
		return nil, fieldErr("", c.name, "a Union or Intersect", ErrNoJSON)
	}
	if !c.namedZone() {
		return nil, fieldErr("zone", c.doc.Zone, "a zone without an IANA name", ErrNoJSON)
	}
	return json.Marshal(c.doc)
}

// namedZone reports whether the zone's name loads, with time.LoadLocation,
// a zone with the same offsets over the supported range: not so for
// "Local", for a time.FixedZone with no name, or with a name such as
// "UTC" that names another zone.
func (c *Calendar) namedZone() bool {
	b, ok := c.eng.(*base)
	if !ok || c.doc.Zone == "" || c.doc.Zone == "Local" {
		return false
	}
	loc, err := time.LoadLocation(c.doc.Zone)
	if err != nil {
		return false
	}
	lo := dayStart(windowFirst) - 2*secondsPerDay
	hi := dayStart(windowLast) + 2*secondsPerDay
	off0, trans := zoneTransitions(loc, lo, hi)
	return off0 == b.off0 && slices.Equal(trans, b.trans)
}

// UnmarshalJSON sets *c to the calendar read by Parse. Like Parse it refuses
// a bad document with an error that names the field.
func (c *Calendar) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*c = *p
	return nil
}

// parseDate reads an ISO 8601 calendar date ("2026-12-24").
func parseDate(field, s string) (date.Date, error) {
	d, err := date.ParseISO(s)
	if err != nil || len(s) != 10 {
		return 0, fieldErr(field, s, `want a date "YYYY-MM-DD"`, ErrBadDate)
	}
	if d.String() != s {
		// date.ParseISO rolls 2026-02-30 over to March 2.
		return 0, fieldErr(field, s, "no such date", ErrBadDate)
	}
	return d, nil
}
