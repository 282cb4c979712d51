package sla_test

// Minimal scenarios where Evaluate disagrees with the documentation, found
// by comparing it with the slow reference (reference_property_test.go).
// Each cites the sentence it follows.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

// nycFirstReply sets a first reply within an hour of the New York desk's
// business time (9 to 5), or of plain time.
func nycFirstReply(business bool) *sla.PolicySet {
	tg := sla.Target{Within: sla.Duration{Time: time.Hour}}
	if business {
		tg.Calendar = "support-nyc"
	}
	return sla.MustNewPolicySet(sla.Document{
		Calendars: map[string]*calendar.Calendar{"support-nyc": policies.Calendar("support-nyc")},
		Policies:  []sla.Policy{{Name: "all", Targets: map[sla.Metric]sla.Target{sla.FirstReply: tg}}},
	})
}

// Override: "From then on the obligation is due at Due if its clock keeps
// running …; a Due already past breaches it at once." An e-mail at 08:00,
// before the desk opens, whose first reply a person moves at 08:30 to
// 08:10: it is breached, due at 08:10 — as it is in plain time — not at
// the Override.
func TestOverrideToPastDueWhileClosed(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 08:00")}
	log := []sla.Event{{Time: at("2026-03-09 08:30"), Type: sla.Override, Obligation: sla.Key{Metric: sla.FirstReply}, Due: at("2026-03-09 08:10")}}
	for _, business := range []bool{false, true} {
		fr := obligation(t, evaluate(t, nycFirstReply(business), inq, log, at("2026-03-09 08:40")), "first_reply")
		assert.Equal(t, sla.Breached, fr.State, "business time: %v", business)
		assert.Equal(t, at("2026-03-09 08:10"), fr.Due, "business time: %v", business)
	}
}

// Obligation.Due: "for a late one, when it did — the instant its Elapsed
// reached its Budget, so that Remaining counts from it"; State: "Running
// and Paused are open", and Override: "Naming no open obligation is an
// anomaly". A first reply due at 11:00 and breached, overridden at 11:30
// to 11:10: either the Override is an anomaly (the obligation is not
// open), or its budget becomes 1h10m and it was due at 11:10. Evaluate
// applies the Override but keeps the Due of 11:00, so that Due and
// Remaining disagree by ten minutes.
func TestOverrideOfBreachedObligation(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 10:00")}
	log := []sla.Event{{Time: at("2026-03-09 11:30"), Type: sla.Override, Obligation: sla.Key{Metric: sla.FirstReply}, Due: at("2026-03-09 11:10")}}
	now := at("2026-03-09 12:00")
	st := evaluate(t, nycFirstReply(false), inq, log, now)
	fr := obligation(t, st, "first_reply")
	require.Equal(t, sla.Breached, fr.State)
	assert.Equal(t, now, fr.Due.Add(-fr.Remaining), "in plain time a running clock's Due is now less the time overdue")
	if len(st.Anomalies) == 0 {
		assert.Equal(t, at("2026-03-09 11:10"), fr.Due)
	} else {
		assert.Equal(t, at("2026-03-09 11:00"), fr.Due)
		assert.Empty(t, fr.Revisions)
	}
}

// StatusChange: "which resolve the inquiry (entering one is a Resolve;
// leaving it for one that does not resolve is a Reopen)". An inquiry
// resolved by a Resolve, with no host status, that is then given the
// status "open" has left no status that resolves: it stays resolved.
// Evaluate reopens it.
func TestStatusChangeAfterResolveLeavesNoResolvingStatus(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 10:00")}
	log := []sla.Event{
		{Time: at("2026-03-09 10:10"), Type: sla.Resolve},
		{Time: at("2026-03-09 10:20"), Type: sla.StatusChange, Status: "open"},
	}
	st := evaluate(t, nycFirstReply(false), inq, log, at("2026-03-09 10:30"))
	assert.True(t, st.Resolved)
	assert.Equal(t, "open", st.HostStatus)
	assert.Empty(t, st.Anomalies)
}

