package sla

import (
	"time"

	"github.com/replyby/replyby/calendar"
)

// A stop is a span in which the resolution clock stood still: waiting on
// the customer, or resolved. to is zero while it lasts.
type stop struct {
	from, to time.Time
	resolved bool
}

// fired is an escalation level that fired for obligation ob.
type fired struct {
	ob    int
	level *Level
	at    time.Time
}

// link ties violation v to obligation ob.
type link struct{ ob, v int }

// An oblig is an obligation being replayed. Obligations are created for
// every metric whether or not the policy in force has a target for it
// (tgt nil), so that one can gain a target on Reclassify.
type oblig struct {
	key     Key
	start   time.Time
	base    time.Time // the event's Due, for promises and appointments
	tgt     *compiledTarget
	cal     *calendar.Calendar
	calName string
	tracked bool          // it has had a target
	budget  time.Duration // business time allowed
	floor   time.Time     // due no earlier: the promised or appointed time plus grace, or a day-based target's end

	running   bool
	segStart  time.Time     // when the clock last started, if running
	e0        time.Duration // business time used before segStart
	stoppedAt time.Time     // when the clock last stopped
	paused    time.Duration // business time stood still, up to stoppedAt

	done      bool // met (a resolution may be reopened)
	cancelled bool
	halted    bool // breached, then no longer owed
	lapsed    bool // cancelled or halted by the loss of its target, and still needed: a target tracks it again
	doneAt    time.Time
	breached  bool
	due       time.Time
	firedBits uint64 // levels of tgt's ladder that fired
	next      time.Time
	nextLevel int // -1: the breach
	nudges    int
	held      bool // an appointment that a Held event took place for
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

// retarget gives obligation i the target of the policy in force at r.
func (ev *evaluator) retarget(i int, r time.Time) {
	o := &ev.obs[i]
	tgt := ev.target(o)
	revive := o.lapsed && tgt != nil
	if !revive && (o.closed() || tgt == o.tgt) {
		return
	}
	if tgt == nil {
		ev.close(o, r)
		o.lapsed = true
		return
	}
	cal, name := ev.calendarOf(tgt)
	switch {
	case revive:
		// Its clock went on as if it had been tracked since it
		// lapsed (it stopped when o.stoppedAt was set), counted in
		// the new calendar.
		used, stood := ev.usedBetween(o, cal, o.stoppedAt, r)
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
		o.e0, o.paused = ev.usedBetween(o, cal, o.start, r)
		o.stoppedAt = r
	}
	o.segStart = r
	o.tgt, o.cal, o.calName, o.tracked = tgt, cal, name, true
	switch {
	case o.key.Metric.fixedDue():
		o.floor = tgt.Within.AddTo(cal, o.base)
		o.budget = o.e0 + cal.Between(r, o.floor)
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
		if ev.hasFired(i, tgt.Escalation[j].Name) {
			o.firedBits |= 1 << j
		}
	}
	ev.schedule(o)
}

// usedBetween returns the business time in cal that obligation o's clock
// would have used and stood still from `from` to r, had it been tracked
// then: it stands still while we wait on the customer (resolution and
// updates) and while the inquiry is resolved (resolution).
func (ev *evaluator) usedBetween(o *oblig, cal *calendar.Calendar, from, r time.Time) (used, paused time.Duration) {
	if m := o.key.Metric; m == Resolution || m == Update {
		for _, s := range ev.stops {
			if s.resolved && m != Resolution {
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
				paused += cal.Between(a, b)
			}
		}
	}
	return cal.Between(from, r) - paused, paused
}

// clockRuns reports whether o's clock runs now, as the log stands:
// resolution and update clocks stand still while we wait on the customer,
// the resolution's also while the inquiry is resolved.
func (ev *evaluator) clockRuns(o *oblig) bool {
	switch o.key.Metric {
	case Resolution:
		return !ev.waiting && !ev.resolved
	case Update:
		return !ev.waiting
	}
	return true
}

func (ev *evaluator) hasFired(i int, name string) bool {
	for _, f := range ev.fired {
		if f.ob == i && f.level.Name == name {
			return true
		}
	}
	return false
}

// schedule computes when o's clock next crosses a threshold: its due time
// or an escalation level not yet fired.
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
	for j := range o.tgt.Escalation {
		if o.firedBits&(1<<j) != 0 {
			continue
		}
		x := o.cross(o.tgt.Escalation[j].At.threshold(o.budget))
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
	for i := range ev.obs {
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
	early := t.Before(o.floor)
	if !o.breached && o.budget <= o.e0 && !early {
		ev.fire(i, -1, t)
	}
	for j := range o.tgt.Escalation {
		if thr, past := o.tgt.Escalation[j].At.threshold(o.budget); o.firedBits&(1<<j) == 0 && thr <= o.e0 && !(past && early) {
			ev.fire(i, j, t)
		}
	}
}

// reachedPending reports whether o's clock has reached a threshold at or
// past the budget that has not fired.
func (o *oblig) reachedPending() bool {
	if !o.breached && o.budget <= o.e0 {
		return true
	}
	for j := range o.tgt.Escalation {
		if thr, past := o.tgt.Escalation[j].At.threshold(o.budget); o.firedBits&(1<<j) == 0 && past && thr <= o.e0 {
			return true
		}
	}
	return false
}

// fire records that obligation i crossed its due time (level -1) or
// escalation level j at t.
func (ev *evaluator) fire(i, j int, t time.Time) {
	o := &ev.obs[i]
	if j < 0 {
		o.breached, o.due = true, t
		return
	}
	o.firedBits |= 1 << j
	ev.fired = append(ev.fired, fired{ob: i, level: &o.tgt.Escalation[j], at: t})
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
}

// pause stops an open obligation's clock at t.
func (ev *evaluator) pause(i int, t time.Time) {
	if i < 0 {
		return
	}
	o := &ev.obs[i]
	if o.closed() || !o.running {
		return
	}
	o.halt(t)
	ev.schedule(o)
}

// resume restarts a paused obligation's clock at t.
func (ev *evaluator) resume(i int, t time.Time) {
	if i < 0 {
		return
	}
	o := &ev.obs[i]
	if o.closed() || o.running {
		return
	}
	o.paused += o.cal.Between(o.stoppedAt, t)
	o.running, o.segStart = true, t
	ev.schedule(o)
}

// meet records that obligation i was done at t. One that lapsed when its
// target was lost stays as it is, and is no longer needed.
func (ev *evaluator) meet(i int, t time.Time) {
	if i < 0 {
		return
	}
	o := &ev.obs[i]
	if o.closed() {
		o.lapsed = false
		return
	}
	o.halt(t)
	o.done, o.doneAt = true, t
}

// close records that o is no longer owed from t: cancelled, or if it is
// already breached, halted. One that lapsed when its target was lost
// stays as it is, and is no longer needed.
func (ev *evaluator) close(o *oblig, t time.Time) {
	if o.closed() {
		o.lapsed = false
		return
	}
	o.halt(t)
	if o.breached {
		o.halted = true
	} else {
		o.cancelled, o.doneAt = true, t
	}
}
