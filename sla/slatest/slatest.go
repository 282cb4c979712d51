package slatest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zone database

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// T is the part of testing.TB that a Scenario uses. *testing.T,
// *testing.B and *rapid.T implement it.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// A Scenario is an inquiry under a policy set and its event log, with
// assertions about what the log means at given instants. Its methods are
// meant to be called from the test's goroutine.
type Scenario struct {
	t      T
	ps     *sla.PolicySet
	inq    sla.Inquiry
	events []sla.Event
}

// New returns a scenario for inq under ps, with an empty log. The zone of
// inq.Received is the zone in which the scenario reads wall-clock times.
// An inquiry without a Received time stops the test.
func New(t T, ps *sla.PolicySet, inq sla.Inquiry) *Scenario {
	t.Helper()
	if ps == nil || inq.Received.IsZero() {
		t.Errorf("slatest.New: need a policy set and an inquiry with a Received time")
		t.FailNow()
	}
	return &Scenario{t: t, ps: ps, inq: inq}
}

// Inquiry returns the scenario's inquiry.
func (s *Scenario) Inquiry() sla.Inquiry { return s.inq }

// Events returns a copy of the log, in the order the events were added.
func (s *Scenario) Events() []sla.Event { return slices.Clone(s.events) }

// layouts are the wall-clock forms Time reads, in the inquiry's zone.
var layouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// parseTime reads an instant: RFC 3339, or a wall-clock time in loc.
func parseTime(loc *time.Location, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("slatest: cannot read %q as a time: write 2006-01-02T15:04 (in %s) or RFC 3339", s, loc)
}

// MustTime reads a wall-clock time such as "2026-11-20T16:55" in the IANA
// zone named zone, or an RFC 3339 instant, and panics if it cannot. It is
// meant for an inquiry's Received time in a test.
func MustTime(zone, s string) time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic("slatest: " + err.Error())
	}
	t, err := parseTime(loc, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Time reads s as an instant: a wall-clock time in the zone of the
// inquiry's Received time ("2026-11-20T16:55", "2026-11-20 16:55:30") or
// RFC 3339. Text it cannot read stops the test.
func (s *Scenario) Time(str string) time.Time {
	s.t.Helper()
	t, err := parseTime(s.inq.Received.Location(), str)
	if err != nil {
		s.t.Errorf("%v", err)
		s.t.FailNow()
	}
	return t
}

// At adds events to the log, each happening at when (whatever their own
// Time says), in the order given.
func (s *Scenario) At(when string, events ...sla.Event) *Scenario {
	s.t.Helper()
	t := s.Time(when)
	for _, e := range events {
		e.Time = t
		s.events = append(s.events, e)
	}
	return s
}

// Reply adds a reply by a person on ch at when.
func (s *Scenario) Reply(when string, ch sla.Channel) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Reply, Channel: ch})
}

// AutoReply adds an automatic acknowledgement on ch at when.
func (s *Scenario) AutoReply(when string, ch sla.Channel) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.AutoReply, Channel: ch})
}

// CustomerMessage adds a message from the customer on ch at when.
func (s *Scenario) CustomerMessage(when string, ch sla.Channel) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.CustomerMessage, Channel: ch})
}

// Promise adds, at when, a promise to get back by due, named ref (""
// for its key).
func (s *Scenario) Promise(when, ref, due string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Promise, Ref: ref, Due: s.Time(due)})
}

// PromiseCall adds, at when, a promise to get back on ch in the window
// [from, due], named ref ("I'll call you on Tuesday").
func (s *Scenario) PromiseCall(when, ref string, ch sla.Channel, from, due string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Promise, Ref: ref, Channel: ch, From: s.Time(from), Due: s.Time(due)})
}

// PromiseTo adds, at when, a promise to do something by due, named ref.
func (s *Scenario) PromiseTo(when, ref, due string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Promise, Ref: ref, PromiseKind: sla.DoSomething, Due: s.Time(due)})
}

// Done adds, at when, that the promise named ref was done.
func (s *Scenario) Done(when, ref string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.PromiseDone, Ref: ref})
}

// Renegotiate adds, at when, a new due time for the promise named ref.
func (s *Scenario) Renegotiate(when, ref, due string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.PromiseRenegotiated, Ref: ref, Due: s.Time(due)})
}

