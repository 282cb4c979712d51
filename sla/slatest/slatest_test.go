package slatest_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/slatest"
)

// policies: first replies to prospects within one business hour of a New
// York 9-to-5 desk; the owner is warned half an hour before and told at
// the breach. 2026-11-20 is a Friday.
var policies = sla.MustParsePolicies([]byte(`{
  "calendars": {"desk": {"zone": "America/New_York", "week": {
    "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
    "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}},
  "policies": [
    {"name": "prospects", "match": {"parties": ["prospect"]}, "targets": {
      "first_reply": {"within": "1h", "calendar": "desk", "escalation": [
        {"name": "warn", "at": "-30m", "notify": ["owner"]},
        {"name": "breach", "at": "0", "notify": ["owner", "sales-lead"]}
      ]},
      "appointment_kept": {"within": "15m"}
    }},
    {"name": "default", "targets": {"first_reply": {"within": "P1D", "calendar": "desk"}}}
  ]
}`))

func lead() sla.Inquiry {
	return sla.Inquiry{
		ID: "lead-1", Channel: sla.Email, Class: sla.Class{Party: sla.Prospect},
		Received: slatest.MustTime("America/New_York", "2026-11-20T16:55"),
	}
}

func TestFridayEmailBreachedMonday(t *testing.T) {
	s := slatest.New(t, policies, lead())
	s.AutoReply("2026-11-20T16:56", sla.Email)
	s.AssertState("2026-11-23T09:54", "first_reply", sla.Running)
	s.AssertDue("2026-11-23T09:54", "first_reply", "2026-11-23T09:55")
	s.AssertState("2026-11-23T10:00", "first_reply", sla.Breached)
	s.AssertEscalated("2026-11-23T09:25", "first_reply", "warn")
	s.AssertEscalated("2026-11-23T09:55", "first_reply", "breach")
	s.AssertNoEscalation("2026-11-23T09:54:59", "first_reply", "breach")
}

func TestAnsweredInTime(t *testing.T) {
	s := slatest.New(t, policies, lead())
	s.Assign("2026-11-23T09:00", "ann").Reply("2026-11-23T09:20", sla.Email)
	s.AssertState("2026-11-23T10:00", "first_reply", sla.Met)
	s.AssertNoEscalation("2026-11-30T00:00", "", "")
	assert.Equal(t, "ann", s.Status("2026-11-23T10:00").Owner)
}

// Everything that happens at one instant reaches the host at once: a reply
// at the due time, logged with an assignment of the same instant, meets
// the target and nothing escalates.
func TestSameInstantIsOneArrival(t *testing.T) {
	s := slatest.New(t, policies, lead())
	s.Assign("2026-11-23T09:55", "ann").Reply("2026-11-23T09:55", sla.Email)
	s.AssertState("2026-11-23T10:00", "first_reply", sla.Met)
	s.AssertNoEscalation("2026-11-30T00:00", "first_reply", "breach")
	s.AssertEscalated("2026-11-23T09:25", "first_reply", "warn")
}

