package monitor_test

import (
	"fmt"
	"time"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/ledger"
	"github.com/replyby/replyby/sla/monitor"
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
func Example() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	c := clock.NewManual(start)
	l := ledger.New(exampleSet)
	m, err := monitor.New(l, c, func(a monitor.Alert) {
		fmt.Println(c.Now().Format("15:04"), a.InquiryID, a.Obligation, a.Level, a.Notify)
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
