package sla_test

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// Applying a log to a Run in pieces — any split, with the run advanced to
// any instant in between that no later event precedes — gives the status
// Evaluate gives for the whole log, at any instant from the run's on, but
// for Next, which a run does not bound by events it has not seen.
func TestPropertyRunIsEvaluate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := fixture.DensePolicySet(t)
		inq := fixture.Inquiry(t)
		log := fixture.DenseLog(t, inq)
		r, err := ps.Start(inq)
		require.NoError(t, err)
		for k := 0; k < len(log); {
			n := rapid.IntRange(1, len(log)-k).Draw(t, "piece")
			require.NoError(t, r.Apply(log[k:k+n]...))
			k += n
			if rapid.Bool().Draw(t, "advance") {
				// Not past the next event, nor to it: an event at the
				// instant a run was advanced to is back-dated.
				to := r.Time().Add(time.Duration(rapid.IntRange(0, 600).Draw(t, "by")) * time.Minute)
				if k < len(log) && !to.Before(log[k].Time) {
					continue
				}
				require.NoError(t, r.Advance(to))
			}
		}
		now := r.Time().Add(time.Duration(rapid.IntRange(0, 3*24*60).Draw(t, "now")) * time.Minute)
		want, err := ps.Evaluate(inq, log, now)
		require.NoError(t, err)
		got, err := r.Status(now)
		require.NoError(t, err)
		require.Equal(t, want, got)

		// A glance says the same of what is open, at a cost that does not
		// read the closed obligations.
		g, err := r.Glance(now)
		require.NoError(t, err)
		assert.Equal(t, want.Next, g.Next)
		breached, fired := 0, 0
		for _, o := range want.Obligations {
			if o.State.Open() {
				assert.Contains(t, g.Open, o, "an open obligation missing from the glance")
			}
			if o.State == sla.Breached {
				breached++
			}
			fired += len(o.Escalations)
		}
		assert.Equal(t, breached, g.Breached)
		assert.Equal(t, fired, g.Escalations)
		assert.Equal(t, len(want.Anomalies), g.Anomalies)
		assert.Equal(t, len(want.Violations), g.Violations)
		assert.Equal(t, len(log), g.EventCount)
		assert.Equal(t, len(want.Labels), g.Labels)
		assert.Equal(t, [...]any{want.Policy, want.Owner, want.Team, want.Resolved, want.HostStatus},
			[...]any{g.Policy, g.Owner, g.Team, g.Resolved, g.HostStatus})
		for _, o := range g.Open {
			w, ok := want.Obligation(o.Key)
			require.True(t, ok, "%s open in the glance only", o.Key)
			assert.Equal(t, w, o)
			assert.True(t, o.State.Open() || o.State == sla.Breached, "%s %s in the glance", o.Key, o.State)
		}

		// The escalations a run lists are every one fired by its instant,
		// in time order.
		sorted := r.Escalations(0)
		for i := 1; i < len(sorted); i++ {
			assert.False(t, sorted[i].At.Before(sorted[i-1].At), "escalations out of time order")
		}
		// Asked from the k-th on, a run lists the rest; the anomalies
		// too, as Status lists them.
		k := rapid.IntRange(-1, len(sorted)+1).Draw(t, "from")
		if rest := r.Escalations(k); k < len(sorted) {
			assert.Equal(t, sorted[max(k, 0):], rest)
		} else {
			assert.Nil(t, rest)
		}
		st, err := r.Status(r.Time())
		require.NoError(t, err)
		k = rapid.IntRange(0, len(st.Anomalies)).Draw(t, "anomalies from")
		if k < len(st.Anomalies) {
			assert.Equal(t, st.Anomalies[k:], r.Anomalies(k))
		} else {
			assert.Nil(t, r.Anomalies(k))
		}
	})
}

