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

// breakdownStatuses are three inquiries made by hand. ISO weeks of 2026:
// W11 is Monday 9 to Sunday 15 March, W12 from Monday 16.
//
//	a  email  customer  ann  billing  first_reply met 1h (W11), resolution met late 10h (W11),
//	                                  next_reply#1 breached (W12)
//	b  chat   prospect  -    -        first_reply met 30m, starting Sunday 15 at 23:30 in New
//	                                  York — Monday 16 in UTC, but weeks are the inquiry's: W11;
//	                                  resolution running and update#1 cancelled, not decided
//	c  email  customer  ann  -        first_reply met late 5h (W12), promise_kept#1 breached (W11)
func breakdownStatuses() []sla.Status {
	mon9, mon16 := at("2026-03-09 09:00"), at("2026-03-16 09:00")
	sunday := at("2026-03-15 23:30")
	ob := func(m sla.Metric, n int, s sla.State, start time.Time, elapsed time.Duration) sla.Obligation {
		return sla.Obligation{Key: sla.Key{Metric: m, N: n}, State: s, Start: start, Elapsed: elapsed}
	}
	return []sla.Status{
		{InquiryID: "c", Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Owner: "ann", Received: at("2026-03-10 09:00"),
			Obligations: []sla.Obligation{
				ob(sla.FirstReply, 0, sla.MetLate, mon16, 5*time.Hour),
				ob(sla.PromiseKept, 1, sla.Breached, at("2026-03-10 10:00"), 3*time.Hour),
			}},
		{InquiryID: "a", Channel: sla.Email, Class: sla.Class{Party: sla.Customer}, Owner: "ann", Team: "billing", Received: mon9,
			Obligations: []sla.Obligation{
				ob(sla.FirstReply, 0, sla.Met, mon9, time.Hour),
				ob(sla.Resolution, 0, sla.MetLate, mon9, 10*time.Hour),
				ob(sla.NextReply, 1, sla.Breached, mon16, 7*time.Hour),
			}},
		{InquiryID: "b", Channel: sla.Chat, Class: sla.Class{Party: sla.Prospect}, Received: sunday,
			Obligations: []sla.Obligation{
				ob(sla.FirstReply, 0, sla.Met, sunday.UTC(), 30*time.Minute),
				ob(sla.Resolution, 0, sla.Running, sunday.UTC(), 2*time.Hour),
				ob(sla.Update, 1, sla.Cancelled, sunday.UTC(), time.Hour),
			}},
	}
}

func TestCells(t *testing.T) {
	rep := report.New(breakdownStatuses(), time.Time{}, time.Time{})
	type p = report.Percentiles
	h := time.Hour
	// pct gives nearest-rank percentiles of sorted values: p50 at rank
	// ⌈n/2⌉, p90 at ⌈0.9n⌉.
	none := p{}
	cell := func(m sla.Metric, by, value string, decided, onTime int, elapsed p) report.Cell {
		return report.Cell{Metric: m, By: by, Value: value, Decided: decided, OnTime: onTime, Elapsed: elapsed}
	}
	// First replies a 1h, b 30m, c 5h (late). Three values [30m 1h 5h]:
	// p50 rank 2 (1h), p90 rank 3 (5h). Two values [1h 5h]: p50 rank 1
	// (1h), p90 rank 2 (5h).
	three := p{N: 3, P50: h, P90: 5 * h, Max: 5 * h}
	ac := p{N: 2, P50: h, P90: 5 * h, Max: 5 * h}
	b := p{N: 1, P50: 30 * time.Minute, P90: 30 * time.Minute, Max: 30 * time.Minute}
	assert.Equal(t, []report.Cell{
		cell(sla.FirstReply, "all", "", 3, 2, three),
		cell(sla.FirstReply, "channel", "chat", 1, 1, b),
		cell(sla.FirstReply, "channel", "email", 2, 1, ac),
		cell(sla.FirstReply, "party", "customer", 2, 1, ac),
		cell(sla.FirstReply, "party", "prospect", 1, 1, b),
		cell(sla.FirstReply, "owner", "", 1, 1, b),
		cell(sla.FirstReply, "owner", "ann", 2, 1, ac),
		// No team: b 30m and c 5h.
		cell(sla.FirstReply, "team", "", 2, 1, p{N: 2, P50: 30 * time.Minute, P90: 5 * h, Max: 5 * h}),
		cell(sla.FirstReply, "team", "billing", 1, 1, p{N: 1, P50: h, P90: h, Max: h}),
		// W11: a 1h and b 30m; W12: c.
		cell(sla.FirstReply, "week", "2026-W11", 2, 2, p{N: 2, P50: 30 * time.Minute, P90: h, Max: h}),
		cell(sla.FirstReply, "week", "2026-W12", 1, 0, p{N: 1, P50: 5 * h, P90: 5 * h, Max: 5 * h}),
		// a's breached follow-up: decided, not done, so no percentiles.
		cell(sla.NextReply, "all", "", 1, 0, none),
		cell(sla.NextReply, "channel", "email", 1, 0, none),
		cell(sla.NextReply, "party", "customer", 1, 0, none),
		cell(sla.NextReply, "owner", "ann", 1, 0, none),
		cell(sla.NextReply, "team", "billing", 1, 0, none),
		cell(sla.NextReply, "week", "2026-W12", 1, 0, none),
		// a's resolution, 10h late; b's is running, b's update cancelled.
		cell(sla.Resolution, "all", "", 1, 0, p{N: 1, P50: 10 * h, P90: 10 * h, Max: 10 * h}),
		cell(sla.Resolution, "channel", "email", 1, 0, p{N: 1, P50: 10 * h, P90: 10 * h, Max: 10 * h}),
		cell(sla.Resolution, "party", "customer", 1, 0, p{N: 1, P50: 10 * h, P90: 10 * h, Max: 10 * h}),
		cell(sla.Resolution, "owner", "ann", 1, 0, p{N: 1, P50: 10 * h, P90: 10 * h, Max: 10 * h}),
		cell(sla.Resolution, "team", "billing", 1, 0, p{N: 1, P50: 10 * h, P90: 10 * h, Max: 10 * h}),
		cell(sla.Resolution, "week", "2026-W11", 1, 0, p{N: 1, P50: 10 * h, P90: 10 * h, Max: 10 * h}),
		// c's broken promise.
		cell(sla.PromiseKept, "all", "", 1, 0, none),
		cell(sla.PromiseKept, "channel", "email", 1, 0, none),
		cell(sla.PromiseKept, "party", "customer", 1, 0, none),
		cell(sla.PromiseKept, "owner", "ann", 1, 0, none),
		cell(sla.PromiseKept, "team", "", 1, 0, none),
		cell(sla.PromiseKept, "week", "2026-W11", 1, 0, none),
	}, rep.Cells)

	// All metrics together per week and channel: W11 chat, b's first
	// reply (on time); W11 email, a's first reply (on time) and
	// resolution and c's promise; W12 email, a's follow-up and c's first
	// reply (late).
	assert.Equal(t, []report.TrendPoint{
		{Week: "2026-W11", Channel: sla.Chat, Decided: 1, OnTime: 1},
		{Week: "2026-W11", Channel: sla.Email, Decided: 3, OnTime: 1},
		{Week: "2026-W12", Channel: sla.Email, Decided: 2, OnTime: 0},
	}, rep.Trend)
	assert.InDelta(t, 1.0/3, rep.Trend[1].Share(), 1e-12)
	assert.InDelta(t, 2.0/3, rep.Cells[0].Share(), 1e-12)
	assert.Zero(t, report.Cell{}.Share())
	assert.Zero(t, report.TrendPoint{}.Share())

	b1, err := json.Marshal(rep.Cells[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"metric": "first_reply", "by": "all", "value": "", "decided": 3, "on_time": 2, "share": 0.6666666666666666,
		"elapsed": {"n": 3, "p50": "1h0m0s", "p90": "5h0m0s", "max": "5h0m0s"}}`, string(b1))
	b2, err := json.Marshal(rep.Trend[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"week": "2026-W11", "channel": "chat", "decided": 1, "on_time": 1, "share": 1}`, string(b2))
	var back report.Percentiles
	require.NoError(t, json.Unmarshal([]byte(`{"n": 3, "p50": "1h0m0s", "p90": "5h0m0s", "max": "5h0m0s"}`), &back))
	assert.Equal(t, three, back)
	require.Error(t, json.Unmarshal([]byte(`{"p50": 3}`), &back))
}

