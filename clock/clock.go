package clock

import "time"

// Clock tells the time and runs functions later. Implementations are safe for
// concurrent use.
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
	// AfterFunc calls f once the duration d has elapsed, as
	// time.AfterFunc does, and returns a Timer that can cancel or
	// reschedule the call.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a scheduled call made by [Clock.AfterFunc]. *time.Timer
// implements it.
type Timer interface {
	// Stop prevents the call from happening. It reports whether the
	// timer was still pending: false means the call has already been
	// made (or started) or the timer was stopped before.
	Stop() bool
	// Reset schedules the call for d from the clock's current time,
	// replacing any earlier schedule. It reports whether the timer was
	// still pending; a timer that has fired or been stopped is re-armed.
	Reset(d time.Duration) bool
}

// System returns the real clock of package time: Now is time.Now and
// AfterFunc is time.AfterFunc, which runs f in its own goroutine.
func System() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
