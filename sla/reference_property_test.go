package sla_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// refSummary is what the reference and Evaluate are compared on, for one
// obligation, with instants written out so that a failure reads well.
type refSummary struct {
	Key                        string
	State                      string
	Start, Due, DoneAt         string
	Budget                     time.Duration
	Calendar                   string
	Elapsed, Remaining, Paused time.Duration
	Nudges                     int
	Escalations                []string
}

func refInstant(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(nyc).Format("Mon 01-02 15:04:05 MST")
}

func summarize(obs []sla.Obligation) []refSummary {
	out := make([]refSummary, 0, len(obs))
	for _, o := range obs {
		s := refSummary{
			Key: o.Key.String(), State: string(o.State),
			Start: refInstant(o.Start), Due: refInstant(o.Due), DoneAt: refInstant(o.DoneAt),
			Budget: o.Budget, Calendar: o.Calendar,
			Elapsed: o.Elapsed, Remaining: o.Remaining, Paused: o.Paused,
			Nudges: o.Nudges,
		}
		for _, e := range o.Escalations {
			s.Escalations = append(s.Escalations, e.Level+"@"+refInstant(e.At))
		}
		out = append(out, s)
	}
	return out
}

// describe writes a case out for a failure message.
func describe(ps *sla.PolicySet, inq sla.Inquiry, log []sla.Event, now time.Time) string {
	var b strings.Builder
	js, _ := ps.MarshalJSON()
	fmt.Fprintf(&b, "policies: %s\n", js)
	fmt.Fprintf(&b, "inquiry: channel %s, reply-to %v, priority %s, calendar %q, received %s\n", inq.Channel, inq.ReplyTo, inq.Priority, inq.Calendar, refInstant(inq.Received))
	for i, e := range log {
		fmt.Fprintf(&b, "  %2d %s %-16s", i, refInstant(e.Time), e.Type)
		switch e.Type {
		case sla.CustomerMessage, sla.Reply, sla.AutoReply:
			fmt.Fprintf(&b, " on %s", e.Channel)
		case sla.Promise, sla.Appointment:
			fmt.Fprintf(&b, " due %s", refInstant(e.Due))
		case sla.Reclassify:
			fmt.Fprintf(&b, " to %s", e.Class.Priority)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "now: %s\n", refInstant(now))
	return b.String()
}

// Evaluate agrees with the slow reference (slow_test.go) on every
// obligation: state, start, due time, done-at, business time used, left and
// paused, target, nudges and the escalations that fired; and on the
// violations and counts of the status.
func TestPropertyMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps, inq, log, now := fixture.Scenario(t)
		requireMatchesReference(t, ps, inq, log, now)
	})
}

// A stopped clock that has used up a day-based budget is not due before
// the end of the business day (Duration.AddTo of its start): it breaches
// there, not when it stops. Found by TestPropertyMatchesReference.
func TestStoppedClockWaitsForDayEnd(t *testing.T) {
	cal := policies.Calendar("support-nyc")
	ps := sla.MustNewPolicySet(map[string]*calendar.Calendar{"support-nyc": cal}, sla.Policy{
		Name: "all",
		Targets: map[sla.Metric]sla.Target{sla.Resolution: {
			Within:   sla.Duration{Days: 1},
			Calendar: "support-nyc",
			Escalation: []sla.Level{
				{Name: "before", At: sla.MustParseTrigger("-1h")},
				{Name: "due", At: sla.MustParseTrigger("0")},
				{Name: "after", At: sla.MustParseTrigger("+1h")},
			},
		}},
	})
	tests := []struct {
		name     string
		received string
		log      []sla.Event
		now      string
		state    sla.State
		due      string // "" for none
		fired    []string
		next     string
	}{
		// Received on Saturday at midnight: the day counts from Monday's
		// opening and ends on Tuesday at 09:00; waiting from the start
		// until Monday noon stops the clock for three business hours.
		{"received on Saturday, waiting", "2026-03-07 00:00", []sla.Event{{Time: at("2026-03-07 00:00"), Type: sla.Wait}},
			"2026-03-08 12:00", sla.Paused, "", nil, ""},
		{"received on Saturday, resumed Monday noon", "2026-03-07 00:00", []sla.Event{
			{Time: at("2026-03-07 00:00"), Type: sla.Wait},
			{Time: at("2026-03-09 12:00"), Type: sla.Resume},
		}, "2026-03-10 12:30", sla.Breached, "2026-03-10 12:00", []string{"before@Tue 11:00", "due@Tue 12:00"}, "2026-03-10 13:00"},
		// Received on Friday evening: the day ends on Tuesday at
		// 09:00, the eight business hours of Monday used by 17:00.
		{"waiting after hours", "2026-03-06 18:00", []sla.Event{{Time: at("2026-03-09 20:00"), Type: sla.Wait}},
			"2026-03-09 21:00", sla.Paused, "", []string{"before@Mon 16:00"}, "2026-03-10 09:00"},
		{"waiting through the day's end", "2026-03-06 18:00", []sla.Event{
			{Time: at("2026-03-09 20:00"), Type: sla.Wait},
			{Time: at("2026-03-10 10:00"), Type: sla.Resume},
		}, "2026-03-10 12:00", sla.Breached, "2026-03-10 09:00", []string{"before@Mon 16:00", "due@Tue 09:00", "after@Tue 11:00"}, ""},
		{"resumed before the day's end", "2026-03-06 18:00", []sla.Event{
			{Time: at("2026-03-09 20:00"), Type: sla.Wait},
			{Time: at("2026-03-10 08:00"), Type: sla.Resume},
		}, "2026-03-10 09:30", sla.Breached, "2026-03-10 09:00", []string{"before@Mon 16:00", "due@Tue 09:00"}, "2026-03-10 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inq := sla.Inquiry{Channel: sla.Email, Received: at(tt.received)}
			st := evaluate(t, ps, inq, tt.log, at(tt.now))
			o := obligation(t, st, "resolution")
			require.Equal(t, tt.state, o.State)
			if tt.due == "" {
				require.True(t, o.Due.IsZero(), "due %v", o.Due)
			} else {
				require.Equal(t, at(tt.due), o.Due)
			}
			require.Equal(t, tt.fired, fired(o))
			if tt.next == "" {
				require.True(t, st.Next.IsZero(), "next %v", st.Next)
			} else {
				require.Equal(t, at(tt.next), st.Next)
			}
		})
	}
}

