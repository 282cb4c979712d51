package sla_test

// A slow, obviously correct reference for PolicySet.Evaluate, written from
// the package documentation (doc.go, event.go, policy.go, metric.go,
// status.go, escalation.go, duration.go) rather than from evaluate.go,
// and sharing no code with the implementation: it calls only
// calendar.IsOpen, package time and the sla types and constants.
//
// It walks real time forward from the inquiry's arrival one minute at a
// time and keeps, for every obligation, a clock that is literally a
// counter: each minute in which the clock runs and the target's calendar
// is open (IsOpen at the minute's start; plain time is always open) adds a
// minute of business time (Elapsed); each open minute in which it stands
// still adds a minute to Paused. An obligation is due at the first
// instant its clock reaches its budget, and not before its floor (below);
// a level fires at the first instant the clock reaches its threshold. Due
// times of running obligations are found by walking on past now as if
// nothing else happened.
//
// It assumes, and refCheck demands, that the inquiry's arrival, every
// event, every due time and now fall on whole minutes, that no two events
// share an instant, and that the calendars open and close on whole
// minutes (so that IsOpen is constant within each minute). A threshold
// that is not a whole number of minutes (a share of an odd budget) is
// crossed inside an open minute, where business time is real time: at the
// minute's start plus the part still missing.
//
// Not covered: events sharing an instant, Status.Next, per-obligation
// violation lists, notify lists beyond copying them, the reason text of
// anomalies (only their index, type and instant are compared), and
// calendars other than the fixture's. Day-based durations are counted
// from their definition by walking dates and minutes with IsOpen
// (refAdd), never with the calendar's AddDays or Duration.AddTo.
//
// Semantics, as the documentation states them (the doc comment each comes
// from in brackets; "reading:" marks where the documentation is silent or
// ambiguous and the reference chooses):
//
//   - Events take effect in log order; at each instant the events happen first,
//     then the due times and levels the clocks reach then [EventType consts]. A
//     level whose threshold is reached exactly when the obligation is met or
//     cancelled does not fire [Trigger].
//   - Clocks [Metric consts, HostStatus, Policy.Teams]: a reply or update clock
//     stands still while the host status pauses its metric; a resolution's also
//     while the inquiry is resolved; a team's resolution also while the inquiry
//     is not assigned to the team (reading: that time is Paused, and the
//     obligation's state Paused); promise and appointment clocks never stand
//     still ("promise and appointment times are fixed").
//   - Budgets [Obligation.Budget, Duration]: a minute-based target's budget is
//     its Within; a day-based one's the business time from the start to
//     refAdd(start, Within), and it is due no earlier than that instant (its
//     floor). A promise's or an appointment's floor is refAdd(promised or
//     scheduled time, grace) and its budget the business time used so far plus
//     that from the event to the floor (reading: so that, across a Reclassify
//     to another calendar, it stays due at its promised time plus grace). After
//     an Override its floor is the Override's Due and its budget the business
//     time used plus that up to Due, and so it stays across a change of target
//     (reading: still due at Due, the budget counted to it in the new
//     calendar) until a renegotiation or rescheduling sets a new time. A
//     Reopen under the policy the resolution was met under changes no target:
//     the budget stands, and the time its clock stood still while resolved
//     pushes its due time back [Override: "time it stands still pushes it
//     back"]. A floor already past gives the business time the clock had used
//     at it, as counted (reading: so that Remaining is minus the business time
//     its clock ran since; a clock that stood still since is not overdue), and
//     before the start, minus the business time from it to the start.
//     Thresholds at or past the budget are not reached before the floor
//     [Trigger: "at the due time itself"].
//   - Due [Obligation.Due]: for a running obligation, when it will be due if
//     nothing happens; zero while its clock stands still before the due time;
//     for a late one, the instant its Elapsed reached its Budget, and not
//     before its floor (so a Reclassify to a tighter target that breaches at
//     once gives a Due before the Reclassify [Reclassify]); for one met, when
//     it would have been due at DoneAt (zero if its clock stood still then).
//     Readings: a cancelled one's Due is computed like a met one's (and one
//     cancelled at a Reopen for want of a target keeps the Due it had when
//     met); a late one's Due is the instant it breached, and stays so when its
//     budget later moves (a renegotiation, a looser target); a resolution met
//     on time with no time left and reopened was not due while met, so it is
//     due at the Reopen; an Override to a Due before the start was due at that
//     Due.
//   - Replies owed [CustomerMessage, NextReply]: a reply is owed from the
//     arrival until a reply that counts or a Resolve; a customer message while
//     one is owed is a nudge of the obligation that owes it (whether tracked or
//     not), otherwise it opens next_reply#N. A message with a Channel offers it
//     from then on and is the latest channel; one without is on the inquiry's
//     channel and offers nothing. It ends a host status that says
//     ends_on_customer_message.
//   - Reply rules [ReplyRule, Reply, Document.Answers]: a reply's channel is
//     offered if the customer offered it (ReplyTo, else the inquiry's channel,
//     and every channel a message named) or it is a natural answer of an
//     offered channel (voicemail is answered by phone, plus the document's
//     answers). OfferedChannels: a reply on an offered channel counts, any
//     other is a Violation. SameChannel: if the latest channel is offered, only
//     a reply on it (or on one of its natural answers — reading) counts, else
//     any offered one; a reply on a channel never offered is a Violation.
//     AnyChannel: every reply counts. A reply that counts meets the reply owed,
//     meets the update (update#N+1 starts from it) while unresolved, and keeps
//     the open promises to get back whose channel it is on (if they name one)
//     at or after their From.
//   - Meeting [Appointment, Document.Answers]: when Meeting is offered or a
//     natural answer of an offered channel, scheduling an appointment meets the
//     reply owed "as a reply that counts does". Reading: whatever the reply
//     rule; it also meets the update (update#N+1 starts from it), but keeps no
//     promise ("Nothing else keeps a promise").
//   - AutoReply is counted and meets nothing [AutoReply]; it is never a
//     Violation (reading: the Violation rule speaks of replies).
//   - Promises [Promise, PromiseDone, PromiseRenegotiated, PromiseWithdrawn,
//     Outcome]: named by Ref, or by its key when Ref is empty; a Ref naming an
//     open promise is an anomaly, and so is an event naming no open promise.
//     Open means not yet kept, done or withdrawn (tracked or not, lapsed or
//     not). To get back: kept by a reply that counts (Kept); to do something:
//     by a PromiseDone (Done) or, if the promise target in force says
//     resolve_keeps, by a Resolve (Resolved). A PromiseDone keeps either kind
//     (Done). Renegotiation sets the new promised time and window (reading: the
//     event's From replaces the window, zero for none) and records a Revision;
//     lateness is final. Withdrawal cancels it, or if breached leaves it
//     breached and stops its escalation.
//   - Appointments [Appointment, AppointmentHeld, …]: named as promises are.
//     Held with a Ref keeps the one named (on time or late); without, the
//     latest open one scheduled at or before the Held (reading: the first
//     scheduled of several at that latest time; and open means not yet held,
//     missed, no-show or cancelled), an anomaly if none. Missed: before its
//     scheduled time an anomaly, else breached at Time (its budget then the
//     business time used, so that Remaining is 0, and its Due Time; the levels
//     it reaches then, those at the due time, fire) or, if already breached,
//     left breached; either way it then stops escalating. One missed while
//     untracked is ended all the same. NoShow: before its scheduled time an
//     anomaly, else cancelled if not yet breached, left breached and no longer
//     escalating if it is. Cancelled: cancelled, or left breached and no longer
//     escalating. Rescheduled: new scheduled time, a Revision.
//   - Host statuses [StatusChange, HostStatus]: an unknown status is an
//     anomaly; the same status again changes nothing; entering a status that
//     resolves is a Resolve and leaving it for one that does not a Reopen
//     (reading: only when that makes sense — entering a resolving status while
//     resolved, or leaving one while open, does nothing and is no anomaly; a
//     Resolve so entered ends what it ends as the clocks stood before the
//     change; a Reopen event leaves a resolving status for none).
//   - Resolve [Resolve, Counts]: an anomaly when resolved; otherwise the
//     resolution (and each team's) is met, the reply owed and the update are no
//     longer owed (cancelled, or left breached and no longer escalating),
//     promises to do something are kept if resolve_keeps, TouchesToResolve
//     takes Touches.
//   - Reopen [Reopen, Obligation.Paused, State]: an anomaly when open;
//     otherwise if the resolution target in force says new_cycle_on_reopen a
//     new resolution#N starts (but for a cycle that lapsed, then was resolved:
//     it lapses again, as Reclassify says), else the resolution (and each
//     team's) is open again with its clock continuing, the time it was resolved
//     counted as Paused, breached again if it was met late; and a new update
//     starts.
//   - Reclassify [Reclassify]: class and labels change and the policy is
//     selected again. Reading: when the policy stays the same, nothing else
//     changes; otherwise every obligation not yet ended takes the new policy's
//     target for its metric, keeping its start and the business time used
//     (counted in the old calendar before, the new one after). Losing a target
//     cancels it, or if breached leaves it breached and no longer escalating,
//     and it lapses; gaining one tracks it from its own start, its clock's
//     whole history replayed in the new calendar. A lapsed obligation whose
//     metric gets a target again is tracked again: what it used before it
//     lapsed plus the minutes since, replayed in the new calendar as the
//     clock's history says (standing still while paused or resolved). What
//     would have met or ended it ends the lapse for good: a counting reply, a
//     PromiseDone, a Held, Missed, NoShow or Cancelled naming it (reading: not
//     a Rescheduled or Renegotiated, which neither meet nor end it), a
//     Withdrawn, a Resolve (reading: the event then sets no Outcome: it did not
//     end that way); a lapsed-then-resolved resolution lapses again at a
//     Reopen. A team's obligation does not lapse. Levels that fired stay fired,
//     by name.
//   - Escalations [Trigger, Obligation.Escalations]: listed in firing order;
//     levels reached at one instant (at a Reclassify, say) fire in the order of
//     their thresholds, then of the ladder (reading).
//   - Teams [Assign, Policy.Teams, Metric Resolution]: resolution@team starts
//     at the first Assign to the team made while the policy in force has a
//     target for it, or at a Reclassify that gives the team the inquiry is
//     assigned to a target (reading), and counts only while assigned to the
//     team; it is met by a Resolve whoever the inquiry is assigned to, and
//     continues across Reopens (reading). Once cancelled it is not started
//     again (its key has no number).
//   - Override [Override, State.Open]: names a tracked obligation that is
//     running or paused (reading: a breached one is not open, so an anomaly);
//     its Revision's Was is the due time before (zero if its clock stood
//     still); a Due already past breaches it at once.

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

