package clock

import (
	"slices"
	"time"
)

// refClock is a slow and obviously correct model of Manual, for the
// property tests to check it against. It keeps every timer it ever made and,
// to find the next one to fire, sorts the pending ones by deadline and then
// by when they were scheduled. It is not safe for concurrent use. A move
// made from a callback joins the move that runs it, as the documentation
// of Manual says: it only raises the running move's target.
type refClock struct {
	now    time.Time
	seq    int
	timers []*refTimer

	inMove bool      // a move is firing timers
	until  time.Time // how far it goes: the latest target asked of it
}

type refTimer struct {
	c       *refClock
	f       func()
	when    time.Time
	seq     int
	pending bool
}

func (c *refClock) Now() time.Time { return c.now }

func (c *refClock) AfterFunc(d time.Duration, f func()) Timer {
	t := &refTimer{c: c, f: f}
	c.timers = append(c.timers, t)
	t.Reset(d)
	return t
}

func (t *refTimer) Stop() bool {
	was := t.pending
	t.pending = false
	return was
}

func (t *refTimer) Reset(d time.Duration) bool {
	was := t.pending
	t.c.seq++
	t.seq = t.c.seq
	t.when = t.c.now.Add(max(d, 0))
	t.pending = true
	return was
}

// queue returns the pending timers in the order they would fire.
func (c *refClock) queue() []*refTimer {
	var q []*refTimer
	for _, t := range c.timers {
		if t.pending {
			q = append(q, t)
		}
	}
	slices.SortFunc(q, func(a, b *refTimer) int {
		if c := a.when.Compare(b.when); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	return q
}

// moveTo fires, one by one, the first timer of the queue while it is due
// by the latest target asked of the move, then sets the clock to that
// target. Called during a move, it asks that move to go on to target if
// that is later, and returns.
func (c *refClock) moveTo(target time.Time) {
	if c.inMove {
		c.until = latest(c.until, target)
		return
	}
	c.inMove, c.until = true, target
	for {
		q := c.queue()
		if len(q) == 0 || q[0].when.After(c.until) {
			break
		}
		q[0].pending = false
		c.now = q[0].when
		q[0].f()
	}
	c.now = c.until
	c.inMove = false
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// The moves of Manual. The scenarios never move the clock back.

func (c *refClock) Advance(d time.Duration) { c.moveTo(c.now.Add(d)) }

func (c *refClock) Set(t time.Time) { c.moveTo(t) }

func (c *refClock) AdvanceToNext() bool {
	next, ok := c.nextDeadline()
	if ok {
		c.moveTo(next)
	}
	return ok
}

func (c *refClock) pending() int { return len(c.queue()) }

func (c *refClock) nextDeadline() (time.Time, bool) {
	if q := c.queue(); len(q) > 0 {
		return q[0].when, true
	}
	return time.Time{}, false
}
