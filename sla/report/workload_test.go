package report_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

// workloadStatuses are five customers' e-mails under the fixture's
// "customers" policy (first and next reply in 4 business hours of the
// 9-to-5 desk, an update every business day, resolution in two, promises
// in plain time), evaluated on Tuesday 2026-03-10 at 12:00:
//
//	w1 ann/billing  Mon 09:00, answered 09:30: resolution due Wed 09:00 (5h left: Tue 12–17);
//	                update#2 (from the reply, due Tue 09:30) breached
//	w2 bob/billing  Tue 10:30, not answered: first reply due 14:30 (2h30m left); update#1 due
//	                Wed 10:30 (5h + 1h30m); resolution due Thu 10:30
//	w3 ann          Mon 09:00, answered 09:30 with a promise for Tue 13:00 (1h left); a message
//	                at Tue 11:30 owes a next reply by 15:30 (3h30m); resolution 5h left;
//	                update#2 breached as w1's
//	w4 bob          Mon 09:00, answered 09:30 with a promise for Mon 12:00 to do something,
//	                resolved at 11:00: the promise is breached and still owed, 24h overdue
//	w5 carol        Mon 09:00, answered 09:30, resolved 09:40: nothing open
func workloadStatuses(t *testing.T) []sla.Status {
	mon := func(hm string) time.Time { return at("2026-03-09 " + hm) }
	tue := func(hm string) time.Time { return at("2026-03-10 " + hm) }
	assign := func(tm time.Time, owner, team string) sla.Event {
		return sla.Event{Time: tm, Type: sla.Assign, Owner: owner, Team: team}
	}
	reply := sla.Event{Time: mon("09:30"), Type: sla.Reply, Channel: sla.Email}
	var sts []sla.Status
	add := func(id string, recv time.Time, events ...sla.Event) {
		st, err := policies.Evaluate(sla.Inquiry{ID: id, Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Received: recv},
			events, tue("12:00"))
		require.NoError(t, err)
		sts = append(sts, st)
	}
	add("w1", mon("09:00"), assign(mon("09:05"), "ann", "billing"), reply)
	add("w2", tue("10:30"), assign(tue("10:35"), "bob", "billing"))
	add("w3", mon("09:00"), assign(mon("09:05"), "ann", ""), reply,
		sla.Event{Time: mon("09:30"), Type: sla.Promise, Ref: "call", Due: tue("13:00")},
		sla.Event{Time: tue("11:30"), Type: sla.CustomerMessage, Channel: sla.Email})
	add("w4", mon("09:00"), assign(mon("09:05"), "bob", ""), reply,
		sla.Event{Time: mon("09:30"), Type: sla.Promise, Ref: "fix", PromiseKind: sla.DoSomething, Due: mon("12:00")},
		sla.Event{Time: mon("11:00"), Type: sla.Resolve})
	add("w5", mon("09:00"), assign(mon("09:05"), "carol", ""), reply, sla.Event{Time: mon("09:40"), Type: sla.Resolve})
	return sts
}

func TestWorkload(t *testing.T) {
	sts := workloadStatuses(t)
	// Horizon 3h: at risk are w2's first reply (2h30m) and w3's promise
	// (1h). ann: w1 (1 open, 1 breached) and w3 (3 open, 1 breached, 1
	// at risk); bob: w2 (3 open, 1 at risk) and w4 (1 breached); carol has
	// nothing open. Teams: billing is w1 and w2, none is w3 and w4.
	assert.Equal(t, []report.Load{
		{By: "owner", Value: "ann", Open: 4, Breached: 2, AtRisk: 1, Inquiries: 2},
		{By: "owner", Value: "bob", Open: 3, Breached: 1, AtRisk: 1, Inquiries: 2},
		{By: "team", Value: "", Open: 3, Breached: 2, AtRisk: 1, Inquiries: 2},
		{By: "team", Value: "billing", Open: 4, Breached: 1, AtRisk: 1, Inquiries: 2},
	}, report.Workload(sts, 3*time.Hour))
	// Within 4h, w3's next reply (3h30m) too; within 2h, only w3's
	// promise: ann's at-risk count is then the tie-breaker.
	assert.Equal(t, []report.Load{
		{By: "owner", Value: "ann", Open: 4, Breached: 2, AtRisk: 2, Inquiries: 2},
		{By: "owner", Value: "bob", Open: 3, Breached: 1, AtRisk: 1, Inquiries: 2},
		{By: "team", Value: "", Open: 3, Breached: 2, AtRisk: 2, Inquiries: 2},
		{By: "team", Value: "billing", Open: 4, Breached: 1, AtRisk: 1, Inquiries: 2},
	}, report.Workload(sts, 4*time.Hour))
	assert.Empty(t, report.Workload(nil, time.Hour))
}

