package monitor_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/monitor"
)

var t0 = time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)

// store is a scripted Store: inquiries due at instants, each with the
// alert it fires, swept in batches of at most batch (0: all).
type store struct {
	mu        sync.Mutex
	due       map[string]time.Time
	batch     int
	fail      int // fail this many calls of Sweep
	sweeps    []time.Time
	delivered []string
	ctxErr    error
	watch     func(time.Time)
	unwatched bool
	// hook, if set, runs in Earliest after the store has read its answer
	// and before it returns it; earliestErr is Earliest's error.
	hook        func()
	earliestErr error
}

func newStore() *store { return &store{due: map[string]time.Time{}} }

func (s *store) add(id string, at time.Time) {
	s.mu.Lock()
	s.due[id] = at
	w := s.watch
	s.mu.Unlock()
	if w != nil {
		w(at)
	}
}

func (s *store) Earliest(context.Context) (time.Time, bool, error) {
	s.mu.Lock()
	var first time.Time
	for _, t := range s.due {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	hook, err := s.hook, s.earliestErr
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return first, !first.IsZero(), nil
}

// pauseEarliest makes the store's next call of Earliest wait, once it has
// read its answer, until release is called; asked is closed when it has.
func (s *store) pauseEarliest() (asked <-chan struct{}, release func()) {
	in, out := make(chan struct{}), make(chan struct{})
	s.mu.Lock()
	s.hook = func() {
		s.mu.Lock()
		s.hook = nil
		s.mu.Unlock()
		close(in)
		<-out
	}
	s.mu.Unlock()
	return in, func() { close(out) }
}

func (s *store) Sweep(ctx context.Context, now time.Time) ([]monitor.Alert, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweeps = append(s.sweeps, now)
	s.ctxErr = ctx.Err()
	if s.fail > 0 {
		s.fail--
		return nil, false, errors.New("database down")
	}
	var ids []string
	for id, t := range s.due {
		if !t.After(now) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	more := false
	if s.batch > 0 && len(ids) > s.batch {
		ids, more = ids[:s.batch], true
	}
	var out []monitor.Alert
	for _, id := range ids {
		out = append(out, monitor.Alert{InquiryID: id, Escalation: sla.Escalation{Obligation: sla.Key{Metric: sla.FirstReply}, Level: "breach", At: s.due[id]}})
		delete(s.due, id)
	}
	return out, more, nil
}

func (s *store) Delivered(_ context.Context, a monitor.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delivered = append(s.delivered, a.InquiryID)
	return nil
}

// watchingStore is a store that is a Watcher.
type watchingStore struct{ *store }

func (w watchingStore) Watch(wake func(time.Time)) func() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.watch = wake
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.watch, w.unwatched = nil, true
	}
}

func TestMonitorDeliversAtEachInstant(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.add("a", t0.Add(time.Hour))
	s.add("b", t0.Add(2*time.Hour))
	var got []string
	m, err := monitor.New(s, c, func(a monitor.Alert) { got = append(got, fmt.Sprint(c.Now().Sub(t0), " ", a.InquiryID)) })
	require.NoError(t, err)
	defer m.Stop()
	armed, ok := m.Armed()
	require.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), armed)

	c.Advance(3 * time.Hour)
	assert.Equal(t, []string{"1h0m0s a", "2h0m0s b"}, got)
	assert.Equal(t, []string{"a", "b"}, s.delivered, "each alert recorded after its callback")
	_, ok = m.Armed()
	assert.False(t, ok, "nothing due, no ceiling: no timer")
}

func TestMonitorSweepsAgainWhileMoreIsDue(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.batch = 2
	for i := range 5 {
		s.add(fmt.Sprint("q", i), t0)
	}
	var got []string
	m, err := monitor.New(s, c, func(a monitor.Alert) { got = append(got, a.InquiryID) })
	require.NoError(t, err)
	defer m.Stop()
	c.Advance(0)
	assert.Equal(t, []string{"q0", "q1", "q2", "q3", "q4"}, got)
	assert.Equal(t, []time.Time{t0, t0, t0}, s.sweeps, "three batches in one firing")
}

func TestMonitorRetriesAfterAnError(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.add("a", t0)
	s.fail = 2
	var errs []error
	var got []string
	m, err := monitor.New(s, c, func(a monitor.Alert) { got = append(got, a.InquiryID) },
		monitor.Retry(time.Minute), monitor.OnError(func(err error) { errs = append(errs, err) }))
	require.NoError(t, err)
	defer m.Stop()
	c.Advance(30 * time.Second)
	assert.Len(t, s.sweeps, 1, "a failing store is not called in a loop")
	c.Advance(5 * time.Minute)
	assert.Equal(t, []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute)}, s.sweeps)
	assert.Len(t, errs, 2)
	assert.Equal(t, []string{"a"}, got)
}