// The window selects cells' inquiries by arrival too: from Tuesday, only
// c counts.
func TestCellsWindow(t *testing.T) {
	rep := report.New(breakdownStatuses(), at("2026-03-10 00:00"), at("2026-03-11 00:00"))
	require.NotEmpty(t, rep.Cells)
	assert.Equal(t, report.Cell{Metric: sla.FirstReply, By: "all", Decided: 1, Elapsed: report.Percentiles{N: 1, P50: 5 * time.Hour, P90: 5 * time.Hour, Max: 5 * time.Hour}}, rep.Cells[0])
	assert.Equal(t, []report.TrendPoint{
		{Week: "2026-W11", Channel: sla.Email, Decided: 1},
		{Week: "2026-W12", Channel: sla.Email, Decided: 1},
	}, rep.Trend)
}

// For each metric and each dimension, the cells add up to the metric's
// "all" cell (decided, on time, and durations done); the trend adds up
// to every metric's decided obligations; the metric rates are the "all"
// cells; and the report does not depend on the order of the statuses.
func TestPropertyCellsAddUp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sts := genStatusList(t)
		rep := report.New(sts, time.Time{}, time.Time{})
		type sums struct{ decided, onTime, done int }
		all := map[sla.Metric]sums{}
		per := map[sla.Metric]map[string]sums{}
		var decided, onTime int
		for _, c := range rep.Cells {
			s := sums{c.Decided, c.OnTime, c.Elapsed.N}
			if c.By == "all" {
				require.Empty(t, c.Value)
				all[c.Metric] = s
				decided += c.Decided
				onTime += c.OnTime
				continue
			}
			if per[c.Metric] == nil {
				per[c.Metric] = map[string]sums{}
			}
			x := per[c.Metric][c.By]
			per[c.Metric][c.By] = sums{x.decided + s.decided, x.onTime + s.onTime, x.done + s.done}
		}
		for m, s := range all {
			for _, by := range []string{"channel", "party", "owner", "team", "week"} {
				require.Equal(t, s, per[m][by], "%s by %s", m, by)
			}
		}
		var td, to int
		for _, p := range rep.Trend {
			td += p.Decided
			to += p.OnTime
		}
		require.Equal(t, decided, td)
		require.Equal(t, onTime, to)
		// Counted independently: decided obligations over the statuses.
		want := 0
		for _, st := range sts {
			for _, o := range st.Obligations {
				if o.State == sla.Met || o.State == sla.MetLate || o.State == sla.Breached {
					want++
				}
			}
		}
		require.Equal(t, want, decided)
		for _, r := range rep.Rates {
			if r.By == "metric" {
				require.Equal(t, all[sla.Metric(r.Value)].decided, r.Decided)
				require.Equal(t, all[sla.Metric(r.Value)].onTime, r.OnTime)
			}
		}
		again := report.New(rapid.Permutation(sts).Draw(t, "order"), time.Time{}, time.Time{})
		require.Equal(t, rep, again)
	})
}
