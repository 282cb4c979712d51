package sla

import (
	"slices"
	"time"
)

// A State is where an obligation stands.
type State string

// States. Running and Paused are open; the others are final except that a
// Reopen makes a met resolution open again. Lateness is final: a Breached
// obligation stays Breached or becomes MetLate, never Met.
const (
	Running   State = "running"   // the clock runs, the due time is ahead
	Paused    State = "paused"    // the clock is stopped (waiting on the customer)
	Met       State = "met"       // done by the due time
	MetLate   State = "met_late"  // done after the due time
	Breached  State = "breached"  // the due time passed and it is not done
	Cancelled State = "cancelled" // no longer owed, at or before its due instant
)

// ParseState returns the State named s. Errors wrap ErrBadState.
func ParseState(s string) (State, error) {
	switch st := State(s); st {
	case Running, Paused, Met, MetLate, Breached, Cancelled:
		return st, nil
	}
	return "", errAt("", s, "want running, paused, met, met_late, breached or cancelled", ErrBadState)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseState.
func (s *State) UnmarshalText(b []byte) error {
	st, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = st
	return nil
}

// Late reports whether the due time passed before the obligation was done.
func (s State) Late() bool { return s == Breached || s == MetLate }

// Open reports whether the obligation is still owed and not yet late.
func (s State) Open() bool { return s == Running || s == Paused }

// An Obligation is one instance of a metric: something owed to the
// customer, by when, and how it went.
type Obligation struct {
	// Key names it within the inquiry.
	Key Key
	// State is where it stands.
	State State
	// Start is when its clock started.
	Start time.Time
	// Due is when its budget runs out: for a running obligation, when it
	// will if nothing happens; for a late one, when it did — the instant
	// its Elapsed reached its Budget, so that Remaining counts from it;
	// for one met, when it would have. Zero while the clock is stopped
	// before the due time, since then it depends on when the clock
	// restarts.
	Due time.Time
	// DoneAt is when it was met or cancelled; zero otherwise.
	DoneAt time.Time
	// Calendar is the name of the calendar its target counts in ("" for
	// plain time).
	Calendar string
	// Budget is the business time its target allows: the target's Within
	// in that calendar (for a day-based target, the business time of
	// those days from Start; for a promise or an appointment, up to the
	// promised or appointed time plus the grace; after an Override, up
	// to its due time). For a time already past, it is the business
	// time the clock had used by then, so that Remaining is minus the
	// business time it ran since.
	Budget time.Duration
	// Elapsed is the business time used, up to DoneAt or the status's
	// instant; Remaining is Budget − Elapsed, the business time left
	// before the due time, negative when overdue. Paused is the business
	// time its clock stood still (paused by the host status, or resolved
	// before a Reopen).
	Elapsed, Remaining, Paused time.Duration
	// Nudges counts the customer messages that chased it while it was
	// owed (reply obligations only).
	Nudges int
	// Ref, Channel and Scheduled are a promise's or an appointment's:
	// its name, its channel, and the promised or scheduled time (the
	// latest, after renegotiation or rescheduling). From is the start of
	// a promise's window; DoSomething says a promise is to do something
	// rather than to get back.
	Ref         string
	Channel     Channel
	Scheduled   time.Time
	From        time.Time
	DoSomething bool
	// Outcome says how a promise or an appointment ended ("" while open,
	// and for the other metrics).
	Outcome Outcome
	// Revisions lists the times its due time was moved: renegotiated,
	// rescheduled or overridden, in log order.
	Revisions []Revision
	// Escalations lists the levels that fired for it, in firing order.
	Escalations []Escalation
	// Violations lists the replies on channels the customer never offered
	// that were made while it was owed.
	Violations []Violation
}

// Overridden reports whether a person moved the obligation's due time
// (an Override event): reports count such obligations apart.
func (o *Obligation) Overridden() bool {
	return slices.ContainsFunc(o.Revisions, func(r Revision) bool { return r.Type == Override })
}

// An Outcome says how a promise or an appointment ended.
type Outcome string

// Outcomes.
const (
	// Kept: a promise to get back was kept by a reply that counts.
	Kept Outcome = "kept"
	// Done: a PromiseDone said it was done.
	Done Outcome = "done"
	// Resolved: a promise to do something kept by the resolution (the
	// target says resolve_keeps).
	Resolved Outcome = "resolved"
	// Withdrawn: the promise was withdrawn.
	Withdrawn Outcome = "withdrawn"
	// Held: the appointment took place.
	Held Outcome = "held"
	// Missed: we missed the appointment.
	Missed Outcome = "missed"
	// NoShow: the customer did not come.
	NoShow Outcome = "no_show"
	// CancelledByUs and CancelledByCustomer: the appointment was called
	// off.
	CancelledByUs       Outcome = "cancelled_by_us"
	CancelledByCustomer Outcome = "cancelled_by_customer"
)

// A Revision is a move of an obligation's due time.
type Revision struct {
	// At is when it was moved, by Actor, for Reason; Type is the event
	// that moved it (PromiseRenegotiated, AppointmentRescheduled or
	// Override).
	At     time.Time
	Type   EventType
	Actor  string
	Reason string
	// Was is the promised or scheduled time before (for an Override, the
	// due time before, zero if the clock stood still), and Due the new
	// one.
	Was, Due time.Time
}

// A Violation is a reply the customer did not ask for: on a channel they
// never offered (it meets no target), or a call or text outside their
// contact hours (it counts, at the wrong hour).
type Violation struct {
	// Index is the reply's position in the event log given to Evaluate.
	Index   int
	At      time.Time
	Channel Channel
	// Reason says what was wrong.
	Reason ViolationReason
	// Local is At on the customer's wall clock, for a reply outside their
	// contact hours ("phoned at 06:40 their time"); zero otherwise.
	Local time.Time
}

// A ViolationReason says what was wrong with a reply.
type ViolationReason string

// Violation reasons.
const (
	// NotOffered: on a channel the customer never offered.
	NotOffered ViolationReason = "not_offered"
	// OutsideContactHours: a call or text outside the customer's contact
	// hours (Policy.ContactHours).
	OutsideContactHours ViolationReason = "outside_contact_hours"
)

// An Anomaly is an event that made no sense where it stood in the log
// (a Reopen of an open inquiry, a Held with nothing scheduled, a status
// the policy set does not define): it was ignored.
type Anomaly struct {
	// Index is the event's position in the log given to Evaluate, or in
	// the order given to Run.Apply.
	Index  int
	Type   EventType
	At     time.Time
	Reason string
}

// Counts are tallies over the events of an inquiry's log up to a status's
// instant.
type Counts struct {
	// CustomerMessages counts CustomerMessage events; Nudges those of
	// them that chased a reply already owed.
	CustomerMessages, Nudges int
	// Touches counts Reply events (whether or not they met a target);
	// AutoReplies counts AutoReply events.
	Touches, AutoReplies int
	// TouchesToResolve is Touches as it stood at the inquiry's latest
	// Resolve, 0 if it was never resolved: how many times a person
	// replied before the customer had what they needed.
	TouchesToResolve int
}

// A Status is what an inquiry's log means at an instant: who is owed what,
// by when, and whether it was kept.
//
// Instants it computes (due times, escalations, Next) are given in the
// location of the inquiry's Received time; those it copies from the
// inquiry and the log (starts, done-at, violations, anomalies, revisions)
// are as given.
type Status struct {
	// InquiryID is the inquiry's ID.
	InquiryID string
	// Channel and Received are the inquiry's: the channel it came on and
	// when it arrived.
	Channel  Channel
	Received time.Time
	// At is the instant evaluated ("now").
	At time.Time
	// Policy is the name of the policy in force at At.
	Policy string
	// Class and Labels are the inquiry's at At, after any Reclassify.
	Class  Class
	Labels []string
	// Owner and Team are as the last Assign set them ("" for nobody).
	Owner, Team string
	// Resolved says whether the inquiry is resolved; HostStatus is the
	// host's status ("" for none), and Paused lists the metrics it
	// pauses.
	Resolved   bool
	HostStatus string
	Paused     []Metric
	// Obligations lists every obligation that has had a target, in the
	// order they started: first reply, update#1 and resolution on
	// arrival, then the others in log order.
	Obligations []Obligation
	// Violations lists the replies on channels the customer never
	// offered, in log order.
	Violations []Violation
	// Anomalies lists the events ignored because they made no sense
	// where they stood, in log order.
	Anomalies []Anomaly
	// Counts tallies the log.
	Counts Counts
	// EventCount is how many events of the log happened at or before
	// At; later events are ignored.
	EventCount int
	// Next is the earliest instant after At at which the Status would
	// differ (other than in Elapsed, Remaining and Paused, which move with
	// time): a due time, an escalation level, or the next event of the
	// log. Zero means never. A host stores it and evaluates again when it
	// passes or when an event arrives.
	Next time.Time
}

// Obligation returns the obligation with key k.
func (s *Status) Obligation(k Key) (Obligation, bool) {
	for _, o := range s.Obligations {
		if o.Key == k {
			return o, true
		}
	}
	return Obligation{}, false
}

// final returns obligation o as a Status shows it at end (the status's
// instant, or when it closed).
func (ev *evaluator) final(o *oblig, end time.Time) Obligation {
	ob := Obligation{
		Key:       o.key,
		Start:     o.start,
		Due:       ev.in(o.due),
		DoneAt:    o.doneAt,
		Calendar:  o.calName,
		Budget:    o.budget,
		Nudges:    o.nudges,
		Outcome:   o.outcome,
		Ref:       o.ref,
		Channel:   o.ch,
		Scheduled: o.base,
		From:      o.from,
	}
	ob.DoSomething = o.action
	if o.closed() {
		end = o.stoppedAt
	}
	ob.Elapsed = o.elapsedAt(end)
	ob.Remaining = o.budget - ob.Elapsed
	ob.Paused = o.paused
	if !o.closed() && !o.running {
		ob.Paused += o.cal.Between(o.stoppedAt, end)
	}
	switch {
	case o.cancelled:
		ob.State = Cancelled
	case o.done && o.breached:
		ob.State = MetLate
	case o.done:
		ob.State = Met
	case o.breached:
		ob.State = Breached
	case o.running:
		ob.State = Running
	default:
		ob.State = Paused
	}
	if len(o.escs) > 0 {
		ob.Escalations = o.escs[:len(o.escs):len(o.escs)]
	}
	if len(o.vios) > 0 {
		ob.Violations = o.vios[:len(o.vios):len(o.vios)]
	}
	if len(o.revisions) > 0 {
		ob.Revisions = o.revisions[:len(o.revisions):len(o.revisions)]
	}
	return ob
}

// status builds the Status at now, next being the time of the next event
// of the log (zero if none). It does not change ev.
func (ev *evaluator) status(now, next time.Time) Status {
	st := Status{
		InquiryID:  ev.inq.ID,
		Channel:    ev.inq.Channel,
		Received:   ev.inq.Received,
		At:         now,
		Policy:     ev.ps.doc.Policies[ev.pol].Name,
		Class:      ev.class,
		Owner:      ev.owner,
		Team:       ev.team,
		Resolved:   ev.resolved,
		HostStatus: ev.hostStatus,
		Counts:     ev.counts,
		EventCount: ev.n,
		Next:       ev.nextThreshold(next),
	}
	if len(ev.labels) > 0 {
		st.Labels = slices.Clone(ev.labels)
	}
	for _, m := range metrics {
		if ev.paused&(1<<m.index()) != 0 {
			st.Paused = append(st.Paused, m)
		}
	}
	st.Violations = ev.vios.all()
	st.Anomalies = ev.anomalies.all()
	tracked := ev.archive.n
	for _, i := range ev.live {
		if ev.obs[i].tracked {
			tracked++
		}
	}
	if tracked == 0 {
		return st
	}
	// In order of start: seq numbers every obligation started, tracked
	// or not, so the place of each is the count of tracked ones before.
	place := make([]int32, ev.seq)
	ev.archive.each(func(a archived) bool {
		place[a.seq] = 1
		return true
	})
	for _, i := range ev.live {
		if o := &ev.obs[i]; o.tracked {
			place[o.seq] = 1
		}
	}
	var n int32
	for s, in := range place {
		place[s] = n
		n += in
	}
	st.Obligations = make([]Obligation, tracked)
	ev.archive.each(func(a archived) bool {
		st.Obligations[place[a.seq]] = a.ob
		return true
	})
	for _, i := range ev.live {
		if o := &ev.obs[i]; o.tracked {
			st.Obligations[place[o.seq]] = ev.final(o, now)
		}
	}
	return st
}

// An archived obligation is one that left the working set, final, with
// its order of start.
type archived struct {
	seq int
	ob  Obligation
}

// nextThreshold returns the earliest of next (the next event, zero for
// none) and the instants the open obligations' clocks next cross a
// threshold.
func (ev *evaluator) nextThreshold(next time.Time) time.Time {
	for _, i := range ev.live {
		o := &ev.obs[i]
		if o.live() && !o.next.IsZero() && (next.IsZero() || o.next.Before(next)) {
			next = o.next
		}
	}
	return ev.in(next)
}
