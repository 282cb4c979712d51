package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/replyby/replyby/sla"
)

// A Report says how well a desk kept its word to the inquiries that
// arrived in a window, and what has fallen through the cracks. Build one
// with [New] from statuses (see the ledger's Statuses, or evaluate the
// host's own); write it with [Report.WriteText], [Report.WriteJSON], or
// as CSV tables ([Report.Tables]). The package documentation defines
// every figure.
type Report struct {
	// From and To bound the window of arrival, [From, To); zero is no
	// bound.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// Inquiries counts the inquiries that arrived in the window; Resolved
	// and Open split them by their state at their status instant.
	Inquiries int `json:"inquiries"`
	Resolved  int `json:"resolved"`
	Open      int `json:"open"`
	// Rates lists on-time rates: by metric, then channel, party and
	// owner, each ordered by value.
	Rates []Rate `json:"rates"`
	// FirstReply and Resolution are business-time percentiles.
	FirstReply Percentiles `json:"first_reply"`
	Resolution Percentiles `json:"resolution"`
	// Touches summarises the replies made before resolution.
	Touches Touches `json:"touches"`
	// Nudges counts the customer messages that chased a reply, and Nudged
	// the inquiries with at least one.
	Nudges int `json:"nudges"`
	Nudged int `json:"nudged"`
	// Violations counts the replies on channels the customer never
	// offered.
	Violations int `json:"violations"`
	// Cells lists each metric's on-time rate and business-time
	// percentiles, over all obligations and per channel, party, owner,
	// team and week: ordered by metric (in the order of sla.Metrics),
	// dimension (in the order of the By constants) and value.
	Cells []Cell `json:"cells"`
	// Trend lists the on-time rate per week and channel over all
	// metrics, ordered by week, then channel.
	Trend []TrendPoint `json:"trend"`
	// Contacts lists each inquiry's touches and nudges, by arrival, then
	// inquiry ID.
	Contacts []Contact `json:"contacts"`
	// Cracks lists what a person forgot, over every status whatever its
	// arrival: one per inquiry, reason and obligation, ordered by due
	// time (those without an obligation by arrival), oldest first, then
	// inquiry ID, reason (in the order of the constants) and obligation.
	Cracks []Crack `json:"cracks"`
}

// A Rate is the share of decided obligations met on time within a group.
type Rate struct {
	// By names the grouping ("metric", "channel", "party" or "owner") and
	// Value the group ("first_reply", "email", "customer", "ann"; "" for
	// no owner or no party).
	By    string `json:"by"`
	Value string `json:"value"`
	// Decided counts the obligations met, met late or breached, and OnTime
	// those met.
	Decided int `json:"decided"`
	OnTime  int `json:"on_time"`
}

// Share returns OnTime/Decided, or 0 if nothing was decided.
func (r Rate) Share() float64 {
	if r.Decided == 0 {
		return 0
	}
	return float64(r.OnTime) / float64(r.Decided)
}

// Percentiles summarise a set of business-time durations: the nearest-rank
// 50th and 90th percentiles and the largest, over N values (all zero if N
// is 0). In JSON the durations are written as by time.Duration.String.
type Percentiles struct {
	N             int
	P50, P90, Max time.Duration
}