func TestEventHelpers(t *testing.T) {
	s := slatest.New(t, policies, lead())
	s.Reply("2026-11-23T09:10", sla.Email).
		Appointment("2026-11-23T09:10", "demo", sla.Meeting, "2026-11-24T15:00").
		Held("2026-11-24T15:05", "demo").
		CustomerMessage("2026-11-24T16:00", sla.Email).
		Promise("2026-11-24T16:10", "answer", "2026-11-25T12:00").
		SetStatus("2026-11-24T16:20", "pending").
		SetStatus("2026-11-24T16:30", "open").
		Resolve("2026-11-24T16:40").
		Reopen("2026-11-24T16:50").
		Reclassify("2026-11-24T16:55", sla.Class{Priority: sla.High}).
		At("2026-11-24T17:00", sla.Event{Type: sla.Reply, Channel: sla.Email, Actor: "ann"}).
		PromiseTo("2026-11-24T17:01", "fix", "2026-11-26T12:00").
		Renegotiate("2026-11-24T17:02", "fix", "2026-11-27T12:00").
		Done("2026-11-24T17:03", "fix").
		PromiseCall("2026-11-24T17:04", "call", sla.Email, "2026-11-25T09:00", "2026-11-25T12:00").
		Withdraw("2026-11-24T17:05", "call").
		Appointment("2026-11-24T17:06", "a", sla.Phone, "2026-11-25T10:00").
		Reschedule("2026-11-24T17:07", "a", "2026-11-25T11:00").
		Cancel("2026-11-24T17:08", "a", sla.TheCustomer).
		Appointment("2026-11-24T17:09", "b", sla.Phone, "2026-11-25T10:00").
		NoShow("2026-11-25T10:10", "b").
		Appointment("2026-11-25T10:11", "c", sla.Phone, "2026-11-25T10:12").
		Missed("2026-11-25T10:20", "c").
		Assign("2026-11-25T10:30", "ann", "billing").
		Appointment("2026-11-25T10:30", "d", sla.Phone, "2026-11-26T09:00").
		Override("2026-11-25T10:31", "appointment_kept#5", "2026-11-26T10:00", "a long call before")
	require.Len(t, s.Events(), 26)
	s.AssertDue("2026-11-25T11:00", "appointment_kept#5", "2026-11-26T10:00")
	assert.Equal(t, sla.Promise, s.Events()[4].Type)
	assert.Equal(t, s.Time("2026-11-25T12:00"), s.Events()[4].Due)
	assert.Equal(t, s.Time("2026-11-24T17:00"), s.Events()[10].Time)
	s.AssertState("2026-11-25T09:00", "appointment_kept#1", sla.Met)
	st := s.Status("2026-11-25T11:00")
	assert.Equal(t, 1, st.Counts.CustomerMessages)
	assert.Equal(t, "lead-1", s.Inquiry().ID)
	assert.Equal(t, "billing", st.Team)
	assert.Empty(t, st.Anomalies, "every event made sense")
}

func TestTimes(t *testing.T) {
	s := slatest.New(t, policies, lead())
	want := slatest.MustTime("America/New_York", "2026-11-23T09:55")
	for _, in := range []string{"2026-11-23T09:55", "2026-11-23 09:55", "2026-11-23T09:55:00", "2026-11-23T14:55:00Z", "2026-11-23T09:55:00-05:00"} {
		assert.True(t, want.Equal(s.Time(in)), in)
		assert.Equal(t, want.Location(), s.Time(in).Location(), "read in the inquiry's zone: %s", in)
	}
	assert.Panics(t, func() { slatest.MustTime("Nowhere/Atlantis", "2026-11-23T09:55") })
	assert.Panics(t, func() { slatest.MustTime("UTC", "Monday") })
}

func TestNoticesAreSeenWhenTheyFire(t *testing.T) {
	s := slatest.New(t, policies, lead())
	notices := s.Notices("2026-11-30T00:00")
	require.Len(t, notices, 2)
	for _, n := range notices {
		assert.Equal(t, n.At, n.Seen, n.Level)
	}
	assert.Equal(t, "warn", notices[0].Level)
	assert.Equal(t, []string{"owner", "sales-lead"}, notices[1].Notify)
	assert.Empty(t, s.Notices("2026-11-20T16:00"), "before the inquiry")
}

// fakeT records what assertions report. FailNow ends the goroutine as
// testing.T's does; record runs the test body on its own goroutine.
type fakeT struct {
	errors    []string
	failedNow bool
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeT) FailNow() {
	f.failedNow = true
	runtime.Goexit()
}

func (f *fakeT) output() string { return strings.Join(f.errors, "\n") }

func record(body func(t slatest.T)) *fakeT {
	f := &fakeT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		body(f)
	}()
	<-done
	return f
}

func TestFailingStateShowsTheTimeline(t *testing.T) {
	var held bool
	f := record(func(ft slatest.T) {
		s := slatest.New(ft, policies, lead())
		s.AutoReply("2026-11-20T16:56", sla.Email).Reply("2026-11-23T12:00", sla.Email)
		held = s.AssertState("2026-11-23T10:00", "first_reply", sla.Met)
	})
	assert.False(t, held)
	assert.False(t, f.failedNow, "an assertion lets the test go on")
	require.Len(t, f.errors, 1)
	out := f.output()
	for _, want := range []string{
		`expected: "met"`,
		`actual  : "breached"`,
		"state of first_reply at 2026-11-23T10:00",
		"Timeline of inquiry lead-1 at Mon 2026-11-23 10:00:00 EST",
		"received Fri 2026-11-20 16:55:00 EST on email; prospect",
		"Fri 2026-11-20 16:56:00 EST  auto_reply on email",
		"Mon 2026-11-23 12:00:00 EST  reply on email  (later: not yet happened)",
		`Status: policy "prospects", owner "", next Mon 2026-11-23 12:00:00 EST`, // the reply
		"first_reply  breached  Fri 2026-11-20 16:55:00 EST  Mon 2026-11-23 09:55:00 EST  -     1h0m0s in desk  1h5m0s   -5m0s",
		"Mon 2026-11-23 09:25:00 EST  first_reply  warn    notify owner",
		"Mon 2026-11-23 09:55:00 EST  first_reply  breach  notify owner, sales-lead",
	} {
		assert.Contains(t, out, want)
	}
}

