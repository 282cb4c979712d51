package sla

import (
	"slices"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/internal/strictjson"
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
// Next). What each event does is documented at its [EventType]; which
// replies count, at [ReplyRule]; how a level's instant is found, at
// [Trigger]; how a day-based target counts, at [Duration].
//
// At any instant the events come first, then the thresholds the clocks
// reach at that instant: an obligation met at its due instant is Met, and
// one no longer owed at its due instant (a Resolve, or a Reclassify that
// drops its target) is Cancelled, not Breached; a level that would fire at
// that instant does not.
//
// Errors are *Error. One about an event names it by its index in events
// ("events[3].due") and wraps ErrBadEvent, ErrEventBeforeInquiry or
// ErrEventOutOfSequence; an inquiry without arrival time or channel, or
// naming an unknown calendar, gives one at "inquiry..." wrapping
// ErrBadInquiry or ErrUnknownCalendar; an empty policy set, ErrNoFallback.
func (ps *PolicySet) Evaluate(inq Inquiry, events []Event, now time.Time) (Status, error) {
	if ps == nil || len(ps.policies) == 0 {
		return Status{}, errAt("", "", "the policy set has no policy", ErrNoFallback)
	}
	var ev evaluator
	if err := ev.init(ps, inq, events, now); err != nil {
		return Status{}, err
	}
	for i := range events {
		if err := events[i].check(inq.Received); err != nil {
			return Status{}, errUnder(strictjson.Index("events", i), err)
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
			return Status{}, errUnder(strictjson.Index("events", i), err)
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

// init checks the inquiry and sets up the obligations that start on its
// arrival.
func (ev *evaluator) init(ps *PolicySet, inq Inquiry, events []Event, now time.Time) error {
	if err := inq.check(); err != nil {
		return err
	}
	if now.Before(inq.Received) {
		return errAt("now", now.String(), "before the inquiry arrived at "+inq.Received.String(), ErrBadInquiry)
	}
	if inq.Calendar != "" {
		var ok bool
		if ev.custCal, ok = ps.calendars[inq.Calendar]; !ok {
			return errAt("inquiry.calendar", inq.Calendar, "no calendar of that name in the policy set", ErrUnknownCalendar)
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
			n += b2i(tg[Update.index()])
		case Promise:
			n += b2i(tg[PromiseKept.index()])
		case Appointment:
			n++
		}
	}
	ev.obs = make([]oblig, 0, n)
	ev.owing = true
	ev.owed = ev.open(FirstReply, inq.Received, time.Time{})
	ev.update = ev.open(Update, inq.Received, time.Time{})
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
	if m == Update && ev.waiting {
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
			ev.update = ev.open(Update, t, time.Time{})
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
			return errAt("", string(e.Type), "already waiting or resolved", ErrEventOutOfSequence)
		}
		ev.waiting = true
		ev.stops = append(ev.stops, stop{from: t})
		ev.pause(ev.res, t)
		if ev.update >= 0 {
			ev.pause(ev.update, t)
		}

	case Resume:
		if !ev.waiting {
			return errAt("", string(e.Type), "a resume without a wait", ErrEventOutOfSequence)
		}
		ev.endWait(t)

	case Resolve:
		if ev.resolved {
			return errAt("", string(e.Type), "already resolved", ErrEventOutOfSequence)
		}
		if ev.waiting {
			ev.waiting = false
			ev.stops[len(ev.stops)-1].to = t
		}
		ev.resolved = true
		ev.counts.TouchesToResolve = ev.counts.Touches
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
			return errAt("", string(e.Type), "a reopen of an inquiry that is not resolved", ErrEventOutOfSequence)
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
		ev.update = ev.open(Update, t, time.Time{})

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
		return -1, errAt("due", e.Due.String(), "no appointment scheduled then waits to be held", ErrEventOutOfSequence)
	case onTime >= 0:
		return onTime, nil
	case late >= 0:
		return late, nil
	}
	return -1, errAt("", string(e.Type), "no appointment waits to be held", ErrEventOutOfSequence)
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
		case FirstReply, NextReply, Update, PromiseKept:
			ev.links = append(ev.links, link{ob: j, v: v})
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
