package clock

import (
	"container/heap"
	"fmt"
	"sync"
	"time"
)

// Manual is a deterministic [Clock] for tests and simulations. Its time
// stands still until [Manual.Advance], [Manual.Set] or [Manual.AdvanceToNext]
// moves it forward; it never moves back.
//
// Timers. AfterFunc(d, f) schedules f at Now()+d. A timer with d <= 0 is due
// at once but, like every timer, fires only when the clock is next moved; a
// move by zero (Advance(0), or Set(Now())) fires the timers that are already
// due. A move (unless it joins a running one; see below) fires every timer
// whose deadline is at or before its target, synchronously on the calling
// goroutine and one at a time: in deadline
// order, timers with equal deadlines in the order they were scheduled (by
// AfterFunc or Reset); then it sets the clock to its target. While a
// callback runs, Now reads its timer's deadline, and a timer scheduled
// meanwhile that falls due by the target fires within the same move. A
// stopped timer never fires.
//
// So a callback that re-arms a timer with a delay <= 0 — its own, by
// Reset(0) or AfterFunc(0, …) — makes it fire again at the same instant,
// within the same move, as a zero-delay timer of package time fires again
// at once. The clock cannot pass an instant while timers keep falling due
// at it: a callback that always re-arms with a delay <= 0 makes the move
// that runs it never return (moves that join it return, but the clock does
// not pass that instant). A callback that polls should re-arm with a
// positive delay.
//
// Moves made during a move. Callbacks run with no lock held and may call
// any method of the clock or its timers. A move begun while another move
// is running a callback — by that callback or by any other goroutine —
// joins the running move instead of firing timers or waiting: it raises the
// running move's target to its own target if that is later, and returns at
// once, Now still reading the deadline of the callback being run. Its own
// target is Now()+d for Advance(d) (the running callback's deadline plus
// d, so Advance calls made during one callback do not add up), t for
// Set(t), and for AdvanceToNext the deadline of the earliest timer pending
// when it is called, which is never before Now() (AdvanceToNext reports
// false and joins nothing if no timer is pending).
// The running move fires every timer due by the raised target, as above,
// before it returns, so the clock ends at the latest of the targets and
// never goes back. A move that joins thus returns before the timers due by
// its target have fired; only a move begun while no callback runs returns
// after them. Set(t) with t before Now() and Advance with a negative
// duration panic, as always, also when they would join.
//
// Between its callbacks a move holds the clock: a call by another goroutine
// waits until the move starts its next callback (a move then joins it) or
// returns. So, joins apart, moves by different goroutines are serialized; only the goroutine
// that began a move runs callbacks in it, so callbacks never run
// concurrently with each other; and a callback may wait for another
// goroutine that moves the clock, whose move joins.
//
// If a callback panics, the panic propagates out of the move that ran it;
// the clock stays at that timer's deadline, later timers stay scheduled,
// and the targets of the moves that joined it are dropped. The clock stays
// usable.
//
// A Manual is safe for concurrent use. Create one with [NewManual]; the
// zero value is a ready clock that reads the zero time. A Manual must not
// be copied after first use.
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	timers timerHeap // pending timers; every deadline is at or after now
	seq    uint64    // timers scheduled so far; breaks ties between deadlines

	// Whether a move is running, and its target, which moves that join it
	// raise. The running move holds mu except while it runs a callback,
	// so any other holder of mu that sees moving set is inside one.
	moving bool
	target time.Time
}

var _ Clock = (*Manual)(nil)

// NewManual returns a manual clock that reads start. The clock's times
// carry no monotonic clock reading (see package time), so they compare and
// subtract by their wall-clock value alone.
func NewManual(start time.Time) *Manual {
	return &Manual{now: start.Round(0)}
}

// Now returns the clock's current time: the time it was last moved to or,
// inside a timer's callback, that timer's deadline.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// AfterFunc schedules f to be called when the clock reaches Now()+d and
// returns a [Timer] that can stop or reschedule the call. A d <= 0 makes the
// timer due at Now(); it fires on the next move of the clock (or within the
// running one, if called while a callback runs: a callback that always
// schedules its next call with d <= 0 keeps the clock from ever passing that
// instant; see [Manual]). AfterFunc panics if f is nil. The Timer's Reset(d) likewise
// schedules the call for Now()+d.
func (m *Manual) AfterFunc(d time.Duration, f func()) Timer {
	if f == nil {
		panic("clock: Manual.AfterFunc with nil func")
	}
	t := &manualTimer{m: m, f: f, index: -1}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.schedule(t, d)
	return t
}

