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
