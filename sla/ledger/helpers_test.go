package ledger_test

import (
	"context"
	"time"

	"github.com/replyby/replyby/sla/internal/fixture"
	"github.com/replyby/replyby/sla/ledger"
	"github.com/replyby/replyby/sla/monitor"
)

// The shared fixture's helpers; see package fixture.
var (
	evaluate   = fixture.Evaluate
	obligation = fixture.Obligation
	nyc        = fixture.NYC
	at         = fixture.At
	policies   = fixture.Policies
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