// Withdraw adds, at when, that the promise named ref no longer stands.
func (s *Scenario) Withdraw(when, ref string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.PromiseWithdrawn, Ref: ref})
}

// Appointment adds, at when, an appointment named ref ("" for its key) on
// ch scheduled for due.
func (s *Scenario) Appointment(when, ref string, ch sla.Channel, due string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Appointment, Ref: ref, Channel: ch, Due: s.Time(due)})
}

// Held records at when that the appointment named ref began ("" for the
// latest that has begun).
func (s *Scenario) Held(when, ref string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.AppointmentHeld, Ref: ref})
}

// Missed records at when that we missed the appointment named ref.
func (s *Scenario) Missed(when, ref string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.AppointmentMissed, Ref: ref})
}

// NoShow records at when that the customer did not come to the
// appointment named ref.
func (s *Scenario) NoShow(when, ref string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.AppointmentNoShow, Ref: ref})
}

// Cancel records at when that by called off the appointment named ref.
func (s *Scenario) Cancel(when, ref string, by sla.Side) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.AppointmentCancelled, Ref: ref, By: by})
}

// Reschedule records at when that the appointment named ref now begins
// at due.
func (s *Scenario) Reschedule(when, ref, due string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.AppointmentRescheduled, Ref: ref, Due: s.Time(due)})
}

// SetStatus sets the host's status of the inquiry at when ("pending",
// "solved", …: as the policy set defines them).
func (s *Scenario) SetStatus(when, status string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.StatusChange, Status: status})
}

// Override moves, at when, the due time of the obligation named key to
// due, with a reason.
func (s *Scenario) Override(when, key, due, reason string) *Scenario {
	s.t.Helper()
	k, err := sla.ParseKey(key)
	if err != nil {
		s.t.Errorf("slatest: %v", err)
		s.t.FailNow()
	}
	return s.At(when, sla.Event{Type: sla.Override, Obligation: k, Due: s.Time(due), Reason: reason})
}

// Resolve adds the inquiry's resolution at when.
func (s *Scenario) Resolve(when string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Resolve})
}

// Reopen adds a reopening of the resolved inquiry at when.
func (s *Scenario) Reopen(when string) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Reopen})
}

// Assign makes owner the inquiry's owner at when ("" for nobody), in team
// (optional).
func (s *Scenario) Assign(when, owner string, team ...string) *Scenario {
	s.t.Helper()
	e := sla.Event{Type: sla.Assign, Owner: owner}
	if len(team) > 0 {
		e.Team = team[0]
	}
	return s.At(when, e)
}

// Reclassify changes the inquiry's class at when (the non-empty fields
// of c).
func (s *Scenario) Reclassify(when string, c sla.Class) *Scenario {
	s.t.Helper()
	return s.At(when, sla.Event{Type: sla.Reclassify, Class: c})
}

// Status evaluates the log at the instant at. An error from the evaluation
// stops the test, with the timeline.
func (s *Scenario) Status(at string) sla.Status {
	s.t.Helper()
	st, err := s.ps.Evaluate(s.inq, s.events, s.Time(at))
	if err != nil {
		s.t.Errorf("slatest: evaluating at %s: %v\n\n%s", at, err, s.timeline(s.Time(at), nil, nil))
		s.t.FailNow()
	}
	return st
}

// Obligation returns the obligation named key ("first_reply",
// "next_reply#2") at the instant at. A malformed key, or one naming no
// obligation at that instant, stops the test with a message listing the
// obligations there are.
func (s *Scenario) Obligation(at, key string) sla.Obligation {
	s.t.Helper()
	st := s.Status(at)
	o, ok := s.find(&st, at, key)
	if !ok {
		s.t.FailNow()
	}
	return o
}

// find returns the obligation named key of st, the status at at, or
// reports why there is none (a malformed key, or no such obligation),
// listing those there are.
func (s *Scenario) find(st *sla.Status, at, key string) (sla.Obligation, bool) {
	s.t.Helper()
	k, err := sla.ParseKey(key)
	if err != nil {
		s.t.Errorf("slatest: key %q: %v; the obligations at %s are %s\n\n%s", key, err, at, keyList(st), s.timeline(st.At, st, nil))
		return sla.Obligation{}, false
	}
	o, ok := st.Obligation(k)
	if !ok {
		s.t.Errorf("slatest: no obligation %s at %s; there are %s\n\n%s", key, at, keyList(st), s.timeline(st.At, st, nil))
	}
	return o, ok
}

