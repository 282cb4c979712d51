package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/replyby/replyby/sla"
)

// A Comparison says what two policy sets, A and B, make of the same
// inquiries and logs: the on-time rates and business-time percentiles of
// each side by side, the escalations each would have fired and whom they
// would have paged, and every obligation whose state differs, with why.
// It answers "if we had promised e-mail answers in 8 business hours
// instead of 24, how many would we have missed, which ones, and who would
// have been paged?" before the change goes live. Build one with
// [Compare] or a [Comparer]; write it with [Comparison.WriteText],
// [Comparison.WriteJSON] or as CSV tables ([Comparison.Tables]).
type Comparison struct {
	// NameA and NameB are the caller's names for the two sets, for
	// output ("current", "proposed"); empty is "A" and "B".
	NameA string `json:"name_a,omitempty"`
	NameB string `json:"name_b,omitempty"`
	// From and To bound the window of arrival, [From, To); zero is no
	// bound.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// Inquiries counts the inquiries compared; Changed those with at
	// least one Change; PolicyChanged those under another policy in B
	// than in A (at the status instant).
	Inquiries     int `json:"inquiries"`
	Changed       int `json:"changed"`
	PolicyChanged int `json:"policy_changed"`
	// A and B total each set's figures over every metric.
	A Totals `json:"a"`
	B Totals `json:"b"`
	// Policies counts the inquiries under each policy (at the status
	// instant) in each set, ordered by policy name.
	Policies []PolicyCount `json:"policies"`
	// Cells pairs each set's cell for every metric and group, as
	// Report.Cells defines them, in the order of Report.Cells; a group
	// one set has no decided obligation in has a zero side.
	Cells []CellPair `json:"cells"`
	// Levels counts the escalation levels fired, per metric and level
	// name, and Notify the notifications per target (an escalation
	// notifies each target of its level's list once), each ordered by
	// metric (in the order of sla.Metrics), then name.
	Levels []LevelCount  `json:"levels"`
	Notify []NotifyCount `json:"notify"`
	// Transitions counts the Changes per metric and pair of states,
	// ordered by metric, then by count, most first, then states.
	Transitions []Transition `json:"transitions"`
	// Changes lists every obligation whose state differs between the
	// sets, ordered by the inquiry's arrival, its ID, then the
	// obligations in the order they started (those of B only after A's).
	Changes []Change `json:"changes"`
}

// Totals are one set's figures over all metrics.
type Totals struct {
	// Decided counts the obligations met, met late or breached; OnTime
	// those met; Breached those breached (still owed, or ended without
	// being met).
	Decided  int `json:"decided"`
	OnTime   int `json:"on_time"`
	Breached int `json:"breached"`
	// Escalations counts the levels fired, Notifications the targets
	// they notified (a level with two targets notifies twice).
	Escalations   int `json:"escalations"`
	Notifications int `json:"notifications"`
	// Violations counts the replies on channels the customer never
	// offered, as the set's reply rules and natural answers see them.
	Violations int `json:"violations"`
}

// Share returns OnTime/Decided, or 0 if nothing was decided.
func (t Totals) Share() float64 { return share(t.OnTime, t.Decided) }

// A PolicyCount is how many inquiries each set puts under a policy.
type PolicyCount struct {
	Policy string `json:"policy"`
	A      int    `json:"a"`
	B      int    `json:"b"`
}

// A CellPair is one metric and group's cell under each set.
type CellPair struct {
	Metric sla.Metric `json:"metric"`
	By     string     `json:"by"`
	Value  string     `json:"value"`
	A      Figures    `json:"a"`
	B      Figures    `json:"b"`
}

// Figures are a cell's figures under one set: see [Cell].
type Figures struct {
	Decided int         `json:"decided"`
	OnTime  int         `json:"on_time"`
	Elapsed Percentiles `json:"elapsed"`
}

// Share returns OnTime/Decided, or 0 if nothing was decided.
func (f Figures) Share() float64 { return share(f.OnTime, f.Decided) }

// A LevelCount is how often each set fires one level of a metric's
// ladders.
type LevelCount struct {
	Metric sla.Metric `json:"metric"`
	Level  string     `json:"level"`
	A      int        `json:"a"`
	B      int        `json:"b"`
}

