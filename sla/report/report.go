package report

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/replyby/replyby/sla"
)

// A Report says how well a desk kept its word to the inquiries that
// arrived in a window, and which open inquiries have fallen through the
// cracks. Build one with [New] from statuses (see the ledger's
// Statuses, or evaluate the host's own); write it with [Report.WriteText]
// or [Report.WriteJSON].
//
// What counts where:
//
//   - The window selects inquiries by arrival: Received in [From, To), a
//     zero bound being no bound. Every figure but Cracks is over those.
//   - An obligation is decided when it is Met, MetLate or Breached (open
//     and cancelled ones are left out); it is on time when Met. Rates are
//     over decided obligations, per metric, and per channel the inquiry
//     came on, party and owner (at the status instant) over all metrics.
//   - FirstReply and Resolution are percentiles of the business time
//     (Obligation.Elapsed) of first-reply and resolution obligations done,
//     met or met late.
//   - Touches counts, per resolved inquiry, the replies up to its latest
//     resolution (sla.Counts.TouchesToResolve).
//   - Nudges and Violations are tallies of the statuses' Counts.Nudges
//     and Violations.
//   - Cracks lists, over every status whatever its arrival, each open
//     inquiry with no owner, never answered by a person, or with a broken
//     promise still unkept, oldest first.
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
	// Cracks lists the open inquiries that need a person, oldest first.
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
	return json.Marshal(struct {
		N   int    `json:"n"`
		P50 string `json:"p50"`
		P90 string `json:"p90"`
		Max string `json:"max"`
	}{p.N, p.P50.String(), p.P90.String(), p.Max.String()})
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

// A CrackReason says why an open inquiry needs a person.
type CrackReason string

// Crack reasons.
const (
	// NoOwner: nobody is assigned.
	NoOwner CrackReason = "no_owner"
	// NeverAnswered: no person has answered the way the customer asked:
	// the first reply is not met and no reply went out on a channel the
	// customer offered (one on a channel never offered does not count).
	NeverAnswered CrackReason = "never_answered"
	// PromiseOverdue: a promise is past its due time and still unkept.
	PromiseOverdue CrackReason = "promise_overdue"
)

// A Crack is an open inquiry that needs a person, and why.
type Crack struct {
	// InquiryID is the inquiry's ID; Channel the channel it came on;
	// Party and Owner are as of its status instant.
	InquiryID string      `json:"inquiry_id"`
	Channel   sla.Channel `json:"channel"`
	Party     sla.Party   `json:"party,omitempty"`
	Owner     string      `json:"owner,omitempty"`
	Received  time.Time   `json:"received"`
	// Reasons says what is wrong, in the order of the constants.
	Reasons []CrackReason `json:"reasons"`
}

