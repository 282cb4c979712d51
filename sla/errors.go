package sla

import (
	"errors"
	"strconv"
)

// Sentinel errors. The errors this package returns about malformed or
// inconsistent input wrap one of them, or one of the Ledger's
// (ErrDuplicateInquiry, ErrUnknownInquiry, ErrBadSnapshot, ErrMonitored), so
// callers can test with errors.Is. Errors of an io.Writer given to the
// package are passed on, wrapped; a nil writer or callback, a programming
// error, gives a plain error.
var (
	// ErrBadDuration means a duration is malformed, negative, or written
	// with years, months or weeks.
	ErrBadDuration = errors.New("bad duration")
	// ErrBadLevel means an escalation level's trigger is malformed.
	ErrBadLevel = errors.New("bad escalation level")
	// ErrBadPolicy means a policy or policy document is malformed.
	ErrBadPolicy = errors.New("bad policy")
	// ErrNoFallback means the last policy of a set does not match every
	// inquiry, or a policy that does is not the last.
	ErrNoFallback = errors.New("the last policy must match every inquiry, and only the last")
	// ErrUnknownCalendar means a name refers to no calendar of the set.
	ErrUnknownCalendar = errors.New("unknown calendar")
	// ErrBadInquiry means an inquiry lacks its arrival time or channel.
	ErrBadInquiry = errors.New("bad inquiry")
	// ErrBadEvent means an event is malformed: an unknown type, a zero
	// time, a missing field.
	ErrBadEvent = errors.New("bad event")
	// ErrEventBeforeInquiry means an event happened before its inquiry
	// was received.
	ErrEventBeforeInquiry = errors.New("event before the inquiry was received")
	// ErrEventOutOfSequence means an event makes no sense where it stands
	// in the log: a Resume without a Wait, a Reopen of an open inquiry,
	// a Held without an appointment waiting to be held, or naming (by its
	// Due) none.
	ErrEventOutOfSequence = errors.New("event out of sequence")
	// ErrBadKey means a text is not an obligation key (see ParseKey).
	ErrBadKey = errors.New("bad obligation key")
	// ErrBadState means a text is not the name of a State, or a State
	// is none of the constants.
	ErrBadState = errors.New("bad obligation state")
)

// ConfigError reports where in a policy document, or in policies built in
// Go, something is wrong. Path is written as in the JSON document,
// policies[2].targets.first_reply.within, and is empty only when the
// document as a whole is malformed: not JSON, not an object, or followed
// by more data.
type ConfigError struct {
	Path string
	Err  error
}

// Error returns the path, if any, and what is wrong there.
func (e *ConfigError) Error() string {
	if e.Path == "" {
		return "sla: policy document: " + e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// EventError reports which event of a log is wrong. Index is the event's
// position in the slice given to Evaluate, before any sorting.
type EventError struct {
	Index int
	Type  EventType
	Err   error
}

// Error formats the problem as "event N (type): reason".
func (e *EventError) Error() string {
	s := "event " + strconv.Itoa(e.Index)
	if e.Type != "" {
		s += " (" + string(e.Type) + ")"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *EventError) Unwrap() error { return e.Err }
