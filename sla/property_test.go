package sla_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

// genPolicySet draws a small policy set over the test calendars: a policy
// for urgent inquiries and a fallback, with random targets and ladders.
func genPolicySet(t *rapid.T) *sla.PolicySet {
	cals := map[string]*calendar.Calendar{"support-nyc": policies.Calendar("support-nyc")}
	target := func(label string, m sla.Metric) (sla.Target, bool) {
		if !rapid.Bool().Draw(t, label+".has") {
			return sla.Target{}, false
		}
		var tg sla.Target
		if rapid.Bool().Draw(t, label+".business") {
			tg.Calendar = "support-nyc"
		}
		switch rapid.IntRange(0, 2).Draw(t, label+".form") {
		case 0:
			tg.Within.Time = time.Duration(rapid.IntRange(1, 48*60).Draw(t, label+".minutes")) * time.Minute
		case 1:
			tg.Within.Days = rapid.IntRange(1, 2).Draw(t, label+".days")
		default:
			tg.Within = sla.Duration{Days: 1, Time: time.Duration(rapid.IntRange(0, 8*60).Draw(t, label+".minutes")) * time.Minute}
		}
		if m == sla.PromiseKept || m == sla.AppointmentKept {
			tg.Within = sla.Duration{Time: time.Duration(rapid.IntRange(0, 60).Draw(t, label+".grace")) * time.Minute}
		}
		n := rapid.IntRange(0, 3).Draw(t, label+".levels")
		for j := range n {
			var at sla.Trigger
			if rapid.Bool().Draw(t, label+".share") {
				at = sla.AtShare(float64(rapid.IntRange(0, 150).Draw(t, label+".pct")))
			} else {
				at = sla.AtOffset(time.Duration(rapid.IntRange(-240, 240).Draw(t, label+".offset")) * time.Minute)
			}
			tg.Escalation = append(tg.Escalation, sla.Level{Name: string(rune('a' + j)), At: at, Notify: []string{"x"}})
		}
		return tg, true
	}
	return policySetOf(t, cals, target)
}

// policySetOf builds a policy set over cals of a policy for urgent
// inquiries and a fallback, each with the targets target draws for it.
func policySetOf(t *rapid.T, cals map[string]*calendar.Calendar, target func(label string, m sla.Metric) (sla.Target, bool)) *sla.PolicySet {
	policy := func(name string, match sla.Match) sla.Policy {
		p := sla.Policy{Name: name, Match: match, Reply: sla.ReplyRule(rapid.IntRange(0, 2).Draw(t, name+".reply")), Targets: map[sla.Metric]sla.Target{}}
		for _, m := range sla.Metrics() {
			if tg, ok := target(name+"."+string(m), m); ok {
				p.Targets[m] = tg
			}
		}
		return p
	}
	ps, err := sla.NewPolicySet(cals,
		policy("urgent", sla.Match{Priorities: []sla.Priority{sla.Urgent}}),
		policy("rest", sla.Match{}))
	require.NoError(t, err)
	return ps
}

var (
	genChannel  = rapid.SampledFrom([]sla.Channel{sla.Email, sla.Phone, sla.Chat, sla.SMS})
	genPriority = rapid.SampledFrom([]sla.Priority{sla.Normal, sla.Urgent})
)

// genInquiry draws an inquiry arriving in the week around the 2026 spring
// DST change in New York.
func genInquiry(t *rapid.T) sla.Inquiry {
	return sla.Inquiry{
		ID:       "q",
		Channel:  genChannel.Draw(t, "channel"),
		ReplyTo:  rapid.SliceOfNDistinct(genChannel, 0, 2, rapid.ID).Draw(t, "replyTo"),
		Class:    sla.Class{Party: sla.Customer, Priority: genPriority.Draw(t, "priority")},
		Received: at("2026-03-05 00:00").Add(time.Duration(rapid.IntRange(0, 5*24*60).Draw(t, "received")) * time.Minute),
	}
}

var eventTypes = []sla.EventType{
	sla.CustomerMessage, sla.Reply, sla.AutoReply, sla.Promise, sla.Appointment, sla.Held,
	sla.Wait, sla.Resume, sla.Resolve, sla.Reopen, sla.Reclassify, sla.Assign,
}