// The methods that do not change a Run may run at once on one Run (the
// race detector checks that none of them writes to it), each giving what
// it gives alone; clones taken at once and changed apart stay apart, and
// the original then applying the rest of the log changes none of them.
func TestPropertyRunReadsAtOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := fixture.DensePolicySet(t)
		inq := fixture.Inquiry(t)
		log := fixture.DenseLog(t, inq)
		k := rapid.IntRange(0, len(log)).Draw(t, "applied")
		r, err := ps.Start(inq)
		require.NoError(t, err)
		require.NoError(t, r.Apply(log[:k]...))
		now := r.Time().Add(time.Duration(rapid.IntRange(0, 3*24*60).Draw(t, "now")) * time.Minute)
		end := now
		if len(log) > 0 && log[len(log)-1].Time.After(end) {
			end = log[len(log)-1].Time
		}
		wantNow, err := ps.Evaluate(inq, log[:k], now)
		require.NoError(t, err)
		wantEnd, err := ps.Evaluate(inq, log, end)
		require.NoError(t, err)

		wantEscs := r.Escalations(0)
		const readers = 4
		statuses := make([]sla.Status, readers)
		glances := make([]sla.Glance, readers)
		clones := make([]*sla.Run, readers)
		escs := make([][]sla.Escalation, readers)
		errs := make([]error, readers)
		var wg sync.WaitGroup
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err1, err2, err3 error
				statuses[i], err1 = r.Status(now)
				glances[i], err2 = r.Glance(now)
				escs[i] = r.Escalations(0)
				_ = r.Anomalies(0)
				_ = r.Time()
				c := r.Clone()
				// Half the clones change at once, half after the original.
				if i%2 == 0 {
					err3 = c.Apply(log[k:]...)
				}
				clones[i], errs[i] = c, errors.Join(err1, err2, err3)
			}()
		}
		wg.Wait()
		require.NoError(t, r.Apply(log[k:]...))
		for i := range readers {
			require.NoError(t, errs[i])
			assert.Equal(t, wantNow, statuses[i])
			assert.Equal(t, wantNow.Next, glances[i].Next)
			assert.Equal(t, k, glances[i].EventCount)
			if i%2 == 1 {
				require.NoError(t, clones[i].Apply(log[k:]...))
			}
			st, err := clones[i].Status(end)
			require.NoError(t, err)
			assert.Equal(t, wantEnd, st, "clone %d", i)
		}
		for i := range readers {
			assert.Equal(t, wantEscs, escs[i], "reader %d", i)
		}
		st, err := r.Status(end)
		require.NoError(t, err)
		assert.Equal(t, wantEnd, st)
	})
}

// A Clone is independent: what is applied to one does not show in the
// other.
func TestRunClone(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	r, err := policies.Start(inq)
	require.NoError(t, err)
	require.NoError(t, r.Apply(sla.Event{Time: at("2026-03-09 09:30"), Type: sla.Promise, Ref: "p", Due: at("2026-03-09 12:00")}))
	c := r.Clone()
	require.NoError(t, c.Apply(sla.Event{Time: at("2026-03-09 10:00"), Type: sla.Reply, Channel: sla.Email}))
	st, err := r.Status(at("2026-03-09 13:00"))
	require.NoError(t, err)
	assert.Equal(t, sla.Breached, obligation(t, st, "first_reply").State, "the original is untouched")
	assert.Equal(t, sla.Breached, obligation(t, st, "promise_kept#1").State)
	st, err = c.Status(at("2026-03-09 13:00"))
	require.NoError(t, err)
	assert.Equal(t, sla.Met, obligation(t, st, "first_reply").State)
	assert.Equal(t, sla.Met, obligation(t, st, "promise_kept#1").State)
	assert.Equal(t, 1, r.EventCount())
	assert.Equal(t, 2, c.EventCount())
}

