package sla

import (
	"time"

	"github.com/replyby/replyby/calendar"
)

// between returns the business time in [a, b) in cal, or plain time if
// cal is nil; negative when b is before a.
func between(cal *calendar.Calendar, a, b time.Time) time.Duration {
	if cal == nil {
		return b.Sub(a)
	}
	return cal.Between(a, b)
}

// add returns the instant at which a budget d of business time that starts
// at t runs out, in cal or plain time if cal is nil.
func add(cal *calendar.Calendar, t time.Time, d time.Duration) time.Time {
	if cal == nil {
		return t.Add(d)
	}
	return cal.Add(t, d)
}
