package sla

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/replyby/replyby/calendar"
)

// Evaluate says what an inquiry's log means at now: the policy in force,
// every obligation with its state, due time and business time used, the
// escalation levels that fired and when, the replies on channels the
// customer never offered, and Next, the earliest instant after now at
// which any of it would change.
//
// Evaluate is a pure function of its arguments. Events may come in any
// order: they are stably sorted by time, and those after now are ignored
// (but are checked for being well-formed, and the first of them bounds
// Next). Errors name the offending event by its index in events and wrap
// ErrBadEvent, ErrEventBeforeInquiry or ErrEventOutOfSequence; an inquiry
// without arrival time or channel, or naming an unknown calendar, gives an
// error wrapping ErrBadInquiry or ErrUnknownCalendar.
//
// At any instant the events come first, then the thresholds the clocks
// reach at that instant: an obligation met at its due instant is Met, and
// one no longer owed at its due instant (a Resolve, or a Reclassify that
// drops its target) is Cancelled, not Breached; a level that would fire at
// that instant does not.
//
// Which replies count (the policy's ReplyRule): a Reply on a channel the
// customer never offered (the inquiry's ReplyTo, or its Channel if ReplyTo
// is empty, and every channel a CustomerMessage named) meets nothing and
// is a Violation, unless the rule is AnyChannel. Under SameChannel a reply
// counts if it is on the channel of the customer's latest message (the
// inquiry itself at first; a message without a Channel is on the
// inquiry's) when the customer offered that channel, and on any offered
// channel when they did not: a web form that left an e-mail address is
// answered by e-mail. A CustomerMessage without a Channel offers no
// channel.
//
// Which appointment a Held keeps: the one scheduled at the Held's Due if it
// has one (the first logged of appointments scheduled at the same time; an
// error wrapping ErrEventOutOfSequence if none scheduled then waits to be
// held); otherwise, of the appointments not yet held, the earliest
// scheduled whose deadline (its time plus the grace of the appointment
// target in force, none without one) is not before the Held, and if every
// one is past its deadline, the latest scheduled, held late.
//
// How a Reclassify works: the policy is selected again for the new class,
// and every open obligation takes the new policy's target for its metric,
// keeping its start and the business time it has used so far (counted in
// the old target's calendar up to the Reclassify, in the new one's after).
// A day-based target is converted to business time from the obligation's
// start. So a raise to a tighter target can breach at once, at the
// Reclassify; a looser one cannot undo a breach. An obligation whose metric
// loses its target is cancelled (or, if already breached, stays breached
// and stops escalating); one whose metric gains a target is tracked from
// its own start, its business time counted in the new calendar. Levels
// that fired stay fired (by name).
//
// What the customer needs does not go away with a target: an obligation
// cancelled (or, if breached, no longer escalating) because its target was
// lost lapses, and a later Reclassify that gives its metric a target again
// tracks it again, with its start and the business time it used, plus the
// time since it lapsed counted in the new calendar as if it had been
// tracked all along (its clock standing still while we waited on the
// customer, or, for the resolution, while the inquiry was resolved). It is
// then open (or breached) again, with no DoneAt, and may breach at once.
// What would have met or ended it ends the lapse for good: a counting
// reply (reply obligations, updates, promises), a Held (appointments), a
// Resolve. A resolution that lapsed and was then resolved lapses again at
// a Reopen, and is tracked again then if the policy in force has a
// resolution target.
func (ps *PolicySet) Evaluate(inq Inquiry, events []Event, now time.Time) (Status, error) {
	if ps == nil || len(ps.policies) == 0 {
		return Status{}, fmt.Errorf("sla: evaluate: %w: empty policy set", ErrNoFallback)
	}
	var ev evaluator
	if err := ev.init(ps, inq, events, now); err != nil {
		return Status{}, err
	}
	for i := range events {
		e := &events[i]
		err := e.check(inq.Received)
		if err == nil && e.Type == Reclassify && !validParty(e.Class.Party) {
			err = fmt.Errorf("%w: party %q (want prospect or customer)", ErrBadEvent, e.Class.Party)
		}
		if err != nil {
			return Status{}, &EventError{Index: i, Type: e.Type, Err: err}
		}
	}
	order := sortedOrder(events)
	at := func(k int) int {
		if order == nil {
			return k
		}
		return order[k]
	}
	k := 0
	for ; k < len(events); k++ {
		i := at(k)
		e := &events[i]
		if e.Time.After(now) {
			break
		}
		if err := ev.apply(i, e); err != nil {
			return Status{}, &EventError{Index: i, Type: e.Type, Err: err}
		}
	}
	ev.advance(ev.cur, true)
	ev.advance(now, true)
	var next time.Time
	if k < len(events) {
		next = events[at(k)].Time
	}
	return ev.status(k, next), nil
}