// zeroBudgetLadder sets promises kept in the desk's business time with no
// grace, escalating at the due time ("a") and a minute before it ("b").
func zeroBudgetLadder() *sla.PolicySet {
	return sla.MustNewPolicySet(sla.Document{
		Calendars: map[string]*calendar.Calendar{"support-nyc": policies.Calendar("support-nyc")},
		Policies: []sla.Policy{{Name: "all", Targets: map[sla.Metric]sla.Target{sla.PromiseKept: {Calendar: "support-nyc", Escalation: []sla.Level{
			{Name: "a", At: sla.MustParseTrigger("0")},
			{Name: "b", At: sla.MustParseTrigger("-1m")},
		}}}}},
	})
}

// Trigger: "A threshold that is negative (an offset larger than the
// target) is reached when the obligation starts." A promise made at 08:00,
// before the desk opens, for 08:01 has no business time to its due time:
// level "b" (a minute before) fires at 08:00, as the status at 08:03 says
// — but the status at 08:00 does not show it, because level "a", listed
// before it, waits for the due time.
func TestNegativeThresholdFiresAtStartWhateverTheLadderOrder(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 08:00")}
	log := []sla.Event{{Time: at("2026-03-09 08:00"), Type: sla.Promise, Due: at("2026-03-09 08:01")}}
	pr := obligation(t, evaluate(t, zeroBudgetLadder(), inq, log, at("2026-03-09 08:00")), "promise_kept#1")
	assert.Equal(t, []string{"b@Mon 08:00"}, fired(pr))
}

// Obligation.Escalations: "the levels that fired for it, in firing
// order". In the same case, "b" fired at 08:00 and "a" at 08:01; Evaluate
// lists them in the ladder's order.
func TestEscalationsInFiringOrder(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 08:00")}
	log := []sla.Event{{Time: at("2026-03-09 08:00"), Type: sla.Promise, Due: at("2026-03-09 08:01")}}
	pr := obligation(t, evaluate(t, zeroBudgetLadder(), inq, log, at("2026-03-09 08:03")), "promise_kept#1")
	assert.Equal(t, []string{"b@Mon 08:00", "a@Mon 08:01"}, fired(pr))
}

// Reclassify: a lapsed obligation tracked again has "the business time it
// used, plus the time since it lapsed counted in the new calendar as if it
// had been tracked all along (its clock standing still while the host
// status paused it …)"; HostStatus.Pauses: "promise and appointment times
// are fixed". An appointment made at 10:00 for 12:00 loses its target at
// 10:10, is rescheduled to 13:00 at 10:20 and has a target again at 10:40:
// at 10:50 it has used 50 minutes, none paused, and is due at 13:00.
// Evaluate counts the ten minutes from the lapse to the rescheduling as
// paused.
func TestRescheduledWhileLapsed(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{
		{Name: "low", Match: sla.Match{Priorities: []sla.Priority{sla.Low}}},
		{Name: "all", Targets: map[sla.Metric]sla.Target{sla.AppointmentKept: {}}},
	}})
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 10:00")}
	log := []sla.Event{
		{Time: at("2026-03-09 10:00"), Type: sla.Appointment, Due: at("2026-03-09 12:00")},
		lowered(at("2026-03-09 10:10")),
		{Time: at("2026-03-09 10:20"), Type: sla.AppointmentRescheduled, Ref: "appointment_kept#1", Due: at("2026-03-09 13:00")},
		raised(at("2026-03-09 10:40")),
	}
	ap := obligation(t, evaluate(t, ps, inq, log, at("2026-03-09 10:50")), "appointment_kept#1")
	assert.Equal(t, sla.Running, ap.State)
	assert.Equal(t, at("2026-03-09 13:00"), ap.Due)
	assert.Equal(t, 50*time.Minute, ap.Elapsed)
	assert.Equal(t, time.Duration(0), ap.Paused)
	assert.Equal(t, 3*time.Hour, ap.Budget)
}

