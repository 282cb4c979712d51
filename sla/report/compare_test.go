package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

// deskA answers within 4 hours and resolves within 8, in plain time,
// and pages the lead when a first reply is breached.
var deskA = sla.MustParsePolicies([]byte(`{"policies": [{"name": "desk", "targets": {
	"first_reply": {"within": "4h", "escalation": [{"name": "breach", "at": "0", "notify": ["lead"]}]},
	"resolution": {"within": "8h"}}}]}`))

// deskB is deskA with first replies due in 1 hour, warned at 75% and
// paging the lead and the manager at breach; prospects get a first reply
// in 30 minutes and no resolution target.
var deskB = sla.MustParsePolicies([]byte(`{"policies": [
	{"name": "prospects", "match": {"parties": ["prospect"]}, "targets": {"first_reply": {"within": "30m"}}},
	{"name": "desk", "targets": {
	"first_reply": {"within": "1h", "escalation": [
		{"name": "warn", "at": "75%", "notify": ["owner"]},
		{"name": "breach", "at": "0", "notify": ["lead", "manager"]}]},
	"resolution": {"within": "8h"}}}]}`))

// compareDay returns four inquiries of Monday 9 March 2026 (UTC) with
// their logs:
//
//	c1  customer email 09:00, ann, replied 09:30, resolved 12:00
//	c2  customer chat  10:00, bob, replied 12:00, resolved 20:00
//	p3  prospect email 09:00, nobody's, replied 09:45, never resolved
//	c4  customer phone 11:00, nobody's, never answered
func compareDay() []struct {
	inq    sla.Inquiry
	events []sla.Event
} {
	t := func(hm string) time.Time {
		x, err := time.Parse("2006-01-02 15:04", "2026-03-09 "+hm)
		if err != nil {
			panic(err)
		}
		return x
	}
	customer, prospect := sla.Class{Party: sla.Customer}, sla.Class{Party: sla.Prospect}
	return []struct {
		inq    sla.Inquiry
		events []sla.Event
	}{
		{sla.Inquiry{ID: "c1", Channel: sla.Email, Class: customer, Received: t("09:00")}, []sla.Event{
			{Time: t("09:05"), Type: sla.Assign, Owner: "ann"},
			{Time: t("09:30"), Type: sla.Reply, Channel: sla.Email},
			{Time: t("12:00"), Type: sla.Resolve}}},
		{sla.Inquiry{ID: "c2", Channel: sla.Chat, Class: customer, Received: t("10:00")}, []sla.Event{
			{Time: t("10:00"), Type: sla.Assign, Owner: "bob"},
			{Time: t("12:00"), Type: sla.Reply, Channel: sla.Chat},
			{Time: t("20:00"), Type: sla.Resolve}}},
		{sla.Inquiry{ID: "p3", Channel: sla.Email, Class: prospect, Received: t("09:00")}, []sla.Event{
			{Time: t("09:45"), Type: sla.Reply, Channel: sla.Email}}},
		{sla.Inquiry{ID: "c4", Channel: sla.Phone, Class: customer, Received: t("11:00")}, nil},
	}
}

// compareDayAt is when compareDay is evaluated: the next morning.
var compareDayAt = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// pairsOf evaluates compareDay under a and b at compareDayAt.
func pairsOf(t testing.TB, a, b *sla.PolicySet) [][2]sla.Status {
	var out [][2]sla.Status
	for _, x := range compareDay() {
		sa, err := a.Evaluate(x.inq, x.events, compareDayAt)
		require.NoError(t, err)
		sb, err := b.Evaluate(x.inq, x.events, compareDayAt)
		require.NoError(t, err)
		out = append(out, [2]sla.Status{sa, sb})
	}
	return out
}

func compareOf(pairs [][2]sla.Status, from, to time.Time) report.Comparison {
	return report.Compare(func(yield func(sla.Status, sla.Status) bool) {
		for _, p := range pairs {
			if !yield(p[0], p[1]) {
				return
			}
		}
	}, from, to)
}