// validParty reports whether p is a party an inquiry may have ("" for
// unknown).
func validParty(p Party) bool { return p == "" || p == Prospect || p == Customer }

// sortedOrder returns the indices of events stably sorted by time, or nil
// if they already are.
func sortedOrder(events []Event) []int {
	sorted := true
	for i := 1; i < len(events); i++ {
		if events[i].Time.Before(events[i-1].Time) {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return events[a].Time.Compare(events[b].Time) })
	return order
}

// An evaluator holds the state of one evaluation while it replays a log.
type evaluator struct {
	ps      *PolicySet
	inq     Inquiry
	custCal *calendar.Calendar
	now     time.Time

	cur      time.Time // time of the events being applied
	class    Class
	pol      int
	owner    string
	counts   Counts
	resolved bool
	waiting  bool
	lastCh   Channel    // channel of the customer's latest message
	msgChans [4]Channel // channels the customer wrote on, beyond the offered ones
	nChans   int
	more     []Channel // more of them

	obs    []oblig
	owing  bool // a reply is owed
	owed   int  // index of the reply obligation owed, or -1
	update int  // index of the open update obligation, or -1
	res    int  // index of the resolution obligation, or -1
	nums   [numMetrics]int
	stops  []stop // waits and resolved spans
	fired  []fired
	vios   []Violation
	links  []link // which obligations each violation concerns
}

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
		return o.e0 + between(o.cal, o.segStart, t)
	}
	return o.e0
}

// init checks the inquiry and sets up the obligations that start on its
// arrival.
func (ev *evaluator) init(ps *PolicySet, inq Inquiry, events []Event, now time.Time) error {
	switch {
	case inq.Received.IsZero():
		return fmt.Errorf("sla: inquiry %q: %w: no arrival time", inq.ID, ErrBadInquiry)
	case inq.Channel == "":
		return fmt.Errorf("sla: inquiry %q: %w: no channel", inq.ID, ErrBadInquiry)
	case !validParty(inq.Party):
		return fmt.Errorf("sla: inquiry %q: %w: party %q (want prospect or customer)", inq.ID, ErrBadInquiry, inq.Party)
	case now.Before(inq.Received):
		return fmt.Errorf("sla: inquiry %q: %w: evaluated at %v, before its arrival at %v", inq.ID, ErrBadInquiry, now, inq.Received)
	}
	if inq.Calendar != "" {
		ev.custCal = ps.calendars[inq.Calendar]
		if ev.custCal == nil {
			return fmt.Errorf("sla: inquiry %q: %w %q", inq.ID, ErrUnknownCalendar, inq.Calendar)
		}
	}
	ev.ps, ev.inq, ev.now = ps, inq, now
	ev.cur = inq.Received
	ev.class = inq.Class
	ev.pol = ps.selectIndex(inq.Channel, inq.Labels, inq.Class)
	ev.lastCh = inq.Channel
	n := 3
	tg := &ps.targeted
	for i := range events {
		switch events[i].Type {
		case CustomerMessage:
			n += b2i(tg[NextReply.index()])
		case Reply, Reopen:
			n += b2i(tg[PeriodicUpdate.index()])
		case Promise:
			n += b2i(tg[PromiseKept.index()])
		case Appointment:
			n++
		}
	}
	ev.obs = make([]oblig, 0, n)
	ev.owing = true
	ev.owed = ev.open(FirstReply, inq.Received, time.Time{})
	ev.update = ev.open(PeriodicUpdate, inq.Received, time.Time{})
	ev.res = ev.open(Resolution, inq.Received, time.Time{})
	return nil
}

// open starts an obligation of metric m at t and returns its index, or -1
// if no policy of the set has a target for m (and m is not appointment
// kept, which Held events need). It starts paused if it is a periodic
// update while we wait on the customer.
func (ev *evaluator) open(m Metric, t, base time.Time) int {
	key := Key{Metric: m}
	if m.numbered() {
		ev.nums[m.index()]++
		key.N = ev.nums[m.index()]
	}
	if !ev.ps.targeted[m.index()] && m != AppointmentKept {
		return -1
	}
	ev.obs = append(ev.obs, oblig{key: key, start: t, base: base, running: true, segStart: t, nextLevel: -1})
	i := len(ev.obs) - 1
	if m == PeriodicUpdate && ev.waiting {
		o := &ev.obs[i]
		o.running, o.stoppedAt = false, t
	}
	ev.retarget(i, t)
	return i
}

