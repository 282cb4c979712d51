package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/wiretime"
	"github.com/replyby/replyby/sla/monitor"
)

// Errors of the ledger. Errors about an inquiry or a log that package sla
// refuses wrap its *sla.Error as well.
var (
	// ErrDuplicateInquiry means an inquiry ID is already in the ledger,
	// or appears twice in a snapshot.
	ErrDuplicateInquiry = errors.New("duplicate inquiry")
	// ErrUnknownInquiry means no inquiry of the ledger has the ID.
	ErrUnknownInquiry = errors.New("unknown inquiry")
	// ErrUnwritableNow: Sweep was given an instant outside years
	// 0–9999, which a snapshot could not write as an as-of instant.
	ErrUnwritableNow = errors.New("an instant outside years 0–9999")
	// ErrBadSnapshot means a ledger snapshot is truncated, corrupt or
	// inconsistent; the ledger refuses it whole.
	ErrBadSnapshot = errors.New("bad ledger snapshot")
)

// A Ledger is an in-memory store of inquiries and their logs over a policy
// set, for hosts that want one rather than keeping Next in their own
// database. It is safe for concurrent use, and it is a [monitor.Store]
// (and a [monitor.Watcher]), so a [monitor.Monitor] drives it.
//
// Every change is validated by evaluating the whole log: an event the
// policy set would refuse is refused, and the ledger is left as it was.
//
// Each inquiry of a ledger has a Next ([Ledger.Next]): the earliest instant
// at which the ledger must look at it again. It is the Status.Next of the
// inquiry's latest evaluation by the ledger, or earlier if an escalation
// level that has fired has not yet been handed out by [Ledger.Sweep].
// The ledger keeps these instants in a min-heap, so [Ledger.Due] and
// [Ledger.Sweep] cost in proportion to what is due, not to the size of the
// ledger. An inquiry is evaluated by the ledger at the latest instant it
// has seen for it: the time of its latest event, or of the latest Sweep
// that looked at it (its as-of instant, kept in snapshots).
//
// From each inquiry's latest evaluation the ledger also remembers whether
// an obligation was breached and when each running obligation's remaining
// business time runs out. A status cannot change before its Next (other
// than in the durations that move with time), so [Ledger.Breached] and
// [Ledger.AtRisk] evaluate only the inquiries that these say may qualify,
// those whose Next has passed and those whose as-of instant is after the
// instant asked about: they cost in proportion to what they return and to
// what is due, not to the size of the ledger.
//
// A ledger remembers, per inquiry, the escalation levels Sweep has handed
// out, by (obligation, level), and hands out each only once, however often
// it evaluates. A level counts as delivered once [Ledger.Delivered]
// records it: a snapshot leaves out the levels handed out but not yet
// delivered, so a ledger restored from it hands them out again.
type Ledger struct {
	ps     *sla.PolicySet
	refuse bool // refuse events that are anomalies

	mu   sync.RWMutex
	byID map[string]*entry
	due  heap[*entry] // entries with a Next, earliest first, ties by ID

	// What Breached and AtRisk look at, from each entry's latest
	// evaluation (at its as-of instant).
	byAsOf   heap[*entry]                // every entry, latest as-of instant first
	breached []*entry                    // entries with a breached obligation
	risk     map[string]*heap[*riskItem] // by calendar name ("" for plain time)

	watchMu  sync.Mutex
	watchers map[int]func(time.Time)
	nextID   int
}

// An entry is one inquiry of a ledger.
type entry struct {
	inq    sla.Inquiry
	events []sla.Event // readers see events[:n:n] taken under the lock
	asOf   time.Time
	next   time.Time // zero: never; then pos is -1
	pos    int       // index in Ledger.due
	sent   []sentKey // levels handed out by Sweep
	run    *sla.Run  // the log applied, advanced to the last sweep; nil at rest, to rebuild
	seen   int       // escalations of run looked at by Sweep

	apos int         // index in Ledger.byAsOf, or -1
	bpos int         // index in Ledger.breached, or -1
	risk []*riskItem // one per calendar of its running obligations
}

