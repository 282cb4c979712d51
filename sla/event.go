package sla

import (
	"slices"
	"time"

	"github.com/replyby/replyby/calendar/strictjson"
)

// An EventType says what happened to an inquiry, in the words of a
// conversation. Each constant's comment is the rule for that event; a
// rule says "anomaly" where an event that makes no sense at its point in
// the log is ignored and reported in [Status.Anomalies] instead of
// refusing the log.
type EventType string

// Events take effect in log order: by time, and in the order given for
// equal times. At an instant, the events come before the due times and
// levels the clocks reach then: a reply at an obligation's due time meets
// it on time, and a Resolve then cancels it.
const (
	// CustomerMessage: the customer wrote or called again, on Channel.
	// While a reply is owed it is a nudge (they chase us); otherwise a
	// reply is owed again from it (a next reply). Its Channel counts as
	// offered for answers from then on; a message without a Channel is on
	// the inquiry's channel (for the SameChannel rule) and offers
	// nothing. It ends the host status if that status says
	// ends_on_customer_message (see [HostStatus]).
	CustomerMessage EventType = "customer_message"
	// Reply: a person answered, on Channel (required). Whether it counts
	// — meets reply obligations, keeps promises to get back, meets the
	// periodic update — is the policy's [ReplyRule], with the channels'
	// natural answers ([Document.Answers]). A reply that does not count
	// meets nothing; one on a channel the customer never offered is a
	// [Violation].
	Reply EventType = "reply"
	// AutoReply: an automatic acknowledgement. It is counted but never
	// meets anything.
	AutoReply EventType = "auto_reply"

	// Promise: we promised something, due by Due (required, not before
	// Time), named by Ref (the host's name for it; empty means its key,
	// "promise_kept#2"; a Ref already naming an open promise is an
	// anomaly). PromiseKind says what: to get back ([GetBack], the
	// default), kept by a reply that counts, on Channel if the promise
	// names one, at or after From (the start of the window, if any: "I'll
	// call you on Tuesday" is From Tuesday 00:00, Due Tuesday 17:00); or
	// to do something ([DoSomething]), kept only by a PromiseDone naming
	// it, or by a Resolve if the promise target says resolve_keeps. A
	// promise to do something has no window. Nothing else keeps a
	// promise: an apology is not the fix, and resolving the inquiry does
	// not keep a promise to get back.
	Promise EventType = "promise"
	// PromiseDone: what the promise named by Ref (required) promised was
	// done. It keeps the promise, on time or late. Naming no open promise
	// is an anomaly.
	PromiseDone EventType = "promise_done"
	// PromiseRenegotiated: a new due time (Due, and From for a window)
	// was agreed for the promise named by Ref (required). The promise
	// stays open with the new due time, the old one is kept in its
	// Revisions; lateness is final, so a promise already broken stays
	// broken until kept late. Naming no open promise is an anomaly.
	PromiseRenegotiated EventType = "promise_renegotiated"
	// PromiseWithdrawn: the promise named by Ref (required) no longer
	// stands. It is cancelled, or, if already broken, stays breached and
	// stops escalating. Naming no open promise is an anomaly.
	PromiseWithdrawn EventType = "promise_withdrawn"

	// Appointment: a call or meeting is scheduled to begin at Due
	// (required, not before Time), on Channel, named by Ref (the host's
	// name for it; empty means its key, "appointment_kept#1"; a Ref
	// already naming an open appointment is an anomaly). It is kept by an
	// AppointmentHeld by Due plus the appointment target's grace. When the
	// customer asked for a meeting (the Meeting channel is offered, or is
	// a natural answer of an offered channel), scheduling one answers
	// them: it meets the reply owed, as a reply that counts does.
	Appointment EventType = "appointment"
	// AppointmentHeld: the appointment named by Ref began at Time: it is
	// kept, on time or late. Without a Ref (a host that keeps no
	// identity) it is the latest appointment not yet held whose scheduled
	// time is at or before Time — one that has begun —; with none, it is
	// an anomaly. An appointment that has not begun is never credited
	// that way.
	AppointmentHeld EventType = "appointment_held"
	// AppointmentMissed: we missed the appointment named by Ref. It is
	// breached at Time (at once, if the grace has not run out), and stops
	// escalating. Before its scheduled time, or naming no open
	// appointment, it is an anomaly.
	AppointmentMissed EventType = "appointment_missed"
	// AppointmentNoShow: the customer did not come to the appointment
	// named by Ref: it is cancelled, not our breach — if recorded within
	// the grace; once the grace has run out it stays breached. Before its
	// scheduled time, or naming no open appointment, it is an anomaly.
	AppointmentNoShow EventType = "appointment_no_show"
	// AppointmentCancelled: the appointment named by Ref was called off by
	// By ([Us] or [TheCustomer]), with Reason. It is cancelled (or, if
	// already breached, stays breached and stops escalating); how late
	// it was called off is its Due less its DoneAt. Naming no open
	// appointment is an anomaly.
	AppointmentCancelled EventType = "appointment_cancelled"
	// AppointmentRescheduled: the appointment named by Ref now begins at
	// Due. It stays open with the new time, the old one kept in its
	// Revisions; lateness is final. Naming no open appointment is an
	// anomaly.
	AppointmentRescheduled EventType = "appointment_rescheduled"

	// StatusChange: the host's own status of the inquiry is now Status
	// (required). The policy document says what each status means
	// ([HostStatus]): which metrics' clocks stand still while in it,
	// which resolve the inquiry (entering one is a Resolve; leaving it for
	// one that does not resolve is a Reopen — an inquiry resolved by a
	// Resolve event stays resolved whatever status follows, until a
	// Reopen). The same status again changes nothing; a status the
	// document does not define is an anomaly.
	StatusChange EventType = "status_change"
	// Resolve: the inquiry is resolved. Replies owed and the periodic
	// update are no longer owed; promises stand (but for a promise to do
	// something whose target says resolve_keeps). Resolving a resolved
	// inquiry is an anomaly.
	Resolve EventType = "resolve"
	// Reopen: a resolved inquiry is open again; the resolution clock
	// continues where it stopped, or, if the resolution target says
	// new_cycle_on_reopen, a new resolution obligation starts
	// ("resolution#2"). Reopening an open inquiry is an anomaly.
	Reopen EventType = "reopen"
	// Reclassify: the inquiry's party, kind or priority changes (the
	// non-empty fields of Class), labels are added (AddLabels) and removed
	// (RemoveLabels), and with them possibly the policy.
	//
	// The policy is selected again for the new class and labels, and
	// every open obligation takes the new policy's target for its metric,
	// keeping its start and the business time it has used so far (counted
	// in the old target's calendar up to the Reclassify, in the new one's
	// after). A day-based target is converted to business time from the
	// obligation's start. So a raise to a tighter target can breach at
	// once, at the Reclassify (its Due is then the instant its business
	// time ran out, before the Reclassify, as its Remaining says); a
	// looser one cannot undo a breach. An obligation whose metric loses
	// its target is cancelled (or, if already breached, stays breached and
	// stops escalating); one whose metric gains a target is tracked from
	// its own start, its business time counted in the new calendar.
	// Levels that fired stay fired (by name).
	//
	// What the customer needs does not go away with a target: an
	// obligation cancelled (or, if breached, no longer escalating) because
	// its target was lost lapses, and a later Reclassify that gives its
	// metric a target again tracks it again, with its start and the
	// business time it used, plus the time since it lapsed counted in the
	// new calendar as if it had been tracked all along (its clock standing
	// still while the host status paused it, or, for the resolution,
	// while the inquiry was resolved). It is then open (or breached)
	// again, with no DoneAt, and may breach at once. What would have met
	// or ended it ends the lapse for good: a counting reply (reply
	// obligations, updates, promises to get back), a PromiseDone, an
	// appointment event naming it, a Resolve. A resolution that lapsed and
	// was then resolved lapses again at a Reopen, and is tracked again
	// then if the policy in force has a resolution target. A team's
	// obligation does not lapse: losing its target cancels it.
	Reclassify EventType = "reclassify"
	// Assign: the inquiry's owner becomes Owner and its team Team (""
	// for nobody, no team). A team's targets ([Policy.Teams]) count only
	// while the inquiry is assigned to that team.
	Assign EventType = "assign"
	// Override: a person moved the due time of the obligation named by
	// Obligation to Due, with Actor and Reason; it is kept in the
	// obligation's Revisions and counted apart in reports. From then on
	// the obligation is due at Due if its clock keeps running (time it
	// stands still pushes it back, as for any due time); a Due already
	// past breaches it at once. Naming no open obligation is an anomaly,
	// and so is naming a breached one: lateness is final.
	Override EventType = "override"
)

