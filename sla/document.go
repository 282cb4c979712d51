package sla

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/calendar/strictjson"
)

// ParsePolicies reads a policy set from its JSON document ([Document]):
// calendars in calendar.Parse's form keyed by name, the host's statuses,
// natural answers, and policies in order, the last being the fallback,
// each in the JSON form of [Policy]. Durations are Go
// durations ("4h") or ISO 8601 ("PT4H", "P1D"); see [Duration]. Member
// names match exactly, and unknown or repeated members are refused.
// Errors are *Error naming the offending value with the indices of the
// lists it is in, also inside a calendar:
//
//	sla: policies[2].targets.first_reply.within: "4x": want a Go duration …
//	sla: policies[0].targets.resolution.escalation[1].notifyy: unknown field
//	sla: calendars["nyc"].week.mon[0]: "25:00-26:00": hour out of range
//
// They wrap ErrBadPolicy, ErrBadDuration, ErrBadLevel, ErrNoFallback,
// ErrUnknownCalendar or the calendar package's errors.
func ParsePolicies(data []byte) (*PolicySet, error) {
	var doc Document
	if err := strictjson.Decode(data, &doc); err != nil {
		return nil, documentError(err)
	}
	return NewPolicySet(doc)
}

// documentError turns an error of the decoder into an *Error at the full
// path of the offending value.
func documentError(err error) error {
	var je *strictjson.Error
	if !errors.As(err, &je) {
		return errAt("", "", err.Error(), ErrBadPolicy)
	}
	var ce *calendar.Error
	var se *Error
	switch {
	case errors.As(je.Err, &ce):
		return errAt(strictjson.JoinPath(je.Path, ce.Path), ce.Input, ce.Reason, ce.Err)
	case errors.As(je.Err, &se):
		return errUnder(je.Path, se)
	}
	reason := je.Reason
	if reason == "" {
		reason = je.Err.Error()
	}
	return errAt(je.Path, "", reason, ErrBadPolicy)
}

// MustParsePolicies is like ParsePolicies but panics on error. It is meant
// for documents that are constants in code and tests.
func MustParsePolicies(data []byte) *PolicySet {
	ps, err := ParsePolicies(data)
	if err != nil {
		panic(err)
	}
	return ps
}

// MarshalJSON writes the set as the document ParsePolicies reads, so that
// parsing what it writes gives an equal set. A set with no policy (the zero
// PolicySet) has no such document: it gives an error wrapping
// ErrNoFallback. A set with a calendar that has no JSON form (a Union or
// Intersect) gives the calendar's error, at the calendar's path.
func (ps *PolicySet) MarshalJSON() ([]byte, error) {
	if ps == nil || len(ps.doc.Policies) == 0 {
		return nil, errAt("", "", "the policy set has no policy, so no document", ErrNoFallback)
	}
	for _, name := range slices.Sorted(maps.Keys(ps.calendars)) {
		if _, err := ps.calendars[name].MarshalJSON(); err != nil {
			var ce *calendar.Error
			if errors.As(err, &ce) {
				return nil, errAt(strictjson.Join("calendars", name), ce.Input, ce.Reason, ce.Err)
			}
			return nil, errAt(strictjson.Join("calendars", name), "", err.Error(), err)
		}
	}
	return json.Marshal(ps.doc)
}
