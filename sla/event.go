package sla

import (
	"time"
)

// An EventType says what happened to an inquiry.
type EventType string

// Event types. Events take effect in log order: by time, and in the order
// given for equal times. At an instant, the events come before the due
// times and levels the clocks reach then: a reply at an obligation's due
// time meets it on time, and a Resolve then cancels it.
const (
	// CustomerMessage: the customer wrote or called again. While a reply
	// is owed it is a nudge (they chase us); otherwise a reply is owed
	// again from it (a next reply). It also ends a Wait. Its Channel
	// counts as offered for answers from then on; a message without a
	// Channel is on the inquiry's channel (for the SameChannel rule) and
	// offers nothing.
	CustomerMessage EventType = "customer_message"
	// Reply: a person answered, on Channel. Whether it meets targets
	// depends on the policy's reply rule.
	Reply EventType = "reply"
	// AutoReply: an automatic acknowledgement. It is counted but never
	// meets a target.
	AutoReply EventType = "auto_reply"
	// Promise: we committed to something by Due. A later reply or
	// resolution, at or before Due (plus the target's grace), keeps it.
	Promise EventType = "promise"
	// Appointment: a call or meeting is scheduled for Due. A Held event
	// by Due plus the target's grace keeps it.
	Appointment EventType = "appointment"
	// Held: an appointment took place. It keeps the one scheduled at Due
	// if Due is set (the first logged of appointments scheduled at the
	// same time; an error if none scheduled then waits to be held);
	// otherwise, of the appointments not yet held, the earliest scheduled
	// whose deadline (its time plus the grace of the appointment target
	// in force, none without one) is not before the Held, or if every one
	// is past its deadline, the latest scheduled (held late).
	Held EventType = "held"
	// Wait: we wait on the customer; the resolution and periodic update
	// clocks stop until a Resume or a customer message.
	Wait EventType = "wait"
	// Resume: we no longer wait on the customer.
	Resume EventType = "resume"
	// Resolve: the inquiry is resolved. Replies still owed are no longer
	// owed.
	Resolve EventType = "resolve"
	// Reopen: a resolved inquiry is open again; the resolution clock
	// continues where it stopped.
	Reopen EventType = "reopen"
	// Reclassify: the inquiry's party, kind or priority changes (the
	// non-empty fields of Class), and with it possibly the policy.
	//
	// The policy is selected again for the new class, and every open
	// obligation takes the new policy's target for its metric, keeping
	// its start and the business time it has used so far (counted in the
	// old target's calendar up to the Reclassify, in the new one's
	// after). A day-based target is converted to business time from the
	// obligation's start. So a raise to a tighter target can breach at
	// once, at the Reclassify; a looser one cannot undo a breach. An
	// obligation whose metric loses its target is cancelled (or, if
	// already breached, stays breached and stops escalating); one whose
	// metric gains a target is tracked from its own start, its business
	// time counted in the new calendar. Levels that fired stay fired (by
	// name).
	//
	// What the customer needs does not go away with a target: an
	// obligation cancelled (or, if breached, no longer escalating) because
	// its target was lost lapses, and a later Reclassify that gives its
	// metric a target again tracks it again, with its start and the
	// business time it used, plus the time since it lapsed counted in the
	// new calendar as if it had been tracked all along (its clock standing
	// still while we waited on the customer, or, for the resolution, while
	// the inquiry was resolved). It is then open (or breached) again, with
	// no DoneAt, and may breach at once. What would have met or ended it
	// ends the lapse for good: a counting reply (reply obligations,
	// updates, promises), a Held (appointments), a Resolve. A resolution
	// that lapsed and was then resolved lapses again at a Reopen, and is
	// tracked again then if the policy in force has a resolution target.
	Reclassify EventType = "reclassify"
	// Assign: the inquiry's owner becomes Owner ("" for nobody).
	Assign EventType = "assign"
)

// An Event is one entry of an inquiry's append-only log.
type Event struct {
	// Time is when it happened. Required, and not before the inquiry was
	// received.
	Time time.Time
	// Type says what happened.
	Type EventType
	// Channel is the channel of a customer message or reply (required for
	// Reply). A customer message without one is taken to be on the
	// inquiry's channel, without offering it for answers.
	Channel Channel
	// Actor is who did it (an agent, a bot, the customer). Informational.
	Actor string
	// Due is the promised time of a Promise and the scheduled time of an
	// Appointment; it must not be before Time. On a Held it may name the
	// appointment held, by its scheduled time.
	Due time.Time
	// Class holds the new party, kind and priority of a Reclassify; empty
	// fields are unchanged.
	Class Class
	// Owner is the new owner of an Assign.
	Owner string
}

// check reports whether e is well-formed on its own, for an inquiry
// received at received; the error's path is relative to the event.
func (e *Event) check(received time.Time) error {
	switch {
	case e.Time.IsZero():
		return errAt("time", "", "missing", ErrBadEvent)
	case e.Time.Before(received):
		return errAt("time", e.Time.String(), "before the inquiry arrived at "+received.String(), ErrEventBeforeInquiry)
	}
	switch e.Type {
	case CustomerMessage, AutoReply, Held, Wait, Resume, Resolve, Reopen, Assign:
	case Reclassify:
		if !e.Class.Party.valid() {
			return errAt("class.party", string(e.Class.Party), "want prospect or customer", ErrBadEvent)
		}
	case Reply:
		if e.Channel == "" {
			return errAt("channel", "", "a reply needs a channel", ErrBadEvent)
		}
	case Promise, Appointment:
		if e.Due.IsZero() {
			return errAt("due", "", "a "+string(e.Type)+" needs a due time", ErrBadEvent)
		}
		if e.Due.Before(e.Time) {
			return errAt("due", e.Due.String(), "a "+string(e.Type)+" due before it was made", ErrBadEvent)
		}
	case "":
		return errAt("type", "", "missing", ErrBadEvent)
	default:
		return errAt("type", string(e.Type), "unknown event type", ErrBadEvent)
	}
	return nil
}
