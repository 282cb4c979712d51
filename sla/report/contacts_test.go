package report_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

// The contacts of reportLedger's Monday inquiries, by arrival (all at
// 09:00), then ID; Friday's e is outside the window.
func TestContacts(t *testing.T) {
	l := reportLedger(t)
	rep := report.New(l.Statuses(at("2026-03-12 12:00")), at("2026-03-09 00:00"), at("2026-03-10 00:00"))
	nine := at("2026-03-09 09:00")
	for i := range rep.Contacts {
		assert.True(t, rep.Contacts[i].Received.Equal(nine))
		rep.Contacts[i].Received = nine
	}
	assert.Equal(t, []report.Contact{
		// One reply, then resolved.
		{InquiryID: "a", Channel: sla.Email, Party: sla.Prospect, Received: nine, Resolved: true, Touches: 1, TouchesToResolve: 1},
		// A chase at 09:30 while the first reply was owed (a nudge), two
		// replies (one by fax, a violation, still a touch), resolved.
		{InquiryID: "b", Channel: sla.Email, Party: sla.Customer, Owner: "ann", Received: nine, Resolved: true,
			Touches: 2, Nudges: 1, CustomerMessages: 1, TouchesToResolve: 2},
		{InquiryID: "c", Channel: sla.Chat, Party: sla.Customer, Received: nine},
		// Answered once, still open.
		{InquiryID: "d", Channel: sla.Phone, Party: sla.Customer, Owner: "bob", Received: nine, Touches: 1},
	}, rep.Contacts)

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	var doc struct{ Contacts []map[string]any }
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	require.Len(t, doc.Contacts, 4)
	assert.Equal(t, map[string]any{"inquiry_id": "b", "channel": "email", "party": "customer", "owner": "ann",
		"received": "2026-03-09T09:00:00-04:00", "resolved": true, "touches": 2.0, "nudges": 1.0,
		"customer_messages": 1.0, "auto_replies": 0.0, "touches_to_resolve": 2.0}, doc.Contacts[1])
}

// A reopened inquiry is not resolved: its touches to resolve are 0 until
// it is resolved again, though its Counts keep those of its first
// resolution. Ties of arrival sort by ID.
func TestContactsReopened(t *testing.T) {
	nine := at("2026-03-09 09:00")
	sts := []sla.Status{
		{InquiryID: "z", Received: nine, Counts: sla.Counts{Touches: 3, TouchesToResolve: 2, AutoReplies: 1}},
		{InquiryID: "y", Received: nine, Resolved: true, Counts: sla.Counts{Touches: 3, TouchesToResolve: 2}},
		{InquiryID: "x", Received: nine.Add(time.Minute)},
	}
	rep := report.New(sts, time.Time{}, time.Time{})
	assert.Equal(t, []report.Contact{
		{InquiryID: "y", Received: nine, Resolved: true, Touches: 3, TouchesToResolve: 2},
		{InquiryID: "z", Received: nine, Touches: 3, AutoReplies: 1},
		{InquiryID: "x", Received: nine.Add(time.Minute)},
	}, rep.Contacts)
}
