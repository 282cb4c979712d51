package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// nyc, at and policies are the shared fixture's; see package fixture.
var (
	nyc      = fixture.NYC
	at       = fixture.At
	policies = fixture.Policies
)

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
	require.True(t, ok, "no obligation %s in %v", k, keys(st))
	return o
}

func keys(st sla.Status) []string {
	var ks []string
	for _, o := range st.Obligations {
		ks = append(ks, o.Key.String())
	}
	return ks
}

// fired lists the escalations of o as "level@15:04".
func fired(o sla.Obligation) []string {
	var out []string
	for _, e := range o.Escalations {
		out = append(out, e.Level+"@"+e.At.In(nyc).Format("Mon 15:04"))
	}
	return out
}
