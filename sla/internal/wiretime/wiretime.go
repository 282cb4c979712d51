// Package wiretime puts instants in the form their JSON carries exactly.
//
// encoding/json writes a time.Time in RFC 3339, which has no seconds in
// a UTC offset and no year outside 0–9999. An instant whose offset has
// seconds (local mean time before a zone was standardised, as in
// Africa/Monrovia until 1972, or a time.FixedZone) would read back
// shifted by them; one outside those years cannot be written at all.
// sla/history and sla/ledger write such an instant in UTC, the same
// instant, and refuse one that has no form.
package wiretime

import (
	"slices"
	"time"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/replyby/replyby/sla"
)

// Form returns t as it is written: t, or t in UTC if its offset has
// seconds; false if that form's year is outside 0–9999. The zero
// instant is its own form.
func Form(t time.Time) (time.Time, bool) {
	if t.IsZero() {
		return t, true
	}
	if _, off := t.Zone(); off%60 != 0 {
		t = t.UTC()
	}
	y := t.Year()
	return t, 0 <= y && y <= 9999
}

// Unwritable returns an *sla.Error naming the first instant of inq or
// of events (its index counted from first) that has no form, wrapping
// sla.ErrBadInquiry or sla.ErrBadEvent; nil if every one has.
func Unwritable(inq *sla.Inquiry, events []sla.Event, first int) error {
	const reason = "has no JSON form: a year outside 0–9999"
	if inq != nil {
		if _, ok := Form(inq.Received); !ok {
			return &sla.Error{Path: "inquiry.received", Input: inq.Received.String(), Reason: reason, Err: sla.ErrBadInquiry}
		}
	}
	for i := range events {
		e := &events[i]
		for _, f := range [...]struct {
			name string
			t    time.Time
		}{{"time", e.Time}, {"due", e.Due}, {"from", e.From}} {
			if _, ok := Form(f.t); !ok {
				return &sla.Error{Path: strictjson.Index("events", first+i) + "." + f.name, Input: f.t.String(), Reason: reason, Err: sla.ErrBadEvent}
			}
		}
	}
	return nil
}

// Events returns events with every instant in its form: events itself
// if none moves, else a copy.
func Events(events []sla.Event) []sla.Event {
	out := events
	copied := false
	for i := range events {
		e := events[i]
		e.Time, _ = Form(e.Time)
		e.Due, _ = Form(e.Due)
		e.From, _ = Form(e.From)
		if e.Time != events[i].Time || e.Due != events[i].Due || e.From != events[i].From {
			if !copied {
				out, copied = slices.Clone(events), true
			}
			out[i] = e
		}
	}
	return out
}
