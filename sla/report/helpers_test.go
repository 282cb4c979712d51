package report_test

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// nyc, at and policies are the shared fixture's; see package fixture.
var (
	nyc      = fixture.NYC
	at       = fixture.At
	policies = fixture.Policies
)

// keyText writes a key, "" for none.
func keyText(k sla.Key) string {
	if k == (sla.Key{}) {
		return ""
	}
	return k.String()
}

// genStatusList draws statuses made by hand, with unique IDs: any
// combination of owner, team, channel, party, resolution and
// obligations in any state, with or without an outcome, over two weeks
// of March 2026 in New York or UTC — shapes evaluation would give and
// some it never would, since reports must take any input.
func genStatusList(t *rapid.T) []sla.Status {
	n := rapid.IntRange(0, 12).Draw(t, "statuses")
	start := at("2026-03-09 09:00")
	minutes := func(label string) time.Duration {
		return time.Duration(rapid.IntRange(-3000, 3000).Draw(t, label)) * time.Minute
	}
	out := make([]sla.Status, n)
	for i := range out {
		loc := rapid.SampledFrom([]*time.Location{nyc, time.UTC}).Draw(t, "loc")
		recv := start.Add(time.Duration(rapid.IntRange(0, 14*24*60).Draw(t, "received")) * time.Minute).In(loc)
		st := sla.Status{
			InquiryID: fmt.Sprintf("q%02d", i),
			Channel:   rapid.SampledFrom([]sla.Channel{sla.Email, sla.Phone, sla.Chat}).Draw(t, "channel"),
			Received:  recv,
			At:        recv.Add(time.Duration(rapid.IntRange(0, 7*24*60).Draw(t, "at")) * time.Minute),
			Class:     sla.Class{Party: rapid.SampledFrom([]sla.Party{sla.Prospect, sla.Customer, ""}).Draw(t, "party")},
			Owner:     rapid.SampledFrom([]string{"", "ann", "bob"}).Draw(t, "owner"),
			Team:      rapid.SampledFrom([]string{"", "billing", "sales"}).Draw(t, "team"),
			Resolved:  rapid.Bool().Draw(t, "resolved"),
			Counts: sla.Counts{
				Touches:          rapid.IntRange(0, 3).Draw(t, "touches"),
				Nudges:           rapid.IntRange(0, 2).Draw(t, "nudges"),
				CustomerMessages: rapid.IntRange(0, 3).Draw(t, "messages"),
				TouchesToResolve: rapid.IntRange(0, 3).Draw(t, "touches to resolve"),
			},
		}
		for j := range rapid.IntRange(0, 5).Draw(t, "obligations") {
			o := sla.Obligation{
				Key:       sla.Key{Metric: rapid.SampledFrom(sla.Metrics()).Draw(t, "metric"), N: j + 1},
				State:     rapid.SampledFrom([]sla.State{sla.Running, sla.Paused, sla.Met, sla.MetLate, sla.Breached, sla.Cancelled}).Draw(t, "state"),
				Start:     recv.Add(time.Duration(rapid.IntRange(0, 3*24*60).Draw(t, "start")) * time.Minute),
				Elapsed:   minutes("elapsed"),
				Remaining: minutes("remaining"),
				Outcome:   rapid.SampledFrom([]sla.Outcome{"", "", sla.Kept, sla.Withdrawn, sla.Missed, sla.NoShow}).Draw(t, "outcome"),
				Ref:       rapid.SampledFrom([]string{"", "fix", "call, \"Friday\"\nmorning"}).Draw(t, "ref"),
			}
			if rapid.Bool().Draw(t, "has due") {
				o.Due = o.Start.Add(minutes("due"))
			}
			if rapid.Bool().Draw(t, "done") {
				o.DoneAt = o.Start.Add(minutes("done at"))
			}
			switch o.Key.Metric { // numbered as ParseKey reads them
			case sla.FirstReply:
				o.Key.N = 0
			case sla.Resolution:
				o.Key.N = rapid.SampledFrom([]int{0, j + 2}).Draw(t, "cycle")
			}
			st.Obligations = append(st.Obligations, o)
		}
		out[i] = st
	}
	return out
}