// Advance moves the clock forward by d, firing every timer that falls due
// on the way. Advance(0) fires the timers that are already due. Advance
// panics if d is negative: a manual clock never goes back. It returns once
// no timer is due by its target, so never if callbacks keep re-arming
// timers with a delay <= 0 (see [Manual]). Called while a move runs a
// callback, it joins that move instead, raising its target to Now()+d, and
// returns at once (see [Manual]).
func (m *Manual) Advance(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("clock: Manual.Advance(%v): negative duration; a manual clock never goes back", d))
	}
	m.mu.Lock()
	m.moveTo(m.now.Add(d))
}

// Set moves the clock forward to t, firing every timer that falls due on
// the way; when it returns, Now reads t. Set to the current time fires the
// timers that are already due. Set panics if t is before Now(): a manual
// clock never goes back. Like Advance, it never returns if callbacks keep
// re-arming timers with a delay <= 0, and called while a move runs a
// callback it joins that move instead, raising its target to t, and returns
// at once with Now unchanged (see [Manual]).
func (m *Manual) Set(t time.Time) {
	t = t.Round(0)
	m.mu.Lock()
	if t.Before(m.now) {
		now := m.now
		m.mu.Unlock()
		panic(fmt.Sprintf("clock: Manual.Set(%v): before Now() %v; a manual clock never goes back", t, now))
	}
	m.moveTo(t)
}

// AdvanceToNext moves the clock to the deadline of the earliest pending
// timer, firing every timer due by then, and reports true. If no timer is
// pending it reports false and leaves the clock alone. A timer that is
// already due fires without the clock moving.
//
// A simulation can run until nothing is scheduled with
//
//	for m.AdvanceToNext() {
//	}
//
// which ends only if the callbacks stop scheduling new timers. Like
// Advance, a single call never returns if callbacks keep re-arming timers
// with a delay <= 0 (see [Manual]). Called while a move runs a callback, it
// joins that move instead: it raises the move's target to the deadline of
// the earliest pending timer (at or after Now, possibly a timer scheduled
// by the callback), returns true at once and leaves the firing to the
// running move; with no timer pending it reports false and changes
// nothing.
func (m *Manual) AdvanceToNext() bool {
	m.mu.Lock()
	if len(m.timers) == 0 {
		m.mu.Unlock()
		return false
	}
	m.moveTo(m.timers[0].when)
	return true
}

// Pending returns the number of timers that are scheduled and have not yet
// fired or been stopped.
func (m *Manual) Pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.timers)
}

// NextDeadline returns the deadline of the earliest pending timer and true,
// or the zero time and false if no timer is pending. A deadline equal to
// Now() means the timer is due and fires on the next move of the clock.
func (m *Manual) NextDeadline() (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.timers) == 0 {
		return time.Time{}, false
	}
	return m.timers[0].when, true
}

// schedule sets t to fire at now+d (now if d <= 0) after every timer already
// scheduled for the same instant. It is called with m.mu held.
func (m *Manual) schedule(t *manualTimer, d time.Duration) {
	t.when = m.now.Add(max(d, 0))
	m.seq++
	t.seq = m.seq
	if t.index >= 0 {
		heap.Fix(&m.timers, t.index)
	} else {
		heap.Push(&m.timers, t)
	}
}

// moveTo moves the clock to target or, if a move is running (and so inside
// one of its callbacks), joins it by raising its target. A move fires,
// earliest first, each timer due at or before its target, which moves that
// join it may raise meanwhile, then sets the clock to the target. It is called with
// m.mu held and returns with m.mu released, also when a callback panics;
// callbacks run without it.
func (m *Manual) moveTo(target time.Time) {
	if m.moving {
		if target.After(m.target) {
			m.target = target
		}
		m.mu.Unlock()
		return
	}
	m.moving, m.target = true, target
	defer m.endMove()
	for len(m.timers) > 0 && !m.timers[0].when.After(m.target) {
		t := heap.Pop(&m.timers).(*manualTimer)
		m.now = t.when // not before now: every pending deadline is at or after it
		m.run(t.f)
	}
	m.now = m.target // not before now: no deadline fired is after the target
}

// run calls f with m.mu released and holds it again when f returns or
// panics.
func (m *Manual) run(f func()) {
	m.mu.Unlock()
	defer m.mu.Lock()
	f()
}

// endMove ends the running move and releases m.mu, which it is called
// with.
func (m *Manual) endMove() {
	m.moving = false
	m.mu.Unlock()
}

// manualTimer is the Timer of a Manual clock.
type manualTimer struct {
	m     *Manual
	f     func()
	when  time.Time
	seq   uint64
	index int // position in m.timers; -1 when not pending
}

func (t *manualTimer) Stop() bool {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.m.timers, t.index)
	return true
}

func (t *manualTimer) Reset(d time.Duration) bool {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	pending := t.index >= 0
	t.m.schedule(t, d)
	return pending
}

// timerHeap orders timers by deadline, then by when they were scheduled; it
// implements heap.Interface.
type timerHeap []*manualTimer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) Push(x any) {
	t := x.(*manualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
