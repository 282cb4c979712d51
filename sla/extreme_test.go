package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// Any inquiry, log and instant, however far from today or out of order:
// Evaluate returns a status or an error, never panics, and a status's Next
// is after now or zero.
func TestPropertyEvaluateNeverPanics(t *testing.T) {
	minSec := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxSec := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	instant := func(t *rapid.T, label string) time.Time {
		if rapid.Bool().Draw(t, label+".near") {
			return time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(-1e15, 1e15).Draw(t, label)))
		}
		return time.Unix(rapid.Int64Range(minSec, maxSec).Draw(t, label), 0)
	}
	var evaluated struct{ ok, errs int }
	defer func() { t.Logf("%d statuses, %d errors", evaluated.ok, evaluated.errs) }()
	rapid.Check(t, func(t *rapid.T) {
		ps := fixture.PolicySet(t)
		inq := fixture.Inquiry(t)
		inq.Received = instant(t, "received")
		// Mostly after arrival, at any distance (up to about 290 years), so
		// that most logs evaluate; sometimes anywhere at all.
		after := func(label string) time.Time {
			if rapid.IntRange(0, 9).Draw(t, label+".anywhere") == 0 {
				return instant(t, label)
			}
			return inq.Received.Add(time.Duration(rapid.Int64Range(0, 1<<63-1).Draw(t, label) >> rapid.UintRange(0, 62).Draw(t, label+".shift")))
		}
		var log []sla.Event
		for range rapid.IntRange(0, 8).Draw(t, "n") {
			types := fixture.EventTypes
			if rapid.IntRange(0, 19).Draw(t, "bogus") == 0 {
				types = []sla.EventType{"bogus"}
			}
			e := sla.Event{Time: after("at"), Type: rapid.SampledFrom(types).Draw(t, "type")}
			e.Channel = fixture.GenChannel.Draw(t, "ch")
			e.Due = after("due")
			log = append(log, e)
		}
		now := after("now")
		st, err := ps.Evaluate(inq, log, now)
		if err != nil {
			evaluated.errs++
			return
		}
		evaluated.ok++
		require.True(t, st.Next.IsZero() || st.Next.After(now), "Next %v not after now %v", st.Next, now)
	})
}