// A riskItem is when the earliest of an entry's running obligations
// counted in one calendar runs out of business time, if nothing happens:
// from the entry's latest evaluation, the instant at which its Remaining
// would reach zero (the as-of instant if it already has).
type riskItem struct {
	e   *entry
	cal string
	out time.Time
	pos int // index in the calendar's heap
}

// newEntry returns an entry for inq, in no index.
func newEntry(inq sla.Inquiry, asOf time.Time) *entry {
	return &entry{inq: inq, asOf: asOf, pos: -1, apos: -1, bpos: -1}
}

// A sentKey names an escalation level of an obligation handed out by
// Sweep.
type sentKey struct {
	ob    sla.Key
	level string
	// pending marks a level handed out and not yet delivered: a snapshot
	// leaves it out, so that a crash before delivery hands it out again.
	pending bool
}

// An Option configures a Ledger.
type Option func(*Ledger)

// RefuseAnomalies makes the ledger refuse events that make no sense where
// they stand (sla.Status.Anomalies) with an error wrapping ErrAnomaly,
// instead of keeping them in the log, ignored.
func RefuseAnomalies() Option { return func(l *Ledger) { l.refuse = true } }

// ErrAnomaly means an event given to a ledger that refuses anomalies
// makes no sense where it stands.
var ErrAnomaly = errors.New("event makes no sense where it stands")

// New returns an empty ledger over ps.
func New(ps *sla.PolicySet, opts ...Option) *Ledger {
	l := &Ledger{ps: ps, byID: map[string]*entry{}, risk: map[string]*heap[*riskItem]{}}
	for _, o := range opts {
		if o != nil {
			o(l)
		}
	}
	l.due = heap[*entry]{before: dueBefore, pos: func(e *entry) *int { return &e.pos }}
	l.byAsOf = heap[*entry]{before: func(a, b *entry) bool { return a.asOf.After(b.asOf) }, pos: func(e *entry) *int { return &e.apos }}
	return l
}

// dueBefore orders entries by Next, ties by ID.
func dueBefore(a, b *entry) bool {
	if c := a.next.Compare(b.next); c != 0 {
		return c < 0
	}
	return a.inq.ID < b.inq.ID
}

// newRiskHeap returns an empty heap of run-out instants.
func newRiskHeap() *heap[*riskItem] {
	return &heap[*riskItem]{before: func(a, b *riskItem) bool { return a.out.Before(b.out) }, pos: func(r *riskItem) *int { return &r.pos }}
}

// PolicySet returns the policy set the ledger evaluates with.
func (l *Ledger) PolicySet() *sla.PolicySet { return l.ps }

// Len returns the number of inquiries in the ledger.
func (l *Ledger) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.byID)
}

// Add adds an inquiry with the events known so far. It refuses an inquiry
// without an ID (sla.ErrBadInquiry), an ID already in the ledger
// (ErrDuplicateInquiry), an inquiry or a log that Evaluate refuses, an
// instant that a snapshot cannot write (a year outside 0–9999:
// sla.ErrBadInquiry or sla.ErrBadEvent, naming the field), and,
// with RefuseAnomalies, a log with anomalies (ErrAnomaly); then the
// ledger is unchanged. Add copies inq and events.
func (l *Ledger) Add(inq sla.Inquiry, events ...sla.Event) error {
	if inq.ID == "" {
		return fmt.Errorf("ledger: add: %w", &sla.Error{Path: "inquiry.id", Reason: "missing", Err: sla.ErrBadInquiry})
	}
	if err := wiretime.Unwritable(&inq, events, 0); err != nil {
		return fmt.Errorf("ledger: add %q: %w", inq.ID, err) // Snapshot could not write it
	}
	inq.ReplyTo = slices.Clone(inq.ReplyTo)
	inq.Labels = slices.Clone(inq.Labels)
	e := newEntry(inq, inq.Received)
	e.events = slices.Clone(events)
	for i := range events {
		e.asOf = later(e.asOf, events[i].Time)
	}
	run, g, err := l.build(e.inq, e.events, e.asOf)
	if err == nil && l.refuse && g.Anomalies > 0 {
		err = l.anomalyError(run, 0)
	}
	if err != nil {
		return fmt.Errorf("ledger: add %q: %w", inq.ID, err)
	}
	e.run = run
	l.mu.Lock()
	if _, dup := l.byID[inq.ID]; dup {
		l.mu.Unlock()
		return fmt.Errorf("ledger: add %q: %w", inq.ID, ErrDuplicateInquiry)
	}
	l.byID[inq.ID] = e
	l.schedule(e, &g)
	next := e.next
	l.mu.Unlock()
	l.changed(next)
	return nil
}

