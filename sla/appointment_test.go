package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
)

// appointments arrive on Monday 2026-03-09 at 09:00 from a customer
// (grace 15 minutes, "no-show" at the deadline, under "customers").
func appointments() sla.Inquiry {
	return sla.Inquiry{Channel: sla.Phone, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
}

// An appointment held late is its own, not the next one's: conferences
// on Wednesday and Thursday at 14:00, grace 15 minutes, a Held without a
// Ref logged Wednesday 14:30 keeps Wednesday's, late, and Thursday's has
// not happened yet. (It used to be Wednesday breached, Thursday met, a day
// before it happened.)
func TestAppointmentHeldLateIsItsOwn(t *testing.T) {
	events := []sla.Event{
		{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Channel: sla.Phone, Due: at("2026-03-11 14:00")},
		{Time: at("2026-03-09 09:11"), Type: sla.Appointment, Channel: sla.Phone, Due: at("2026-03-12 14:00")},
		{Time: at("2026-03-11 14:30"), Type: sla.AppointmentHeld},
	}
	st := evaluate(t, policies, appointments(), events, at("2026-03-11 15:00"))
	wed := obligation(t, st, "appointment_kept#1")
	assert.Equal(t, sla.MetLate, wed.State)
	assert.Equal(t, sla.Held, wed.Outcome)
	assert.Equal(t, at("2026-03-11 14:15"), wed.Due)
	assert.Equal(t, sla.Running, obligation(t, st, "appointment_kept#2").State, "Thursday's has not begun")
	assert.Empty(t, st.Anomalies)
}

// Without a Ref, a Held keeps the latest appointment that has begun; it
// never credits one that has not.
func TestAppointmentHeldWithoutRef(t *testing.T) {
	tue10 := sla.Event{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Due: at("2026-03-10 10:00")}
	tue14 := sla.Event{Time: at("2026-03-09 09:20"), Type: sla.Appointment, Due: at("2026-03-10 14:00")}
	tests := []struct {
		name    string
		events  []sla.Event
		a1, a2  sla.State
		anomaly bool
	}{
		{"no-show, then the next one held on time",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 14:00"), Type: sla.AppointmentHeld}}, sla.Breached, sla.Met, false},
		{"the first held within its grace",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 10:15"), Type: sla.AppointmentHeld}}, sla.Met, sla.Running, false},
		{"held before anything began: an anomaly",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 09:30"), Type: sla.AppointmentHeld}}, sla.Running, sla.Running, true},
		{"both past their deadline: the latest begun, held late",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 15:00"), Type: sla.AppointmentHeld}}, sla.Breached, sla.MetLate, false},
		{"the only one, held late",
			[]sla.Event{tue10, {Time: at("2026-03-10 12:00"), Type: sla.AppointmentHeld}}, sla.MetLate, "", false},
		{"two Helds: the latest begun, then the other, late",
			[]sla.Event{tue10, tue14, {Time: at("2026-03-10 14:00"), Type: sla.AppointmentHeld}, {Time: at("2026-03-10 14:30"), Type: sla.AppointmentHeld}}, sla.MetLate, sla.Met, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			last := tt.events[len(tt.events)-1].Time
			st := evaluate(t, policies, appointments(), tt.events, last.Add(5*time.Minute))
			if !tt.anomaly {
				assert.Equal(t, tt.a1, obligation(t, st, "appointment_kept#1").State, "appointment#1")
			}
			if tt.a2 != "" {
				assert.Equal(t, tt.a2, obligation(t, st, "appointment_kept#2").State, "appointment#2")
			}
			if tt.anomaly {
				assert.Len(t, st.Anomalies, 1)
			} else {
				assert.Empty(t, st.Anomalies)
			}
		})
	}
}

// Appointments carry an identity, and everything that happens to one
// names it: held, missed by us, no-show, cancelled (by whom, how late),
// rescheduled.
func TestAppointmentsByReference(t *testing.T) {
	sched := func(ref, due string) sla.Event {
		return sla.Event{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Ref: ref, Channel: sla.Phone, Due: at(due)}
	}
	on := func(when string, typ sla.EventType, ref string) sla.Event {
		return sla.Event{Time: at(when), Type: typ, Ref: ref}
	}
	events := []sla.Event{
		sched("kickoff", "2026-03-10 10:00"),
		sched("review", "2026-03-10 10:00"),
		sched("demo", "2026-03-11 11:00"),
		sched("call", "2026-03-12 09:30"),
		sched("visit", "2026-03-13 15:00"),
		sched("extra", "2026-03-16 10:00"),
		// The twin at 10:00 held by name: the other one is not credited.
		on("2026-03-10 10:05", sla.AppointmentHeld, "review"),
		// We missed the kickoff: breached at once, though the grace
		// had five minutes to go.
		on("2026-03-10 10:10", sla.AppointmentMissed, "kickoff"),
		// The customer did not come to the demo.
		on("2026-03-11 11:10", sla.AppointmentNoShow, "demo"),
		// We call off the visit a day ahead; the customer the extra one.
		{Time: at("2026-03-12 15:00"), Type: sla.AppointmentCancelled, Ref: "visit", By: sla.Us, Reason: "engineer ill"},
		{Time: at("2026-03-09 12:00"), Type: sla.AppointmentCancelled, Ref: "extra", By: sla.TheCustomer},
		// The call moves to Friday and is held then.
		{Time: at("2026-03-11 17:00"), Type: sla.AppointmentRescheduled, Ref: "call", Due: at("2026-03-13 09:30"), Actor: "ann"},
		on("2026-03-13 09:35", sla.AppointmentHeld, "call"),
	}
	st := evaluate(t, policies, appointments(), events, at("2026-03-16 12:00"))
	byRef := map[string]sla.Obligation{}
	for _, o := range st.Obligations {
		if o.Key.Metric == sla.AppointmentKept {
			byRef[o.Ref] = o
		}
	}
	assert.Equal(t, sla.Met, byRef["review"].State)
	assert.Equal(t, sla.Breached, byRef["kickoff"].State)
	assert.Equal(t, sla.Missed, byRef["kickoff"].Outcome)
	assert.Equal(t, at("2026-03-10 10:10"), byRef["kickoff"].Due, "breached when we knew we missed it")
	assert.Equal(t, time.Duration(0), byRef["kickoff"].Remaining, "Due and Remaining agree")
	assert.Equal(t, []string{"no-show@Tue 10:10"}, fired(byRef["kickoff"]))
	assert.Equal(t, sla.Cancelled, byRef["demo"].State)
	assert.Equal(t, sla.NoShow, byRef["demo"].Outcome)
	assert.Equal(t, sla.Cancelled, byRef["visit"].State)
	assert.Equal(t, sla.CancelledByUs, byRef["visit"].Outcome)
	assert.Equal(t, 24*time.Hour, byRef["visit"].Scheduled.Sub(byRef["visit"].DoneAt), "called off a day ahead")
	assert.Equal(t, sla.CancelledByCustomer, byRef["extra"].Outcome)
	call := byRef["call"]
	assert.Equal(t, sla.Met, call.State, "held within the grace of its new time")
	assert.Equal(t, at("2026-03-13 09:30"), call.Scheduled)
	assert.Equal(t, []sla.Revision{{At: at("2026-03-11 17:00"), Type: sla.AppointmentRescheduled, Actor: "ann",
		Was: at("2026-03-12 09:30"), Due: at("2026-03-13 09:30")}}, call.Revisions)
	assert.Empty(t, st.Anomalies)
}

// Events that name no open appointment, or come before it begins, are
// anomalies: ignored, reported, and the rest of the log still counts.
func TestAppointmentAnomalies(t *testing.T) {
	events := []sla.Event{
		{Time: at("2026-03-09 09:10"), Type: sla.Appointment, Ref: "a", Due: at("2026-03-10 10:00")},
		{Time: at("2026-03-09 09:11"), Type: sla.Appointment, Ref: "a", Due: at("2026-03-10 11:00")},
		{Time: at("2026-03-09 09:20"), Type: sla.AppointmentHeld, Ref: "b"},
		{Time: at("2026-03-09 09:30"), Type: sla.AppointmentMissed, Ref: "a"},
		{Time: at("2026-03-10 10:05"), Type: sla.AppointmentHeld, Ref: "a"},
		{Time: at("2026-03-10 10:06"), Type: sla.AppointmentHeld, Ref: "a"},
	}
	st := evaluate(t, policies, appointments(), events, at("2026-03-10 12:00"))
	assert.Equal(t, sla.Met, obligation(t, st, "appointment_kept#1").State)
	var reasons []string
	for _, a := range st.Anomalies {
		reasons = append(reasons, a.Reason)
	}
	assert.Equal(t, []string{
		`an appointment named "a" is open already`,
		`no open appointment named "b"`,
		"before the appointment was to begin, at 2026-03-10 10:00:00 -0400 EDT",
		`no open appointment named "a"`,
	}, reasons)
	assert.Equal(t, []int{1, 2, 3, 5}, []int{st.Anomalies[0].Index, st.Anomalies[1].Index, st.Anomalies[2].Index, st.Anomalies[3].Index})
}
