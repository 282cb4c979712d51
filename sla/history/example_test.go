package history_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/history"
)

func ExampleWriter() {
	received := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	w := history.NewWriter(os.Stdout)
	w.Write(history.Record{
		Inquiry: sla.Inquiry{ID: "lead-1", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email}, Received: received},
		Events:  []sla.Event{{Time: received.Add(time.Hour), Type: sla.Reply, Channel: sla.Email, Actor: "ann"}},
	})
	w.Flush()
	// Output:
	// {"inquiry":{"id":"lead-1","channel":"web_form","reply_to":["email"],"received":"2026-11-23T09:00:00Z"},"events":[{"time":"2026-11-23T10:00:00Z","type":"reply","channel":"email","actor":"ann"}]}
}

func ExampleReader() {
	export := `{"inquiry": {"id": "lead-1", "channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": []}
{"inquiry": {"id": "lead-2", "channel": "email", "received": "2026-11-23T09:30:00Z"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "reply"}]}
{"inquiry": {"id": "lead-3", "channel": "phone", "received": "2026-11-23T10:00:00Z"}, "events": [{"time": "2026-11-23T10:05:00Z", "type": "reply", "channel": "phone"}]}
`
	r := history.NewReader(strings.NewReader(export))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("skipped:", err) // or stop here
			continue
		}
		fmt.Println(rec.Inquiry.ID, len(rec.Events), "events")
	}
	// Output:
	// lead-1 0 events
	// skipped: history: line 2: events[0].channel: a reply needs a channel
	// lead-3 1 events
}
