package main

// This file and json.go are the only ones that know the library's event
// model and its evaluation API: everything else handles stored documents
// ([]byte), counts and instants — but the board (board*.go), which reads
// the statuses evaluated here, as package sla/report does. When the
// library's model or its evaluation API changes, these two files change.

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/monitor"
)

// A logInput is what an evaluation reads: the inquiry's facts and its
// log, decoded, and the library's evaluation of that log so far. It is
// kept in a per-process cache by (tenant, inquiry) with the version of the
// row it was kept for, so that appending an event neither decodes nor
// replays the whole log: the new event is applied to a copy of the kept
// sla.Run, at the cost of the inquiry's open obligations. A logInput is
// never changed once made (its events' array may be written beyond its
// length, by the one evaluation that took that element: see withEvent),
// but for storedNext and nextKnown, which the code that made it sets
// before any other sees it.
type logInput struct {
	inquiry sla.Inquiry
	events  []sla.Event
	// run has the events applied in time order and was advanced to the
	// instant of the last evaluation; nil when the log holds an event
	// dated after that instant (then evaluations replay the log).
	run *sla.Run
	// seen counts the escalations of run already looked at.
	seen int
	// storedNext is the next_check stored with the version the input
	// is kept for, if nextKnown (an append that leaves it need not set
	// it: txn.appendIf).
	storedNext int64
	nextKnown  bool
	// taken is how many elements of events' array some input holds: the
	// inputs an evaluation makes share the array of the one it read, so
	// that of two evaluations of one input at once only the first to
	// take the next element appends in place (see withEvent).
	taken *atomic.Int64
}

// withEvent returns the events of in with e appended, in place when the
// array has room and no other input took that element, else in a copy,
// and the taken counter of the array they are in.
func withEvent(in *logInput, e sla.Event) ([]sla.Event, *atomic.Int64) {
	n := len(in.events)
	if n < cap(in.events) && in.taken != nil && in.taken.CompareAndSwap(int64(n), int64(n+1)) {
		return append(in.events, e), in.taken
	}
	events := append(slices.Clip(in.events), e)
	return events, newTaken(len(events))
}

func newTaken(n int) *atomic.Int64 {
	t := new(atomic.Int64)
	t.Store(int64(n))
	return t
}

// An outcome is what the back end stores and answers after evaluating an
// inquiry at an instant.
type outcome struct {
	// next is when the inquiry must be evaluated again (zero: never),
	// clamped to the range of instants the back end stores.
	next time.Time
	// fired lists the escalations the log says have fired by now and
	// after the instant given as since, by firing time.
	fired []firing
	// answer is the compact status the API answers with.
	answer compactStatus
}

// A firing is an escalation level the log says fired.
type firing struct {
	obligation string
	level      string
	at         time.Time
	notify     []string
}

// An evaluator evaluates logs with one policy set.
type evaluator struct {
	ps *sla.PolicySet
}

// decodeInquiry reads a stored inquiry document.
func decodeInquiry(doc []byte) (sla.Inquiry, error) {
	var in inquiryJSON
	if err := json.Unmarshal(doc, &in); err != nil {
		return sla.Inquiry{}, fmt.Errorf("stored inquiry: %w", err)
	}
	return in.inquiry(), nil
}

// decodeLog reads a stored inquiry and its stored events.
func decodeLog(inqDoc []byte, eventDocs [][]byte) (*logInput, error) {
	inq, err := decodeInquiry(inqDoc)
	if err != nil {
		return nil, err
	}
	in := &logInput{inquiry: inq, events: make([]sla.Event, 0, len(eventDocs)+1)}
	for i, doc := range eventDocs {
		var e sla.Event
		if err := json.Unmarshal(doc, &e); err != nil {
			return nil, fmt.Errorf("stored event %d: %w", i+1, err)
		}
		in.events = append(in.events, e)
	}
	in.taken = newTaken(len(in.events))
	return in, nil
}

// anomalyError refuses an event that makes no sense where it stands: the
// API does not keep it, ignored, in the log.
type anomalyError struct{ a sla.Anomaly }

func (e *anomalyError) Error() string { return string(e.a.Type) + ": " + e.a.Reason }