func TestMonitorCeiling(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	m, err := monitor.New(s, c, func(monitor.Alert) {}, monitor.Ceiling(time.Minute))
	require.NoError(t, err)
	defer m.Stop()
	armed, ok := m.Armed()
	require.True(t, ok, "a ceiling arms the timer with nothing due")
	assert.Equal(t, t0.Add(time.Minute), armed)
	s.add("later", t0.Add(time.Hour)) // behind the monitor's back
	c.Advance(10 * time.Minute)
	assert.Len(t, s.sweeps, 10, "once a minute")
	armed, _ = m.Armed()
	assert.Equal(t, t0.Add(11*time.Minute), armed, "the ceiling, not the hour")
}

func TestMonitorWake(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.add("a", t0.Add(time.Hour))
	var got []string
	m, err := monitor.New(s, c, func(a monitor.Alert) { got = append(got, a.InquiryID) })
	require.NoError(t, err)
	defer m.Stop()

	s.add("b", t0.Add(10*time.Minute)) // not a Watcher: the monitor does not know
	armed, _ := m.Armed()
	assert.Equal(t, t0.Add(time.Hour), armed)
	m.Wake(t0.Add(10 * time.Minute))
	armed, _ = m.Armed()
	assert.Equal(t, t0.Add(10*time.Minute), armed)
	m.Wake(t0.Add(30 * time.Minute))
	armed, _ = m.Armed()
	assert.Equal(t, t0.Add(10*time.Minute), armed, "a later wake does not delay the timer")

	s.add("c", t0.Add(5*time.Minute))
	m.Wake(time.Time{})
	armed, _ = m.Armed()
	assert.Equal(t, t0.Add(5*time.Minute), armed, "a zero wake asks the store")
	c.Advance(2 * time.Hour)
	assert.Equal(t, []string{"c", "b", "a"}, got)
}

func TestMonitorWatchesAWatcher(t *testing.T) {
	c := clock.NewManual(t0)
	s := watchingStore{newStore()}
	var got []string
	m, err := monitor.New(s, c, func(a monitor.Alert) { got = append(got, a.InquiryID) })
	require.NoError(t, err)
	s.add("a", t0.Add(time.Minute))
	armed, ok := m.Armed()
	require.True(t, ok)
	assert.Equal(t, t0.Add(time.Minute), armed)
	c.Advance(time.Hour)
	assert.Equal(t, []string{"a"}, got)

	m.Stop()
	assert.True(t, s.unwatched)
	m.Stop() // twice is fine
	s.add("b", t0.Add(2*time.Hour))
	c.Advance(2 * time.Hour)
	assert.Equal(t, []string{"a"}, got, "a stopped monitor delivers nothing")
	_, ok = m.Armed()
	assert.False(t, ok)
}

// A callback that stops the monitor ends the sweep's loop: the batch
// still due is not swept.
func TestMonitorStopFromCallback(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.batch = 1
	s.add("a", t0)
	s.add("b", t0)
	var m *monitor.Monitor
	var got []string
	m, err := monitor.New(s, c, func(a monitor.Alert) {
		got = append(got, a.InquiryID)
		m.Stop()
	})
	require.NoError(t, err)
	c.Advance(time.Minute)
	assert.Equal(t, []string{"a"}, got)
	assert.Len(t, s.sweeps, 1)
}

func TestMonitorNeedsItsParts(t *testing.T) {
	_, err := monitor.New(nil, clock.NewManual(t0), func(monitor.Alert) {})
	assert.Error(t, err)
	_, err = monitor.New(newStore(), nil, func(monitor.Alert) {})
	assert.Error(t, err)
	_, err = monitor.New(newStore(), clock.NewManual(t0), nil)
	assert.Error(t, err)
}

// A Wake that comes while the monitor waits for the store's earliest
// instant is kept, whatever the store then answers: the answer may have
// been read before the change the Wake tells of.
func TestMonitorKeepsAWakeWhileTheStoreAnswers(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	var got []string
	m, err := monitor.New(s, c, func(a monitor.Alert) { got = append(got, a.InquiryID) })
	require.NoError(t, err)
	defer m.Stop()
	asked, release := s.pauseEarliest()
	done := make(chan struct{})
	go func() { m.Wake(time.Time{}); close(done) }()
	<-asked // the store answered "nothing due", not yet returned
	s.add("a", t0.Add(time.Hour))
	m.Wake(t0.Add(time.Hour))
	release()
	<-done
	at, ok := m.Armed()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), at)
	c.Advance(2 * time.Hour)
	assert.Equal(t, []string{"a"}, got)
}