// A NotifyCount is how often each set notifies one target.
type NotifyCount struct {
	Target string `json:"target"`
	A      int    `json:"a"`
	B      int    `json:"b"`
}

// A Transition counts the obligations of a metric in state A under set
// A and state B under set B ("" where the set has no such obligation).
type Transition struct {
	Metric sla.Metric `json:"metric"`
	A      sla.State  `json:"a,omitempty"`
	B      sla.State  `json:"b,omitempty"`
	N      int        `json:"n"`
}

// A ChangeReason says why an obligation's state differs between the
// sets: the first of these that holds.
type ChangeReason string

// Change reasons, in the order they are tried.
const (
	// TargetAdded: only B tracks the obligation (its policy sets a
	// target for the metric, A's none).
	TargetAdded ChangeReason = "target_added"
	// TargetRemoved: only A tracks the obligation.
	TargetRemoved ChangeReason = "target_removed"
	// PausedDifferently: its clock stands still under one set only (the
	// sets' statuses pause different metrics).
	PausedDifferently ChangeReason = "paused_differently"
	// DueEarlier: it is due earlier under B — a tighter budget, another
	// calendar, another policy.
	DueEarlier ChangeReason = "due_earlier"
	// DueLater: it is due later under B.
	DueLater ChangeReason = "due_later"
	// DoneDifferently: the same due time, but it was met or ended at
	// another instant, or only under one set: a reply counts under one
	// set's reply rule or natural answers only, a status resolves under
	// one only.
	DoneDifferently ChangeReason = "done_differently"
	// OtherRules: the same due and done instants; the sets' other rules
	// differ (a promise's resolve_keeps, a resolution's new cycle).
	OtherRules ChangeReason = "other_rules"
)

// A Change is one obligation whose state differs between the sets.
type Change struct {
	// InquiryID is the inquiry's ID; Channel the channel it came on;
	// Party and Owner are as of A's status instant; Received is when it
	// arrived.
	InquiryID string      `json:"inquiry_id"`
	Channel   sla.Channel `json:"channel"`
	Party     sla.Party   `json:"party,omitempty"`
	Owner     string      `json:"owner,omitempty"`
	Received  time.Time   `json:"received"`
	// Obligation is its key; Reason why its state differs.
	Obligation sla.Key      `json:"obligation"`
	Reason     ChangeReason `json:"reason"`
	// A and B are where it stands under each set.
	A Standing `json:"a"`
	B Standing `json:"b"`
}

// A Standing is where an obligation stands under one set: the policy in
// force, its state ("" if the set does not track it), its due time and
// when it was met or ended (zero for none).
type Standing struct {
	Policy string    `json:"policy"`
	State  sla.State `json:"state,omitempty"`
	Due    time.Time `json:"due,omitzero"`
	DoneAt time.Time `json:"done_at,omitzero"`
}

// Compare compares the statuses of the inquiries that arrived in [from,
// to) (a zero bound is no bound) under two policy sets: each pair is one
// inquiry's status under A and its status under B, evaluated from the
// same inquiry and log, at the same instant. Pairs may come in any
// order; the comparison does not depend on it. It is a [Comparer] fed
// every pair.
func Compare(pairs iter.Seq2[sla.Status, sla.Status], from, to time.Time) Comparison {
	c := NewComparer(from, to)
	for a, b := range pairs {
		c.Add(&a, &b)
	}
	return c.Comparison()
}

// A Comparer builds a [Comparison] one inquiry at a time, so that a month
// of history can be compared as it is read, without holding its statuses:
// what it keeps grows with the groups, the levels and targets, the
// business times of the obligations done (for the percentiles: some 50
// bytes an obligation) and the changes, not with the logs. The zero
// Comparer is not usable; a Comparer is not safe for concurrent use.
type Comparer struct {
	from, to   time.Time
	cmp        Comparison
	a, b       breakdown
	policies   map[string]*PolicyCount
	levels     map[levelKey]*LevelCount
	notify     map[string]*NotifyCount
	trans      map[Transition]int
	changeRank []changeRank
}