// genScenario draws a policy set, an inquiry, a valid log for it and an
// instant within five days of its arrival.
func genScenario(t *rapid.T) (*sla.PolicySet, sla.Inquiry, []sla.Event, time.Time) {
	ps := genPolicySet(t)
	inq := genInquiry(t)
	log := genLog(t, inq)
	now := inq.Received.Add(time.Duration(rapid.IntRange(0, 5*24*60).Draw(t, "now")) * time.Minute)
	return ps, inq, log, now
}

// genLog draws a valid log for inq, in time order, with distinct times
// (whole minutes within four days of arrival).
func genLog(t *rapid.T, inq sla.Inquiry) []sla.Event {
	offsets := rapid.SliceOfNDistinct(rapid.IntRange(0, 4*24*60), 0, 14, rapid.ID).Draw(t, "offsets")
	slices.Sort(offsets)
	var log []sla.Event
	var s logState
	for _, off := range offsets {
		if e, ok := s.draw(t, inq.Received.Add(time.Duration(off)*time.Minute), 3*24*time.Hour); ok {
			log = append(log, e)
		}
	}
	return log
}

// logState is what a log drawn so far allows next.
type logState struct {
	waiting, resolved bool
	appointments      int         // not yet held
	naming            int         // 0 before the first Held, then 1 if Helds name their appointment (by Due), 2 if not
	scheduled         []time.Time // while Helds name theirs: the Due of each appointment not yet held
}

// draw draws an event at instant at, with any due time (of a promise or an
// appointment) within maxDue of it, and reports whether the log so far
// allows it; if so, s then accounts for it.
func (s *logState) draw(t *rapid.T, at time.Time, maxDue time.Duration) (sla.Event, bool) {
	e := sla.Event{Time: at, Type: rapid.SampledFrom(eventTypes).Draw(t, "type")}
	switch e.Type {
	case sla.CustomerMessage:
		e.Channel = rapid.SampledFrom([]sla.Channel{"", sla.Email, sla.Phone, sla.Chat, sla.SMS}).Draw(t, "ch")
	case sla.Reply, sla.AutoReply:
		e.Channel = genChannel.Draw(t, "ch")
	case sla.Promise, sla.Appointment:
		e.Due = e.Time.Add(time.Duration(rapid.IntRange(0, int(maxDue/time.Minute)).Draw(t, "due")) * time.Minute)
	case sla.Reclassify:
		e.Class.Priority = genPriority.Draw(t, "priority")
	case sla.Assign:
		e.Owner = rapid.SampledFrom([]string{"", "ann", "bob"}).Draw(t, "owner")
	}
	switch e.Type {
	case sla.CustomerMessage:
		s.waiting = false
	case sla.Appointment:
		s.appointments++
		s.scheduled = append(s.scheduled, e.Due)
	case sla.Held:
		if s.appointments == 0 {
			return e, false
		}
		s.appointments--
		if s.naming == 0 {
			s.naming = 2
			if rapid.Bool().Draw(t, "naming") {
				s.naming = 1
			}
		}
		if s.naming == 1 {
			k := rapid.IntRange(0, len(s.scheduled)-1).Draw(t, "held")
			e.Due = s.scheduled[k]
			s.scheduled = slices.Delete(s.scheduled, k, k+1)
		}
	case sla.Wait:
		if s.waiting || s.resolved {
			return e, false
		}
		s.waiting = true
	case sla.Resume:
		if !s.waiting {
			return e, false
		}
		s.waiting = false
	case sla.Resolve:
		if s.resolved {
			return e, false
		}
		s.resolved, s.waiting = true, false
	case sla.Reopen:
		if !s.resolved {
			return e, false
		}
		s.resolved = false
	}
	return e, true
}

// discrete returns st without the durations that move with time and
// without its instant: what Next promises not to change.
func discrete(st sla.Status) sla.Status {
	st.At = time.Time{}
	st.Obligations = slices.Clone(st.Obligations)
	for i := range st.Obligations {
		o := &st.Obligations[i]
		o.Elapsed, o.Remaining, o.Paused = 0, 0, 0
	}
	return st
}

// The status at any instant in [now, Next) equals the status at now, and
// differs at Next.
func TestPropertyNextIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps, inq, log, now := genScenario(t)
		checkNextIsExact(t, ps, inq, log, now)
	})
}