// build applies log, in time order, to a new run of inq, and glances at
// it at asOf.
func (l *Ledger) build(inq sla.Inquiry, log []sla.Event, asOf time.Time) (*sla.Run, sla.Glance, error) {
	if _, err := l.ps.Evaluate(inq, log, inq.Received); err != nil {
		return nil, sla.Glance{}, err // a malformed event, named by its index in log
	}
	run, err := l.ps.Start(inq)
	if err != nil {
		return nil, sla.Glance{}, err
	}
	sorted := slices.Clone(log)
	slices.SortStableFunc(sorted, func(a, b sla.Event) int { return a.Time.Compare(b.Time) })
	if err := run.Apply(sorted...); err != nil {
		return nil, sla.Glance{}, err
	}
	g, err := run.Glance(asOf)
	return run, g, err
}

// anomalyError describes the anomalies of run from the from-th on.
func (l *Ledger) anomalyError(run *sla.Run, from int) error {
	st, _ := run.Status(run.Time())
	a := st.Anomalies[min(from, len(st.Anomalies)-1)]
	return fmt.Errorf("%w: events[%d] (%s): %s", ErrAnomaly, a.Index, a.Type, a.Reason)
}

// Append appends events to the log of the inquiry with ID id, all or none,
// and evaluates the longer log at the time of the latest event (or the
// inquiry's as-of instant, if later). It refuses the events, leaving the
// ledger unchanged, if Evaluate refuses the log, or, with
// RefuseAnomalies, if one of them is an anomaly (ErrAnomaly). The path of
// an *sla.Error then counts events from the start of the inquiry's whole
// log. Like Add, it refuses an instant that a snapshot cannot write. An
// unknown id gives ErrUnknownInquiry.
//
// Appending costs what the inquiry's open obligations cost, not its log:
// the ledger keeps the inquiry's evaluation and applies the new events to
// it. Only an event dated before the inquiry's last sweep (or before the
// events already in the log) makes it evaluate the whole log again.
func (l *Ledger) Append(id string, events ...sla.Event) error {
	l.mu.Lock()
	e, ok := l.byID[id]
	if !ok {
		l.mu.Unlock()
		return fmt.Errorf("ledger: append to %q: %w", id, ErrUnknownInquiry)
	}
	if err := wiretime.Unwritable(nil, events, len(e.events)); err != nil {
		l.mu.Unlock()
		return fmt.Errorf("ledger: append to %q: %w", id, err) // Snapshot could not write it
	}
	// Appending in place writes only beyond the length readers were given.
	log := append(e.events, events...)
	asOf := e.asOf
	for i := range events {
		asOf = later(asOf, events[i].Time)
	}
	run, g, rebuilt, err := l.extend(e, log, events, asOf)
	if err != nil {
		l.mu.Unlock()
		return fmt.Errorf("ledger: append to %q: %w", id, err)
	}
	e.events, e.asOf, e.run = log, asOf, run
	if rebuilt {
		e.seen = 0 // another run: its levels are looked at afresh, by key
	}
	l.schedule(e, &g)
	next := e.next
	l.mu.Unlock()
	l.changed(next)
	return nil
}

