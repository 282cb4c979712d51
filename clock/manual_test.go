package clock

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var start = time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)

// recorder logs "name@offset" for each callback it makes, the offset being
// the clock's Now() since start.
type recorder struct {
	c   Clock
	mu  sync.Mutex
	log []string
}

func newRecorder(c Clock) *recorder { return &recorder{c: c} }

func (r *recorder) add(name string) {
	at := r.c.Now().Sub(start)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, fmt.Sprintf("%s@%v", name, at))
}

func (r *recorder) fn(name string) func() { return func() { r.add(name) } }

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	log := r.log
	r.log = nil
	return log
}

// within runs f on another goroutine and fails the test if it does not
// return within a second, so that a deadlock fails instead of hanging.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case p := <-done:
		require.Nil(t, p, "panicked")
	case <-time.After(time.Second):
		require.FailNow(t, "deadlock: call did not return within a second")
	}
}

func TestNewManualReadsStart(t *testing.T) {
	zone := time.FixedZone("UTC+2", 2*60*60)
	wall := time.Now().In(zone) // carries a monotonic reading
	m := NewManual(wall)

	got := m.Now()
	assert.True(t, got.Equal(wall))
	assert.Equal(t, zone, got.Location())
	assert.NotContains(t, got.String(), "m=", "monotonic reading not stripped")
}

func TestTimeStandsStillUntilMoved(t *testing.T) {
	m := NewManual(start)
	m.AfterFunc(time.Second, func() { t.Error("fired without a move") })
	time.Sleep(5 * time.Millisecond)
	assert.Equal(t, start, m.Now())
	assert.Equal(t, 1, m.Pending())
}

func TestZeroManualIsUsable(t *testing.T) {
	var m Manual
	fired := 0
	m.AfterFunc(time.Minute, func() { fired++ })
	m.Advance(time.Minute)
	assert.Equal(t, 1, fired)
	assert.Equal(t, time.Time{}.Add(time.Minute), m.Now())
}

func TestAdvanceFiresInDeadlineOrderTiesInSchedulingOrder(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(30*time.Second, r.fn("c"))
	m.AfterFunc(10*time.Second, r.fn("a1"))
	m.AfterFunc(20*time.Second, r.fn("b"))
	m.AfterFunc(10*time.Second, r.fn("a2"))
	m.AfterFunc(60*time.Second, r.fn("late"))
	m.AfterFunc(10*time.Second, r.fn("a3"))

	m.Advance(50 * time.Second)

	assert.Equal(t, []string{"a1@10s", "a2@10s", "a3@10s", "b@20s", "c@30s"}, r.take())
	assert.Equal(t, start.Add(50*time.Second), m.Now())
	assert.Equal(t, 1, m.Pending())
}

func TestAdvanceIncludesItsEndInstant(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(time.Second, r.fn("on"))
	m.AfterFunc(time.Second+time.Nanosecond, r.fn("after"))

	m.Advance(time.Second)
	assert.Equal(t, []string{"on@1s"}, r.take())

	m.Advance(time.Nanosecond)
	assert.Equal(t, []string{"after@1.000000001s"}, r.take())
}

func TestNonPositiveDurationIsDueNowAndFiresOnNextMove(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(0, r.fn("zero"))
	m.AfterFunc(-time.Hour, r.fn("negative"))
	m.AfterFunc(time.Nanosecond, r.fn("later"))

	assert.Empty(t, r.take(), "AfterFunc must not fire by itself")
	next, ok := m.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, start, next)

	m.Advance(0)
	assert.Equal(t, []string{"zero@0s", "negative@0s"}, r.take())
	assert.Equal(t, start, m.Now())
	assert.Equal(t, 1, m.Pending())
}

func TestChainedTickerFiresSixTimesInAMinute(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	ticks := 0
	var tick func()
	tick = func() {
		r.add("tick")
		if ticks++; ticks < 100 { // a broken clock must fail, not hang
			m.AfterFunc(10*time.Second, tick)
		}
	}
	m.AfterFunc(10*time.Second, tick)

	m.Advance(time.Minute)

	assert.Equal(t, []string{"tick@10s", "tick@20s", "tick@30s", "tick@40s", "tick@50s", "tick@1m0s"}, r.take())
	next, ok := m.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, start.Add(70*time.Second), next)
	assert.Equal(t, 1, m.Pending())
}

func TestTickerBuiltOnResetFiresSixTimesInAMinute(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	ticks := 0
	var timer Timer
	timer = m.AfterFunc(10*time.Second, func() {
		r.add("tick")
		if ticks++; ticks < 100 { // a broken clock must fail, not hang
			assert.False(t, timer.Reset(10*time.Second), "Reset inside its own callback: timer has fired")
		}
	})

	m.Advance(time.Minute)

	assert.Equal(t, []string{"tick@10s", "tick@20s", "tick@30s", "tick@40s", "tick@50s", "tick@1m0s"}, r.take())
	assert.Equal(t, 1, m.Pending())
}

