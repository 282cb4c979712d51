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

// desk answers chats, e-mails and calls within 30 minutes, follow-ups
// too, keeps promises on time and appointments within 10 minutes, in
// plain time.
var desk = sla.MustParsePolicies([]byte(`{"policies": [{"name": "desk", "targets": {
	"first_reply": {"within": "30m"}, "next_reply": {"within": "30m"},
	"promise_kept": {"within": "0"}, "appointment_kept": {"within": "10m"}}}]}`))

// deskMorning is a morning's inquiries: ann promised chat-1 an invoice
// by 10:00 and the customer wrote again at 11:45; chat-2 was never
// taken; bob set up a demo call for 10:00 and never held it; mail-4's
// follow-up of 10:00 is unanswered.
func deskMorning() *ledger.Ledger {
	at := func(hm string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", "2026-03-09 "+hm)
		return t
	}
	customer := sla.Class{Party: sla.Customer}
	l := ledger.New(desk)
	_ = l.Add(sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Class: customer, Received: at("09:00")},
		sla.Event{Time: at("09:05"), Type: sla.Assign, Owner: "ann"},
		sla.Event{Time: at("09:10"), Type: sla.Reply, Channel: sla.Chat},
		sla.Event{Time: at("09:10"), Type: sla.Promise, Ref: "send-invoice", PromiseKind: sla.DoSomething, Due: at("10:00")},
		sla.Event{Time: at("11:45"), Type: sla.CustomerMessage, Channel: sla.Chat})
	_ = l.Add(sla.Inquiry{ID: "chat-2", Channel: sla.Chat, Class: sla.Class{Party: sla.Prospect}, Received: at("09:30")})
	_ = l.Add(sla.Inquiry{ID: "call-3", Channel: sla.Phone, Class: customer, Received: at("09:00")},
		sla.Event{Time: at("09:01"), Type: sla.Assign, Owner: "bob"},
		sla.Event{Time: at("09:05"), Type: sla.Reply, Channel: sla.Phone},
		sla.Event{Time: at("09:05"), Type: sla.Appointment, Ref: "demo", Channel: sla.Phone, Due: at("10:00")})
	_ = l.Add(sla.Inquiry{ID: "mail-4", Channel: sla.Email, Class: customer, Received: at("09:00")},
		sla.Event{Time: at("09:01"), Type: sla.Assign, Owner: "ann"},
		sla.Event{Time: at("09:10"), Type: sla.Reply, Channel: sla.Email},
		sla.Event{Time: at("10:00"), Type: sla.CustomerMessage, Channel: sla.Email})
	return l
}

// The cracks at noon, oldest first: what a person forgot, and by how
// much.
func ExampleNew() {
	noon, _ := time.Parse(time.RFC3339, "2026-03-09T12:00:00Z")
	rep := report.New(deskMorning().Statuses(noon), time.Time{}, time.Time{})
	for _, c := range rep.Cracks {
		fmt.Printf("%-6s  %-20s  %-18s  %-12s  overdue %v\n", c.InquiryID, c.Reason, c.Obligation, c.Ref, c.Overdue)
	}
	// Output:
	// chat-2  no_owner                                                overdue 2h30m0s
	// chat-1  promise_broken        promise_kept#1      send-invoice  overdue 2h0m0s
	// chat-2  never_answered        first_reply                       overdue 2h0m0s
	// call-3  appointment_missed    appointment_kept#1  demo          overdue 1h50m0s
	// mail-4  follow_up_unanswered  next_reply#1                      overdue 1h30m0s
}