// checkLevel reports, and returns false, if the policy in force in st,
// the status at at, has no level named level in the ladder of the
// obligation named key, listing the levels there are.
func (s *Scenario) checkLevel(st *sla.Status, at, key, level string) bool {
	s.t.Helper()
	o, ok := s.find(st, at, key)
	if !ok {
		return false
	}
	p, _ := s.ps.Policy(st.Policy)
	var names []string
	for _, l := range p.Targets[o.Key.Metric].Escalation {
		if l.Name == level {
			return true
		}
		names = append(names, strconv.Quote(l.Name))
	}
	have := "no escalation ladder"
	if len(names) > 0 {
		have = "levels " + strings.Join(names, ", ")
	}
	s.t.Errorf("slatest: no level %q for %s in policy %q at %s: it has %s\n\n%s", level, key, st.Policy, at, have, s.timeline(st.At, st, nil))
	return false
}

// keyList lists the keys of st's obligations for messages.
func keyList(st *sla.Status) string {
	if len(st.Obligations) == 0 {
		return "none"
	}
	ks := make([]string, len(st.Obligations))
	for i, o := range st.Obligations {
		ks[i] = o.Key.String()
	}
	return strings.Join(ks, ", ")
}

// AssertState asserts that at the instant at the obligation named key is
// in state want, and reports whether it is.
func (s *Scenario) AssertState(at, key string, want sla.State) bool {
	s.t.Helper()
	st := s.Status(at)
	o, ok := s.find(&st, at, key)
	if !ok {
		return false
	}
	if _, err := sla.ParseState(string(want)); err != nil {
		return assert.Fail(s.t, fmt.Sprintf("slatest: %v", err))
	}
	return assert.Equal(s.t, want, o.State, "state of %s at %s\n\n%s", key, at, s.Timeline(at))
}

// AssertDue asserts that at the instant at the obligation named key is due
// at due, and reports whether it is. (An obligation whose clock is stopped
// before its due time has no due time: see sla.Obligation.)
func (s *Scenario) AssertDue(at, key, due string) bool {
	s.t.Helper()
	st := s.Status(at)
	o, ok := s.find(&st, at, key)
	if !ok {
		return false
	}
	return assert.Equal(s.t, stamp(s.Time(due)), stamp(o.Due),
		"due time of %s at %s\n\n%s", key, at, s.Timeline(at))
}

// AssertEscalated asserts that at the instant at the level named level of
// the obligation named key fired, and that a host that evaluates when an
// event arrives and when Next comes notices it then. It reports whether
// both hold. A key naming no obligation at that instant, or a level its
// ladder does not have under the policy in force then, fails the test
// with a message listing what there is.
func (s *Scenario) AssertEscalated(at, key, level string) bool {
	s.t.Helper()
	when := s.Time(at)
	st := s.Status(at)
	if !s.checkLevel(&st, at, key, level) {
		return false
	}
	notices := s.Notices(at)
	for _, n := range notices {
		if n.Obligation.String() != key || n.Level != level {
			continue
		}
		ok := assert.Equal(s.t, stamp(when), stamp(n.At),
			"%s of %s fired at another time\n\n%s", level, key, s.Timeline(at))
		return assert.Equal(s.t, stamp(n.At), stamp(n.Seen),
			"%s of %s fired at %s, but a host evaluating at each Next saw it only at %s\n\n%s",
			level, key, stamp(n.At), stamp(n.Seen), s.Timeline(at)) && ok
	}
	return assert.Fail(s.t, fmt.Sprintf("%s of %s did not fire by %s; %s", level, key, at, s.wouldFire(key, level, when)), s.Timeline(at))
}

