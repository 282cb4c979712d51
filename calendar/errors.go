package calendar

import (
	"errors"

	"github.com/replyby/replyby/calendar/strictjson"
)

// Sentinel errors. Every error returned by New, Parse, Union, Intersect,
// In and ParseICS wraps one of them (ErrBadICS is declared with
// ParseICS), so callers can test the kind of problem with errors.Is.
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
	// a syntax error, a wrong type, an unknown or repeated field.
	ErrBadJSON = errors.New("bad calendar JSON")
	// ErrTooLarge reports a calendar with more overrides or rules than the
	// documented limits, or an iCalendar document beyond ParseICS's.
	ErrTooLarge = errors.New("too large")
	// ErrNoJSON reports a calendar (a Union or Intersect) that has no JSON
	// form, and so no definition In can place in another zone.
	ErrNoJSON = errors.New("no JSON form")
)

// Error describes a problem with a calendar definition: where it is, the
// offending input and what is wrong. Every error of New, Parse, Union,
// Intersect, In and ParseICS is an *Error.
type Error struct {
	// Path names the field of the JSON form at fault, such as
	// "week.mon[1]" or "rules[2].nth", or the line and property of an
	// iCalendar document, "line 42: DTSTART" ("ics[0]: line 42: DTSTART"
	// through the ICS option); "" for the definition as a whole.
	Path string
	// Input is the offending text, if any.
	Input string
	// Reason says what is wrong, in a few words.
	Reason string
	// Err is the sentinel the error wraps: ErrBadInterval, ErrBadDate, ….
	Err error
}

// Error formats the problem as `calendar: path: "input": reason`, leaving
// out what is empty; without a reason it gives the sentinel's text.
func (e *Error) Error() string {
	return strictjson.Format("calendar: ", e.Path, e.Input, e.Reason, e.Err)
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

func fieldErr(path, input, reason string, sentinel error) error {
	return &Error{Path: path, Input: input, Reason: reason, Err: sentinel}
}
