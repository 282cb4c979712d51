package clock

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Durations in the properties are multiples of a quantum, so that deadlines
// often tie with each other and with the ends of moves.
const quantum = 250 * time.Millisecond

func quanta(lo, hi int) *rapid.Generator[time.Duration] {
	return rapid.Map(rapid.IntRange(lo, hi), func(n int) time.Duration { return time.Duration(n) * quantum })
}

// What a timer's callback does, beyond logging its firing.
const (
	actNone = iota
	actStop
	actReset
	actAdvance
	actSet
	actAdvanceToNext
)

// timerSpec describes a timer and its callback: on its first firing the
// callback stops or resets the timer at index Target (which may be itself),
// or moves the clock, which joins the move running the callback: by
// Advance(MoveBy), Set(Now()+MoveBy) or AdvanceToNext. On each of its first
// Repeats firings it schedules itself again Period later, like a ticker.
// The number of firings is therefore finite.
type timerSpec struct {
	Delay   time.Duration
	Period  time.Duration
	Repeats int
	Action  int
	Target  int
	ResetBy time.Duration
	MoveBy  time.Duration
}

func drawTimerSpec(t *rapid.T, label string) timerSpec {
	return timerSpec{
		Delay:   quanta(-8, 160).Draw(t, label+".delay"),
		Period:  quanta(0, 60).Draw(t, label+".period"),
		Repeats: rapid.IntRange(0, 4).Draw(t, label+".repeats"),
		Action:  rapid.IntRange(actNone, actAdvanceToNext).Draw(t, label+".action"),
		Target:  rapid.IntRange(0, 15).Draw(t, label+".target"),
		ResetBy: quanta(-4, 80).Draw(t, label+".resetBy"),
		MoveBy:  quanta(0, 120).Draw(t, label+".moveBy"),
	}
}

// movingClock is a clock that can be moved: Manual, and the reference.
type movingClock interface {
	Clock
	Advance(d time.Duration)
	Set(t time.Time)
	AdvanceToNext() bool
}

// timers holds the timers of one run of a property on one clock, and the
// log of everything they did: firings with Now() as an offset from start,
// what their Stop, Reset and AdvanceToNext calls reported, and Now() after
// each move they made.
type timers struct {
	c       movingClock
	handles []Timer
	log     []string
}

func (ts *timers) logf(format string, args ...any) {
	ts.log = append(ts.log, fmt.Sprintf(format, args...))
}

// arm schedules the timer that s describes under the given label.
func (ts *timers) arm(label string, s timerSpec) {
	fired := 0
	var f func()
	f = func() {
		n := fired
		fired++
		ts.logf("%s#%d@%v", label, n, ts.c.Now().Sub(start))
		if n == 0 {
			ts.act(label, s)
		}
		if n < s.Repeats {
			ts.c.AfterFunc(s.Period, f)
		}
	}
	ts.handles = append(ts.handles, ts.c.AfterFunc(s.Delay, f))
}

// act does what s says a callback does on its first firing.
func (ts *timers) act(label string, s timerSpec) {
	now := func() time.Duration { return ts.c.Now().Sub(start) }
	switch {
	case s.Action == actStop && s.Target < len(ts.handles):
		ts.logf("%s stops %d: %v", label, s.Target, ts.handles[s.Target].Stop())
	case s.Action == actReset && s.Target < len(ts.handles):
		ts.logf("%s resets %d by %v: %v", label, s.Target, s.ResetBy, ts.handles[s.Target].Reset(s.ResetBy))
	case s.Action == actAdvance:
		ts.c.Advance(s.MoveBy)
		ts.logf("%s advances by %v: now %v", label, s.MoveBy, now())
	case s.Action == actSet:
		ts.c.Set(ts.c.Now().Add(s.MoveBy))
		ts.logf("%s sets now+%v: now %v", label, s.MoveBy, now())
	case s.Action == actAdvanceToNext:
		ok := ts.c.AdvanceToNext()
		ts.logf("%s advances to next: %v, now %v", label, ok, now())
	}
}

// scenario is a set of timers, some of them stopped or reset before the
// clock first moves.
type scenario struct {
	specs  []timerSpec
	stops  []int
	resets map[int]time.Duration
}

func drawScenario(t *rapid.T) scenario {
	n := rapid.IntRange(0, 12).Draw(t, "timers")
	sc := scenario{resets: map[int]time.Duration{}}
	for i := range n {
		sc.specs = append(sc.specs, drawTimerSpec(t, fmt.Sprint("t", i)))
	}
	if n > 0 {
		sc.stops = rapid.SliceOfN(rapid.IntRange(0, n-1), 0, 3).Draw(t, "stops")
		sc.resets = rapid.MapOfN(rapid.IntRange(0, n-1), quanta(-4, 160), 0, 3).Draw(t, "resets")
	}
	return sc
}