func TestFailingEscalationAssertions(t *testing.T) {
	tests := []struct {
		name string
		body func(s *slatest.Scenario) bool
		want []string
	}{
		{"another time", func(s *slatest.Scenario) bool {
			return s.AssertEscalated("2026-11-23T10:00", "first_reply", "breach")
		}, []string{"breach of first_reply fired at another time", "expected: \"Mon 2026-11-23 10:00:00 EST\"", "actual  : \"Mon 2026-11-23 09:55:00 EST\"", "Escalations (2):"}},
		{"not fired yet", func(s *slatest.Scenario) bool {
			return s.AssertEscalated("2026-11-23T09:50", "first_reply", "breach")
		}, []string{"breach of first_reply did not fire by 2026-11-23T09:50; if nothing else happened it would fire at Mon 2026-11-23 09:55:00 EST", "Escalations (1):"}},
		{"no such level", func(s *slatest.Scenario) bool {
			return s.AssertEscalated("2026-11-30T00:00", "first_reply", "manager")
		}, []string{`no level "manager" for first_reply in policy "prospects" at 2026-11-30T00:00: it has levels "warn", "breach"`}},
		{"not reached by then", func(s *slatest.Scenario) bool {
			return s.Reply("2026-11-23T09:00", sla.Email).AssertEscalated("2026-11-30T00:00", "first_reply", "breach")
		}, []string{"breach of first_reply did not fire by 2026-11-30T00:00; it would not fire even if nothing else happened"}},
		{"fired after all", func(s *slatest.Scenario) bool {
			return s.AssertNoEscalation("2026-11-23T10:00", "", "")
		}, []string{"warn of first_reply at Mon 2026-11-23 09:25:00 EST", "breach of first_reply at Mon 2026-11-23 09:55:00 EST", "escalations by 2026-11-23T10:00", "Timeline of inquiry lead-1"}},
		{"due elsewhere", func(s *slatest.Scenario) bool {
			return s.AssertDue("2026-11-23T09:00", "first_reply", "2026-11-23T10:55")
		}, []string{"due time of first_reply at 2026-11-23T09:00", "actual  : \"Mon 2026-11-23 09:55:00 EST\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := true
			f := record(func(ft slatest.T) { held = tt.body(slatest.New(ft, policies, lead())) })
			assert.False(t, held)
			assert.False(t, f.failedNow)
			for _, want := range tt.want {
				assert.Contains(t, f.output(), want)
			}
		})
	}
}

func TestScenarioThatCannotBeEvaluatedStops(t *testing.T) {
	tests := []struct {
		name string
		body func(s *slatest.Scenario)
		want string
	}{
		{"bad time", func(s *slatest.Scenario) { s.Reply("Monday at ten", sla.Email) }, `cannot read "Monday at ten" as a time`},
		{"bad key", func(s *slatest.Scenario) { s.Obligation("2026-11-23T10:00", "first reply") }, "first reply"},
		{"no such obligation", func(s *slatest.Scenario) { s.Obligation("2026-11-23T10:00", "resolution") }, "no obligation resolution at 2026-11-23T10:00"},
		{"malformed event", func(s *slatest.Scenario) {
			s.At("2026-11-23T09:30", sla.Event{Type: sla.Resolve, Channel: sla.Email}).AssertState("2026-11-23T10:00", "first_reply", sla.Met)
		}, `sla: events[0].channel: a resolve event has no channel`},
		{"replay fails too", func(s *slatest.Scenario) {
			s.At("2026-11-23T09:30", sla.Event{Type: "telepathy"}).AssertNoEscalation("2026-11-23T10:00", "", "")
		}, "evaluating at 2026-11-23T10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := record(func(ft slatest.T) {
				tt.body(slatest.New(ft, policies, lead()))
				ft.Errorf("not reached")
			})
			assert.True(t, f.failedNow)
			assert.Contains(t, f.output(), tt.want)
			assert.NotContains(t, f.output(), "not reached")
		})
	}
	f := record(func(ft slatest.T) { slatest.New(ft, policies, sla.Inquiry{}) })
	assert.True(t, f.failedNow, "an inquiry without a Received time")
}

