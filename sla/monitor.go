package sla

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/replyby/replyby/clock"
)

// A Monitor drives a [Ledger] from a [clock.Clock]: it keeps one timer of
// the clock armed for the ledger's earliest Next ([Ledger.Earliest]),
// re-arms it whenever the ledger changes (an inquiry added, events
// appended, a snapshot restored), and when it fires, sweeps the ledger
// ([Ledger.Sweep]) at the clock's time and calls the host back once per
// escalation level that fired, keyed (inquiry, obligation, level), in the
// order of the instants they fired.
//
// The monitor starts no goroutine: its work happens inside the callbacks
// of the clock's timer, on whatever goroutine the clock runs them (its own
// for [clock.System], the goroutine that moves the clock for
// [clock.Manual]). Under a manual clock the timer fires at each Next
// exactly, so a replay of the same traffic delivers the same alerts at the
// same instants in the same order.
//
// What the monitor sees is what the ledger holds when the timer fires: a
// level that fires at the same instant as an event that would have
// prevented it is delivered if the timer fires before the event is
// recorded. Record events as they happen, before moving a manual clock
// past them.
//
// Restart. The ledger remembers which levels it has delivered, and a
// snapshot records them (see [Ledger.Snapshot]); a monitor over a ledger
// restored from a snapshot delivers only the levels not delivered before
// it was taken. A level counts as delivered when the callback for it has
// returned: a snapshot taken while it runs (from another goroutine, or
// from the callback itself) leaves it out, so a crash before the callback
// returns delivers it again. Delivery is thus at least once across
// restarts: a level delivered after the snapshot was taken is delivered
// again after a restore from it. Take a snapshot after the callbacks whose
// work must not repeat, or make that work idempotent by its key.
//
// Sweeps do not overlap: if the timer fires while a sweep is delivering
// (a real clock, or a callback that moves a manual clock), the running
// sweep re-arms the timer when it is done instead.
type Monitor struct {
	l       *Ledger
	c       clock.Clock
	deliver func(Alert)

	mu      sync.Mutex
	timer   clock.Timer
	armed   time.Time // deadline of the pending timer
	pending bool
	stopped bool
	watch   func()

	sweeping sync.Mutex
}

// NewMonitor returns a monitor that drives l from c and calls deliver for
// each alert, and arms its timer. A ledger drives at most one monitor at a
// time (ErrMonitored); [Monitor.Stop] releases it. deliver runs inside the
// clock's timer callback: it may use the ledger (appending events re-arms
// the timer) but should not move a manual clock.
func NewMonitor(l *Ledger, c clock.Clock, deliver func(Alert)) (*Monitor, error) {
	if l == nil || c == nil || deliver == nil {
		return nil, errors.New("sla: monitor: nil ledger, clock or callback")
	}
	m := &Monitor{l: l, c: c, deliver: deliver}
	m.watch = m.rearm
	if !l.watch.CompareAndSwap(nil, &m.watch) {
		return nil, fmt.Errorf("sla: monitor: %w", ErrMonitored)
	}
	m.rearm()
	return m, nil
}

// Stop stops the monitor's timer and releases its ledger. A sweep already
// running finishes; none starts afterwards.
func (m *Monitor) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	m.stopped = true
	m.l.watch.CompareAndSwap(&m.watch, nil)
	if m.timer != nil {
		m.timer.Stop()
	}
	m.pending = false
}

// Armed returns the instant the monitor's timer is set for and true, or the
// zero time and false if it is not set (nothing is due, or the monitor is
// stopped).
func (m *Monitor) Armed() (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.armed, m.pending
}

// rearm sets the timer for the ledger's earliest Next.
func (m *Monitor) rearm() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	next, ok := m.l.Earliest()
	if !ok {
		if m.timer != nil && m.pending {
			m.timer.Stop()
		}
		m.pending, m.armed = false, time.Time{}
		return
	}
	if m.pending && m.armed.Equal(next) {
		return
	}
	d := next.Sub(m.c.Now())
	if m.timer == nil {
		m.timer = m.c.AfterFunc(d, m.fire)
	} else {
		m.timer.Reset(d)
	}
	m.armed, m.pending = next, true
}

// fire is the timer's callback: sweep, deliver, re-arm.
func (m *Monitor) fire() {
	m.mu.Lock()
	m.pending = false
	stopped := m.stopped
	m.mu.Unlock()
	if stopped || !m.sweeping.TryLock() {
		return // a running sweep re-arms when it is done
	}
	defer m.rearm()
	defer m.sweeping.Unlock()
	for _, a := range m.l.sweep(m.c.Now(), true) {
		m.deliver(a)
		m.l.ack(a)
	}
}
