package slatest_test

import (
	"fmt"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/slatest"
)

// printT stands in for the test's *testing.T in these examples: it prints
// what a failing assertion would report.
type printT struct{}

func (printT) Helper()                           {}
func (printT) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (printT) FailNow()                          { panic("test stopped") }

// An e-mail arrives on Friday at 16:55; first replies are due within one
// business hour of a 9-to-5 desk. On Monday at 10:00 the first reply is
// breached, and the owner was warned at 09:25 and told at 09:55.
func Example() {
	t := printT{} // in a test: func TestFridayEmail(t *testing.T) {
	ps := sla.MustParsePolicies([]byte(`{
	  "calendars": {"desk": {"zone": "America/New_York", "week": {
	    "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
	    "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}},
	  "policies": [{"name": "everyone", "targets": {
	    "first_reply": {"within": "1h", "calendar": "desk", "escalation": [
	      {"name": "warn", "at": "-30m", "notify": ["owner"]},
	      {"name": "breach", "at": "0", "notify": ["owner", "sales-lead"]}
	    ]}
	  }}]
	}`))

	s := slatest.New(t, ps, sla.Inquiry{
		ID: "lead-1", Channel: sla.Email, Class: sla.Class{Party: sla.Prospect},
		Received: slatest.MustTime("America/New_York", "2026-11-20T16:55"),
	})
	s.AutoReply("2026-11-20T16:56", sla.Email)
	s.Assign("2026-11-23T09:00", "ann")

	s.AssertState("2026-11-23T09:54", "first_reply", sla.Running)
	s.AssertState("2026-11-23T10:00", "first_reply", sla.Breached)
	s.AssertEscalated("2026-11-23T09:25", "first_reply", "warn")
	s.AssertEscalated("2026-11-23T09:55", "first_reply", "breach")

	// What a failing assertion prints after testify's report:
	fmt.Print(s.Timeline("2026-11-23T10:00"))
	// Output:
	// Timeline of inquiry lead-1 at Mon 2026-11-23 10:00:00 EST
	//   received Fri 2026-11-20 16:55:00 EST on email; prospect
	// Events (2):
	//   Fri 2026-11-20 16:56:00 EST  auto_reply on email
	//   Mon 2026-11-23 09:00:00 EST  assign to ann
	// Status: policy "everyone", owner "ann", next -
	// Obligations (1):
	//   KEY          STATE     START                        DUE                          DONE  BUDGET          ELAPSED  REMAINING  PAUSED
	//   first_reply  breached  Fri 2026-11-20 16:55:00 EST  Mon 2026-11-23 09:55:00 EST  -     1h0m0s in desk  1h5m0s   -5m0s      0s
	// Escalations (2):
	//   Mon 2026-11-23 09:25:00 EST  first_reply  warn    notify owner
	//   Mon 2026-11-23 09:55:00 EST  first_reply  breach  notify owner, sales-lead
}
