package sla_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

func TestParseEventsRoundTrip(t *testing.T) {
	nine := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	events := []sla.Event{
		{Time: nine, Type: sla.CustomerMessage, Channel: sla.Email, Actor: "ann@example.com"},
		{Time: nine.Add(time.Hour), Type: sla.Promise, Ref: "callback", Channel: sla.Phone, From: nine.Add(24 * time.Hour), Due: nine.Add(27 * time.Hour)},
		{Time: nine.Add(time.Hour), Type: sla.Promise, Ref: "fix", PromiseKind: sla.DoSomething, Due: nine.Add(48 * time.Hour)},
		{Time: nine.Add(2 * time.Hour), Type: sla.AppointmentCancelled, Ref: "demo", By: sla.TheCustomer, Reason: "ill"},
		{Time: nine.Add(3 * time.Hour), Type: sla.Reclassify, Class: sla.Class{Priority: "urgent"}, AddLabels: []string{"vip"}, RemoveLabels: []string{"trial"}},
		{Time: nine.Add(4 * time.Hour), Type: sla.Assign, Owner: "bob", Team: "billing"},
		{Time: nine.Add(5 * time.Hour), Type: sla.Override, Obligation: sla.Key{Metric: sla.Resolution}, Due: nine.Add(96 * time.Hour), Actor: "lead", Reason: "waiting on the bank"},
		{Time: nine.Add(6 * time.Hour), Type: sla.StatusChange, Status: "pending"},
	}
	b, err := json.Marshal(events)
	require.NoError(t, err)
	got, err := sla.ParseEvents(b)
	require.NoError(t, err)
	assert.Equal(t, events, got)

	one, err := sla.ParseEvent([]byte(`{"time": "2026-03-09T10:00:00-05:00", "type": "reply", "channel": "phone"}`))
	require.NoError(t, err)
	assert.Equal(t, sla.Event{Time: time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC), Type: sla.Reply, Channel: sla.Phone}, sla.Event{Time: one.Time.UTC(), Type: one.Type, Channel: one.Channel})
}

func TestParseEventErrors(t *testing.T) {
	for _, c := range []struct {
		doc, want string
	}{
		{`{"type": "reply", "channel": "email"}`, `sla: event.time: missing`},
		{`{"time": "2026-03-09T10:00:00Z", "type": "telepathy"}`, `sla: event.type: "telepathy": unknown event type`},
		{`{"time": "2026-03-09T10:00:00Z", "type": "reply"}`, `sla: event.channel: a reply needs a channel`},
		{`{"time": "2026-03-09T10:00:00Z", "type": "resolve", "channel": "email"}`, `sla: event.channel: a resolve event has no channel`},
		{`{"time": "2026-03-09T10:00:00Z", "type": "reply", "Channel": "email"}`, `sla: event.Channel: unknown field`},
		{`{"time": "2026-03-09T10:00:00Z", "type": "reply", "channel": "email", "channel": "phone"}`, `sla: event.channel: given twice`},
		{`{"time": "tuesday", "type": "reply", "channel": "email"}`, ``},
		{`{"time": "2026-03-09T10:00:00Z", "type": "promise", "due": "2026-03-09T09:00:00Z"}`, ``},
		{`[]`, `sla: event: want an object, not a list`},
		{`{"time": "2026-03-09T10:00:00Z", "type": "reply", "channel": "email"} {}`, ``},
	} {
		_, err := sla.ParseEvent([]byte(c.doc))
		require.Error(t, err, c.doc)
		require.ErrorIs(t, err, sla.ErrBadEvent, c.doc)
		var se *sla.Error
		require.ErrorAs(t, err, &se, c.doc)
		assert.Contains(t, se.Path, "event", c.doc)
		if c.want != "" {
			assert.Equal(t, c.want, err.Error(), c.doc)
		}
	}
	// An override's obligation is a key: its errors wrap ErrBadKey.
	_, err := sla.ParseEvent([]byte(`{"time": "2026-03-09T10:00:00Z", "type": "override", "obligation": "first_reply#0", "due": "2026-03-09T12:00:00Z"}`))
	assert.ErrorIs(t, err, sla.ErrBadKey)
	assert.ErrorContains(t, err, "sla: event.obligation: ")
	_, err = sla.ParseEvents([]byte(`[{"time": "2026-03-09T10:00:00Z", "type": "resolve"}, {"time": "2026-03-09T10:00:00Z"}]`))
	assert.EqualError(t, err, `sla: events[1].type: missing`)
	_, err = sla.ParseEvents([]byte(`[{"time": "2026-03-09T10:00:00Z", "type": "resolve", "ref": 3}]`))
	assert.ErrorIs(t, err, sla.ErrBadEvent)
	assert.ErrorContains(t, err, "events[0].ref")
}