// The load at noon, and what breaches within half an hour if nothing is
// done: chat-1's follow-up of 11:45.
func ExampleWorkload() {
	noon, _ := time.Parse(time.RFC3339, "2026-03-09T12:00:00Z")
	statuses := deskMorning().Statuses(noon)
	for _, l := range report.Workload(statuses, 30*time.Minute) {
		fmt.Printf("%-5s %-6q open %d, breached %d, at risk %d, in %d inquiries\n", l.By, l.Value, l.Open, l.Breached, l.AtRisk, l.Inquiries)
	}
	for _, d := range report.DueSoon(statuses, 30*time.Minute) {
		fmt.Println("due soon:", d.InquiryID, d.Obligation, d.Due.Format("15:04"), d.Remaining)
	}
	// Output:
	// owner "ann"  open 1, breached 2, at risk 1, in 2 inquiries
	// owner ""     open 0, breached 1, at risk 0, in 1 inquiries
	// owner "bob"  open 0, breached 1, at risk 0, in 1 inquiries
	// team  ""     open 1, breached 4, at risk 1, in 4 inquiries
	// due soon: chat-1 next_reply#1 12:15 15m0s
}

// The calls of this week's sample, recorded and reported.
func ExampleSurveys() {
	sample := report.Sample{Prospects: []string{"lead-7"}, Customers: []string{"case-2", "case-5"}}
	statuses := []sla.Status{
		{InquiryID: "lead-7", Channel: sla.WebForm},
		{InquiryID: "case-2", Channel: sla.Email},
		{InquiryID: "case-5", Channel: sla.Email},
	}
	monday, _ := time.Parse(time.RFC3339, "2026-03-16T10:00:00Z")
	surveys := []report.Survey{
		{InquiryID: "lead-7", At: monday, Reached: true, Answer: "yes", Rating: 5},
		{InquiryID: "case-2", At: monday, Reached: false, Note: "voicemail"},
		{InquiryID: "case-2", At: monday.Add(24 * time.Hour), Reached: true, Answer: "partly", Rating: 3, Note: "bill fixed, no call back"},
		{InquiryID: "case-5", At: monday, Reached: false},
	}
	for _, s := range surveys {
		if err := s.Check(); err != nil {
			fmt.Println(err)
		}
	}
	rep := report.Surveys(sample, statuses, surveys)
	fmt.Printf("reached %d of %d (%.0f%%), answers %v\n", rep.Reached, rep.Sampled, 100*rep.ResponseRate, rep.Answers)
	for _, r := range rep.Ratings {
		fmt.Printf("rating %-7s %-9s %.1f (%d)\n", r.By, r.Value, r.Mean, r.N)
	}
	// Output:
	// reached 2 of 3 (67%), answers map[partly:1 yes:1]
	// rating all               4.0 (2)
	// rating channel email     3.0 (1)
	// rating channel web_form  5.0 (1)
	// rating party   customer  3.0 (1)
	// rating party   prospect  5.0 (1)
}

