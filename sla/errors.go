package sla

import (
	"errors"

	"github.com/replyby/replyby/calendar/strictjson"
)

// Sentinel errors. Every error this package returns is an *Error that
// wraps one of them (or, for a calendar of a policy document, one of
// package calendar's), so callers can test the kind of problem with
// errors.Is.
var (
	// ErrBadDuration means a duration is malformed, negative, too long,
	// or written with years, months or weeks.
	ErrBadDuration = errors.New("bad duration")
	// ErrBadLevel means an escalation level is malformed: its trigger,
	// name or notify list.
	ErrBadLevel = errors.New("bad escalation level")
	// ErrBadPolicy means a policy or policy document is malformed.
	ErrBadPolicy = errors.New("bad policy")
	// ErrNoFallback means the last policy of a set does not match every
	// inquiry, or a policy that does is not the last, or the set is
	// empty.
	ErrNoFallback = errors.New("the last policy must match every inquiry, and only the last")
	// ErrUnknownCalendar means a name refers to no calendar of the set.
	ErrUnknownCalendar = errors.New("unknown calendar")
	// ErrBadInquiry means an inquiry lacks its arrival time or channel,
	// or has a party that is neither prospect nor customer.
	ErrBadInquiry = errors.New("bad inquiry")
	// ErrBadEvent means an event is malformed: an unknown type, a zero
	// time, a missing field.
	ErrBadEvent = errors.New("bad event")
	// ErrEventBeforeInquiry means an event happened before its inquiry
	// was received.
	ErrEventBeforeInquiry = errors.New("event before the inquiry was received")
	// ErrBadKey means a text is not an obligation key (see ParseKey).
	ErrBadKey = errors.New("bad obligation key")
	// ErrBadState means a text is not the name of a State.
	ErrBadState = errors.New("bad obligation state")
)

// An Error says what is wrong with an input of this package, and where.
type Error struct {
	// Path names the place at fault as in the JSON form of the input:
	// "policies[1].targets.first_reply.within" in a policy document,
	// `calendars["nyc"].week.mon[0]` in one of its calendars,
	// "events[3].channel" in an event log (the index in the slice given
	// to Evaluate), "inquiry.channel" for the inquiry; "" for the input
	// as a whole.
	Path string
	// Input is the offending text, if any.
	Input string
	// Reason says what is wrong, in a few words.
	Reason string
	// Err is the sentinel the error wraps.
	Err error
}

// Error formats the problem as `sla: path: "input": reason`, leaving out
// what is empty; without a reason it gives the sentinel's text.
func (e *Error) Error() string {
	return strictjson.Format("sla: ", e.Path, e.Input, e.Reason, e.Err)
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

// errAt returns an *Error at path.
func errAt(path, input, reason string, sentinel error) *Error {
	return &Error{Path: path, Input: input, Reason: reason, Err: sentinel}
}

// errUnder returns err placed under path: an *Error of this package with path
// in front of its own, or a new *Error at path wrapping err.
func errUnder(path string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Path = strictjson.JoinPath(path, e.Path)
		return &c
	}
	return &Error{Path: path, Reason: err.Error(), Err: err}
}
