package calendar

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error returned by New, Parse, Union and Intersect
// wraps one of them, so callers can test the kind of problem with errors.Is.
var (
	// ErrNeverOpen reports a calendar that would leave a search unbounded:
	// an empty weekly template, or overrides that close a whole year.
	ErrNeverOpen = errors.New("never open")
	// ErrBadInterval reports a malformed wall-clock interval such as "25:00-26:00".
	ErrBadInterval = errors.New("bad interval")
	// ErrBadZone reports a missing or unknown IANA time zone.
	ErrBadZone = errors.New("bad zone")
	// ErrBadDate reports a malformed or out-of-range date in an override.
	ErrBadDate = errors.New("bad date")
	// ErrBadRule reports a yearly rule that names no date or an impossible one.
	ErrBadRule = errors.New("bad rule")
	// ErrBadJSON reports a document that is not the calendar JSON form:
	// a syntax error, a wrong type, or an unknown field.
	ErrBadJSON = errors.New("bad calendar JSON")
	// ErrTooLarge reports a calendar with more overrides or rules than the
	// documented limits.
	ErrTooLarge = errors.New("too large")
	// ErrNoJSON reports a calendar (a Union or Intersect) that has no JSON form.
	ErrNoJSON = errors.New("no JSON form")
)

// Error describes a problem with one field of a calendar definition. Field is
// the path of the field in the JSON form (for example "week.mon[1]"), Value
// the offending text, and Err the sentinel it wraps.
type Error struct {
	Field  string // path in the JSON form, such as "rules[2].nth"
	Value  string // the offending input, if any
	Reason string // what is wrong, in a few words
	Err    error  // the sentinel: ErrBadInterval, ErrBadDate, …
}

// Error formats the problem as `field: "value": reason`.
func (e *Error) Error() string {
	s := e.Field
	if e.Value != "" {
		if s != "" {
			s += ": "
		}
		s += strconv.Quote(e.Value)
	}
	if s != "" {
		s += ": "
	}
	if e.Reason != "" {
		return s + e.Reason
	}
	return s + e.Err.Error()
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

func fieldErr(field, value, reason string, sentinel error) error {
	return &Error{Field: field, Value: value, Reason: reason, Err: sentinel}
}