// target returns the target the policy in force sets for o's metric.
func (ev *evaluator) target(o *oblig) *compiledTarget {
	return ev.ps.compiled[ev.pol].targets[o.key.Metric.index()]
}

// calendarOf returns the calendar target t counts in, and its name.
func (ev *evaluator) calendarOf(t *compiledTarget) (*calendar.Calendar, string) {
	if t.CustomerCalendar && ev.custCal != nil {
		return ev.custCal, ev.inq.Calendar
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
			o.paused += between(o.cal, o.stoppedAt, r)
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
		o.budget = o.e0 + between(cal, r, o.floor)
	case tgt.Within.Days > 0:
		// One business day ends at the same wall-clock time on the
		// next open day, not at the close of the day before, though
		// the business time between is the same.
		o.floor = tgt.Within.AddTo(cal, o.start)
		o.budget = between(cal, o.start, o.floor)
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
	if m := o.key.Metric; m == Resolution || m == PeriodicUpdate {
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
				paused += between(cal, a, b)
			}
		}
	}
	return between(cal, from, r) - paused, paused
}

// clockRuns reports whether o's clock runs now, as the log stands:
// resolution and update clocks stand still while we wait on the customer,
// the resolution's also while the inquiry is resolved.
func (ev *evaluator) clockRuns(o *oblig) bool {
	switch o.key.Metric {
	case Resolution:
		return !ev.waiting && !ev.resolved
	case PeriodicUpdate:
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
		x = add(o.cal, o.segStart, thr-o.e0)
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
		o.e0 += between(o.cal, o.segStart, t)
		o.running = false
	} else {
		o.paused += between(o.cal, o.stoppedAt, t)
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
	o.paused += between(o.cal, o.stoppedAt, t)
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

// offered reports whether the customer offered ch for an answer.
func (ev *evaluator) offered(ch Channel) bool {
	return ev.inq.offered(ch) || slices.Contains(ev.msgChans[:ev.nChans], ch) || slices.Contains(ev.more, ch)
}

// apply applies event e, found at index i of the log.
func (ev *evaluator) apply(i int, e *Event) error {
	t := e.Time
	if !t.Equal(ev.cur) {
		ev.advance(ev.cur, true)
		ev.advance(t, false)
		ev.cur = t
	}
	switch e.Type {
	case CustomerMessage:
		// A message without a channel is on the inquiry's channel,
		// which it does not offer for answers if ReplyTo leaves it out.
		ch := e.Channel
		if ch == "" {
			ch = ev.inq.Channel
		} else if !ev.offered(ch) {
			if ev.nChans < len(ev.msgChans) {
				ev.msgChans[ev.nChans] = ch
				ev.nChans++
			} else {
				ev.more = append(ev.more, ch)
			}
		}
		ev.counts.CustomerMessages++
		ev.lastCh = ch
		if ev.waiting {
			ev.endWait(t)
		}
		if ev.owing {
			ev.counts.Nudges++
			if ev.owed >= 0 {
				ev.obs[ev.owed].nudges++
			}
		} else {
			ev.owing = true
			ev.owed = ev.open(NextReply, t, time.Time{})
		}

	case Reply:
		ev.counts.Touches++
		ch := e.Channel
		rule := ev.ps.policies[ev.pol].Reply
		if rule != AnyChannel && !ev.offered(ch) {
			ev.violation(i, e)
			return nil
		}
		if rule == SameChannel && ch != ev.lastCh && ev.offered(ev.lastCh) {
			// On an offered channel, but not the one the
			// customer last wrote on and offered.
			return nil
		}
		if ev.owing {
			ev.meet(ev.owed, t)
			ev.owing, ev.owed = false, -1
		}
		if !ev.resolved {
			if ev.update >= 0 {
				ev.meet(ev.update, t)
			}
			ev.update = ev.open(PeriodicUpdate, t, time.Time{})
		}
		ev.keepPromises(t)

	case AutoReply:
		ev.counts.AutoReplies++

	case Promise:
		ev.open(PromiseKept, t, e.Due)

	case Appointment:
		ev.open(AppointmentKept, t, e.Due)

	case Held:
		j, err := ev.heldAppointment(e)
		if err != nil {
			return err
		}
		ev.obs[j].held = true
		ev.meet(j, t)

	case Wait:
		if ev.waiting || ev.resolved {
			return fmt.Errorf("%w: already waiting or resolved", ErrEventOutOfSequence)
		}
		ev.waiting = true
		ev.stops = append(ev.stops, stop{from: t})
		ev.pause(ev.res, t)
		if ev.update >= 0 {
			ev.pause(ev.update, t)
		}

	case Resume:
		if !ev.waiting {
			return fmt.Errorf("%w: resume without wait", ErrEventOutOfSequence)
		}
		ev.endWait(t)

	case Resolve:
		if ev.resolved {
			return fmt.Errorf("%w: already resolved", ErrEventOutOfSequence)
		}
		if ev.waiting {
			ev.waiting = false
			ev.stops[len(ev.stops)-1].to = t
		}
		ev.resolved = true
		ev.stops = append(ev.stops, stop{from: t, resolved: true})
		ev.meet(ev.res, t)
		if ev.owed >= 0 {
			ev.close(&ev.obs[ev.owed], t)
		}
		ev.owing, ev.owed = false, -1
		if ev.update >= 0 {
			ev.close(&ev.obs[ev.update], t)
			ev.update = -1
		}
		ev.keepPromises(t)

	case Reopen:
		if !ev.resolved {
			return fmt.Errorf("%w: reopen of an unresolved inquiry", ErrEventOutOfSequence)
		}
		ev.resolved = false
		ev.stops[len(ev.stops)-1].to = t
		if ev.res >= 0 {
			// A met resolution is open again. One that lapsed
			// when its target was lost, then was resolved, is
			// needed again: it stays as it is (cancelled, or
			// breached) until a target tracks it again, perhaps
			// at once.
			if o := &ev.obs[ev.res]; o.done {
				o.done, o.doneAt = false, time.Time{}
			} else if o.cancelled || o.halted {
				o.lapsed = true
			}
			ev.retarget(ev.res, t)
			ev.resume(ev.res, t)
		}
		ev.update = ev.open(PeriodicUpdate, t, time.Time{})

	case Reclassify:
		if e.Class.Party != "" {
			ev.class.Party = e.Class.Party
		}
		if e.Class.Kind != "" {
			ev.class.Kind = e.Class.Kind
		}
		if e.Class.Priority != "" {
			ev.class.Priority = e.Class.Priority
		}
		ev.pol = ev.ps.selectIndex(ev.inq.Channel, ev.inq.Labels, ev.class)
		for j := range ev.obs {
			ev.retarget(j, t)
		}

	case Assign:
		ev.owner = e.Owner
	}
	return nil
}

// heldAppointment returns the index of the appointment that Held event e
// keeps, among those not yet held: the one scheduled at e.Due if e names
// one (the first scheduled of equal ones); otherwise the earliest
// scheduled whose deadline, its scheduled time plus the grace of the
// policy in force, is not before e.Time; failing that, the latest
// scheduled (held late).
func (ev *evaluator) heldAppointment(e *Event) (int, error) {
	onTime, late := -1, -1
	for j := range ev.obs {
		o := &ev.obs[j]
		if o.key.Metric != AppointmentKept || o.held {
			continue
		}
		switch {
		case !e.Due.IsZero():
			if o.base.Equal(e.Due) {
				return j, nil
			}
		case !ev.deadline(o).Before(e.Time):
			if onTime < 0 || o.base.Before(ev.obs[onTime].base) {
				onTime = j
			}
		case late < 0 || o.base.After(ev.obs[late].base):
			late = j
		}
	}
	switch {
	case !e.Due.IsZero():
		return -1, fmt.Errorf("%w: no appointment scheduled at %v waits to be held", ErrEventOutOfSequence, e.Due)
	case onTime >= 0:
		return onTime, nil
	case late >= 0:
		return late, nil
	}
	return -1, fmt.Errorf("%w: no appointment to hold", ErrEventOutOfSequence)
}

// deadline returns the last instant at which appointment o is held on
// time under the policy in force: its scheduled time plus the target's
// grace, or its scheduled time if the policy sets no target.
func (ev *evaluator) deadline(o *oblig) time.Time {
	tgt := ev.target(o)
	if tgt == nil {
		return o.base
	}
	cal, _ := ev.calendarOf(tgt)
	return tgt.Within.AddTo(cal, o.base)
}

// endWait ends waiting on the customer at t.
func (ev *evaluator) endWait(t time.Time) {
	ev.waiting = false
	ev.stops[len(ev.stops)-1].to = t
	ev.resume(ev.res, t)
	if ev.update >= 0 {
		ev.resume(ev.update, t)
	}
}

// keepPromises meets every open promise at t.
func (ev *evaluator) keepPromises(t time.Time) {
	for j := range ev.obs {
		if ev.obs[j].key.Metric == PromiseKept {
			ev.meet(j, t)
		}
	}
}

// violation records reply e (index i) on a channel never offered.
func (ev *evaluator) violation(i int, e *Event) {
	v := len(ev.vios)
	ev.vios = append(ev.vios, Violation{Index: i, At: e.Time, Channel: e.Channel})
	for j := range ev.obs {
		o := &ev.obs[j]
		if o.tgt == nil || o.closed() {
			continue
		}
		switch o.key.Metric {
		case FirstReply, NextReply, PeriodicUpdate, PromiseKept:
			ev.links = append(ev.links, link{ob: j, v: v})
		}
	}
}

// in returns t in the location of the inquiry's arrival time, as every
// instant of a Status is; calendars compute in their own.
func (ev *evaluator) in(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(ev.inq.Received.Location())
}

// status builds the Status after replaying the first n events.
func (ev *evaluator) status(n int, next time.Time) Status {
	st := Status{
		Inquiry:    ev.inq.ID,
		At:         ev.now,
		Policy:     ev.ps.policies[ev.pol].Name,
		Class:      ev.class,
		Owner:      ev.owner,
		Resolved:   ev.resolved,
		Waiting:    ev.waiting,
		Violations: ev.vios,
		Counts:     ev.counts,
		Events:     n,
		Next:       next,
	}
	tracked := 0
	for i := range ev.obs {
		o := &ev.obs[i]
		if !o.tracked {
			continue
		}
		tracked++
		if o.live() && !o.next.IsZero() && (st.Next.IsZero() || o.next.Before(st.Next)) {
			st.Next = o.next
		}
	}
	st.Next = ev.in(st.Next)
	if tracked == 0 {
		return st
	}

	// Escalations and violations, grouped by obligation in one backing
	// array each.
	slices.SortStableFunc(ev.fired, func(a, b fired) int {
		return cmp.Or(cmp.Compare(a.ob, b.ob), a.at.Compare(b.at))
	})
	var escs []Escalation
	var notify []string
	if len(ev.fired) > 0 {
		escs = make([]Escalation, len(ev.fired))
		n := 0
		for _, f := range ev.fired {
			n += len(f.level.Notify)
		}
		notify = make([]string, 0, n)
		for k, f := range ev.fired {
			from := len(notify)
			notify = append(notify, f.level.Notify...)
			escs[k] = Escalation{Obligation: ev.obs[f.ob].key, Level: f.level.Name, At: ev.in(f.at)}
			if len(f.level.Notify) > 0 {
				escs[k].Notify = notify[from:len(notify):len(notify)]
			}
		}
	}
	var vios []Violation
	if len(ev.links) > 0 {
		slices.SortStableFunc(ev.links, func(a, b link) int { return cmp.Compare(a.ob, b.ob) })
		vios = make([]Violation, len(ev.links))
		for k, l := range ev.links {
			vios[k] = ev.vios[l.v]
		}
	}

	st.Obligations = make([]Obligation, 0, tracked)
	fi, li := 0, 0
	for i := range ev.obs {
		o := &ev.obs[i]
		f0 := fi
		for fi < len(ev.fired) && ev.fired[fi].ob == i {
			fi++
		}
		l0 := li
		for li < len(ev.links) && ev.links[li].ob == i {
			li++
		}
		if !o.tracked {
			continue
		}
		ob := Obligation{
			Key:      o.key,
			Start:    o.start,
			Due:      ev.in(o.due),
			DoneAt:   o.doneAt,
			Calendar: o.calName,
			Nudges:   o.nudges,
		}
		if o.tgt != nil {
			ob.Target = o.tgt.Within
		}
		end := ev.now
		if o.closed() {
			end = o.stoppedAt
		}
		ob.Elapsed = o.elapsedAt(end)
		ob.Remaining = o.budget - ob.Elapsed
		ob.Paused = o.paused
		if !o.closed() && !o.running {
			ob.Paused += between(o.cal, o.stoppedAt, ev.now)
		}
		switch {
		case o.cancelled:
			ob.State = Cancelled
		case o.done && o.breached:
			ob.State = MetLate
		case o.done:
			ob.State = Met
		case o.breached:
			ob.State = Breached
		case o.running:
			ob.State = Running
		default:
			ob.State = Paused
		}
		if fi > f0 {
			ob.Escalations = escs[f0:fi:fi]
		}
		if li > l0 {
			ob.Violations = vios[l0:li:li]
		}
		st.Obligations = append(st.Obligations, ob)
	}
	return st
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
