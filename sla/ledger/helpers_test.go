package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
	"github.com/replyby/replyby/sla/ledger"
	"github.com/replyby/replyby/sla/monitor"
	"github.com/stretchr/testify/require"
)

// nyc, at and policies are the shared fixture's; see package fixture.
var (
	nyc      = fixture.NYC
	at       = fixture.At
	policies = fixture.Policies
)

// sweep sweeps l at now and records every alert as delivered at once, as
// a host that delivers synchronously does.
func sweep(l *ledger.Ledger, now time.Time) []monitor.Alert {
	alerts, _, err := l.Sweep(context.Background(), now)
	if err != nil {
		panic(err)
	}
	for _, a := range alerts {
		if err := l.Delivered(context.Background(), a); err != nil {
			panic(err)
		}
	}
	return alerts
}

// evaluate evaluates and requires no error.
func evaluate(t testing.TB, ps *sla.PolicySet, inq sla.Inquiry, events []sla.Event, now time.Time) sla.Status {
	t.Helper()
	st, err := ps.Evaluate(inq, events, now)
	require.NoError(t, err)
	return st
}

// obligation returns the obligation of st with key k, which must exist.
func obligation(t testing.TB, st sla.Status, k string) sla.Obligation {
	t.Helper()
	key, err := sla.ParseKey(k)
	require.NoError(t, err)
	o, ok := st.Obligation(key)
	require.True(t, ok, "no obligation %s", k)
	return o
}