// New builds the report over statuses for the inquiries that arrived in
// [from, to) (a zero bound is no bound); see [Report]. Statuses may come
// in any order, one per inquiry.
func New(statuses []sla.Status, from, to time.Time) Report {
	rep := Report{From: from, To: to}
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
	for i := range statuses {
		st := &statuses[i]
		if open := !st.Resolved; open {
			if c, ok := crack(st); ok {
				rep.Cracks = append(rep.Cracks, c)
			}
		}
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
		for _, o := range st.Obligations {
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
	for _, r := range rates {
		rep.Rates = append(rep.Rates, *r)
	}
	slices.SortFunc(rep.Rates, func(a, b Rate) int {
		return cmp.Or(cmp.Compare(order[a.By], order[b.By]), cmp.Compare(a.Value, b.Value))
	})
	rep.FirstReply = percentiles(firstReply)
	rep.Resolution = percentiles(resolution)
	slices.SortFunc(rep.Cracks, func(a, b Crack) int {
		return cmp.Or(a.Received.Compare(b.Received), cmp.Compare(a.InquiryID, b.InquiryID))
	})
	return rep
}

// crack returns the crack an open inquiry's status shows, if any.
func crack(st *sla.Status) (Crack, bool) {
	c := Crack{InquiryID: st.InquiryID, Channel: st.Channel, Party: st.Class.Party, Owner: st.Owner, Received: st.Received}
	if st.Owner == "" {
		c.Reasons = append(c.Reasons, NoOwner)
	}
	if neverAnswered(st) {
		c.Reasons = append(c.Reasons, NeverAnswered)
	}
	if slices.ContainsFunc(st.Obligations, func(o sla.Obligation) bool { return o.Key.Metric == sla.PromiseKept && o.State == sla.Breached }) {
		c.Reasons = append(c.Reasons, PromiseOverdue)
	}
	return c, len(c.Reasons) > 0
}

// neverAnswered reports whether the customer has had no reply: none met
// the first reply, and none was sent on a channel the customer offered (a
// reply after the first reply was cancelled — resolved without a word,
// then reopened — does answer; one on a channel never offered does not).
func neverAnswered(st *sla.Status) bool {
	for _, o := range st.Obligations {
		if o.Key.Metric == sla.FirstReply && (o.State == sla.Met || o.State == sla.MetLate) {
			return false
		}
	}
	return st.Counts.Touches-len(st.Violations) <= 0
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

// WriteJSON writes the report to w as an indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	if w == nil {
		return errors.New("report: nil writer")
	}
	type rate struct {
		Rate
		Share float64 `json:"share"`
	}
	doc := struct {
		*Report
		Rates   []rate  `json:"rates"`
		Cracks  []Crack `json:"cracks"`
		Touches struct {
			Touches
			Mean float64 `json:"mean"`
		} `json:"touches"`
	}{Report: r}
	doc.Rates = make([]rate, len(r.Rates))
	for i, x := range r.Rates {
		doc.Rates[i] = rate{x, x.Share()}
	}
	doc.Cracks = r.Cracks
	if doc.Cracks == nil {
		doc.Cracks = []Crack{} // [] rather than null, like rates
	}
	doc.Touches.Touches, doc.Touches.Mean = r.Touches, r.Touches.Mean()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// WriteText writes the report to w as aligned plain-text tables: the
// counts, the on-time rates, the business-time percentiles, and the
// cracks, one per line with what is wrong. Instants print in their own
// location, as "2006-01-02 15:04".
func (r *Report) WriteText(w io.Writer) error {
	if w == nil {
		return errors.New("report: nil writer")
	}
	const stamp = "2006-01-02 15:04"
	bound := func(t time.Time) string {
		if t.IsZero() {
			return "…"
		}
		return t.Format(stamp)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("inquiries received %s to %s\t%d\n", bound(r.From), bound(r.To), r.Inquiries)
	p("resolved\t%d\nopen\t%d\n", r.Resolved, r.Open)
	p("nudges\t%d (in %d inquiries)\n", r.Nudges, r.Nudged)
	p("violations\t%d\n", r.Violations)
	p("touches before resolution\tmean %.1f, max %d (%d inquiries)\n", r.Touches.Mean(), r.Touches.Max, r.Touches.Inquiries)
	p("\nbusiness time\tn\tp50\tp90\tmax\n")
	for _, x := range []struct {
		name string
		p    Percentiles
	}{{"first reply", r.FirstReply}, {"resolution", r.Resolution}} {
		p("%s\t%d\t%v\t%v\t%v\n", x.name, x.p.N, x.p.P50, x.p.P90, x.p.Max)
	}
	p("\non time by\tvalue\tdecided\ton time\trate\n")
	for _, x := range r.Rates {
		v := x.Value
		if v == "" {
			v = "(none)"
		}
		p("%s\t%s\t%d\t%d\t%.1f%%\n", x.By, v, x.Decided, x.OnTime, 100*x.Share())
	}
	p("\ncracks\tchannel\tparty\towner\treceived\twhy\n")
	for _, c := range r.Cracks {
		why := make([]string, len(c.Reasons))
		for i, x := range c.Reasons {
			why[i] = string(x)
		}
		owner := c.Owner
		if owner == "" {
			owner = "-"
		}
		party := string(c.Party)
		if party == "" {
			party = "-"
		}
		p("%s\t%s\t%s\t%s\t%s\t%s\n", c.InquiryID, c.Channel, party, owner, c.Received.Format(stamp), strings.Join(why, ", "))
	}
	if len(r.Cracks) == 0 {
		p("(none)\n")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