// wouldFire says when the level named level of the obligation named key
// fires if nothing happens after the instant from, following Next from
// evaluation to evaluation of the log up to from.
func (s *Scenario) wouldFire(key, level string, from time.Time) string {
	var log []sla.Event
	for _, e := range s.events {
		if !e.Time.After(from) {
			log = append(log, e)
		}
	}
	now := from
	for range 1000 {
		st, err := s.ps.Evaluate(s.inq, log, now)
		if err != nil {
			return "the log does not evaluate: " + err.Error()
		}
		for _, o := range st.Obligations {
			if o.Key.String() != key {
				continue
			}
			for _, e := range o.Escalations {
				if e.Level == level {
					return "if nothing else happened it would fire at " + stamp(e.At)
				}
			}
		}
		if st.Next.IsZero() {
			break
		}
		now = st.Next
	}
	return "it would not fire even if nothing else happened"
}

// AssertNoEscalation asserts that by the instant until no level named
// level of the obligation named key fired, and reports whether none did.
// The key must name an obligation at until and the level a level of its
// ladder under the policy in force then, or the test fails with a message
// listing what there is: a misspelt name cannot pass. An empty level
// means every level of the obligation's ladder; an empty key and level,
// every level of every obligation.
func (s *Scenario) AssertNoEscalation(until, key, level string) bool {
	s.t.Helper()
	st := s.Status(until)
	switch {
	case key == "" && level != "":
		return assert.Fail(s.t, fmt.Sprintf("slatest: level %q of no obligation: name the obligation's key, or leave both empty", level))
	case key == "":
	case level == "":
		if _, ok := s.find(&st, until, key); !ok {
			return false
		}
	case !s.checkLevel(&st, until, key, level):
		return false
	}
	var fired []string
	for _, n := range s.Notices(until) {
		if (key == "" || n.Obligation.String() == key) && (level == "" || n.Level == level) {
			fired = append(fired, fmt.Sprintf("%s of %s at %s", n.Level, n.Obligation, stamp(n.At)))
		}
	}
	return assert.Empty(s.t, fired, "escalations by %s\n\n%s", until, s.Timeline(until))
}

// A Notice is an escalation as a host sends it.
type Notice struct {
	sla.Escalation
	// Seen is when the host noticed it: the instant of the evaluation
	// that first listed it. It equals At when Next is exact.
	Seen time.Time
}

// Notices replays the log up to the instant until on a manual clock, as a
// host does: it evaluates the inquiry when it arrives, when each event
// arrives and when the last status's Next comes, and returns each
// escalation the first time an evaluation lists it, in that order.
// An error from an evaluation stops the test.
func (s *Scenario) Notices(until string) []Notice {
	s.t.Helper()
	end := s.Time(until)
	notices, err := s.replay(end)
	if err != nil {
		s.t.Errorf("slatest: replaying to %s: %v\n\n%s", until, err, s.timeline(end, nil, nil))
		s.t.FailNow()
	}
	return notices
}

func (s *Scenario) replay(end time.Time) ([]Notice, error) {
	start := s.inq.Received
	clk := clock.NewManual(start)
	var (
		log     []sla.Event
		notices []Notice
		seen    = map[string]bool{}
		timer   clock.Timer
		err     error
	)
	var check func()
	check = func() {
		if err != nil {
			return
		}
		st, e := s.ps.Evaluate(s.inq, log, clk.Now())
		if e != nil {
			err = e
			return
		}
		for _, o := range st.Obligations {
			for _, esc := range o.Escalations {
				if id := esc.Obligation.String() + "/" + esc.Level; !seen[id] {
					seen[id] = true
					notices = append(notices, Notice{Escalation: esc, Seen: clk.Now()})
				}
			}
		}
		if timer != nil {
			timer.Stop()
		}
		if !st.Next.IsZero() {
			timer = clk.AfterFunc(st.Next.Sub(clk.Now()), check)
		}
	}
	// One arrival per distinct instant, with every event of that instant,
	// so that no evaluation sees half of what happened at once.
	events := slices.Clone(s.events)
	slices.SortStableFunc(events, func(a, b sla.Event) int { return a.Time.Compare(b.Time) })
	if len(events) == 0 || events[0].Time.After(start) {
		clk.AfterFunc(0, check)
	}
	for i := 0; i < len(events); {
		j := i + 1
		for j < len(events) && events[j].Time.Equal(events[i].Time) {
			j++
		}
		batch := events[i:j]
		clk.AfterFunc(batch[0].Time.Sub(start), func() {
			log = append(log, batch...)
			check()
		})
		i = j
	}
	if end.Before(start) {
		return nil, nil
	}
	clk.Set(end)
	return notices, err
}
