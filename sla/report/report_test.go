package report_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/ledger"
	"github.com/replyby/replyby/sla/report"
)

// reportLedger holds five inquiries: four that arrive on Monday 2026-03-09
// at 09:00 and one the Friday before.
func reportLedger(t *testing.T) *ledger.Ledger {
	l := ledger.New(policies)
	mon := func(hm string) time.Time { return at("2026-03-09 " + hm) }
	add := func(id string, ch sla.Channel, party sla.Party, received time.Time, events ...sla.Event) {
		require.NoError(t, l.Add(sla.Inquiry{ID: id, Channel: ch, Class: sla.Class{Party: party}, Received: received}, events...))
	}
	// A prospect answered in an hour and resolved.
	add("a", sla.Email, sla.Prospect, mon("09:00"),
		sla.Event{Time: mon("10:00"), Type: sla.Reply, Channel: sla.Email},
		sla.Event{Time: mon("11:00"), Type: sla.Resolve})
	// A customer who chased, answered late (6 business hours), resolved
	// on Tuesday at 10:00 (9 business hours).
	add("b", sla.Email, sla.Customer, mon("09:00"),
		sla.Event{Time: mon("09:05"), Type: sla.Assign, Owner: "ann"},
		sla.Event{Time: mon("09:30"), Type: sla.CustomerMessage, Channel: sla.Email},
		sla.Event{Time: mon("15:00"), Type: sla.Reply, Channel: sla.Email},
		sla.Event{Time: mon("15:10"), Type: sla.Reply, Channel: sla.Fax},
		sla.Event{Time: at("2026-03-10 10:00"), Type: sla.Resolve})
	// A chat nobody took.
	add("c", sla.Chat, sla.Customer, mon("09:00"))
	// A phone call answered, with a promise for Monday noon not kept.
	add("d", sla.Phone, sla.Customer, mon("09:00"),
		sla.Event{Time: mon("09:10"), Type: sla.Assign, Owner: "bob"},
		sla.Event{Time: mon("09:30"), Type: sla.Reply, Channel: sla.Phone},
		sla.Event{Time: mon("09:30"), Type: sla.Promise, Due: mon("12:00")})
	// Last Friday's prospect, never answered: outside the window, but a
	// crack.
	add("e", sla.WebForm, sla.Prospect, at("2026-03-06 16:00"))
	return l
}

func TestReport(t *testing.T) {
	l := reportLedger(t)
	rep := report.New(l.Statuses(at("2026-03-12 12:00")), at("2026-03-09 00:00"), at("2026-03-10 00:00"))

	assert.Equal(t, 4, rep.Inquiries)
	assert.Equal(t, 2, rep.Resolved)
	assert.Equal(t, 2, rep.Open)
	assert.Equal(t, 1, rep.Nudges)
	assert.Equal(t, 1, rep.Nudged)
	assert.Equal(t, 1, rep.Violations, "b's fax")
	assert.Equal(t, report.Touches{Inquiries: 2, Total: 3, Max: 2}, rep.Touches)
	assert.InDelta(t, 1.5, rep.Touches.Mean(), 1e-9)

	// First replies: a 1h, b 6h, d 30m; c's is breached, not done.
	assert.Equal(t, report.Percentiles{N: 3, P50: time.Hour, P90: 6 * time.Hour, Max: 6 * time.Hour}, rep.FirstReply)
	assert.Equal(t, report.Percentiles{N: 1, P50: 9 * time.Hour, P90: 9 * time.Hour, Max: 9 * time.Hour}, rep.Resolution)

	rates := map[string]report.Rate{}
	for _, r := range rep.Rates {
		rates[r.By+"="+r.Value] = r
	}
	// first_reply: a met, b late, c breached, d met.
	assert.Equal(t, 4, rates["metric=first_reply"].Decided)
	assert.Equal(t, 2, rates["metric=first_reply"].OnTime)
	assert.InDelta(t, 0.5, rates["metric=first_reply"].Share(), 1e-9)
	assert.Equal(t, report.Rate{By: "metric", Value: "promise_kept", Decided: 1, OnTime: 0}, rates["metric=promise_kept"])
	assert.Equal(t, report.Rate{By: "metric", Value: "resolution", Decided: 3, OnTime: 1}, rates["metric=resolution"], "b met, c and d breached")
	assert.Equal(t, report.Rate{By: "channel", Value: "chat", Decided: rates["channel=chat"].Decided, OnTime: 0}, rates["channel=chat"])
	assert.Equal(t, 1, rates["party=prospect"].Decided)
	assert.Equal(t, 1, rates["party=prospect"].OnTime)
	assert.Equal(t, rates["channel=chat"].Decided+rates["party=prospect"].Decided, rates["owner="].Decided, "no owner: a and c")
	total := 0
	for _, r := range rep.Rates {
		if r.By == "metric" {
			total += r.Decided
		}
	}
	for _, by := range []string{"channel", "party", "owner"} {
		sum := 0
		for _, r := range rep.Rates {
			if r.By == by {
				sum += r.Decided
			}
		}
		assert.Equal(t, total, sum, "rates by %s do not add up", by)
	}

	require.Len(t, rep.Cracks, 3)
	assert.Equal(t, "e", rep.Cracks[0].InquiryID, "oldest first")
	assert.Equal(t, []report.CrackReason{report.NoOwner, report.NeverAnswered}, rep.Cracks[0].Reasons)
	assert.Equal(t, "c", rep.Cracks[1].InquiryID)
	assert.Equal(t, "d", rep.Cracks[2].InquiryID)
	assert.Equal(t, []report.CrackReason{report.PromiseOverdue}, rep.Cracks[2].Reasons)
	assert.Equal(t, "bob", rep.Cracks[2].Owner)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	t.Log("\n" + text.String())
	assert.Contains(t, text.String(), "first reply    3  1h0m0s  6h0m0s  6h0m0s")
	assert.Contains(t, text.String(), "d       phone     customer  bob    2026-03-09 09:00  promise_overdue")

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	var doc struct {
		Inquiries  int
		FirstReply map[string]any `json:"first_reply"`
		Rates      []map[string]any
		Touches    map[string]any
		Cracks     []map[string]any
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc), js.String())
	assert.Equal(t, 4, doc.Inquiries)
	assert.Equal(t, "6h0m0s", doc.FirstReply["p90"])
	assert.Equal(t, 1.5, doc.Touches["mean"])
	assert.Len(t, doc.Rates, len(rep.Rates))
	assert.Contains(t, doc.Rates[0], "share")
	assert.Len(t, doc.Cracks, 3)

	empty := report.New(nil, time.Time{}, time.Time{})
	assert.Zero(t, empty.Inquiries)
	require.NoError(t, empty.WriteText(&text))
	js.Reset()
	require.NoError(t, empty.WriteJSON(&js))
	assert.Contains(t, js.String(), `"cracks": []`)
	assert.Contains(t, js.String(), `"rates": []`)
	assert.NotContains(t, js.String(), "null")
	require.Error(t, empty.WriteText(nil))
}

