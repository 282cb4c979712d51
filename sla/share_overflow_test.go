package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

// A share of a long target in plain time is computed without overflow: 100
// times a 1100-day target is about 301 years away, not at arrival.
func TestShareOfLongTargetDoesNotOverflow(t *testing.T) {
	received := at("2026-03-09 09:00")
	inq := sla.Inquiry{Channel: sla.Email, Received: received}
	for _, tt := range []struct {
		within string
		share  string
	}{
		{"P1100D", "10000%"},
		{"P3660DT87840H", "10000%"}, // the longest target, 20 years in plain time
		{"P3660DT87840H", "5000.01%"},
	} {
		ps := sla.MustNewPolicySet(nil, sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
			sla.Resolution: {Within: sla.MustParseDuration(tt.within), Escalation: []sla.Level{{Name: "late", At: sla.MustParseTrigger(tt.share)}}},
		}})
		for _, now := range []time.Time{received, received.AddDate(290, 0, 0)} {
			st := evaluate(t, ps, inq, nil, now)
			assert.Empty(t, obligation(t, st, "resolution").Escalations, "%s of %s at %v", tt.share, tt.within, now)
			assert.True(t, st.Next.After(now), "%s of %s: Next %v", tt.share, tt.within, st.Next)
		}
	}
	// Below the overflow, the share is exact: 150% of 1100 days.
	ps := sla.MustNewPolicySet(nil, sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
		sla.Resolution: {Within: sla.MustParseDuration("P1100D"), Escalation: []sla.Level{{Name: "late", At: sla.MustParseTrigger("150%")}}},
	}})
	st := evaluate(t, ps, inq, nil, received.Add(1650*24*time.Hour))
	require.Len(t, obligation(t, st, "resolution").Escalations, 1)
	assert.True(t, obligation(t, st, "resolution").Escalations[0].At.Equal(received.Add(1650*24*time.Hour)))
}
