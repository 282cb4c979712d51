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

// Moves made while a move runs a callback, by the callback or by another
// goroutine, join the running move: see the documentation of Manual.

func TestAdvanceFromCallbackJoinsTheRunningMove(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(10*time.Second, func() {
		r.add("a")
		m.Advance(30 * time.Second) // to 40s, before the outer target
		r.add("a-returned")
		assert.Equal(t, 3, m.Pending(), "the joining move fired nothing")
	})
	m.AfterFunc(20*time.Second, r.fn("b"))
	m.AfterFunc(50*time.Second, r.fn("c"))
	m.AfterFunc(70*time.Second, r.fn("d"))

	within(t, func() { m.Advance(time.Minute) })

	assert.Equal(t, []string{"a@10s", "a-returned@10s", "b@20s", "c@50s"}, r.take(),
		"the nested Advance returns at once; the outer move fires the rest")
	assert.Equal(t, start.Add(time.Minute), m.Now(), "an earlier nested target does not lower the outer one")
	assert.Equal(t, 1, m.Pending())
}

func TestSetFromCallbackRaisesTheOuterTarget(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(10*time.Second, func() {
		m.Set(start.Add(time.Hour))
		r.add("set-returned")
	})
	m.AfterFunc(30*time.Minute, r.fn("inside"))
	m.AfterFunc(time.Hour, r.fn("at-target"))
	m.AfterFunc(time.Hour+time.Nanosecond, r.fn("beyond"))

	within(t, func() { m.Advance(time.Minute) })

	assert.Equal(t, []string{"set-returned@10s", "inside@30m0s", "at-target@1h0m0s"}, r.take(),
		"the outer move goes on to the raised target, including it")
	assert.Equal(t, start.Add(time.Hour), m.Now(), "the clock never goes back to the outer target")
	assert.Equal(t, 1, m.Pending())
}

func TestRefusedMovesFromCallbackPanic(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(10*time.Second, func() {
		assert.PanicsWithValue(t,
			"clock: Manual.Set(2024-03-01 09:00:09 +0000 UTC): before Now() 2024-03-01 09:00:10 +0000 UTC; a manual clock never goes back",
			func() { m.Set(start.Add(9 * time.Second)) },
			"Now is the callback's deadline, not the outer target")
		assert.PanicsWithValue(t,
			"clock: Manual.Advance(-1ns): negative duration; a manual clock never goes back",
			func() { m.Advance(-time.Nanosecond) })
		m.Set(start.Add(10 * time.Second)) // Now itself: joins and changes nothing
		r.add("a")
	})
	m.AfterFunc(20*time.Second, r.fn("b"))

	within(t, func() { m.Advance(30 * time.Second) })

	assert.Equal(t, []string{"a@10s", "b@20s"}, r.take())
	assert.Equal(t, start.Add(30*time.Second), m.Now())
}

func TestAdvanceToNextFromCallbackRaisesTheTargetToTheEarliestPendingDeadline(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	next := func(name string) func() {
		return func() {
			r.add(name)
			r.add(fmt.Sprintf("%s-next:%v", name, m.AdvanceToNext()))
		}
	}
	m.AfterFunc(10*time.Second, next("a")) // earliest pending: b at 20s, before the outer target
	m.AfterFunc(20*time.Second, r.fn("b"))
	m.AfterFunc(40*time.Second, next("e")) // earliest pending: c at 30m, past it
	m.AfterFunc(30*time.Minute, func() {
		m.AfterFunc(0, r.fn("c-now"))
		next("c")() // earliest pending: its own c-now, at Now
	})
	m.AfterFunc(2*time.Hour, r.fn("d"))

	within(t, func() { m.Advance(time.Minute) })

	assert.Equal(t, []string{
		"a@10s", "a-next:true@10s", "b@20s",
		"e@40s", "e-next:true@40s",
		"c@30m0s", "c-next:true@30m0s", "c-now@30m0s",
	}, r.take())
	assert.Equal(t, start.Add(30*time.Minute), m.Now())
	assert.Equal(t, 1, m.Pending())

	// With nothing pending it reports false and leaves the target alone.
	m = NewManual(start)
	r = newRecorder(m)
	m.AfterFunc(time.Second, next("only"))
	within(t, func() { assert.True(t, m.AdvanceToNext()) })
	assert.Equal(t, []string{"only@1s", "only-next:false@1s"}, r.take())
	assert.Equal(t, start.Add(time.Second), m.Now())
}

