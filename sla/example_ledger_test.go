package sla_test

import (
	"fmt"
	"os"
	"time"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// exampleSet answers chats within 30 minutes, warning at 20, and resolves
// within 4 hours, in plain time.
var exampleSet = sla.MustParsePolicies([]byte(`{
  "policies": [{
    "name": "chat",
    "targets": {
      "first_reply": {"within": "30m", "escalation": [
        {"name": "warn", "at": "-10m", "notify": ["lead"]},
        {"name": "breach", "at": "0", "notify": ["lead", "manager"]}
      ]},
      "resolution": {"within": "4h"}
    }
  }]
}`))

// A monitor on a manual clock calls back once per escalation level, at
// the instant it fires; a reply that comes in time stops the ladder.
func ExampleMonitor() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	c := clock.NewManual(start)
	l := sla.NewLedger(exampleSet)
	m, err := sla.NewMonitor(l, c, func(a sla.Alert) {
		fmt.Println(c.Now().Format("15:04"), a.Inquiry, a.Obligation, a.Level, a.Notify)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Stop()

	_ = l.Add(sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Received: start})
	_ = l.Add(sla.Inquiry{ID: "chat-2", Channel: sla.Chat, Received: start.Add(5 * time.Minute)})
	c.Advance(24 * time.Minute) // 09:24, a minute before chat-2's warning
	_ = l.Append("chat-2", sla.Event{Time: c.Now(), Type: sla.Reply, Channel: sla.Chat})
	c.Advance(time.Hour)
	// Output:
	// 09:20 chat-1 first_reply warn [lead]
	// 09:30 chat-1 first_reply breach [lead manager]
}

// A ledger refuses an event that makes no sense, lists what is due, and
// round-trips through a snapshot.
func ExampleLedger() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	l := sla.NewLedger(exampleSet)
	_ = l.Add(sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Received: start})
	err := l.Append("chat-1", sla.Event{Time: start.Add(time.Minute), Type: sla.Reopen})
	fmt.Println(err)

	for id := range l.Due(start.Add(20 * time.Minute)) {
		st, _ := l.Status(id, start.Add(20*time.Minute))
		fmt.Println(id, "due; first reply remaining", st.Obligations[0].Remaining)
	}
	for _, st := range l.AtRisk(start.Add(25*time.Minute), 10*time.Minute) {
		fmt.Println(st.Inquiry, "at risk")
	}
	for _, a := range l.Sweep(start.Add(time.Hour)) {
		fmt.Println("deliver", a.Inquiry, a.Level, a.At.Format("15:04"))
	}
	// Output:
	// sla: ledger: append to "chat-1": event 0 (reopen): event out of sequence: reopen of an unresolved inquiry
	// chat-1 due; first reply remaining 10m0s
	// chat-1 at risk
	// deliver chat-1 warn 09:20
	// deliver chat-1 breach 09:30
}

// A report over the inquiries of a morning, as a text table.
func ExampleReport_WriteText() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	l := sla.NewLedger(exampleSet)
	_ = l.Add(sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Class: sla.Class{Party: sla.Customer}, Received: start},
		sla.Event{Time: start.Add(10 * time.Minute), Type: sla.Assign, Owner: "ann"},
		sla.Event{Time: start.Add(20 * time.Minute), Type: sla.Reply, Channel: sla.Chat},
		sla.Event{Time: start.Add(time.Hour), Type: sla.Resolve})
	_ = l.Add(sla.Inquiry{ID: "chat-2", Channel: sla.Chat, Class: sla.Class{Party: sla.Prospect}, Received: start.Add(time.Hour)})
	rep := sla.NewReport(l.Records(start.Add(6*time.Hour)), start, start.Add(12*time.Hour))
	_ = rep.WriteText(os.Stdout)
	// Output:
	// inquiries received 2026-03-09 09:00 to 2026-03-09 21:00  2
	// resolved                                                 1
	// open                                                     1
	// nudges                                                   0 (in 0 inquiries)
	// violations                                               0
	// touches before resolution                                mean 1.0, max 1 (1 inquiries)
	//
	// business time  n  p50     p90     max
	// first reply    1  20m0s   20m0s   20m0s
	// resolution     1  1h0m0s  1h0m0s  1h0m0s
	//
	// on time by  value        decided  on time  rate
	// metric      first_reply  2        1        50.0%
	// metric      resolution   2        1        50.0%
	// channel     chat         4        2        50.0%
	// party       customer     2        2        100.0%
	// party       prospect     2        0        0.0%
	// owner       (none)       2        0        0.0%
	// owner       ann          2        2        100.0%
	//
	// cracks  channel  party     owner  received          why
	// chat-2  chat     prospect  -      2026-03-09 10:00  no_owner, never_answered
}

// An audit sample is the same for the same seed and data.
func ExampleAuditSample() {
	var sts []sla.Status
	for i := range 8 {
		party := sla.Customer
		if i%2 == 0 {
			party = sla.Prospect
		}
		sts = append(sts, sla.Status{Inquiry: fmt.Sprintf("q%d", i), Class: sla.Class{Party: party}, Resolved: true})
	}
	a, _ := sla.AuditSample(sts, 2, 42)
	b, _ := sla.AuditSample(sts, 2, 42)
	fmt.Println(len(a.Prospects), len(a.Customers), fmt.Sprint(a) == fmt.Sprint(b))
	// Output:
	// 2 2 true
}
