package sla

import (
	"time"

	"github.com/replyby/replyby/calendar/strictjson"
)

// ParseInquiry reads an inquiry from its JSON form, as encoding/json
// writes an [Inquiry]:
//
//	{"id": "T-1", "channel": "web_form", "reply_to": ["email", "phone"],
//	 "class": {"party": "customer", "kind": "complaint"},
//	 "received": "2026-03-09T09:00:00-05:00", "labels": ["vip"]}
//
// Decoding is strict, as [ParsePolicies]'s, and the inquiry must be
// well-formed (a channel, a received time, a known party). Errors are
// *Error naming the offending value ("inquiry.class.party") and wrap
// ErrBadInquiry.
func ParseInquiry(data []byte) (Inquiry, error) {
	var inq Inquiry
	if err := strictjson.Decode(data, &inq); err != nil {
		return Inquiry{}, wireError("inquiry", err, ErrBadInquiry)
	}
	if err := inq.check(); err != nil {
		return Inquiry{}, err
	}
	return inq, nil
}

// ParseEvent reads one event from its JSON form, as encoding/json writes
// an [Event]:
//
//	{"time": "2026-03-09T10:00:00Z", "type": "promise", "ref": "callback",
//	 "channel": "phone", "due": "2026-03-10T12:00:00Z"}
//
// Decoding is strict, as [ParsePolicies]'s, and the event must be
// well-formed on its own: a time, a known type, only the fields its type
// uses, and what its type requires. Whether it makes sense where it stands
// in a log is for evaluation to say (an anomaly otherwise). Errors are
// *Error naming the offending value ("event.due") and wrap ErrBadEvent
// (ErrBadKey for an override's obligation).
func ParseEvent(data []byte) (Event, error) {
	var e Event
	if err := strictjson.Decode(data, &e); err != nil {
		return Event{}, wireError("event", err, ErrBadEvent)
	}
	if err := e.check(time.Time{}); err != nil {
		return Event{}, errUnder("event", err)
	}
	return e, nil
}

// Check reports whether e is well-formed on its own, as ParseEvent checks
// it, for a host that builds events itself and wants to refuse a bad one
// where it comes in. Errors are *Error naming the field ("channel") and
// wrap ErrBadEvent.
func (e *Event) Check() error { return e.check(time.Time{}) }

// ParseEvents reads a JSON list of events, each as [ParseEvent] reads
// one, in the order given (which need not be time order). Errors name the
// event by its index: "events[3].type".
func ParseEvents(data []byte) ([]Event, error) {
	var events []Event
	if err := strictjson.Decode(data, &events); err != nil {
		return nil, wireError("events", err, ErrBadEvent)
	}
	for i := range events {
		if err := events[i].check(time.Time{}); err != nil {
			return nil, errUnder(strictjson.Index("events", i), err)
		}
	}
	return events, nil
}

// wireError turns an error of the decoder into an *Error at the full path
// of the offending value under root, wrapping sentinel.
func wireError(root string, err error, sentinel error) error {
	e := documentError(err).(*Error)
	if e.Err == ErrBadPolicy {
		e.Err = sentinel
	}
	e.Path = strictjson.JoinPath(root, e.Path)
	return e
}