// The comparison of compareDay under deskA and deskB, worked out by hand.
//
// Under A: c1's first reply (30m) and resolution (3h) are met; c2's first
// reply (2h) is met and its resolution (10h, due 18:00) met late; p3's
// first reply (45m) is met and its resolution, due 17:00, breached; c4's
// first reply (due 15:00, where the breach level pages the lead) and
// resolution (due 19:00) are breached.
//
// Under B: c1 is the same (its warning would be at 09:45, after the
// reply). c2's first reply is due 11:00: warned at 10:45, breached at
// 11:00 (lead and manager), met late at 12:00. p3 is a prospect: its
// first reply is due 09:30 and met late at 09:45, and nothing tracks
// its resolution. c4 is warned at 11:45 and breached at 12:00, and its
// resolution is breached as under A.
func TestCompare(t *testing.T) {
	cmp := compareOf(pairsOf(t, deskA, deskB), time.Time{}, time.Time{})
	utc := func(hm string) time.Time {
		x, _ := time.Parse("2006-01-02 15:04", "2026-03-09 "+hm)
		return x
	}

	assert.Equal(t, 4, cmp.Inquiries)
	assert.Equal(t, 2, cmp.Changed, "p3 and c2")
	assert.Equal(t, 1, cmp.PolicyChanged, "p3")
	// A: 8 decided; on time c1's two, c2's and p3's first replies; p3's
	// resolution and c4's two breached; one page.
	assert.Equal(t, report.Totals{Decided: 8, OnTime: 4, Breached: 3, Escalations: 1, Notifications: 1}, cmp.A)
	// B: 7 decided (p3's resolution untracked); on time c1's two only;
	// c4's two breached; c2 and c4 warned and breached, each notifying
	// the owner, then the lead and the manager.
	assert.Equal(t, report.Totals{Decided: 7, OnTime: 2, Breached: 2, Escalations: 4, Notifications: 6}, cmp.B)
	assert.InDelta(t, 0.5, cmp.A.Share(), 1e-9)
	assert.InDelta(t, 2.0/7, cmp.B.Share(), 1e-9)

	assert.Equal(t, []report.PolicyCount{{Policy: "desk", A: 4, B: 3}, {Policy: "prospects", A: 0, B: 1}}, cmp.Policies)
	assert.Equal(t, []report.LevelCount{
		{Metric: sla.FirstReply, Level: "breach", A: 1, B: 2},
		{Metric: sla.FirstReply, Level: "warn", A: 0, B: 2},
	}, cmp.Levels)
	assert.Equal(t, []report.NotifyCount{
		{Target: "lead", A: 1, B: 2}, {Target: "manager", A: 0, B: 2}, {Target: "owner", A: 0, B: 2},
	}, cmp.Notify)
	assert.Equal(t, []report.Transition{
		{Metric: sla.FirstReply, A: sla.Met, B: sla.MetLate, N: 2},
		{Metric: sla.Resolution, A: sla.Breached, B: "", N: 1},
	}, cmp.Transitions)

	firstReply := sla.Key{Metric: sla.FirstReply}
	resolution := sla.Key{Metric: sla.Resolution}
	// By arrival, then ID: p3 (09:00; c1 has no change), then c2 (10:00).
	assert.Equal(t, []report.Change{
		{InquiryID: "p3", Channel: sla.Email, Party: sla.Prospect, Received: utc("09:00"), Obligation: firstReply,
			Reason: report.DueEarlier,
			A:      report.Standing{Policy: "desk", State: sla.Met, Due: utc("13:00"), DoneAt: utc("09:45")},
			B:      report.Standing{Policy: "prospects", State: sla.MetLate, Due: utc("09:30"), DoneAt: utc("09:45")}},
		{InquiryID: "p3", Channel: sla.Email, Party: sla.Prospect, Received: utc("09:00"), Obligation: resolution,
			Reason: report.TargetRemoved,
			A:      report.Standing{Policy: "desk", State: sla.Breached, Due: utc("17:00")},
			B:      report.Standing{Policy: "prospects"}},
		{InquiryID: "c2", Channel: sla.Chat, Party: sla.Customer, Owner: "bob", Received: utc("10:00"), Obligation: firstReply,
			Reason: report.DueEarlier,
			A:      report.Standing{Policy: "desk", State: sla.Met, Due: utc("14:00"), DoneAt: utc("12:00")},
			B:      report.Standing{Policy: "desk", State: sla.MetLate, Due: utc("11:00"), DoneAt: utc("12:00")}},
	}, normalise(cmp.Changes))

	cell := func(m sla.Metric, by, value string) report.CellPair {
		for _, c := range cmp.Cells {
			if c.Metric == m && c.By == by && c.Value == value {
				return c
			}
		}
		t.Fatalf("no cell %s %s %q", m, by, value)
		return report.CellPair{}
	}
	// First replies done in 30m (c1), 2h (c2) and 45m (p3) on both sides:
	// p50 is the 2nd of 3, p90 the 3rd.
	elapsed := report.Percentiles{N: 3, P50: 45 * time.Minute, P90: 2 * time.Hour, Max: 2 * time.Hour}
	assert.Equal(t, report.CellPair{Metric: sla.FirstReply, By: report.ByAll,
		A: report.Figures{Decided: 4, OnTime: 3, Elapsed: elapsed},
		B: report.Figures{Decided: 4, OnTime: 1, Elapsed: elapsed}}, cell(sla.FirstReply, report.ByAll, ""))
	// Resolutions done in 3h (c1) and 10h (c2); A also decides p3's.
	resolved := report.Percentiles{N: 2, P50: 3 * time.Hour, P90: 10 * time.Hour, Max: 10 * time.Hour}
	assert.Equal(t, report.CellPair{Metric: sla.Resolution, By: report.ByAll,
		A: report.Figures{Decided: 4, OnTime: 1, Elapsed: resolved},
		B: report.Figures{Decided: 3, OnTime: 1, Elapsed: resolved}}, cell(sla.Resolution, report.ByAll, ""))
	// E-mail first replies: c1 and p3; p3 late under B.
	emailA := cell(sla.FirstReply, report.ByChannel, "email")
	assert.Equal(t, [4]int{2, 2, 2, 1}, [4]int{emailA.A.Decided, emailA.A.OnTime, emailA.B.Decided, emailA.B.OnTime})
	prospects := cell(sla.FirstReply, report.ByParty, "prospect")
	assert.Equal(t, [4]int{1, 1, 1, 0}, [4]int{prospects.A.Decided, prospects.A.OnTime, prospects.B.Decided, prospects.B.OnTime})
	nobody := cell(sla.FirstReply, report.ByOwner, "")
	assert.Equal(t, [4]int{2, 1, 2, 0}, [4]int{nobody.A.Decided, nobody.A.OnTime, nobody.B.Decided, nobody.B.OnTime})
	// p3's resolution is decided under A only: B's side of its cells is
	// zero.
	p3res := cell(sla.Resolution, report.ByParty, "prospect")
	assert.Equal(t, report.Figures{Decided: 1}, p3res.A)
	assert.Equal(t, report.Figures{}, p3res.B)
	// Each dimension adds up to its "all" cell, on each side.
	for _, m := range []sla.Metric{sla.FirstReply, sla.Resolution} {
		all := cell(m, report.ByAll, "")
		for _, by := range []string{report.ByChannel, report.ByParty, report.ByOwner, report.ByTeam, report.ByWeek} {
			var a, b int
			for _, c := range cmp.Cells {
				if c.Metric == m && c.By == by {
					a, b = a+c.A.Decided, b+c.B.Decided
				}
			}
			assert.Equal(t, [2]int{all.A.Decided, all.B.Decided}, [2]int{a, b}, "%s by %s", m, by)
		}
	}
}