// extend returns e's run with events applied — a copy, or a run of the
// whole log when they come too early for it (rebuilt) —, log being e's
// log with them, and a glance at asOf. e is not changed.
func (l *Ledger) extend(e *entry, log, events []sla.Event, asOf time.Time) (run *sla.Run, g sla.Glance, rebuilt bool, err error) {
	var before int
	if l.refuse && e.run != nil {
		g, _ := e.run.Glance(e.run.Time()) // only to tell the new anomalies
		before = g.Anomalies
	}
	if e.run != nil && slices.IsSortedFunc(events, func(a, b sla.Event) int { return a.Time.Compare(b.Time) }) {
		run = e.run.Clone()
		if err := run.Apply(events...); err != nil {
			if !errors.Is(err, sla.ErrBackdated) {
				return nil, g, false, err
			}
			run = nil
		}
	}
	if run == nil {
		rebuilt = true
		if run, _, err = l.build(e.inq, log, asOf); err != nil {
			return nil, g, false, err
		}
		// The sweep's instant stands: what it handed out fired by
		// then, whatever came late. An inquiry at rest kept no run: the
		// instant it was last looked at is its as-of instant.
		swept := e.asOf
		if e.run != nil {
			swept = e.run.Time()
		}
		if !swept.Before(run.Time()) {
			if err := run.Advance(swept); err != nil {
				return nil, g, false, err
			}
		}
	}
	if g, err = run.Glance(later(asOf, run.Time())); err != nil {
		return nil, g, false, err
	}
	if l.refuse && g.Anomalies > before {
		return nil, g, false, l.anomalyError(run, before)
	}
	return run, g, rebuilt, nil
}

// Log returns a copy of the inquiry with ID id and of its log.
func (l *Ledger) Log(id string) (sla.Inquiry, []sla.Event, error) {
	l.mu.RLock()
	e, ok := l.byID[id]
	if !ok {
		l.mu.RUnlock()
		return sla.Inquiry{}, nil, fmt.Errorf("ledger: log of %q: %w", id, ErrUnknownInquiry)
	}
	inq, events := e.inq, slices.Clone(e.events)
	l.mu.RUnlock()
	inq.ReplyTo = slices.Clone(inq.ReplyTo)
	inq.Labels = slices.Clone(inq.Labels)
	return inq, events, nil
}

// Status evaluates the inquiry with ID id at now. It does not change the
// ledger.
func (l *Ledger) Status(id string, now time.Time) (sla.Status, error) {
	l.mu.RLock()
	e, ok := l.byID[id]
	if !ok {
		l.mu.RUnlock()
		return sla.Status{}, fmt.Errorf("ledger: status of %q: %w", id, ErrUnknownInquiry)
	}
	inq, events := e.inq, e.events[:len(e.events):len(e.events)]
	l.mu.RUnlock()
	st, err := l.ps.Evaluate(inq, events, now)
	if err != nil {
		return sla.Status{}, fmt.Errorf("ledger: status of %q: %w", id, err)
	}
	return st, nil
}

// Next returns the instant at which the ledger must look at the inquiry
// with ID id again (see [Ledger]) and true, or the zero time and false if
// never or if there is no such inquiry.
func (l *Ledger) Next(id string) (time.Time, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e, ok := l.byID[id]
	if !ok || e.next.IsZero() {
		return time.Time{}, false
	}
	return e.next, true
}

// Earliest returns the earliest Next of the ledger's inquiries and true, or
// the zero time and false if none has one. It implements
// [monitor.Store]; its error is always nil.
func (l *Ledger) Earliest(context.Context) (time.Time, bool, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.due.len() == 0 {
		return time.Time{}, false, nil
	}
	return l.due.top().next, true, nil
}

