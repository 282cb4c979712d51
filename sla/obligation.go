package sla

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/replyby/replyby/calendar"
)

// A stop is a span in which some clocks stood still: metrics paused by
// the host status (mask, 1 << metric index), or everything of the
// resolution while resolved. to is zero while it lasts. Stops are kept
// only as far back as an obligation that might be tracked again needs
// them (see evaluator.trimStops).
type stop struct {
	from, to time.Time
	mask     uint8
	resolved bool
}

// A seg is a piece of a tracked obligation's clock history: from at, the
// clock had used e of business time, and ran in cal if runs (else stood
// still), until the next seg. The history lets the instant at which the
// clock reached a budget be found after the fact, when a budget given
// later (a Reclassify, an Override, a target gained) was already spent.
type seg struct {
	at   time.Time
	e    time.Duration
	cal  *calendar.Calendar
	runs bool
	met  bool // stood still because it was met
}

// A segs is a clock's history, in time order: the first two segments
// inline (most obligations have no more: tracked, then met), the rest in
// more.
type segs struct {
	in   [2]seg
	n    uint8 // in[:n] are used
	more []seg
}

func (h *segs) len() int { return int(h.n) + len(h.more) }

func (h *segs) get(i int) seg {
	if i < int(h.n) {
		return h.in[i]
	}
	return h.more[i-int(h.n)]
}

func (h *segs) set(i int, g seg) {
	if i < int(h.n) {
		h.in[i] = g
	} else {
		h.more[i-int(h.n)] = g
	}
}

func (h *segs) push(g seg) {
	if int(h.n) < len(h.in) && h.more == nil {
		h.in[h.n] = g
		h.n++
		return
	}
	h.more = append(h.more, g)
}

// An oblig is an obligation in the evaluator's working set: one that can
// still change. Obligations are created for every metric some policy of
// the set targets, whether or not the policy in force does (tgt nil), so
// that one can gain a target on Reclassify; appointments and promises are
// created always, so that the events naming them find them. Once nothing
// can change an obligation any more it leaves the working set, as its
// final Obligation (see evaluator.archive).
type oblig struct {
	key     Key
	seq     int       // order of start among the inquiry's obligations
	start   time.Time // when its clock started
	base    time.Time // the promised or scheduled time (promises, appointments)
	from    time.Time // start of a promise's window
	ref     string    // name of a promise or an appointment
	ch      Channel   // channel of a promise to get back, or of an appointment
	action  bool      // a promise to do something
	tgt     *compiledTarget
	cal     *calendar.Calendar
	calName string
	tracked bool          // it has had a target
	budget  time.Duration // business time allowed
	floor   time.Time     // due no earlier: the promised or appointed time plus grace, a day-based target's end, an override's due

	running   bool
	segStart  time.Time     // when the clock last started, if running
	e0        time.Duration // business time used before segStart
	stoppedAt time.Time     // when the clock last stopped
	paused    time.Duration // business time stood still, up to stoppedAt

	done       bool // met (a resolution may be reopened)
	cancelled  bool
	halted     bool // breached, then no longer owed
	lapsed     bool // cancelled or halted by the loss of its target, and still needed: a target tracks it again
	overridden bool // its due time was moved by an Override: kept across a Reclassify
	doneAt     time.Time
	breached   bool
	due        time.Time
	outcome    Outcome

	firedBits uint64           // levels of tgt's ladder that fired
	order     [MaxLevels]uint8 // tgt's levels by threshold, for the budget
	levels    uint8            // how many of order are set
	k         uint8            // order[:k] have fired
	next      time.Time        // the next threshold its clock crosses
	nextLevel int              // the level at next, -1 for the breach
	nudges    int              // customer messages that chased it
	escs      []Escalation     // levels that fired, in order
	vios      []Violation      // replies on channels never offered while it was owed
	revisions []Revision       // due times moved
	hist      segs             // the clock's history since it was tracked
}

func (o *oblig) closed() bool { return o.done || o.cancelled || o.halted }

// live reports whether o has a target and can still change with time.
func (o *oblig) live() bool { return o.tgt != nil && !o.closed() }

func (o *oblig) elapsedAt(t time.Time) time.Duration {
	if o.running {
		return o.e0 + o.cal.Between(o.segStart, t)
	}
	return o.e0
}