// checkNextIsExact requires that the status of log at any instant in
// [now, Next) equals the status at now, and differs at Next.
func checkNextIsExact(t *rapid.T, ps *sla.PolicySet, inq sla.Inquiry, log []sla.Event, now time.Time) {
	st, err := ps.Evaluate(inq, log, now)
	require.NoError(t, err)
	want := discrete(st)
	if st.Next.IsZero() {
		later := now.Add(time.Duration(rapid.IntRange(1, 30*24*60).Draw(t, "later")) * time.Minute)
		got, err := ps.Evaluate(inq, log, later)
		require.NoError(t, err)
		require.Equal(t, want, discrete(got), "no Next, yet it changed by %v", later)
		return
	}
	require.True(t, st.Next.After(now), "Next %v not after now %v", st.Next, now)
	gap := st.Next.Sub(now)
	for _, u := range []time.Time{
		now.Add(time.Duration(rapid.Int64Range(0, int64(gap)-1).Draw(t, "between"))),
		st.Next.Add(-time.Nanosecond),
	} {
		got, err := ps.Evaluate(inq, log, u)
		require.NoError(t, err)
		require.Equal(t, want, discrete(got), "changed at %v, before Next %v", u, st.Next)
	}
	got, err := ps.Evaluate(inq, log, st.Next)
	require.NoError(t, err)
	require.NotEqual(t, want, discrete(got), "nothing changed at Next %v", st.Next)
}

// States never go back as now grows: lateness is final, met stays met
// (but for a reopened resolution), cancellation is final but for an
// obligation that a Reclassify (or, for the resolution, a Reopen) tracks
// again, escalations and violations only accumulate.
func TestPropertyMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := genPolicySet(t)
		inq := genInquiry(t)
		checkMonotone(t, ps, inq, genLog(t, inq))
	})
}

// checkMonotone evaluates log at two instants, the second no earlier, and
// requires that nothing went back.
func checkMonotone(t *rapid.T, ps *sla.PolicySet, inq sla.Inquiry, log []sla.Event) {
	t1 := inq.Received.Add(time.Duration(rapid.IntRange(0, 5*24*60).Draw(t, "t1")) * time.Minute)
	t2 := t1.Add(time.Duration(rapid.IntRange(0, 5*24*60).Draw(t, "dt")) * time.Minute)
	s1, err := ps.Evaluate(inq, log, t1)
	require.NoError(t, err)
	s2, err := ps.Evaluate(inq, log, t2)
	require.NoError(t, err)
	// revivable reports whether an event in (t1, t2] may track a
	// cancelled obligation of metric m again.
	revivable := func(m sla.Metric) bool {
		for _, e := range log {
			if e.Time.After(t1) && !e.Time.After(t2) && (e.Type == sla.Reclassify || e.Type == sla.Reopen && m == sla.Resolution) {
				return true
			}
		}
		return false
	}
	for _, o1 := range s1.Obligations {
		o2, ok := s2.Obligation(o1.Key)
		require.True(t, ok, "%s vanished", o1.Key)
		final := o1.State == sla.Cancelled && !revivable(o1.Key.Metric)
		switch {
		case o1.State.Late():
			require.True(t, o2.State.Late(), "%s was %s, then %s", o1.Key, o1.State, o2.State)
		case final:
			require.Equal(t, sla.Cancelled, o2.State, "%s was cancelled, then %s with no Reclassify between", o1.Key, o2.State)
			require.Equal(t, o1.DoneAt, o2.DoneAt, o1.Key.String())
		case o1.State == sla.Cancelled:
			require.Equal(t, o1.Start, o2.Start, "%s: tracked again from another start", o1.Key)
		case o1.State == sla.Met && o1.Key.Metric != sla.Resolution:
			require.Equal(t, sla.Met, o2.State, o1.Key.String())
		}
		require.GreaterOrEqual(t, len(o2.Escalations), len(o1.Escalations))
		for k, e := range o1.Escalations {
			require.Equal(t, e, o2.Escalations[k], o1.Key.String())
		}
		if final || (o1.State == sla.Met || o1.State == sla.MetLate) && o1.Key.Metric != sla.Resolution {
			require.Equal(t, o1.Elapsed, o2.Elapsed, "%s: elapsed moved after it closed", o1.Key)
		} else {
			require.GreaterOrEqual(t, o2.Elapsed, o1.Elapsed, o1.Key.String())
		}
	}
	require.GreaterOrEqual(t, len(s2.Violations), len(s1.Violations))
	for k, v := range s1.Violations {
		require.Equal(t, v, s2.Violations[k])
	}
	require.GreaterOrEqual(t, s2.Counts.Touches, s1.Counts.Touches)
	require.GreaterOrEqual(t, s2.Counts.Nudges, s1.Counts.Nudges)
}

