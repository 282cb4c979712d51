package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// A prospect e-mails on Friday at 16:55 and is answered on Monday at 10:30.
// The 4-hour target counts business hours: five minutes on Friday, the rest
// on Monday (after the clocks went forward on Sunday), so the reply is on
// time.
func TestProspectFridayEmailAnsweredMonday(t *testing.T) {
	inq := sla.Inquiry{ID: "lead-1", Channel: sla.Email, Class: sla.Class{Party: sla.Prospect, Kind: sla.Question}, Received: at("2026-03-06 16:55")}
	reply := []sla.Event{{Time: at("2026-03-09 10:30"), Type: sla.Reply, Channel: sla.Email, Actor: "ann"}}

	// Over the weekend: running, due Monday 12:55, nothing changes before.
	st := evaluate(t, policies, inq, nil, at("2026-03-07 12:00"))
	assert.Equal(t, "prospects", st.Policy)
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.Running, fr.State)
	assert.Equal(t, at("2026-03-09 12:55"), fr.Due)
	assert.Equal(t, 5*time.Minute, fr.Elapsed)
	assert.Equal(t, 3*time.Hour+55*time.Minute, fr.Remaining)
	assert.Equal(t, "support-nyc", fr.Calendar)
	assert.Equal(t, at("2026-03-09 12:55"), st.Next)

	st = evaluate(t, policies, inq, reply, at("2026-03-09 11:00"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, sla.Met, fr.State)
	assert.Equal(t, at("2026-03-09 10:30"), fr.DoneAt)
	assert.Equal(t, time.Hour+35*time.Minute, fr.Elapsed)
	assert.Equal(t, 2*time.Hour+25*time.Minute, fr.Remaining)
	assert.True(t, st.Next.IsZero(), "nothing left to happen: %v", st.Next)
	assert.Equal(t, 1, st.Counts.Touches)

	// Unanswered, it breaches at 12:55 on Monday and stays breached.
	st = evaluate(t, policies, inq, nil, at("2026-03-09 12:55"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, sla.Breached, fr.State)
	assert.Equal(t, time.Duration(0), fr.Remaining)
	st = evaluate(t, policies, inq, nil, at("2026-03-10 09:00"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, sla.Breached, fr.State)
	assert.Equal(t, -4*time.Hour-5*time.Minute, fr.Remaining) // 4h05 of Monday afternoon
}

// The fallback's "P1D" is one business day: the same wall-clock time on
// the next open day.
func TestOneBusinessDay(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Mail, Received: at("2026-03-06 16:55")}
	st := evaluate(t, policies, inq, nil, at("2026-03-06 17:00"))
	assert.Equal(t, "default", st.Policy)
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, at("2026-03-09 16:55"), fr.Due)
	assert.Equal(t, 8*time.Hour, fr.Budget, "one business day: Monday 16:55 is eight business hours on")
	// Received on Saturday: the day counts from Monday's opening, so it
	// is all of Monday, due Tuesday at 09:00 — not Monday 10:00 (the
	// same wall time on the next open day), which would leave an hour.
	inq.Received = at("2026-03-07 10:00")
	st = evaluate(t, policies, inq, nil, at("2026-03-07 11:00"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, at("2026-03-10 09:00"), fr.Due)
	assert.Equal(t, 8*time.Hour, fr.Remaining)
}

// A complaint on social media has a one-hour target in plain time, any
// reply counts, and a two-level ladder.
func TestSocialComplaintOneHour(t *testing.T) {
	inq := sla.Inquiry{ID: "tweet-9", Channel: sla.Social, Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint}, Received: at("2026-03-07 10:00")}
	events := []sla.Event{
		{Time: at("2026-03-07 10:01"), Type: sla.AutoReply, Channel: sla.Social},
		{Time: at("2026-03-07 11:30"), Type: sla.Reply, Channel: sla.Phone},
	}
	tests := []struct {
		now   string
		state sla.State
		fired []string
		next  string
	}{
		{"2026-03-07 10:30", sla.Running, nil, "2026-03-07 10:45"},
		{"2026-03-07 10:45", sla.Running, []string{"warn@Sat 10:45"}, "2026-03-07 11:00"},
		{"2026-03-07 10:59", sla.Running, []string{"warn@Sat 10:45"}, "2026-03-07 11:00"},
		{"2026-03-07 11:00", sla.Breached, []string{"warn@Sat 10:45", "breach@Sat 11:00"}, "2026-03-07 11:30"},
		{"2026-03-07 12:00", sla.MetLate, []string{"warn@Sat 10:45", "breach@Sat 11:00"}, ""},
	}
	for _, tt := range tests {
		st := evaluate(t, policies, inq, events, at(tt.now))
		assert.Equal(t, "social-complaints", st.Policy)
		fr := obligation(t, st, "first_reply")
		assert.Equal(t, tt.state, fr.State, tt.now)
		assert.Equal(t, tt.fired, fired(fr), tt.now)
		if tt.next == "" {
			assert.True(t, st.Next.IsZero(), tt.now)
		} else {
			assert.Equal(t, at(tt.next), st.Next, tt.now)
		}
		assert.Equal(t, 1, st.Counts.AutoReplies, "the automatic reply is recorded")
	}
	st := evaluate(t, policies, inq, events, at("2026-03-07 12:00"))
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, at("2026-03-07 11:00"), fr.Due)
	assert.Equal(t, -30*time.Minute, fr.Remaining)
	assert.Equal(t, []string{"social-team", "pr"}, fr.Escalations[1].Notify)
	assert.Equal(t, sla.Key{Metric: sla.FirstReply}, fr.Escalations[1].Obligation)
}