// A move by another goroutine while a callback runs does not wait for it:
// it raises the running move's target and returns, and the running move
// fires what falls due by that target before it returns.
func TestMoveByAnotherGoroutineDuringACallbackJoinsIt(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	entered, release := make(chan struct{}), make(chan struct{})
	m.AfterFunc(time.Second, func() {
		r.add("blocking")
		close(entered)
		<-release
	})
	m.AfterFunc(30*time.Second, r.fn("joined"))
	m.AfterFunc(90*time.Second, r.fn("beyond"))
	firstDone := make(chan struct{})
	go func() {
		defer close(firstDone)
		m.Advance(time.Second)
	}()
	select {
	case <-entered:
	case <-time.After(time.Second):
		t.Fatal("the first move did not start its callback")
	}

	within(t, func() { m.Advance(time.Minute) })

	assert.Equal(t, start.Add(time.Second), m.Now(), "Now inside the running callback")
	assert.Equal(t, []string{"blocking@1s"}, r.take(), "the joining move fired nothing")
	assert.Equal(t, 2, m.Pending())
	select {
	case <-firstDone:
		t.Fatal("the running move returned before its callback")
	default:
	}

	close(release)
	select {
	case <-firstDone:
	case <-time.After(time.Second):
		t.Fatal("the running move did not return")
	}
	assert.Equal(t, []string{"joined@30s"}, r.take(), "the running move fires what falls due by the raised target")
	assert.Equal(t, start.Add(61*time.Second), m.Now())
	assert.Equal(t, 1, m.Pending())
}

// A callback may wait for another goroutine that moves the clock: that
// move joins the running one instead of waiting for the callback.
func TestCallbackMayWaitForAnotherGoroutinesMove(t *testing.T) {
	m := NewManual(start)
	r := newRecorder(m)
	m.AfterFunc(time.Second, func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			m.Advance(time.Hour)
		}()
		<-done
		r.add("waited")
	})
	m.AfterFunc(30*time.Minute, r.fn("later"))

	within(t, func() { m.Advance(time.Second) })

	assert.Equal(t, []string{"waited@1s", "later@30m0s"}, r.take())
	assert.Equal(t, start.Add(time.Hour+time.Second), m.Now())
}

// Callbacks never overlap however many goroutines move the clock, some of
// the moves joining a running one, and the clock ends at the latest
// target: with a tick always due one second ahead, every move that runs
// fires the ticks up to its target and every move that joins raises the
// target by at most a second, so the ticks are the seconds 1 to N, each
// once, and the clock ends at N.
func TestConcurrentMovesNeverOverlapCallbacks(t *testing.T) {
	const goroutines, moves = 6, 25
	m := NewManual(start)
	var running, nested atomic.Int32
	var ticks []time.Duration // appended only by callbacks, which never overlap
	var tick func()
	tick = func() {
		if running.Add(1) != 1 {
			t.Error("callbacks overlap")
		}
		ticks = append(ticks, m.Now().Sub(start))
		runtime.Gosched()
		if len(ticks) < 1000 { // a broken clock must fail, not hang
			m.AfterFunc(time.Second, tick)
		}
		if len(ticks)%5 == 0 {
			nested.Add(1)
			m.Advance(time.Second) // joins the move running this callback
		}
		running.Add(-1)
	}
	m.AfterFunc(time.Second, tick)

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := m.Now()
			for i := range moves {
				if (g+i)%2 == 0 {
					m.Advance(time.Second)
				} else {
					m.AdvanceToNext()
				}
				now := m.Now()
				if now.Before(last) {
					t.Errorf("the clock went back from %v to %v", last, now)
				}
				last = now
			}
		}()
	}
	within(t, wg.Wait)

	n := len(ticks)
	require.Positive(t, n)
	assert.LessOrEqual(t, n, goroutines*moves+int(nested.Load()), "more ticks than targets")
	want := make([]time.Duration, n)
	for i := range want {
		want[i] = time.Duration(i+1) * time.Second
	}
	assert.Equal(t, want, ticks)
	assert.Equal(t, start.Add(time.Duration(n)*time.Second), m.Now())
	assert.Equal(t, 1, m.Pending())
}
