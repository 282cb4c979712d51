package sla

import (
	"slices"
	"strconv"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/calendar/strictjson"
)

// Evaluate says what an inquiry's log means at now: the policy in force,
// every obligation with its state, due time and business time used, the
// escalation levels that fired and when, the replies on channels the
// customer never offered, the events ignored as anomalies, and Next, the
// earliest instant after now at which any of it would change.
//
// Evaluate is a pure function of its arguments. Events may come in any
// order: they are stably sorted by time, and those after now are ignored
// (but are checked for being well-formed, and the first of them bounds
// Next). What each event does is documented at its [EventType]; which
// replies count, at [ReplyRule]; how a level's instant is found, at
// [Trigger]; how a day-based target counts, at [Duration]. Evaluate is
// [PolicySet.Start], [Run.Apply] of the events up to now in time order,
// and [Run.Status]; a host that appends events one at a time keeps the
// Run instead of replaying the log.
//
// At any instant the events come first, then the thresholds the clocks
// reach at that instant: an obligation met at its due instant is Met, and
// one no longer owed at its due instant (a Resolve, or a Reclassify that
// drops its target) is Cancelled, not Breached; a level that would fire at
// that instant does not.
//
// A well-formed log always has a status: an event that makes no sense
// where it stands is ignored and listed in [Status.Anomalies]. Errors are
// *Error, for malformed input only. One about an event names it by its
// index in events ("events[3].due") and wraps ErrBadEvent or
// ErrEventBeforeInquiry; an inquiry without arrival time or channel, or
// naming an unknown calendar, gives one at "inquiry..." wrapping
// ErrBadInquiry or ErrUnknownCalendar; now before the arrival, one
// wrapping ErrBadInquiry; an empty policy set, ErrNoFallback.
func (ps *PolicySet) Evaluate(inq Inquiry, events []Event, now time.Time) (Status, error) {
	r, err := ps.Start(inq)
	if err != nil {
		return Status{}, err
	}
	if now.Before(inq.Received) {
		return Status{}, errAt("now", now.String(), "before the inquiry arrived at "+inq.Received.String(), ErrBadInquiry)
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
	ev := &r.ev
	k := 0
	for ; k < len(events); k++ {
		i := at(k)
		e := &events[i]
		if e.Time.After(now) {
			break
		}
		ev.step(i, e)
	}
	var next time.Time
	if k < len(events) {
		next = events[at(k)].Time
	}
	ev.advance(ev.cur, true)
	ev.advance(now, true)
	return ev.status(now, next), nil
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
// Its cost per event follows the working set — the obligations that can
// still change, in live — not the length of the log.
type evaluator struct {
	ps      *PolicySet
	inq     Inquiry
	custCal *calendar.Calendar

	cur    time.Time // time of the events being applied
	sealed time.Time // thresholds at or before it have fired (Run.Advance)
	n      int       // events applied

	class      Class
	labels     []string
	pol        int
	owner      string
	team       string
	counts     Counts
	resolved   bool
	hostStatus string // the host's status, "" for none
	paused     uint8  // metrics (1 << index) the host status pauses
	lastCh     Channel
	offered    []Channel // the channels the customer offered, with their natural answers
	ownChans   int       // how many of offered are the customer's own (the rest are answers)

	zone      string               // the customer's time zone, "" if unknown
	zonedCals []*calendar.Calendar // the set's zoned templates placed in zone, in the order of ps.zoned

	obs   []oblig // the working set's slots; free ones are reused
	free  []int
	live  []int // slots in use, in order of start
	spare []int // a copy of live, reused (see liveNow)
	owing bool  // a reply is owed
	owed  int   // slot of the reply obligation owed, or -1
	upd   int   // slot of the open update obligation, or -1
	res   int   // slot of the resolution obligation of the current cycle, or -1
	cycle int   // resolution cycles so far
	nums  [numMetrics]int
	seq   int // obligations started so far
	stops []stop

	archive     plist[archived] // final obligations, left the working set
	vios        plist[Violation]
	anomalies   plist[Anomaly]
	escLog      plist[Escalation] // every level fired, in firing order
	breachedNow int               // obligations in the Breached state
}

// Start returns a Run for inq with no event applied yet: the evaluation
// [PolicySet.Evaluate] makes, kept so that events can be applied as they
// happen. Errors are as Evaluate's for the inquiry.
func (ps *PolicySet) Start(inq Inquiry) (*Run, error) {
	if ps == nil || len(ps.compiled) == 0 {
		return nil, errAt("", "", "the policy set has no policy", ErrNoFallback)
	}
	if err := inq.check(); err != nil {
		return nil, err
	}
	r := &Run{}
	ev := &r.ev
	if inq.Calendar != "" {
		var ok bool
		if ev.custCal, ok = ps.calendars[inq.Calendar]; !ok {
			return nil, errAt("inquiry.calendar", inq.Calendar, "no calendar of that name in the policy set", ErrUnknownCalendar)
		}
	}
	ev.zone = inq.Zone
	if ev.zone == "" && ev.custCal != nil && ev.custCal.Location() != nil {
		ev.zone = ev.custCal.Location().String()
	}
	if ev.zone != "" && len(ps.zoned) > 0 {
		ev.zonedCals = make([]*calendar.Calendar, len(ps.zoned))
		for k, tmpl := range ps.zoned {
			c, err := tmpl.In(ev.zone)
			if err != nil {
				if inq.Zone == "" {
					return nil, errAt("inquiry.calendar", inq.Calendar, "its zone cannot place the policies' templates: "+err.Error(), ErrBadInquiry)
				}
				return nil, errAt("inquiry.zone", inq.Zone, "unknown time zone", ErrBadInquiry)
			}
			ev.zonedCals[k] = c
		}
	}
	inq.ReplyTo = slices.Clone(inq.ReplyTo)
	inq.Labels = slices.Clone(inq.Labels)
	ev.ps, ev.inq = ps, inq
	ev.cur = inq.Received
	ev.class = inq.Class
	ev.labels = slices.Clone(inq.Labels)
	ev.pol = ps.selectIndex(inq.Channel, ev.labels, inq.Class)
	ev.lastCh = inq.Channel
	ev.owed, ev.upd, ev.res = -1, -1, -1
	ev.offered = make([]Channel, 0, 4)
	if len(inq.ReplyTo) == 0 {
		ev.offer(inq.Channel)
	}
	for _, ch := range inq.ReplyTo {
		ev.offer(ch)
	}
	// Most inquiries hold a few obligations at once, and offer a few
	// channels.
	ev.obs = make([]oblig, 0, 4)
	slots := make([]int, 0, 12)
	ev.live, ev.free, ev.spare = slots[0:0:4], slots[4:4:8], slots[8:8:12]
	ev.owing = true
	ev.owed = ev.open(Key{Metric: FirstReply}, inq.Received)
	ev.upd = ev.openNumbered(Update, inq.Received)
	ev.res = ev.open(Key{Metric: Resolution}, inq.Received)
	return r, nil
}

// liveNow returns a copy of the live slots, for a loop that may retire
// obligations. The copy is a buffer reused by the next call: a loop over
// it must not call liveNow.
func (ev *evaluator) liveNow() []int {
	ev.spare = append(ev.spare[:0], ev.live...)
	return ev.spare
}

// offer adds ch to the channels the customer offered, with its natural
// answers.
func (ev *evaluator) offer(ch Channel) {
	if slices.Contains(ev.offered[:ev.ownChans], ch) {
		return
	}
	ev.offered = slices.Insert(ev.offered, ev.ownChans, ch)
	ev.ownChans++
	for _, to := range ev.ps.answers[ch] {
		if !slices.Contains(ev.offered, to) {
			ev.offered = append(ev.offered, to)
		}
	}
}

// isOffered reports whether a reply on ch answers the customer: ch is a
// channel they offered, or a natural answer of one.
func (ev *evaluator) isOffered(ch Channel) bool { return slices.Contains(ev.offered, ch) }

// answers reports whether a reply on ch answers a customer who wrote on
// from: the same channel, or one of its natural answers.
func (ev *evaluator) answers(from, ch Channel) bool {
	return ch == from || slices.Contains(ev.ps.answers[from], ch)
}

// openNumbered starts the next obligation of metric m at t.
func (ev *evaluator) openNumbered(m Metric, t time.Time) int {
	ev.nums[m.index()]++
	return ev.open(Key{Metric: m, N: ev.nums[m.index()]}, t)
}

// open starts the obligation k at t and returns its slot, or -1 if no
// policy of the set has a target for its metric (promises and
// appointments are opened always, for the events that name them).
func (ev *evaluator) open(k Key, t time.Time) int {
	m := k.Metric
	if k.Team == "" && !ev.ps.targeted[m.index()] && !m.fixedDue() {
		return -1
	}
	var i int
	if n := len(ev.free); n > 0 {
		i, ev.free = ev.free[n-1], ev.free[:n-1]
	} else {
		ev.obs = append(ev.obs, oblig{})
		i = len(ev.obs) - 1
	}
	ev.obs[i] = oblig{key: k, seq: ev.seq, start: t, running: true, segStart: t, nextLevel: -1}
	ev.seq++
	ev.live = append(ev.live, i)
	o := &ev.obs[i]
	if !ev.clockRuns(o) {
		o.running, o.stoppedAt = false, t
	}
	ev.retarget(i, t)
	return i
}

// settle archives obligation i if nothing can change it any more: it is
// closed, has not lapsed, and is not a resolution (which a Reopen may
// open again). One that never had a target is dropped.
func (ev *evaluator) settle(i int) {
	o := &ev.obs[i]
	if !o.closed() || o.lapsed || o.key.Metric == Resolution && i == ev.res || o.key.Team != "" && !o.cancelled {
		return
	}
	ev.retire(i)
}

// retire takes obligation i out of the working set, archiving its final
// Obligation if it was ever tracked.
func (ev *evaluator) retire(i int) {
	o := &ev.obs[i]
	if o.tracked {
		ev.archive.push(archived{o.seq, ev.final(o, o.stoppedAt)})
	}
	j := slices.Index(ev.live, i)
	ev.live = slices.Delete(ev.live, j, j+1)
	ev.obs[i] = oblig{}
	ev.free = append(ev.free, i)
	switch i {
	case ev.owed:
		ev.owed = -1
	case ev.upd:
		ev.upd = -1
	case ev.res:
		ev.res = -1
	}
}

// step applies event e, found at index i of the log, at its time, which
// is not before ev.cur.
func (ev *evaluator) step(i int, e *Event) {
	t := e.Time
	if !t.Equal(ev.cur) {
		ev.advance(ev.cur, true)
		ev.advance(t, false)
		ev.cur = t
	}
	ev.n++
	ev.apply(i, e)
}

// anomaly records that event e, at index i of the log, was ignored.
func (ev *evaluator) anomaly(i int, e *Event, reason string) {
	ev.anomalies.push(Anomaly{Index: i, Type: e.Type, At: e.Time, Reason: reason})
}

// apply applies event e, found at index i of the log.
func (ev *evaluator) apply(i int, e *Event) {
	t := e.Time
	switch e.Type {
	case CustomerMessage:
		// A message without a channel is on the inquiry's channel,
		// which it does not offer for answers if ReplyTo leaves it out.
		ch := e.Channel
		if ch == "" {
			ch = ev.inq.Channel
		} else {
			ev.offer(ch)
		}
		ev.counts.CustomerMessages++
		ev.lastCh = ch
		if ev.hostStatus != "" && ev.ps.statuses[ev.hostStatus].ends {
			ev.setStatus(t, "")
		}
		if ev.owing {
			ev.counts.Nudges++
			if ev.owed >= 0 {
				ev.obs[ev.owed].nudges++
			}
		} else {
			ev.owing = true
			ev.owed = ev.openNumbered(NextReply, t)
		}

	case Reply:
		ev.counts.Touches++
		ch := e.Channel
		rule := ev.ps.doc.Policies[ev.pol].Reply
		if rule != AnyChannel && !ev.isOffered(ch) {
			ev.violation(i, e, time.Time{})
			return
		}
		if p := &ev.ps.compiled[ev.pol]; p.contact != nil && ev.zone != "" && slices.Contains(p.contactChans, ch) {
			if hours := ev.placed(p.contact); !hours.IsOpen(t) {
				ev.violation(i, e, t.In(hours.Location()))
			}
		}
		if rule == SameChannel && !ev.answers(ev.lastCh, ch) && slices.Contains(ev.offered[:ev.ownChans], ev.lastCh) {
			// On an offered channel, but not the one the
			// customer last wrote on and offered themselves (a
			// natural answer is not offered for its own answers).
			return
		}
		ev.answered(t)
		for _, j := range ev.liveNow() {
			// It keeps the promises to get back that it fulfils (or
			// ends their lapse).
			o := &ev.obs[j]
			if o.key.Metric == PromiseKept && !o.action && (!o.closed() || o.lapsed) && (o.ch == "" || o.ch == ch) && !t.Before(o.from) {
				ev.meet(j, t, Kept)
			}
		}

	case AutoReply:
		ev.counts.AutoReplies++

	case Promise:
		ref := e.Ref
		if ref != "" && ev.named(PromiseKept, ref) >= 0 {
			ev.anomaly(i, e, "a promise named "+strconv.Quote(ref)+" is open already")
			return
		}
		j := ev.openNumbered(PromiseKept, t)
		o := &ev.obs[j]
		if ref == "" {
			ref = o.key.String()
		}
		o.ref, o.ch, o.action, o.from = ref, e.Channel, e.PromiseKind == DoSomething, e.From
		o.base = e.Due
		ev.retargetFixed(j, t)

	case PromiseDone, PromiseRenegotiated, PromiseWithdrawn:
		j := ev.named(PromiseKept, e.Ref)
		if j < 0 {
			ev.anomaly(i, e, "no open promise named "+strconv.Quote(e.Ref))
			return
		}
		switch e.Type {
		case PromiseDone:
			ev.meet(j, t, Done)
		case PromiseWithdrawn:
			ev.close(j, t, Withdrawn)
		default:
			o := &ev.obs[j]
			o.revisions = append(o.revisions, Revision{At: t, Type: e.Type, Was: o.base, Due: e.Due, Actor: e.Actor, Reason: e.Reason})
			o.base, o.from = e.Due, e.From
			ev.reschedule(j, t)
		}

	case Appointment:
		ref := e.Ref
		if ref != "" && ev.named(AppointmentKept, ref) >= 0 {
			ev.anomaly(i, e, "an appointment named "+strconv.Quote(ref)+" is open already")
			return
		}
		j := ev.openNumbered(AppointmentKept, t)
		o := &ev.obs[j]
		if ref == "" {
			ref = o.key.String()
		}
		o.ref, o.ch, o.base = ref, e.Channel, e.Due
		ev.retargetFixed(j, t)
		if ev.isOffered(Meeting) {
			// The customer asked for a meeting: scheduling one
			// answers them.
			ev.answered(t)
		}

	case AppointmentHeld, AppointmentMissed, AppointmentNoShow, AppointmentCancelled, AppointmentRescheduled:
		j := -1
		switch {
		case e.Ref != "":
			j = ev.named(AppointmentKept, e.Ref)
		case e.Type == AppointmentHeld:
			j = ev.begun(t)
		}
		if j < 0 {
			reason := "no open appointment named " + strconv.Quote(e.Ref)
			if e.Ref == "" {
				reason = "names no appointment"
				if e.Type == AppointmentHeld {
					reason = "no appointment that has begun waits to be held"
				}
			}
			ev.anomaly(i, e, reason)
			return
		}
		o := &ev.obs[j]
		if (e.Type == AppointmentMissed || e.Type == AppointmentNoShow) && t.Before(o.base) {
			ev.anomaly(i, e, "before the appointment was to begin, at "+ev.in(o.base).String())
			return
		}
		switch e.Type {
		case AppointmentHeld:
			ev.meet(j, t, Held)
		case AppointmentMissed:
			ev.missed(j, t)
		case AppointmentNoShow:
			ev.close(j, t, NoShow)
		case AppointmentCancelled:
			how := CancelledByUs
			if e.By == TheCustomer {
				how = CancelledByCustomer
			}
			ev.close(j, t, how)
		case AppointmentRescheduled:
			o.revisions = append(o.revisions, Revision{At: t, Type: e.Type, Was: o.base, Due: e.Due, Actor: e.Actor, Reason: e.Reason})
			o.base = e.Due
			ev.reschedule(j, t)
		}

	case StatusChange:
		cs, ok := ev.ps.statuses[e.Status]
		switch {
		case !ok:
			ev.anomaly(i, e, "the policy set defines no status "+strconv.Quote(e.Status))
			return
		case e.Status == ev.hostStatus:
			return
		}
		// Only leaving a status that resolves reopens: an inquiry
		// resolved by a Resolve stays resolved whatever status the host
		// gives it then.
		leaving := ev.hostStatus != "" && ev.ps.statuses[ev.hostStatus].resolves
		switch {
		case cs.resolves && !ev.resolved:
			ev.resolve(t)
		case !cs.resolves && ev.resolved && leaving:
			ev.reopen(t)
		}
		ev.setStatus(t, e.Status)

	case Resolve:
		if ev.resolved {
			ev.anomaly(i, e, "the inquiry is resolved already")
			return
		}
		ev.resolve(t)

	case Reopen:
		if !ev.resolved {
			ev.anomaly(i, e, "the inquiry is not resolved")
			return
		}
		ev.reopen(t)
		if ev.hostStatus != "" && ev.ps.statuses[ev.hostStatus].resolves {
			ev.setStatus(t, "")
		}

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
		for _, l := range e.AddLabels {
			if !slices.Contains(ev.labels, l) {
				ev.labels = append(ev.labels, l)
			}
		}
		ev.labels = slices.DeleteFunc(ev.labels, func(l string) bool { return slices.Contains(e.RemoveLabels, l) })
		ev.pol = ev.ps.selectIndex(ev.inq.Channel, ev.labels, ev.class)
		for _, j := range ev.liveNow() {
			ev.retarget(j, t)
		}
		ev.openTeam(t)
		ev.trimStops()

	case Assign:
		ev.owner, ev.team = e.Owner, e.Team
		ev.openTeam(t)
		ev.syncClocks(t)

	case Override:
		j := -1
		for _, s := range ev.live {
			if o := &ev.obs[s]; o.key == e.Obligation && o.live() {
				j = s
			}
		}
		switch {
		case j < 0:
			ev.anomaly(i, e, "no open obligation "+e.Obligation.String())
			return
		case ev.obs[j].breached:
			ev.anomaly(i, e, e.Obligation.String()+" is breached already: lateness is final")
			return
		}
		o := &ev.obs[j]
		o.revisions = append(o.revisions, Revision{At: t, Type: e.Type, Was: ev.in(o.due), Due: e.Due, Actor: e.Actor, Reason: e.Reason})
		o.overridden = true
		ev.rebudget(j, t, e.Due)
	}
}

// answered records at t a reply that counts: it meets the reply owed and
// the periodic update, and opens the next update.
func (ev *evaluator) answered(t time.Time) {
	if ev.owing {
		if ev.owed >= 0 {
			ev.meet(ev.owed, t, "")
		}
		ev.owing, ev.owed = false, -1
	}
	if !ev.resolved {
		if ev.upd >= 0 {
			ev.meet(ev.upd, t, "")
		}
		ev.upd = ev.openNumbered(Update, t)
	}
}

// retargetFixed gives a promise or appointment just opened at t its
// target, now that its time is set.
func (ev *evaluator) retargetFixed(j int, t time.Time) {
	o := &ev.obs[j]
	o.tgt = nil
	o.tracked = false
	ev.retarget(j, t)
}

// reschedule gives the promise or appointment j its new time, set in
// o.base, at t: its target's grace counts from it.
func (ev *evaluator) reschedule(j int, t time.Time) {
	o := &ev.obs[j]
	o.overridden = false // the new time agreed replaces an Override's
	if o.tgt == nil || o.closed() {
		return // untracked or lapsed: a target gained later counts from o.base
	}
	ev.rebudget(j, t, o.tgt.Within.AddTo(o.cal, o.base))
}

// named returns the slot of the open promise or appointment (metric m)
// named ref, or -1. A lapsed one counts as open.
func (ev *evaluator) named(m Metric, ref string) int {
	for _, j := range ev.live {
		if o := &ev.obs[j]; o.key.Metric == m && o.ref == ref && (!o.closed() || o.lapsed) {
			return j
		}
	}
	return -1
}

// begun returns the slot of the appointment an AppointmentHeld at t
// without a Ref keeps: the latest scheduled at or before t of those open
// (the first logged of equal ones), or -1.
func (ev *evaluator) begun(t time.Time) int {
	best := -1
	for _, j := range ev.live {
		o := &ev.obs[j]
		if o.key.Metric != AppointmentKept || o.closed() && !o.lapsed || o.base.After(t) {
			continue
		}
		if best < 0 || o.base.After(ev.obs[best].base) {
			best = j
		}
	}
	return best
}

// missed records that we missed appointment j at t: breached then, if it
// was not, and no longer escalating.
func (ev *evaluator) missed(j int, t time.Time) {
	o := &ev.obs[j]
	if o.closed() {
		o.lapsed = false
		ev.settle(j)
		return
	}
	o.halt(t)
	o.outcome = Missed
	if o.tgt != nil && !o.breached {
		// Its time has run out now: it breaches at t.
		o.budget, o.floor = o.e0, t
		ev.orderLevels(o)
		ev.fireReached(j, t)
	}
	if o.breached {
		o.halted = true
	} else {
		o.cancelled, o.doneAt = true, t // untargeted: over, with nothing to breach
	}
	ev.settle(j)
}

// resolve resolves the inquiry at t.
func (ev *evaluator) resolve(t time.Time) {
	ev.resolved = true
	ev.counts.TouchesToResolve = ev.counts.Touches
	ev.markStop(t)
	if ev.res >= 0 {
		ev.meet(ev.res, t, "")
	}
	if ev.owed >= 0 {
		ev.close(ev.owed, t, "")
	}
	ev.owing, ev.owed = false, -1
	if ev.upd >= 0 {
		ev.close(ev.upd, t, "")
		ev.upd = -1
	}
	keeps := false
	if tgt := ev.ps.compiled[ev.pol].targets[PromiseKept.index()]; tgt != nil {
		keeps = tgt.ResolveKeeps
	}
	for _, j := range ev.liveNow() {
		o := &ev.obs[j]
		switch {
		case o.key.Team != "":
			ev.meet(j, t, "")
		case keeps && o.key.Metric == PromiseKept && o.action:
			ev.meet(j, t, Resolved)
		}
	}
	ev.syncClocks(t)
}

// reopen reopens the inquiry at t.
func (ev *evaluator) reopen(t time.Time) {
	ev.resolved = false
	ev.markStop(t)
	if ev.res >= 0 {
		o := &ev.obs[ev.res]
		tgt := ev.target(o)
		if o.done && tgt != nil && tgt.NewCycleOnReopen {
			// A new cycle: the met resolution is final.
			old := ev.res
			ev.res = -1
			ev.settleFinal(old)
			ev.cycle++
			ev.res = ev.open(Key{Metric: Resolution, N: ev.cycle + 1}, t)
		} else {
			ev.reopenObligation(ev.res, t)
		}
	}
	for _, j := range ev.liveNow() {
		if o := &ev.obs[j]; o.key.Team != "" {
			ev.reopenObligation(j, t)
		}
	}
	ev.upd = ev.openNumbered(Update, t)
	ev.syncClocks(t)
}

// reopenObligation opens resolution j again at t: a met one is open again
// (a met-late one breached again: lateness is final); one that lapsed when
// its target was lost, then was resolved, is needed again: it stays as it
// is (cancelled, or breached) until a target tracks it again, perhaps at
// once.
func (ev *evaluator) reopenObligation(j int, t time.Time) {
	o := &ev.obs[j]
	switch {
	case o.done:
		o.done, o.doneAt = false, time.Time{}
		if o.breached {
			ev.breachedNow++
		}
	case o.key.Team == "" && (o.cancelled || o.halted):
		o.lapsed = true
	}
	ev.retarget(j, t)
	ev.resume(j, t)
}

// settleFinal archives resolution j, met in a cycle that is over.
func (ev *evaluator) settleFinal(j int) { ev.retire(j) }

// openTeam opens the resolution obligation of the team the inquiry is
// assigned to, if the policy in force has a target for it and it has none
// yet.
func (ev *evaluator) openTeam(t time.Time) {
	if ev.team == "" || ev.ps.compiled[ev.pol].teams[ev.team] == nil {
		return
	}
	for _, j := range ev.live {
		if ev.obs[j].key.Team == ev.team {
			return
		}
	}
	found := false
	ev.archive.each(func(a archived) bool {
		found = a.ob.Key.Team == ev.team
		return !found
	})
	if !found {
		ev.open(Key{Metric: Resolution, Team: ev.team}, t)
	}
}

// setStatus makes name the host status from t.
func (ev *evaluator) setStatus(t time.Time, name string) {
	ev.hostStatus = name
	ev.paused = 0
	if name != "" {
		ev.paused = ev.ps.statuses[name].pauses
	}
	ev.markStop(t)
	ev.syncClocks(t)
}

// markStop ends, at t, the stop under way, and starts one if clocks
// stand still from t.
func (ev *evaluator) markStop(t time.Time) {
	if n := len(ev.stops); n > 0 && ev.stops[n-1].to.IsZero() {
		ev.stops[n-1].to = t
		if !ev.stops[n-1].from.Before(t) {
			ev.stops = ev.stops[:n-1]
		}
	}
	if ev.paused != 0 || ev.resolved {
		ev.stops = append(ev.stops, stop{from: t, mask: ev.paused, resolved: ev.resolved})
	}
	ev.trimStops()
}

// trimStops drops the stops that no obligation of the working set that
// might be tracked again — one without a target, or lapsed — reaches back
// to.
func (ev *evaluator) trimStops() {
	if len(ev.stops) == 0 {
		return
	}
	var since time.Time
	need := false
	for _, j := range ev.live {
		o := &ev.obs[j]
		var from time.Time
		switch {
		case o.lapsed, j == ev.res && o.key.Team == "" && (o.cancelled || o.halted):
			// A lapsed clock replays from where it stopped when a
			// target tracks it again; so does the resolution that
			// lapsed before a Resolve, when a Reopen needs it.
			from = o.stoppedAt
		case !o.tracked:
			from = o.start
		default:
			continue
		}
		if !need || from.Before(since) {
			since, need = from, true
		}
	}
	k := 0
	for k < len(ev.stops)-1 && (!need || !ev.stops[k].to.IsZero() && !ev.stops[k].to.After(since)) {
		k++
	}
	if k > 0 {
		ev.stops = slices.Delete(ev.stops, 0, k)
	}
}

// violation records reply e (index i) on a channel never offered, or,
// with local set, outside the customer's contact hours.
func (ev *evaluator) violation(i int, e *Event, local time.Time) {
	v := Violation{Index: i, At: e.Time, Channel: e.Channel, Reason: NotOffered}
	if !local.IsZero() {
		v.Reason, v.Local = OutsideContactHours, local
	}
	ev.vios.push(v)
	for _, j := range ev.live {
		o := &ev.obs[j]
		if o.tgt == nil || o.closed() {
			continue
		}
		switch o.key.Metric {
		case FirstReply, NextReply, Update, PromiseKept:
			o.vios = append(o.vios, v)
		}
	}
}

// placed returns the zoned template tmpl placed in the customer's zone,
// or tmpl itself when that zone is unknown.
func (ev *evaluator) placed(tmpl *calendar.Calendar) *calendar.Calendar {
	if ev.zonedCals == nil {
		return tmpl
	}
	return ev.zonedCals[slices.Index(ev.ps.zoned, tmpl)]
}

// in returns t in the location of the inquiry's arrival time, as every
// instant of a Status is; calendars compute in their own.
func (ev *evaluator) in(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(ev.inq.Received.Location())
}
