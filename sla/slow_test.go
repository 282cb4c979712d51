package sla_test

// A slow, obviously correct reference for PolicySet.Evaluate, written from
// the package documentation rather than from evaluate.go. It walks real
// time forward from the inquiry's arrival one minute at a time and keeps,
// for every obligation, a clock that is literally a counter: each minute in
// which the clock runs and the target's calendar is open (IsOpen at the
// minute's start; plain time is always open) adds a minute of business
// time. An obligation is due at the first instant its clock reaches its
// budget; a level fires at the first instant the clock reaches its
// threshold. Due times of running obligations are found by walking on past
// now as if nothing else happened.
//
// It assumes, and refCheck demands, that the inquiry's arrival, every event
// and now fall on whole minutes, and that the calendars open and close on
// whole minutes (so that IsOpen is constant within each minute). A
// threshold that is not a whole number of minutes (a share of an odd
// budget) is crossed inside an open minute, where business time is real
// time: at the minute's start plus the part still missing.
//
// Covered: one policy or several with Reclassify between them; targets in
// plain time or in a business calendar, the policy's or the customer's own
// (Target.CustomerCalendar);
// minute-based and day-based targets; first reply, next reply with nudges,
// periodic updates, resolution with Wait, Resume, Resolve and Reopen,
// promise kept, appointment kept with Held; escalation ladders with offset
// and share triggers; the three reply rules and violations; counts.
// Not covered: events sharing
// an instant, Status.Next, per-obligation violation lists, Owner and the
// notify lists. Day-based durations are counted from their definition
// by walking dates and minutes with IsOpen (refAdd), not with the
// calendar's AddDays or Duration.AddTo.
//
// Semantics, as the documentation states them:
//
//   - Events take effect in log order; at each instant the events happen
//     first, then the thresholds reached at that instant fire. So a reply
//     at the due time meets the obligation (Met: "done by the due time"),
//     and a level whose threshold is reached exactly when the obligation is
//     met does not fire ("never once the obligation is met").
//   - A reply is owed from the arrival until a counting reply or the
//     resolution; a customer message while one is owed is a nudge of the
//     owed obligation, otherwise it opens next_reply#N.
//   - update#N runs from the arrival, each counting reply while unresolved,
//     or a Reopen, until the next counting reply (met) or the resolution (no
//     longer owed); its clock stands still while waiting.
//   - The resolution clock stands still while waiting and while resolved; a
//     Reopen makes a met resolution open again (and a met-late one
//     breached: lateness is final), the resolved span counting as paused.
//   - A promise is kept by a later counting reply or the resolution, an
//     appointment by a Held: the one its Due names, or else, of those not
//     yet held, the earliest scheduled whose Due plus the grace of the
//     policy in force is not before the Held, or else the latest
//     scheduled. Both are due at their Due plus the grace; their clock
//     runs from the event, and the budget is what it reads at that
//     instant.
//   - Reply rules: a reply on a channel the customer never offered (the
//     inquiry's ReplyTo, else its channel, and every channel a customer
//     message named) is a violation unless any reply counts; under the
//     "same" rule a reply counts only on the channel of the customer's
//     latest message (the inquiry's channel if the message named none) if
//     that channel is offered, and on any offered channel if it is not.
//   - A day-based target's budget is the business time from the start to
//     the Duration's end counted from the start (refAdd), and it is due no
//     earlier than that instant; the same "no earlier" holds for
//     every threshold at or past the budget ("at the due time itself for
//     thresholds at or past the target").
//   - Reclassify: each open obligation takes the new policy's target,
//     keeping the business time used (counted in the old calendar before,
//     the new one after); losing a target cancels it, or, if breached,
//     freezes it; gaining one counts its clock from its own start in the new
//     calendar (replayed from the recorded minutes of the clock's history).
//     Levels that fired stay fired, by name. An obligation cancelled (or
//     frozen) by the loss of its target lapses: its clock history goes on
//     being recorded as if it were tracked, and a later target tracks it
//     again, its business time being what it used before it lapsed plus
//     the lapse replayed in the new calendar; a counting reply, a Held or
//     the resolution that would have ended it ends the lapse for good,
//     except that a Reopen makes a lapsed-then-resolved resolution lapse
//     again.

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

