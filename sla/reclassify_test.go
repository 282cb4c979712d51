package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
)

// lapsePolicies sets no target for low-priority inquiries, and plain-time
// targets for the others.
var lapsePolicies = sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "low", Match: sla.Match{Priorities: []sla.Priority{sla.Low}}}, sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
	sla.FirstReply: {Within: sla.Duration{Time: 2 * time.Hour}, Escalation: []sla.Level{
		{Name: "late", At: sla.MustParseTrigger("+1h")},
	}},
	sla.NextReply:  {Within: sla.Duration{Time: 2 * time.Hour}},
	sla.Resolution: {Within: sla.Duration{Time: 4 * time.Hour}},
}}}})

func lowered(at time.Time) sla.Event {
	return sla.Event{Time: at, Type: sla.Reclassify, Class: sla.Class{Priority: sla.Low}}
}

func raised(at time.Time) sla.Event {
	return sla.Event{Time: at, Type: sla.Reclassify, Class: sla.Class{Priority: sla.Normal}}
}

// A brief reclassification to a policy without targets does not end what
// the customer needs: the first reply is cancelled while it lasts, and
// tracked again, from its own start and with the time that went by, when
// a target comes back; a customer message then is a nudge of it. Before,
// it stayed cancelled for good.
func TestLapsedObligationTrackedAgain(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 09:00")}
	log := []sla.Event{
		lowered(at("2026-03-09 09:10")),
		raised(at("2026-03-09 09:20")),
		{Time: at("2026-03-09 10:00"), Type: sla.CustomerMessage, Channel: sla.Email},
		{Time: at("2026-03-09 10:45"), Type: sla.Reply, Channel: sla.Email},
	}

	st := evaluate(t, lapsePolicies, inq, log, at("2026-03-09 09:15"))
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.Cancelled, fr.State)
	assert.Equal(t, at("2026-03-09 09:10"), fr.DoneAt)
	assert.Equal(t, 10*time.Minute, fr.Elapsed)
	assert.Equal(t, at("2026-03-09 09:20"), st.Next)

	st = evaluate(t, lapsePolicies, inq, log, at("2026-03-09 10:30"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, sla.Running, fr.State)
	assert.Equal(t, at("2026-03-09 09:00"), fr.Start)
	assert.Equal(t, at("2026-03-09 11:00"), fr.Due)
	assert.True(t, fr.DoneAt.IsZero())
	assert.Equal(t, 90*time.Minute, fr.Elapsed)
	assert.Equal(t, 1, fr.Nudges)
	assert.Equal(t, sla.Counts{CustomerMessages: 1, Nudges: 1}, st.Counts)
	_, ok := st.Obligation(sla.Key{Metric: sla.NextReply, N: 1})
	assert.False(t, ok, "the message is a nudge, not a new obligation")
	res := obligation(t, st, "resolution")
	assert.Equal(t, sla.Running, res.State)
	assert.Equal(t, at("2026-03-09 13:00"), res.Due)

	st = evaluate(t, lapsePolicies, inq, log, at("2026-03-09 11:00"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, sla.Met, fr.State)
	assert.Equal(t, at("2026-03-09 10:45"), fr.DoneAt)
}

// One already breached stays breached while untargeted, then escalates
// again and is met late.
func TestLapsedBreachTrackedAgain(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 09:00")}
	log := []sla.Event{
		lowered(at("2026-03-09 11:30")),
		raised(at("2026-03-09 12:30")),
		{Time: at("2026-03-09 13:30"), Type: sla.Reply, Channel: sla.Email},
	}
	st := evaluate(t, lapsePolicies, inq, log, at("2026-03-09 12:00"))
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.Breached, fr.State)
	assert.Empty(t, fired(fr), "stopped escalating")

	st = evaluate(t, lapsePolicies, inq, log, at("2026-03-09 14:00"))
	fr = obligation(t, st, "first_reply")
	assert.Equal(t, sla.MetLate, fr.State)
	assert.Equal(t, at("2026-03-09 11:00"), fr.Due)
	assert.Equal(t, []string{"late@Mon 12:30"}, fired(fr), "the +1h level, reached while untargeted, fires when tracked again")
	assert.Equal(t, 4*time.Hour+30*time.Minute, fr.Elapsed)
}