func TestCallbackSchedulingRespectsOrder(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(10*time.Second, func() {
		r.add("a")
		m.AfterFunc(0, r.fn("a-now"))
		m.AfterFunc(5*time.Second, r.fn("a+5"))
		m.AfterFunc(time.Hour, r.fn("a+1h"))
	})
	m.AfterFunc(10*time.Second, r.fn("b"))
	m.AfterFunc(15*time.Second, r.fn("c"))

	m.Advance(20 * time.Second)

	assert.Equal(t, []string{"a@10s", "b@10s", "a-now@10s", "c@15s", "a+5@15s"}, r.take())
	assert.Equal(t, 1, m.Pending())
}

func TestStop(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	stopped := m.AfterFunc(time.Second, r.fn("stopped"))
	kept := m.AfterFunc(time.Second, r.fn("kept"))

	assert.True(t, stopped.Stop(), "pending timer")
	assert.False(t, stopped.Stop(), "already stopped")
	assert.Equal(t, 1, m.Pending())

	m.Advance(time.Hour)
	assert.Equal(t, []string{"kept@1s"}, r.take())
	assert.False(t, kept.Stop(), "already fired")
	assert.Equal(t, 0, m.Pending())
}

func TestStopFromEarlierCallbackAtSameInstant(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	var second Timer
	m.AfterFunc(time.Second, func() {
		r.add("first")
		assert.True(t, second.Stop())
	})
	second = m.AfterFunc(time.Second, r.fn("second"))

	m.Advance(time.Second)

	assert.Equal(t, []string{"first@1s"}, r.take())
	assert.Equal(t, 0, m.Pending())
}

func TestResetPendingTimer(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	later := m.AfterFunc(10*time.Second, r.fn("later"))
	sooner := m.AfterFunc(10*time.Second, r.fn("sooner"))

	assert.True(t, later.Reset(30*time.Second))
	assert.True(t, sooner.Reset(5*time.Second))
	assert.Equal(t, 2, m.Pending())

	m.Advance(time.Minute)
	assert.Equal(t, []string{"sooner@5s", "later@30s"}, r.take())
}

func TestResetRearmsFromNow(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	fired := m.AfterFunc(time.Second, r.fn("fired"))
	stopped := m.AfterFunc(time.Second, r.fn("stopped"))
	require.True(t, stopped.Stop())
	m.Advance(10 * time.Second)
	require.Equal(t, []string{"fired@1s"}, r.take())

	assert.False(t, fired.Reset(2*time.Second), "fired timer was not pending")
	assert.False(t, stopped.Reset(time.Second), "stopped timer was not pending")
	assert.Equal(t, 2, m.Pending())

	m.Advance(10 * time.Second)
	assert.Equal(t, []string{"stopped@11s", "fired@12s"}, r.take())
}

func TestResetGoesBehindTimersAlreadyScheduledForTheSameInstant(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	first := m.AfterFunc(time.Second, r.fn("first"))
	m.AfterFunc(time.Second, r.fn("second"))
	require.True(t, first.Reset(time.Second))

	m.Advance(time.Second)

	assert.Equal(t, []string{"second@1s", "first@1s"}, r.take())
}

func TestSet(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(time.Hour, r.fn("hour"))
	m.AfterFunc(3*time.Hour, r.fn("three"))

	target := start.Add(2 * time.Hour).In(time.FixedZone("X", 3600))
	m.Set(target)
	assert.Equal(t, []string{"hour@1h0m0s"}, r.take())
	assert.Equal(t, target, m.Now(), "Now reads exactly the time set")

	m.AfterFunc(0, r.fn("due"))
	m.Set(m.Now())
	assert.Equal(t, []string{"due@2h0m0s"}, r.take(), "Set to Now fires due timers")
	assert.Equal(t, 1, m.Pending())
}

func TestSetStripsMonotonicReading(t *testing.T) {
	m := NewManual(time.Now().Add(-time.Second))
	m.Set(time.Now())
	assert.NotContains(t, m.Now().String(), "m=")
}

func TestMovingBackPanics(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(0, r.fn("due"))

	assert.PanicsWithValue(t,
		"clock: Manual.Advance(-1s): negative duration; a manual clock never goes back",
		func() { m.Advance(-time.Second) })
	assert.PanicsWithValue(t,
		"clock: Manual.Set(2024-03-01 08:59:59 +0000 UTC): before Now() 2024-03-01 09:00:00 +0000 UTC; a manual clock never goes back",
		func() { m.Set(start.Add(-time.Second)) })

	assert.Equal(t, start, m.Now())
	assert.Empty(t, r.take(), "a refused move fires nothing")
	within(t, func() { m.Advance(time.Second) }) // the refused Set released the clock
	assert.Equal(t, []string{"due@0s"}, r.take())
}

func TestAfterFuncNilPanics(t *testing.T) {
	m := NewManual(start)
	assert.PanicsWithValue(t, "clock: Manual.AfterFunc with nil func", func() { m.AfterFunc(time.Second, nil) })
	assert.Equal(t, 0, m.Pending())
}

