package main

import (
	"io"
	"log"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// deskStart is when seedDesk begins: Monday 16 November 2026, 09:00 in
// New York, week 2026-W47.
var deskStart = ny(16, 9, 0)

// startDesk serves a new SQLite database on a manual clock at deskStart,
// with tokens for acme, globex and admin, and seeds acme's desk.
func startDesk(t *testing.T, cfg config) (*server, *clock.Manual, map[string]string, *client) {
	t.Helper()
	clk := clock.NewManual(deskStart)
	s, err := start(filepath.Join(t.TempDir(), "crm.db"), cfg, policies, clk, log.New(io.Discard, "", 0))
	require.NoError(t, err)
	t.Cleanup(s.kill)
	tokens := addTokens(t, s, "acme", "globex", adminTenant)
	acme := &client{base: s.url, token: tokens["acme"]}
	seedDesk(t, acme, clk)
	return s, clk, tokens, acme
}

// seedDesk plays two weeks of a small desk through the API, moving the
// clock as it goes (events are dated now), and leaves the clock at
// Monday 23 November 10:30 (week 2026-W48). Week 47 gives the call list
// of week 48 its pool (resolved prospects and customers on several
// channels); week 48 is open: by 10:30 an appointment was missed
// (case-6, at 10:15) and other things are due: a promise at 11:00
// (case-5), an unanswered prospect at 13:00 (lead-4), a follow-up at
// 13:30 (case-7). A reply on a channel never offered (lead-2) is in it
// too.
func seedDesk(t *testing.T, c *client, clk *clock.Manual) {
	t.Helper()
	clk.Set(deskStart)
	at := func(day, hour, minute int) { clk.Set(ny(day, hour, minute)) }
	in := func(id string, ch sla.Channel, party sla.Party, replyTo ...sla.Channel) {
		c.post("/inquiries", inquiryJSON{ID: id, Channel: ch, Party: party, ReplyTo: replyTo, Kind: sla.Question})
	}
	ev := func(id string, e eventJSON) { c.event(id, e) }

	// Week 47.
	in("lead-1", sla.Email, sla.Prospect)
	in("lead-2", sla.WebForm, sla.Prospect, sla.Email)
	in("lead-3", sla.Chat, sla.Prospect)
	in("case-1", sla.Email, sla.Customer)
	in("case-2", sla.Phone, sla.Customer)
	in("case-3", sla.Email, sla.Customer)
	at(16, 9, 40)
	ev("lead-1", eventJSON{Type: sla.Assign, Owner: "ann", Team: "sales"})
	ev("lead-1", eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "ann"})
	ev("lead-3", eventJSON{Type: sla.Assign, Owner: "ann", Team: "sales"})
	ev("lead-3", eventJSON{Type: sla.Reply, Channel: sla.Chat, Actor: "ann"})
	ev("case-1", eventJSON{Type: sla.Assign, Owner: "bob", Team: "support"})
	ev("case-1", eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "bob"})
	ev("case-2", eventJSON{Type: sla.Assign, Owner: "bob", Team: "support"})
	ev("case-2", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: "bob"})
	ev("case-2", eventJSON{Type: sla.Promise, Ref: "call-back", Due: ny(17, 12, 0), Channel: sla.Phone, Actor: "bob"})
	at(16, 11, 0)
	ev("lead-1", eventJSON{Type: sla.Resolve, Actor: "ann"})
	ev("lead-3", eventJSON{Type: sla.Resolve, Actor: "ann"})
	at(16, 15, 0) // lead-2 and case-3 are late: due 13:00
	ev("lead-2", eventJSON{Type: sla.Assign, Owner: "ann", Team: "sales"})
	ev("lead-2", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: "ann"}) // never offered
	ev("lead-2", eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "ann"})
	ev("case-3", eventJSON{Type: sla.Assign, Owner: "carol", Team: "billing"})
	ev("case-3", eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "carol"})
	at(17, 10, 0)
	ev("lead-2", eventJSON{Type: sla.Resolve, Actor: "ann"})
	ev("case-2", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: "bob"})
	ev("case-2", eventJSON{Type: sla.Resolve, Actor: "bob"})
	ev("case-1", eventJSON{Type: sla.Resolve, Actor: "bob"})
	at(18, 16, 0)
	ev("case-3", eventJSON{Type: sla.Resolve, Actor: "carol"})

	// Week 48.
	at(23, 9, 0)
	in("lead-4", sla.Email, sla.Prospect)
	in("case-5", sla.Email, sla.Customer)
	in("case-6", sla.Phone, sla.Customer, sla.Phone, sla.Meeting)
	in("case-7", sla.Email, sla.Customer)
	at(23, 9, 15)
	ev("case-5", eventJSON{Type: sla.Assign, Owner: "carol", Team: "billing"})
	ev("case-5", eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "carol"})
	ev("case-5", eventJSON{Type: sla.Promise, Ref: "refund", PromiseKind: sla.DoSomething, Due: ny(23, 11, 0), Actor: "carol"})
	ev("case-6", eventJSON{Type: sla.Assign, Owner: "bob", Team: "support"})
	ev("case-6", eventJSON{Type: sla.Appointment, Ref: "demo", Channel: sla.Phone, Due: ny(23, 10, 0), Actor: "bob"})
	ev("case-7", eventJSON{Type: sla.Assign, Owner: "bob", Team: "support"})
	ev("case-7", eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "bob"})
	at(23, 9, 30)
	ev("case-7", eventJSON{Type: sla.CustomerMessage, Channel: sla.Email, Actor: "customer"})
	at(23, 10, 30)
	require.NoError(t, c.err)
}

// seedTime is where seedDesk leaves the clock.
var seedTime = ny(23, 10, 30)
