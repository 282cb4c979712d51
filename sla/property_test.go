package sla_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

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
		ps, inq, log, now := fixture.Scenario(t)
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
		ps := fixture.PolicySet(t)
		inq := fixture.Inquiry(t)
		checkMonotone(t, ps, inq, fixture.Log(t, inq))
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
		ps, inq, log, now := fixture.Scenario(t)
		st, err := ps.Evaluate(inq, log, now)
		require.NoError(t, err)
		var ls fixture.LogState
		extra := ls.Draw(t, now.Add(time.Duration(rapid.IntRange(1, 24*60*60).Draw(t, "after"))*time.Second), 24*time.Hour)
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
		for i := range got.Anomalies {
			if got.Anomalies[i].Index > pos {
				got.Anomalies[i].Index--
			}
		}
		require.Equal(t, st, got)
	})
}

// Evaluation does not depend on the input order of events with distinct
// times.
func TestPropertyOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps, inq, log, now := fixture.Scenario(t)
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
			fix(o.Violations)
		}
		for i := range got.Anomalies {
			got.Anomalies[i].Index = perm[got.Anomalies[i].Index]
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
		ps := fixture.PolicySet(t)
		inq := fixture.Inquiry(t)
		n := rapid.IntRange(0, 12).Draw(t, "n")
		log := make([]sla.Event, n)
		for i := range log {
			log[i] = sla.Event{
				Time:    inq.Received.Add(time.Duration(rapid.IntRange(-60, 3*24*60).Draw(t, "at")) * time.Minute),
				Type:    rapid.SampledFrom(append(fixture.EventTypes, "", "bogus")).Draw(t, "type"),
				Channel: rapid.SampledFrom([]sla.Channel{"", sla.Email, sla.Fax}).Draw(t, "ch"),
			}
			if rapid.Bool().Draw(t, "hasDue") {
				log[i].Due = log[i].Time.Add(time.Duration(rapid.IntRange(-60, 600).Draw(t, "due")) * time.Minute)
			}
		}
		now := inq.Received.Add(time.Duration(rapid.IntRange(0, 4*24*60).Draw(t, "now")) * time.Minute)
		st, err := ps.Evaluate(inq, log, now)
		if err != nil {
			var e *sla.Error
			require.True(t, errors.As(err, &e), "%v", err)
			var i int
			_, serr := fmt.Sscanf(e.Path, "events[%d]", &i)
			require.NoError(t, serr, "%v names no event", err)
			require.True(t, i >= 0 && i < n)
			require.True(t, errors.Is(err, sla.ErrBadEvent) || errors.Is(err, sla.ErrEventBeforeInquiry), "%v", err)
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