// Due yields the IDs of the inquiries whose Next is at or before now,
// earliest Next first (ties by ID). It walks the heap from its root and
// never looks at an inquiry due later than now, and it yields with no lock
// held, so the loop body may use the ledger. It does not change the
// ledger: an inquiry stays due until an event or a Sweep moves its Next.
func (l *Ledger) Due(now time.Time) iter.Seq[string] {
	return func(yield func(string) bool) {
		l.mu.RLock()
		var items []*entry
		l.due.walk(func(e *entry) bool { return !e.next.After(now) }, func(e *entry) { items = append(items, e) })
		slices.SortFunc(items, func(a, b *entry) int {
			return cmp.Or(a.next.Compare(b.next), cmp.Compare(a.inq.ID, b.inq.ID))
		})
		ids := make([]string, len(items))
		for i, e := range items {
			ids[i] = e.inq.ID
		}
		l.mu.RUnlock()
		for _, id := range ids {
			if !yield(id) {
				return
			}
		}
	}
}

// Sweep evaluates at now every inquiry whose Next is at or before now and
// returns the escalation levels that have fired by now and were not handed
// out before, ordered by the instant they fired, then by inquiry ID, then
// as the Status lists them. Each inquiry's Next moves past now. An
// inquiry's as-of instant becomes now unless it was later already. It
// implements [monitor.Store]: more is always false, and err nil, but for
// a now outside years 0–9999, which a snapshot could not write: then it
// changes nothing and returns ErrUnwritableNow.
//
// A level that fired before an earlier sweep, because an event was
// recorded late or an inquiry was added late, is handed out by the first
// sweep that sees it: Sweep hands out every level once, in instant order
// within a sweep. Record each as delivered with [Ledger.Delivered] once
// its work is done, so that snapshots keep it.
func (l *Ledger) Sweep(_ context.Context, now time.Time) (alerts []monitor.Alert, more bool, err error) {
	if _, ok := wiretime.Form(now); !ok {
		return nil, false, fmt.Errorf("ledger: sweep at %v: %w", now, ErrUnwritableNow)
	}
	l.mu.Lock()
	var batch []*entry
	for l.due.len() > 0 && !l.due.top().next.After(now) {
		batch = append(batch, l.due.pop())
	}
	slices.SortFunc(batch, func(a, b *entry) int { return cmp.Compare(a.inq.ID, b.inq.ID) })
	for _, e := range batch {
		e.asOf = later(e.asOf, now)
		if e.run == nil || e.run.Advance(e.asOf) != nil {
			// Every log in the ledger was evaluated when it was
			// added, so building cannot fail.
			run, _, err := l.build(e.inq, e.events, e.asOf)
			if err != nil {
				e.next = time.Time{}
				continue
			}
			e.run, e.seen = run, 0
			e.run.Advance(e.asOf)
		}
		// Levels fire in time order: hand out those fired by now, and
		// look at the others again next time.
		for _, esc := range e.run.Escalations(e.seen) {
			if esc.At.After(now) {
				break
			}
			if !e.handedOut(esc.Obligation, esc.Level) {
				e.sent = append(e.sent, sentKey{esc.Obligation, esc.Level, true})
				alerts = append(alerts, monitor.Alert{InquiryID: e.inq.ID, Escalation: esc})
			}
			e.seen++
		}
		g, _ := e.run.Glance(e.asOf)
		l.schedule(e, &g)
	}
	l.mu.Unlock()
	slices.SortStableFunc(alerts, func(a, b monitor.Alert) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.InquiryID, b.InquiryID))
	})
	if len(batch) > 0 {
		l.changed(time.Time{})
	}
	return alerts, false, nil
}

