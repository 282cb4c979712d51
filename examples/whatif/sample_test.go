package main

import (
	"bytes"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/history"
)

var update = flag.Bool("update", false, "rewrite sample-week.jsonl from the quickstart's week")

// The embedded sample week is the quickstart's week as history.Writer
// writes it; go test -run TestSampleWeek -update rewrites it.
func TestSampleWeek(t *testing.T) {
	var buf bytes.Buffer
	w := history.NewWriter(&buf)
	for _, s := range quickstartWeek() {
		require.NoError(t, w.Write(history.Record{Inquiry: s.inq, Events: s.events}))
	}
	require.NoError(t, w.Flush())
	if *update {
		require.NoError(t, os.WriteFile("sample-week.jsonl", buf.Bytes(), 0o644))
	}
	require.Equal(t, buf.String(), string(sampleWeek), "go test -run TestSampleWeek -update rewrites it")
}

// The current policies are the quickstart's.
func TestCurrentIsTheQuickstarts(t *testing.T) {
	qs, err := os.ReadFile("../quickstart/policies.json")
	require.NoError(t, err)
	require.Equal(t, string(qs), string(currentPolicies))
}

// at reads a New York wall-clock time "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, nyc)
	if err != nil {
		panic(err)
	}
	return t
}

// A story is an inquiry and what will happen to it.
type story struct {
	inq    sla.Inquiry
	events []sla.Event
}

// quickstartWeek returns the quickstart's week (examples/quickstart's
// inquiries, copied as they are there). 2026-11-20 is a Friday; Thursday
// the 26th is Thanksgiving, and the desk closes at 13:00 on the 27th.
func quickstartWeek() []story {
	return []story{
		{ // A prospect's e-mail late on Friday, answered on Monday after a warning.
			inq: sla.Inquiry{ID: "lead-1001", Channel: sla.Email, Received: at("2026-11-20 16:55"),
				Class: sla.Class{Party: sla.Prospect, Kind: sla.Question}},
			events: []sla.Event{
				{Time: at("2026-11-20 16:56"), Type: sla.AutoReply, Channel: sla.Email, Actor: "bot"},
				{Time: at("2026-11-23 09:30"), Type: sla.Assign, Owner: "ann"},
				{Time: at("2026-11-23 12:10"), Type: sla.Reply, Channel: sla.Email, Actor: "ann"},
			},
		},
		{ // A complaint on social media on Saturday: one hour, in plain time.
			inq: sla.Inquiry{ID: "tweet-2001", Channel: sla.Social, Received: at("2026-11-21 10:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint}},
			events: []sla.Event{
				{Time: at("2026-11-21 10:01"), Type: sla.AutoReply, Channel: sla.Social, Actor: "bot"},
				{Time: at("2026-11-21 11:30"), Type: sla.Reply, Channel: sla.Social, Actor: "social-team"},
				{Time: at("2026-11-21 11:45"), Type: sla.Resolve, Actor: "social-team"},
			},
		},
		{ // A customer e-mails about a wrong bill and leaves voicemails; a call back
			// (a voicemail is answered by a call) apologises and promises the
			// fix by Tuesday noon; on Tuesday comes another apology, by
			// e-mail, and no fix: an apology is not the fix.
			inq: sla.Inquiry{ID: "case-3001", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email},
				Received: at("2026-11-23 09:00"), Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint}},
			events: []sla.Event{
				{Time: at("2026-11-23 11:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
				{Time: at("2026-11-23 12:30"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
				{Time: at("2026-11-23 13:50"), Type: sla.Assign, Owner: "bob"},
				{Time: at("2026-11-23 14:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "bob"},
				{Time: at("2026-11-23 14:00"), Type: sla.Promise, Ref: "fix-bill", PromiseKind: sla.DoSomething,
					Due: at("2026-11-24 12:00"), Actor: "bob"},
				{Time: at("2026-11-24 11:00"), Type: sla.Reply, Channel: sla.Email, Actor: "bob"},
				{Time: at("2026-11-24 15:00"), Type: sla.CustomerMessage, Channel: sla.Email},
				{Time: at("2026-11-24 16:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
			},
		},
		{ // A web-form lead who left only an e-mail address, and is phoned.
			inq: sla.Inquiry{ID: "lead-1002", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email},
				Received: at("2026-11-23 09:00"), Class: sla.Class{Party: sla.Prospect, Kind: sla.Question}},
			events: []sla.Event{
				{Time: at("2026-11-23 10:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "sales"},
			},
		},
		{ // An order question on chat, handled by the book; solved, with a call
			// on Tuesday at 10:00 to walk the customer through the order, which
			// Dave forgets: a missed appointment, though the inquiry is solved.
			inq: sla.Inquiry{ID: "order-4001", Channel: sla.Chat, Received: at("2026-11-23 10:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Order}},
			events: []sla.Event{
				{Time: at("2026-11-23 10:01"), Type: sla.Assign, Owner: "dave"},
				{Time: at("2026-11-23 10:05"), Type: sla.Reply, Channel: sla.Chat, Actor: "dave"},
				{Time: at("2026-11-23 10:06"), Type: sla.StatusChange, Status: "pending", Actor: "dave"},
				{Time: at("2026-11-23 10:40"), Type: sla.CustomerMessage, Channel: sla.Chat},
				{Time: at("2026-11-23 11:00"), Type: sla.Reply, Channel: sla.Chat, Actor: "dave"},
				{Time: at("2026-11-23 11:00"), Type: sla.Appointment, Ref: "walkthrough", Channel: sla.Phone,
					Due: at("2026-11-24 10:00"), Actor: "dave"},
				{Time: at("2026-11-23 11:00"), Type: sla.StatusChange, Status: "solved", Actor: "dave"},
			},
		},
		{ // A conference is scheduled for Wednesday 15:00 and the customer does not
			// come; Carol promises to call on Friday morning, and does.
			inq: sla.Inquiry{ID: "case-3002", Channel: sla.Phone, Received: at("2026-11-24 09:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Request}},
			events: []sla.Event{
				{Time: at("2026-11-24 09:05"), Type: sla.Assign, Owner: "carol"},
				{Time: at("2026-11-24 09:10"), Type: sla.Reply, Channel: sla.Phone, Actor: "carol"},
				{Time: at("2026-11-24 09:10"), Type: sla.Appointment, Ref: "onboarding", Channel: sla.Meeting,
					Due: at("2026-11-25 15:00"), Actor: "carol"},
				{Time: at("2026-11-25 15:10"), Type: sla.AppointmentNoShow, Ref: "onboarding", Actor: "carol"},
				{Time: at("2026-11-25 15:12"), Type: sla.Promise, Ref: "call-friday", Channel: sla.Phone,
					From: at("2026-11-27 09:00"), Due: at("2026-11-27 12:00"), Actor: "carol"},
				{Time: at("2026-11-27 10:30"), Type: sla.Reply, Channel: sla.Phone, Actor: "carol"},
			},
		},
	}
}

// nyc is the zone of the desk and of every time in the story.
var nyc = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()
