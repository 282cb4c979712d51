package ledger_test

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
	"github.com/replyby/replyby/sla/ledger"
)

// slowBreached is what Ledger.Breached returned before it had an index:
// every inquiry received by now evaluated at now, kept if an obligation is
// Breached. Records evaluates every inquiry received by now, as Breached
// did.
func slowBreached(l *ledger.Ledger, now time.Time) []sla.Status {
	return slowFilter(l, now, func(st *sla.Status) bool {
		return slices.ContainsFunc(st.Obligations, func(o sla.Obligation) bool { return o.State == sla.Breached })
	})
}

// slowAtRisk is what Ledger.AtRisk returned before it had an index.
func slowAtRisk(l *ledger.Ledger, now time.Time, within time.Duration) []sla.Status {
	return slowFilter(l, now, func(st *sla.Status) bool {
		return slices.ContainsFunc(st.Obligations, func(o sla.Obligation) bool {
			return o.State == sla.Running && o.Remaining <= within
		})
	})
}

// requireSameStatuses fails t, briefly, unless got is want.
func requireSameStatuses(t require.TestingT, want, got []sla.Status, msgAndArgs ...any) {
	require.Equal(t, statusIDs(want), statusIDs(got), msgAndArgs...)
	for i := range want {
		if !reflect.DeepEqual(want[i], got[i]) {
			require.Equal(t, want[i], got[i], msgAndArgs...)
		}
	}
}

func slowFilter(l *ledger.Ledger, now time.Time, keep func(*sla.Status) bool) []sla.Status {
	var out []sla.Status
	for _, st := range l.Statuses(now) {
		if keep(&st) {
			out = append(out, st)
		}
	}
	return out
}

// Breached and AtRisk return exactly what evaluating every inquiry at now
// returns, over random ledgers changed by adds, appends (some of events
// earlier than a sweep), sweeps and restores, at random instants (before,
// during and after the traffic) and horizons (negative, zero, minutes to
// days, unbounded).
func TestPropertyBreachedAtRiskAreExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var ps *sla.PolicySet
		dense := rapid.Bool().Draw(t, "dense")
		if dense {
			ps = fixture.DensePolicySet(t)
		} else {
			ps = fixture.PolicySet(t)
		}
		l := ledger.New(ps)
		type pending struct {
			id  string
			log []sla.Event
			k   int // events given to the ledger
		}
		var inqs []*pending
		start := at("2026-03-04 00:00")
		genNow := func() time.Time {
			return start.Add(time.Duration(rapid.IntRange(0, 16*24*60).Draw(t, "now"))*time.Minute +
				time.Duration(rapid.SampledFrom([]int{0, 0, 1, 59}).Draw(t, "sec"))*time.Second)
		}
		genWithin := func() time.Duration {
			switch rapid.IntRange(0, 9).Draw(t, "withinForm") {
			case 0:
				return 0
			case 1:
				return math.MaxInt64
			case 2:
				return time.Duration(rapid.IntRange(-48*60, -1).Draw(t, "withinNeg")) * time.Minute
			case 3:
				return time.Duration(rapid.Int64Range(0, int64(30*24*time.Hour)).Draw(t, "withinNs"))
			default:
				return time.Duration(rapid.IntRange(1, 3*24*60).Draw(t, "withinMin")) * time.Minute
			}
		}
		check := func(l *ledger.Ledger) {
			now := genNow()
			requireSameStatuses(t, slowBreached(l, now), l.Breached(now), "Breached(%v)", now)
			within := genWithin()
			requireSameStatuses(t, slowAtRisk(l, now, within), l.AtRisk(now, within), "AtRisk(%v, %v)", now, within)
		}
		for range rapid.IntRange(1, 30).Draw(t, "steps") {
			switch op := rapid.IntRange(0, 5).Draw(t, "op"); {
			case op == 0 || len(inqs) == 0:
				inq := fixture.Inquiry(t)
				inq.ID = fmt.Sprintf("q%02d", len(inqs))
				if dense {
					inq.Calendar = rapid.SampledFrom([]string{"", "acme-london"}).Draw(t, "customer")
				}
				var log []sla.Event
				if dense {
					log = fixture.DenseLog(t, inq)
				} else {
					log = fixture.Log(t, inq)
				}
				k := rapid.IntRange(0, len(log)).Draw(t, "initial")
				require.NoError(t, l.Add(inq, log[:k]...))
				inqs = append(inqs, &pending{inq.ID, log, k})
			case op == 1:
				p := rapid.SampledFrom(inqs).Draw(t, "append")
				if p.k == len(p.log) {
					continue
				}
				j := rapid.IntRange(p.k+1, len(p.log)).Draw(t, "batch")
				require.NoError(t, l.Append(p.id, p.log[p.k:j]...))
				p.k = j
			case op == 2:
				sweep(l, genNow())
			case op == 3:
				var b bytes.Buffer
				require.NoError(t, l.Snapshot(&b))
				if rapid.Bool().Draw(t, "fresh") {
					l = ledger.New(ps)
				}
				require.NoError(t, l.Restore(&b))
			default:
				check(l)
			}
		}
		check(l)
	})
}

