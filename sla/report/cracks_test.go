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

// crackRow is a crack's figures, for comparing with hand-computed ones.
type crackRow struct {
	id      string
	reason  report.CrackReason
	key     string
	ref     string
	due     string // New York wall clock, "" for none
	overdue time.Duration
}

func crackRows(cs []report.Crack) []crackRow {
	var out []crackRow
	for _, c := range cs {
		due := ""
		if !c.Due.IsZero() {
			due = c.Due.In(at("2026-01-01 00:00").Location()).Format("2006-01-02 15:04")
		}
		out = append(out, crackRow{c.InquiryID, c.Reason, keyText(c.Obligation), c.Ref, due, c.Overdue})
	}
	return out
}

// Each reason, and what is not a crack. Every inquiry is a customer's
// e-mail of Monday 2026-03-09 09:00 under the fixture's "customers"
// policy (next reply in 4 business hours of the 9-to-5 desk; promises
// with no grace and appointments with 15 minutes, both in plain time),
// assigned to ann at 09:05 and answered at 09:30, evaluated on Tuesday
// at 12:00.
func TestCracks(t *testing.T) {
	mon := func(hm string) time.Time { return at("2026-03-09 " + hm) }
	ev := func(hm string, typ sla.EventType) sla.Event { return sla.Event{Time: mon(hm), Type: typ} }
	msg := func(hm string) sla.Event {
		return sla.Event{Time: mon(hm), Type: sla.CustomerMessage, Channel: sla.Email}
	}
	reply := func(hm string) sla.Event { return sla.Event{Time: mon(hm), Type: sla.Reply, Channel: sla.Email} }
	promise := func(hm, due string, kind sla.PromiseKind) sla.Event {
		return sla.Event{Time: mon(hm), Type: sla.Promise, Ref: "p-" + due, PromiseKind: kind, Due: mon(due)}
	}
	appointment := sla.Event{Time: mon("09:30"), Type: sla.Appointment, Ref: "demo", Channel: sla.Phone, Due: mon("14:00")}
	withRef := func(e sla.Event, ref string) sla.Event { e.Ref = ref; return e }

	for _, tc := range []struct {
		name   string
		events []sla.Event
		want   []crackRow
	}{
		{"answered and on track", nil, nil},
		// The message of 10:00 is due at 14:00; overdue Monday 14–17
		// and Tuesday 9–12: 3+3 = 6 business hours.
		{"a follow-up unanswered", []sla.Event{msg("10:00")},
			[]crackRow{{"x", report.FollowUpUnanswered, "next_reply#1", "", "2026-03-09 14:00", 6 * time.Hour}}},
		{"a follow-up answered late", []sla.Event{msg("10:00"), reply("15:00")}, nil},
		{"a follow-up unanswered, then resolved", []sla.Event{msg("10:00"), {Time: at("2026-03-10 10:00"), Type: sla.Resolve}}, nil},
		// Due Monday 12:00 in plain time: 24 hours by Tuesday noon.
		{"a promise broken", []sla.Event{promise("09:30", "12:00", sla.DoSomething)},
			[]crackRow{{"x", report.PromiseBroken, "promise_kept#1", "p-12:00", "2026-03-09 12:00", 24 * time.Hour}}},
		{"a promise broken, the inquiry resolved", []sla.Event{promise("09:30", "12:00", sla.DoSomething), ev("11:00", sla.Resolve)},
			[]crackRow{{"x", report.PromiseBroken, "promise_kept#1", "p-12:00", "2026-03-09 12:00", 24 * time.Hour}}},
		{"a promise withdrawn after its due time", []sla.Event{promise("09:30", "12:00", sla.DoSomething), withRef(ev("14:00", sla.PromiseWithdrawn), "p-12:00")}, nil},
		{"a promise kept late", []sla.Event{promise("09:30", "12:00", sla.GetBack), reply("13:00")}, nil},
		// Two promises, listed by due time: 24h and 22h overdue.
		{"two promises broken", []sla.Event{promise("09:30", "14:00", sla.DoSomething), promise("09:40", "12:00", sla.DoSomething)},
			[]crackRow{
				{"x", report.PromiseBroken, "promise_kept#2", "p-12:00", "2026-03-09 12:00", 24 * time.Hour},
				{"x", report.PromiseBroken, "promise_kept#1", "p-14:00", "2026-03-09 14:00", 22 * time.Hour},
			}},
		// Due at 14:00 plus 15 minutes' grace; 21h45m by Tuesday noon.
		{"an appointment never held", []sla.Event{appointment},
			[]crackRow{{"x", report.AppointmentMissed, "appointment_kept#1", "demo", "2026-03-09 14:15", 21*time.Hour + 45*time.Minute}}},
		{"an appointment never held, the inquiry resolved", []sla.Event{appointment, ev("16:00", sla.Resolve)},
			[]crackRow{{"x", report.AppointmentMissed, "appointment_kept#1", "demo", "2026-03-09 14:15", 21*time.Hour + 45*time.Minute}}},
		// Reported missed at 14:05: its clock ends there, due then and
		// overdue by nothing.
		{"an appointment we missed", []sla.Event{appointment, withRef(ev("14:05", sla.AppointmentMissed), "demo")},
			[]crackRow{{"x", report.AppointmentMissed, "appointment_kept#1", "demo", "2026-03-09 14:05", 0}}},
		{"an appointment the customer did not come to", []sla.Event{appointment, withRef(ev("14:10", sla.AppointmentNoShow), "demo")}, nil},
		{"an appointment held late", []sla.Event{appointment, withRef(ev("14:30", sla.AppointmentHeld), "demo")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events := append([]sla.Event{{Time: mon("09:05"), Type: sla.Assign, Owner: "ann"}, reply("09:30")}, tc.events...)
			st, err := policies.Evaluate(sla.Inquiry{ID: "x", Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Received: mon("09:00")},
				events, at("2026-03-10 12:00"))
			require.NoError(t, err)
			rep := report.New([]sla.Status{st}, time.Time{}, time.Time{})
			assert.Equal(t, tc.want, crackRows(rep.Cracks))
			for _, c := range rep.Cracks {
				assert.Equal(t, "ann", c.Owner)
				assert.Equal(t, sla.Customer, c.Party)
				assert.Equal(t, mon("09:00"), c.Received)
			}
		})
	}
}