type levelKey struct {
	metric sla.Metric
	level  string
}

// changeRank orders the changes: by arrival, inquiry, then the order of
// the inquiry's obligations.
type changeRank struct {
	received time.Time
	id       string
	seq      int // the change's place among all changes, for ties
}

// NewComparer returns a Comparer of the inquiries that arrive in [from,
// to); a zero bound is no bound.
func NewComparer(from, to time.Time) *Comparer {
	return &Comparer{
		from: from, to: to, cmp: Comparison{From: from, To: to},
		policies: map[string]*PolicyCount{}, levels: map[levelKey]*LevelCount{},
		notify: map[string]*NotifyCount{}, trans: map[Transition]int{},
	}
}

// Add counts one inquiry: a is its status under set A and b under set B,
// evaluated from the same inquiry and log at the same instant. An
// inquiry that arrived outside the window (by a's Received) is left out.
// The statuses are read, not kept. A nil status is not an inquiry's:
// Add with a or b nil counts nothing.
func (c *Comparer) Add(a, b *sla.Status) {
	if a == nil || b == nil {
		return
	}
	if !c.from.IsZero() && a.Received.Before(c.from) || !c.to.IsZero() && !a.Received.Before(c.to) {
		return
	}
	c.cmp.Inquiries++
	if a.Policy != b.Policy {
		c.cmp.PolicyChanged++
	}
	c.side(a, &c.a, &c.cmp.A, 0)
	c.side(b, &c.b, &c.cmp.B, 1)

	changed := false
	for i := range a.Obligations {
		oa := &a.Obligations[i]
		ob := find(b, oa.Key)
		if ob != nil && ob.State == oa.State {
			continue
		}
		c.change(a, b, oa, ob)
		changed = true
	}
	for i := range b.Obligations {
		ob := &b.Obligations[i]
		if find(a, ob.Key) == nil {
			c.change(a, b, nil, ob)
			changed = true
		}
	}
	if changed {
		c.cmp.Changed++
	}
}

// find returns st's obligation with key k, or nil.
func find(st *sla.Status, k sla.Key) *sla.Obligation {
	for i := range st.Obligations {
		if st.Obligations[i].Key == k {
			return &st.Obligations[i]
		}
	}
	return nil
}

// side counts one set's status: its totals, cells, policy, levels and
// notifications.
func (c *Comparer) side(st *sla.Status, b *breakdown, t *Totals, which int) {
	pc := c.policies[st.Policy]
	if pc == nil {
		pc = &PolicyCount{Policy: st.Policy}
		c.policies[st.Policy] = pc
	}
	bump := func(a, b *int) {
		if which == 0 {
			*a++
		} else {
			*b++
		}
	}
	bump(&pc.A, &pc.B)
	t.Violations += len(st.Violations)
	for i := range st.Obligations {
		o := &st.Obligations[i]
		switch o.State {
		case sla.Met:
			t.Decided++
			t.OnTime++
		case sla.MetLate:
			t.Decided++
		case sla.Breached:
			t.Decided++
			t.Breached++
		}
		b.add(st, o)
		for _, e := range o.Escalations {
			k := levelKey{o.Key.Metric, e.Level}
			lc := c.levels[k]
			if lc == nil {
				lc = &LevelCount{Metric: k.metric, Level: k.level}
				c.levels[k] = lc
			}
			bump(&lc.A, &lc.B)
			t.Escalations++
			for _, target := range e.Notify {
				nc := c.notify[target]
				if nc == nil {
					nc = &NotifyCount{Target: target}
					c.notify[target] = nc
				}
				bump(&nc.A, &nc.B)
				t.Notifications++
			}
		}
	}
}