// A resolution cancelled because its target was lost stays cancelled, with
// its DoneAt, through a Resolve and a Reopen while the policy in force sets
// no resolution target (with one, the Reopen would track it again: see
// TestLapsedResolutionReopened). Found by TestPropertyMatchesReference.
func TestReopenKeepsCancelledResolution(t *testing.T) {
	ps := sla.MustNewPolicySet(nil,
		sla.Policy{Name: "urgent", Match: sla.Match{Priorities: []sla.Priority{sla.Urgent}}, Targets: map[sla.Metric]sla.Target{
			sla.Resolution: {Within: sla.Duration{Time: time.Hour}},
		}},
		sla.Policy{Name: "rest"},
	)
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Urgent}, Received: at("2026-03-05 00:00")}
	log := []sla.Event{
		{Time: at("2026-03-05 00:05"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Normal}},
		{Time: at("2026-03-05 00:10"), Type: sla.Resolve},
		{Time: at("2026-03-05 00:20"), Type: sla.Reopen},
	}
	for _, now := range []string{"2026-03-05 00:05", "2026-03-05 00:15", "2026-03-05 00:20", "2026-03-06 12:00"} {
		t.Run(now, func(t *testing.T) {
			o := obligation(t, evaluate(t, ps, inq, log, at(now)), "resolution")
			require.Equal(t, sla.Cancelled, o.State)
			require.Equal(t, at("2026-03-05 00:05"), o.DoneAt)
			require.Equal(t, at("2026-03-05 01:00"), o.Due)
			require.Equal(t, 5*time.Minute, o.Elapsed)
		})
	}
}

// requireMatchesReference evaluates the log at now and requires that every
// obligation, the violations and the counts equal the reference's.
func requireMatchesReference(t *rapid.T, ps *sla.PolicySet, inq sla.Inquiry, log []sla.Event, now time.Time) {
	st, err := ps.Evaluate(inq, log, now)
	require.NoError(t, err)
	obs, vios, counts := refEvaluate(ps, inq, log, now)
	msg := describe(ps, inq, log, now)
	require.Equal(t, summarize(obs), summarize(st.Obligations), "obligations (want: reference, got: Evaluate)\n%s", msg)
	require.Equal(t, vios, st.Violations, "violations\n%s", msg)
	require.Equal(t, counts, st.Counts, "counts\n%s", msg)
}

// As TestPropertyMatchesReference, with short targets, dense logs and the
// customer's own calendar (London, where the clocks change later).
func TestPropertyMatchesReferenceDense(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := fixture.DensePolicySet(t)
		inq := fixture.Inquiry(t)
		inq.Calendar = rapid.SampledFrom([]string{"", "acme-london"}).Draw(t, "customer")
		log := fixture.DenseLog(t, inq)
		now := inq.Received.Add(time.Duration(rapid.IntRange(0, 3*24*60).Draw(t, "now")) * time.Minute)
		requireMatchesReference(t, ps, inq, log, now)
	})
}
