package clock

import (
	"slices"
	"time"
)

// refClock is a slow and obviously correct model of Manual, for the
// property tests to check it against. It keeps every timer it ever made and,
// to find the next one to fire, sorts the pending ones by deadline and then
// by when they were scheduled. It is not safe for concurrent use and does
// not support moves from inside callbacks.
type refClock struct {
	now    time.Time
	seq    int
	timers []*refTimer
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
// by target, then sets the clock to target.
func (c *refClock) moveTo(target time.Time) {
	for {
		q := c.queue()
		if len(q) == 0 || q[0].when.After(target) {
			break
		}
		q[0].pending = false
		c.now = q[0].when
		q[0].f()
	}
	c.now = target
}

func (c *refClock) pending() int { return len(c.queue()) }

func (c *refClock) nextDeadline() (time.Time, bool) {
	if q := c.queue(); len(q) > 0 {
		return q[0].when, true
	}
	return time.Time{}, false
}