// Ordering: by breached, then at risk, most first, then by name; owners
// before teams.
func TestWorkloadOrder(t *testing.T) {
	nine := at("2026-03-09 09:00")
	run := sla.Obligation{Key: sla.Key{Metric: sla.FirstReply}, State: sla.Running, Due: nine.Add(time.Hour), Remaining: time.Hour}
	brk := sla.Obligation{Key: sla.Key{Metric: sla.Resolution}, State: sla.Breached, Due: nine, Remaining: -time.Hour}
	paused := sla.Obligation{Key: sla.Key{Metric: sla.Update, N: 1}, State: sla.Paused, Remaining: time.Minute}
	sts := []sla.Status{
		{InquiryID: "1", Owner: "cy", Obligations: []sla.Obligation{run}},
		{InquiryID: "2", Owner: "bo", Obligations: []sla.Obligation{paused}},
		{InquiryID: "3", Owner: "al", Obligations: []sla.Obligation{paused}},
		{InquiryID: "4", Owner: "di", Team: "t", Obligations: []sla.Obligation{brk, paused}},
	}
	// A paused obligation is open but never at risk.
	assert.Equal(t, []report.Load{
		{By: "owner", Value: "di", Open: 1, Breached: 1, Inquiries: 1},
		{By: "owner", Value: "cy", Open: 1, AtRisk: 1, Inquiries: 1},
		{By: "owner", Value: "al", Open: 1, Inquiries: 1},
		{By: "owner", Value: "bo", Open: 1, Inquiries: 1},
		{By: "team", Value: "t", Open: 1, Breached: 1, Inquiries: 1},
		{By: "team", Value: "", Open: 3, AtRisk: 1, Inquiries: 3},
	}, report.Workload(sts, time.Hour))
	// No horizon, no risk.
	for _, l := range report.Workload(sts, 0) {
		assert.Zero(t, l.AtRisk)
	}
}

func TestDueSoonAndBreached(t *testing.T) {
	sts := workloadStatuses(t)
	type row struct {
		id, owner, team, key, ref string
		state                     sla.State
		due                       string
		remaining                 time.Duration
	}
	rows := func(ds []report.Due) []row {
		out := []row{}
		for _, d := range ds {
			out = append(out, row{d.InquiryID, d.Owner, d.Team, d.Obligation.String(), d.Ref, d.State, d.Due.In(nyc).Format("Mon 15:04"), d.Remaining})
		}
		return out
	}
	// Soonest first: w3's promise at 13:00, w2's first reply at 14:30.
	assert.Equal(t, []row{
		{"w3", "ann", "", "promise_kept#1", "call", sla.Running, "Tue 13:00", time.Hour},
		{"w2", "bob", "billing", "first_reply", "", sla.Running, "Tue 14:30", 2*time.Hour + 30*time.Minute},
	}, rows(report.DueSoon(sts, 3*time.Hour)))
	// The horizon is inclusive: exactly 1h left is within an hour.
	assert.Len(t, report.DueSoon(sts, time.Hour), 1)
	assert.Empty(t, report.DueSoon(sts, 59*time.Minute))
	// Longest overdue first: w4's promise (Monday noon, 24 plain hours);
	// then the updates of w1 and w3 due Tuesday 09:30, 2h30m of
	// business time ago, by ID.
	assert.Equal(t, []row{
		{"w4", "bob", "", "promise_kept#1", "fix", sla.Breached, "Mon 12:00", -24 * time.Hour},
		{"w1", "ann", "billing", "update#2", "", sla.Breached, "Tue 09:30", -2*time.Hour - 30*time.Minute},
		{"w3", "ann", "", "update#2", "", sla.Breached, "Tue 09:30", -2*time.Hour - 30*time.Minute},
	}, rows(report.Breached(sts)))
	assert.Equal(t, []report.Due{}, report.Breached(nil))

	d := report.Breached(sts)[0]
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{"inquiry_id": "w4", "owner": "bob", "obligation": "promise_kept#1", "ref": "fix", "state": "breached",
		"due": "2026-03-09T12:00:00-04:00", "remaining": "-24h0m0s"}`, string(b))
	var back report.Due
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Due.Equal(d.Due))
	back.Due = d.Due
	assert.Equal(t, d, back)
}

// Workload's figures are the counts over the statuses: for owners and
// for teams alike, open obligations add up to those running or paused,
// breached ones to the Breached list, at-risk ones to the DueSoon list,
// and inquiries to those with anything open or breached.
func TestPropertyWorkloadTotals(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sts := genStatusList(t)
		horizon := time.Duration(rapid.IntRange(-60, 3000).Draw(t, "horizon")) * time.Minute
		var open, inquiries int
		for _, st := range sts {
			n := 0
			for _, o := range st.Obligations {
				if o.State == sla.Running || o.State == sla.Paused {
					open++
					n++
				}
			}
			if n > 0 || len(report.Breached([]sla.Status{st})) > 0 {
				inquiries++
			}
		}
		breached, atRisk := len(report.Breached(sts)), len(report.DueSoon(sts, horizon))
		for _, by := range []string{"owner", "team"} {
			var o, b, r, q int
			for _, l := range report.Workload(sts, horizon) {
				if l.By == by {
					o, b, r, q = o+l.Open, b+l.Breached, r+l.AtRisk, q+l.Inquiries
				}
			}
			require.Equal(t, []int{open, breached, atRisk, inquiries}, []int{o, b, r, q}, "by %s", by)
		}
		for _, d := range report.DueSoon(sts, horizon) {
			require.Positive(t, d.Remaining)
			require.LessOrEqual(t, d.Remaining, horizon)
		}
	})
}
