package sla_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

// A Held meets the appointment it plausibly refers to: of those not yet
// held, the earliest scheduled whose deadline (its time plus the grace,
// 15 minutes under "customers") has not passed; failing that, the latest
// scheduled, held late. Before, it always went to the earliest scheduled
// one, so a no-show made the next appointment's Held count for it.
func TestHeldMeetsThePlausibleAppointment(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Phone, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	tue10 := sla.Event{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Due: at("2026-03-10 10:00")}
	tue14 := sla.Event{Time: at("2026-03-09 09:20"), Type: sla.Appointment, Due: at("2026-03-10 14:00")}
	tests := []struct {
		name   string
		events []sla.Event
		a1, a2 sla.State
	}{
		{"no-show, then the next one held on time",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 14:00"), Type: sla.Held}}, sla.Breached, sla.Met},
		{"the first held within its grace",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 10:15"), Type: sla.Held}}, sla.Met, sla.Running},
		{"the first held early",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 09:30"), Type: sla.Held}}, sla.Met, sla.Running},
		{"both past their deadline: the latest scheduled, held late",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 15:00"), Type: sla.Held}}, sla.Breached, sla.MetLate},
		{"the only one, held late",
			[]sla.Event{tue10, {Time: at("2026-03-10 12:00"), Type: sla.Held}}, sla.MetLate, ""},
		{"named by its scheduled time",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 14:00"), Type: sla.Held, Due: at("2026-03-10 10:00")}}, sla.MetLate, sla.Running},
		{"two Helds",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 14:00"), Type: sla.Held}, {Time: at("2026-03-10 14:30"), Type: sla.Held}}, sla.MetLate, sla.Met},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := evaluate(t, policies, inq, tt.events, tt.events[len(tt.events)-1].Time.Add(5*time.Minute))
			assert.Equal(t, tt.a1, obligation(t, st, "appointment_kept#1").State, "appointment_kept#1")
			if len(tt.events) > 2 && tt.events[1].Type == sla.Appointment {
				assert.Equal(t, tt.a2, obligation(t, st, "appointment_kept#2").State, "appointment_kept#2")
			}
		})
	}
}

// A Held whose Due names no appointment waiting to be held is out of
// sequence, and the error names its index.
func TestHeldNamingNoAppointment(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Phone, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	for _, events := range [][]sla.Event{
		{
			{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Due: at("2026-03-10 10:00")},
			{Time: at("2026-03-10 10:05"), Type: sla.Held, Due: at("2026-03-10 11:00")},
		},
		{
			{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Due: at("2026-03-10 10:00")},
			{Time: at("2026-03-10 10:05"), Type: sla.Held, Due: at("2026-03-10 10:00")},
			{Time: at("2026-03-10 10:06"), Type: sla.Held, Due: at("2026-03-10 10:00")},
		},
	} {
		_, err := policies.Evaluate(inq, events, at("2026-03-10 12:00"))
		require.ErrorIs(t, err, sla.ErrEventOutOfSequence)
		var e *sla.Error
		require.True(t, errors.As(err, &e), "%v", err)
		assert.True(t, strings.HasPrefix(e.Path, fmt.Sprintf("events[%d]", len(events)-1)), e.Path)
	}
}

// Two appointments at the same time: a Held naming it keeps the first
// scheduled, the next such Held the other.
func TestHeldNamingTwinAppointments(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Phone, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	events := []sla.Event{
		{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Due: at("2026-03-10 10:00")},
		{Time: at("2026-03-09 09:20"), Type: sla.Appointment, Due: at("2026-03-10 10:00")},
		{Time: at("2026-03-10 10:05"), Type: sla.Held, Due: at("2026-03-10 10:00")},
	}
	st := evaluate(t, policies, inq, events, at("2026-03-10 10:10"))
	assert.Equal(t, sla.Met, obligation(t, st, "appointment_kept#1").State)
	assert.Equal(t, sla.Running, obligation(t, st, "appointment_kept#2").State)
	events = append(events, sla.Event{Time: at("2026-03-10 10:20"), Type: sla.Held, Due: at("2026-03-10 10:00")})
	st = evaluate(t, policies, inq, events, at("2026-03-10 10:30"))
	assert.Equal(t, sla.MetLate, obligation(t, st, "appointment_kept#2").State)
	assert.Equal(t, at("2026-03-10 10:15"), obligation(t, st, "appointment_kept#2").Due)
}