// A customer e-mails, leaves voicemails, gets an apology and a promise, and
// the promise is not kept: nudges are counted, the promise and the
// resolution are breached, and the resolution's ladder climbs.
func TestCustomerChasesBrokenPromise(t *testing.T) {
	inq := sla.Inquiry{
		ID: "case-7", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone},
		Class:    sla.Class{Party: sla.Customer, Kind: sla.Complaint, Priority: sla.Normal},
		Received: at("2026-03-09 09:00"), // a Monday
	}
	events := []sla.Event{
		{Time: at("2026-03-09 11:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
		{Time: at("2026-03-09 12:30"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
		{Time: at("2026-03-09 14:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "bob"},
		{Time: at("2026-03-09 14:00"), Type: sla.Promise, Due: at("2026-03-10 12:00"), Actor: "bob"},
		{Time: at("2026-03-10 15:00"), Type: sla.CustomerMessage, Channel: sla.Email},
		{Time: at("2026-03-10 16:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
	}
	st := evaluate(t, policies, inq, events, at("2026-03-11 16:00"))
	assert.Equal(t, "customers", st.Policy)
	assert.Equal(t, sla.Counts{CustomerMessages: 4, Nudges: 3, Touches: 1}, st.Counts)

	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.MetLate, fr.State, "due at 13:00, answered at 14:00")
	assert.Equal(t, 2, fr.Nudges)

	nr := obligation(t, st, "next_reply#1")
	assert.Equal(t, sla.Breached, nr.State)
	assert.Equal(t, at("2026-03-10 15:00"), nr.Start)
	assert.Equal(t, at("2026-03-11 11:00"), nr.Due, "2h on Tuesday, 2h on Wednesday")
	assert.Equal(t, 1, nr.Nudges)

	pr := obligation(t, st, "promise_kept#1")
	assert.Equal(t, sla.Breached, pr.State)
	assert.Equal(t, at("2026-03-10 12:00"), pr.Due)

	// Updates: one business day after the reply, nothing came.
	up := obligation(t, st, "update#1")
	assert.Equal(t, sla.Met, up.State)
	up2 := obligation(t, st, "update#2")
	assert.Equal(t, sla.Breached, up2.State)
	assert.Equal(t, at("2026-03-10 14:00"), up2.Due)

	res := obligation(t, st, "resolution")
	assert.Equal(t, sla.Breached, res.State)
	assert.Equal(t, at("2026-03-11 09:00"), res.Due)
	assert.Equal(t, []string{"at-risk@Tue 16:00", "breach@Wed 09:00", "manager@Wed 13:00"}, fired(res))
	assert.Equal(t, []string{"support-manager"}, res.Escalations[2].Notify)
	assert.True(t, st.Next.IsZero(), "nothing more to fire: %v", st.Next)
}

// A phone conference is scheduled and nobody attends; another is held.
func TestAppointmentNobodyAttends(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Phone, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	events := []sla.Event{
		{Time: at("2026-03-09 09:10"), Type: sla.Reply, Channel: sla.Phone},
		{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Channel: sla.Meeting, Due: at("2026-03-10 15:00")},
	}
	st := evaluate(t, policies, inq, events, at("2026-03-10 15:14"))
	ap := obligation(t, st, "appointment_kept#1")
	assert.Equal(t, sla.Running, ap.State)
	assert.Equal(t, at("2026-03-10 15:15"), ap.Due)
	assert.Equal(t, at("2026-03-10 15:15"), st.Next)

	st = evaluate(t, policies, inq, events, at("2026-03-10 16:00"))
	ap = obligation(t, st, "appointment_kept#1")
	assert.Equal(t, sla.Breached, ap.State)
	assert.Equal(t, []string{"no-show@Tue 15:15"}, fired(ap))

	held := append(events, sla.Event{Time: at("2026-03-10 15:05"), Type: sla.AppointmentHeld})
	st = evaluate(t, policies, inq, held, at("2026-03-10 16:00"))
	ap = obligation(t, st, "appointment_kept#1")
	assert.Equal(t, sla.Met, ap.State)
	assert.Empty(t, ap.Escalations)

	late := append(events, sla.Event{Time: at("2026-03-10 15:40"), Type: sla.AppointmentHeld})
	st = evaluate(t, policies, inq, late, at("2026-03-10 16:00"))
	assert.Equal(t, sla.MetLate, obligation(t, st, "appointment_kept#1").State)

	// Another call is scheduled the next morning for 14:00 and held:
	// the Held keeps the second appointment, the first stays a no-show.
	again := append(events,
		sla.Event{Time: at("2026-03-11 09:00"), Type: sla.Appointment, Channel: sla.Meeting, Due: at("2026-03-11 14:00")},
		sla.Event{Time: at("2026-03-11 14:02"), Type: sla.AppointmentHeld},
	)
	st = evaluate(t, policies, inq, again, at("2026-03-11 16:00"))
	assert.Equal(t, sla.Breached, obligation(t, st, "appointment_kept#1").State)
	ap2 := obligation(t, st, "appointment_kept#2")
	assert.Equal(t, sla.Met, ap2.State)
	assert.Equal(t, at("2026-03-11 14:02"), ap2.DoneAt)
	assert.Empty(t, ap2.Escalations)
}

// A lead fills in a web form leaving only an e-mail address and is phoned
// instead: the call is a violation and meets nothing; the e-mail that
// follows does.
func TestWebFormLeadPhoned(t *testing.T) {
	inq := sla.Inquiry{ID: "lead-2", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email}, Class: sla.Class{Party: sla.Prospect}, Received: at("2026-03-09 09:00")}
	events := []sla.Event{
		{Time: at("2026-03-09 10:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "sales"},
		{Time: at("2026-03-09 14:00"), Type: sla.Reply, Channel: sla.Email, Actor: "sales"},
	}
	st := evaluate(t, policies, inq, events, at("2026-03-09 11:00"))
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.Running, fr.State, "the call met nothing")
	require.Len(t, st.Violations, 1)
	assert.Equal(t, sla.Violation{Index: 0, At: at("2026-03-09 10:00"), Channel: sla.Phone, Reason: sla.NotOffered}, st.Violations[0])
	assert.Equal(t, st.Violations, fr.Violations)
	assert.Equal(t, 1, st.Counts.Touches)

	st = evaluate(t, policies, inq, events, at("2026-03-09 15:00"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, sla.MetLate, fr.State, "due at 13:00, e-mailed at 14:00")
	assert.Len(t, st.Violations, 1)
}

// A customer waiting on us, versus us waiting on the customer: time spent
// waiting on the customer does not count against resolution.
func TestWaitingOnUsVersusWaitingOnCustomer(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Chat, Class: sla.Class{Party: sla.Customer, Priority: sla.Urgent}, Received: at("2026-03-07 09:00")}
	waitingOnUs := []sla.Event{
		{Time: at("2026-03-07 09:10"), Type: sla.Reply, Channel: sla.Chat},
		{Time: at("2026-03-07 15:00"), Type: sla.Resolve},
	}
	st := evaluate(t, policies, inq, waitingOnUs, at("2026-03-07 16:00"))
	assert.Equal(t, "urgent", st.Policy)
	res := obligation(t, st, "resolution")
	assert.Equal(t, sla.MetLate, res.State)
	assert.Equal(t, at("2026-03-07 13:00"), res.Due)
	assert.Equal(t, 6*time.Hour, res.Elapsed)

	waitingOnThem := []sla.Event{
		{Time: at("2026-03-07 09:10"), Type: sla.Reply, Channel: sla.Chat},
		{Time: at("2026-03-07 10:00"), Type: sla.StatusChange, Status: "pending"},
		{Time: at("2026-03-07 13:00"), Type: sla.CustomerMessage, Channel: sla.Chat}, // ends the wait
		{Time: at("2026-03-07 13:05"), Type: sla.Reply, Channel: sla.Chat},
		{Time: at("2026-03-07 14:00"), Type: sla.StatusChange, Status: "pending"},
		{Time: at("2026-03-07 14:30"), Type: sla.StatusChange, Status: "open"},
		{Time: at("2026-03-07 15:00"), Type: sla.Resolve},
	}
	st = evaluate(t, policies, inq, waitingOnThem, at("2026-03-07 12:00"))
	res = obligation(t, st, "resolution")
	assert.Equal(t, sla.Paused, res.State)
	assert.True(t, res.Due.IsZero(), "no due time while paused")
	assert.Equal(t, time.Hour, res.Elapsed)
	assert.Equal(t, 2*time.Hour, res.Paused)
	assert.Equal(t, 3*time.Hour, res.Remaining)
	assert.Equal(t, "pending", st.HostStatus)
	assert.Equal(t, []sla.Metric{sla.Update, sla.Resolution}, st.Paused)
	assert.Equal(t, at("2026-03-07 13:00"), st.Next, "the next event, the customer's message")

	st = evaluate(t, policies, inq, waitingOnThem, at("2026-03-07 16:00"))
	res = obligation(t, st, "resolution")
	assert.Equal(t, sla.Met, res.State)
	assert.Equal(t, 2*time.Hour+30*time.Minute, res.Elapsed)
	assert.Equal(t, 3*time.Hour+30*time.Minute, res.Paused)
	assert.Equal(t, sla.Met, obligation(t, st, "next_reply#1").State)
}

// Reopening continues the resolution clock; time resolved does not count.
func TestReopenContinuesResolution(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Chat, Class: sla.Class{Priority: sla.Urgent}, Received: at("2026-03-07 09:00")}
	events := []sla.Event{
		{Time: at("2026-03-07 10:00"), Type: sla.Resolve},
		{Time: at("2026-03-07 20:00"), Type: sla.Reopen},
	}
	st := evaluate(t, policies, inq, events, at("2026-03-07 21:00"))
	res := obligation(t, st, "resolution")
	assert.Equal(t, sla.Running, res.State)
	assert.Equal(t, 2*time.Hour, res.Elapsed)
	assert.Equal(t, 10*time.Hour, res.Paused)
	assert.Equal(t, at("2026-03-07 23:00"), res.Due)
	assert.False(t, st.Resolved)
	// The first reply, breached at 09:30, stopped escalating when the
	// inquiry was resolved; only the resolution can change now.
	assert.Equal(t, sla.Breached, obligation(t, st, "first_reply").State)
	assert.Equal(t, at("2026-03-07 23:00"), st.Next)
}

// A raise to urgent takes the urgent targets, keeping start and elapsed
// time: a first reply already two hours old breaches at once.
func TestReclassifyToUrgent(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	events := []sla.Event{{Time: at("2026-03-09 11:00"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Urgent}}}
	st := evaluate(t, policies, inq, events, at("2026-03-09 10:59"))
	assert.Equal(t, "customers", st.Policy)
	assert.Equal(t, at("2026-03-09 11:00"), st.Next, "the next event")
	assert.Equal(t, sla.Running, obligation(t, st, "first_reply").State)

	st = evaluate(t, policies, inq, events, at("2026-03-09 11:00"))
	assert.Equal(t, "urgent", st.Policy)
	assert.Equal(t, sla.Urgent, st.Class.Priority)
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.Breached, fr.State)
	assert.Equal(t, at("2026-03-09 09:00"), fr.Start)
	// It breached at the reclassification, 90 minutes over its budget:
	// its Due is when its time ran out, as Remaining says (it used to be
	// 11:00, disagreeing with Remaining).
	assert.Equal(t, at("2026-03-09 09:30"), fr.Due)
	assert.Equal(t, -90*time.Minute, fr.Remaining)
	assert.Equal(t, fr.Remaining, fr.Due.Sub(at("2026-03-09 11:00")), "Due and Remaining agree")
	// The urgent policy has no update target: cancelled. Resolution: 4h
	// from 09:00, counted in business hours until 11:00 and in plain time
	// after.
	assert.Equal(t, sla.Cancelled, obligation(t, st, "update#1").State)
	res := obligation(t, st, "resolution")
	assert.Equal(t, sla.Running, res.State)
	assert.Equal(t, at("2026-03-09 13:00"), res.Due)

	// A lowering does not undo a breach.
	events = append(events, sla.Event{Time: at("2026-03-09 11:30"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Normal}})
	st = evaluate(t, policies, inq, events, at("2026-03-09 12:00"))
	assert.Equal(t, "customers", st.Policy)
	assert.Equal(t, sla.Breached, obligation(t, st, "first_reply").State)
}

// Reply rules: same channel, offered (default), any; an automatic reply
// never counts.
func TestReplyRules(t *testing.T) {
	mk := func(rule sla.ReplyRule) *sla.PolicySet {
		return sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Reply: rule, Targets: map[sla.Metric]sla.Target{
			sla.FirstReply: {Within: sla.Duration{Time: time.Hour}},
			sla.NextReply:  {Within: sla.Duration{Time: time.Hour}},
		}}}})
	}
	inq := sla.Inquiry{Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.SMS}, Received: at("2026-03-09 09:00")}
	tests := []struct {
		name      string
		rule      sla.ReplyRule
		events    []sla.Event
		state     sla.State
		violation bool
	}{
		{"auto reply", sla.OfferedChannels, []sla.Event{{Time: at("2026-03-09 09:01"), Type: sla.AutoReply, Channel: sla.Email}}, sla.Running, false},
		{"offered: same channel", sla.OfferedChannels, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.Email}}, sla.Met, false},
		{"offered: other offered channel", sla.OfferedChannels, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.SMS}}, sla.Met, false},
		{"offered: never offered", sla.OfferedChannels, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.Phone}}, sla.Running, true},
		{"offered: channel the customer wrote on", sla.OfferedChannels, []sla.Event{
			{Time: at("2026-03-09 09:02"), Type: sla.CustomerMessage, Channel: sla.Chat},
			{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.Chat},
		}, sla.Met, false},
		{"same: same channel", sla.SameChannel, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.Email}}, sla.Met, false},
		{"same: other offered channel", sla.SameChannel, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.SMS}}, sla.Running, false},
		{"same: never offered", sla.SameChannel, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.Phone}}, sla.Running, true},
		{"same: customer's latest channel", sla.SameChannel, []sla.Event{
			{Time: at("2026-03-09 09:02"), Type: sla.CustomerMessage, Channel: sla.SMS},
			{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.SMS},
		}, sla.Met, false},
		{"any: never offered", sla.AnyChannel, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.Reply, Channel: sla.Phone}}, sla.Met, false},
		{"any: auto reply", sla.AnyChannel, []sla.Event{{Time: at("2026-03-09 09:05"), Type: sla.AutoReply, Channel: sla.Email}}, sla.Running, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := evaluate(t, mk(tt.rule), inq, tt.events, at("2026-03-09 09:30"))
			assert.Equal(t, tt.state, obligation(t, st, "first_reply").State)
			assert.Equal(t, tt.violation, len(st.Violations) > 0)
		})
	}
}