// Of two answers of the store, the one asked for later sets the timer,
// whichever comes back first.
func TestMonitorKeepsTheFresherAnswer(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.add("a", t0.Add(3*time.Hour))
	var got []string
	var gotAt []time.Time
	m, err := monitor.New(s, c, func(a monitor.Alert) { got, gotAt = append(got, a.InquiryID), append(gotAt, c.Now()) })
	require.NoError(t, err)
	defer m.Stop()
	asked, release := s.pauseEarliest()
	done := make(chan struct{})
	go func() { m.Wake(time.Time{}); close(done) }()
	<-asked // the store answered 3h, not yet returned
	s.mu.Lock()
	s.due["b"] = t0.Add(time.Hour) // a change whose host wakes with no instant
	s.mu.Unlock()
	m.Wake(time.Time{})
	release()
	<-done
	at, ok := m.Armed()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), at, "the older answer (3h) came back last and was dropped")
	c.Advance(4 * time.Hour)
	assert.Equal(t, []string{"b", "a"}, got)
	assert.Equal(t, []time.Time{t0.Add(time.Hour), t0.Add(3 * time.Hour)}, gotAt)
}

// The OnError function runs outside the monitor's lock: it may call the
// monitor, to stop it on a fatal error say.
func TestMonitorOnErrorMayCallTheMonitor(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.earliestErr = errors.New("database down")
	var m *monitor.Monitor
	var mu sync.Mutex
	calls := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		var err error
		m, err = monitor.New(s, c, func(monitor.Alert) {}, monitor.OnError(func(error) {
			mu.Lock()
			calls++
			mm := m
			mu.Unlock()
			if mm != nil {
				mm.Armed()
				mm.Stop()
			}
		}))
		assert.NoError(t, err)
		mu.Lock()
		mm := m
		mu.Unlock()
		mm.Wake(time.Time{})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("OnError calling the monitor did not return")
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, calls, "once from New, once from Wake")
	_, ok := m.Armed()
	assert.False(t, ok, "stopped from OnError")
}

// When the store cannot answer, the monitor tries again after the Retry
// delay, but never later than the instant its timer was set for already:
// what was due then is still due.
func TestMonitorKeepsItsTimerWhenTheStoreFails(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	var got []string
	var gotAt []time.Time
	m, err := monitor.New(s, c, func(a monitor.Alert) { got, gotAt = append(got, a.InquiryID), append(gotAt, c.Now()) }, monitor.Retry(time.Hour))
	require.NoError(t, err)
	defer m.Stop()
	s.add("a", t0.Add(time.Minute))
	m.Wake(t0.Add(time.Minute))
	s.mu.Lock()
	s.earliestErr = errors.New("database down")
	s.mu.Unlock()
	m.Wake(time.Time{})
	at, ok := m.Armed()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Minute), at, "not the retry an hour on")
	s.mu.Lock()
	s.earliestErr = nil
	s.mu.Unlock()
	c.Advance(2 * time.Minute)
	assert.Equal(t, []string{"a"}, got)
	assert.Equal(t, []time.Time{t0.Add(time.Minute)}, gotAt)
}

// After a failed sweep the monitor waits the Retry delay before it sweeps
// again, also when woken meanwhile to ask the store again.
func TestMonitorBacksOffAfterAFailedSweep(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	s.add("a", t0)
	s.fail = 1
	m, err := monitor.New(s, c, func(monitor.Alert) {}, monitor.Retry(time.Minute))
	require.NoError(t, err)
	defer m.Stop()
	c.Advance(0) // the sweep at t0 fails
	m.Wake(time.Time{})
	at, ok := m.Armed()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Minute), at)
	c.Advance(time.Minute)
	assert.Equal(t, []string{"a"}, s.delivered)
	m.Wake(time.Time{})
	_, ok = m.Armed()
	assert.False(t, ok, "a sweep that worked ends the back-off; nothing is due")
}

// A store's answer to a monitor already stopped is not reported, even if
// it is an error (the context Stop cancelled).
func TestMonitorStoppedReportsNothing(t *testing.T) {
	c := clock.NewManual(t0)
	s := newStore()
	var mu sync.Mutex
	var errs []error
	m, err := monitor.New(s, c, func(monitor.Alert) {}, monitor.OnError(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}))
	require.NoError(t, err)
	asked, release := s.pauseEarliest()
	s.mu.Lock()
	s.earliestErr = context.Canceled
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { m.Wake(time.Time{}); close(done) }()
	<-asked
	m.Stop()
	release()
	<-done
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, errs)
	_, ok := m.Armed()
	assert.False(t, ok)
}
