package sla

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/replyby/replyby/calendar/strictjson"
)

// ErrBackdated means an event or an instant given to a Run comes before
// what the run has already applied or advanced to: evaluate the whole log
// again instead ([PolicySet.Evaluate], or a new Run).
var ErrBackdated = errors.New("before the run's instant")

// A Run is one inquiry's evaluation in progress: the state
// [PolicySet.Evaluate] reaches after applying some events, kept so that a
// host appends events as they happen instead of replaying the log. What
// an event costs follows the obligations still open, not the length of
// the log: the 10,000th event of a conversation costs about what the 10th
// does.
//
// Start one with [PolicySet.Start], apply events in time order with
// [Run.Apply], and read the [Status] at any instant not before the run's
// with [Run.Status], or the cheaper [Run.Glance]. Applying a log's events
// up to now and reading the status at now gives exactly what Evaluate
// gives for that log and now; a host replays (or starts again) only when
// an event comes before the run's instant (ErrBackdated).
//
// A Run's methods that do not change it — Time, EventCount, Status,
// Glance, Escalations, Anomalies and Clone — may be called at once from
// many goroutines; Apply and Advance may not run beside any other call on
// the same Run. [Run.Clone] gives an independent copy to change.
//
// The zero Run was not started: like the zero PolicySet it holds no
// policy, so Apply, Advance, Status and Glance return an error wrapping
// ErrNoFallback, and it has no events, escalations or anomalies.
type Run struct {
	ev evaluator
}

// errNotStarted is the zero Run's error.
var errNotStarted = fmt.Errorf("sla: a Run not begun by PolicySet.Start: %w", ErrNoFallback)

// Time returns the run's instant: the latest of the time of the last
// event applied, the inquiry's arrival and the instant the run was
// advanced to.
func (r *Run) Time() time.Time {
	if r.ev.sealed.After(r.ev.cur) {
		return r.ev.sealed
	}
	return r.ev.cur
}

// EventCount returns how many events were applied.
func (r *Run) EventCount() int { return r.ev.n }

// Apply applies events in order, each well-formed (an error wrapping
// ErrBadEvent or ErrEventBeforeInquiry otherwise) and not before the
// previous one nor before the run's instant (ErrBackdated otherwise;
// events at the time of the last event applied are fine, unless the run
// was advanced to that time). It applies all or none: on error the run is
// as it was. Errors name the event by its position in the run's log, as
// "events[n]", counting the events applied before.
func (r *Run) Apply(events ...Event) error {
	ev := &r.ev
	if ev.ps == nil {
		return errNotStarted
	}
	last := ev.cur
	for k := range events {
		e := &events[k]
		path := strictjson.Index("events", ev.n+k)
		if err := e.check(ev.inq.Received); err != nil {
			return errUnder(path, err)
		}
		switch {
		case !ev.sealed.IsZero() && !e.Time.After(ev.sealed):
			return errAt(path+".time", e.Time.String(), "not after "+ev.sealed.String()+", the instant the run was advanced to", ErrBackdated)
		case e.Time.Before(ev.cur):
			return errAt(path+".time", e.Time.String(), "before the run's instant "+ev.cur.String(), ErrBackdated)
		case e.Time.Before(last):
			return errAt(path+".time", e.Time.String(), "before the event before it, at "+last.String(), ErrBackdated)
		}
		last = e.Time
	}
	for k := range events {
		ev.step(ev.n, &events[k])
	}
	return nil
}

// Advance moves the run to t, firing the thresholds its clocks reach by
// then, at t included: no event at or before t can be applied afterwards.
// It is what a sweep does; an instant before the run's is an error
// wrapping ErrBackdated.
func (r *Run) Advance(t time.Time) error {
	ev := &r.ev
	if ev.ps == nil {
		return errNotStarted
	}
	if t.Before(r.Time()) {
		return errAt("", t.String(), "before the run's instant "+r.Time().String(), ErrBackdated)
	}
	ev.advance(ev.cur, true)
	ev.advance(t, true)
	ev.sealed = t
	return nil
}

