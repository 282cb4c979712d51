package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/slatest"
)

// policy is policy.json, the desk's policy under test. Times in these
// tests are London wall-clock times, the zone of each inquiry's Received.
var policy = sla.MustParsePolicies(policyJSON)

func london(s string) sla.Inquiry {
	return sla.Inquiry{Received: slatest.MustTime("Europe/London", s)}
}

// A prospect e-mails at 17:55 on Friday. Two business hours run out at
// 09:55 on Monday; the owner is warned half an hour before.
func TestProspectEmailFridayEvening(t *testing.T) {
	inq := london("2026-11-20T17:55")
	inq.ID, inq.Channel, inq.Class = "lead-1", sla.Email, sla.Class{Party: sla.Prospect}
	s := slatest.New(t, policy, inq)
	s.AutoReply("2026-11-20T17:56", sla.Email)

	s.AssertState("2026-11-23T09:54", "first_reply", sla.Running)
	s.AssertState("2026-11-23T10:00", "first_reply", sla.Breached)
	s.AssertEscalated("2026-11-23T09:25", "first_reply", "warn")
	s.AssertEscalated("2026-11-23T09:55", "first_reply", "breach")
}

// A web-form lead left only an e-mail address and was phoned: the call
// meets nothing, the e-mail after the due time is late.
func TestWebFormLeadPhoned(t *testing.T) {
	inq := london("2026-11-23T09:00")
	inq.Channel, inq.ReplyTo, inq.Class = sla.WebForm, []sla.Channel{sla.Email}, sla.Class{Party: sla.Prospect}
	s := slatest.New(t, policy, inq)
	s.Reply("2026-11-23T09:30", sla.Phone).Reply("2026-11-23T11:30", sla.Email)

	s.AssertState("2026-11-23T10:00", "first_reply", sla.Running)
	assert.Len(t, s.Status("2026-11-23T10:00").Violations, 1, "the call is on a channel never offered")
	s.AssertState("2026-11-23T12:00", "first_reply", sla.MetLate)
	s.AssertEscalated("2026-11-23T11:00", "first_reply", "breach")
}

// Good Friday and Easter Monday are closed: a customer's e-mail on the
// Thursday before Easter gets two hours that day and two on Tuesday.
func TestEasterIsClosed(t *testing.T) {
	inq := london("2026-04-02T16:00")
	inq.Channel, inq.Class = sla.Email, sla.Class{Party: sla.Customer}
	s := slatest.New(t, policy, inq)

	s.AssertDue("2026-04-02T17:00", "first_reply", "2026-04-07T10:00")
	s.AssertDue("2026-04-02T17:00", "resolution", "2026-04-09T16:00") // three business days
}

// An urgent incident at 03:00 on a Saturday counts in plain time: it is
// answered, updated and resolved within the night; the resolution ladder
// warns at 75% and goes no further.
func TestUrgentIncidentAtNight(t *testing.T) {
	inq := london("2026-11-21T03:00")
	inq.Channel, inq.Class = sla.Chat, sla.Class{Party: sla.Customer, Kind: sla.Incident, Priority: sla.Urgent}
	s := slatest.New(t, policy, inq)
	s.Reply("2026-11-21T03:10", sla.Chat).
		Reply("2026-11-21T04:05", sla.Chat).
		Reply("2026-11-21T05:00", sla.Chat).
		Resolve("2026-11-21T06:30")

	s.AssertState("2026-11-21T08:00", "first_reply", sla.Met)
	s.AssertState("2026-11-21T08:00", "resolution", sla.Met)
	s.AssertEscalated("2026-11-21T06:00", "resolution", "warn")
	s.AssertNoEscalation("2026-11-22T00:00", "resolution", "breach")
	s.AssertNoEscalation("2026-11-22T00:00", "first_reply", "")
}

// A promise must be kept by its due time: a reply before it keeps it,
// silence breaks it and tells the owner.
func TestPromise(t *testing.T) {
	promised := func(t *testing.T) *slatest.Scenario {
		inq := london("2026-11-23T09:00")
		inq.Channel, inq.Class = sla.Email, sla.Class{Party: sla.Customer}
		s := slatest.New(t, policy, inq)
		s.Reply("2026-11-23T10:00", sla.Email).Promise("2026-11-23T10:00", "answer", "2026-11-24T12:00")
		return s
	}
	t.Run("broken", func(t *testing.T) {
		s := promised(t)
		s.AssertState("2026-11-24T12:00", "promise_kept#1", sla.Breached)
		s.AssertEscalated("2026-11-24T12:00", "promise_kept#1", "broken")
	})
	t.Run("kept", func(t *testing.T) {
		s := promised(t).Reply("2026-11-24T11:30", sla.Email)
		s.AssertState("2026-11-24T12:00", "promise_kept#1", sla.Met)
		s.AssertNoEscalation("2026-11-30T00:00", "promise_kept#1", "")
	})
	t.Run("renegotiated", func(t *testing.T) {
		s := promised(t).Renegotiate("2026-11-24T09:00", "answer", "2026-11-25T12:00").Reply("2026-11-25T10:00", sla.Email)
		s.AssertState("2026-11-24T13:00", "promise_kept#1", sla.Running)
		s.AssertState("2026-11-25T12:00", "promise_kept#1", sla.Met)
		s.AssertNoEscalation("2026-11-30T00:00", "promise_kept#1", "broken")
	})
}

