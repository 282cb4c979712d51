package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/replyby/replyby/sla"
)

// Dimensions a [Cell] groups by, in the order cells are listed.
const (
	ByAll     = "all"
	ByChannel = "channel"
	ByParty   = "party"
	ByOwner   = "owner"
	ByTeam    = "team"
	ByWeek    = "week"
)

// dimensions lists the dimensions of cells in their order.
var dimensions = []string{ByAll, ByChannel, ByParty, ByOwner, ByTeam, ByWeek}

// A Cell is one metric's on-time rate and business-time percentiles over
// a group of obligations: all of them, or those of one channel, party,
// owner, team or week. See the package documentation for how each
// figure is defined.
type Cell struct {
	// Metric is the obligations' metric.
	Metric sla.Metric `json:"metric"`
	// By names the grouping: "all", "channel", "party", "owner", "team"
	// or "week". Value is the group: "" for all, and for no party, owner
	// or team; a channel, a party, an owner or team as of the status
	// instant; a week as ISO 8601 "2026-W48", of the obligation's Start
	// in the location of the inquiry's Received time.
	By    string `json:"by"`
	Value string `json:"value"`
	// Decided counts the obligations met, met late or breached; OnTime
	// those met.
	Decided int `json:"decided"`
	OnTime  int `json:"on_time"`
	// Elapsed summarises the business time (Obligation.Elapsed) of those
	// done, met or met late.
	Elapsed Percentiles `json:"elapsed"`
}

// Share returns OnTime/Decided, or 0 if nothing was decided.
func (c Cell) Share() float64 { return share(c.OnTime, c.Decided) }

// MarshalJSON writes the cell with its share.
func (c Cell) MarshalJSON() ([]byte, error) {
	type plain Cell
	return json.Marshal(struct {
		plain
		Share float64 `json:"share"`
	}{plain(c), c.Share()})
}

// A TrendPoint is the on-time rate of one channel in one week, over all
// metrics together: what a chart of on-time share per channel over weeks
// draws.
type TrendPoint struct {
	// Week is ISO 8601 ("2026-W48"), of the obligations' Start in the
	// location of the inquiry's Received time.
	Week    string      `json:"week"`
	Channel sla.Channel `json:"channel"`
	// Decided counts the obligations met, met late or breached; OnTime
	// those met.
	Decided int `json:"decided"`
	OnTime  int `json:"on_time"`
}

// Share returns OnTime/Decided, or 0 if nothing was decided.
func (p TrendPoint) Share() float64 { return share(p.OnTime, p.Decided) }

// MarshalJSON writes the point with its share.
func (p TrendPoint) MarshalJSON() ([]byte, error) {
	type plain TrendPoint
	return json.Marshal(struct {
		plain
		Share float64 `json:"share"`
	}{plain(p), p.Share()})
}

// share returns n/d, or 0 if d is 0.
func share(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// isoWeek returns t's ISO 8601 week, "2026-W48".
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// breakdown gathers cells and trend points.
type breakdown struct {
	cells map[cellKey]*cellAcc
	trend map[trendKey]*TrendPoint
}

type cellKey struct {
	metric    sla.Metric
	by, value string
}

type cellAcc struct {
	cell    Cell
	elapsed []time.Duration
}

type trendKey struct {
	week    string
	channel sla.Channel
}

// add counts o, an obligation of st, if it is decided.
func (b *breakdown) add(st *sla.Status, o *sla.Obligation) {
	if o.State != sla.Met && o.State != sla.MetLate && o.State != sla.Breached {
		return
	}
	if b.cells == nil {
		b.cells, b.trend = map[cellKey]*cellAcc{}, map[trendKey]*TrendPoint{}
	}
	met, done := o.State == sla.Met, o.State != sla.Breached
	week := isoWeek(o.Start.In(st.Received.Location()))
	for _, g := range [...]struct{ by, value string }{
		{ByAll, ""}, {ByChannel, string(st.Channel)}, {ByParty, string(st.Class.Party)},
		{ByOwner, st.Owner}, {ByTeam, st.Team}, {ByWeek, week},
	} {
		k := cellKey{o.Key.Metric, g.by, g.value}
		a := b.cells[k]
		if a == nil {
			a = &cellAcc{cell: Cell{Metric: k.metric, By: k.by, Value: k.value}}
			b.cells[k] = a
		}
		a.cell.Decided++
		if met {
			a.cell.OnTime++
		}
		if done {
			a.elapsed = append(a.elapsed, o.Elapsed)
		}
	}
	tk := trendKey{week, st.Channel}
	p := b.trend[tk]
	if p == nil {
		p = &TrendPoint{Week: week, Channel: st.Channel}
		b.trend[tk] = p
	}
	p.Decided++
	if met {
		p.OnTime++
	}
}

// metricRank orders metrics as sla.Metrics does, any other after them.
func metricRank(m sla.Metric) int {
	if i := slices.Index(sla.Metrics(), m); i >= 0 {
		return i
	}
	return len(sla.Metrics())
}

// results returns the cells ordered by metric, dimension and value, and
// the trend ordered by week and channel.
func (b *breakdown) results() ([]Cell, []TrendPoint) {
	cells := make([]Cell, 0, len(b.cells))
	for _, a := range b.cells {
		a.cell.Elapsed = percentiles(a.elapsed)
		cells = append(cells, a.cell)
	}
	slices.SortFunc(cells, func(a, b Cell) int {
		return cmp.Or(
			cmp.Compare(metricRank(a.Metric), metricRank(b.Metric)),
			cmp.Compare(a.Metric, b.Metric),
			cmp.Compare(slices.Index(dimensions, a.By), slices.Index(dimensions, b.By)),
			cmp.Compare(a.Value, b.Value),
		)
	})
	trend := make([]TrendPoint, 0, len(b.trend))
	for _, p := range b.trend {
		trend = append(trend, *p)
	}
	slices.SortFunc(trend, func(a, b TrendPoint) int {
		return cmp.Or(cmp.Compare(a.Week, b.Week), cmp.Compare(a.Channel, b.Channel))
	})
	return cells, trend
}
