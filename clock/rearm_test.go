package clock

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A callback that re-arms with a delay <= 0 fires again at the same
// instant within the same move, however often it does so.
func TestZeroDelayRearmFiresAgainWithinTheMove(t *testing.T) {
	m := NewManual(start)
	var at []time.Duration
	var f func()
	f = func() {
		at = append(at, m.Now().Sub(start))
		if len(at) < 100 {
			m.AfterFunc(0, f)
		}
	}
	m.AfterFunc(time.Minute, f)
	within(t, func() { m.Advance(time.Hour) })
	require.Len(t, at, 100)
	for _, d := range at {
		assert.Equal(t, time.Minute, d)
	}
	assert.Equal(t, start.Add(time.Hour), m.Now())
	assert.Zero(t, m.Pending())
}

// A callback that keeps re-arming its timer with Reset(0) holds the move
// at its instant, as documented: Advance does not return and the clock
// does not pass that instant until the callback stops re-arming.
func TestZeroDelayRearmHoldsTheMoveAtItsInstant(t *testing.T) {
	m := NewManual(start)
	var fired atomic.Int64
	var stop atomic.Bool
	var tm Timer
	tm = m.AfterFunc(time.Minute, func() {
		fired.Add(1)
		if !stop.Load() {
			tm.Reset(0)
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Advance(time.Hour)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for fired.Load() < 10000 {
		require.True(t, time.Now().Before(deadline), "the callback fired only %d times", fired.Load())
		runtime.Gosched()
	}
	select {
	case <-done:
		t.Fatal("Advance returned while the callback kept re-arming at the same instant")
	default:
	}
	assert.Equal(t, start.Add(time.Minute), m.Now(), "the clock passed the instant its timer keeps falling due at")

	stop.Store(true)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Advance did not return once the callback stopped re-arming")
	}
	assert.Equal(t, start.Add(time.Hour), m.Now())
	assert.Zero(t, m.Pending())
}

// While a callback holds its move at an instant, a move by another
// goroutine joins the held move and returns; the clock still does not pass
// the instant, and once the callback stops re-arming the held move goes on
// to the raised target.
func TestMoveJoinsAMoveHeldAtAnInstant(t *testing.T) {
	m := NewManual(start)
	var fired atomic.Int64
	var stop atomic.Bool
	var tm Timer
	tm = m.AfterFunc(time.Minute, func() {
		fired.Add(1)
		if !stop.Load() {
			tm.Reset(0)
		}
	})
	var laterAt atomic.Int64 // offset of Now when the later timer fires, 0 if it has not
	m.AfterFunc(time.Hour, func() { laterAt.Store(int64(m.Now().Sub(start))) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Advance(time.Minute)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for fired.Load() < 100 {
		require.True(t, time.Now().Before(deadline), "the callback fired only %d times", fired.Load())
		runtime.Gosched()
	}

	within(t, func() { m.Advance(2 * time.Hour) })
	assert.Equal(t, start.Add(time.Minute), m.Now(), "the joining move moved the clock")
	assert.Zero(t, laterAt.Load(), "the joining move fired a timer")
	select {
	case <-done:
		t.Fatal("the held move returned while the callback kept re-arming")
	default:
	}

	stop.Store(true)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the held move did not return once the callback stopped re-arming")
	}
	assert.Equal(t, time.Hour, time.Duration(laterAt.Load()), "the held move fires what is due by the raised target")
	assert.Equal(t, start.Add(2*time.Hour+time.Minute), m.Now())
	assert.Zero(t, m.Pending())
}