// refOb is an obligation of the reference.
type refOb struct {
	key       sla.Key
	start     time.Time
	base      time.Time // Due of a promise or appointment
	fixed     bool      // promise or appointment
	tgt       *sla.Target
	cal       *calendar.Calendar
	calName   string
	tracked   bool
	budget    time.Duration
	floor     time.Time // due no earlier
	stopped   bool      // the clock stands still (waiting, or resolved)
	history   []bool    // per minute from start: whether the clock ran
	elapsed   time.Duration
	paused    time.Duration
	resolvedP time.Duration // business time stood still while resolved, not yet counted
	met       bool
	cancelled bool
	frozen    bool // breached, then lost its target
	breached  bool
	due       time.Time // breach instant, once breached
	doneAt    time.Time
	dueAtDone time.Time // projected due at the instant it was met or cancelled
	fired     map[string]bool
	escs      []sla.Escalation
	nudges    int
	held      bool
	lapsed    bool // lost its target while still needed
	lapsedAt  int  // len(history) when it lapsed
}

func (o *refOb) closed() bool { return o.met || o.cancelled || o.frozen }
func (o *refOb) live() bool   { return o.tgt != nil && !o.closed() }

type refState struct {
	ps       *sla.PolicySet
	inq      sla.Inquiry
	pol      sla.Policy
	class    sla.Class
	offered  []sla.Channel
	lastCh   sla.Channel
	owing    bool
	owed     *refOb
	update   *refOb
	res      *refOb
	waiting  bool
	resolved bool
	obs      []*refOb
	nums     map[sla.Metric]int
	vios     []sla.Violation
	counts   sla.Counts
}

// refOpen reports whether minute [t, t+1m) is business time in cal.
func refOpen(cal *calendar.Calendar, t time.Time) bool {
	return cal == nil || cal.IsOpen(t)
}

// refCount returns the business time in [a, b) in cal, negative if b is
// before a.
func refCount(cal *calendar.Calendar, a, b time.Time) time.Duration {
	if b.Before(a) {
		return -refCount(cal, b, a)
	}
	var n time.Duration
	for u := a; u.Before(b); u = u.Add(time.Minute) {
		if refOpen(cal, u) {
			n += time.Minute
		}
	}
	return n
}

// refAdd returns when a target of d that starts at t runs out in cal (or
// plain time if cal is nil), from the definition of a Duration and
// walking minutes with IsOpen, not with the calendar's arithmetic: the
// days first (each to the same wall-clock time on the next date that is
// open at all, counted from the first open minute, then on to the first
// open minute), then the time part as open minutes.
func refAdd(cal *calendar.Calendar, t time.Time, d sla.Duration) time.Time {
	if cal == nil {
		return t.Add(time.Duration(d.Days)*24*time.Hour + d.Time)
	}
	if d.Days > 0 {
		t = refNextOpen(cal, t)
		loc := cal.Location()
		lt := t.In(loc)
		day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
		for n := d.Days; n > 0; {
			day = day.AddDate(0, 0, 1)
			if refOpenDay(cal, day) {
				n--
			}
		}
		t = refNextOpen(cal, refWallTime(loc, day, lt.Hour(), lt.Minute()))
	}
	for left := d.Time; left > 0; t = t.Add(time.Minute) {
		if refOpen(cal, t) {
			left -= time.Minute
		}
	}
	return t
}

// refNextOpen returns the first whole minute at or after t at which cal
// is open.
func refNextOpen(cal *calendar.Calendar, t time.Time) time.Time {
	for !refOpen(cal, t) {
		t = t.Add(time.Minute)
	}
	return t
}

// refOpenDay reports whether cal is open at some minute whose wall clock
// in cal's zone shows the date of day (a UTC midnight).
func refOpenDay(cal *calendar.Calendar, day time.Time) bool {
	loc := cal.Location()
	// The instants whose local date is day lie within a day and a half
	// of its UTC midnight, whatever the zone.
	for u := day.Add(-36 * time.Hour); u.Before(day.Add(36 * time.Hour)); u = u.Add(time.Minute) {
		lu := u.In(loc)
		if lu.Year() == day.Year() && lu.YearDay() == day.YearDay() && cal.IsOpen(u) {
			return true
		}
	}
	return false
}