// normalise returns changes with their instants in UTC, for comparing
// with literals.
func normalise(changes []report.Change) []report.Change {
	out := slices.Clone(changes)
	utc := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	for i := range out {
		c := &out[i]
		for _, p := range []*time.Time{&c.Received, &c.A.Due, &c.A.DoneAt, &c.B.Due, &c.B.DoneAt} {
			utc(p)
		}
	}
	return out
}

// The window keeps the inquiries that arrived in [from, to), by A's
// Received: from 10:00 on, c2 and c4.
func TestCompareWindow(t *testing.T) {
	from := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	cmp := compareOf(pairsOf(t, deskA, deskB), from, from.Add(2*time.Hour))
	assert.Equal(t, 2, cmp.Inquiries)
	assert.Equal(t, 1, cmp.Changed)
	assert.Equal(t, 0, cmp.PolicyChanged)
	assert.Equal(t, report.Totals{Decided: 4, OnTime: 1, Breached: 2, Escalations: 1, Notifications: 1}, cmp.A)
	require.Len(t, cmp.Changes, 1)
	assert.Equal(t, "c2", cmp.Changes[0].InquiryID)
	assert.Equal(t, from, cmp.From)

	// A nil status counts nothing.
	c := report.NewComparer(time.Time{}, time.Time{})
	st := &sla.Status{Received: from}
	assert.NotPanics(t, func() { c.Add(nil, st); c.Add(st, nil); c.Add(nil, nil) })
	assert.Zero(t, c.Comparison().Inquiries)
}