// Status returns the status at now, as Evaluate would give it for the
// events applied, with Next not bounded by any later event (the run does
// not know them). It does not change the run. An instant before the
// run's is an error wrapping ErrBackdated.
func (r *Run) Status(now time.Time) (Status, error) {
	if r.ev.ps == nil {
		return Status{}, errNotStarted
	}
	if now.Before(r.Time()) {
		return Status{}, errAt("now", now.String(), "before the run's instant "+r.Time().String(), ErrBackdated)
	}
	c := r.ev.fork()
	c.advance(c.cur, true)
	c.advance(now, true)
	return c.status(now, time.Time{}), nil
}

// A Glance is what a host that stores statuses needs after each event or
// sweep, at a cost that follows the obligations still open, not the log.
type Glance struct {
	// At is the instant looked at.
	At time.Time
	// Next is as Status.Next for the events applied.
	Next time.Time
	// Policy, Owner, Team, Resolved and HostStatus are as in the
	// Status.
	Policy, Owner, Team string
	Resolved            bool
	HostStatus          string
	// Open lists the obligations still open at At — running, paused,
	// or breached and not yet met — as Status lists them.
	Open []Obligation
	// Breached counts the obligations in the Breached state, open or
	// not.
	Breached int
	// Escalations counts the levels fired by At; the run's
	// [Run.Escalations] lists them.
	Escalations int
	// Anomalies counts the events ignored so far; the run's
	// [Run.Anomalies] lists them.
	Anomalies int
	// Violations counts the replies on channels never offered.
	Violations int
	// EventCount is how many events were applied.
	EventCount int
	// Labels counts the labels the inquiry holds (Status.Labels lists
	// them): a host that bounds them checks an event's effect with it.
	Labels int
}

// Glance returns a glance at now. It does not change the run. An instant
// before the run's is an error wrapping ErrBackdated.
func (r *Run) Glance(now time.Time) (Glance, error) {
	if r.ev.ps == nil {
		return Glance{}, errNotStarted
	}
	if now.Before(r.Time()) {
		return Glance{}, errAt("now", now.String(), "before the run's instant "+r.Time().String(), ErrBackdated)
	}
	c := &r.ev
	// now is not before c.cur, and what fires by an instant fires by
	// any later one: still(now) says both advances would change nothing.
	if !c.still(now) {
		// A level or a breach may fire by now that the run has not
		// fired: look at a copy.
		c = r.ev.fork()
		c.advance(c.cur, true)
		c.advance(now, true)
	}
	g := Glance{At: now, Next: c.nextThreshold(time.Time{}),
		Policy: c.ps.doc.Policies[c.pol].Name, Owner: c.owner, Team: c.team, Resolved: c.resolved, HostStatus: c.hostStatus,
		Breached: c.breachedNow, Escalations: c.escLog.n, Anomalies: c.anomalies.n, Violations: c.vios.n, EventCount: c.n, Labels: len(c.labels)}
	for _, i := range c.live {
		if o := &c.obs[i]; o.tracked && o.live() {
			g.Open = append(g.Open, c.final(o, now))
		}
	}
	return g, nil
}

// Escalations returns the levels fired so far (by the run's instant), in
// the order of the instants they fired (ties in the order of the
// obligations' starts), from the from-th on: a host that records
// escalations keeps how many it has seen and asks for the rest. Levels
// fire in time order, so those fired after a sweep's instant come after
// those fired by it. The cost follows the levels returned, not those
// before from.
func (r *Run) Escalations(from int) []Escalation { return r.ev.escLog.since(from) }

// Anomalies returns the events ignored so far, as Status lists them,
// from the from-th on, at the cost of those returned.
func (r *Run) Anomalies(from int) []Anomaly { return r.ev.anomalies.since(from) }

// Clone returns an independent copy of the run, at the cost of its open
// obligations.
func (r *Run) Clone() *Run {
	if r.ev.ps == nil {
		return &Run{}
	}
	return &Run{ev: *r.ev.fork()}
}