// evaluate evaluates the input, with e appended if it is not nil, at now,
// and returns what to store and answer, and the input to keep for the
// next evaluation. fired holds only the escalations that fired after
// since (the latest firing already recorded: those up to it are
// recorded, and no event accepted afterwards can change them). An event
// that is an anomaly is refused (an *anomalyError), and so is one that
// would leave the inquiry holding too many labels (heldLabels). in is
// not changed.
//
// The cost follows the inquiry's open obligations, not its log, when in
// has a run and e comes after the run's instant; otherwise (the first
// evaluation after a restart, a back-dated event, an event dated after
// now) the log is replayed.
func (ev *evaluator) evaluate(in *logInput, e *sla.Event, now, since time.Time) (outcome, *logInput, error) {
	next := &logInput{inquiry: in.inquiry, events: in.events, taken: in.taken}
	if e != nil {
		next.events, next.taken = withEvent(in, *e)
	}
	var r *sla.Run
	if in.run != nil && !now.Before(in.run.Time()) && (e == nil || e.Time.After(in.run.Time()) && !e.Time.After(now)) {
		r = in.run.Clone()
		before := r.EventCount()
		anomalies := len(r.Anomalies(0))
		if e != nil {
			if err := r.Apply(*e); err != nil {
				return outcome{}, nil, err
			}
			if a := r.Anomalies(anomalies); len(a) > 0 && a[0].Index == before {
				return outcome{}, nil, &anomalyError{a[0]}
			}
			if err := ev.heldLabels(in, next, r, e, true); err != nil {
				return outcome{}, nil, err
			}
		}
		next.seen = in.seen
	} else {
		var err error
		if r, err = ev.replay(next, e != nil); err != nil {
			return outcome{}, nil, err
		}
		if e != nil {
			if err := ev.heldLabels(in, next, r, e, false); err != nil {
				return outcome{}, nil, err
			}
		}
		if r == nil || r.Time().After(now) {
			// An event dated after now: evaluate the log up to now.
			out, err := ev.full(next, now, since)
			return out, next, err
		}
	}
	if err := r.Advance(now); err != nil {
		return outcome{}, nil, err
	}
	g, err := r.Glance(now)
	if err != nil {
		return outcome{}, nil, err
	}
	out := outcome{next: clampNext(g.Next), answer: newCompactStatus(in.inquiry.ID, g)}
	for _, esc := range r.Escalations(next.seen) {
		if esc.At.After(since) {
			out.fired = append(out.fired, firing{obligation: esc.Obligation.String(), level: esc.Level, at: esc.At, notify: esc.Notify})
		}
	}
	next.run, next.seen = r, g.Escalations
	return out, next, nil
}

// heldLabels refuses e, the event next appends to in's log, if it adds
// labels and makes the inquiry hold more than maxListed at some instant
// from e's on, and more than the log without it held there (so that a
// log that held more before the bound was kept is not refused an event
// that adds none). Labels are added and removed one event at a time, and
// without the bound the status, and each later label's check, would grow
// with every event. r is next's run, with e applied: on the kept run
// (kept), e is the log's latest event, and the counts are the runs'
// own; otherwise the logs are applied again, an event at a time, since
// an event dated after e may remove what e adds (and hide how many the
// inquiry held in between).
func (ev *evaluator) heldLabels(in, next *logInput, r *sla.Run, e *sla.Event, kept bool) error {
	if len(e.AddLabels) == 0 {
		return nil
	}
	var with, without int
	var err error
	if kept {
		if with, err = labelCount(r); err == nil {
			without, err = labelCount(in.run)
		}
	} else if with, err = ev.labelPeak(next, e.Time); err == nil {
		without, err = ev.labelPeak(in, e.Time)
	}
	if err != nil {
		return err
	}
	if with > maxListed && with > without {
		return &fieldError{"add_labels", fmt.Sprintf("the inquiry would hold %d labels; it holds at most %d", with, maxListed)}
	}
	return nil
}

// labelCount returns how many labels the inquiry of r holds at r's
// instant.
func labelCount(r *sla.Run) (int, error) {
	g, err := r.Glance(r.Time())
	return g.Labels, err
}

// labelPeak returns the most labels the inquiry holds from instant from
// on, applying in's log an event at a time, in time order: after the
// events up to from (an appended event comes after those at its instant),
// and after each later one.
func (ev *evaluator) labelPeak(in *logInput, from time.Time) (int, error) {
	r, err := ev.ps.Start(in.inquiry)
	if err != nil {
		return 0, err
	}
	peak, counted := 0, false
	for _, x := range inTimeOrder(in.events) {
		if !counted && x.Time.After(from) {
			if peak, err = labelCount(r); err != nil { // as from ends
				return 0, err
			}
			counted = true
		}
		if err := r.Apply(x); err != nil {
			return 0, err
		}
		if counted {
			n, err := labelCount(r)
			if err != nil {
				return 0, err
			}
			peak = max(peak, n)
		}
	}
	if !counted {
		return labelCount(r)
	}
	return peak, nil
}