func (sc scenario) install(c movingClock) *timers {
	ts := &timers{c: c}
	for i, s := range sc.specs {
		ts.arm(fmt.Sprint("t", i), s)
	}
	for _, i := range sc.stops {
		ts.logf("stop %d: %v", i, ts.handles[i].Stop())
	}
	for _, i := range slices.Sorted(maps.Keys(sc.resets)) {
		ts.logf("reset %d by %v: %v", i, sc.resets[i], ts.handles[i].Reset(sc.resets[i]))
	}
	return ts
}

// state is what a clock shows from outside.
type state struct {
	Now      time.Time
	Pending  int
	Next     time.Time
	HaveNext bool
}

func manualState(m *Manual) state {
	next, ok := m.NextDeadline()
	return state{m.Now(), m.Pending(), next, ok}
}

func refState(c *refClock) state {
	next, ok := c.nextDeadline()
	return state{c.now, c.pending(), next, ok}
}

// For any set of timers, whose callbacks may move the clock, and any split
// of an advance into steps (Advance, Set, or AdvanceToNext while the next
// deadline is within the step; a step the callbacks have already moved the
// clock past moves it by nothing), the timers fire in the same order at the
// same instants as in one Advance, and both agree with the reference model.
func TestPropertySplitMovesMatchOneAdvance(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := drawScenario(t)
		total := quanta(0, 240).Draw(t, "total")
		cuts := rapid.SliceOfN(rapid.Map(rapid.Int64Range(0, int64(total)),
			func(n int64) time.Duration { return time.Duration(n) }), 0, 8).Draw(t, "cuts")
		slices.Sort(cuts)
		cuts = append(cuts, total)
		kinds := rapid.SliceOfN(rapid.IntRange(0, 2), len(cuts), len(cuts)).Draw(t, "kinds")

		ref := &refClock{now: start}
		refTimers := sc.install(ref)
		ref.Advance(total)

		one := NewManual(start)
		oneTimers := sc.install(one)
		one.Advance(total)

		split := NewManual(start)
		splitTimers := sc.install(split)
		// to is the end of a step, or Now if the clock is past it.
		to := func(cut time.Duration) time.Time { return latest(start.Add(cut), split.Now()) }
		for i, cut := range cuts {
			switch kinds[i] {
			case 0:
				split.Advance(to(cut).Sub(split.Now()))
			case 1:
				split.Set(to(cut))
			case 2:
				// Scenarios fire at most a few hundred times in all.
				for n := 0; ; n++ {
					next, ok := split.NextDeadline()
					if !ok || next.After(to(cut)) {
						break
					}
					require.Less(t, n, 1000, "AdvanceToNext makes no progress")
					require.True(t, split.AdvanceToNext())
				}
				split.Set(to(cut))
			}
		}

		require.Equal(t, refTimers.log, oneTimers.log, "one Advance vs reference")
		require.Equal(t, oneTimers.log, splitTimers.log, "split moves vs one Advance")
		require.Equal(t, refState(ref), manualState(one))
		require.Equal(t, refState(ref), manualState(split))
	})
}

// Any sequence of operations on a Manual gives the same firings, results
// and state as on the reference model.
func TestPropertyManualMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := NewManual(start)
		ref := &refClock{now: start}
		mTimers, refTimers := &timers{c: m}, &timers{c: ref}
		armed := 0
		pick := func(t *rapid.T) (Timer, Timer, int) {
			i := rapid.IntRange(0, len(mTimers.handles)-1).Draw(t, "timer")
			return mTimers.handles[i], refTimers.handles[i], i
		}

		t.Repeat(map[string]func(*rapid.T){
			"AfterFunc": func(t *rapid.T) {
				s := drawTimerSpec(t, "spec")
				label := fmt.Sprint("t", armed)
				armed++
				mTimers.arm(label, s)
				refTimers.arm(label, s)
			},
			"Stop": func(t *rapid.T) {
				if armed == 0 {
					t.Skip("no timers")
				}
				mt, rt, i := pick(t)
				require.Equal(t, rt.Stop(), mt.Stop(), "Stop of t%d", i)
			},
			"Reset": func(t *rapid.T) {
				if armed == 0 {
					t.Skip("no timers")
				}
				mt, rt, i := pick(t)
				d := quanta(-4, 80).Draw(t, "d")
				require.Equal(t, rt.Reset(d), mt.Reset(d), "Reset of t%d", i)
			},
			"Advance": func(t *rapid.T) {
				d := quanta(0, 80).Draw(t, "d")
				m.Advance(d)
				ref.Advance(d)
			},
			"Set": func(t *rapid.T) {
				to := m.Now().Add(quanta(0, 80).Draw(t, "d"))
				m.Set(to)
				ref.Set(to)
			},
			"AdvanceToNext": func(t *rapid.T) {
				require.Equal(t, ref.AdvanceToNext(), m.AdvanceToNext())
			},
			"": func(t *rapid.T) {
				require.Equal(t, refTimers.log, mTimers.log)
				require.Equal(t, refState(ref), manualState(m))
			},
		})
	})
}