// mark records in o's history, if it is tracked, the state of its clock
// from t on.
func (o *oblig) mark(t time.Time) {
	if !o.tracked {
		return
	}
	e := o.e0 // the clock was just set at t, as a rule
	if o.running && o.segStart.Before(t) {
		e = o.elapsedAt(t)
	}
	g := seg{at: t, e: e, cal: o.cal, runs: o.running, met: o.done}
	if n := o.hist.len(); n > 0 && !o.hist.get(n-1).at.Before(t) {
		o.hist.set(n-1, g)
		return
	}
	o.hist.push(g)
}

// reached returns the first instant at which o's clock had used b of
// business time, by its history; ok is false if it has not (yet).
func (o *oblig) reached(b time.Duration) (t time.Time, ok bool) {
	h := &o.hist
	n := h.len()
	end := func(i int) time.Duration { // business time used at the end of segment i
		if i+1 < n {
			return h.get(i + 1).e
		}
		if h.get(i).runs {
			return math.MaxInt64
		}
		return h.get(i).e
	}
	// The first segment at whose end b was reached.
	i := sort.Search(n, func(i int) bool { return end(i) >= b })
	if i == n {
		return time.Time{}, false
	}
	g := h.get(i)
	if i == 0 && b < g.e {
		// A budget short of what the clock had when tracked (an
		// Override to a time before the start): as if it had run
		// before, in its calendar.
		return o.cal.Add(g.at, b-g.e), true
	}
	if b <= g.e || !g.runs {
		return g.at, true
	}
	t = g.cal.Add(g.at, b-g.e)
	if i+1 < n && h.get(i+1).met && !t.Before(h.get(i+1).at) {
		// Met with no time left: it was not due while met, but at
		// the Reopen that followed, if any.
		if i+2 < n {
			return h.get(i + 2).at, true
		}
		return time.Time{}, false
	}
	return t, true
}

// budgetTo returns the budget that makes o, its clock set at r, due at
// floor: the business time its clock will have used by then if it runs
// from r, or, for a floor before r, the business time it had used then,
// by its history.
func (o *oblig) budgetTo(r, floor time.Time) time.Duration {
	if !floor.Before(r) {
		return o.e0 + o.cal.Between(r, floor)
	}
	h := &o.hist
	n := h.len()
	i := sort.Search(n, func(i int) bool { return h.get(i).at.After(floor) }) - 1
	if i < 0 {
		// Before it was tracked (an Override to a time before its
		// start): as if it had run before, in its calendar.
		if n == 0 {
			return o.e0 + o.cal.Between(r, floor)
		}
		return h.get(0).e + o.cal.Between(h.get(0).at, floor)
	}
	if g := h.get(i); g.runs {
		return g.e + g.cal.Between(g.at, floor)
	}
	return h.get(i).e
}

// target returns the target the policy in force sets for o.
func (ev *evaluator) target(o *oblig) *compiledTarget {
	p := &ev.ps.compiled[ev.pol]
	if o.key.Team != "" {
		return p.teams[o.key.Team]
	}
	return p.targets[o.key.Metric.index()]
}

// calendarOf returns the calendar target t counts in, and its name.
func (ev *evaluator) calendarOf(t *compiledTarget) (*calendar.Calendar, string) {
	if t.CustomerCalendar && ev.custCal != nil {
		return ev.custCal, ev.inq.Calendar
	}
	if t.InCustomerZone && ev.zonedCals != nil {
		return ev.placed(t.cal), t.Calendar + "@" + ev.zone
	}
	return t.cal, t.Calendar
}