// Promises are kept by a later reply or resolution, not by the reply they
// were made in.
func TestPromiseKept(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	base := []sla.Event{
		{Time: at("2026-03-09 10:00"), Type: sla.Reply, Channel: sla.Email},
		{Time: at("2026-03-09 10:00"), Type: sla.Promise, Due: at("2026-03-10 12:00")},
	}
	tests := []struct {
		name  string
		extra []sla.Event
		state sla.State
	}{
		{"nothing yet", nil, sla.Running},
		{"reply before", []sla.Event{{Time: at("2026-03-10 11:00"), Type: sla.Reply, Channel: sla.Email}}, sla.Met},
		{"reply at the due time", []sla.Event{{Time: at("2026-03-10 12:00"), Type: sla.Reply, Channel: sla.Email}}, sla.Met},
		// Resolving the inquiry does not keep a promise to get back.
		{"resolved before", []sla.Event{{Time: at("2026-03-10 11:00"), Type: sla.Resolve}}, sla.Breached},
		{"reply after", []sla.Event{{Time: at("2026-03-10 12:01"), Type: sla.Reply, Channel: sla.Email}}, sla.MetLate},
		{"auto reply before", []sla.Event{{Time: at("2026-03-10 11:00"), Type: sla.AutoReply, Channel: sla.Email}}, sla.Breached},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := at("2026-03-10 11:59")
			if tt.state.Late() || tt.state == sla.Met {
				now = at("2026-03-10 13:00")
			}
			st := evaluate(t, policies, inq, append(base[:2:2], tt.extra...), now)
			assert.Equal(t, tt.state, obligation(t, st, "promise_kept#1").State)
		})
	}
}