// replay applies the whole log, in time order, to a new run. With
// appended it first checks the log, and refuses it if its last event is
// an anomaly or makes one of an event dated after it (accepted before,
// as a promise's fulfilment dated ahead, say: the log the API keeps holds
// no anomaly, and an event changes the reading of those after it only);
// without (a log read back from the store, every event of which was
// accepted), a malformed event is the run's error.
func (ev *evaluator) replay(in *logInput, appended bool) (*sla.Run, error) {
	if appended && len(in.events) > 0 {
		// Evaluate names a malformed event by its index in the log and
		// lists the anomalies of the whole log, future ones too.
		st, err := ev.ps.Evaluate(in.inquiry, in.events, latest(in.inquiry, in.events))
		if err != nil {
			return nil, err
		}
		last := len(in.events) - 1
		for _, a := range st.Anomalies {
			if a.Index == last {
				return nil, &anomalyError{a}
			}
		}
		if a, ok := ev.madeAnomaly(in, st.Anomalies); ok {
			return nil, &anomalyError{a}
		}
	}
	r, err := ev.ps.Start(in.inquiry)
	if err != nil {
		return nil, err
	}
	if err := r.Apply(inTimeOrder(in.events)...); err != nil {
		return nil, err
	}
	return r, nil
}

// madeAnomaly returns, as the appended (last) event's anomaly, the first
// of anomalies, those of in's log, that the appended event makes of an
// event dated after it: one the log without it did not have, for that
// event and that reason (a log written before the API refused anomalies
// may hold some already; the appended event may not change what one of
// them says either).
func (ev *evaluator) madeAnomaly(in *logInput, anomalies []sla.Anomaly) (sla.Anomaly, bool) {
	type held struct {
		index  int
		reason string
	}
	last := len(in.events) - 1
	e := in.events[last]
	var before map[held]bool
	for _, a := range anomalies {
		if a.Index < 0 || a.Index >= last || !in.events[a.Index].Time.After(e.Time) {
			continue
		}
		if before == nil {
			before = map[held]bool{}
			if st, err := ev.ps.Evaluate(in.inquiry, in.events[:last], latest(in.inquiry, in.events[:last])); err == nil {
				for _, b := range st.Anomalies {
					before[held{b.Index, b.Reason}] = true
				}
			}
		}
		if before[held{a.Index, a.Reason}] {
			continue
		}
		return sla.Anomaly{Index: last, Type: e.Type, At: e.Time,
			Reason: fmt.Sprintf("it would make the %s at %s, accepted before, an anomaly: %s", a.Type, a.At.Format(time.RFC3339), a.Reason)}, true
	}
	return sla.Anomaly{}, false
}

// full evaluates the log at now with Evaluate, which reads it only up to
// now.
func (ev *evaluator) full(in *logInput, now, since time.Time) (outcome, error) {
	st, err := ev.ps.Evaluate(in.inquiry, in.events, now)
	if err != nil {
		return outcome{}, err
	}
	out := outcome{next: clampNext(st.Next), answer: newCompactStatus(in.inquiry.ID, glanceOf(st))}
	for _, o := range st.Obligations {
		for _, e := range o.Escalations {
			if e.At.After(since) {
				out.fired = append(out.fired, firing{obligation: e.Obligation.String(), level: e.Level, at: e.At, notify: e.Notify})
			}
		}
	}
	sort.SliceStable(out.fired, func(i, j int) bool { return out.fired[i].at.Before(out.fired[j].at) })
	return out, nil
}

// latest returns the time of the latest of events, or when inq arrived if
// that is later: a now Evaluate takes, so that an event dated before the
// inquiry is refused as the event at fault ("events[3].time"), not as a
// bad now.
func latest(inq sla.Inquiry, events []sla.Event) time.Time {
	t := inq.Received
	for _, e := range events {
		if e.Time.After(t) {
			t = e.Time
		}
	}
	return t
}

// status evaluates the input at now for GET /inquiries/{id}: the whole
// status, from the kept run when it can.
func (ev *evaluator) status(in *logInput, now time.Time) (statusJSON, error) {
	st, err := ev.statusAt(in, now)
	if err != nil {
		return statusJSON{}, err
	}
	return newStatusJSON(st), nil
}