// The vendor who apologised, promised to fix the problem, and did nothing:
// the apology is a reply and answers the customer, but it is not the fix,
// and resolving the ticket does not fix it either. The promise is broken.
func TestApologyIsNotTheFix(t *testing.T) {
	inq := london("2026-11-23T09:00")
	inq.Channel, inq.Class = sla.Email, sla.Class{Party: sla.Customer, Kind: sla.Complaint}
	s := slatest.New(t, policy, inq)
	s.Reply("2026-11-23T09:30", sla.Email) // "we are so sorry"
	s.PromiseTo("2026-11-23T09:30", "fix", "2026-11-25T17:00")
	s.Reply("2026-11-24T10:00", sla.Email) // "we are still sorry"
	s.Resolve("2026-11-24T10:05")
	s.AssertState("2026-11-23T10:00", "first_reply", sla.Met)
	s.AssertState("2026-11-25T17:00", "promise_kept#1", sla.Breached)
	s.AssertEscalated("2026-11-25T17:00", "promise_kept#1", "broken")
	// Done is what keeps it.
	kept := slatest.New(t, policy, inq)
	kept.Reply("2026-11-23T09:30", sla.Email).PromiseTo("2026-11-23T09:30", "fix", "2026-11-25T17:00").Done("2026-11-25T16:00", "fix")
	kept.AssertState("2026-11-25T17:00", "promise_kept#1", sla.Met)
}

// "I'll call you on Tuesday": a call on Monday does not keep it, an
// e-mail on Tuesday does not either; the call on Tuesday does.
func TestCallOnTuesday(t *testing.T) {
	inq := london("2026-11-23T09:00")
	inq.Channel, inq.ReplyTo, inq.Class = sla.Email, []sla.Channel{sla.Email, sla.Phone}, sla.Class{Party: sla.Customer}
	s := slatest.New(t, policy, inq)
	s.Reply("2026-11-23T09:30", sla.Email).
		PromiseCall("2026-11-23T09:30", "call", sla.Phone, "2026-11-24T00:00", "2026-11-24T17:00").
		Reply("2026-11-23T15:00", sla.Phone).
		Reply("2026-11-24T10:00", sla.Email)
	s.AssertState("2026-11-24T17:00", "promise_kept#1", sla.Breached)
	late := slatest.New(t, policy, inq)
	late.Reply("2026-11-23T09:30", sla.Email).
		PromiseCall("2026-11-23T09:30", "call", sla.Phone, "2026-11-24T00:00", "2026-11-24T17:00").
		Reply("2026-11-24T11:00", sla.Phone)
	late.AssertState("2026-11-24T17:00", "promise_kept#1", sla.Met)
}

// Waiting on the customer ("pending") stops the resolution clock; the
// customer's answer starts it again.
func TestPendingPausesTheResolution(t *testing.T) {
	inq := london("2026-11-23T09:00")
	inq.Channel, inq.Class = sla.Email, sla.Class{Party: sla.Customer}
	s := slatest.New(t, policy, inq)
	s.Reply("2026-11-23T09:30", sla.Email).SetStatus("2026-11-23T10:00", "pending")
	s.AssertState("2026-11-25T10:00", "resolution", sla.Paused)
	s.CustomerMessage("2026-11-25T10:00", sla.Email)
	s.AssertState("2026-11-25T10:30", "resolution", sla.Running)
}

// A phone conference nobody attends is a no-show ten minutes after its
// time.
func TestConferenceNobodyAttends(t *testing.T) {
	inq := london("2026-11-24T10:00")
	inq.Channel, inq.Class = sla.Phone, sla.Class{Party: sla.Customer}
	s := slatest.New(t, policy, inq)
	s.Reply("2026-11-24T10:05", sla.Phone).Appointment("2026-11-24T10:05", "conference", sla.Meeting, "2026-11-25T14:00")

	s.AssertState("2026-11-25T14:09", "appointment_kept#1", sla.Running)
	s.AssertState("2026-11-25T14:10", "appointment_kept#1", sla.Breached)
	s.AssertEscalated("2026-11-25T14:10", "appointment_kept#1", "no-show")
}