// A PromiseKind says what a Promise promised.
type PromiseKind string

// Promise kinds.
const (
	// GetBack: to get back to the customer, kept by a reply that counts.
	// The default, also written "".
	GetBack PromiseKind = "get_back"
	// DoSomething: to do something, kept only by a PromiseDone (or a
	// Resolve, if the promise target says resolve_keeps).
	DoSomething PromiseKind = "do_something"
)

// A Side says who did something to an appointment.
type Side string

// Sides.
const (
	// Us: the business.
	Us Side = "us"
	// TheCustomer: the customer.
	TheCustomer Side = "customer"
)

// An Event is one entry of an inquiry's append-only log. Which fields an
// event uses depends on its Type; the others must be empty (an event
// that sets a field its type does not use is malformed).
type Event struct {
	// Time is when it happened. Required, and not before the inquiry was
	// received.
	Time time.Time `json:"time"`
	// Type says what happened.
	Type EventType `json:"type"`
	// Channel is the channel of a customer message, a reply (required),
	// an automatic reply, a promise to get back (the promised channel,
	// optional) or an appointment.
	Channel Channel `json:"channel,omitempty"`
	// Actor is who did it (an agent, a bot, the customer). Informational.
	Actor string `json:"actor,omitempty"`
	// Ref names a promise or an appointment: its own name on a Promise or
	// an Appointment, the one meant on the events that follow them.
	Ref string `json:"ref,omitempty"`
	// Due is the due time of a Promise or a PromiseRenegotiated, the
	// scheduled time of an Appointment or an AppointmentRescheduled, and
	// the new due time of an Override.
	Due time.Time `json:"due,omitzero"`
	// From is the start of a promise's window (Promise,
	// PromiseRenegotiated); zero for none. Not after Due.
	From time.Time `json:"from,omitzero"`
	// PromiseKind says what a Promise promised; "" is GetBack.
	PromiseKind PromiseKind `json:"promise_kind,omitempty"`
	// By says who cancelled an appointment (AppointmentCancelled,
	// required).
	By Side `json:"by,omitempty"`
	// Status is the host's status of a StatusChange.
	Status string `json:"status,omitempty"`
	// Class holds the new party, kind and priority of a Reclassify; empty
	// fields are unchanged.
	Class Class `json:"class,omitzero"`
	// AddLabels and RemoveLabels change the labels on a Reclassify.
	AddLabels    []string `json:"add_labels,omitempty"`
	RemoveLabels []string `json:"remove_labels,omitempty"`
	// Owner and Team are the new owner and team of an Assign.
	Owner string `json:"owner,omitempty"`
	Team  string `json:"team,omitempty"`
	// Obligation names the obligation an Override moves.
	Obligation Key `json:"obligation,omitzero"`
	// Reason says why, on an Override, a cancellation, a withdrawal, a
	// renegotiation or a rescheduling. Informational.
	Reason string `json:"reason,omitempty"`
}