// Delivered records that the level of a was delivered: a snapshot keeps
// it, so a ledger restored from it does not hand it out again. It
// implements [monitor.Store]; an alert the ledger did not hand out is
// recorded too (as a host that delivered it by other means would want),
// unless its inquiry is unknown (ErrUnknownInquiry).
func (l *Ledger) Delivered(_ context.Context, a monitor.Alert) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byID[a.InquiryID]
	if !ok {
		return fmt.Errorf("ledger: delivered %q: %w", a.InquiryID, ErrUnknownInquiry)
	}
	for i := range e.sent {
		if k := &e.sent[i]; k.ob == a.Obligation && k.level == a.Level {
			k.pending = false
			return nil
		}
	}
	e.sent = append(e.sent, sentKey{a.Obligation, a.Level, false})
	return nil
}

// WasDelivered reports whether the level named level of the obligation ob
// of the inquiry with ID id was delivered ([Ledger.Delivered]).
func (l *Ledger) WasDelivered(id string, ob sla.Key, level string) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e, ok := l.byID[id]
	if !ok {
		return false
	}
	for _, k := range e.sent {
		if k.ob == ob && k.level == level {
			return !k.pending
		}
	}
	return false
}

// handedOut reports whether Sweep handed out the level (or it was
// delivered).
func (e *entry) handedOut(ob sla.Key, level string) bool {
	for _, k := range e.sent {
		if k.ob == ob && k.level == level {
			return true
		}
	}
	return false
}

// Watch calls wake after every change of the ledger (an inquiry added,
// events appended, a sweep, a snapshot restored), with no lock held, with
// the earliest Next the change made, or the zero Time when many changed.
// It implements [monitor.Watcher]; stop ends the calls.
func (l *Ledger) Watch(wake func(at time.Time)) (stop func()) {
	l.watchMu.Lock()
	defer l.watchMu.Unlock()
	if l.watchers == nil {
		l.watchers = map[int]func(time.Time){}
	}
	id := l.nextID
	l.nextID++
	l.watchers[id] = wake
	return func() {
		l.watchMu.Lock()
		defer l.watchMu.Unlock()
		delete(l.watchers, id)
	}
}

// changed tells the watchers that the ledger changed; l.mu must not be
// held.
func (l *Ledger) changed(next time.Time) {
	l.watchMu.Lock()
	fs := make([]func(time.Time), 0, len(l.watchers))
	for _, f := range l.watchers {
		fs = append(fs, f)
	}
	l.watchMu.Unlock()
	for _, f := range fs {
		f(next)
	}
}

// Statuses evaluates at now every inquiry received by now and returns the
// statuses ordered by inquiry ID: what reports read (package sla/report).
func (l *Ledger) Statuses(now time.Time) []sla.Status {
	var out []sla.Status
	for inq, events := range l.logs() {
		if inq.Received.After(now) {
			continue
		}
		st, err := l.ps.Evaluate(inq, events, now)
		if err != nil {
			continue // cannot happen: every log was validated
		}
		out = append(out, st)
	}
	return out
}

// Breached returns the statuses at now of the inquiries received by now
// with an obligation in the Breached state, ordered by inquiry ID.
//
// It evaluates at now only the inquiries that were breached at their
// latest evaluation by the ledger, those whose Next is at or before now
// and those whose as-of instant is after now: a breach stays a breach, and
// a status does not change before its Next.
func (l *Ledger) Breached(now time.Time) []sla.Status {
	return l.filter(now, 0, false, isBreached)
}

// isBreached reports whether st has an obligation in the Breached state.
func isBreached(st *sla.Status) bool {
	return slices.ContainsFunc(st.Obligations, func(o sla.Obligation) bool { return o.State == sla.Breached })
}

// AtRisk returns the statuses at now of the inquiries received by now with
// a running obligation that will be due within the business time within
// (its Remaining is at most within), ordered by inquiry ID. Breached
// obligations are not at risk: see [Ledger.Breached].
//
// It evaluates at now only the inquiries with a running obligation whose
// business time, as of their latest evaluation by the ledger, runs out
// within the business time within of now (in that obligation's calendar),
// those whose Next is at or before now and those whose as-of instant is
// after now.
func (l *Ledger) AtRisk(now time.Time, within time.Duration) []sla.Status {
	return l.filter(now, within, true, func(st *sla.Status) bool {
		return slices.ContainsFunc(st.Obligations, func(o sla.Obligation) bool {
			return o.State == sla.Running && o.Remaining <= within
		})
	})
}

