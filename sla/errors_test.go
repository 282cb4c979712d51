package sla_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

func TestEvaluateErrors(t *testing.T) {
	received := at("2026-03-09 09:00")
	inq := sla.Inquiry{ID: "x", Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Received: received}
	now := at("2026-03-12 09:00")
	ev := func(min int, typ sla.EventType) sla.Event {
		e := sla.Event{Time: received.Add(time.Duration(min) * time.Minute), Type: typ}
		if typ == sla.Reply || typ == sla.CustomerMessage {
			e.Channel = sla.Email
		}
		return e
	}
	tests := []struct {
		name     string
		events   []sla.Event
		index    int
		sentinel error
		msg      string
	}{
		{"before arrival", []sla.Event{ev(5, sla.Reply), ev(-1, sla.Reply)}, 1, sla.ErrEventBeforeInquiry,
			`sla: events[1].time: "2026-03-09 08:59:00 -0400 EDT": before the inquiry arrived at 2026-03-09 09:00:00 -0400 EDT`},
		{"unknown type", []sla.Event{ev(5, "telepathy")}, 0, sla.ErrBadEvent,
			`sla: events[0].type: "telepathy": unknown event type`},
		{"no type", []sla.Event{ev(5, "")}, 0, sla.ErrBadEvent, `sla: events[0].type: missing`},
		{"no time", []sla.Event{{Type: sla.Reply, Channel: sla.Email}}, 0, sla.ErrBadEvent, ""},
		{"reply without channel", []sla.Event{{Time: received, Type: sla.Reply}}, 0, sla.ErrBadEvent, ""},
		{"promise without due", []sla.Event{ev(5, sla.Promise)}, 0, sla.ErrBadEvent, ""},
		{"promise due before made", []sla.Event{{Time: received.Add(time.Hour), Type: sla.Promise, Due: received}}, 0, sla.ErrBadEvent, ""},
		{"reclassify to an unknown party", []sla.Event{{Time: received, Type: sla.Reclassify, Class: sla.Class{Party: "martian"}}}, 0, sla.ErrBadEvent, ""},
		// Indices are those of the input, before sorting.
		{"reply without channel, after another", []sla.Event{ev(30, sla.Resolve), {Time: received.Add(10 * time.Minute), Type: sla.Reply}}, 1, sla.ErrBadEvent,
			`sla: events[1].channel: a reply needs a channel`},
		{"a field the type has no use for", []sla.Event{{Time: received, Type: sla.Resolve, Owner: "ann"}}, 0, sla.ErrBadEvent,
			`sla: events[0].owner: a resolve event has no owner`},
		{"a status change without a status", []sla.Event{{Time: received, Type: sla.StatusChange}}, 0, sla.ErrBadEvent, ""},
		{"a cancellation without a side", []sla.Event{{Time: received, Type: sla.AppointmentCancelled, Ref: "a"}}, 0, sla.ErrBadEvent, ""},
		{"a window after the due time", []sla.Event{{Time: received, Type: sla.Promise, Due: received.Add(time.Hour), From: received.Add(2 * time.Hour)}}, 0, sla.ErrBadEvent, ""},
		{"a window on a promise to do something", []sla.Event{{Time: received, Type: sla.Promise, PromiseKind: sla.DoSomething, Due: received.Add(time.Hour), From: received}}, 0, sla.ErrBadEvent, ""},
		{"an unknown promise kind", []sla.Event{{Time: received, Type: sla.Promise, PromiseKind: "vow", Due: received.Add(time.Hour)}}, 0, sla.ErrBadEvent, ""},
		{"an override without an obligation", []sla.Event{{Time: received, Type: sla.Override, Due: received.Add(time.Hour)}}, 0, sla.ErrBadEvent, ""},
		{"an empty label", []sla.Event{{Time: received, Type: sla.Reclassify, AddLabels: []string{""}}}, 0, sla.ErrBadEvent,
			`sla: events[0].add_labels[0]: an empty label`},
		{"an empty label to remove", []sla.Event{{Time: received, Type: sla.Reclassify, AddLabels: []string{"vip"}, RemoveLabels: []string{"eu", ""}}}, 0, sla.ErrBadEvent,
			`sla: events[0].remove_labels[1]: an empty label`},
		// A malformed event after now is still an error.
		{"unknown type after now", []sla.Event{{Time: now.Add(time.Hour), Type: "later"}}, 0, sla.ErrBadEvent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := policies.Evaluate(inq, tt.events, now)
			require.Error(t, err)
			assert.Zero(t, st.Obligations)
			assert.ErrorIs(t, err, tt.sentinel)
			var e *sla.Error
			require.True(t, errors.As(err, &e), "%T", err)
			assert.True(t, strings.HasPrefix(e.Path, fmt.Sprintf("events[%d]", tt.index)), e.Path)
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
			}
		})
	}

}

func TestEvaluateBadInquiry(t *testing.T) {
	good := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 09:00")}
	tests := []struct {
		name     string
		mod      func(*sla.Inquiry)
		now      time.Time
		sentinel error
		msg      string
	}{
		{"no arrival", func(q *sla.Inquiry) { q.Received = time.Time{} }, at("2026-03-09 10:00"), sla.ErrBadInquiry,
			"sla: inquiry.received: missing"},
		{"no channel", func(q *sla.Inquiry) { q.Channel = "" }, at("2026-03-09 10:00"), sla.ErrBadInquiry,
			"sla: inquiry.channel: missing"},
		{"bad party", func(q *sla.Inquiry) { q.Party = "vip" }, at("2026-03-09 10:00"), sla.ErrBadInquiry,
			`sla: inquiry.party: "vip": want prospect or customer`},
		{"now before arrival", func(q *sla.Inquiry) {}, at("2026-03-09 08:00"), sla.ErrBadInquiry, ""},
		{"unknown calendar", func(q *sla.Inquiry) { q.Calendar = "mars" }, at("2026-03-09 10:00"), sla.ErrUnknownCalendar,
			`sla: inquiry.calendar: "mars": no calendar of that name in the policy set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inq := good
			tt.mod(&inq)
			_, err := policies.Evaluate(inq, nil, tt.now)
			assert.ErrorIs(t, err, tt.sentinel)
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
			}
		})
	}
}