// retarget gives obligation i the target of the policy in force at r.
func (ev *evaluator) retarget(i int, r time.Time) {
	o := &ev.obs[i]
	tgt := ev.target(o)
	revive := o.lapsed && tgt != nil
	if !revive && (o.closed() || tgt == o.tgt) {
		return
	}
	if tgt == nil {
		o.lapsed = o.key.Team == "" // a team's obligation does not lapse
		ev.close(i, r, "")
		return
	}
	cal, name := ev.calendarOf(tgt)
	switch {
	case revive:
		// Its clock went on as if it had been tracked since it
		// lapsed (it stopped when o.stoppedAt was set), counted in
		// the new calendar.
		used, stood := ev.usedBetween(o, cal, o.stoppedAt, r, o.e0)
		o.e0 += used
		o.paused += stood
		o.cancelled, o.halted, o.lapsed, o.doneAt = false, false, false, time.Time{}
		o.running = ev.clockRuns(o)
		o.stoppedAt = r
	case o.tracked:
		o.e0 = o.elapsedAt(r)
		if !o.running {
			o.paused += o.cal.Between(o.stoppedAt, r)
			o.stoppedAt = r
		}
	default:
		o.hist = segs{}
		o.e0, o.paused = ev.usedBetween(o, cal, o.start, r, 0)
		o.stoppedAt = r
	}
	o.segStart = r
	o.tgt, o.cal, o.calName, o.tracked = tgt, cal, name, true
	o.mark(r)
	switch {
	case o.overridden:
		// The overridden due time stands: the budget is what is left
		// of it from r, in the new calendar.
		o.budget = o.budgetTo(r, o.floor)
	case o.key.Metric.fixedDue():
		o.floor = tgt.Within.AddTo(cal, o.base)
		o.budget = o.budgetTo(r, o.floor)
	case tgt.Within.Days > 0:
		// One business day ends at the same wall-clock time on the
		// next open day, not at the close of the day before, though
		// the business time between is the same.
		o.floor = tgt.Within.AddTo(cal, o.start)
		o.budget = cal.Between(o.start, o.floor)
	default:
		o.floor = time.Time{}
		o.budget = tgt.Within.Time
	}
	o.firedBits = 0
	for j := range tgt.Escalation {
		if slices.ContainsFunc(o.escs, func(e Escalation) bool { return e.Level == tgt.Escalation[j].Name }) {
			o.firedBits |= 1 << j
		}
	}
	ev.orderLevels(o)
	ev.schedule(o)
}

// rebudget gives o, tracked and open, a new floor at r: it is due at
// floor if its clock runs until then (a renegotiated, rescheduled or
// overridden due time).
func (ev *evaluator) rebudget(i int, r, floor time.Time) {
	o := &ev.obs[i]
	o.e0 = o.elapsedAt(r)
	if o.running {
		o.segStart = r
	} else {
		o.paused += o.cal.Between(o.stoppedAt, r)
		o.stoppedAt = r
	}
	o.floor = floor
	o.budget = o.budgetTo(r, floor)
	ev.orderLevels(o)
	ev.schedule(o)
	if !o.running {
		ev.fireReached(i, r)
		ev.schedule(o)
	}
}

// orderLevels sorts o's levels by their thresholds for its budget, so
// that the next one to fire is found at once however long the ladder.
func (ev *evaluator) orderLevels(o *oblig) {
	ladder := o.tgt.Escalation
	o.levels, o.k = uint8(len(ladder)), 0
	if len(ladder) == 0 {
		return
	}
	var thr [MaxLevels]time.Duration
	for j := range ladder {
		thr[j], _ = ladder[j].At.threshold(o.budget)
		o.order[j] = uint8(j)
	}
	slices.SortStableFunc(o.order[:o.levels], func(a, b uint8) int { return cmp.Compare(thr[a], thr[b]) })
}

// usedBetween returns the business time in cal that obligation o's clock
// would have used and stood still from `from` to r, had it been tracked
// then: it stands still while the host status pauses its metric and, for
// the resolution, while the inquiry is resolved. It appends that history
// to o's, the clock having used e at from.
func (ev *evaluator) usedBetween(o *oblig, cal *calendar.Calendar, from, r time.Time, e time.Duration) (used, paused time.Duration) {
	bit := uint8(1) << o.key.Metric.index()
	cur := from
	run := func(to time.Time) {
		if cur.Before(to) {
			o.hist.push(seg{at: cur, e: e + used, cal: cal, runs: true})
			used += cal.Between(cur, to)
		}
	}
	for _, s := range ev.stops {
		if s.mask&bit == 0 && !(s.resolved && o.key.Metric == Resolution) {
			continue
		}
		a, b := s.from, s.to
		if a.Before(from) {
			a = from
		}
		if b.IsZero() || b.After(r) {
			b = r
		}
		if a.Before(b) {
			run(a)
			o.hist.push(seg{at: a, e: e + used, cal: cal})
			paused += cal.Between(a, b)
			cur = b
		}
	}
	run(r)
	return used, paused
}

// clockRuns reports whether o's clock runs now, as the log stands: not
// while the host status pauses its metric; the resolution's not while the
// inquiry is resolved, a team's not while the inquiry is assigned
// elsewhere.
func (ev *evaluator) clockRuns(o *oblig) bool {
	m := o.key.Metric
	if ev.paused&(1<<m.index()) != 0 {
		return false
	}
	if m == Resolution {
		return !ev.resolved && (o.key.Team == "" || o.key.Team == ev.team)
	}
	return true
}

