package report_test

import (
	"fmt"
	"os"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/ledger"
	"github.com/replyby/replyby/sla/report"
)

// chats answers chats within 30 minutes and resolves them within 4
// hours, in plain time.
var chats = sla.MustParsePolicies([]byte(`{"policies": [{"name": "chat", "targets": {"first_reply": {"within": "30m"}, "resolution": {"within": "4h"}}}]}`))

// A report over the inquiries of a morning, as a text table.
func ExampleReport_WriteText() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	l := ledger.New(chats)
	_ = l.Add(sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Class: sla.Class{Party: sla.Customer}, Received: start},
		sla.Event{Time: start.Add(10 * time.Minute), Type: sla.Assign, Owner: "ann"},
		sla.Event{Time: start.Add(20 * time.Minute), Type: sla.Reply, Channel: sla.Chat},
		sla.Event{Time: start.Add(time.Hour), Type: sla.Resolve})
	_ = l.Add(sla.Inquiry{ID: "chat-2", Channel: sla.Chat, Class: sla.Class{Party: sla.Prospect}, Received: start.Add(time.Hour)})
	rep := report.New(l.Statuses(start.Add(6*time.Hour)), start, start.Add(12*time.Hour))
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
	// cracks  channel  owner  why             obligation   due               overdue
	// chat-2  chat     -      no_owner        -            -                 5h0m0s since received
	// chat-2  chat     -      never_answered  first_reply  2026-03-09 10:30  4h30m0s
}

// An audit sample is the same for the same seed and data.
func ExampleAuditSample() {
	var sts []sla.Status
	for i := range 8 {
		party := sla.Customer
		if i%2 == 0 {
			party = sla.Prospect
		}
		sts = append(sts, sla.Status{InquiryID: fmt.Sprintf("q%d", i), Class: sla.Class{Party: party}, Resolved: true})
	}
	a, _ := report.AuditSample(sts, 2, 42)
	b, _ := report.AuditSample(sts, 2, 42)
	fmt.Println(len(a.Prospects), len(a.Customers), fmt.Sprint(a) == fmt.Sprint(b))
	// Output:
	// 2 2 true
}