// refWallTime returns the first minute whose wall clock in loc shows the
// date of day (a UTC midnight) at h:m or later on that date: h:m itself,
// or the end of a spring-forward gap that skipped it.
func refWallTime(loc *time.Location, day time.Time, h, m int) time.Time {
	for u := day.Add(-36 * time.Hour); ; u = u.Add(time.Minute) {
		lu := u.In(loc)
		ld := time.Date(lu.Year(), lu.Month(), lu.Day(), 0, 0, 0, 0, time.UTC)
		if ld.Equal(day) && lu.Hour()*60+lu.Minute() >= h*60+m || ld.After(day) {
			return u
		}
	}
}

// refThreshold returns the business time at which level l fires for a
// budget, and whether it is at or past the budget.
func refThreshold(l sla.Level, budget time.Duration) (time.Duration, bool) {
	s := l.At.String()
	var thr time.Duration
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		// A share in hundredths of a per cent, rounded down to the
		// nanosecond.
		f, err := strconv.ParseFloat(pct, 64)
		if err != nil {
			panic(s)
		}
		bp := int64(math.Round(f * 100))
		thr = time.Duration(int64(budget) * bp / 10000)
	} else {
		d, err := time.ParseDuration(s)
		if err != nil {
			panic(s)
		}
		thr = budget + d
	}
	return max(thr, 0), thr >= budget
}

// refEvaluate evaluates inq's log at now by walking minutes. It returns the
// obligations that had a target, in the order they started, and the
// status-wide violations and counts. It assumes a valid log.
func refEvaluate(ps *sla.PolicySet, inq sla.Inquiry, log []sla.Event, now time.Time) ([]sla.Obligation, []sla.Violation, sla.Counts) {
	refCheck(inq, log, now)
	idx := make([]int, len(log))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return log[a].Time.Compare(log[b].Time) })

	s := &refState{ps: ps, inq: inq, class: inq.Class, lastCh: inq.Channel, nums: map[sla.Metric]int{}}
	s.pol = s.policy()
	s.offered = slices.Clone(inq.ReplyTo)
	if len(s.offered) == 0 {
		s.offered = []sla.Channel{inq.Channel}
	}
	s.owing = true
	s.owed = s.open(sla.FirstReply, inq.Received, time.Time{})
	s.update = s.open(sla.Update, inq.Received, time.Time{})
	s.res = s.open(sla.Resolution, inq.Received, time.Time{})

	k := 0
	for t := inq.Received; ; t = t.Add(time.Minute) {
		for ; k < len(idx) && log[idx[k]].Time.Equal(t); k++ {
			s.apply(idx[k], log[idx[k]])
		}
		for _, o := range s.obs {
			s.check(o, t)
		}
		if !t.Before(now) {
			break
		}
		for _, o := range s.obs {
			s.step(o, t)
		}
	}

	var out []sla.Obligation
	for _, o := range s.obs {
		if !o.tracked {
			continue
		}
		ob := sla.Obligation{
			Key:         o.key,
			Start:       o.start,
			DoneAt:      o.doneAt,
			Budget:      o.budget,
			Elapsed:     o.elapsed,
			Remaining:   o.budget - o.elapsed,
			Paused:      o.paused,
			Nudges:      o.nudges,
			Escalations: o.escs,
		}
		ob.Calendar = o.calName
		switch {
		case o.cancelled:
			ob.State = sla.Cancelled
		case o.met && o.breached:
			ob.State = sla.MetLate
		case o.met:
			ob.State = sla.Met
		case o.breached:
			ob.State = sla.Breached
		case o.stopped:
			ob.State = sla.Paused
		default:
			ob.State = sla.Running
		}
		switch {
		case o.breached:
			ob.Due = o.due
		case o.closed():
			ob.Due = o.dueAtDone
		default:
			ob.Due = o.project(now)
		}
		if !ob.Due.IsZero() {
			ob.Due = ob.Due.In(inq.Received.Location())
		}
		slices.SortStableFunc(ob.Escalations, func(a, b sla.Escalation) int { return a.At.Compare(b.At) })
		for i := range ob.Escalations {
			ob.Escalations[i].At = ob.Escalations[i].At.In(inq.Received.Location())
		}
		out = append(out, ob)
	}
	return out, s.vios, s.counts
}