// change records an obligation whose state differs: oa under A and ob
// under B, one of them nil if that set does not track it.
func (c *Comparer) change(a, b *sla.Status, oa, ob *sla.Obligation) {
	ch := Change{
		InquiryID: a.InquiryID, Channel: a.Channel, Party: a.Class.Party, Owner: a.Owner, Received: a.Received,
		A: Standing{Policy: a.Policy}, B: Standing{Policy: b.Policy},
	}
	if oa != nil {
		ch.Obligation = oa.Key
		ch.A.State, ch.A.Due, ch.A.DoneAt = oa.State, oa.Due, oa.DoneAt
	}
	if ob != nil {
		ch.Obligation = ob.Key
		ch.B.State, ch.B.Due, ch.B.DoneAt = ob.State, ob.Due, ob.DoneAt
	}
	ch.Reason = reason(oa, ob)
	c.trans[Transition{Metric: ch.Obligation.Metric, A: ch.A.State, B: ch.B.State}]++
	c.changeRank = append(c.changeRank, changeRank{a.Received, a.InquiryID, len(c.cmp.Changes)})
	c.cmp.Changes = append(c.cmp.Changes, ch)
}

// reason says why oa and ob differ: the first ChangeReason that holds.
func reason(oa, ob *sla.Obligation) ChangeReason {
	switch {
	case oa == nil:
		return TargetAdded
	case ob == nil:
		return TargetRemoved
	case (oa.State == sla.Paused) != (ob.State == sla.Paused):
		return PausedDifferently
	case !oa.Due.IsZero() && !ob.Due.IsZero() && ob.Due.Before(oa.Due):
		return DueEarlier
	case !oa.Due.IsZero() && !ob.Due.IsZero() && ob.Due.After(oa.Due):
		return DueLater
	case !oa.DoneAt.Equal(ob.DoneAt):
		return DoneDifferently
	}
	return OtherRules
}

