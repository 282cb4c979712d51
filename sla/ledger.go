package sla

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"iter"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/replyby/replyby/calendar"
)

// Errors of the ledger, the monitor and the audit sample.
var (
	// ErrDuplicateInquiry means an inquiry ID is already in a ledger, or
	// appears twice in a snapshot or a sample's input.
	ErrDuplicateInquiry = errors.New("duplicate inquiry")
	// ErrUnknownInquiry means no inquiry of a ledger has the ID.
	ErrUnknownInquiry = errors.New("unknown inquiry")
	// ErrBadSnapshot means a ledger snapshot is truncated, corrupt or
	// inconsistent; a ledger refuses it whole.
	ErrBadSnapshot = errors.New("bad ledger snapshot")
	// ErrMonitored means a ledger already drives a monitor.
	ErrMonitored = errors.New("ledger already has a monitor")
)

// A Ledger is an in-memory index of inquiries and their logs over a policy
// set, for hosts that want one rather than keeping Next in their own
// database. It is safe for concurrent use.
//
// Every change is validated by evaluating the whole log: an event the
// policy set would refuse is refused, and the ledger is left as it was.
//
// Each inquiry of a ledger has a Next ([Ledger.Next]): the earliest instant
// at which the ledger must look at it again. It is the Status.Next of the
// inquiry's latest evaluation by the ledger, or earlier if an escalation
// level that has fired has not yet been delivered by [Ledger.Sweep].
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
// A ledger remembers, per inquiry, the escalation levels that Sweep has
// delivered, by (obligation, level), and delivers each only once, however
// often it evaluates; the delivered keys are part of a snapshot, so a
// ledger restored from one does not deliver them again.
type Ledger struct {
	ps *PolicySet

	mu   sync.RWMutex
	byID map[string]*entry
	due  entryHeap // entries with a Next, earliest first

	// What Breached and AtRisk look at, from each entry's latest
	// evaluation (at its as-of instant).
	byAsOf   minHeap[*entry]                // every entry, latest as-of instant first
	breached []*entry                       // entries with a breached obligation
	risk     map[string]*minHeap[*riskItem] // by calendar name ("" for plain time)

	watch atomic.Pointer[func()] // called after every change, with no lock held
}

// An entry is one inquiry of a ledger.
type entry struct {
	inq    Inquiry
	events []Event // readers see events[:n:n] taken under the lock
	asOf   time.Time
	next   time.Time // zero: never; then pos is -1
	pos    int       // index in Ledger.due
	sent   []sentKey // levels delivered by Sweep

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

func (a *riskItem) heapBefore(b *riskItem) bool { return a.out.Before(b.out) }
func (a *riskItem) heapPos() *int               { return &a.pos }

// In Ledger.byAsOf, the latest as-of instant comes first.
func (e *entry) heapBefore(f *entry) bool { return e.asOf.After(f.asOf) }
func (e *entry) heapPos() *int            { return &e.apos }

// newEntry returns an entry for inq, in no index.
func newEntry(inq Inquiry, asOf time.Time) *entry {
	return &entry{inq: inq, asOf: asOf, pos: -1, apos: -1, bpos: -1}
}

// A sentKey names an escalation level of an obligation, delivered or (for
// a monitor) being delivered.
type sentKey struct {
	ob    Key
	level string
	// pending marks a level a monitor's sweep handed out and its host
	// has not yet returned from: a snapshot leaves it out, so that a
	// crash before the host's callback returns delivers it again.
	pending bool
}

// NewLedger returns an empty ledger over ps.
func NewLedger(ps *PolicySet) *Ledger {
	return &Ledger{ps: ps, byID: map[string]*entry{}, risk: map[string]*minHeap[*riskItem]{}}
}

// PolicySet returns the policy set the ledger evaluates with.
func (l *Ledger) PolicySet() *PolicySet { return l.ps }

// Len returns the number of inquiries in the ledger.
func (l *Ledger) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.byID)
}