// fork returns a copy of ev that shares nothing it could change: the
// working set is copied, and the lists that only grow are shared with
// the copy's capacity clipped, so that appending to the copy's leaves
// ev's alone. It does not write to ev, so that forks of one evaluator
// (Status, Glance, Clone) may run at once: ev may still append in place
// beyond what a fork sees, and changes nothing a fork sees (a plist
// copies its top before inserting under its newest element).
func (ev *evaluator) fork() *evaluator {
	c := *ev
	c.obs = slices.Clone(ev.obs)
	for i := range c.obs {
		o := &c.obs[i]
		o.escs = clip(o.escs)
		o.vios = clip(o.vios)
		o.revisions = clip(o.revisions)
		// A mark at or after ev.cur may rewrite the last segment in
		// place (oblig.mark): if that one is in more, the copy takes
		// its own; else no write to a segment the copy sees can come.
		if m := o.hist.more; len(m) > 0 && !m[len(m)-1].at.Before(ev.cur) {
			o.hist.more = slices.Clone(m)
		} else {
			o.hist.more = clip(m)
		}
	}
	c.free = slices.Clone(ev.free)
	c.live = slices.Clone(ev.live)
	c.spare = nil
	c.offered = slices.Clone(ev.offered)
	c.labels = slices.Clone(ev.labels)
	c.stops = slices.Clone(ev.stops)
	c.archive.clip()
	c.vios.clip()
	c.anomalies.clip()
	c.escLog.clip()
	return &c
}

func clip[T any](s []T) []T { return s[:len(s):len(s)] }

// A plist is a persistent list of what only grows — the archive, the
// violations, the anomalies, the levels fired —, cheap to fork however
// long: the newest elements are in a short slice, top, and the older ones
// in full chunks that never change. Elements a list holds never change:
// a push appends to top, in place when it has room (a fork, whose top is
// clipped, sees none of that room), and an insert under the newest
// element copies top first.
type plist[T any] struct {
	top  []T       // the newest elements, oldest first
	rest *pnode[T] // older chunks, newest first
	n    int
}

type pnode[T any] struct {
	items []T // a full chunk, oldest first
	next  *pnode[T]
}

// chunk is how many elements top holds before it becomes a chunk.
const chunk = 16

// push adds v as the newest element.
func (l *plist[T]) push(v T) {
	if len(l.top) == chunk {
		l.rest, l.top = &pnode[T]{l.top, l.rest}, nil
	}
	if l.top == nil {
		l.top = make([]T, 0, 4)
	}
	l.top = append(l.top, v)
	l.n++
}

// clip makes the next push copy top, which the list a fork was made
// from shares.
func (l *plist[T]) clip() { l.top = clip(l.top) }

// insert adds v after the newest element for which after is false (the
// elements after which v goes are few: those of top, usually).
func (l *plist[T]) insert(v T, after func(T) bool) {
	k := len(l.top)
	for k > 0 && after(l.top[k-1]) {
		k--
	}
	if k > 0 || l.rest == nil {
		if k < len(l.top) {
			l.top = clip(l.top) // Insert copies then: forks may see top
		}
		l.top = slices.Insert(l.top, k, v)
		l.n++
		if len(l.top) > chunk {
			l.rest, l.top = &pnode[T]{l.top[:chunk:chunk], l.rest}, slices.Clone(l.top[chunk:])
		}
		return
	}
	// v goes under all of top: rebuild from the elements, rarely.
	all := l.all()
	k = len(all)
	for k > 0 && after(all[k-1]) {
		k--
	}
	all = slices.Insert(all, k, v)
	*l = plist[T]{}
	for _, x := range all {
		l.push(x)
	}
}

// each calls f with every element, newest first, until f returns false.
func (l *plist[T]) each(f func(T) bool) {
	for i := len(l.top) - 1; i >= 0; i-- {
		if !f(l.top[i]) {
			return
		}
	}
	for p := l.rest; p != nil; p = p.next {
		for i := len(p.items) - 1; i >= 0; i-- {
			if !f(p.items[i]) {
				return
			}
		}
	}
}

// all returns the elements, oldest first, in a new slice (nil if none).
func (l plist[T]) all() []T { return l.since(0) }

// since returns the elements from the from-th on (counting from the
// oldest, 0), oldest first, walking only those and the chunk they start
// in: nil if none.
func (l plist[T]) since(from int) []T {
	from = max(from, 0)
	if from >= l.n {
		return nil
	}
	out := make([]T, l.n-from)
	i := len(out) - 1
	l.each(func(v T) bool {
		out[i] = v
		i--
		return i >= 0
	})
	return out
}