// Why obligations differ, each reason once: targets added and removed,
// a clock paused under one set, due earlier and later, done at another
// instant, and the same due and done instants under other rules.
func TestCompareReasons(t *testing.T) {
	t0 := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	k := sla.Key{Metric: sla.FirstReply}
	ob := func(state sla.State, due, done time.Duration) sla.Obligation {
		o := sla.Obligation{Key: k, State: state, Start: t0}
		if due != 0 {
			o.Due = t0.Add(due)
		}
		if done != 0 {
			o.DoneAt = t0.Add(done)
		}
		return o
	}
	st := func(id string, obs ...sla.Obligation) sla.Status {
		return sla.Status{InquiryID: id, Channel: sla.Email, Received: t0, At: t0.Add(time.Hour), Obligations: obs}
	}
	pairs := [][2]sla.Status{
		{st("added"), st("added", ob(sla.Running, time.Hour, 0))},
		{st("removed", ob(sla.Running, time.Hour, 0)), st("removed")},
		{st("paused", ob(sla.Running, time.Hour, 0)), st("paused", ob(sla.Paused, 0, 0))},
		{st("earlier", ob(sla.Met, 4*time.Hour, 2*time.Hour)), st("earlier", ob(sla.MetLate, time.Hour, 2*time.Hour))},
		{st("later", ob(sla.Breached, time.Hour, 0)), st("later", ob(sla.Running, 4*time.Hour, 0))},
		{st("done", ob(sla.Breached, time.Hour, 0)), st("done", ob(sla.MetLate, time.Hour, 2*time.Hour))},
		{st("other", ob(sla.Met, time.Hour, 30*time.Minute)), st("other", ob(sla.Cancelled, time.Hour, 30*time.Minute))},
		{st("same", ob(sla.Met, time.Hour, 30*time.Minute)), st("same", ob(sla.Met, 2*time.Hour, 30*time.Minute))},
	}
	cmp := compareOf(pairs, time.Time{}, time.Time{})
	got := map[string]report.ChangeReason{}
	for _, c := range cmp.Changes {
		got[c.InquiryID] = c.Reason
	}
	assert.Equal(t, map[string]report.ChangeReason{
		"added": report.TargetAdded, "removed": report.TargetRemoved, "paused": report.PausedDifferently,
		"earlier": report.DueEarlier, "later": report.DueLater, "done": report.DoneDifferently, "other": report.OtherRules,
	}, got, "a state that does not change is no change, whatever its due time")
	assert.Equal(t, 7, cmp.Changed)
	// Ties in arrival are ordered by ID.
	ids := make([]string, len(cmp.Changes))
	for i, c := range cmp.Changes {
		ids[i] = c.InquiryID
	}
	assert.True(t, slices.IsSorted(ids), "%v", ids)
}