// schedule computes when o's clock next crosses a threshold: its due time
// or the next escalation level not yet fired.
func (ev *evaluator) schedule(o *oblig) {
	o.next = time.Time{}
	if !o.running || !o.live() {
		if !o.breached {
			o.due = time.Time{}
		}
		if o.live() && o.floor.After(o.stoppedAt) && o.reachedPending() {
			// A stopped clock has reached a threshold at or past
			// the budget, which waits for the floor.
			o.next = o.floor
		}
		return
	}
	if !o.breached {
		o.due = o.cross(o.budget, true)
		o.next, o.nextLevel = o.due, -1
	}
	for o.k < o.levels && o.firedBits&(1<<o.order[o.k]) != 0 {
		o.k++
	}
	if o.k < o.levels {
		// The first to cross of the unfired levels with the lowest
		// threshold: of equal thresholds (negative ones, reached at
		// the start, are all zero), one short of the budget does not
		// wait for the floor as those at or past it do; otherwise the
		// ladder's order.
		ladder := o.tgt.Escalation
		low, _ := ladder[o.order[o.k]].At.threshold(o.budget)
		if low == never {
			return // this level and those after it are never reached
		}
		j, x := -1, time.Time{}
		for _, l := range o.order[o.k:o.levels] {
			thr, past := ladder[l].At.threshold(o.budget)
			if thr != low {
				break
			}
			if o.firedBits&(1<<l) != 0 {
				continue
			}
			if c := o.cross(thr, past); j < 0 || c.Before(x) {
				j, x = int(l), c
			}
		}
		if o.next.IsZero() || x.Before(o.next) {
			o.next, o.nextLevel = x, j
		}
	}
}

// cross returns when o's running clock reaches thr of business time;
// atOrPast says thr is at or past the budget, so not before o's floor.
func (o *oblig) cross(thr time.Duration, atOrPast bool) time.Time {
	x := o.segStart
	if thr > o.e0 {
		x = o.cal.Add(o.segStart, thr-o.e0)
	}
	if atOrPast && x.Before(o.floor) {
		x = o.floor
	}
	return x
}

// advance fires the thresholds that running clocks cross before t, or at
// or before t if inclusive, and those that stopped clocks reached but that
// waited for the floor, if it comes before t (or at t if inclusive). If
// inclusive, it also fires at t the thresholds that stopped clocks have
// reached: those of clocks that stopped, or whose targets changed, at t.
func (ev *evaluator) advance(t time.Time, inclusive bool) {
	for _, i := range ev.live {
		o := &ev.obs[i]
		if !o.live() {
			continue
		}
		if o.running {
			for !o.next.IsZero() && (o.next.Before(t) || inclusive && o.next.Equal(t)) {
				ev.fire(i, o.nextLevel, o.next)
				ev.schedule(o)
			}
			continue
		}
		if x := o.next; !x.IsZero() && (x.Before(t) || inclusive && x.Equal(t)) {
			ev.fireReached(i, x)
			ev.schedule(o)
		}
		if inclusive {
			ev.fireReached(i, t)
		}
	}
}

// fireReached fires at t the thresholds that o's stopped clock has
// reached, those at or past the budget only if t is not before o's floor.
func (ev *evaluator) fireReached(i int, t time.Time) {
	o := &ev.obs[i]
	breach, levels := o.reachedAt(t)
	if breach {
		ev.fire(i, -1, t)
	}
	for _, j := range o.order[:o.levels] {
		if levels&(1<<j) != 0 {
			ev.fire(i, int(j), t)
		}
	}
}

// reachedAt returns what fireReached(i, t) fires: whether the breach, and
// which levels (bits by index in tgt's ladder).
func (o *oblig) reachedAt(t time.Time) (breach bool, levels uint64) {
	early := t.Before(o.floor)
	breach = !o.breached && o.budget <= o.e0 && !early
	for _, j := range o.order[:o.levels] {
		if thr, past := o.tgt.Escalation[j].At.threshold(o.budget); o.firedBits&(1<<j) == 0 && thr != never && thr <= o.e0 && !(past && early) {
			levels |= 1 << j
		}
	}
	return breach, levels
}

// still reports true only if advance(t, true) would change nothing, so
// that a look at t needs no copy to advance; it may report false when
// nothing would fire (a stopped clock whose next is at or before t). It
// reports true for t only if it does for every earlier instant.
func (ev *evaluator) still(t time.Time) bool {
	for _, i := range ev.live {
		o := &ev.obs[i]
		if !o.live() {
			continue
		}
		if !o.next.IsZero() && !o.next.After(t) {
			return false
		}
		if !o.running {
			if breach, levels := o.reachedAt(t); breach || levels != 0 {
				return false
			}
		}
	}
	return true
}