// Add adds an inquiry with the events known so far. It refuses an inquiry
// without an ID (ErrBadInquiry), an ID already in the ledger
// (ErrDuplicateInquiry), and an inquiry or log that Evaluate refuses at the
// time of the latest event; then the ledger is unchanged. Add copies inq
// and events.
func (l *Ledger) Add(inq Inquiry, events ...Event) error {
	if inq.ID == "" {
		return fmt.Errorf("sla: ledger: add: %w: empty ID", ErrBadInquiry)
	}
	inq.ReplyTo = slices.Clone(inq.ReplyTo)
	inq.Labels = slices.Clone(inq.Labels)
	e := newEntry(inq, inq.Received)
	e.events = slices.Clone(events)
	for i := range events {
		e.asOf = later(e.asOf, events[i].Time)
	}
	st, err := l.ps.Evaluate(e.inq, e.events, e.asOf)
	if err != nil {
		return fmt.Errorf("sla: ledger: add %q: %w", inq.ID, err)
	}
	l.mu.Lock()
	if _, dup := l.byID[inq.ID]; dup {
		l.mu.Unlock()
		return fmt.Errorf("sla: ledger: add %q: %w", inq.ID, ErrDuplicateInquiry)
	}
	l.byID[inq.ID] = e
	l.schedule(e, &st)
	l.mu.Unlock()
	l.changed()
	return nil
}

// Append appends events to the log of the inquiry with ID id, all or none:
// it evaluates the longer log at the time of the latest event (or the
// inquiry's as-of instant, if later) and refuses the events, leaving the
// ledger unchanged, if Evaluate refuses it. An *EventError's Index then
// counts from the start of the inquiry's whole log. An unknown id gives
// ErrUnknownInquiry.
func (l *Ledger) Append(id string, events ...Event) error {
	l.mu.Lock()
	e, ok := l.byID[id]
	if !ok {
		l.mu.Unlock()
		return fmt.Errorf("sla: ledger: append to %q: %w", id, ErrUnknownInquiry)
	}
	// Appending in place writes only beyond the length readers were given.
	log := append(e.events, events...)
	asOf := e.asOf
	for i := range events {
		asOf = later(asOf, events[i].Time)
	}
	st, err := l.ps.Evaluate(e.inq, log, asOf)
	if err != nil {
		l.mu.Unlock()
		return fmt.Errorf("sla: ledger: append to %q: %w", id, err)
	}
	e.events, e.asOf = log, asOf
	l.schedule(e, &st)
	l.mu.Unlock()
	l.changed()
	return nil
}

// Log returns a copy of the inquiry with ID id and of its log.
func (l *Ledger) Log(id string) (Inquiry, []Event, error) {
	l.mu.RLock()
	e, ok := l.byID[id]
	if !ok {
		l.mu.RUnlock()
		return Inquiry{}, nil, fmt.Errorf("sla: ledger: log of %q: %w", id, ErrUnknownInquiry)
	}
	inq, events := e.inq, slices.Clone(e.events)
	l.mu.RUnlock()
	inq.ReplyTo = slices.Clone(inq.ReplyTo)
	inq.Labels = slices.Clone(inq.Labels)
	return inq, events, nil
}

