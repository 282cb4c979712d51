package clock_test

import (
	"fmt"
	"time"

	"github.com/replyby/replyby/clock"
)

// Code under test takes a clock.Clock; the test hands it a manual clock
// and moves time itself.
func ExampleManual() {
	start := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	m := clock.NewManual(start)

	remind := func(c clock.Clock, after time.Duration, what string) clock.Timer {
		return c.AfterFunc(after, func() {
			fmt.Println(c.Now().Format("15:04"), what)
		})
	}
	remind(m, 2*time.Hour, "follow up")
	remind(m, 30*time.Minute, "acknowledge")
	cancelled := remind(m, time.Hour, "never said")
	cancelled.Stop()

	m.Advance(3 * time.Hour)
	fmt.Println("now", m.Now().Format("15:04"), "pending", m.Pending())
	// Output:
	// 09:30 acknowledge
	// 11:00 follow up
	// now 12:00 pending 0
}

// A ticker built by rescheduling from the callback fires once per period:
// each tick falls due within the same Advance and fires in it.
func ExampleManual_Advance() {
	start := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	m := clock.NewManual(start)

	var tick func()
	tick = func() {
		fmt.Println("tick at", m.Now().Sub(start))
		m.AfterFunc(10*time.Second, tick)
	}
	m.AfterFunc(10*time.Second, tick)

	m.Advance(time.Minute)
	next, _ := m.NextDeadline()
	fmt.Println("next at", next.Sub(start))
	// Output:
	// tick at 10s
	// tick at 20s
	// tick at 30s
	// tick at 40s
	// tick at 50s
	// tick at 1m0s
	// next at 1m10s
}

// A simulation jumps from one event to the next until nothing is left.
func ExampleManual_AdvanceToNext() {
	start := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	m := clock.NewManual(start)

	retries := 0
	var try func()
	try = func() {
		retries++
		fmt.Println(m.Now().Format("15:04:05"), "attempt", retries)
		if retries < 4 {
			m.AfterFunc(time.Duration(retries)*time.Minute, try) // back off
		}
	}
	m.AfterFunc(0, try)

	for m.AdvanceToNext() {
	}
	fmt.Println("done; pending:", m.Pending())
	// Output:
	// 09:00:00 attempt 1
	// 09:01:00 attempt 2
	// 09:03:00 attempt 3
	// 09:06:00 attempt 4
	// done; pending: 0
}

// A callback that moves the clock joins the move that runs it: the call
// returns at once, with Now still at the callback's deadline, and the
// running move goes on to the later target, firing what falls due on the
// way.
func ExampleManual_moveFromCallback() {
	start := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	m := clock.NewManual(start)

	m.AfterFunc(30*time.Minute, func() {
		fmt.Println(m.Now().Format("15:04"), "job starts; it takes 10 minutes")
		m.Advance(10 * time.Minute)
		fmt.Println(m.Now().Format("15:04"), "Advance returned")
	})
	m.AfterFunc(35*time.Minute, func() { fmt.Println(m.Now().Format("15:04"), "reminder") })

	m.Advance(31 * time.Minute)
	fmt.Println("now", m.Now().Format("15:04"))
	// Output:
	// 09:30 job starts; it takes 10 minutes
	// 09:30 Advance returned
	// 09:35 reminder
	// now 09:40
}

// Set moves the clock to an instant; the timers due by then fire on the
// way. A manual clock never goes back: Set to an earlier time panics.
func ExampleManual_Set() {
	start := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	m := clock.NewManual(start)
	m.AfterFunc(8*time.Hour, func() { fmt.Println("closing at", m.Now().Format("15:04")) })

	m.Set(time.Date(2024, time.March, 2, 0, 0, 0, 0, time.UTC))
	fmt.Println(m.Now().Format(time.DateTime))

	defer func() { fmt.Println(recover()) }()
	m.Set(start)
	// Output:
	// closing at 17:00
	// 2024-03-02 00:00:00
	// clock: Manual.Set(2024-03-01 09:00:00 +0000 UTC): before Now() 2024-03-02 00:00:00 +0000 UTC; a manual clock never goes back
}

// Stop and Reset report whether the timer was still pending, as they do
// for a *time.Timer.
func ExampleTimer() {
	m := clock.NewManual(time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC))
	t := m.AfterFunc(time.Minute, func() { fmt.Println("fired") })

	fmt.Println("reset while pending:", t.Reset(2*time.Minute))
	m.Advance(2 * time.Minute)
	fmt.Println("stop after firing:", t.Stop())
	fmt.Println("reset after firing:", t.Reset(time.Minute))
	fmt.Println("stop while pending:", t.Stop())
	m.Advance(time.Hour)
	fmt.Println("pending:", m.Pending())
	// Output:
	// reset while pending: true
	// fired
	// stop after firing: false
	// reset after firing: false
	// stop while pending: true
	// pending: 0
}