// A status made by hand: open, no owner, no obligations (a policy that
// tracks nothing) and no reply. Both cracks count from arrival, 3 hours
// ago; resolved, it has none.
func TestCracksWithoutObligations(t *testing.T) {
	recv := at("2026-03-09 09:00")
	st := sla.Status{InquiryID: "h", Channel: sla.Phone, Received: recv, At: recv.Add(3 * time.Hour)}
	rep := report.New([]sla.Status{st}, time.Time{}, time.Time{})
	assert.Equal(t, []crackRow{
		{"h", report.NoOwner, "", "", "", 3 * time.Hour},
		{"h", report.NeverAnswered, "", "", "", 3 * time.Hour},
	}, crackRows(rep.Cracks))

	// A reply that was a violation does not answer; one more does.
	st.Counts.Touches, st.Violations = 1, []sla.Violation{{Index: 0, At: recv, Channel: sla.Fax}}
	rep = report.New([]sla.Status{st}, time.Time{}, time.Time{})
	assert.Len(t, rep.Cracks, 2)
	st.Counts.Touches = 2
	rep = report.New([]sla.Status{st}, time.Time{}, time.Time{})
	assert.Equal(t, []crackRow{{"h", report.NoOwner, "", "", "", 3 * time.Hour}}, crackRows(rep.Cracks))

	st.Resolved = true
	assert.Empty(t, report.New([]sla.Status{st}, time.Time{}, time.Time{}).Cracks)
}

// Cracks of several inquiries sort by due time (arrival without one),
// then inquiry ID, then reason.
func TestCracksOrder(t *testing.T) {
	nine := at("2026-03-09 09:00")
	breached := func(m sla.Metric, n int, due time.Time) sla.Obligation {
		return sla.Obligation{Key: sla.Key{Metric: m, N: n}, State: sla.Breached, Start: nine, Due: due, Remaining: -time.Hour}
	}
	sts := []sla.Status{
		{InquiryID: "b", Received: nine, At: nine.Add(5 * time.Hour), Owner: "ann", Counts: sla.Counts{Touches: 1},
			Obligations: []sla.Obligation{breached(sla.PromiseKept, 1, nine.Add(time.Hour)), breached(sla.NextReply, 1, nine.Add(time.Hour))}},
		{InquiryID: "a", Received: nine.Add(time.Hour), At: nine.Add(5 * time.Hour), Counts: sla.Counts{Touches: 1},
			Obligations: []sla.Obligation{breached(sla.AppointmentKept, 1, nine.Add(time.Hour))}},
	}
	rep := report.New(sts, time.Time{}, time.Time{})
	// At 10:00: a's no_owner (by arrival) and appointment, then b's
	// follow-up before its promise (reason order).
	assert.Equal(t, []crackRow{
		{"a", report.NoOwner, "", "", "", 4 * time.Hour},
		{"a", report.AppointmentMissed, "appointment_kept#1", "", "2026-03-09 10:00", time.Hour},
		{"b", report.FollowUpUnanswered, "next_reply#1", "", "2026-03-09 10:00", time.Hour},
		{"b", report.PromiseBroken, "promise_kept#1", "", "2026-03-09 10:00", time.Hour},
	}, crackRows(rep.Cracks))
}

// A crack reads back from its JSON.
func TestCrackJSON(t *testing.T) {
	c := report.Crack{InquiryID: "x", Channel: sla.Email, Owner: "ann", Received: at("2026-03-09 09:00"), Reason: report.PromiseBroken,
		Obligation: sla.Key{Metric: sla.PromiseKept, N: 1}, Ref: "fix", Due: at("2026-03-09 12:00"), Overdue: 90 * time.Minute}
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"inquiry_id": "x", "channel": "email", "owner": "ann", "received": "2026-03-09T09:00:00-04:00",
		"reason": "promise_broken", "obligation": "promise_kept#1", "ref": "fix", "due": "2026-03-09T12:00:00-04:00", "overdue": "1h30m0s"}`, string(b))
	var back report.Crack
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Due.Equal(c.Due))
	back.Due, back.Received = c.Due, c.Received
	assert.Equal(t, c, back)

	b, err = json.Marshal(report.Crack{InquiryID: "y", Reason: report.NoOwner, Overdue: time.Hour})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "obligation")
	assert.NotContains(t, string(b), `"due"`)
	require.Error(t, json.Unmarshal([]byte(`{"overdue": "soon"}`), &back))

	var buf bytes.Buffer
	rep := report.Report{Cracks: []report.Crack{c}}
	require.NoError(t, rep.WriteText(&buf))
	assert.Contains(t, buf.String(), "x       email    ann    promise_broken  promise_kept#1 fix  2026-03-09 12:00  1h30m0s\n")
}