// filter evaluates at now the inquiries received by now that may satisfy
// keep, and returns the statuses that do, ordered by inquiry ID. The
// candidates are the inquiries whose Next is at or before now, those whose
// as-of instant is after now, and those breached at their latest
// evaluation (if risk is false) or with a running obligation whose
// business time runs out within the business time within of now (if risk
// is true). Every other inquiry has, at now, the status of its latest
// evaluation but for the durations that move with time, and keep must be
// false for it.
func (l *Ledger) filter(now time.Time, within time.Duration, risk bool, keep func(*sla.Status) bool) []sla.Status {
	l.mu.RLock()
	var es []*entry
	add := func(e *entry) {
		if !e.inq.Received.After(now) {
			es = append(es, e)
		}
	}
	l.due.walk(func(e *entry) bool { return !e.next.After(now) }, add)
	l.byAsOf.walk(func(e *entry) bool { return e.asOf.After(now) }, add)
	if risk {
		for name, h := range l.risk {
			limit, ok := l.riskLimit(name, now, within)
			h.walk(func(it *riskItem) bool { return !ok || !it.out.After(limit) }, func(it *riskItem) { add(it.e) })
		}
	} else {
		for _, e := range l.breached {
			add(e)
		}
	}
	slices.SortFunc(es, func(a, b *entry) int { return cmp.Compare(a.inq.ID, b.inq.ID) })
	es = slices.Compact(es)
	logs := make([][]sla.Event, len(es))
	for i, e := range es {
		logs[i] = e.events[:len(e.events):len(e.events)]
	}
	l.mu.RUnlock()
	var out []sla.Status
	for i, e := range es {
		// e.inq is never modified after Add.
		st, err := l.ps.Evaluate(e.inq, logs[i], now)
		if err == nil && keep(&st) {
			out = append(out, st)
		}
	}
	return out
}

// riskLimit returns the latest instant at which a running obligation
// counted in the calendar named name may run out of business time and yet
// have, at now, a Remaining of at most within; false if there is no such
// bound (the calendar's range ends first). The bound is one nanosecond of
// business time past within, so that it lies past any closed span that
// follows the instant within runs out.
func (l *Ledger) riskLimit(name string, now time.Time, within time.Duration) (time.Time, bool) {
	if within < 0 {
		// Overdue by -within: it ran out before now.
		return now, true
	}
	if within == 1<<63-1 {
		return time.Time{}, false
	}
	d := within + 1
	cal := l.ps.Calendar(name) // nil, plain time, for ""
	limit := cal.Add(now, d)
	return limit, cal.Between(now, limit) == d
}

// logs yields every inquiry and its log, ordered by ID, with no lock held.
// The logs are shared with the ledger and must not be modified.
func (l *Ledger) logs() iter.Seq2[sla.Inquiry, []sla.Event] {
	return func(yield func(sla.Inquiry, []sla.Event) bool) {
		l.mu.RLock()
		es := make([]*entry, 0, len(l.byID))
		logs := make([][]sla.Event, 0, len(l.byID))
		for _, e := range l.byID {
			es = append(es, e)
		}
		slices.SortFunc(es, func(a, b *entry) int { return cmp.Compare(a.inq.ID, b.inq.ID) })
		for _, e := range es {
			logs = append(logs, e.events[:len(e.events):len(e.events)])
		}
		l.mu.RUnlock()
		for i, e := range es {
			// e.inq is never modified after Add.
			if !yield(e.inq, logs[i]) {
				return
			}
		}
	}
}