// The customer calendar: a target may count in the inquiry's own calendar.
func TestCustomerCalendar(t *testing.T) {
	ps := sla.MustParsePolicies([]byte(`{
	  "calendars": {"support-nyc": ` + fixture.SupportNYC + `, "acme-london": ` + fixture.LondonCustomer + `},
	  "policies": [{"name": "all", "targets": {
	    "first_reply": {"within": "2h", "calendar": "support-nyc", "customer_calendar": true}
	  }}]
	}`))
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 10:00"), Calendar: "acme-london"} // 14:00 in London
	st := evaluate(t, ps, inq, nil, at("2026-03-09 10:30"))
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, "acme-london", fr.Calendar)
	assert.Equal(t, at("2026-03-09 12:00"), fr.Due, "16:00 in London")

	inq.Calendar = ""
	st = evaluate(t, ps, inq, nil, at("2026-03-09 10:30"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, "support-nyc", fr.Calendar)

	inq.Calendar = "nowhere"
	_, err := ps.Evaluate(inq, nil, at("2026-03-09 10:30"))
	assert.ErrorIs(t, err, sla.ErrUnknownCalendar)
}

// A stopped clock that has used up a day-based budget is not due before
// the end of the business day (Duration.AddTo of its start): it breaches
// there, not when it stops. Found by TestPropertyMatchesReference.
func TestStoppedClockWaitsForDayEnd(t *testing.T) {
	cal := policies.Calendar("support-nyc")
	ps := sla.MustNewPolicySet(sla.Document{Calendars: map[string]*calendar.Calendar{"support-nyc": cal}, Policies: []sla.Policy{sla.Policy{
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
	}}})
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
		{"received on Saturday, waiting", "2026-03-07 00:00", []sla.Event{{Time: at("2026-03-07 00:00"), Type: sla.StatusChange, Status: "pending"}},
			"2026-03-08 12:00", sla.Paused, "", nil, ""},
		{"received on Saturday, resumed Monday noon", "2026-03-07 00:00", []sla.Event{
			{Time: at("2026-03-07 00:00"), Type: sla.StatusChange, Status: "pending"},
			{Time: at("2026-03-09 12:00"), Type: sla.StatusChange, Status: "open"},
		}, "2026-03-10 12:30", sla.Breached, "2026-03-10 12:00", []string{"before@Tue 11:00", "due@Tue 12:00"}, "2026-03-10 13:00"},
		// Received on Friday evening: the day ends on Tuesday at
		// 09:00, the eight business hours of Monday used by 17:00.
		{"waiting after hours", "2026-03-06 18:00", []sla.Event{{Time: at("2026-03-09 20:00"), Type: sla.StatusChange, Status: "pending"}},
			"2026-03-09 21:00", sla.Paused, "", []string{"before@Mon 16:00"}, "2026-03-10 09:00"},
		{"waiting through the day's end", "2026-03-06 18:00", []sla.Event{
			{Time: at("2026-03-09 20:00"), Type: sla.StatusChange, Status: "pending"},
			{Time: at("2026-03-10 10:00"), Type: sla.StatusChange, Status: "open"},
		}, "2026-03-10 12:00", sla.Breached, "2026-03-10 09:00", []string{"before@Mon 16:00", "due@Tue 09:00", "after@Tue 11:00"}, ""},
		{"resumed before the day's end", "2026-03-06 18:00", []sla.Event{
			{Time: at("2026-03-09 20:00"), Type: sla.StatusChange, Status: "pending"},
			{Time: at("2026-03-10 08:00"), Type: sla.StatusChange, Status: "open"},
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
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "urgent", Match: sla.Match{Priorities: []sla.Priority{sla.Urgent}}, Targets: map[sla.Metric]sla.Target{
		sla.Resolution: {Within: sla.Duration{Time: time.Hour}},
	}}, sla.Policy{Name: "rest"}}})
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