// A clone and its original stay apart even when one of them applies an
// event at the run's own instant that starts or stops a clock with a long
// history (which rewrites the clock's last segment): the other's due
// times, read back through that history by a Reclassify, are its own.
func TestRunCloneKeepsClockHistoryApart(t *testing.T) {
	ps, err := sla.ParsePolicies([]byte(`{
	  "statuses": {"open": {}, "pending": {"pauses": ["resolution"]}},
	  "policies": [{"name": "u", "match": {"priorities": ["urgent"]}, "targets": {"resolution": {"within": "2h"}}},
	               {"name": "p", "targets": {"resolution": {"within": "10h"}}}]}`))
	require.NoError(t, err)
	t0 := at("2026-03-02 00:00")
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	inq := sla.Inquiry{ID: "x", Channel: sla.Email, Class: sla.Class{Party: sla.Prospect}, Received: t0}
	log := []sla.Event{
		{Time: h(1), Type: sla.StatusChange, Status: "pending"},
		{Time: h(2), Type: sla.StatusChange, Status: "open"},
	}
	again := sla.Event{Time: h(2), Type: sla.StatusChange, Status: "pending"}
	urgent := sla.Event{Time: h(5), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Urgent}}
	for _, cloneFirst := range []bool{true, false} {
		r, err := ps.Start(inq)
		require.NoError(t, err)
		require.NoError(t, r.Apply(log...))
		c := r.Clone()
		a, b := c, r // a applies at the run's instant, b goes on
		if !cloneFirst {
			a, b = r, c
		}
		require.NoError(t, a.Apply(again))
		require.NoError(t, b.Apply(urgent))
		for _, tc := range []struct {
			run *sla.Run
			log []sla.Event
		}{{a, append(slices.Clone(log), again)}, {b, append(slices.Clone(log), urgent)}} {
			want, err := ps.Evaluate(inq, tc.log, h(6))
			require.NoError(t, err)
			got, err := tc.run.Status(h(6))
			require.NoError(t, err)
			assert.Equal(t, want, got, "clone applied first: %v", cloneFirst)
		}
	}
	// Two clones doing it at once (the race detector watches).
	r, err := ps.Start(inq)
	require.NoError(t, err)
	require.NoError(t, r.Apply(log...))
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, r.Clone().Apply(again))
		}()
	}
	wg.Wait()
}

// A Run refuses what would make it disagree with Evaluate: a malformed
// event (naming it by its place in the run's log), an event before the
// last, and anything at or before the instant it was advanced to; it is
// left as it was.
func TestRunRefusals(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 09:00")}
	r, err := policies.Start(inq)
	require.NoError(t, err)
	require.NoError(t, r.Apply(sla.Event{Time: at("2026-03-09 10:00"), Type: sla.CustomerMessage}))
	err = r.Apply(sla.Event{Time: at("2026-03-09 10:00"), Type: sla.Reply})
	require.ErrorIs(t, err, sla.ErrBadEvent)
	assert.EqualError(t, err, "sla: events[1].channel: a reply needs a channel")
	err = r.Apply(sla.Event{Time: at("2026-03-09 10:30"), Type: sla.AutoReply}, sla.Event{Time: at("2026-03-09 09:59"), Type: sla.AutoReply})
	require.ErrorIs(t, err, sla.ErrBackdated)
	err = r.Apply(sla.Event{Time: at("2026-03-09 10:30"), Type: sla.AutoReply}, sla.Event{Time: at("2026-03-09 10:15"), Type: sla.AutoReply})
	require.ErrorIs(t, err, sla.ErrBackdated)
	assert.ErrorContains(t, err, "events[2].time: ")
	assert.ErrorContains(t, err, "before the event before it, at 2026-03-09 10:30:00")
	assert.Equal(t, 1, r.EventCount(), "all or none")
	err = r.Apply(sla.Event{Time: at("2026-03-09 09:59"), Type: sla.AutoReply})
	assert.ErrorContains(t, err, "before the run's instant 2026-03-09 10:00:00")
	require.NoError(t, r.Apply(sla.Event{Time: at("2026-03-09 10:00"), Type: sla.AutoReply}), "at the last event's instant is fine")
	require.NoError(t, r.Advance(at("2026-03-09 11:00")))
	assert.Equal(t, at("2026-03-09 11:00"), r.Time())
	err = r.Apply(sla.Event{Time: at("2026-03-09 11:00"), Type: sla.AutoReply})
	require.ErrorIs(t, err, sla.ErrBackdated)
	assert.ErrorContains(t, err, "not after 2026-03-09 11:00:00")
	assert.ErrorContains(t, err, "the instant the run was advanced to")
	require.ErrorIs(t, r.Advance(at("2026-03-09 10:59")), sla.ErrBackdated)
	_, err = r.Status(at("2026-03-09 10:59"))
	require.ErrorIs(t, err, sla.ErrBackdated)
	_, err = r.Glance(at("2026-03-09 10:59"))
	require.ErrorIs(t, err, sla.ErrBackdated)
	require.NoError(t, r.Apply(sla.Event{Time: at("2026-03-09 11:01"), Type: sla.AutoReply}))

	_, err = new(sla.PolicySet).Start(inq)
	require.ErrorIs(t, err, sla.ErrNoFallback)
	_, err = policies.Start(sla.Inquiry{Channel: sla.Email})
	require.ErrorIs(t, err, sla.ErrBadInquiry)
	assert.Empty(t, r.Escalations(99))
	assert.Empty(t, r.Escalations(-1), "nothing fired")
}