// refCheck panics unless the inputs are in the reference's domain.
func refCheck(inq sla.Inquiry, log []sla.Event, now time.Time) {
	whole := func(t time.Time) bool {
		return t.Sub(inq.Received)%time.Minute == 0 && t.Second() == 0 && t.Nanosecond() == 0
	}
	if !whole(inq.Received) || !whole(now) || now.Before(inq.Received) {
		panic("refEvaluate: inquiry or instant outside the reference's domain")
	}
	for i, e := range log {
		if !whole(e.Time) || (!e.Due.IsZero() && !whole(e.Due)) {
			panic(fmt.Sprintf("refEvaluate: event %d not on a whole minute", i))
		}
		for j := range i {
			if log[j].Time.Equal(e.Time) {
				panic("refEvaluate: events share an instant")
			}
		}
	}
}

// policy returns the first policy matching the inquiry's current class.
func (s *refState) policy() sla.Policy {
	for _, p := range s.ps.Policies() {
		if p.Match.Matches(s.inq.Channel, s.inq.Labels, s.class) {
			return p
		}
	}
	panic("no fallback")
}

// target returns the current policy's target for m, or nil.
func (s *refState) target(m sla.Metric) *sla.Target {
	if tg, ok := s.pol.Targets[m]; ok {
		return &tg
	}
	return nil
}

// open starts an obligation of metric m at t.
func (s *refState) open(m sla.Metric, t, base time.Time) *refOb {
	key := sla.Key{Metric: m}
	if m != sla.FirstReply && m != sla.Resolution {
		s.nums[m]++
		key.N = s.nums[m]
	}
	o := &refOb{key: key, start: t, base: base, fixed: m == sla.PromiseKept || m == sla.AppointmentKept, fired: map[string]bool{}}
	o.stopped = m == sla.Update && s.waiting
	s.obs = append(s.obs, o)
	s.retarget(o, t)
	return o
}

// retarget gives o the current policy's target for its metric at t.
func (s *refState) retarget(o *refOb, t time.Time) {
	tgt := s.target(o.key.Metric)
	if o.lapsed && tgt != nil {
		s.revive(o, tgt)
	}
	if o.closed() || (tgt == nil && o.tgt == nil) {
		return
	}
	if tgt == nil {
		s.close(o, t)
		o.lapsed, o.lapsedAt = true, len(o.history)
		return
	}
	name := tgt.Calendar
	if tgt.CustomerCalendar && s.inq.Calendar != "" {
		name = s.inq.Calendar
	}
	var cal *calendar.Calendar
	if name != "" {
		cal = s.ps.Calendar(name)
	}
	if !o.tracked {
		// Tracked from its own start: replay the clock's history in
		// the new calendar.
		o.elapsed, o.paused = 0, 0
		for i, ran := range o.history {
			if refOpen(cal, o.start.Add(time.Duration(i)*time.Minute)) {
				if ran {
					o.elapsed += time.Minute
				} else {
					o.paused += time.Minute
				}
			}
		}
	}
	o.tgt, o.cal, o.calName, o.tracked = tgt, cal, name, true
	switch {
	case o.fixed:
		o.floor = refAdd(cal, o.base, tgt.Within)
		o.budget = o.elapsed + refCount(cal, t, o.floor)
	case tgt.Within.Days > 0:
		o.floor = refAdd(cal, o.start, tgt.Within)
		o.budget = refCount(cal, o.start, o.floor)
	default:
		o.floor = time.Time{}
		o.budget = tgt.Within.Time
	}
}

// revive tracks lapsed o again under tgt: the minutes since it lapsed
// count in tgt's calendar as used or stood still, as the clock's history
// says.
func (s *refState) revive(o *refOb, tgt *sla.Target) {
	cal := s.calendarFor(tgt)
	for i := o.lapsedAt; i < len(o.history); i++ {
		if refOpen(cal, o.start.Add(time.Duration(i)*time.Minute)) {
			if o.history[i] {
				o.elapsed += time.Minute
			} else {
				o.paused += time.Minute
			}
		}
	}
	o.lapsed, o.cancelled, o.frozen = false, false, false
	o.doneAt, o.dueAtDone = time.Time{}, time.Time{}
}

// calendarFor returns the calendar tgt counts in for the inquiry.
func (s *refState) calendarFor(tgt *sla.Target) *calendar.Calendar {
	name := tgt.Calendar
	if tgt.CustomerCalendar && s.inq.Calendar != "" {
		name = s.inq.Calendar
	}
	if name == "" {
		return nil
	}
	return s.ps.Calendar(name)
}

