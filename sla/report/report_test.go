package report_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
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

	// Cracks at Thursday 12:00, in order of due time (arrival for
	// no_owner). e: no owner since Friday 16:00 (plain 140h of wall
	// clock, 139h real across the spring-forward on Sunday); its first
	// reply (4 business hours: Friday 16–17, Monday 9–12) due Monday
	// 12:00, overdue Monday 12–17, Tuesday, Wednesday, Thursday 9–12 =
	// 5+8+8+3 = 24h. c: no owner since Monday 09:00 (75h); first reply
	// due Monday 13:00, overdue 4+8+8+3 = 23h. d: the promise for Monday
	// noon, in plain time, 72h overdue; d ties with e at noon and sorts
	// first by ID.
	type crack struct {
		id      string
		reason  report.CrackReason
		key     string
		due     string
		overdue time.Duration
	}
	var got []crack
	for _, c := range rep.Cracks {
		due := ""
		if !c.Due.IsZero() {
			due = c.Due.In(fixture.NYC).Format("2006-01-02 15:04")
		}
		got = append(got, crack{c.InquiryID, c.Reason, keyText(c.Obligation), due, c.Overdue})
	}
	assert.Equal(t, []crack{
		{"e", report.NoOwner, "", "", 139 * time.Hour},
		{"c", report.NoOwner, "", "", 75 * time.Hour},
		{"d", report.PromiseBroken, "promise_kept#1", "2026-03-09 12:00", 72 * time.Hour},
		{"e", report.NeverAnswered, "first_reply", "2026-03-09 12:00", 24 * time.Hour},
		{"c", report.NeverAnswered, "first_reply", "2026-03-09 13:00", 23 * time.Hour},
	}, got)
	assert.Equal(t, "bob", rep.Cracks[2].Owner)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	t.Log("\n" + text.String())
	assert.Contains(t, text.String(), "first reply    3  1h0m0s  6h0m0s  6h0m0s")
	assert.Contains(t, text.String(), "d       phone     bob    promise_broken  promise_kept#1  2026-03-09 12:00  72h0m0s\n")
	assert.Contains(t, text.String(), "e       web_form  -      no_owner        -               -                 139h0m0s since received\n")

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
	assert.Len(t, doc.Cracks, 5)
	assert.Equal(t, "72h0m0s", doc.Cracks[2]["overdue"])
	assert.Equal(t, "promise_kept#1", doc.Cracks[2]["obligation"])
	assert.NotContains(t, doc.Cracks[0], "obligation", "no_owner has none")

	empty := report.New(nil, time.Time{}, time.Time{})
	assert.Zero(t, empty.Inquiries)
	require.NoError(t, empty.WriteText(&text))
	js.Reset()
	require.NoError(t, empty.WriteJSON(&js))
	assert.Contains(t, js.String(), `"cracks": []`)
	assert.Contains(t, js.String(), `"rates": []`)
	assert.NotContains(t, js.String(), "null")
	require.ErrorIs(t, empty.WriteText(nil), report.ErrNilWriter)
	require.ErrorIs(t, empty.WriteJSON(nil), report.ErrNilWriter)
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
	assert.Equal(t, report.NeverAnswered, rep.Cracks[0].Reason)
	// Due Monday 13:00, an hour from now.
	assert.Equal(t, -time.Hour, rep.Cracks[0].Overdue)
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "form    web_form  ann    never_answered  first_reply  2026-03-09 13:00  due in 1h0m0s\n")

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
	// The first reply was cancelled by the resolution: no obligation, and
	// overdue since arrival, 75 minutes.
	assert.Equal(t, report.NeverAnswered, rep.Cracks[0].Reason)
	assert.Zero(t, rep.Cracks[0].Obligation)
	assert.Equal(t, 75*time.Minute, rep.Cracks[0].Overdue)
	require.NoError(t, l.Append("p", sla.Event{Time: mon("10:30"), Type: sla.Reply, Channel: sla.Email}))
	rep = report.New(l.Statuses(mon("11:00")), time.Time{}, time.Time{})
	assert.Empty(t, rep.Cracks, "answered on an offered channel after the reopen")
}

// Whatever the statuses, the report writes as text and as JSON that reads
// back, and its cracks and lists read back from their JSON.
func TestPropertyReportWrites(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sts := genStatusList(t)
		rep := report.New(sts, time.Time{}, time.Time{})
		var text, js bytes.Buffer
		require.NoError(t, rep.WriteText(&text))
		require.NoError(t, rep.WriteJSON(&js))
		require.NotContains(t, js.String(), "null")
		var doc struct {
			Cracks []report.Crack `json:"cracks"`
			Cells  []report.Cell  `json:"cells"`
		}
		require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
		require.Len(t, doc.Cracks, len(rep.Cracks))
		require.Len(t, doc.Cells, len(rep.Cells))
		for i, c := range doc.Cracks {
			want := rep.Cracks[i]
			require.True(t, c.Due.Equal(want.Due) && c.Received.Equal(want.Received))
			c.Due, c.Received = want.Due, want.Received
			require.Equal(t, want, c)
		}
		for i, c := range doc.Cells {
			require.Equal(t, rep.Cells[i], c)
		}
		dues := append(report.Breached(sts), report.DueSoon(sts, time.Hour)...)
		b, err := json.Marshal(dues)
		require.NoError(t, err)
		var back []report.Due
		require.NoError(t, json.Unmarshal(b, &back))
		require.Len(t, back, len(dues))
		for i := range back {
			require.True(t, back[i].Due.Equal(dues[i].Due))
			back[i].Due = dues[i].Due
		}
		require.Equal(t, dues, back)
	})
}