// A clock that stops at the instant it reaches a level fires that level
// at that instant, once nothing more can come at it: a glance then shows
// it fired, as Status does, and the run, which may still take an event at
// that instant, has not fired it.
func TestGlanceAtALevelReachedAsTheClockStops(t *testing.T) {
	ps := sla.MustParsePolicies([]byte(`{
	  "statuses": {"open": {}, "pending": {"pauses": ["resolution"]}},
	  "policies": [{"name": "all", "targets": {"resolution": {"within": "8h",
	    "escalation": [{"name": "half", "at": "50%"}]}}}]}`))
	nine := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	r, err := ps.Start(sla.Inquiry{Channel: sla.Email, Received: nine})
	require.NoError(t, err)
	require.NoError(t, r.Apply(sla.Event{Time: nine.Add(4 * time.Hour), Type: sla.StatusChange, Status: "pending"}))
	for _, now := range []time.Time{nine.Add(4 * time.Hour), nine.Add(5 * time.Hour)} {
		st, err := r.Status(now)
		require.NoError(t, err)
		require.Len(t, st.Obligations, 1)
		require.Len(t, st.Obligations[0].Escalations, 1)
		assert.Equal(t, nine.Add(4*time.Hour), st.Obligations[0].Escalations[0].At)
		g, err := r.Glance(now)
		require.NoError(t, err)
		assert.Equal(t, 1, g.Escalations, "at %v", now)
		require.Len(t, g.Open, 1)
		assert.Equal(t, st.Obligations[0], g.Open[0])
	}
	assert.Empty(t, r.Escalations(0), "a glance fires nothing in the run")
	require.NoError(t, r.Advance(nine.Add(4*time.Hour)))
	assert.Len(t, r.Escalations(0), 1)
}

// The zero Run, never started, answers like a run of the zero PolicySet:
// errors wrapping ErrNoFallback, nothing applied; no method panics,
// whatever methods the type gains.
func TestZeroRun(t *testing.T) {
	var r sla.Run
	now := at("2026-03-09 09:00")
	assert.ErrorIs(t, r.Apply(sla.Event{Type: sla.CustomerMessage, Time: now}), sla.ErrNoFallback)
	assert.ErrorIs(t, r.Advance(now), sla.ErrNoFallback)
	_, err := r.Status(now)
	assert.ErrorIs(t, err, sla.ErrNoFallback)
	_, err = r.Glance(now)
	assert.ErrorIs(t, err, sla.ErrNoFallback)
	assert.Zero(t, r.EventCount())
	assert.True(t, r.Time().IsZero())
	assert.Empty(t, r.Escalations(0))
	assert.Empty(t, r.Anomalies(0))
	_, err = r.Clone().Status(now)
	assert.ErrorIs(t, err, sla.ErrNoFallback)

	v := reflect.ValueOf(&r)
	for i := range v.NumMethod() {
		m := v.Type().Method(i)
		args := make([]reflect.Value, m.Type.NumIn()-1)
		for j := range args {
			args[j] = reflect.Zero(m.Type.In(j + 1))
		}
		if m.Type.IsVariadic() {
			assert.NotPanics(t, func() { v.Method(i).CallSlice(args) }, m.Name)
			continue
		}
		assert.NotPanics(t, func() { v.Method(i).Call(args) }, m.Name)
	}
}