// refOb is an obligation of the reference.
type refOb struct {
	key   sla.Key
	start time.Time
	fixed bool // a promise or an appointment: due at a time its event sets

	// A promise's or an appointment's.
	ref         string
	ch          sla.Channel
	base, from  time.Time // promised or scheduled time; window start
	doSomething bool
	ended       bool // no longer open to the events that name it
	outcome     sla.Outcome
	revisions   []sla.Revision

	tgt      *sla.Target // the target in force, nil for none
	tgtPol   int         // the policy whose target tgt is
	cal      *calendar.Calendar
	calName  string
	tracked  bool // has had a target
	budget   time.Duration
	floor    time.Time // due no earlier
	override time.Time // the Due of the Override in force, zero for none

	ran       []bool          // per minute from start: whether its clock ran (or would have)
	cum       []time.Duration // business time used at each whole minute from start, as counted
	elapsed   time.Duration
	paused    time.Duration
	resolvedP time.Duration // stood still while resolved after being met, not yet counted

	met, cancelled, frozen, breached bool
	due, doneAt, dueAtDone           time.Time
	reopened, reopenedMet            time.Time // the latest Reopen of a met resolution, and when it had been met
	missed                           bool      // breached by an AppointmentMissed: stops escalating after the levels of that instant
	calChanged                       bool      // its target's calendar changed while tracked

	fired  map[string]bool
	escs   []sla.Escalation
	nudges int

	lapsed   bool // lost its target while still needed
	lapsedAt int  // len(ran) when it lapsed
}