// close ends o at t: cancelled, or frozen if already breached. A lapsed
// obligation is no longer needed.
func (s *refState) close(o *refOb, t time.Time) {
	if o.closed() {
		o.lapsed = false
		return
	}
	if o.breached {
		o.frozen = true
		return
	}
	o.cancelled, o.doneAt = true, t
	o.dueAtDone = o.projectIfRunning(t)
}

// meet records that o was done at t. A lapsed obligation is no longer
// needed.
func (s *refState) meet(o *refOb, t time.Time) {
	if o == nil {
		return
	}
	if o.closed() {
		o.lapsed = false
		return
	}
	o.met, o.doneAt = true, t
	o.dueAtDone = o.projectIfRunning(t)
}

func (o *refOb) projectIfRunning(t time.Time) time.Time {
	if o.tgt == nil || o.stopped {
		return time.Time{}
	}
	return o.project(t)
}

// project returns when o's clock, running from t on, first reaches its
// budget, and not before its floor; zero if it stands still.
func (o *refOb) project(t time.Time) time.Time {
	if o.stopped {
		return time.Time{}
	}
	e := o.elapsed
	u := t
	for e < o.budget || u.Before(o.floor) {
		if refOpen(o.cal, u) {
			e += time.Minute
		}
		u = u.Add(time.Minute)
	}
	return u
}

// check fires at t the thresholds o's clock has reached.
func (s *refState) check(o *refOb, t time.Time) {
	if !o.live() {
		return
	}
	if !o.breached && o.elapsed >= o.budget && !t.Before(o.floor) {
		o.breached, o.due = true, t
	}
	for _, l := range o.tgt.Escalation {
		thr, past := refThreshold(l, o.budget)
		if !o.fired[l.Name] && o.elapsed >= thr && (!past || !t.Before(o.floor)) {
			o.fire(l, t)
		}
	}
}

func (o *refOb) fire(l sla.Level, t time.Time) {
	o.fired[l.Name] = true
	o.escs = append(o.escs, sla.Escalation{Obligation: o.key, Level: l.Name, Notify: l.Notify, At: t})
}

// step moves o's clock through the minute [t, t+1m), firing the
// thresholds crossed strictly inside it.
func (s *refState) step(o *refOb, t time.Time) {
	o.history = append(o.history, !o.stopped && (!o.closed() || o.lapsed))
	if o == s.res && o.met && s.resolved && refOpen(o.cal, t) {
		o.resolvedP += time.Minute
	}
	if !o.live() || !refOpen(o.cal, t) {
		return
	}
	if o.stopped {
		o.paused += time.Minute
		return
	}
	for _, l := range o.tgt.Escalation {
		thr, past := refThreshold(l, o.budget)
		if at := t.Add(thr - o.elapsed); !o.fired[l.Name] && o.elapsed < thr && thr < o.elapsed+time.Minute && (!past || !at.Before(o.floor)) {
			o.fire(l, at)
		}
	}
	o.elapsed += time.Minute
}

func (s *refState) countsReply(ch sla.Channel) bool {
	return s.pol.Reply == sla.AnyChannel || slices.Contains(s.offered, ch)
}

// sameRuleRefuses reports whether the "same" rule refuses a reply on an
// offered channel ch: the customer's latest channel is offered, and ch is
// another.
func (s *refState) sameRuleRefuses(ch sla.Channel) bool {
	return s.pol.Reply == sla.SameChannel && slices.Contains(s.offered, s.lastCh) && ch != s.lastCh
}