// reachedPending reports whether o's clock has reached a threshold at or
// past the budget that has not fired.
func (o *oblig) reachedPending() bool {
	if !o.breached && o.budget <= o.e0 {
		return true
	}
	for j := range o.tgt.Escalation {
		if thr, past := o.tgt.Escalation[j].At.threshold(o.budget); o.firedBits&(1<<j) == 0 && thr != never && past && thr <= o.e0 {
			return true
		}
	}
	return false
}

// fire records that obligation i crossed its due time (level -1) or
// escalation level j at t. The due time of a breach is the instant the
// clock reached the budget, by its history: t, unless the budget was
// already spent when a Reclassify, an Override or a target gained gave it
// (then before t, as Remaining says); never before the floor.
func (ev *evaluator) fire(i, j int, t time.Time) {
	o := &ev.obs[i]
	if j < 0 {
		due, ok := o.reached(o.budget)
		if !ok {
			due = t
		}
		if due.Before(o.floor) || o.budget < 0 && !o.floor.IsZero() {
			// Not before the floor; and a budget below zero (an
			// Override to a time before the start) ran out at the
			// time the Override names.
			due = o.floor
		}
		if due.After(t) {
			due = t
		}
		o.breached, o.due = true, due
		ev.breachedNow++
		return
	}
	o.firedBits |= 1 << j
	l := &o.tgt.Escalation[j]
	e := Escalation{Obligation: o.key, Level: l.Name, Notify: l.Notify, At: ev.in(t)}
	if o.escs == nil {
		o.escs = make([]Escalation, 0, len(o.tgt.Escalation))
	}
	o.escs = append(o.escs, e)
	// The log of every level fired stays in time order (obligations fire
	// one after the other within an advance), ties in firing order.
	ev.escLog.insert(e, func(newer Escalation) bool { return newer.At.After(e.At) })
}

// halt stops o's clock at t, counting the time it stood still so far.
func (o *oblig) halt(t time.Time) {
	if o.running {
		o.e0 += o.cal.Between(o.segStart, t)
		o.running = false
	} else {
		o.paused += o.cal.Between(o.stoppedAt, t)
	}
	o.stoppedAt = t
	o.next = time.Time{}
	o.mark(t)
}

// pause stops an open obligation's clock at t.
func (ev *evaluator) pause(i int, t time.Time) {
	o := &ev.obs[i]
	if o.closed() || !o.running {
		return
	}
	o.halt(t)
	ev.schedule(o)
}

// resume restarts a paused obligation's clock at t.
func (ev *evaluator) resume(i int, t time.Time) {
	o := &ev.obs[i]
	if o.closed() || o.running {
		return
	}
	o.paused += o.cal.Between(o.stoppedAt, t)
	o.running, o.segStart = true, t
	o.mark(t)
	ev.schedule(o)
}

// syncClocks starts or stops, at t, the clock of every open obligation
// whose clock should run or stand still now (after a host status,
// resolution or assignment changed).
func (ev *evaluator) syncClocks(t time.Time) {
	for _, i := range ev.live {
		o := &ev.obs[i]
		if o.closed() {
			continue
		}
		switch runs := ev.clockRuns(o); {
		case runs && !o.running:
			ev.resume(i, t)
		case !runs && o.running:
			ev.pause(i, t)
		}
	}
}

// meet records that obligation i was done at t, with outcome how. One that
// lapsed when its target was lost stays as it is, and is no longer
// needed.
func (ev *evaluator) meet(i int, t time.Time, how Outcome) {
	o := &ev.obs[i]
	if o.closed() {
		o.lapsed = false
		ev.settle(i)
		return
	}
	o.halt(t)
	o.done, o.doneAt, o.outcome = true, t, how
	o.mark(t)
	if o.breached {
		ev.breachedNow-- // met late: no longer in the Breached state
	}
	ev.settle(i)
}

// close records that obligation i is no longer owed from t, with outcome
// how: cancelled, or if it is already breached, halted. One that lapsed
// when its target was lost stays as it is, and is no longer needed.
func (ev *evaluator) close(i int, t time.Time, how Outcome) {
	o := &ev.obs[i]
	if o.closed() {
		o.lapsed = false
		ev.settle(i)
		return
	}
	o.halt(t)
	o.outcome = how
	if o.breached {
		o.halted = true
	} else {
		o.cancelled, o.doneAt = true, t
	}
	ev.settle(i)
}
