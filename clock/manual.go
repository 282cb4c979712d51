package clock

import (
	"container/heap"
	"fmt"
	"runtime"
	"strconv"
	"strings"
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
// due. Moving the clock fires every timer whose deadline is at or before the
// new time, synchronously on the calling goroutine and one at a time: in
// deadline order, timers with equal deadlines in the order they were
// scheduled (by AfterFunc or Reset). While a callback runs, Now reads its
// timer's deadline, and a timer the callback schedules that falls due by the
// end of the move fires within the same call. A stopped timer never fires.
//
// So a callback that re-arms a timer with a delay <= 0 — its own, by
// Reset(0) or AfterFunc(0, …) — makes it fire again at the same instant,
// within the same move, as a zero-delay timer of package time fires again
// at once. The clock cannot pass an instant while timers keep falling due
// at it: a callback that always re-arms with a delay <= 0 makes the move
// that runs it, and every move waiting for it, never return. A callback
// that polls should re-arm with a positive delay.
//
// Callbacks run with no lock held and may call any method of the clock or
// its timers. A callback that moves the clock itself makes a nested move:
// it fires the timers due by its own target before returning, and the outer
// move then goes on from there, so the clock ends at the later of the two
// targets. If a callback panics, the panic propagates out of the move that
// ran it; the clock stays at that timer's deadline and later timers stay
// scheduled.
//
// A Manual is safe for concurrent use. Moves by different goroutines are
// serialized: a move waits until any other goroutine's move, callbacks
// included, has returned, so callbacks never run concurrently with each
// other (and a callback must not wait for another goroutine that moves the
// clock).
//
// Create a Manual with [NewManual]; the zero value is a ready clock that
// reads the zero time. A Manual must not be copied after first use.
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	timers timerHeap // pending timers; every deadline is at or after now
	seq    uint64    // timers scheduled so far; breaks ties between deadlines

	// The goroutine that is moving the clock (0 if none), how deeply its
	// moves are nested, and a channel closed when it is done.
	mover    int64
	depth    int
	released chan struct{}
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
// current one, if called from a callback: a callback that always schedules
// its next call with d <= 0 keeps the clock from ever passing that instant;
// see [Manual]). AfterFunc panics if f is nil. The Timer's Reset(d) likewise
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
// timers with a delay <= 0 (see [Manual]).
func (m *Manual) Advance(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("clock: Manual.Advance(%v): negative duration; a manual clock never goes back", d))
	}
	m.beginMove()
	defer m.endMove()
	m.fireUntil(m.now.Add(d))
}

// Set moves the clock forward to t, firing every timer that falls due on
// the way; afterwards Now returns t. Set to the current time fires the
// timers that are already due. Set panics if t is before Now(): a manual
// clock never goes back. Like Advance, it never returns if callbacks keep
// re-arming timers with a delay <= 0 (see [Manual]).
func (m *Manual) Set(t time.Time) {
	t = t.Round(0)
	m.beginMove()
	defer m.endMove()
	if t.Before(m.now) {
		now := m.now
		m.mu.Unlock()
		panic(fmt.Sprintf("clock: Manual.Set(%v): before Now() %v; a manual clock never goes back", t, now))
	}
	m.fireUntil(t)
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
// with a delay <= 0 (see [Manual]).
func (m *Manual) AdvanceToNext() bool {
	m.beginMove()
	defer m.endMove()
	if len(m.timers) == 0 {
		m.mu.Unlock()
		return false
	}
	m.fireUntil(m.timers[0].when)
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

// fireUntil fires, earliest first, each timer due at or before until, then
// moves the clock to until unless a nested move has gone past it. It is
// called with m.mu held and returns with m.mu released; callbacks run
// without it.
func (m *Manual) fireUntil(until time.Time) {
	for len(m.timers) > 0 && !m.timers[0].when.After(until) {
		t := heap.Pop(&m.timers).(*manualTimer)
		m.now = t.when // not before now: every pending deadline is at or after it
		f := t.f
		m.mu.Unlock()
		f()
		m.mu.Lock()
	}
	if !until.Before(m.now) {
		m.now = until
	}
	m.mu.Unlock()
}

// beginMove waits until no other goroutine is moving the clock and makes
// the caller the mover; a mover may begin again from a callback. It returns
// with m.mu held.
func (m *Manual) beginMove() {
	g := goroutineID()
	m.mu.Lock()
	for m.mover != 0 && m.mover != g {
		done := m.released
		m.mu.Unlock()
		<-done
		m.mu.Lock()
	}
	if m.mover == 0 {
		m.mover = g
		m.released = make(chan struct{})
	}
	m.depth++
}

// endMove undoes one beginMove; it is called without m.mu held, also when a
// callback has panicked.
func (m *Manual) endMove() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.depth--
	if m.depth == 0 {
		m.mover = 0
		close(m.released)
		m.released = nil
	}
}

// goroutineID returns the id of the calling goroutine, read from the first
// line of its stack trace ("goroutine 7 [running]:"). Only moves of a Manual
// call it: it is what tells a nested move from a callback apart from a move
// by another goroutine, which must wait.
func goroutineID() int64 {
	var buf [64]byte
	trace := string(buf[:runtime.Stack(buf[:], false)])
	field, _, _ := strings.Cut(strings.TrimPrefix(trace, "goroutine "), " ")
	id, err := strconv.ParseInt(field, 10, 64)
	if err != nil {
		panic(fmt.Sprintf("clock: cannot read goroutine id from stack trace %q", trace))
	}
	return id
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