// Reclassify: "one whose metric gains a target is tracked from its own
// start … and may breach at once"; Obligation.Due: "for a late one … the
// instant its Elapsed reached its Budget". A promise made at 08:02, before
// the desk opens, for 08:02, with no promise target until a Reclassify at
// 08:07 gives it one (no grace, in business time): it was due at 08:02,
// its promised time, when its budget of no business time ran out — not at
// the Reclassify.
func TestPromiseGainingTargetAfterItsTime(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{
		Calendars: map[string]*calendar.Calendar{"support-nyc": policies.Calendar("support-nyc")},
		Policies: []sla.Policy{
			{Name: "low", Match: sla.Match{Priorities: []sla.Priority{sla.Low}}},
			{Name: "all", Targets: map[sla.Metric]sla.Target{sla.PromiseKept: {Calendar: "support-nyc"}}},
		},
	})
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Low}, Received: at("2026-03-09 08:00")}
	log := []sla.Event{
		{Time: at("2026-03-09 08:02"), Type: sla.Promise, Due: at("2026-03-09 08:02")},
		raised(at("2026-03-09 08:07")),
	}
	pr := obligation(t, evaluate(t, ps, inq, log, at("2026-03-09 08:10")), "promise_kept#1")
	assert.Equal(t, sla.Breached, pr.State)
	assert.Equal(t, at("2026-03-09 08:02"), pr.Due)
}

// SameChannel: "a reply counts if it is on the channel of the customer's
// latest message (the inquiry itself at first …) when the customer offered
// that channel; when they did not …, on any channel they offered";
// Document.Answers: "the other channels whose replies answer a customer
// who offered it". A call asking to be answered by e-mail or chat, with
// phone a natural answer of chat: the customer did not offer phone (it
// only answers a channel they offered), so an e-mail counts. Evaluate
// takes phone for offered and meets nothing.
func TestSameChannelNaturalAnswerIsNotOffered(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{
		Answers: map[sla.Channel][]sla.Channel{sla.Chat: {sla.Phone}},
		Policies: []sla.Policy{{Name: "all", Reply: sla.SameChannel, Targets: map[sla.Metric]sla.Target{
			sla.FirstReply: {Within: sla.Duration{Time: time.Hour}},
		}}},
	})
	inq := sla.Inquiry{Channel: sla.Phone, ReplyTo: []sla.Channel{sla.Email, sla.Chat}, Received: at("2026-03-09 10:00")}
	log := []sla.Event{{Time: at("2026-03-09 10:10"), Type: sla.Reply, Channel: sla.Email}}
	st := evaluate(t, ps, inq, log, at("2026-03-09 10:20"))
	assert.Equal(t, sla.Met, obligation(t, st, "first_reply").State)
	assert.Empty(t, st.Violations)
}

// Reclassify: "So a raise to a tighter target can breach at once, at the
// Reclassify (its Due is then the instant its business time ran out,
// before the Reclassify, as its Remaining says)". A first reply (4h) put
// on hold at 10:30, half an hour in, and raised at 11:00 to a 30-minute
// target: its business time ran out at 10:30, when its clock stopped with
// exactly 30 minutes used. Evaluate gives the Reclassify's instant.
func TestTighterTargetWhilePausedAtItsBudget(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{
		Statuses: map[string]sla.HostStatus{"on_hold": {Pauses: []sla.Metric{sla.FirstReply}}},
		Policies: []sla.Policy{
			{Name: "urgent", Match: sla.Match{Priorities: []sla.Priority{sla.Urgent}}, Targets: map[sla.Metric]sla.Target{sla.FirstReply: {Within: sla.Duration{Time: 30 * time.Minute}}}},
			{Name: "all", Targets: map[sla.Metric]sla.Target{sla.FirstReply: {Within: sla.Duration{Time: 4 * time.Hour}}}},
		},
	})
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 10:00")}
	log := []sla.Event{
		{Time: at("2026-03-09 10:30"), Type: sla.StatusChange, Status: "on_hold"},
		{Time: at("2026-03-09 11:00"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Urgent}},
	}
	fr := obligation(t, evaluate(t, ps, inq, log, at("2026-03-09 11:10")), "first_reply")
	assert.Equal(t, sla.Breached, fr.State)
	assert.Equal(t, time.Duration(0), fr.Remaining)
	assert.Equal(t, at("2026-03-09 10:30"), fr.Due)
}

