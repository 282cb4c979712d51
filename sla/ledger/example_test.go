package ledger_test

import (
	"context"
	"fmt"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/ledger"
)

// chats answers chats within 30 minutes, with a warning 10 minutes
// before, and resolves them within 4 hours, in plain time.
var chats = sla.MustParsePolicies([]byte(`{"policies": [{"name": "chat", "targets": {
	"first_reply": {"within": "30m", "escalation": [{"name": "warn", "at": "-10m"}, {"name": "breach", "at": "0"}]},
	"resolution": {"within": "4h"}}}]}`))

// A ledger that refuses anomalies refuses an event that makes no sense
// where it stands; it lists what is due and at risk, and sweeps.
func Example() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	l := ledger.New(chats, ledger.RefuseAnomalies())
	_ = l.Add(sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Received: start})
	err := l.Append("chat-1", sla.Event{Time: start.Add(time.Minute), Type: sla.Reopen})
	fmt.Println(err)

	for id := range l.Due(start.Add(20 * time.Minute)) {
		st, _ := l.Status(id, start.Add(20*time.Minute))
		fmt.Println(id, "due; first reply remaining", st.Obligations[0].Remaining)
	}
	for _, st := range l.AtRisk(start.Add(25*time.Minute), 10*time.Minute) {
		fmt.Println(st.InquiryID, "at risk")
	}
	// A host without a monitor sweeps by itself, and records each alert
	// as delivered once its work is done.
	alerts, _, _ := l.Sweep(context.Background(), start.Add(time.Hour))
	for _, a := range alerts {
		fmt.Println("deliver", a.InquiryID, a.Level, a.At.Format("15:04"))
		_ = l.Delivered(context.Background(), a)
	}
	// Output:
	// ledger: append to "chat-1": event makes no sense where it stands: events[0] (reopen): the inquiry is not resolved
	// chat-1 due; first reply remaining 10m0s
	// chat-1 at risk
	// deliver chat-1 warn 09:20
	// deliver chat-1 breach 09:30
}
