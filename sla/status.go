package sla

import (
	"cmp"
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
	// Due is when its target runs out: for a running obligation, when it
	// will if nothing happens; for a late one, when it did; for one met,
	// when it would have. Zero while the clock is stopped before the due
	// time, since then it depends on when the clock restarts.
	Due time.Time
	// DoneAt is when it was met or cancelled; zero otherwise.
	DoneAt time.Time
	// Calendar is the name of the calendar its target counts in ("" for
	// plain time).
	Calendar string
	// Budget is the business time its target allows: the target's Within
	// in that calendar (for a day-based target, the business time of
	// those days from Start; for a promise or an appointment, up to the
	// promised or appointed time plus the grace).
	Budget time.Duration
	// Elapsed is the business time used, up to DoneAt or the status's
	// instant; Remaining is Budget − Elapsed, the business time left
	// before the due time, negative when overdue. Paused is the business
	// time its clock stood still (waiting on the customer, or resolved
	// before a Reopen).
	Elapsed, Remaining, Paused time.Duration
	// Nudges counts the customer messages that chased it while it was
	// owed (reply obligations only).
	Nudges int
	// Escalations lists the levels that fired for it, in firing order.
	Escalations []Escalation
	// Violations lists the replies on channels the customer never offered
	// that were made while it was owed.
	Violations []Violation
}

// A Violation is a reply on a channel the customer never offered. It meets
// no target.
type Violation struct {
	// Index is the reply's position in the event log given to Evaluate.
	Index   int
	At      time.Time
	Channel Channel
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
// inquiry and the log (starts, done-at) are as given.
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
	// Class is the inquiry's class at At, after any Reclassify.
	Class Class
	// Owner is the owner after the last Assign ("" for nobody).
	Owner string
	// Resolved and Waiting say whether the inquiry is resolved, and
	// whether we wait on the customer.
	Resolved, Waiting bool
	// Obligations lists every obligation that has had a target, in the
	// order they started: first reply, update#1 and resolution on
	// arrival, then the others in log order.
	Obligations []Obligation
	// Violations lists the replies on channels the customer never
	// offered, in log order.
	Violations []Violation
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

// in returns t in the location of the inquiry's arrival time, as every
// instant of a Status is; calendars compute in their own.
func (ev *evaluator) in(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(ev.inq.Received.Location())
}

// status builds the Status after replaying the first n events.
func (ev *evaluator) status(n int, next time.Time) Status {
	st := Status{
		InquiryID:  ev.inq.ID,
		Channel:    ev.inq.Channel,
		Received:   ev.inq.Received,
		At:         ev.now,
		Policy:     ev.ps.policies[ev.pol].Name,
		Class:      ev.class,
		Owner:      ev.owner,
		Resolved:   ev.resolved,
		Waiting:    ev.waiting,
		Violations: ev.vios,
		Counts:     ev.counts,
		EventCount: n,
		Next:       next,
	}
	tracked := 0
	for i := range ev.obs {
		o := &ev.obs[i]
		if !o.tracked {
			continue
		}
		tracked++
		if o.live() && !o.next.IsZero() && (st.Next.IsZero() || o.next.Before(st.Next)) {
			st.Next = o.next
		}
	}
	st.Next = ev.in(st.Next)
	if tracked == 0 {
		return st
	}

	// Escalations and violations, grouped by obligation in one backing
	// array each.
	slices.SortStableFunc(ev.fired, func(a, b fired) int {
		return cmp.Or(cmp.Compare(a.ob, b.ob), a.at.Compare(b.at))
	})
	var escs []Escalation
	var notify []string
	if len(ev.fired) > 0 {
		escs = make([]Escalation, len(ev.fired))
		n := 0
		for _, f := range ev.fired {
			n += len(f.level.Notify)
		}
		notify = make([]string, 0, n)
		for k, f := range ev.fired {
			from := len(notify)
			notify = append(notify, f.level.Notify...)
			escs[k] = Escalation{Obligation: ev.obs[f.ob].key, Level: f.level.Name, At: ev.in(f.at)}
			if len(f.level.Notify) > 0 {
				escs[k].Notify = notify[from:len(notify):len(notify)]
			}
		}
	}
	var vios []Violation
	if len(ev.links) > 0 {
		slices.SortStableFunc(ev.links, func(a, b link) int { return cmp.Compare(a.ob, b.ob) })
		vios = make([]Violation, len(ev.links))
		for k, l := range ev.links {
			vios[k] = ev.vios[l.v]
		}
	}

	st.Obligations = make([]Obligation, 0, tracked)
	fi, li := 0, 0
	for i := range ev.obs {
		o := &ev.obs[i]
		f0 := fi
		for fi < len(ev.fired) && ev.fired[fi].ob == i {
			fi++
		}
		l0 := li
		for li < len(ev.links) && ev.links[li].ob == i {
			li++
		}
		if !o.tracked {
			continue
		}
		ob := Obligation{
			Key:      o.key,
			Start:    o.start,
			Due:      ev.in(o.due),
			DoneAt:   o.doneAt,
			Calendar: o.calName,
			Nudges:   o.nudges,
		}
		ob.Budget = o.budget
		end := ev.now
		if o.closed() {
			end = o.stoppedAt
		}
		ob.Elapsed = o.elapsedAt(end)
		ob.Remaining = o.budget - ob.Elapsed
		ob.Paused = o.paused
		if !o.closed() && !o.running {
			ob.Paused += o.cal.Between(o.stoppedAt, ev.now)
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
		if fi > f0 {
			ob.Escalations = escs[f0:fi:fi]
		}
		if li > l0 {
			ob.Violations = vios[l0:li:li]
		}
		st.Obligations = append(st.Obligations, ob)
	}
	return st
}