func TestComparisonTables(t *testing.T) {
	cmp := compareOf(pairsOf(t, deskA, deskB), time.Time{}, time.Time{})
	cmp.NameA, cmp.NameB = "now", "proposed"
	tables := cmp.Tables()
	byName := map[string]report.Table{}
	var names []string
	for _, tb := range tables {
		names = append(names, tb.Name)
		byName[tb.Name] = tb
		recs, err := csv.NewReader(strings.NewReader(csvText(t, tb))).ReadAll()
		require.NoError(t, err, tb.Name)
		assert.Equal(t, append([][]string{tb.Header}, tb.Rows...), recs, tb.Name)
	}
	assert.Equal(t, []string{"comparison", "policies", "cells", "levels", "notify", "transitions", "changes"}, names)

	summary := map[string][2]string{}
	for _, row := range byName["comparison"].Rows {
		summary[row[0]] = [2]string{row[1], row[2]}
	}
	assert.Equal(t, map[string][2]string{
		"name": {"now", "proposed"}, "from": {"", ""}, "to": {"", ""},
		"inquiries": {"4", "4"}, "changed": {"2", "2"}, "policy_changed": {"1", "1"},
		"decided": {"8", "7"}, "on_time": {"4", "2"}, "share": {"0.5000", "0.2857"}, "breached": {"3", "2"},
		"escalations": {"1", "4"}, "notifications": {"1", "6"}, "violations": {"0", "0"},
	}, summary)
	assert.Equal(t, [][]string{{"desk", "4", "3"}, {"prospects", "0", "1"}}, byName["policies"].Rows)
	assert.Equal(t, [][]string{{"first_reply", "breach", "1", "2"}, {"first_reply", "warn", "0", "2"}}, byName["levels"].Rows)
	assert.Equal(t, [][]string{{"lead", "1", "2"}, {"manager", "0", "2"}, {"owner", "0", "2"}}, byName["notify"].Rows)
	assert.Equal(t, [][]string{{"first_reply", "met", "met_late", "2"}, {"resolution", "breached", "", "1"}}, byName["transitions"].Rows)
	cells := byName["cells"]
	assert.Equal(t, []string{"metric", "by", "value",
		"a.decided", "a.on_time", "a.share", "a.elapsed.n", "a.elapsed.p50", "a.elapsed.p90", "a.elapsed.max",
		"b.decided", "b.on_time", "b.share", "b.elapsed.n", "b.elapsed.p50", "b.elapsed.p90", "b.elapsed.max"}, cells.Header)
	assert.Equal(t, []string{"first_reply", "all", "", "4", "3", "0.7500", "3", "45m0s", "2h0m0s", "2h0m0s",
		"4", "1", "0.2500", "3", "45m0s", "2h0m0s", "2h0m0s"}, cells.Rows[0])
	changes := byName["changes"]
	require.Len(t, changes.Rows, 3)
	assert.Equal(t, []string{"p3", "email", "prospect", "", "2026-03-09T09:00:00Z", "resolution", "target_removed",
		"desk", "breached", "2026-03-09T17:00:00Z", "", "prospects", "", "", ""}, changes.Rows[1])
}

func TestComparisonJSON(t *testing.T) {
	cmp := compareOf(pairsOf(t, deskA, deskB), time.Time{}, time.Time{})
	var buf bytes.Buffer
	require.NoError(t, cmp.WriteJSON(&buf))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.InDelta(t, 0.5, doc["a"].(map[string]any)["share"], 1e-9)
	assert.EqualValues(t, 7, doc["b"].(map[string]any)["decided"])
	first := doc["cells"].([]any)[0].(map[string]any)
	assert.InDelta(t, 0.25, first["b"].(map[string]any)["share"], 1e-9)
	assert.Equal(t, "45m0s", first["b"].(map[string]any)["elapsed"].(map[string]any)["p50"])
	change := doc["changes"].([]any)[1].(map[string]any)
	assert.Equal(t, "target_removed", change["reason"])
	assert.Equal(t, map[string]any{"policy": "prospects"}, change["b"])

	// What it wrote reads back, but for the shares.
	var back report.Comparison
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, cmp.A, back.A)
	assert.Equal(t, cmp.Cells, back.Cells)
	assert.Equal(t, normalise(cmp.Changes), normalise(back.Changes))

	// An empty comparison has lists, not nulls.
	buf.Reset()
	empty := report.NewComparer(time.Time{}, time.Time{}).Comparison()
	require.NoError(t, empty.WriteJSON(&buf))
	for _, name := range []string{"policies", "cells", "levels", "notify", "transitions", "changes"} {
		assert.Contains(t, buf.String(), `"`+name+`": []`)
	}
	require.ErrorIs(t, empty.WriteJSON(nil), report.ErrNilWriter)
	require.ErrorIs(t, empty.WriteText(nil), report.ErrNilWriter)
	require.ErrorContains(t, cmp.WriteJSON(failingWriter{}), "disk full")
	require.ErrorContains(t, cmp.WriteText(failingWriter{}), "disk full")
}

// A shortened list of changes says how many more the transitions count.
func TestComparisonTextShortened(t *testing.T) {
	cmp := compareOf(pairsOf(t, deskA, deskB), time.Time{}, time.Time{})
	cmp.Changes = cmp.Changes[:1]
	var buf bytes.Buffer
	require.NoError(t, cmp.WriteText(&buf))
	assert.Contains(t, buf.String(), "… and 2 more changes\n")
}