// Adding an event after now does not change the status at now, except
// that Next comes no later than the new event.
func TestPropertyLaterEventsDoNotMatter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps, inq, log, now := genScenario(t)
		st, err := ps.Evaluate(inq, log, now)
		require.NoError(t, err)
		extra := sla.Event{
			Time:    now.Add(time.Duration(rapid.IntRange(1, 24*60*60).Draw(t, "after")) * time.Second),
			Type:    rapid.SampledFrom(eventTypes).Draw(t, "type"),
			Channel: sla.Email,
		}
		extra.Due = extra.Time
		pos := rapid.IntRange(0, len(log)).Draw(t, "pos")
		more := slices.Insert(slices.Clone(log), pos, extra)
		got, err := ps.Evaluate(inq, more, now)
		require.NoError(t, err)
		wantNext := st.Next
		if wantNext.IsZero() || extra.Time.Before(wantNext) {
			wantNext = extra.Time
		}
		require.True(t, wantNext.Equal(got.Next), "Next %v, want %v", got.Next, wantNext)
		st.Next, got.Next = time.Time{}, time.Time{}
		for i := range got.Violations { // indices shift past the insertion
			if got.Violations[i].Index > pos {
				got.Violations[i].Index--
			}
		}
		for _, o := range got.Obligations {
			for i := range o.Violations {
				if o.Violations[i].Index > pos {
					o.Violations[i].Index--
				}
			}
		}
		require.Equal(t, st, got)
	})
}

// Evaluation does not depend on the input order of events with distinct
// times.
func TestPropertyOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps, inq, log, now := genScenario(t)
		perm := rapid.Permutation(rapid.Just(identity(len(log))).Draw(t, "identity")).Draw(t, "perm")
		shuffled := make([]sla.Event, len(log))
		for i, j := range perm {
			shuffled[i] = log[j]
		}
		want, err := ps.Evaluate(inq, log, now)
		require.NoError(t, err)
		got, err := ps.Evaluate(inq, shuffled, now)
		require.NoError(t, err)
		fix := func(vs []sla.Violation) {
			for i := range vs {
				vs[i].Index = perm[vs[i].Index]
			}
		}
		fix(got.Violations)
		for _, o := range got.Obligations {
			if len(o.Violations) > 0 && &o.Violations[0] != &got.Violations[0] {
				fix(o.Violations)
			}
		}
		require.Equal(t, want, got)
	})
}

func identity(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Whatever the log, Evaluate returns a status or an error naming an event
// and wrapping a sentinel; it never panics.
func TestPropertyAnyLog(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := genPolicySet(t)
		inq := genInquiry(t)
		n := rapid.IntRange(0, 12).Draw(t, "n")
		log := make([]sla.Event, n)
		for i := range log {
			log[i] = sla.Event{
				Time:    inq.Received.Add(time.Duration(rapid.IntRange(-60, 3*24*60).Draw(t, "at")) * time.Minute),
				Type:    rapid.SampledFrom(append(eventTypes, "", "bogus")).Draw(t, "type"),
				Channel: rapid.SampledFrom([]sla.Channel{"", sla.Email, sla.Fax}).Draw(t, "ch"),
			}
			if rapid.Bool().Draw(t, "hasDue") {
				log[i].Due = log[i].Time.Add(time.Duration(rapid.IntRange(-60, 600).Draw(t, "due")) * time.Minute)
			}
		}
		now := inq.Received.Add(time.Duration(rapid.IntRange(0, 4*24*60).Draw(t, "now")) * time.Minute)
		st, err := ps.Evaluate(inq, log, now)
		if err != nil {
			var ee *sla.EventError
			require.True(t, errors.As(err, &ee), "%v", err)
			require.True(t, ee.Index >= 0 && ee.Index < n)
			require.True(t, errors.Is(err, sla.ErrBadEvent) || errors.Is(err, sla.ErrEventBeforeInquiry) || errors.Is(err, sla.ErrEventOutOfSequence), "%v", err)
			return
		}
		for _, o := range st.Obligations {
			assert.False(t, o.Start.Before(inq.Received))
			if o.State == sla.Running {
				assert.False(t, o.Due.IsZero(), "%s running without a due time", o.Key)
			}
		}
	})
}
