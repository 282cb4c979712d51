package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A Metric is a kind of obligation a policy can set a target for.
type Metric string

// Metrics.
const (
	// FirstReply: a person answers the inquiry, counted from its arrival.
	FirstReply Metric = "first_reply"
	// NextReply: a person answers a customer message that arrived when no
	// reply was owed, counted from that message. Messages that arrive
	// while a reply is owed are nudges of the obligation that owes it.
	NextReply Metric = "next_reply"
	// PeriodicUpdate: while the inquiry is unresolved, a person updates
	// the customer at least every target; each obligation counts from the
	// arrival, the previous update or a Reopen, and stops while waiting on
	// the customer.
	PeriodicUpdate Metric = "update"
	// Resolution: the inquiry is resolved, counted from its arrival,
	// without the time spent waiting on the customer or resolved.
	Resolution Metric = "resolution"
	// PromiseKept: each Promise is kept by a reply or a resolution after
	// it, by its due time plus the target (a grace, often zero).
	PromiseKept Metric = "promise"
	// AppointmentKept: each Appointment is held by its time plus the
	// target (a grace).
	AppointmentKept Metric = "appointment"
)

// metrics lists every metric; a metric's index in it indexes per-metric
// arrays.
var metrics = [...]Metric{FirstReply, NextReply, PeriodicUpdate, Resolution, PromiseKept, AppointmentKept}

const numMetrics = len(metrics)

// Metrics returns every metric.
func Metrics() []Metric { return metrics[:len(metrics):len(metrics)] }

// index returns m's position in metrics, or -1.
func (m Metric) index() int {
	for i, x := range metrics {
		if x == m {
			return i
		}
	}
	return -1
}

// numbered reports whether a metric has one obligation per occasion,
// numbered from 1.
func (m Metric) numbered() bool {
	return m != FirstReply && m != Resolution
}

// fixedDue reports whether an obligation of m is due at a time set by its
// event, the target being a grace after it.
func (m Metric) fixedDue() bool { return m == PromiseKept || m == AppointmentKept }

// A Key names an obligation within its inquiry, stably across evaluations:
// "first_reply", "resolution", "next_reply#2", "update#3", "promise#1",
// "appointment#1". N is 0 for first reply and resolution, and counts the
// obligations of the metric from 1 otherwise.
type Key struct {
	Metric Metric
	N      int
}

// String returns "metric" or "metric#N".
func (k Key) String() string {
	if k.N == 0 {
		return string(k.Metric)
	}
	return string(k.Metric) + "#" + strconv.Itoa(k.N)
}

// ParseKey reads a key as written by String. Errors wrap ErrBadKey.
func ParseKey(s string) (Key, error) {
	name, num, numbered := strings.Cut(s, "#")
	m := Metric(name)
	if m.index() < 0 || numbered != m.numbered() {
		return Key{}, fmt.Errorf("sla: %w %q", ErrBadKey, s)
	}
	if !numbered {
		return Key{Metric: m}, nil
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num {
		return Key{}, fmt.Errorf("sla: %w %q", ErrBadKey, s)
	}
	return Key{Metric: m, N: n}, nil
}

// MarshalText implements encoding.TextMarshaler.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Key) UnmarshalText(b []byte) error {
	v, err := ParseKey(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// A State is where an obligation stands.
type State uint8

// States. Running and Paused are open; the others are final except that a
// Reopen makes a met resolution open again. Lateness is final: a Breached
// obligation stays Breached or becomes MetLate, never Met.
const (
	Running   State = iota // the clock runs, the due time is ahead
	Paused                 // the clock is stopped (waiting on the customer)
	Met                    // done by the due time
	MetLate                // done after the due time
	Breached               // the due time passed and it is not done
	Cancelled              // no longer owed, at or before its due instant
)

var stateNames = [...]string{"running", "paused", "met", "met_late", "breached", "cancelled"}

// String returns the state's name: "running", "met_late", ….
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText implements encoding.TextMarshaler. A State that is none of
// the constants gives an error wrapping ErrBadState.
func (s State) MarshalText() ([]byte, error) {
	if int(s) >= len(stateNames) {
		return nil, fmt.Errorf("sla: %w %d", ErrBadState, s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; a name that is not
// one of String's gives an error wrapping ErrBadState.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("sla: %w %q", ErrBadState, b)
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
	// Target is the target in force, and Calendar the name of the calendar
	// it counts in ("" for plain time).
	Target   Duration
	Calendar string
	// Elapsed is the business time used, up to DoneAt or the status's
	// instant; Remaining the business time left before the due time,
	// negative when overdue. Paused is the business time its clock stood
	// still (waiting on the customer, or resolved before a Reopen).
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
}

// A Status is what an inquiry's log means at an instant: who is owed what,
// by when, and whether it was kept.
//
// Instants it computes (due times, escalations, Next) are given in the
// location of the inquiry's Received time; those it copies from the
// inquiry and the log (starts, done-at) are as given.
type Status struct {
	// Inquiry is the inquiry's ID.
	Inquiry string
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
	// Events is how many events of the log happened at or before At;
	// later events are ignored.
	Events int
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