// apply applies event e, at index i of the log.
func (s *refState) apply(i int, e sla.Event) {
	t := e.Time
	switch e.Type {
	case sla.CustomerMessage:
		s.counts.CustomerMessages++
		if e.Channel == "" {
			s.lastCh = s.inq.Channel // not thereby offered
		} else {
			s.lastCh = e.Channel
			if !slices.Contains(s.offered, e.Channel) {
				s.offered = append(s.offered, e.Channel)
			}
		}
		if s.waiting {
			s.endWait()
		}
		if s.owing {
			s.counts.Nudges++
			if s.owed != nil {
				s.owed.nudges++
			}
		} else {
			s.owing = true
			s.owed = s.open(sla.NextReply, t, time.Time{})
		}
	case sla.Reply:
		s.counts.Touches++
		if !s.countsReply(e.Channel) {
			s.vios = append(s.vios, sla.Violation{Index: i, At: e.Time, Channel: e.Channel})
			return
		}
		if s.sameRuleRefuses(e.Channel) {
			return
		}
		if s.owing {
			s.meet(s.owed, t)
			s.owing, s.owed = false, nil
		}
		if !s.resolved {
			s.meet(s.update, t)
			s.update = s.open(sla.Update, t, time.Time{})
		}
		s.keepPromises(t)
	case sla.AutoReply:
		s.counts.AutoReplies++
	case sla.Promise:
		s.open(sla.PromiseKept, t, e.Due)
	case sla.Appointment:
		s.open(sla.AppointmentKept, t, e.Due)
	case sla.Held:
		o := s.heldAppointment(e)
		o.held = true
		s.meet(o, t)
	case sla.Wait:
		s.waiting = true
		s.res.stopped = true
		s.update.stopped = true
	case sla.Resume:
		s.endWait()
	case sla.Resolve:
		s.waiting = false
		s.resolved = true
		s.counts.TouchesToResolve = s.counts.Touches
		s.meet(s.res, t)
		s.res.stopped = true
		s.res.resolvedP = 0
		if s.owed != nil {
			s.close(s.owed, t)
		}
		s.owing, s.owed = false, nil
		if s.update != nil {
			s.close(s.update, t)
			s.update = nil
		}
		s.keepPromises(t)
	case sla.Reopen:
		s.resolved = false
		// A met resolution is open again; one that lapsed (its target
		// lost before the Resolve) lapses again, from where it first
		// did (the resolved minutes are in its history as stood
		// still), and takes a target if the policy in force has one.
		if o := s.res; o.cancelled || o.frozen {
			o.stopped = false
			o.lapsed = true
			s.retarget(o, t)
		} else if o.met {
			o.met, o.doneAt = false, time.Time{}
			o.paused += o.resolvedP
			o.resolvedP = 0
			if o.tracked && s.target(sla.Resolution) == nil {
				// Its target was lost while it was resolved: no
				// longer owed from the Reopen. Its due time stays
				// the one it had when it was met (the
				// documentation says nothing of a cancelled
				// obligation's Due; this is Evaluate's).
				if o.breached {
					o.frozen = true
				} else {
					o.cancelled, o.doneAt = true, t
				}
				o.stopped = false
				o.lapsed, o.lapsedAt = true, len(o.history)
			} else {
				o.dueAtDone = time.Time{}
				o.stopped = false
				s.retarget(o, t)
			}
		}
		s.update = s.open(sla.Update, t, time.Time{})
	case sla.Reclassify:
		if e.Class.Party != "" {
			s.class.Party = e.Class.Party
		}
		if e.Class.Kind != "" {
			s.class.Kind = e.Class.Kind
		}
		if e.Class.Priority != "" {
			s.class.Priority = e.Class.Priority
		}
		s.pol = s.policy()
		for _, o := range s.obs {
			s.retarget(o, t)
		}
	}
}

// heldAppointment returns the appointment that Held e keeps; the log is
// valid, so there is one.
func (s *refState) heldAppointment(e sla.Event) *refOb {
	var pending []*refOb // not yet held, in the order they were scheduled
	for _, o := range s.obs {
		if o.key.Metric == sla.AppointmentKept && !o.held {
			pending = append(pending, o)
		}
	}
	if !e.Due.IsZero() {
		i := slices.IndexFunc(pending, func(o *refOb) bool { return o.base.Equal(e.Due) })
		return pending[i]
	}
	slices.SortStableFunc(pending, func(a, b *refOb) int { return a.base.Compare(b.base) })
	for _, o := range pending {
		deadline := o.base
		if tgt := s.target(sla.AppointmentKept); tgt != nil {
			deadline = refAdd(s.calendarFor(tgt), o.base, tgt.Within)
		}
		if !e.Time.After(deadline) {
			return o
		}
	}
	// All are past their deadline: the latest scheduled, the first
	// logged of equals.
	last := pending[len(pending)-1]
	for _, o := range pending {
		if o.base.Equal(last.base) {
			return o
		}
	}
	panic("unreachable")
}

func (s *refState) endWait() {
	s.waiting = false
	s.res.stopped = false
	if s.update != nil {
		s.update.stopped = false
	}
}

func (s *refState) keepPromises(t time.Time) {
	for _, o := range s.obs {
		if o.key.Metric == sla.PromiseKept {
			s.meet(o, t)
		}
	}
}
