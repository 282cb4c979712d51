package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
)

// At an obligation's due instant the events of that instant come first:
// a reply then meets it on time (Met), and a Resolve, or a Reclassify that
// drops its target, then cancels it (Cancelled), before it can breach; a
// nanosecond later it has breached, and is met late or stays breached. The
// documentation says "at or before its due time" for both.
func TestEventsAtTheDueInstant(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "low", Match: sla.Match{Priorities: []sla.Priority{sla.Low}}}, sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{sla.FirstReply: {
		Within:     sla.Duration{Time: time.Hour},
		Escalation: []sla.Level{{Name: "breach", At: sla.MustParseTrigger("0")}},
	}}}}})
	inq := sla.Inquiry{Channel: sla.Email, Class: sla.Class{Priority: sla.Normal}, Received: at("2026-03-09 09:00")}
	due := at("2026-03-09 10:00")
	tests := []struct {
		name        string
		event       sla.Event
		atDue, late sla.State
	}{
		{"reply", sla.Event{Type: sla.Reply, Channel: sla.Email}, sla.Met, sla.MetLate},
		{"resolve", sla.Event{Type: sla.Resolve}, sla.Cancelled, sla.Breached},
		{"reclassify dropping the target", sla.Event{Type: sla.Reclassify, Class: sla.Class{Priority: sla.Low}}, sla.Cancelled, sla.Breached},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.event
			e.Time = due
			fr := obligation(t, evaluate(t, ps, inq, []sla.Event{e}, at("2026-03-09 11:00")), "first_reply")
			assert.Equal(t, tt.atDue, fr.State)
			assert.Equal(t, due, fr.DoneAt)
			assert.Empty(t, fr.Escalations, "no level fires once it is done")
			if tt.atDue == sla.Met {
				assert.Equal(t, time.Duration(0), fr.Remaining)
			}

			e.Time = due.Add(time.Nanosecond)
			fr = obligation(t, evaluate(t, ps, inq, []sla.Event{e}, at("2026-03-09 11:00")), "first_reply")
			assert.Equal(t, tt.late, fr.State)
			assert.Equal(t, []string{"breach@Mon 10:00"}, fired(fr))
		})
	}
}