// MarshalJSON writes {"n": …, "p50": "1h30m0s", …}.
func (p Percentiles) MarshalJSON() ([]byte, error) {
	return json.Marshal(percentilesJSON{p.N, duration(p.P50), duration(p.P90), duration(p.Max)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Percentiles) UnmarshalJSON(b []byte) error {
	var v percentilesJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = Percentiles{N: v.N, P50: time.Duration(v.P50), P90: time.Duration(v.P90), Max: time.Duration(v.Max)}
	return nil
}

// percentilesJSON is the JSON form of Percentiles.
type percentilesJSON struct {
	N   int      `json:"n"`
	P50 duration `json:"p50"`
	P90 duration `json:"p90"`
	Max duration `json:"max"`
}

// Touches summarises the replies made to resolved inquiries before their
// resolution.
type Touches struct {
	// Inquiries counts the resolved inquiries, Total their replies, Max
	// the most any of them needed.
	Inquiries int `json:"inquiries"`
	Total     int `json:"total"`
	Max       int `json:"max"`
}

// Mean returns Total/Inquiries, or 0.
func (t Touches) Mean() float64 {
	if t.Inquiries == 0 {
		return 0
	}
	return float64(t.Total) / float64(t.Inquiries)
}

// New builds the report over statuses for the inquiries that arrived in
// [from, to) (a zero bound is no bound); see [Report]. Statuses may come
// in any order, one per inquiry; the report does not depend on their
// order.
func New(statuses []sla.Status, from, to time.Time) Report {
	rep := Report{From: from, To: to, Cracks: []Crack{}, Contacts: []Contact{}}
	type group struct{ by, value string }
	rates := map[group]*Rate{}
	count := func(by, value string, met bool) {
		g := group{by, value}
		r := rates[g]
		if r == nil {
			r = &Rate{By: by, Value: value}
			rates[g] = r
		}
		r.Decided++
		if met {
			r.OnTime++
		}
	}
	var firstReply, resolution []time.Duration
	var cells breakdown
	for i := range statuses {
		st := &statuses[i]
		rep.Cracks = cracksOf(rep.Cracks, st)
		recv := st.Received
		if (!from.IsZero() && recv.Before(from)) || (!to.IsZero() && !recv.Before(to)) {
			continue
		}
		rep.Inquiries++
		if st.Resolved {
			rep.Resolved++
			n := st.Counts.TouchesToResolve
			rep.Touches.Inquiries++
			rep.Touches.Total += n
			rep.Touches.Max = max(rep.Touches.Max, n)
		} else {
			rep.Open++
		}
		rep.Nudges += st.Counts.Nudges
		if st.Counts.Nudges > 0 {
			rep.Nudged++
		}
		rep.Violations += len(st.Violations)
		rep.Contacts = append(rep.Contacts, contactOf(st))
		for j := range st.Obligations {
			o := &st.Obligations[j]
			cells.add(st, o)
			if o.State == sla.Met || o.State == sla.MetLate {
				switch o.Key.Metric {
				case sla.FirstReply:
					firstReply = append(firstReply, o.Elapsed)
				case sla.Resolution:
					resolution = append(resolution, o.Elapsed)
				}
			}
			if o.State != sla.Met && o.State != sla.MetLate && o.State != sla.Breached {
				continue
			}
			met := o.State == sla.Met
			count("metric", string(o.Key.Metric), met)
			count("channel", string(st.Channel), met)
			count("party", string(st.Class.Party), met)
			count("owner", st.Owner, met)
		}
	}
	order := map[string]int{"metric": 0, "channel": 1, "party": 2, "owner": 3}
	rep.Rates = make([]Rate, 0, len(rates))
	for _, r := range rates {
		rep.Rates = append(rep.Rates, *r)
	}
	slices.SortFunc(rep.Rates, func(a, b Rate) int {
		return cmp.Or(cmp.Compare(order[a.By], order[b.By]), cmp.Compare(a.Value, b.Value))
	})
	rep.FirstReply = percentiles(firstReply)
	rep.Resolution = percentiles(resolution)
	rep.Cells, rep.Trend = cells.results()
	sortContacts(rep.Contacts)
	sortCracks(rep.Cracks)
	return rep
}

// percentiles returns the nearest-rank percentiles of ds, which it sorts.
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	rank := func(p int) time.Duration { return ds[(p*len(ds)+99)/100-1] }
	return Percentiles{N: len(ds), P50: rank(50), P90: rank(90), Max: ds[len(ds)-1]}
}

// WriteJSON writes the report to w as an indented JSON document: the
// Report's fields, with each rate's and cell's share and the touches'
// mean; every list is [] rather than null when empty.
func (r *Report) WriteJSON(w io.Writer) error {
	if w == nil {
		return errAt("", "", "", ErrNilWriter)
	}
	type rate struct {
		Rate
		Share float64 `json:"share"`
	}
	doc := struct {
		*Report
		Rates    []rate       `json:"rates"`
		Cells    []Cell       `json:"cells"`
		Trend    []TrendPoint `json:"trend"`
		Contacts []Contact    `json:"contacts"`
		Cracks   []Crack      `json:"cracks"`
		Touches  struct {
			Touches
			Mean float64 `json:"mean"`
		} `json:"touches"`
	}{Report: r}
	doc.Rates = make([]rate, len(r.Rates))
	for i, x := range r.Rates {
		doc.Rates[i] = rate{x, x.Share()}
	}
	doc.Cells, doc.Trend, doc.Contacts, doc.Cracks = nonNil(r.Cells), nonNil(r.Trend), nonNil(r.Contacts), nonNil(r.Cracks)
	doc.Touches.Touches, doc.Touches.Mean = r.Touches, r.Touches.Mean()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// nonNil returns s, or an empty slice for nil, so that JSON has [] rather
// than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