// Any table as CSV, here the workload.
func ExampleTable_WriteCSV() {
	noon, _ := time.Parse(time.RFC3339, "2026-03-09T12:00:00Z")
	t := report.WorkloadTable(report.Workload(deskMorning().Statuses(noon), 30*time.Minute))
	if err := t.WriteCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// by,value,open,breached,at_risk,inquiries
	// owner,ann,1,2,1,2
	// owner,,0,1,0,1
	// owner,bob,0,1,0,1
	// team,,1,4,1,4
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

// What a tighter first reply would have done to a morning's chats: the
// same inquiries and logs evaluated under the current policies and
// under first replies in 15 minutes instead of 30, paging the lead at
// breach.
func ExampleCompare() {
	proposal := sla.MustParsePolicies([]byte(`{"policies": [{"name": "chat", "targets": {
		"first_reply": {"within": "15m", "escalation": [{"name": "breach", "at": "0", "notify": ["lead"]}]},
		"resolution": {"within": "4h"}}}]}`))
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	now := start.Add(8 * time.Hour)
	type logged struct {
		inq    sla.Inquiry
		events []sla.Event
	}
	morning := []logged{
		{sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Class: sla.Class{Party: sla.Customer}, Received: start}, []sla.Event{
			{Time: start.Add(5 * time.Minute), Type: sla.Assign, Owner: "ann"},
			{Time: start.Add(10 * time.Minute), Type: sla.Reply, Channel: sla.Chat},
			{Time: start.Add(time.Hour), Type: sla.Resolve}}},
		{sla.Inquiry{ID: "chat-2", Channel: sla.Chat, Class: sla.Class{Party: sla.Prospect}, Received: start.Add(time.Hour)}, []sla.Event{
			{Time: start.Add(time.Hour + 5*time.Minute), Type: sla.Assign, Owner: "bob"},
			{Time: start.Add(time.Hour + 20*time.Minute), Type: sla.Reply, Channel: sla.Chat},
			{Time: start.Add(3 * time.Hour), Type: sla.Resolve}}},
	}
	c := report.NewComparer(time.Time{}, time.Time{})
	for _, x := range morning {
		a, _ := chats.Evaluate(x.inq, x.events, now)
		b, _ := proposal.Evaluate(x.inq, x.events, now)
		c.Add(&a, &b)
	}
	cmp := c.Comparison()
	cmp.NameA, cmp.NameB = "30m", "15m"
	_ = cmp.WriteText(os.Stdout)
	// Output:
	// inquiries received … to …  2
	// with a change              1
	// under another policy       0
	//
	//                30m     15m
	// decided        4       4
	// on time        4       3
	// on-time rate   100.0%  75.0%
	// breached       0       0
	// escalations    0       1
	// notifications  0       1
	// violations     0       0
	//
	// policy  30m  15m
	// chat    2    2
	//
	// on time      by       value     30m         p50     p90     15m         p50     p90     change
	// first_reply  all      -         2/2 100.0%  10m0s   20m0s   1/2 50.0%   10m0s   20m0s   -50.0 pts
	// first_reply  channel  chat      2/2 100.0%  10m0s   20m0s   1/2 50.0%   10m0s   20m0s   -50.0 pts
	// first_reply  party    customer  1/1 100.0%  10m0s   10m0s   1/1 100.0%  10m0s   10m0s   +0.0 pts
	// first_reply  party    prospect  1/1 100.0%  20m0s   20m0s   0/1 0.0%    20m0s   20m0s   -100.0 pts
	// first_reply  owner    ann       1/1 100.0%  10m0s   10m0s   1/1 100.0%  10m0s   10m0s   +0.0 pts
	// first_reply  owner    bob       1/1 100.0%  20m0s   20m0s   0/1 0.0%    20m0s   20m0s   -100.0 pts
	// resolution   all      -         2/2 100.0%  1h0m0s  2h0m0s  2/2 100.0%  1h0m0s  2h0m0s  +0.0 pts
	// resolution   channel  chat      2/2 100.0%  1h0m0s  2h0m0s  2/2 100.0%  1h0m0s  2h0m0s  +0.0 pts
	// resolution   party    customer  1/1 100.0%  1h0m0s  1h0m0s  1/1 100.0%  1h0m0s  1h0m0s  +0.0 pts
	// resolution   party    prospect  1/1 100.0%  2h0m0s  2h0m0s  1/1 100.0%  2h0m0s  2h0m0s  +0.0 pts
	// resolution   owner    ann       1/1 100.0%  1h0m0s  1h0m0s  1/1 100.0%  1h0m0s  1h0m0s  +0.0 pts
	// resolution   owner    bob       1/1 100.0%  2h0m0s  2h0m0s  1/1 100.0%  2h0m0s  2h0m0s  +0.0 pts
	//
	// escalation   level   30m  15m
	// first_reply  breach  0    1
	//
	// notified    30m  15m
	// lead        0    1
	//
	// changed      30m  15m       obligations
	// first_reply  met  met_late  1
	//
	// inquiry  channel  owner  obligation   30m                         15m                              why
	// chat-2   chat     bob    first_reply  met (due 2026-03-09 10:30)  met_late (due 2026-03-09 10:15)  due_earlier
}