// A ledger of traffic over a month, swept at an instant, lists the same
// breached and at-risk inquiries as evaluating every one of them would.
func TestLedgerBreachedAtRiskTraffic(t *testing.T) {
	n := 3000
	if fixture.RaceEnabled {
		n = 600
	}
	start := at("2026-03-02 00:00")
	l := ledger.New(policies)
	traffic := fixture.Traffic(5, n, start, 14*24*time.Hour)
	now := start.Add(9*24*time.Hour + 11*time.Hour)
	for _, x := range traffic {
		if x.Inquiry.Received.After(now) {
			continue
		}
		k := 0
		for k < len(x.Events) && !x.Events[k].Time.After(now) {
			k++
		}
		require.NoError(t, l.Add(x.Inquiry, x.Events[:k]...))
	}
	for u := start; !u.After(now); u = u.Add(6 * time.Hour) {
		sweep(l, u)
	}
	for _, u := range []time.Time{now, now.Add(-30 * time.Hour), now.Add(2 * time.Hour), now.Add(9 * 24 * time.Hour)} {
		requireSameStatuses(t, slowBreached(l, u), l.Breached(u), "Breached(%v)", u)
		for _, within := range []time.Duration{-time.Hour, 0, 30 * time.Minute, 4 * time.Hour, 3 * 24 * time.Hour} {
			requireSameStatuses(t, slowAtRisk(l, u, within), l.AtRisk(u, within), "AtRisk(%v, %v)", u, within)
		}
	}
}

// At risk at the edges of business time: a budget that runs out at
// closing time, and a promise whose due time is on a closed day.
func TestLedgerAtRiskBusinessEdges(t *testing.T) {
	cal := policies.Calendar("support-nyc")
	ps, err := sla.NewPolicySet(sla.Document{Calendars: map[string]*calendar.Calendar{"support-nyc": cal}, Policies: []sla.Policy{sla.Policy{
		Name: "all",
		Targets: map[sla.Metric]sla.Target{
			sla.FirstReply:  {Within: sla.Duration{Time: 2 * time.Hour}, Calendar: "support-nyc"},
			sla.PromiseKept: {Calendar: "support-nyc"},
		},
	}}})
	require.NoError(t, err)
	l := ledger.New(ps)
	// 2026-03-06 is a Friday: the first reply runs out at 17:00.
	require.NoError(t, l.Add(sla.Inquiry{ID: "a", Channel: sla.Email, Received: at("2026-03-06 15:00")}))
	// Replied at once with a promise for Saturday 10:00, which runs out
	// of business time at 17:00 on Friday but is due on Saturday.
	require.NoError(t, l.Add(sla.Inquiry{ID: "b", Channel: sla.Email, Received: at("2026-03-06 15:00")},
		sla.Event{Time: at("2026-03-06 15:00"), Type: sla.Reply, Channel: sla.Email},
		sla.Event{Time: at("2026-03-06 15:00"), Type: sla.Promise, Due: at("2026-03-07 10:00")}))
	for _, c := range []struct {
		now    string
		within time.Duration
		want   []string
	}{
		{"2026-03-06 16:00", time.Hour, []string{"a", "b"}},
		{"2026-03-06 16:00", time.Hour - time.Nanosecond, nil},
		{"2026-03-06 16:30", 30 * time.Minute, []string{"a", "b"}},
		{"2026-03-06 17:30", 0, []string{"b"}},
		{"2026-03-06 17:30", -time.Minute, nil},
		{"2026-03-06 15:00", 2 * time.Hour, []string{"a", "b"}},
		{"2026-03-06 15:00", time.Hour, nil},
	} {
		now := at(c.now)
		got := l.AtRisk(now, c.within)
		require.Equal(t, c.want, statusIDs(got), "AtRisk(%s, %v)", c.now, c.within)
		requireSameStatuses(t, slowAtRisk(l, now, c.within), got, "AtRisk(%s, %v)", c.now, c.within)
	}
}