// A Held names the appointment it keeps.
func TestHeldNamesItsAppointment(t *testing.T) {
	s := slatest.New(t, policies, lead())
	s.Appointment("2026-11-23T09:10", "first", sla.Phone, "2026-11-24T10:00").
		Appointment("2026-11-23T09:11", "second", sla.Phone, "2026-11-24T14:00").
		Held("2026-11-24T10:05", "second") // the 14:00 call, moved up
	assert.Equal(t, "second", s.Events()[2].Ref)
	s.AssertState("2026-11-24T10:30", "appointment_kept#1", sla.Breached)
	s.AssertState("2026-11-24T10:30", "appointment_kept#2", sla.Met)
}

// A misspelt key or level, or an obligation that does not exist, fails
// every assertion, with a message listing what does exist: an assertion
// about a name that is not there cannot pass.
func TestMistypedNamesFail(t *testing.T) {
	const at = "2026-11-23T10:00"
	tests := []struct {
		name string
		body func(s *slatest.Scenario) bool
		want string
	}{
		{"state, malformed key", func(s *slatest.Scenario) bool { return s.AssertState(at, "first reply", sla.Breached) },
			`key "first reply"`},
		{"state, no such obligation", func(s *slatest.Scenario) bool { return s.AssertState(at, "resolution", sla.Breached) },
			"no obligation resolution at 2026-11-23T10:00; there are first_reply"},
		{"state, no such state", func(s *slatest.Scenario) bool { return s.AssertState(at, "first_reply", "late") },
			`"late": want running, paused, met, met_late, breached or cancelled`},
		{"due, no such obligation", func(s *slatest.Scenario) bool { return s.AssertDue(at, "next_reply#1", at) },
			"no obligation next_reply#1"},
		{"escalated, misspelt level", func(s *slatest.Scenario) bool { return s.AssertEscalated("2026-11-23T09:55", "first_reply", "braech") },
			`no level "braech" for first_reply`},
		{"escalated, misspelt key", func(s *slatest.Scenario) bool { return s.AssertEscalated("2026-11-23T09:55", "frist_reply", "breach") },
			`key "frist_reply"`},
		{"no escalation, misspelt level", func(s *slatest.Scenario) bool { return s.AssertNoEscalation(at, "first_reply", "braech") },
			`no level "braech" for first_reply in policy "prospects" at 2026-11-23T10:00: it has levels "warn", "breach"`},
		{"no escalation, malformed key", func(s *slatest.Scenario) bool { return s.AssertNoEscalation(at, "next_reply#0", "") },
			`key "next_reply#0"`},
		{"no escalation, no such obligation", func(s *slatest.Scenario) bool { return s.AssertNoEscalation(at, "resolution", "breach") },
			"no obligation resolution at 2026-11-23T10:00; there are first_reply"},
		{"no escalation, a level of no obligation", func(s *slatest.Scenario) bool { return s.AssertNoEscalation(at, "", "breach") },
			`level "breach" of no obligation`},
		{"no escalation, a level the ladder lacks", func(s *slatest.Scenario) bool {
			return s.AssertNoEscalation(at, "first_reply", "manager")
		}, `no level "manager"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := true
			f := record(func(ft slatest.T) { held = tt.body(slatest.New(ft, policies, lead())) })
			assert.False(t, held)
			assert.False(t, f.failedNow, "an assertion lets the test go on")
			assert.Contains(t, f.output(), tt.want)
		})
	}
	// Spelt right, the same assertions hold.
	f := record(func(ft slatest.T) {
		s := slatest.New(ft, policies, lead())
		s.AssertState(at, "first_reply", sla.Breached)
		s.AssertEscalated("2026-11-23T09:55", "first_reply", "breach")
		s.AssertNoEscalation("2026-11-23T09:54", "first_reply", "breach")
		s.AssertNoEscalation("2026-11-23T09:00", "first_reply", "")
	})
	assert.Empty(t, f.errors)
}
