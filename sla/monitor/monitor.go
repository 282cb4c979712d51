package monitor

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// An Alert is an escalation level that fired for an inquiry, delivered
// once per (InquiryID, Escalation.Obligation, Escalation.Level).
type Alert struct {
	// InquiryID is the inquiry's ID.
	InquiryID string
	sla.Escalation
}

// A Store holds inquiries and knows when each must be evaluated again: the
// in-memory ledger (package sla/ledger), or a host's database. The monitor
// calls Sweep and Delivered from one sweep at a time, and Earliest
// whenever it re-arms, which may be from several goroutines at once (a
// Wake while a sweep ends, say); a Store shared by several monitors
// (several workers over one database) must make its Sweeps disjoint
// itself.
type Store interface {
	// Earliest returns the earliest instant at which an inquiry of the
	// store must be evaluated again, and false if none must.
	Earliest(ctx context.Context) (time.Time, bool, error)
	// Sweep evaluates at now the inquiries due at or before now — all of
	// them, or a batch —, records what their statuses say, and returns
	// the escalation levels to deliver, in the order they fired, each
	// once: a level Sweep returned is not returned again, unless the
	// process restarts before Delivered records it. more reports that
	// inquiries due by now remain, so that the monitor sweeps again at
	// once.
	Sweep(ctx context.Context, now time.Time) (alerts []Alert, more bool, err error)
	// Delivered records that the host's callback for a has returned: a
	// is not delivered again, also after a restart.
	Delivered(ctx context.Context, a Alert) error
}

// A Watcher is a Store that tells the monitor when it changes. The
// monitor calls Watch once, when it is created, and stop when it is
// stopped. The store calls wake after each change with the earliest
// instant the change makes due, or the zero Time when it does not know;
// wake may be called from any goroutine, but not while the store holds a
// lock that its own methods take.
type Watcher interface {
	Watch(wake func(at time.Time)) (stop func())
}

// An Option configures a Monitor.
type Option func(*Monitor)

// Ceiling makes the monitor look at the store at least every d, even if
// nothing is due: for a store that others change behind its back (other
// processes writing to one database) and that cannot wake it. The
// default is no ceiling.
func Ceiling(d time.Duration) Option {
	return func(m *Monitor) {
		if d > 0 {
			m.ceiling = d
		}
	}
}

// Retry sets how long the monitor waits before it tries again after an
// error of the store; the default is one second.
func Retry(d time.Duration) Option {
	return func(m *Monitor) {
		if d > 0 {
			m.retry = d
		}
	}
}

// OnError sets a function the monitor calls with each error of the store
// (from a timer callback, so it must not block for long); the default
// drops them. The monitor holds none of the locks its methods take while
// it calls it, so the function may call the monitor — Stop it on a fatal
// error, say; not Wake with the zero Time, which would ask the failing
// store again at once. It is not called for the store's answers to a
// monitor already stopped.
func OnError(f func(error)) Option {
	return func(m *Monitor) {
		if f != nil {
			m.onError = f
		}
	}
}

// A Monitor is the one sweeper loop of replyby. It keeps one timer of its
// clock armed for its store's earliest instant ([Store.Earliest]), bounded
// by the ceiling; re-arms it when the store or the host says something
// changed ([Monitor.Wake], [Watcher]); and when it fires, sweeps the
// store at the clock's time ([Store.Sweep]), again while the store says
// more is due, calls the host back once per alert in the order the store
// gives them, and records each as delivered when the callback returns
// ([Store.Delivered]).
//
// The monitor starts no goroutine: its work happens inside the callbacks
// of the clock's timer, on whatever goroutine the clock runs them (its own
// for [clock.System], the goroutine that moves the clock for
// [clock.Manual]). Under a manual clock the timer fires at each instant
// exactly, so a replay of the same traffic delivers the same alerts at the
// same instants in the same order.
//
// What the monitor sees is what the store holds when the timer fires: a
// level that fires at the same instant as an event that would have
// prevented it is delivered if the timer fires before the event is
// recorded. Record events as they happen, before moving a manual clock
// past them.
//
// Sweeps do not overlap: if the timer fires while a sweep is delivering,
// the running sweep re-arms the timer when it is done instead. An error of
// the store is passed to the OnError function and the monitor tries again
// after the Retry delay.
type Monitor struct {
	s       Store
	c       clock.Clock
	deliver func(Alert)
	ceiling time.Duration
	retry   time.Duration
	onError func(error)

	ctx     context.Context
	cancel  context.CancelFunc
	unwatch func()

	mu      sync.Mutex
	timer   clock.Timer
	armed   time.Time // deadline of the pending timer
	pending bool
	stopped bool
	asking  []*asking // the rearms asking the store for its earliest instant
	asks    uint64    // how many rearms have begun asking
	applied uint64    // the latest-begun rearm whose answer set the timer
	backoff time.Time // after a failed sweep: no sweep before, unless woken

	sweeping sync.Mutex
}