// Status evaluates the inquiry with ID id at now. It does not change the
// ledger.
func (l *Ledger) Status(id string, now time.Time) (Status, error) {
	l.mu.RLock()
	e, ok := l.byID[id]
	if !ok {
		l.mu.RUnlock()
		return Status{}, fmt.Errorf("sla: ledger: status of %q: %w", id, ErrUnknownInquiry)
	}
	inq, events := e.inq, e.events[:len(e.events):len(e.events)]
	l.mu.RUnlock()
	st, err := l.ps.Evaluate(inq, events, now)
	if err != nil {
		return Status{}, fmt.Errorf("sla: ledger: status of %q: %w", id, err)
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
// the zero time and false if none has one.
func (l *Ledger) Earliest() (time.Time, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if len(l.due) == 0 {
		return time.Time{}, false
	}
	return l.due[0].next, true
}

// Due yields the IDs of the inquiries whose Next is at or before now,
// earliest Next first (ties by ID). It walks the heap from its root and
// never looks at an inquiry due later than now, and it yields with no lock
// held, so the loop body may use the ledger. It does not change the
// ledger: an inquiry stays due until an event or a Sweep moves its Next.
func (l *Ledger) Due(now time.Time) iter.Seq[string] {
	return func(yield func(string) bool) {
		l.mu.RLock()
		type item struct {
			id   string
			next time.Time
		}
		var items []item
		l.due.walk(now, func(e *entry) { items = append(items, item{e.inq.ID, e.next}) })
		l.mu.RUnlock()
		slices.SortFunc(items, func(a, b item) int {
			return cmp.Or(a.next.Compare(b.next), cmp.Compare(a.id, b.id))
		})
		for _, it := range items {
			if !yield(it.id) {
				return
			}
		}
	}
}

// An Alert is an escalation level that fired for an inquiry, as
// [Ledger.Sweep] and the [Monitor] deliver it: once per (Inquiry,
// Escalation.Obligation, Escalation.Level).
type Alert struct {
	// Inquiry is the inquiry's ID.
	Inquiry string
	Escalation
}

// Sweep evaluates at now every inquiry whose Next is at or before now and
// returns the escalation levels that have fired by now and were not
// delivered before, marking them delivered: ordered by the instant they
// fired, then by inquiry ID, then as the Status lists them. Each
// inquiry's Next moves past now. An inquiry's as-of instant becomes now
// unless it was later already.
//
// A level that fired before an earlier sweep, because an event was
// recorded late or an inquiry was added late, is delivered by the first
// sweep that sees it: Sweep delivers every level once, in instant order
// within a sweep.
func (l *Ledger) Sweep(now time.Time) []Alert { return l.sweep(now, false) }

// sweep is Sweep; with pending, the levels it returns stay out of
// snapshots until ack.
func (l *Ledger) sweep(now time.Time, pending bool) []Alert {
	l.mu.Lock()
	var batch []*entry
	for len(l.due) > 0 && !l.due[0].next.After(now) {
		batch = append(batch, l.due.pop())
	}
	slices.SortFunc(batch, func(a, b *entry) int { return cmp.Compare(a.inq.ID, b.inq.ID) })
	var alerts []Alert
	for _, e := range batch {
		e.asOf = later(e.asOf, now)
		st, err := l.ps.Evaluate(e.inq, e.events, e.asOf)
		if err != nil {
			// Every log in the ledger was evaluated when it was
			// added; an error here cannot happen. Leave the entry
			// unscheduled rather than loop on it.
			e.next = time.Time{}
			continue
		}
		for _, ob := range st.Obligations {
			for _, esc := range ob.Escalations {
				if esc.At.After(now) || e.delivered(ob.Key, esc.Level) {
					continue
				}
				e.sent = append(e.sent, sentKey{ob.Key, esc.Level, pending})
				alerts = append(alerts, Alert{Inquiry: e.inq.ID, Escalation: esc})
			}
		}
		l.schedule(e, &st)
	}
	l.mu.Unlock()
	slices.SortStableFunc(alerts, func(a, b Alert) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Inquiry, b.Inquiry))
	})
	if len(batch) > 0 {
		l.changed()
	}
	return alerts
}

// ack marks a's level delivered for good: a snapshot records it.
func (l *Ledger) ack(a Alert) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.byID[a.Inquiry]; ok {
		for i := range e.sent {
			if k := &e.sent[i]; k.ob == a.Obligation && k.level == a.Level {
				k.pending = false
			}
		}
	}
}

// Delivered reports whether Sweep has delivered the level named level of
// the obligation ob of the inquiry with ID id.
func (l *Ledger) Delivered(id string, ob Key, level string) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e, ok := l.byID[id]
	return ok && e.delivered(ob, level)
}

func (e *entry) delivered(ob Key, level string) bool {
	for _, k := range e.sent {
		if k.ob == ob && k.level == level {
			return true
		}
	}
	return false
}