// uses says which optional fields each event type takes.
type uses uint16

const (
	useChannel uses = 1 << iota
	useRef
	useDue
	useFrom
	useKind
	useBy
	useStatus
	useClass
	useLabels
	useOwner
	useObligation
)

// fieldsOf lists, per event type, the fields it takes beyond Time, Type,
// Actor and Reason (which every event may carry).
var fieldsOf = map[EventType]uses{
	CustomerMessage:        useChannel,
	Reply:                  useChannel,
	AutoReply:              useChannel,
	Promise:                useChannel | useRef | useDue | useFrom | useKind,
	PromiseDone:            useRef,
	PromiseRenegotiated:    useRef | useDue | useFrom,
	PromiseWithdrawn:       useRef,
	Appointment:            useChannel | useRef | useDue,
	AppointmentHeld:        useRef,
	AppointmentMissed:      useRef,
	AppointmentNoShow:      useRef,
	AppointmentCancelled:   useRef | useBy,
	AppointmentRescheduled: useRef | useDue,
	StatusChange:           useStatus,
	Resolve:                0,
	Reopen:                 0,
	Reclassify:             useClass | useLabels,
	Assign:                 useOwner,
	Override:               useObligation | useDue,
}

// check reports whether e is well-formed on its own, for an inquiry
// received at received (zero: for any inquiry); the error's path is
// relative to the event.
func (e *Event) check(received time.Time) error {
	switch {
	case e.Time.IsZero():
		return errAt("time", "", "missing", ErrBadEvent)
	case !received.IsZero() && e.Time.Before(received):
		return errAt("time", e.Time.String(), "before the inquiry arrived at "+received.String(), ErrEventBeforeInquiry)
	case e.Type == "":
		return errAt("type", "", "missing", ErrBadEvent)
	}
	use, ok := fieldsOf[e.Type]
	if !ok {
		return errAt("type", string(e.Type), "unknown event type", ErrBadEvent)
	}
	for _, f := range []struct {
		name string
		u    uses
		set  bool
	}{
		{"channel", useChannel, e.Channel != ""},
		{"ref", useRef, e.Ref != ""},
		{"due", useDue, !e.Due.IsZero()},
		{"from", useFrom, !e.From.IsZero()},
		{"promise_kind", useKind, e.PromiseKind != ""},
		{"by", useBy, e.By != ""},
		{"status", useStatus, e.Status != ""},
		{"class", useClass, e.Class != Class{}},
		{"add_labels", useLabels, e.AddLabels != nil},
		{"remove_labels", useLabels, e.RemoveLabels != nil},
		{"owner", useOwner, e.Owner != ""},
		{"team", useOwner, e.Team != ""},
		{"obligation", useObligation, e.Obligation != Key{}},
	} {
		if f.set && use&f.u == 0 {
			return errAt(f.name, "", "a "+string(e.Type)+" event has no "+f.name, ErrBadEvent)
		}
	}
	needDue := func() error {
		switch {
		case e.Due.IsZero():
			return errAt("due", "", "a "+string(e.Type)+" needs a due time", ErrBadEvent)
		case e.Type != Override && e.Due.Before(e.Time):
			return errAt("due", e.Due.String(), "before the "+string(e.Type)+" was made, at "+e.Time.String(), ErrBadEvent)
		case !e.From.IsZero() && e.From.After(e.Due):
			return errAt("from", e.From.String(), "the window starts after its due time "+e.Due.String(), ErrBadEvent)
		}
		return nil
	}
	switch e.Type {
	case Reply:
		if e.Channel == "" {
			return errAt("channel", "", "a reply needs a channel", ErrBadEvent)
		}
	case Promise:
		switch e.PromiseKind {
		case "", GetBack:
		case DoSomething:
			if !e.From.IsZero() {
				return errAt("from", e.From.String(), "a promise to do something has no window", ErrBadEvent)
			}
			if e.Channel != "" {
				return errAt("channel", string(e.Channel), "a promise to do something has no channel", ErrBadEvent)
			}
		default:
			return errAt("promise_kind", string(e.PromiseKind), "want get_back or do_something", ErrBadEvent)
		}
		return needDue()
	case PromiseDone, PromiseWithdrawn:
		if e.Ref == "" {
			return errAt("ref", "", "a "+string(e.Type)+" needs the ref of the promise", ErrBadEvent)
		}
	case PromiseRenegotiated, Appointment, AppointmentRescheduled, Override:
		if e.Type == PromiseRenegotiated && e.Ref == "" {
			return errAt("ref", "", "a "+string(e.Type)+" needs the ref of the promise", ErrBadEvent)
		}
		if e.Type == Override {
			if e.Obligation.Metric.index() < 0 {
				return errAt("obligation", e.Obligation.String(), "want the key of an obligation, such as \"first_reply\"", ErrBadEvent)
			}
			// As ParseEvent reads it: a key that reads back as itself,
			// so that a log written as JSON reads back.
			if k, err := ParseKey(e.Obligation.String()); err != nil || k != e.Obligation {
				reason := "not a key that reads back as itself"
				if se, ok := err.(*Error); ok {
					reason = se.Reason
				}
				return errAt("obligation", e.Obligation.String(), reason, ErrBadEvent)
			}
		}
		return needDue()
	case AppointmentCancelled:
		if e.By != Us && e.By != TheCustomer {
			return errAt("by", string(e.By), "want us or customer", ErrBadEvent)
		}
	case StatusChange:
		if e.Status == "" {
			return errAt("status", "", "a status_change needs a status", ErrBadEvent)
		}
	case Reclassify:
		if !e.Class.Party.valid() {
			return errAt("class.party", string(e.Class.Party), "want prospect or customer", ErrBadEvent)
		}
		if i := slices.Index(e.AddLabels, ""); i >= 0 {
			return errAt(strictjson.Index("add_labels", i), "", "an empty label", ErrBadEvent)
		}
		if i := slices.Index(e.RemoveLabels, ""); i >= 0 {
			return errAt(strictjson.Index("remove_labels", i), "", "an empty label", ErrBadEvent)
		}
	}
	return nil
}
