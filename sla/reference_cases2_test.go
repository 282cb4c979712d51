package sla_test

// More minimal scenarios where Evaluate disagrees with the documentation,
// found by long campaigns of the reference properties
// (reference_property_test.go). Each cites the sentence it follows.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
)

// graceByPriority keeps promises and appointments with a grace of ten
// minutes, or none for urgent inquiries.
func graceByPriority(m sla.Metric) *sla.PolicySet {
	return sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{
		{Name: "urgent", Match: sla.Match{Priorities: []sla.Priority{sla.Urgent}}, Targets: map[sla.Metric]sla.Target{m: {}}},
		{Name: "rest", Targets: map[sla.Metric]sla.Target{m: {Within: sla.Duration{Time: 10 * time.Minute}}}},
	}})
}

// PromiseRenegotiated: "a new due time (Due …) was agreed … The promise
// stays open with the new due time" (AppointmentRescheduled: "now begins
// at Due. It stays open with the new time"); Target.Within: "a grace
// after the promised or appointed time"; Reclassify: "every open
// obligation takes the new policy's target for its metric". A promise (an
// appointment) made at 10:00 for 11:00 with ten minutes' grace, overridden
// at 10:10 to 11:30, renegotiated (rescheduled) at 10:20 to 12:00 — due
// 12:10 — and raised at 10:30 to a target with no grace: it is due at
// 12:00. Evaluate keeps 12:10, the old target's grace, as if the Override
// the renegotiation replaced still fixed its due time. Without the
// Override it gives 12:00.
func TestReclassifyAfterOverrideThenRenegotiation(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-05 10:00")}
	for _, m := range []sla.Metric{sla.PromiseKept, sla.AppointmentKept} {
		made := sla.Event{Time: at("2026-03-05 10:00"), Type: sla.Promise, Due: at("2026-03-05 11:00")}
		moved := sla.Event{Time: at("2026-03-05 10:20"), Type: sla.PromiseRenegotiated, Ref: "promise_kept#1", Due: at("2026-03-05 12:00")}
		if m == sla.AppointmentKept {
			made = sla.Event{Time: at("2026-03-05 10:00"), Type: sla.Appointment, Channel: sla.Phone, Due: at("2026-03-05 11:00")}
			moved = sla.Event{Time: at("2026-03-05 10:20"), Type: sla.AppointmentRescheduled, Ref: "appointment_kept#1", Due: at("2026-03-05 12:00")}
		}
		log := []sla.Event{
			made,
			{Time: at("2026-03-05 10:10"), Type: sla.Override, Obligation: sla.Key{Metric: m, N: 1}, Due: at("2026-03-05 11:30")},
			moved,
			{Time: at("2026-03-05 10:30"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Urgent}},
		}
		o := obligation(t, evaluate(t, graceByPriority(m), inq, log, at("2026-03-05 10:40")), string(m)+"#1")
		assert.Equal(t, sla.Running, o.State, "%s", m)
		assert.Equal(t, at("2026-03-05 12:00"), o.Due, "%s", m)
		assert.Equal(t, 2*time.Hour, o.Budget, "%s", m)
	}
}

// Reclassify: a lapsed obligation tracked again has "the business time it
// used, plus the time since it lapsed counted in the new calendar as if it
// had been tracked all along (its clock standing still while the host
// status paused it, or, for the resolution, while the inquiry was
// resolved)", and "A resolution that lapsed and was then resolved lapses
// again at a Reopen, and is tracked again then if the policy in force has
// a resolution target". A resolution (4h) that lapses at 10:10, is put on
// hold from 10:20 to 10:40 and resolved at 11:00, gets its target back at
// 11:10 and is reopened at 11:30: it has used 40 minutes and stood still
// 50 (twenty on hold, thirty resolved), and is due at 14:50. Evaluate
// counts the time on hold as used: the hold, which fell in the lapse
// before the Resolve, is forgotten when the Resolve ends the lapse.
func TestLapsedResolutionReopenedKeepsItsHold(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 10:00")}
	log := []sla.Event{
		lowered(at("2026-03-09 10:10")),
		{Time: at("2026-03-09 10:20"), Type: sla.StatusChange, Status: "on_hold"},
		{Time: at("2026-03-09 10:40"), Type: sla.StatusChange, Status: "open"},
		{Time: at("2026-03-09 11:00"), Type: sla.Resolve},
		raised(at("2026-03-09 11:10")),
		{Time: at("2026-03-09 11:30"), Type: sla.Reopen},
	}
	res := obligation(t, evaluate(t, lapsePolicies, inq, log, at("2026-03-09 11:30")), "resolution")
	assert.Equal(t, sla.Running, res.State)
	assert.Equal(t, 40*time.Minute, res.Elapsed)
	assert.Equal(t, 50*time.Minute, res.Paused)
	assert.Equal(t, at("2026-03-09 14:50"), res.Due)
}