// A Record is an inquiry with its log and its status at an instant: what
// reports and samples read.
type Record struct {
	Inquiry Inquiry
	Events  []Event
	Status  Status
}

// Records evaluates at now every inquiry received by now and returns them
// ordered by ID. The records share no memory with the ledger.
func (l *Ledger) Records(now time.Time) []Record {
	var out []Record
	for inq, events := range l.logs() {
		if inq.Received.After(now) {
			continue
		}
		st, err := l.ps.Evaluate(inq, events, now)
		if err != nil {
			continue // cannot happen: every log was validated
		}
		inq.ReplyTo = slices.Clone(inq.ReplyTo)
		inq.Labels = slices.Clone(inq.Labels)
		out = append(out, Record{Inquiry: inq, Events: slices.Clone(events), Status: st})
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
func (l *Ledger) Breached(now time.Time) []Status {
	return l.filter(now, 0, false, isBreached)
}

// isBreached reports whether st has an obligation in the Breached state.
func isBreached(st *Status) bool {
	return slices.ContainsFunc(st.Obligations, func(o Obligation) bool { return o.State == Breached })
}

// AtRisk returns the statuses at now of the inquiries received by now with
// a running
// obligation that will be due within the business time within (its
// Remaining is at most within), ordered by inquiry ID. Breached
// obligations are not at risk: see [Ledger.Breached].
//
// It evaluates at now only the inquiries with a running obligation whose
// business time, as of their latest evaluation by the ledger, runs out
// within the business time within of now (in that obligation's calendar),
// those whose Next is at or before now and those whose as-of instant is
// after now.
func (l *Ledger) AtRisk(now time.Time, within time.Duration) []Status {
	return l.filter(now, within, true, func(st *Status) bool {
		return slices.ContainsFunc(st.Obligations, func(o Obligation) bool {
			return o.State == Running && o.Remaining <= within
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
func (l *Ledger) filter(now time.Time, within time.Duration, risk bool, keep func(*Status) bool) []Status {
	l.mu.RLock()
	var es []*entry
	add := func(e *entry) {
		if !e.inq.Received.After(now) {
			es = append(es, e)
		}
	}
	l.due.walk(now, add)
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
	logs := make([][]Event, len(es))
	for i, e := range es {
		logs[i] = e.events[:len(e.events):len(e.events)]
	}
	l.mu.RUnlock()
	var out []Status
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
	if name == "" {
		return now.Add(d), true
	}
	cal := l.ps.Calendar(name)
	if cal == nil {
		return time.Time{}, false
	}
	limit := cal.Add(now, d)
	return limit, cal.Between(now, limit) == d
}

// logs yields every inquiry and its log, ordered by ID, with no lock held.
// The logs are shared with the ledger and must not be modified.
func (l *Ledger) logs() iter.Seq2[Inquiry, []Event] {
	return func(yield func(Inquiry, []Event) bool) {
		l.mu.RLock()
		es := make([]*entry, 0, len(l.byID))
		logs := make([][]Event, 0, len(l.byID))
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

// scheduledNext returns e's Next given its status st at e.asOf: st.Next,
// or the earliest level of st not yet delivered if earlier.
func scheduledNext(e *entry, st *Status) time.Time {
	next := st.Next
	for _, ob := range st.Obligations {
		for _, esc := range ob.Escalations {
			if !e.delivered(ob.Key, esc.Level) && (next.IsZero() || esc.At.Before(next)) {
				next = esc.At
			}
		}
	}
	return next
}

// schedule sets e's Next from its status st at e.asOf and places it in the
// heap, and indexes e by its as-of instant, whether it is breached and
// when its running obligations run out. l.mu must be held.
func (l *Ledger) schedule(e *entry, st *Status) {
	next := scheduledNext(e, st)
	e.next = next
	switch {
	case next.IsZero() && e.pos >= 0:
		l.due.remove(e.pos)
	case next.IsZero():
	case e.pos >= 0:
		l.due.fix(e.pos)
	default:
		l.due.push(e)
	}

	if e.apos >= 0 {
		l.byAsOf.fix(e.apos)
	} else {
		l.byAsOf.push(e)
	}

	switch br := isBreached(st); {
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

	l.indexRisk(e, st)
}

// A runOut is when the earliest running obligation counted in a calendar
// runs out of business time.
type runOut struct {
	cal  string
	out  time.Time
	used bool
}

// indexRisk places e in the heap of each calendar of its running
// obligations in st (its status at e.asOf), at the instant the earliest of
// them runs out of business time if nothing happens, and removes it from
// the others. l.mu must be held.
func (l *Ledger) indexRisk(e *entry, st *Status) {
	var buf [4]runOut
	outs := buf[:0]
	for i := range st.Obligations {
		o := &st.Obligations[i]
		if o.State != Running {
			continue
		}
		out := l.runsOut(st.At, o)
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
			h = new(minHeap[*riskItem])
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
// has (or if its calendar is unknown, which cannot happen).
func (l *Ledger) runsOut(at time.Time, o *Obligation) time.Time {
	if o.Remaining <= 0 {
		return at
	}
	if o.Calendar == "" {
		return at.Add(o.Remaining)
	}
	var cal *calendar.Calendar
	if l.ps != nil {
		cal = l.ps.Calendar(o.Calendar)
	}
	if cal == nil {
		return at
	}
	return cal.Add(at, o.Remaining)
}

// changed tells the monitor, if any, that the ledger changed.
func (l *Ledger) changed() {
	if f := l.watch.Load(); f != nil {
		(*f)()
	}
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// An entryHeap is a min-heap of entries on next, ties by ID.
type entryHeap []*entry

func (h entryHeap) less(i, j int) bool {
	if c := h[i].next.Compare(h[j].next); c != 0 {
		return c < 0
	}
	return h[i].inq.ID < h[j].inq.ID
}

// walk calls f for every entry whose next is at or before now, from the
// root, looking at no entry due later.
func (h entryHeap) walk(now time.Time, f func(*entry)) {
	stack := []int{0}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i >= len(h) || h[i].next.After(now) {
			continue
		}
		f(h[i])
		stack = append(stack, 2*i+1, 2*i+2)
	}
}

func (h entryHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].pos = i
	h[j].pos = j
}

func (h *entryHeap) push(e *entry) {
	e.pos = len(*h)
	*h = append(*h, e)
	h.up(e.pos)
}

func (h *entryHeap) pop() *entry {
	e := (*h)[0]
	h.remove(0)
	return e
}

func (h *entryHeap) remove(i int) {
	old := *h
	n := len(old) - 1
	e := old[i]
	if i != n {
		old.swap(i, n)
	}
	old[n] = nil
	*h = old[:n]
	if i != n {
		h.fix(i)
	}
	e.pos = -1
}

func (h entryHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h entryHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h entryHeap) down(i int) bool {
	start := i
	for {
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if r := c + 1; r < len(h) && h.less(r, c) {
			c = r
		}
		if !h.less(c, i) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}

// A heapElem is an element of a minHeap: it knows its order and its
// position in the heap.
type heapElem[T any] interface {
	heapBefore(T) bool
	heapPos() *int
}

// A minHeap is a binary min-heap on heapBefore whose elements keep their
// position in it.
type minHeap[T heapElem[T]] []T

func (h minHeap[T]) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	*h[i].heapPos() = i
	*h[j].heapPos() = j
}

func (h *minHeap[T]) push(x T) {
	*x.heapPos() = len(*h)
	*h = append(*h, x)
	h.up(len(*h) - 1)
}

func (h *minHeap[T]) remove(i int) {
	old := *h
	n := len(old) - 1
	x := old[i]
	if i != n {
		old.swap(i, n)
	}
	var zero T
	old[n] = zero
	*h = old[:n]
	if i != n {
		h.fix(i)
	}
	*x.heapPos() = -1
}

func (h minHeap[T]) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h minHeap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].heapBefore(h[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h minHeap[T]) down(i int) bool {
	start := i
	for {
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if r := c + 1; r < len(h) && h[r].heapBefore(h[c]) {
			c = r
		}
		if !h[c].heapBefore(h[i]) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}

// walk calls f for every element for which in is true, from the root; in
// must be false for the elements after one for which it is false.
func (h minHeap[T]) walk(in func(T) bool, f func(T)) {
	stack := []int{0}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i >= len(h) || !in(h[i]) {
			continue
		}
		f(h[i])
		stack = append(stack, 2*i+1, 2*i+2)
	}
}

// snapshotFormat names the document Snapshot writes.
const snapshotFormat = "replyby.sla.ledger/1"

// The JSON form of a snapshot.
// snapshotTable is the CRC-32C table of snapshot checksums.
var snapshotTable = crc32.MakeTable(crc32.Castagnoli)

type (
	// snapDoc is a snapshot as read: the inquiries are kept raw to be
	// checked against the checksum before they are decoded.
	snapDoc struct {
		Format    string          `json:"format"`
		Count     *int            `json:"count"`
		Checksum  *string         `json:"checksum"`
		Inquiries json.RawMessage `json:"inquiries"`
	}
	snapEntry struct {
		ID       string      `json:"id"`
		Channel  Channel     `json:"channel"`
		ReplyTo  []Channel   `json:"reply_to,omitempty"`
		Party    Party       `json:"party,omitempty"`
		Kind     Kind        `json:"kind,omitempty"`
		Priority Priority    `json:"priority,omitempty"`
		Received time.Time   `json:"received"`
		Zone     string      `json:"zone,omitempty"`
		Labels   []string    `json:"labels,omitempty"`
		Calendar string      `json:"calendar,omitempty"`
		AsOf     time.Time   `json:"as_of"`
		Events   []snapEvent `json:"events,omitempty"`
		Sent     [][2]string `json:"delivered,omitempty"`
	}
	snapEvent struct {
		Time     time.Time `json:"time"`
		Type     EventType `json:"type"`
		Channel  Channel   `json:"channel,omitempty"`
		Actor    string    `json:"actor,omitempty"`
		Due      time.Time `json:"due,omitzero"`
		Party    Party     `json:"party,omitempty"`
		Kind     Kind      `json:"kind,omitempty"`
		Priority Priority  `json:"priority,omitempty"`
		Owner    string    `json:"owner,omitempty"`
	}
)

// Snapshot writes the whole ledger to w as one JSON document: every
// inquiry, its log, its as-of instant and the escalation levels delivered
// for it, ordered by ID. [Ledger.Restore] reads it back. Instants keep their
// UTC offset, and the name of the location of each inquiry's Received
// time is recorded so that Restore can give the inquiry's instants their
// location back.
//
// The document is an object with the members "format"
// ("replyby.sla.ledger/1"), "count" (the number of inquiries), "checksum"
// (the CRC-32C, Castagnoli polynomial, of the exact bytes of the
// "inquiries" value, as eight lower-case hex digits) and "inquiries", in
// that order. The checksum lets Restore refuse a snapshot damaged or
// edited after it was written; to restore an edited snapshot on purpose,
// compute the checksum again.
//
// The ledger is read under its lock while the document is built, not while
// it is written.
func (l *Ledger) Snapshot(w io.Writer) error {
	if w == nil {
		return errors.New("sla: ledger: snapshot: nil writer")
	}
	l.mu.RLock()
	inquiries := make([]snapEntry, 0, len(l.byID))
	for _, e := range l.byID {
		se := snapEntry{
			ID: e.inq.ID, Channel: e.inq.Channel, ReplyTo: e.inq.ReplyTo,
			Party: e.inq.Party, Kind: e.inq.Kind, Priority: e.inq.Priority,
			Received: e.inq.Received, Zone: e.inq.Received.Location().String(),
			Labels: e.inq.Labels, Calendar: e.inq.Calendar, AsOf: e.asOf,
			Events: make([]snapEvent, len(e.events)),
		}
		for i, ev := range e.events {
			se.Events[i] = snapEvent{
				Time: ev.Time, Type: ev.Type, Channel: ev.Channel, Actor: ev.Actor, Due: ev.Due,
				Party: ev.Class.Party, Kind: ev.Class.Kind, Priority: ev.Class.Priority, Owner: ev.Owner,
			}
		}
		for _, k := range e.sent {
			if !k.pending {
				se.Sent = append(se.Sent, [2]string{k.ob.String(), k.level})
			}
		}
		inquiries = append(inquiries, se)
	}
	l.mu.RUnlock()
	slices.SortFunc(inquiries, func(a, b snapEntry) int { return cmp.Compare(a.ID, b.ID) })
	raw, err := json.Marshal(inquiries)
	if err != nil {
		return fmt.Errorf("sla: ledger: snapshot: %w", err)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `{"format":%q,"count":%d,"checksum":"%08x","inquiries":`,
		snapshotFormat, len(inquiries), crc32.Checksum(raw, snapshotTable))
	bw.Write(raw)
	bw.WriteString("}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("sla: ledger: snapshot: %w", err)
	}
	return nil
}

// Restore replaces the contents of the ledger with the snapshot read from
// r, whole or not at all. It refuses, with an error wrapping
// ErrBadSnapshot and leaving the ledger unchanged, a document that is not
// exactly one snapshot (truncated, trailing data, unknown or missing
// members, another format), whose checksum does not match its inquiries
// (damaged or edited since it was written), whose count disagrees with its
// inquiries, that holds an ID twice, a delivered key that is malformed, or
// a log that the ledger's policy set refuses (then the error wraps
// Evaluate's error too).
//
// The ledger's policy set need not be the one the snapshot was taken
// under: statuses are computed afresh under the restoring ledger's set, so
// a host may change its policies across a restart. Delivered keys are
// taken as recorded (a key naming a level the new set does not have is
// inert).
//
// Restored instants are the same instants with the same UTC offsets. Those
// of an inquiry (arrival, events, as-of) are put back in the location
// named by the snapshot when time.LoadLocation knows it and it gives the
// same offset, so that statuses after a round trip print the same; other
// instants keep a fixed offset.
func (l *Ledger) Restore(r io.Reader) error {
	if r == nil {
		return fmt.Errorf("sla: ledger: restore: %w: nil reader", ErrBadSnapshot)
	}
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.DisallowUnknownFields()
	var doc snapDoc
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("sla: ledger: restore: %w: %w", ErrBadSnapshot, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("sla: ledger: restore: %w: data after the snapshot", ErrBadSnapshot)
	}
	if doc.Format != snapshotFormat {
		return fmt.Errorf("sla: ledger: restore: %w: format %q, want %q", ErrBadSnapshot, doc.Format, snapshotFormat)
	}
	switch {
	case doc.Count == nil:
		return fmt.Errorf("sla: ledger: restore: %w: no count", ErrBadSnapshot)
	case doc.Checksum == nil:
		return fmt.Errorf("sla: ledger: restore: %w: no checksum", ErrBadSnapshot)
	case len(doc.Inquiries) == 0 || string(doc.Inquiries) == "null":
		return fmt.Errorf("sla: ledger: restore: %w: no inquiries", ErrBadSnapshot)
	}
	if sum := fmt.Sprintf("%08x", crc32.Checksum(doc.Inquiries, snapshotTable)); sum != *doc.Checksum {
		return fmt.Errorf("sla: ledger: restore: %w: checksum %q, but the inquiries sum to %q: damaged or edited", ErrBadSnapshot, *doc.Checksum, sum)
	}
	var inquiries []snapEntry
	idec := json.NewDecoder(bytes.NewReader(doc.Inquiries))
	idec.DisallowUnknownFields()
	if err := idec.Decode(&inquiries); err != nil {
		return fmt.Errorf("sla: ledger: restore: %w: inquiries: %w", ErrBadSnapshot, err)
	}
	if *doc.Count != len(inquiries) {
		return fmt.Errorf("sla: ledger: restore: %w: count %d but %d inquiries", ErrBadSnapshot, *doc.Count, len(inquiries))
	}
	tmp := NewLedger(l.ps)
	tmp.byID = make(map[string]*entry, len(inquiries))
	zones := map[string]*time.Location{}
	for i := range inquiries {
		se := &inquiries[i]
		e, st, err := l.restoreEntry(se, zones)
		if err != nil {
			return fmt.Errorf("sla: ledger: restore: %w: inquiries[%d] (%q): %w", ErrBadSnapshot, i, se.ID, err)
		}
		if _, dup := tmp.byID[se.ID]; dup {
			return fmt.Errorf("sla: ledger: restore: %w: inquiries[%d]: %w %q", ErrBadSnapshot, i, ErrDuplicateInquiry, se.ID)
		}
		tmp.byID[se.ID] = e
		tmp.schedule(e, &st)
	}
	l.mu.Lock()
	l.byID, l.due, l.byAsOf, l.breached, l.risk = tmp.byID, tmp.due, tmp.byAsOf, tmp.breached, tmp.risk
	l.mu.Unlock()
	l.changed()
	return nil
}

// fixedZone returns an unnamed location at offset seconds east of UTC,
// one per offset (cached in zones).
func fixedZone(zones map[string]*time.Location, offset int) *time.Location {
	key := "\x00" + strconv.Itoa(offset)
	loc, ok := zones[key]
	if !ok {
		loc = time.FixedZone("", offset)
		zones[key] = loc
	}
	return loc
}

// restoreEntry builds an entry from its snapshot form and evaluates it at
// its as-of instant.
func (l *Ledger) restoreEntry(se *snapEntry, zones map[string]*time.Location) (*entry, Status, error) {
	if se.ID == "" {
		return nil, Status{}, fmt.Errorf("%w: empty ID", ErrBadInquiry)
	}
	loc, ok := zones[se.Zone]
	if !ok {
		loc, _ = time.LoadLocation(se.Zone) // nil if unknown: keep offsets
		zones[se.Zone] = loc
	}
	in := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		_, off := t.Zone()
		if loc != nil {
			if u := t.In(loc); func() bool { _, o := u.Zone(); return o == off }() {
				return u
			}
		}
		// Not the recorded location: a fixed offset, never time.Local,
		// which encoding/json gives an instant whose offset happens to
		// match the host's zone and which would print other instants
		// at another offset.
		if off == 0 {
			return t.UTC()
		}
		return t.In(fixedZone(zones, off))
	}
	e := newEntry(Inquiry{
		ID: se.ID, Channel: se.Channel, ReplyTo: se.ReplyTo,
		Class:    Class{Party: se.Party, Kind: se.Kind, Priority: se.Priority},
		Received: in(se.Received), Labels: se.Labels, Calendar: se.Calendar,
	}, in(se.AsOf))
	if len(se.Events) > 0 {
		e.events = make([]Event, len(se.Events))
	}
	for i, sv := range se.Events {
		e.events[i] = Event{
			Time: in(sv.Time), Type: sv.Type, Channel: sv.Channel, Actor: sv.Actor, Due: in(sv.Due),
			Class: Class{Party: sv.Party, Kind: sv.Kind, Priority: sv.Priority}, Owner: sv.Owner,
		}
		if e.events[i].Time.After(e.asOf) {
			return nil, Status{}, fmt.Errorf("events[%d] at %v after the as-of instant %v", i, sv.Time, se.AsOf)
		}
	}
	if e.asOf.Before(e.inq.Received) {
		return nil, Status{}, fmt.Errorf("as-of instant %v before arrival", se.AsOf)
	}
	for j, s := range se.Sent {
		k, err := ParseKey(s[0])
		if err != nil || s[1] == "" {
			return nil, Status{}, fmt.Errorf("delivered[%d]: bad key %q", j, s)
		}
		e.sent = append(e.sent, sentKey{k, s[1], false})
	}
	st, err := l.ps.Evaluate(e.inq, e.events, e.asOf)
	if err != nil {
		return nil, Status{}, err
	}
	return e, st, nil
}