func TestEventCheck(t *testing.T) {
	e := sla.Event{Time: time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC), Type: sla.Resolve, Channel: sla.Email}
	err := e.Check()
	assert.ErrorIs(t, err, sla.ErrBadEvent)
	assert.EqualError(t, err, "sla: channel: a resolve event has no channel")
	e.Channel = ""
	assert.NoError(t, e.Check())
}

// TestEventCheckOverrideKeys: Check refuses an override's key that
// ParseEvent would refuse, so that an event it passes writes as JSON
// that reads back.
func TestEventCheckOverrideKeys(t *testing.T) {
	at := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	for _, k := range []sla.Key{
		{Metric: sla.NextReply}, {Metric: sla.NextReply, N: -1}, {Metric: sla.FirstReply, N: 3},
		{Metric: sla.Resolution, N: 1}, {Metric: sla.Update, Team: "x"}, {Metric: sla.Resolution, Team: "a b"},
		{Metric: sla.Resolution, Team: "a@b"}, {Metric: "next_reply#1"},
	} {
		e := sla.Event{Time: at, Type: sla.Override, Obligation: k, Due: at.Add(time.Hour)}
		err := e.Check()
		assert.ErrorIs(t, err, sla.ErrBadEvent, k.String())
		assert.ErrorContains(t, err, "sla: obligation: ", k.String())
		doc, jerr := json.Marshal([]sla.Event{e})
		require.NoError(t, jerr)
		back, perr := sla.ParseEvents(doc)
		assert.True(t, perr != nil || back[0].Obligation != k, "it does not read back: %s", doc)
	}
	for _, k := range []sla.Key{{Metric: sla.FirstReply}, {Metric: sla.NextReply, N: 2}, {Metric: sla.Resolution, N: 2, Team: "billing"}} {
		e := sla.Event{Time: at, Type: sla.Override, Obligation: k, Due: at.Add(time.Hour)}
		require.NoError(t, e.Check(), k.String())
		doc, err := json.Marshal([]sla.Event{e})
		require.NoError(t, err)
		back, err := sla.ParseEvents(doc)
		require.NoError(t, err, "%s", doc)
		assert.Equal(t, k, back[0].Obligation)
	}
}

func TestParseInquiry(t *testing.T) {
	inq, err := sla.ParseInquiry([]byte(`{"id": "T-1", "channel": "web_form", "reply_to": ["email", "phone"],
	  "class": {"party": "customer", "kind": "complaint"}, "received": "2026-03-09T09:00:00Z", "labels": ["vip"], "calendar": "customer-paris"}`))
	require.NoError(t, err)
	assert.Equal(t, sla.Inquiry{ID: "T-1", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email, sla.Phone},
		Class: sla.Class{Party: sla.Customer, Kind: "complaint"}, Received: inq.Received, Labels: []string{"vip"}, Calendar: "customer-paris"}, inq)
	b, err := json.Marshal(inq)
	require.NoError(t, err)
	again, err := sla.ParseInquiry(b)
	require.NoError(t, err)
	assert.Equal(t, inq, again)

	for doc, want := range map[string]string{
		`{"channel": "email"}`: `sla: inquiry.received: missing`,
		`{"channel": "email", "received": "2026-03-09T09:00:00Z", "class": {"party": "martian"}}`: `sla: inquiry.party: "martian": want prospect or customer`,
		`{"channel": "email", "received": "2026-03-09T09:00:00Z", "party": "customer"}`:           `sla: inquiry.party: unknown field`,
		`{"channel": "email", "received": "2026-03-09T09:00:00Z", "reply_to": "email"}`:           `sla: inquiry.reply_to: want a list, not a string`,
	} {
		_, err := sla.ParseInquiry([]byte(doc))
		assert.ErrorIs(t, err, sla.ErrBadInquiry, doc)
		assert.EqualError(t, err, want, doc)
	}
}

func TestInquiryCheck(t *testing.T) {
	nine := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	ok := sla.Inquiry{Channel: sla.Email, Received: nine}
	require.NoError(t, ok.Check())
	for _, c := range []struct {
		inq  sla.Inquiry
		want string
	}{
		{sla.Inquiry{Channel: sla.Email}, `sla: inquiry.received: missing`},
		{sla.Inquiry{Received: nine}, `sla: inquiry.channel: missing`},
		{sla.Inquiry{Channel: sla.Email, Received: nine, Class: sla.Class{Party: "vip"}}, `sla: inquiry.party: "vip": want prospect or customer`},
	} {
		err := c.inq.Check()
		assert.ErrorIs(t, err, sla.ErrBadInquiry)
		assert.EqualError(t, err, c.want)
	}
}