// New returns a monitor that sweeps s on c and calls deliver for each
// alert, and arms its timer. deliver runs inside the clock's timer
// callback: it may use the store (recording events re-arms the timer) but
// should not move a manual clock. A nil store, clock or callback is an
// error.
func New(s Store, c clock.Clock, deliver func(Alert), opts ...Option) (*Monitor, error) {
	if s == nil || c == nil || deliver == nil {
		return nil, errors.New("monitor: a monitor needs a store, a clock and a callback")
	}
	m := &Monitor{s: s, c: c, deliver: deliver, retry: time.Second, onError: func(error) {}}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	if w, ok := s.(Watcher); ok {
		m.unwatch = w.Watch(m.Wake)
	}
	m.rearm()
	return m, nil
}

// Stop stops the monitor's timer, stops watching the store and cancels
// the context of the store's calls. A sweep already running finishes
// (its store calls see the cancelled context); none starts afterwards.
func (m *Monitor) Stop() {
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return
	}
	m.stopped = true
	if m.timer != nil {
		m.timer.Stop()
	}
	m.pending = false
	unwatch := m.unwatch
	m.mu.Unlock()
	if unwatch != nil {
		unwatch()
	}
	m.cancel()
}

// Armed returns the instant the monitor's timer is set for and true, or the
// zero time and false if it is not set (nothing is due, or the monitor is
// stopped).
func (m *Monitor) Armed() (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.pending {
		return time.Time{}, false
	}
	return m.armed, true
}

// Wake tells the monitor that the store changed: something is due at at
// (the timer is moved earlier if need be), or, if at is zero, that it
// should ask the store for its earliest instant again. A host whose store
// is not a Watcher calls it after recording events. Wake may be called
// from any goroutine at any time, also while the monitor is asking the
// store: an answer the store read before the change does not undo it.
func (m *Monitor) Wake(at time.Time) {
	if at.IsZero() {
		m.rearm()
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	// A rearm asking the store now may get an answer from before this
	// change: it must not set the timer past at.
	for _, a := range m.asking {
		if !a.woken || at.Before(a.wakeAt) {
			a.wakeAt, a.woken = at, true
		}
	}
	if m.pending && !at.Before(m.armed) {
		return
	}
	m.arm(at)
}

// An asking is a rearm waiting for the store's answer, with the earliest
// instant passed to Wake since it began asking.
type asking struct {
	n      uint64 // its place in the order rearms began asking
	wakeAt time.Time
	woken  bool
}

// rearm sets the timer for the store's earliest instant, but not before
// the backoff after a failed sweep, so that a failing store is not called
// in a loop. If the store fails to answer, it tries again after the Retry
// delay, or when the timer was set for already if that is sooner.
//
// The store answers outside the monitor's lock, so changes can happen
// while it does: a Wake meanwhile is kept (the timer is not set past its
// instant, whatever the answer), and an answer is dropped if a rearm that
// began asking later has set the timer already, since that answer is the
// fresher.
func (m *Monitor) rearm() {
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return
	}
	m.asks++
	a := &asking{n: m.asks}
	m.asking = append(m.asking, a)
	m.mu.Unlock()

	next, ok, err := m.s.Earliest(m.ctx)
	if err != nil && m.ctx.Err() == nil {
		m.onError(err) // outside the lock: it may call the monitor
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	m.asking = slices.DeleteFunc(m.asking, func(b *asking) bool { return b == a })
	if m.stopped || m.applied > a.n {
		return
	}
	m.applied = a.n
	now := m.c.Now()
	if err != nil {
		next, ok = now.Add(m.retry), true
		if m.pending && m.armed.Before(next) {
			next = m.armed // what the timer was set for still holds
		}
	}
	if ok && next.Before(m.backoff) {
		next = m.backoff
	}
	if a.woken && (!ok || a.wakeAt.Before(next)) {
		next, ok = a.wakeAt, true
	}
	if m.ceiling > 0 && (!ok || now.Add(m.ceiling).Before(next)) {
		next, ok = now.Add(m.ceiling), true
	}
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
	m.arm(next)
}

// arm sets the timer for at; m.mu must be held.
func (m *Monitor) arm(at time.Time) {
	d := at.Sub(m.c.Now())
	if m.timer == nil {
		m.timer = m.c.AfterFunc(d, m.fire)
	} else {
		m.timer.Reset(d)
	}
	m.armed, m.pending = at, true
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
	var retryAt time.Time
	defer func() {
		m.mu.Lock()
		m.backoff = retryAt
		m.mu.Unlock()
		m.rearm()
	}()
	defer m.sweeping.Unlock()
	now := m.c.Now()
	for {
		alerts, more, err := m.s.Sweep(m.ctx, now)
		for _, a := range alerts {
			m.deliver(a)
			if derr := m.s.Delivered(m.ctx, a); derr != nil && err == nil {
				err = derr
			}
		}
		if err != nil {
			m.onError(err)
			retryAt = now.Add(m.retry)
			return
		}
		if !more || m.ctx.Err() != nil {
			return
		}
	}
}