// statusAt evaluates the input at now: the whole status, from the kept
// run when it can (reading the run does not change it).
func (ev *evaluator) statusAt(in *logInput, now time.Time) (sla.Status, error) {
	if in.run != nil && !now.Before(in.run.Time()) {
		return in.run.Status(now)
	}
	return ev.ps.Evaluate(in.inquiry, in.events, now)
}

// timeline evaluates the input at now for the inquiry's page: the status
// and the events at or before now in time order (as a run applies them),
// the status's anomalies indexing that list.
func (ev *evaluator) timeline(in *logInput, now time.Time) (sla.Status, []sla.Event, error) {
	sorted := inTimeOrder(in.events)
	st, err := ev.ps.Evaluate(in.inquiry, sorted, now)
	if err != nil {
		return sla.Status{}, nil, err
	}
	n := 0
	for n < len(sorted) && !sorted[n].Time.After(now) {
		n++
	}
	return st, sorted[:n:n], nil
}

// inTimeOrder returns the events in time order, ties in log order: events
// itself when it is (as a log usually is), else a sorted copy. The caller
// must change neither.
func inTimeOrder(events []sla.Event) []sla.Event {
	byTime := func(a, b sla.Event) int { return a.Time.Compare(b.Time) }
	if slices.IsSortedFunc(events, byTime) {
		return events
	}
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, byTime)
	return sorted
}

// clampNext keeps a Next the library computed inside the instants the
// back end stores: one after maxInstant is stored as maxInstant, which
// the clocks the back end accepts never reach.
func clampNext(next time.Time) time.Time {
	if next.After(maxInstant) {
		return maxInstant
	}
	return next
}

// alertOf makes the monitor's alert of a recorded escalation. The
// monitor's inquiry ID is "tenant/inquiry".
func alertOf(r escalationRow) (monitor.Alert, error) {
	k, err := sla.ParseKey(r.obligation)
	if err != nil {
		return monitor.Alert{}, fmt.Errorf("stored escalation %s/%s: %w", r.inquiryID, r.obligation, err)
	}
	var notify []string
	if err := json.Unmarshal(r.notify, &notify); err != nil {
		return monitor.Alert{}, fmt.Errorf("stored escalation %s/%s: %w", r.inquiryID, r.obligation, err)
	}
	return monitor.Alert{
		InquiryID:  r.tenant + "/" + r.inquiryID,
		Escalation: sla.Escalation{Obligation: k, Level: r.level, Notify: notify, At: time.Unix(0, r.firedAt)},
	}, nil
}

// alertKey is the row key of an alert handed out by a sweep.
func alertKey(a monitor.Alert) (tenant, inquiryID, obligation, level string, ok bool) {
	for i := 0; i < len(a.InquiryID); i++ {
		if a.InquiryID[i] == '/' {
			return a.InquiryID[:i], a.InquiryID[i+1:], a.Obligation.String(), a.Level, true
		}
	}
	return "", "", "", "", false
}

// A logCache keeps decoded inputs of recently evaluated inquiries, keyed
// by tenant and inquiry and valid for one version of the row (event count
// and latest escalation recorded): a writer either reads the row's
// event_count under the row's lock and uses the cached input only if it
// matches, or evaluates on the cached input first and writes only if the
// row is still at the cached version (txn.appendIf), so another process
// appending is never missed. Inputs are shared by the requests that read
// them at once; an evaluation changes none (see withEvent). The cache
// holds at most max inquiries; when full it drops an arbitrary one.
type logCache struct {
	mu  sync.Mutex
	max int
	m   map[logKey]cachedLog
}

type logKey struct{ tenant, id string }

type cachedLog struct {
	v  version
	in *logInput
}

func newLogCache(max int) *logCache { return &logCache{max: max, m: map[logKey]cachedLog{}} }

// get returns the input for (tenant, id) if it holds exactly count events.
func (c *logCache) get(tenant, id string, count int) (*logInput, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[logKey{tenant, id}]
	if !ok || e.v.eventCount != count {
		return nil, false
	}
	return e.in, true
}

// latest returns the input kept for (tenant, id) and the version of the
// row it was kept for, which the row may since have left.
func (c *logCache) latest(tenant, id string) (version, *logInput, bool) {
	if c == nil {
		return version{}, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[logKey{tenant, id}]
	return e.v, e.in, ok
}

// put keeps in as the input of (tenant, id) at version v (its event
// count and latest escalation recorded), after the transaction that wrote
// them committed.
func (c *logCache) put(tenant, id string, v version, in *logInput) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := logKey{tenant, id}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = cachedLog{v, in}
}