// A reply on a channel the customer never offered meets nothing, so the
// inquiry is still a crack as never answered.
func TestReportCrackWrongChannelIsNeverAnswered(t *testing.T) {
	l := ledger.New(policies)
	mon := func(hm string) time.Time { return at("2026-03-09 " + hm) }
	require.NoError(t, l.Add(sla.Inquiry{ID: "form", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email}, Class: sla.Class{Party: sla.Prospect}, Received: mon("09:00")},
		sla.Event{Time: mon("09:05"), Type: sla.Assign, Owner: "ann"},
		sla.Event{Time: mon("09:30"), Type: sla.Reply, Channel: sla.Phone}))
	rep := report.New(l.Statuses(mon("12:00")), mon("00:00"), at("2026-03-10 00:00"))
	require.Len(t, rep.Cracks, 1)
	assert.Equal(t, []report.CrackReason{report.NeverAnswered}, rep.Cracks[0].Reasons)

	// Answered by e-mail as asked: no longer a crack.
	require.NoError(t, l.Append("form", sla.Event{Time: mon("10:00"), Type: sla.Reply, Channel: sla.Email}))
	rep = report.New(l.Statuses(mon("12:00")), mon("00:00"), at("2026-03-10 00:00"))
	assert.Empty(t, rep.Cracks)
}

// Resolved without a reply, reopened, then answered: not a crack.
func TestReportCrackAnsweredAfterReopen(t *testing.T) {
	l := ledger.New(policies)
	mon := func(hm string) time.Time { return at("2026-03-09 " + hm) }
	require.NoError(t, l.Add(sla.Inquiry{ID: "p", Channel: sla.Email, Class: sla.Class{Party: sla.Prospect}, Received: mon("09:00")},
		sla.Event{Time: mon("09:05"), Type: sla.Assign, Owner: "ann"},
		sla.Event{Time: mon("09:10"), Type: sla.Resolve},
		sla.Event{Time: mon("10:00"), Type: sla.Reopen}))
	rep := report.New(l.Statuses(mon("10:15")), time.Time{}, time.Time{})
	require.Len(t, rep.Cracks, 1, "reopened and never answered")
	assert.Equal(t, []report.CrackReason{report.NeverAnswered}, rep.Cracks[0].Reasons)
	require.NoError(t, l.Append("p", sla.Event{Time: mon("10:30"), Type: sla.Reply, Channel: sla.Email}))
	rep = report.New(l.Statuses(mon("11:00")), time.Time{}, time.Time{})
	assert.Empty(t, rep.Cracks, "answered on an offered channel after the reopen")
}