// A reply while untargeted ends what was owed: a target that comes back
// finds nothing to track.
func TestLapsedObligationEndedByReply(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 09:00")}
	log := []sla.Event{
		lowered(at("2026-03-09 09:10")),
		{Time: at("2026-03-09 09:15"), Type: sla.Reply, Channel: sla.Email},
		raised(at("2026-03-09 09:20")),
	}
	st := evaluate(t, lapsePolicies, inq, log, at("2026-03-09 12:00"))
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.Cancelled, fr.State)
	assert.Equal(t, at("2026-03-09 09:10"), fr.DoneAt)
	assert.Equal(t, 10*time.Minute, fr.Elapsed)
	assert.Equal(t, sla.Running, obligation(t, st, "resolution").State)
}

// The resolution, lapsed and then resolved, is needed again after a
// Reopen: tracked again when a target comes back (at the Reclassify, or
// at the Reopen if the target came back while it was resolved), its clock
// having run while untargeted and stood still while resolved.
func TestLapsedResolutionReopened(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 09:00")}
	tests := []struct {
		name    string
		log     []sla.Event
		now     string
		state   sla.State
		due     string
		elapsed time.Duration
		paused  time.Duration
	}{
		{"resolved and reopened while untargeted", []sla.Event{
			lowered(at("2026-03-09 09:30")),
			{Time: at("2026-03-09 10:00"), Type: sla.Resolve},
			{Time: at("2026-03-09 11:00"), Type: sla.Reopen},
			raised(at("2026-03-09 12:00")),
		}, "2026-03-09 12:30", sla.Running, "2026-03-09 14:00", 150 * time.Minute, time.Hour},
		{"still untargeted after the Reopen", []sla.Event{
			lowered(at("2026-03-09 09:30")),
			{Time: at("2026-03-09 10:00"), Type: sla.Resolve},
			{Time: at("2026-03-09 11:00"), Type: sla.Reopen},
		}, "2026-03-09 12:30", sla.Cancelled, "2026-03-09 13:00", 30 * time.Minute, 0},
		{"target back while resolved", []sla.Event{
			lowered(at("2026-03-09 09:30")),
			{Time: at("2026-03-09 10:00"), Type: sla.Resolve},
			raised(at("2026-03-09 10:30")),
		}, "2026-03-09 10:45", sla.Cancelled, "2026-03-09 13:00", 30 * time.Minute, 0},
		{"target back while resolved, then reopened", []sla.Event{
			lowered(at("2026-03-09 09:30")),
			{Time: at("2026-03-09 10:00"), Type: sla.Resolve},
			raised(at("2026-03-09 10:30")),
			{Time: at("2026-03-09 11:00"), Type: sla.Reopen},
		}, "2026-03-09 11:30", sla.Running, "2026-03-09 14:00", 90 * time.Minute, time.Hour},
		{"waiting while untargeted", []sla.Event{
			lowered(at("2026-03-09 09:30")),
			{Time: at("2026-03-09 10:00"), Type: sla.StatusChange, Status: "pending"},
			raised(at("2026-03-09 11:00")),
			{Time: at("2026-03-09 11:30"), Type: sla.StatusChange, Status: "open"},
		}, "2026-03-09 12:00", sla.Running, "2026-03-09 14:30", 90 * time.Minute, 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := obligation(t, evaluate(t, lapsePolicies, inq, tt.log, at(tt.now)), "resolution")
			assert.Equal(t, tt.state, res.State)
			assert.Equal(t, at("2026-03-09 09:00"), res.Start)
			assert.Equal(t, at(tt.due), res.Due)
			assert.Equal(t, tt.elapsed, res.Elapsed)
			assert.Equal(t, tt.paused, res.Paused)
		})
	}
}