func (o *refOb) closed() bool { return o.met || o.cancelled || o.frozen }
func (o *refOb) live() bool   { return o.tgt != nil && !o.closed() }

// refStatus is what the reference says of an inquiry at an instant.
type refStatus struct {
	Obligations []sla.Obligation
	Violations  []sla.Violation
	Anomalies   []sla.Anomaly
	Counts      sla.Counts
	Policy      string
	Class       sla.Class
	Labels      []string
	Owner, Team string
	Resolved    bool
	HostStatus  string
	Paused      []sla.Metric
	EventCount  int
	// Touched names the rules the scenario exercised, for statistics.
	Touched map[string]bool
}

type refState struct {
	ps       *sla.PolicySet
	pols     []sla.Policy
	statuses map[string]sla.HostStatus
	answers  map[sla.Channel][]sla.Channel
	inq      sla.Inquiry
	pol      int
	class    sla.Class
	labels   []string
	offered  []sla.Channel
	lastCh   sla.Channel
	owing    bool
	owed     *refOb // the obligation owing the reply, while owing
	update   *refOb // the update owed, nil while resolved
	res      *refOb // the current resolution cycle
	cycles   int
	teams    map[string]*refOb
	owner    string
	team     string
	host     string
	resolved bool
	obs      []*refOb
	nums     map[sla.Metric]int
	vios     []sla.Violation
	anoms    []sla.Anomaly
	counts   sla.Counts
	n        int
	touched  map[string]bool
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

// refBack returns the instant d of business time before t in cal,
// walking back minutes (only to tell scenarios apart in statistics).
func refBack(cal *calendar.Calendar, t time.Time, d time.Duration) time.Time {
	for ; d > 0; d -= time.Minute {
		t = t.Add(-time.Minute)
		for !refOpen(cal, t) {
			t = t.Add(-time.Minute)
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
// budget, and whether it is at or past the budget, from the trigger's
// written form: a share in hundredths of a per cent of the budget,
// rounded toward zero, or an offset from it; negative is reached at the
// start.
func refThreshold(l sla.Level, budget time.Duration) (time.Duration, bool) {
	s := l.At.String()
	var thr time.Duration
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		whole, frac, _ := strings.Cut(pct, ".")
		frac += "00"[len(frac):]
		bp, err := strconv.ParseInt(whole+frac, 10, 64)
		if err != nil {
			panic(s)
		}
		q := new(big.Int).Mul(big.NewInt(int64(budget)), big.NewInt(bp))
		q.Quo(q, big.NewInt(10000)) // truncates toward zero
		thr = time.Duration(q.Int64())
	} else {
		d, err := time.ParseDuration(s)
		if err != nil {
			panic(s)
		}
		thr = budget + d
	}
	return max(thr, 0), thr >= budget
}

// refEvaluate evaluates inq's log at now by walking minutes. It assumes a
// valid log (refCheck panics outside the reference's domain).
func refEvaluate(ps *sla.PolicySet, inq sla.Inquiry, log []sla.Event, now time.Time) refStatus {
	refCheck(inq, log, now)
	idx := make([]int, len(log))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return log[a].Time.Compare(log[b].Time) })

	doc := ps.Document()
	s := &refState{ps: ps, pols: doc.Policies, inq: inq, class: inq.Class, lastCh: inq.Channel,
		labels: slices.Clone(inq.Labels), nums: map[sla.Metric]int{}, teams: map[string]*refOb{}, touched: map[string]bool{}}
	s.statuses = doc.Statuses
	if s.statuses == nil {
		s.statuses = sla.DefaultStatuses()
	}
	s.answers = map[sla.Channel][]sla.Channel{sla.Voicemail: {sla.Phone}}
	for ch, to := range doc.Answers {
		s.answers[ch] = append(s.answers[ch], to...)
	}
	s.pol = s.policy()
	s.offered = slices.Clone(inq.ReplyTo)
	if len(s.offered) == 0 {
		s.offered = []sla.Channel{inq.Channel}
	}
	s.owing = true
	s.owed = s.open(sla.FirstReply, inq.Received)
	s.update = s.open(sla.Update, inq.Received)
	s.res = s.open(sla.Resolution, inq.Received)
	for _, o := range s.obs {
		s.retarget(o, inq.Received)
	}

	k := 0
	for t := inq.Received; ; t = t.Add(time.Minute) {
		for ; k < len(idx) && log[idx[k]].Time.Equal(t) && !t.After(now); k++ {
			s.n++
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
	return s.result(now)
}

// result is the reference's status at now.
func (s *refState) result(now time.Time) refStatus {
	loc := s.inq.Received.Location()
	rs := refStatus{
		Violations: s.vios, Anomalies: s.anoms, Counts: s.counts,
		Policy: s.pols[s.pol].Name, Class: s.class, Owner: s.owner, Team: s.team,
		Resolved: s.resolved, HostStatus: s.host, EventCount: s.n, Touched: s.touched,
	}
	if len(s.labels) > 0 {
		rs.Labels = s.labels
	}
	for _, m := range sla.Metrics() {
		if s.pausedBy(m) {
			rs.Paused = append(rs.Paused, m)
		}
	}
	for _, o := range s.obs {
		if !o.tracked {
			continue
		}
		ob := sla.Obligation{
			Key: o.key, Start: o.start, DoneAt: o.doneAt, Calendar: o.calName,
			Budget: o.budget, Elapsed: o.elapsed, Remaining: o.budget - o.elapsed, Paused: o.paused,
			Nudges: o.nudges, Ref: o.ref, Channel: o.ch, Scheduled: o.base, From: o.from,
			DoSomething: o.doSomething, Outcome: o.outcome, Revisions: o.revisions,
		}
		switch {
		case o.cancelled:
			ob.State = sla.Cancelled
		case o.met && o.breached:
			ob.State = sla.MetLate
		case o.met:
			ob.State = sla.Met
		case o.breached:
			ob.State = sla.Breached
		case s.runs(o):
			ob.State = sla.Running
		default:
			ob.State = sla.Paused
		}
		switch {
		case o.breached:
			ob.Due = o.due
		case o.closed():
			ob.Due = o.dueAtDone
		default:
			ob.Due = s.project(o, now)
		}
		if !ob.Due.IsZero() {
			ob.Due = ob.Due.In(loc)
		}
		ob.Escalations = slices.Clone(o.escs)
		slices.SortStableFunc(ob.Escalations, func(a, b sla.Escalation) int { return a.At.Compare(b.At) })
		for i := range ob.Escalations {
			ob.Escalations[i].At = ob.Escalations[i].At.In(loc)
		}
		rs.Obligations = append(rs.Obligations, ob)
	}
	return rs
}

// refCheck panics unless the inputs are in the reference's domain.
func refCheck(inq sla.Inquiry, log []sla.Event, now time.Time) {
	whole := func(t time.Time) bool { return t.Truncate(time.Minute).Equal(t) }
	if !whole(inq.Received) || !whole(now) || now.Before(inq.Received) {
		panic("refEvaluate: inquiry or instant outside the reference's domain")
	}
	for i, e := range log {
		if !whole(e.Time) || !whole(e.Due) || !whole(e.From) {
			panic(fmt.Sprintf("refEvaluate: event %d not on whole minutes", i))
		}
		for j := range i {
			if log[j].Time.Equal(e.Time) {
				panic("refEvaluate: events share an instant")
			}
		}
	}
}

// policy returns the index of the first policy matching the inquiry's
// current class and labels; the last is the fallback.
func (s *refState) policy() int {
	for i, p := range s.pols[:len(s.pols)-1] {
		if p.Match.Matches(s.inq.Channel, s.labels, s.class) {
			return i
		}
	}
	return len(s.pols) - 1
}

// target returns the policy's target in force for o, or nil.
func (s *refState) target(o *refOb) *sla.Target {
	p := s.pols[s.pol]
	if o.key.Team != "" {
		if tg, ok := p.Teams[o.key.Team][sla.Resolution]; ok {
			return &tg
		}
		return nil
	}
	if tg, ok := p.Targets[o.key.Metric]; ok {
		return &tg
	}
	return nil
}

// calendarOf returns the name of the calendar tgt counts in for the
// inquiry, and the calendar (nil for plain time).
func (s *refState) calendarOf(tgt *sla.Target) (string, *calendar.Calendar) {
	name := tgt.Calendar
	if tgt.CustomerCalendar && s.inq.Calendar != "" {
		name = s.inq.Calendar
	}
	if name == "" {
		return "", nil
	}
	return name, s.ps.Calendar(name)
}

// pausedBy reports whether the host status pauses metric m.
func (s *refState) pausedBy(m sla.Metric) bool {
	return s.host != "" && slices.Contains(s.statuses[s.host].Pauses, m)
}

// runs reports whether o's clock runs now, were it owed.
func (s *refState) runs(o *refOb) bool {
	switch o.key.Metric {
	case sla.PromiseKept, sla.AppointmentKept:
		return true
	case sla.Resolution:
		return !s.pausedBy(sla.Resolution) && !s.resolved && (o.key.Team == "" || s.team == o.key.Team)
	}
	return !s.pausedBy(o.key.Metric)
}

// open starts an obligation of metric m at t.
func (s *refState) open(m sla.Metric, t time.Time) *refOb {
	key := sla.Key{Metric: m}
	switch m {
	case sla.FirstReply:
	case sla.Resolution:
		if s.cycles++; s.cycles > 1 {
			key.N = s.cycles
		}
	default:
		s.nums[m]++
		key.N = s.nums[m]
	}
	return s.add(key, t)
}

func (s *refState) add(key sla.Key, t time.Time) *refOb {
	o := &refOb{key: key, start: t, fixed: key.Metric == sla.PromiseKept || key.Metric == sla.AppointmentKept,
		fired: map[string]bool{}, cum: []time.Duration{0}}
	s.obs = append(s.obs, o)
	return o
}

// retarget gives o the target in force at t.
func (s *refState) retarget(o *refOb, t time.Time) {
	tgt := s.target(o)
	if o.lapsed && tgt != nil {
		s.revive(o, tgt)
	}
	if o.closed() || (tgt == nil && o.tgt == nil) {
		return
	}
	if o.tgt != nil && o.tgtPol == s.pol {
		// The same target as before (a resolution reopened under the
		// policy it was met under): nothing changes, and an
		// Override's budget stands, pushed back by the time the clock
		// stood still.
		return
	}
	if tgt == nil {
		s.close(o, t)
		if o.key.Team == "" {
			o.lapsed, o.lapsedAt = true, len(o.ran)
		}
		o.tgt = nil
		return
	}
	name, cal := s.calendarOf(tgt)
	if !o.tracked {
		// Tracked from its own start: its clock's history replayed in
		// the new calendar.
		o.elapsed, o.paused = 0, 0
		s.replay(o, 0, cal)
	}
	if o.tracked && name != o.calName {
		o.calChanged = true
	}
	o.tgt, o.tgtPol, o.cal, o.calName, o.tracked = tgt, s.pol, cal, name, true
	s.rebudget(o, t)
}

// budgetTo returns the budget that makes o, at t, due at floor: the
// business time used by then if its clock runs from t on; for a floor
// before t, the business time it had used at the floor, as counted; for
// one before its start, minus the business time from the floor to the
// start.
func (o *refOb) budgetTo(t, floor time.Time) time.Duration {
	switch {
	case !floor.Before(t):
		return o.elapsed + refCount(o.cal, t, floor)
	case floor.Before(o.start):
		return refCount(o.cal, o.start, floor)
	}
	return o.cum[int(floor.Sub(o.start)/time.Minute)]
}

// rebudget sets o's budget and floor from its target, at t.
func (s *refState) rebudget(o *refOb, t time.Time) {
	switch {
	case !o.override.IsZero():
		// An Override stays in force across a change of target: still
		// due at its Due, the budget counted to it in the new calendar
		// (reading).
		o.floor = o.override
		o.budget = o.budgetTo(t, o.floor)
	case o.fixed:
		o.floor = refAdd(o.cal, o.base, o.tgt.Within)
		o.budget = o.budgetTo(t, o.floor)
	case o.tgt.Within.Days > 0:
		o.floor = refAdd(o.cal, o.start, o.tgt.Within)
		o.budget = refCount(o.cal, o.start, o.floor)
	default:
		o.floor = time.Time{}
		o.budget = o.tgt.Within.Time
	}
}

// replay recounts o's clock from minute i of its history on in cal, from
// its elapsed and paused time as they stand.
func (s *refState) replay(o *refOb, i int, cal *calendar.Calendar) {
	o.cum = o.cum[:i+1]
	for ; i < len(o.ran); i++ {
		if refOpen(cal, o.start.Add(time.Duration(i)*time.Minute)) {
			if o.ran[i] {
				o.elapsed += time.Minute
			} else {
				o.paused += time.Minute
			}
		}
		o.cum = append(o.cum, o.elapsed)
	}
}

// revive tracks lapsed o again under tgt: the minutes since it lapsed
// count in tgt's calendar as used or stood still, as its history says.
func (s *refState) revive(o *refOb, tgt *sla.Target) {
	_, cal := s.calendarOf(tgt)
	s.replay(o, o.lapsedAt, cal)
	o.lapsed, o.cancelled, o.frozen = false, false, false
	o.doneAt, o.dueAtDone = time.Time{}, time.Time{}
}

// close ends o at t, no longer owed: cancelled, or left breached and no
// longer escalating. A lapsed obligation is no longer needed.
func (s *refState) close(o *refOb, t time.Time) {
	if o.closed() {
		o.lapsed = false
		return
	}
	if o.breached {
		o.frozen = true
		return
	}
	o.dueAtDone = s.projectIfRunning(o, t)
	o.cancelled, o.doneAt = true, t
}

// meet records that o was done at t. A lapsed obligation is no longer
// needed.
func (s *refState) meet(o *refOb, t time.Time) {
	if o.closed() {
		o.lapsed = false
		return
	}
	o.dueAtDone = s.projectIfRunning(o, t)
	o.met, o.doneAt = true, t
}

func (s *refState) projectIfRunning(o *refOb, t time.Time) time.Time {
	if o.tgt == nil || !s.runs(o) {
		return time.Time{}
	}
	return s.project(o, t)
}

// project returns when o's clock, running from t on, first reaches its
// budget, and not before its floor; zero if it stands still.
func (s *refState) project(o *refOb, t time.Time) time.Time {
	if !s.runs(o) {
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

// reached returns the first whole minute at which o's clock, as counted,
// had reached its budget.
func (o *refOb) reached() time.Time {
	for i, e := range o.cum {
		if e >= o.budget {
			return o.start.Add(time.Duration(i) * time.Minute)
		}
	}
	panic("not reached")
}

// check breaches o and fires its levels at t, as its clock has reached
// them.
func (s *refState) check(o *refOb, t time.Time) {
	if !o.live() {
		return
	}
	if !o.breached && o.elapsed >= o.budget && !t.Before(o.floor) {
		o.breached = true
		o.due = o.reached()
		if !o.due.Before(o.reopenedMet) && o.due.Before(o.reopened) {
			// Reading: met on time with no time left, it was not
			// due while met; reopened, it is due at the Reopen.
			o.due = o.reopened
		}
		if o.due.Before(o.floor) || o.budget < 0 {
			// Not before its floor; and a budget below zero (an
			// Override to a Due before the start) ran out at that
			// Due (reading: the clock is never below zero, so the
			// instant "Elapsed reached Budget" is the Override's).
			o.due = o.floor
		}
		if o.due.Before(t) && !refBack(o.cal, t, o.elapsed-o.budget).Equal(o.due) {
			s.touched["breached at once, its clock stood still or changed calendar since it ran out"] = true
		}
		if o.due.Before(t) && o.calChanged {
			s.touched["breached at once after a change of calendar"] = true
		}
		if o.due.Before(t) && o.elapsed == o.budget {
			s.touched["breached at once, its clock still at its budget since it ran out"] = true
		}
	}
	// Levels reached at the same instant fire in the order of their
	// thresholds (reading: the order they would have fired in had the
	// clock run), ties in the ladder's order.
	ladder := slices.Clone(o.tgt.Escalation)
	slices.SortStableFunc(ladder, func(a, b sla.Level) int {
		ta, _ := refThreshold(a, o.budget)
		tb, _ := refThreshold(b, o.budget)
		return cmp.Compare(ta, tb)
	})
	for _, l := range ladder {
		thr, past := refThreshold(l, o.budget)
		if !o.fired[l.Name] && o.elapsed >= thr && (!past || !t.Before(o.floor)) {
			o.fire(l, t)
		}
	}
	if o.missed {
		o.frozen = true
	}
	if len(o.escs) > 1 && o.escs[len(o.escs)-1].At.Before(o.escs[len(o.escs)-2].At) {
		s.touched["levels fired out of ladder order"] = true
	}
	if o.budget <= 0 && len(o.tgt.Escalation) > 1 {
		s.touched["a ladder on a budget of zero"] = true
	}
}

func (o *refOb) fire(l sla.Level, t time.Time) {
	o.fired[l.Name] = true
	o.escs = append(o.escs, sla.Escalation{Obligation: o.key, Level: l.Name, Notify: slices.Clone(l.Notify), At: t})
}

// step moves o's clock through the minute [t, t+1m), firing the
// thresholds crossed strictly inside it.
func (s *refState) step(o *refOb, t time.Time) {
	r := s.runs(o)
	o.ran = append(o.ran, r)
	defer func() { o.cum = append(o.cum, o.elapsed) }()
	if o.met && o.tracked && o.key.Metric == sla.Resolution && s.resolved && refOpen(o.cal, t) {
		o.resolvedP += time.Minute
	}
	if !o.live() || !refOpen(o.cal, t) {
		return
	}
	if !r {
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

// offers reports whether a reply on ch is on a channel the customer
// offered, or a natural answer of one.
func (s *refState) offers(ch sla.Channel) bool {
	for _, o := range s.offered {
		if o == ch || slices.Contains(s.answers[o], ch) {
			return true
		}
	}
	return false
}

// counts reports whether a reply on ch counts, and whether it is a
// violation.
func (s *refState) countsReply(ch sla.Channel) (counts, violation bool) {
	rule := s.pols[s.pol].Reply
	switch {
	case rule == sla.AnyChannel:
		return true, false
	case !s.offers(ch):
		return false, true
	case rule == sla.SameChannel && !slices.Contains(s.offered, s.lastCh) && s.offers(s.lastCh):
		s.touched["same channel: the latest channel only a natural answer of an offered one"] = true
		return true, false
	case rule == sla.SameChannel && slices.Contains(s.offered, s.lastCh):
		// Reading: a natural answer of the latest channel is on it.
		return ch == s.lastCh || slices.Contains(s.answers[s.lastCh], ch), false
	}
	return true, false
}

func (s *refState) anomaly(i int, e sla.Event, reason string) {
	s.anoms = append(s.anoms, sla.Anomaly{Index: i, Type: e.Type, At: e.Time, Reason: reason})
}

// named returns the open promise or appointment of metric m named ref.
func (s *refState) named(m sla.Metric, ref string) *refOb {
	for _, o := range s.obs {
		if o.key.Metric == m && !o.ended && o.ref == ref {
			return o
		}
	}
	return nil
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
		if s.host != "" && s.statuses[s.host].EndsOnCustomerMessage {
			s.setStatus(i, "", t)
		}
		if s.owing {
			s.counts.Nudges++
			s.owed.nudges++
		} else {
			s.owing = true
			s.owed = s.open(sla.NextReply, t)
			s.retarget(s.owed, t)
		}
	case sla.Reply:
		s.counts.Touches++
		counts, vio := s.countsReply(e.Channel)
		if vio {
			s.vios = append(s.vios, sla.Violation{Index: i, At: t, Channel: e.Channel, Reason: sla.NotOffered})
		}
		if !counts {
			return
		}
		s.answer(t)
		s.updated(t)
		for _, o := range s.obs {
			if o.key.Metric == sla.PromiseKept && !o.ended && !o.doSomething &&
				(o.ch == "" || o.ch == e.Channel) && !t.Before(o.from) {
				s.keep(o, sla.Kept, t)
			}
		}
	case sla.AutoReply:
		s.counts.AutoReplies++
	case sla.Promise:
		ref := e.Ref
		if ref == "" {
			ref = sla.Key{Metric: sla.PromiseKept, N: s.nums[sla.PromiseKept] + 1}.String()
		}
		if s.named(sla.PromiseKept, ref) != nil {
			s.anomaly(i, e, "a promise named "+strconv.Quote(ref)+" is open already")
			return
		}
		o := s.open(sla.PromiseKept, t)
		o.ref, o.ch, o.base, o.from, o.doSomething = ref, e.Channel, e.Due, e.From, e.PromiseKind == sla.DoSomething
		s.retarget(o, t)
	case sla.PromiseDone, sla.PromiseRenegotiated, sla.PromiseWithdrawn:
		o := s.named(sla.PromiseKept, e.Ref)
		if o == nil {
			s.anomaly(i, e, "no open promise named "+strconv.Quote(e.Ref))
			return
		}
		switch e.Type {
		case sla.PromiseDone:
			s.keep(o, sla.Done, t)
		case sla.PromiseRenegotiated:
			if o.lapsed {
				s.touched["renegotiate or reschedule while lapsed"] = true
			}
			o.revisions = append(o.revisions, sla.Revision{At: t, Type: e.Type, Actor: e.Actor, Reason: e.Reason, Was: o.base, Due: e.Due})
			o.base, o.from = e.Due, e.From // reading: the event's window replaces the old
			o.override = time.Time{}
			if o.live() {
				s.rebudget(o, t)
			}
		case sla.PromiseWithdrawn:
			s.end(o, sla.Withdrawn)
			s.close(o, t)
		}
	case sla.Appointment:
		ref := e.Ref
		if ref == "" {
			ref = sla.Key{Metric: sla.AppointmentKept, N: s.nums[sla.AppointmentKept] + 1}.String()
		}
		if s.named(sla.AppointmentKept, ref) != nil {
			s.anomaly(i, e, "an appointment named "+strconv.Quote(ref)+" is open already")
			return
		}
		o := s.open(sla.AppointmentKept, t)
		o.ref, o.ch, o.base = ref, e.Channel, e.Due
		s.retarget(o, t)
		if s.offers(sla.Meeting) {
			// Reading: "as a reply that counts does" — it meets the
			// reply owed and the update, but keeps no promise
			// ("nothing else keeps a promise").
			s.answer(t)
			s.updated(t)
		}
	case sla.AppointmentHeld:
		var o *refOb
		if e.Ref != "" {
			if o = s.named(sla.AppointmentKept, e.Ref); o == nil {
				s.anomaly(i, e, "no open appointment named "+strconv.Quote(e.Ref))
				return
			}
		} else {
			for _, a := range s.obs {
				// Reading: of several scheduled at the latest time,
				// the first scheduled.
				if a.key.Metric == sla.AppointmentKept && !a.ended && !a.base.After(t) && (o == nil || a.base.After(o.base)) {
					o = a
				}
			}
			if o == nil {
				s.anomaly(i, e, "no appointment has begun")
				return
			}
		}
		s.end(o, sla.Held)
		s.meet(o, t)
	case sla.AppointmentMissed, sla.AppointmentNoShow, sla.AppointmentCancelled, sla.AppointmentRescheduled:
		o := s.named(sla.AppointmentKept, e.Ref)
		if o == nil {
			s.anomaly(i, e, "no open appointment named "+strconv.Quote(e.Ref))
			return
		}
		if (e.Type == sla.AppointmentMissed || e.Type == sla.AppointmentNoShow) && t.Before(o.base) {
			s.anomaly(i, e, "before the appointment was to begin")
			return
		}
		switch e.Type {
		case sla.AppointmentMissed:
			s.end(o, sla.Missed)
			switch {
			case o.live() && !o.breached:
				// Breached at Time: the levels it reaches then
				// (those at the due time) fire, then it stops
				// escalating.
				o.budget, o.floor = o.elapsed, time.Time{}
				o.breached, o.due, o.missed = true, t, true
			case o.live():
				o.frozen = true
			default:
				// Untracked, it is ended all the same; lapsed,
				// its lapse ends.
				o.frozen = o.frozen || !o.closed()
				o.lapsed = false
			}
		case sla.AppointmentNoShow:
			s.end(o, sla.NoShow)
			s.close(o, t)
		case sla.AppointmentCancelled:
			if e.By == sla.TheCustomer {
				s.end(o, sla.CancelledByCustomer)
			} else {
				s.end(o, sla.CancelledByUs)
			}
			s.close(o, t)
		case sla.AppointmentRescheduled:
			if o.lapsed {
				s.touched["renegotiate or reschedule while lapsed"] = true
			}
			o.revisions = append(o.revisions, sla.Revision{At: t, Type: e.Type, Actor: e.Actor, Reason: e.Reason, Was: o.base, Due: e.Due})
			o.base = e.Due
			o.override = time.Time{}
			if o.live() {
				s.rebudget(o, t)
			}
		}
	case sla.StatusChange:
		if _, ok := s.statuses[e.Status]; !ok {
			s.anomaly(i, e, "no status "+strconv.Quote(e.Status))
			return
		}
		s.setStatus(i, e.Status, t)
	case sla.Resolve:
		if s.resolved {
			s.anomaly(i, e, "resolved already")
			return
		}
		s.resolve(t)
	case sla.Reopen:
		if !s.resolved {
			s.anomaly(i, e, "not resolved")
			return
		}
		if s.host != "" && s.statuses[s.host].Resolves {
			// Reading: the inquiry leaves a status that resolves
			// it, for none.
			s.host = ""
		}
		s.reopen(t)
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
		for _, l := range e.AddLabels {
			if !slices.Contains(s.labels, l) {
				s.labels = append(s.labels, l)
			}
		}
		s.labels = slices.DeleteFunc(s.labels, func(l string) bool { return slices.Contains(e.RemoveLabels, l) })
		old := s.pol
		if s.pol = s.policy(); s.pol == old {
			return // reading: the same policy, the same targets
		}
		for _, o := range s.obs {
			s.retarget(o, t)
		}
		// Reading: a policy that gives the team the inquiry is
		// assigned to a target starts its resolution, the first time.
		s.startTeam(t)
	case sla.Assign:
		s.owner, s.team = e.Owner, e.Team
		s.startTeam(t)
	case sla.Override:
		var o *refOb
		for _, c := range s.obs {
			if c.key == e.Obligation && c.live() && !c.breached {
				o = c
			}
			if c.key == e.Obligation && c.live() && c.breached {
				s.touched["override a breached obligation"] = true
			}
		}
		if o != nil && e.Due.Before(t) {
			s.touched["override to a past due time"] = true
		}
		if o == nil {
			s.anomaly(i, e, "no open obligation "+e.Obligation.String())
			return
		}
		o.revisions = append(o.revisions, sla.Revision{At: t, Type: e.Type, Actor: e.Actor, Reason: e.Reason, Was: s.projectIfRunning(o, t), Due: e.Due})
		o.override = e.Due
		o.budget = o.budgetTo(t, e.Due)
		s.rebudget(o, t)
	}
}

// startTeam starts the resolution of the team the inquiry is assigned
// to, if the policy in force gives it a target and it has none yet.
func (s *refState) startTeam(t time.Time) {
	if s.team != "" && s.teams[s.team] == nil {
		if _, ok := s.pols[s.pol].Teams[s.team][sla.Resolution]; ok {
			o := s.add(sla.Key{Metric: sla.Resolution, Team: s.team}, t)
			s.teams[s.team] = o
			s.retarget(o, t)
		}
	}
}

// answer meets the reply owed, if any, at t.
func (s *refState) answer(t time.Time) {
	if s.owing {
		s.meet(s.owed, t)
		s.owing, s.owed = false, nil
	}
}

// updated meets the update owed, if any, at t: the next counts from t.
func (s *refState) updated(t time.Time) {
	if !s.resolved {
		s.meet(s.update, t)
		s.update = s.open(sla.Update, t)
		s.retarget(s.update, t)
	}
}

// end makes promise or appointment o no longer open to the events that
// name it, with outcome — unless it had lapsed: the event then ends the
// lapse and o keeps the outcome it had (reading: it did not end that
// way).
func (s *refState) end(o *refOb, outcome sla.Outcome) {
	o.ended = true
	if !o.closed() {
		o.outcome = outcome
	}
}

// keep keeps promise o at t, with outcome.
func (s *refState) keep(o *refOb, outcome sla.Outcome, t time.Time) {
	s.end(o, outcome)
	s.meet(o, t)
}

// setStatus makes name the host status at t ("" for none), resolving or
// reopening the inquiry as the statuses say.
func (s *refState) setStatus(i int, name string, t time.Time) {
	if name == s.host {
		return
	}
	was := s.statuses[s.host].Resolves && s.host != ""
	now := name != "" && s.statuses[name].Resolves
	if !was && !now && s.resolved {
		s.touched["a status that does not resolve entered while resolved, leaving none that does"] = true
	}
	switch {
	case now && !was && !s.resolved:
		// Reading: what the Resolve ends, it ends as the clocks
		// stood before the change (a Due at DoneAt is zero for a
		// clock the old status paused).
		s.resolve(t)
		s.host = name
	case was && !now && s.resolved:
		s.host = name
		s.reopen(t)
	default:
		s.host = name
	}
}

func (s *refState) resolve(t time.Time) {
	s.counts.TouchesToResolve = s.counts.Touches
	s.meet(s.res, t)
	for _, o := range s.teams {
		s.meet(o, t)
	}
	if s.owing {
		s.close(s.owed, t)
	}
	s.owing, s.owed = false, nil
	if s.update != nil {
		s.close(s.update, t)
		s.update = nil
	}
	if tg, ok := s.pols[s.pol].Targets[sla.PromiseKept]; ok && tg.ResolveKeeps {
		for _, o := range s.obs {
			if o.key.Metric == sla.PromiseKept && !o.ended && o.doSomething {
				s.keep(o, sla.Resolved, t)
			}
		}
	}
	s.resolved = true
	for _, o := range s.obs {
		o.resolvedP = 0
	}
}

func (s *refState) reopen(t time.Time) {
	s.resolved = false
	// A new cycle starts "instead of continuing the met one": a
	// resolution that lapsed, then was resolved, was not met, and lapses
	// again instead [Reclassify].
	if tg, ok := s.pols[s.pol].Targets[sla.Resolution]; ok && tg.NewCycleOnReopen && s.res.met {
		s.res = s.open(sla.Resolution, t)
		s.retarget(s.res, t)
	} else {
		s.unresolve(s.res, t)
	}
	for _, o := range s.teams {
		s.unresolve(o, t)
	}
	s.update = s.open(sla.Update, t)
	s.retarget(s.update, t)
}

// unresolve continues resolution o at a Reopen at t.
func (s *refState) unresolve(o *refOb, t time.Time) {
	switch {
	case (o.cancelled || o.frozen) && o.key.Team == "":
		// A resolution that lapsed, then was resolved, lapses again
		// from where it first did (the resolved minutes are in its
		// history as stood still), and takes a target if the policy
		// in force has one.
		o.lapsed = true
		s.retarget(o, t)
	case o.met:
		if o.tracked {
			o.reopened, o.reopenedMet = t, o.doneAt
		} else {
			s.touched["a resolution met untracked, tracked at a Reopen"] = true
		}
		was := o.dueAtDone
		o.met, o.doneAt, o.dueAtDone = false, time.Time{}, time.Time{}
		o.paused += o.resolvedP
		o.resolvedP = 0
		s.retarget(o, t)
		if o.cancelled {
			// Its target was lost while it was resolved: no longer
			// owed from the Reopen. Reading (the documentation says
			// nothing of a cancelled obligation's Due): it keeps the
			// Due it had when it was met.
			o.dueAtDone = was
		}
	}
}