// Comparison returns the comparison of the inquiries added so far. The
// Comparer may go on being fed afterwards.
func (c *Comparer) Comparison() Comparison {
	out := c.cmp
	out.Policies = sortedValues(c.policies, func(x, y PolicyCount) int { return cmp.Compare(x.Policy, y.Policy) })
	out.Levels = sortedValues(c.levels, func(x, y LevelCount) int {
		return cmp.Or(cmp.Compare(metricRank(x.Metric), metricRank(y.Metric)), cmp.Compare(x.Metric, y.Metric), cmp.Compare(x.Level, y.Level))
	})
	out.Notify = sortedValues(c.notify, func(x, y NotifyCount) int { return cmp.Compare(x.Target, y.Target) })
	out.Transitions = make([]Transition, 0, len(c.trans))
	for t, n := range c.trans {
		t.N = n
		out.Transitions = append(out.Transitions, t)
	}
	slices.SortFunc(out.Transitions, func(x, y Transition) int {
		return cmp.Or(cmp.Compare(metricRank(x.Metric), metricRank(y.Metric)), cmp.Compare(x.Metric, y.Metric),
			cmp.Compare(y.N, x.N), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	// results sorts the business times it holds in place, which does
	// not change what it counts: the Comparer may go on.
	cellsA, _ := c.a.results()
	cellsB, _ := c.b.results()
	out.Cells = pairCells(cellsA, cellsB)

	ranks := slices.Clone(c.changeRank)
	slices.SortFunc(ranks, func(x, y changeRank) int {
		return cmp.Or(x.received.Compare(y.received), cmp.Compare(x.id, y.id), cmp.Compare(x.seq, y.seq))
	})
	out.Changes = make([]Change, len(ranks))
	for i, r := range ranks {
		out.Changes[i] = c.cmp.Changes[r.seq]
	}
	return out
}

// pairCells pairs the cells of two breakdowns, each ordered as
// Report.Cells, by metric, dimension and value.
func pairCells(a, b []Cell) []CellPair {
	order := func(x, y Cell) int {
		return cmp.Or(cmp.Compare(metricRank(x.Metric), metricRank(y.Metric)), cmp.Compare(x.Metric, y.Metric),
			cmp.Compare(slices.Index(dimensions, x.By), slices.Index(dimensions, y.By)), cmp.Compare(x.Value, y.Value))
	}
	figures := func(c Cell) Figures { return Figures{Decided: c.Decided, OnTime: c.OnTime, Elapsed: c.Elapsed} }
	out := make([]CellPair, 0, max(len(a), len(b)))
	for len(a) > 0 || len(b) > 0 {
		var c int
		switch {
		case len(a) == 0:
			c = 1
		case len(b) == 0:
			c = -1
		default:
			c = order(a[0], b[0])
		}
		switch {
		case c < 0:
			out = append(out, CellPair{Metric: a[0].Metric, By: a[0].By, Value: a[0].Value, A: figures(a[0])})
			a = a[1:]
		case c > 0:
			out = append(out, CellPair{Metric: b[0].Metric, By: b[0].By, Value: b[0].Value, B: figures(b[0])})
			b = b[1:]
		default:
			out = append(out, CellPair{Metric: a[0].Metric, By: a[0].By, Value: a[0].Value, A: figures(a[0]), B: figures(b[0])})
			a, b = a[1:], b[1:]
		}
	}
	return out
}

// sortedValues returns the values m points to, sorted by order.
func sortedValues[K comparable, V any](m map[K]*V, order func(x, y V) int) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	slices.SortFunc(out, order)
	return out
}

// MarshalJSON writes the totals with their share.
func (t Totals) MarshalJSON() ([]byte, error) {
	type plain Totals
	return json.Marshal(struct {
		plain
		Share float64 `json:"share"`
	}{plain(t), t.Share()})
}

// MarshalJSON writes the figures with their share.
func (f Figures) MarshalJSON() ([]byte, error) {
	type plain Figures
	return json.Marshal(struct {
		plain
		Share float64 `json:"share"`
	}{plain(f), f.Share()})
}

// names returns the names of the sets for output: NameA and NameB, or
// "A" and "B".
func (c *Comparison) names() (string, string) {
	return cmp.Or(c.NameA, "A"), cmp.Or(c.NameB, "B")
}

// WriteJSON writes the comparison to w as an indented JSON document: the
// Comparison's fields, with each side's share (Totals.Share,
// Figures.Share); every list is [] rather than null when empty.
func (c *Comparison) WriteJSON(w io.Writer) error {
	if w == nil {
		return errAt("", "", "", ErrNilWriter)
	}
	doc := *c
	doc.Policies, doc.Cells, doc.Levels = nonNil(c.Policies), nonNil(c.Cells), nonNil(c.Levels)
	doc.Notify, doc.Transitions, doc.Changes = nonNil(c.Notify), nonNil(c.Transitions), nonNil(c.Changes)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Tables returns the comparison as tables, each with a column per set
// (named by the JSON names: "a", "b", or "a.decided" and "b.decided"
// for a side's figures):
//
//   - "comparison", one figure a row with its value under A and B:
//     name, from, to, inquiries, changed and policy_changed (the same in
//     both columns: they are of the pair), then each side's Totals
//     (decided, on_time, share, breached, escalations, notifications,
//     violations);
//   - "policies", "cells", "levels", "notify", "transitions" and
//     "changes": one row per element of the field of that name.
func (c *Comparison) Tables() []Table {
	nameA, nameB := c.names()
	summary := Table{Name: "comparison", Header: []string{"figure", "a", "b"}}
	both := func(name, v string) { summary.Rows = append(summary.Rows, []string{name, v, v}) }
	each := func(name, a, b string) { summary.Rows = append(summary.Rows, []string{name, a, b}) }
	each("name", nameA, nameB)
	both("from", instantText(c.From))
	both("to", instantText(c.To))
	both("inquiries", itoa(c.Inquiries))
	both("changed", itoa(c.Changed))
	both("policy_changed", itoa(c.PolicyChanged))
	each("decided", itoa(c.A.Decided), itoa(c.B.Decided))
	each("on_time", itoa(c.A.OnTime), itoa(c.B.OnTime))
	each("share", shareText(c.A.Share()), shareText(c.B.Share()))
	each("breached", itoa(c.A.Breached), itoa(c.B.Breached))
	each("escalations", itoa(c.A.Escalations), itoa(c.B.Escalations))
	each("notifications", itoa(c.A.Notifications), itoa(c.B.Notifications))
	each("violations", itoa(c.A.Violations), itoa(c.B.Violations))

	policies := Table{Name: "policies", Header: []string{"policy", "a", "b"}, Rows: [][]string{}}
	for _, p := range c.Policies {
		policies.Rows = append(policies.Rows, []string{p.Policy, itoa(p.A), itoa(p.B)})
	}

	header := []string{"metric", "by", "value"}
	for _, side := range []string{"a.", "b."} {
		for _, col := range []string{"decided", "on_time", "share", "elapsed.n", "elapsed.p50", "elapsed.p90", "elapsed.max"} {
			header = append(header, side+col)
		}
	}
	cells := Table{Name: "cells", Header: header, Rows: [][]string{}}
	for _, p := range c.Cells {
		row := []string{string(p.Metric), p.By, p.Value}
		for _, f := range []Figures{p.A, p.B} {
			row = append(row, itoa(f.Decided), itoa(f.OnTime), shareText(f.Share()),
				itoa(f.Elapsed.N), f.Elapsed.P50.String(), f.Elapsed.P90.String(), f.Elapsed.Max.String())
		}
		cells.Rows = append(cells.Rows, row)
	}

	levels := Table{Name: "levels", Header: []string{"metric", "level", "a", "b"}, Rows: [][]string{}}
	for _, l := range c.Levels {
		levels.Rows = append(levels.Rows, []string{string(l.Metric), l.Level, itoa(l.A), itoa(l.B)})
	}
	notify := Table{Name: "notify", Header: []string{"target", "a", "b"}, Rows: [][]string{}}
	for _, n := range c.Notify {
		notify.Rows = append(notify.Rows, []string{n.Target, itoa(n.A), itoa(n.B)})
	}
	transitions := Table{Name: "transitions", Header: []string{"metric", "a", "b", "n"}, Rows: [][]string{}}
	for _, t := range c.Transitions {
		transitions.Rows = append(transitions.Rows, []string{string(t.Metric), string(t.A), string(t.B), itoa(t.N)})
	}
	changes := Table{Name: "changes", Header: []string{"inquiry_id", "channel", "party", "owner", "received", "obligation", "reason",
		"a.policy", "a.state", "a.due", "a.done_at", "b.policy", "b.state", "b.due", "b.done_at"}, Rows: [][]string{}}
	for _, ch := range c.Changes {
		changes.Rows = append(changes.Rows, []string{ch.InquiryID, string(ch.Channel), string(ch.Party), ch.Owner, instantText(ch.Received),
			keyText(ch.Obligation), string(ch.Reason),
			ch.A.Policy, string(ch.A.State), instantText(ch.A.Due), instantText(ch.A.DoneAt),
			ch.B.Policy, string(ch.B.State), instantText(ch.B.Due), instantText(ch.B.DoneAt)})
	}
	return []Table{summary, policies, cells, levels, notify, transitions, changes}
}

// WriteText writes the comparison to w as aligned plain-text tables, A's
// column beside B's, each headed by the set's name: the totals; the
// inquiries under each policy; each metric's on-time rate and
// business-time percentiles over all its obligations and per channel,
// party and owner (the cells by team and week are in the JSON and CSV
// only), with the change of the rate in points ("-" where a side has
// nothing decided, or a percentile nothing done); the escalation levels
// fired and the notifications per target; the changes counted by pair
// of states; and the list of changes, one obligation a line, with the
// state and due time under each set and the reason. If the list holds
// fewer changes than the transitions count (a caller may shorten it), a
// last line says how many more there are. Instants print in their own
// location, as "2006-01-02 15:04".
func (c *Comparison) WriteText(w io.Writer) error {
	if w == nil {
		return errAt("", "", "", ErrNilWriter)
	}
	nameA, nameB := c.names()
	bound := func(t time.Time) string {
		if t.IsZero() {
			return "…"
		}
		return t.Format(textStamp)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("inquiries received %s to %s\t%d\n", bound(c.From), bound(c.To), c.Inquiries)
	p("with a change\t%d\n", c.Changed)
	p("under another policy\t%d\n", c.PolicyChanged)
	p("\n\t%s\t%s\n", nameA, nameB)
	p("decided\t%d\t%d\n", c.A.Decided, c.B.Decided)
	p("on time\t%d\t%d\n", c.A.OnTime, c.B.OnTime)
	p("on-time rate\t%.1f%%\t%.1f%%\n", 100*c.A.Share(), 100*c.B.Share())
	p("breached\t%d\t%d\n", c.A.Breached, c.B.Breached)
	p("escalations\t%d\t%d\n", c.A.Escalations, c.B.Escalations)
	p("notifications\t%d\t%d\n", c.A.Notifications, c.B.Notifications)
	p("violations\t%d\t%d\n", c.A.Violations, c.B.Violations)
	if len(c.Policies) > 0 {
		p("\npolicy\t%s\t%s\n", nameA, nameB)
		for _, x := range c.Policies {
			p("%s\t%d\t%d\n", x.Policy, x.A, x.B)
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}

	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p("\non time\tby\tvalue\t%s\tp50\tp90\t%s\tp50\tp90\tchange\n", nameA, nameB)
	rows := 0
	for _, x := range c.Cells {
		if x.By != ByAll && x.By != ByChannel && x.By != ByParty && x.By != ByOwner {
			continue
		}
		rows++
		v := x.Value
		switch {
		case x.By == ByAll:
			v = "-"
		case v == "":
			v = "(none)"
		}
		p("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.Metric, x.By, v,
			rateText(x.A), pText(x.A.Elapsed, x.A.Elapsed.P50), pText(x.A.Elapsed, x.A.Elapsed.P90),
			rateText(x.B), pText(x.B.Elapsed, x.B.Elapsed.P50), pText(x.B.Elapsed, x.B.Elapsed.P90), pointsText(x.A, x.B))
	}
	if rows == 0 {
		p("(none)\n")
	}
	p("\nescalation\tlevel\t%s\t%s\n", nameA, nameB)
	for _, x := range c.Levels {
		p("%s\t%s\t%d\t%d\n", x.Metric, x.Level, x.A, x.B)
	}
	if len(c.Levels) == 0 {
		p("(none)\n")
	}
	p("\nnotified\t\t%s\t%s\n", nameA, nameB)
	for _, x := range c.Notify {
		p("%s\t\t%d\t%d\n", x.Target, x.A, x.B)
	}
	if len(c.Notify) == 0 {
		p("(none)\n")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}

	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	total := 0
	p("\nchanged\t%s\t%s\tobligations\n", nameA, nameB)
	for _, x := range c.Transitions {
		total += x.N
		p("%s\t%s\t%s\t%d\n", x.Metric, stateText(x.A), stateText(x.B), x.N)
	}
	if len(c.Transitions) == 0 {
		p("(none)\n")
	}
	if len(c.Changes) > 0 {
		p("\ninquiry\tchannel\towner\tobligation\t%s\t%s\twhy\n", nameA, nameB)
		for _, ch := range c.Changes {
			p("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ch.InquiryID, ch.Channel, orDash(ch.Owner), keyText(ch.Obligation),
				standingText(ch.A), standingText(ch.B), ch.Reason)
		}
	}
	if more := total - len(c.Changes); more > 0 {
		p("… and %d more changes\n", more)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// rateText writes a side's on-time figures as "5/6 83.3%", "-" if
// nothing was decided.
func rateText(f Figures) string {
	if f.Decided == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d %.1f%%", f.OnTime, f.Decided, 100*f.Share())
}

// pText writes a percentile d of p, "-" if p holds no value.
func pText(p Percentiles, d time.Duration) string {
	if p.N == 0 {
		return "-"
	}
	return d.String()
}

// pointsText writes the change of the on-time rate from a to b in
// percentage points, "+0.0" for none; "-" if a side decided nothing.
func pointsText(a, b Figures) string {
	if a.Decided == 0 || b.Decided == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.1f pts", 100*(b.Share()-a.Share()))
}

// stateText writes a state, "-" for an obligation a set does not track.
func stateText(s sla.State) string {
	if s == "" {
		return "-"
	}
	return string(s)
}

// standingText writes where an obligation stands under one set: its
// state and due time, "breached (due 2026-11-23 13:00)", or "-".
func standingText(s Standing) string {
	if s.State == "" {
		return "-"
	}
	if s.Due.IsZero() {
		return string(s.State)
	}
	return string(s.State) + " (due " + s.Due.Format(textStamp) + ")"
}
