package main

// This file and json.go are the only ones that know the library's event
// model and its evaluation API: everything else handles stored documents
// ([]byte), counts and instants. When the library's model or its
// evaluation API changes, these two files change.

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/monitor"
)

// A logInput is what an evaluation reads: the inquiry's facts and its
// log, decoded. It is kept in a per-process cache keyed by
// (tenant, inquiry, event count), so that appending an event does not
// decode the whole log again.
type logInput struct {
	inquiry sla.Inquiry
	events  []sla.Event
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
		var e eventJSON
		if err := json.Unmarshal(doc, &e); err != nil {
			return nil, fmt.Errorf("stored event %d: %w", i+1, err)
		}
		in.events = append(in.events, e.event())
	}
	return in, nil
}

// withEvent returns the input with e appended, leaving in as it is (a
// cached input must not change before the transaction that appends
// commits).
func (in *logInput) withEvent(e eventJSON) *logInput {
	events := make([]sla.Event, len(in.events), len(in.events)+1)
	copy(events, in.events)
	return &logInput{inquiry: in.inquiry, events: append(events, e.event())}
}

// latest returns the time of the latest event (the zero Time if none).
func (in *logInput) latest() time.Time {
	var t time.Time
	for _, e := range in.events {
		if e.Time.After(t) {
			t = e.Time
		}
	}
	return t
}

// evaluate evaluates the input at now and returns what to store and
// answer; fired holds only the escalations that fired after since (the
// latest firing already recorded: those up to it are recorded, and no
// event accepted afterwards can change them).
//
// THE INCREMENTAL API PLUGS IN HERE. Today sla.PolicySet.Evaluate replays
// the whole log, so an evaluation costs time in proportion to the log's
// length even when the input comes from the cache. When the library can
// resume an evaluation from kept state, evaluate takes that state (the
// inquiries.state column, NULL today, versioned by inquiries.event_count)
// and the events after it, and returns the new state to store with the
// outcome.
func (ev *evaluator) evaluate(in *logInput, now, since time.Time) (outcome, error) {
	// Evaluate reads the log only up to now: an event dated later would
	// be stored unchecked and could make the log invalid once its time
	// comes. Check the whole log first, as sla.Ledger does.
	if last := in.latest(); last.After(now) {
		if _, err := ev.ps.Evaluate(in.inquiry, in.events, last); err != nil {
			return outcome{}, err
		}
	}
	st, err := ev.ps.Evaluate(in.inquiry, in.events, now)
	if err != nil {
		return outcome{}, err
	}
	out := outcome{next: clampNext(st.Next), answer: newCompactStatus(st)}
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

// status evaluates the input at now for GET /inquiries/{id}.
func (ev *evaluator) status(in *logInput, now time.Time) (statusJSON, error) {
	st, err := ev.ps.Evaluate(in.inquiry, in.events, now)
	if err != nil {
		return statusJSON{}, err
	}
	return newStatusJSON(st), nil
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
// by tenant and inquiry and valid for one event count: a writer reads the
// row's event_count under the row's lock and uses the cached input only
// if it matches, so another process appending is never missed. The cache
// holds at most max inquiries; when full it drops an arbitrary one.
type logCache struct {
	mu  sync.Mutex
	max int
	m   map[logKey]cachedLog
}

type logKey struct{ tenant, id string }

type cachedLog struct {
	count int
	in    *logInput
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
	if !ok || e.count != count {
		return nil, false
	}
	return e.in, true
}

// put keeps in as the input of (tenant, id) with count events, after the
// transaction that wrote them committed.
func (c *logCache) put(tenant, id string, count int, in *logInput) {
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
	c.m[k] = cachedLog{count, in}
}