// Comparing a set with itself changes nothing, and both sides are
// equal; swapping the sets swaps the sides, and each change's reason
// turns round.
func TestPropertyCompareSymmetry(t *testing.T) {
	turned := map[report.ChangeReason]report.ChangeReason{
		report.TargetAdded: report.TargetRemoved, report.TargetRemoved: report.TargetAdded,
		report.DueEarlier: report.DueLater, report.DueLater: report.DueEarlier,
		report.PausedDifferently: report.PausedDifferently, report.DoneDifferently: report.DoneDifferently,
		report.OtherRules: report.OtherRules,
	}
	rapid.Check(t, func(t *rapid.T) {
		// Evaluation gives each obligation of a status its own key.
		as, bs := uniqueKeys(genStatusList(t)), uniqueKeys(genStatusList(t))
		// Pair each status of as with one of the same inquiry: bs's
		// obligations on as's inquiry.
		pairs := make([][2]sla.Status, len(as))
		for i := range as {
			b := as[i]
			if i < len(bs) {
				b.Obligations = bs[i].Obligations
				b.Policy = rapid.SampledFrom([]string{b.Policy, "other"}).Draw(t, "policy")
			}
			pairs[i] = [2]sla.Status{as[i], b}
		}
		from := at("2026-03-09 09:00").Add(time.Duration(rapid.IntRange(-1, 20).Draw(t, "from")) * 24 * time.Hour)

		self := make([][2]sla.Status, len(pairs))
		for i, p := range pairs {
			self[i] = [2]sla.Status{p[0], p[0]}
		}
		same := compareOf(self, from, time.Time{})
		assert.Zero(t, same.Changed)
		assert.Zero(t, same.PolicyChanged)
		assert.Empty(t, same.Changes)
		assert.Empty(t, same.Transitions)
		assert.Equal(t, same.A, same.B)
		for _, c := range same.Cells {
			assert.Equal(t, c.A, c.B)
		}
		for _, l := range same.Levels {
			assert.Equal(t, l.A, l.B)
		}

		ab := compareOf(pairs, from, time.Time{})
		swapped := make([][2]sla.Status, len(pairs))
		for i, p := range pairs {
			swapped[i] = [2]sla.Status{p[1], p[0]}
		}
		ba := compareOf(swapped, from, time.Time{})
		assert.Equal(t, ab.Inquiries, ba.Inquiries)
		assert.Equal(t, ab.Changed, ba.Changed)
		assert.Equal(t, ab.PolicyChanged, ba.PolicyChanged)
		assert.Equal(t, ab.A, ba.B)
		assert.Equal(t, ab.B, ba.A)
		require.Equal(t, len(ab.Cells), len(ba.Cells))
		for i := range ab.Cells {
			assert.Equal(t, ab.Cells[i].A, ba.Cells[i].B)
			assert.Equal(t, ab.Cells[i].B, ba.Cells[i].A)
		}
		require.Equal(t, len(ab.Policies), len(ba.Policies))
		for i := range ab.Policies {
			assert.Equal(t, [2]int{ab.Policies[i].A, ab.Policies[i].B}, [2]int{ba.Policies[i].B, ba.Policies[i].A})
		}
		require.Equal(t, len(ab.Transitions), len(ba.Transitions))
		tr := map[report.Transition]bool{}
		for _, x := range ba.Transitions {
			tr[x] = true
		}
		for _, x := range ab.Transitions {
			assert.True(t, tr[report.Transition{Metric: x.Metric, A: x.B, B: x.A, N: x.N}], "%+v", x)
		}
		require.Equal(t, len(ab.Changes), len(ba.Changes))
		key := func(c report.Change) string { return c.InquiryID + " " + c.Obligation.String() }
		back := map[string]report.Change{}
		for _, c := range ba.Changes {
			back[key(c)] = c
		}
		for _, c := range ab.Changes {
			d, ok := back[key(c)]
			require.True(t, ok, key(c))
			assert.Equal(t, c.A, d.B)
			assert.Equal(t, c.B, d.A)
			assert.Equal(t, turned[c.Reason], d.Reason, key(c))
		}

		// Every output writes.
		require.NoError(t, ab.WriteText(&bytes.Buffer{}))
		require.NoError(t, ab.WriteJSON(&bytes.Buffer{}))
		for _, tb := range ab.Tables() {
			require.NoError(t, tb.WriteCSV(&bytes.Buffer{}))
		}
	})
}

// uniqueKeys keeps the first obligation of each key in each status.
func uniqueKeys(sts []sla.Status) []sla.Status {
	for i := range sts {
		seen := map[sla.Key]bool{}
		sts[i].Obligations = slices.DeleteFunc(sts[i].Obligations, func(o sla.Obligation) bool {
			dup := seen[o.Key]
			seen[o.Key] = true
			return dup
		})
	}
	return sts
}