// Reclassify: "keeping its start and the business time it has used so far
// (counted in the old target's calendar up to the Reclassify, in the new
// one's after) … (its Due is then the instant its business time ran out,
// before the Reclassify, as its Remaining says)". A resolution counted in
// plain time from midnight, raised at 00:02 to a one-minute target of the
// desk's business time: it has used two minutes, counted in plain time,
// so its minute ran out at 00:01. Evaluate counts the overdue minute back
// in the new calendar and gives 16:59 the day before — before the
// obligation started.
func TestTighterTargetInAnotherCalendar(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{
		Calendars: map[string]*calendar.Calendar{"support-nyc": policies.Calendar("support-nyc")},
		Policies: []sla.Policy{
			{Name: "urgent", Match: sla.Match{Priorities: []sla.Priority{sla.Urgent}}, Targets: map[sla.Metric]sla.Target{
				sla.Resolution: {Within: sla.Duration{Time: time.Minute}, Calendar: "support-nyc"}}},
			{Name: "all", Targets: map[sla.Metric]sla.Target{sla.Resolution: {Within: sla.Duration{Days: 1}}}},
		},
	})
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-05 00:00")}
	log := []sla.Event{{Time: at("2026-03-05 00:02"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Urgent}}}
	res := obligation(t, evaluate(t, ps, inq, log, at("2026-03-05 00:05")), "resolution")
	assert.Equal(t, sla.Breached, res.State)
	assert.Equal(t, 2*time.Minute, res.Elapsed)
	assert.Equal(t, at("2026-03-05 00:01"), res.Due)
	assert.False(t, res.Due.Before(res.Start), "due before it started")
}

// Reclassify: "one whose metric gains a target is tracked from its own
// start, its business time counted in the new calendar"; Resolution:
// "counted from its arrival, without the time resolved"; Obligation.Due:
// "the instant its Elapsed reached its Budget, so that Remaining counts
// from it". A resolution with no target, resolved at 00:03, given a
// one-minute target at 00:04 and reopened at 00:08: it is tracked from its
// start, has used three minutes (00:00 to 00:03) and ran out at 00:01.
// Evaluate gives 00:06, while its clock stood still.
func TestResolutionTrackedAtReopen(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{
		{Name: "low", Match: sla.Match{Priorities: []sla.Priority{sla.Low}}},
		{Name: "all", Targets: map[sla.Metric]sla.Target{sla.Resolution: {Within: sla.Duration{Time: time.Minute}}}},
	}})
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Low}, Received: at("2026-03-05 00:00")}
	log := []sla.Event{
		{Time: at("2026-03-05 00:03"), Type: sla.Resolve},
		raised(at("2026-03-05 00:04")),
		{Time: at("2026-03-05 00:08"), Type: sla.Reopen},
	}
	res := obligation(t, evaluate(t, ps, inq, log, at("2026-03-05 00:08")), "resolution")
	assert.Equal(t, sla.Breached, res.State)
	assert.Equal(t, 3*time.Minute, res.Elapsed)
	assert.Equal(t, 5*time.Minute, res.Paused)
	assert.Equal(t, at("2026-03-05 00:01"), res.Due)
}