// scheduledNext returns e's Next given a glance g at e.asOf: g.Next, or,
// if a level fired by then has not been handed out, the instant it fired
// (e.asOf, if it fired at that very instant).
func scheduledNext(e *entry, g *sla.Glance) time.Time {
	next := g.Next
	earlier := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	fired := e.run.Escalations(e.seen)
	for _, esc := range fired {
		if !e.handedOut(esc.Obligation, esc.Level) {
			earlier(esc.At)
		}
	}
	if g.Escalations > e.seen+len(fired) {
		earlier(e.asOf) // fired at the glance's instant, not yet applied
	}
	return next
}

// schedule sets e's Next from a glance g at e.asOf and places it in the
// heap, and indexes e by its as-of instant, whether it is breached and
// when its running obligations run out. l.mu must be held.
func (l *Ledger) schedule(e *entry, g *sla.Glance) {
	e.next = scheduledNext(e, g)
	switch {
	case e.next.IsZero() && e.pos >= 0:
		l.due.remove(e.pos)
	case e.next.IsZero():
	default:
		l.due.update(e)
	}
	l.byAsOf.update(e)

	switch br := g.Breached > 0; {
	case br && e.bpos < 0:
		e.bpos = len(l.breached)
		l.breached = append(l.breached, e)
	case !br && e.bpos >= 0:
		last := len(l.breached) - 1
		l.breached[e.bpos] = l.breached[last]
		l.breached[e.bpos].bpos = e.bpos
		l.breached[last] = nil
		l.breached = l.breached[:last]
		e.bpos = -1
	}

	l.indexRisk(e, g)

	// An inquiry at rest — nothing open, nothing to hand out — keeps only
	// its log: the few that change again are evaluated afresh then.
	if e.next.IsZero() && len(g.Open) == 0 {
		e.run, e.seen = nil, 0
	}
}

// A runOut is when the earliest running obligation counted in a calendar
// runs out of business time.
type runOut struct {
	cal  string
	out  time.Time
	used bool
}

// indexRisk places e in the heap of each calendar of its running
// obligations in g (its glance at e.asOf), at the instant the earliest of
// them runs out of business time if nothing happens, and removes it from
// the others. l.mu must be held.
func (l *Ledger) indexRisk(e *entry, g *sla.Glance) {
	var buf [4]runOut
	outs := buf[:0]
	for i := range g.Open {
		o := &g.Open[i]
		if o.State != sla.Running {
			continue
		}
		out := l.runsOut(g.At, o)
		j := slices.IndexFunc(outs, func(r runOut) bool { return r.cal == o.Calendar })
		switch {
		case j < 0:
			outs = append(outs, runOut{cal: o.Calendar, out: out})
		case out.Before(outs[j].out):
			outs[j].out = out
		}
	}
	kept := e.risk[:0]
	for _, it := range e.risk {
		h := l.risk[it.cal]
		j := slices.IndexFunc(outs, func(r runOut) bool { return r.cal == it.cal })
		if j < 0 {
			h.remove(it.pos)
			continue
		}
		outs[j].used = true
		if !it.out.Equal(outs[j].out) {
			it.out = outs[j].out
			h.fix(it.pos)
		}
		kept = append(kept, it)
	}
	clear(e.risk[len(kept):])
	for _, r := range outs {
		if r.used {
			continue
		}
		h := l.risk[r.cal]
		if h == nil {
			h = newRiskHeap()
			l.risk[r.cal] = h
		}
		it := &riskItem{e: e, cal: r.cal, out: r.out}
		h.push(it)
		kept = append(kept, it)
	}
	if len(kept) == 0 {
		kept = nil
	}
	e.risk = kept
}

// runsOut returns the instant at which running obligation o, of a status
// at at, runs out of business time if nothing happens: at if it already
// has.
func (l *Ledger) runsOut(at time.Time, o *sla.Obligation) time.Time {
	if o.Remaining <= 0 {
		return at
	}
	var cal *calendar.Calendar // nil, plain time, for ""
	if o.Calendar != "" {
		cal = l.ps.Calendar(o.Calendar)
	}
	return cal.Add(at, o.Remaining)
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