func TestPendingAndNextDeadline(t *testing.T) {
	m := NewManual(start)
	_, ok := m.NextDeadline()
	assert.False(t, ok)
	assert.Equal(t, 0, m.Pending())

	a := m.AfterFunc(5*time.Second, func() {})
	m.AfterFunc(9*time.Second, func() {})
	m.AfterFunc(7*time.Second, func() {})
	assert.Equal(t, 3, m.Pending())
	next, ok := m.NextDeadline()
	assert.True(t, ok)
	assert.Equal(t, start.Add(5*time.Second), next)

	a.Stop()
	next, _ = m.NextDeadline()
	assert.Equal(t, start.Add(7*time.Second), next)

	m.Advance(8 * time.Second)
	next, _ = m.NextDeadline()
	assert.Equal(t, start.Add(9*time.Second), next)
	assert.Equal(t, 1, m.Pending())

	m.Advance(time.Second)
	_, ok = m.NextDeadline()
	assert.False(t, ok)
	assert.Equal(t, 0, m.Pending())
}

func TestAdvanceToNext(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	assert.False(t, m.AdvanceToNext(), "nothing pending")
	assert.Equal(t, start, m.Now())

	m.AfterFunc(9*time.Second, r.fn("c"))
	m.AfterFunc(5*time.Second, func() {
		r.add("a")
		m.AfterFunc(0, r.fn("a-now"))
	})
	m.AfterFunc(5*time.Second, r.fn("b"))

	assert.True(t, m.AdvanceToNext())
	assert.Equal(t, []string{"a@5s", "b@5s", "a-now@5s"}, r.take())
	assert.Equal(t, start.Add(5*time.Second), m.Now())

	m.AfterFunc(0, r.fn("due"))
	assert.True(t, m.AdvanceToNext())
	assert.Equal(t, []string{"due@5s"}, r.take(), "a due timer fires without the clock moving")
	assert.Equal(t, start.Add(5*time.Second), m.Now())

	assert.True(t, m.AdvanceToNext())
	assert.Equal(t, []string{"c@9s"}, r.take())
	assert.False(t, m.AdvanceToNext())
	assert.Equal(t, start.Add(9*time.Second), m.Now())
}

func TestCallbackMayUseTheClock(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	other := m.AfterFunc(time.Hour, r.fn("other"))
	m.AfterFunc(time.Second, func() {
		assert.Equal(t, start.Add(time.Second), m.Now())
		assert.Equal(t, 1, m.Pending())
		next, ok := m.NextDeadline()
		assert.True(t, ok)
		assert.Equal(t, start.Add(time.Hour), next)
		assert.True(t, other.Reset(time.Second))
		assert.True(t, other.Stop())
		m.AfterFunc(time.Second, r.fn("new"))
	})

	within(t, func() { m.Advance(time.Minute) })

	assert.Equal(t, []string{"new@2s"}, r.take())
	assert.Equal(t, 0, m.Pending())
}

func TestCallbackPanicPropagatesAndLeavesClockUsable(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(time.Second, func() {
		m.Advance(time.Hour) // joins; the panic drops the raised target
		panic("boom")
	})
	m.AfterFunc(2*time.Second, r.fn("after"))
	m.AfterFunc(30*time.Minute, r.fn("joined"))

	assert.PanicsWithValue(t, "boom", func() { m.Advance(time.Minute) })
	assert.Equal(t, start.Add(time.Second), m.Now())
	assert.Equal(t, 2, m.Pending())
	assert.Empty(t, r.take())

	within(t, func() { m.Advance(time.Minute) }) // from another goroutine
	assert.Equal(t, []string{"after@2s"}, r.take(), "the next move runs by itself, to its own target")
	assert.Equal(t, start.Add(61*time.Second), m.Now())
	assert.Equal(t, 1, m.Pending())
}

func TestConcurrentScheduling(t *testing.T) {
	const goroutines, perGoroutine = 8, 150
	m := NewManual(start)
	counts := make([]atomic.Int32, goroutines*perGoroutine)
	want := make([]int32, len(counts)) // each goroutine writes its own ids

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perGoroutine {
				id := g*perGoroutine + i
				d := time.Duration(id%40) * time.Millisecond
				tm := m.AfterFunc(d, func() { counts[id].Add(1) })
				// Each arming fires once unless a Stop that reports
				// true cancels it; a Reset that reports false re-arms.
				want[id] = 1
				if id%3 == 0 && tm.Stop() {
					want[id]--
				}
				if id%5 == 0 && !tm.Reset(d) {
					want[id]++
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 40 {
			m.Advance(time.Millisecond)
			runtime.Gosched()
		}
	}()
	wg.Wait()
	m.Advance(time.Second)

	assert.Equal(t, 0, m.Pending())
	for id := range counts {
		assert.Equal(t, want[id], counts[id].Load(), "timer %d", id)
	}
}

// A move that fires one timer: the timer is re-armed each time, so that
// the numbers are those of the move alone.
func BenchmarkManualAdvance(b *testing.B) {
	m := NewManual(start)
	fired := 0
	tm := m.AfterFunc(time.Second, func() { fired++ })
	b.ReportAllocs()
	for b.Loop() {
		tm.Reset(time.Second)
		m.Advance(time.Second)
	}
	if fired != b.N {
		b.Fatalf("fired %d times in %d moves", fired, b.N)
	}
}
