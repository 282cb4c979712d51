package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla/monitor"
)

// sweepUntilDone sweeps at now until no more is due, delivering each
// alert as the monitor does, and returns the alerts of each sweep.
func sweepUntilDone(t *testing.T, a *app, now time.Time) [][]monitor.Alert {
	t.Helper()
	var all [][]monitor.Alert
	for {
		alerts, more, err := a.Sweep(context.Background(), now)
		require.NoError(t, err)
		for _, al := range alerts {
			require.NoError(t, a.Delivered(context.Background(), al))
		}
		all = append(all, alerts)
		if !more {
			return all
		}
	}
}

// A sweep evaluates its batch while it loads the logs and writes back as
// rows finish, whatever mix of cached and stored logs the batch holds:
// every row due is evaluated once, every level recorded once, each
// sweep's alerts come in the order they fired, by inquiry at one instant,
// and every row moves on to its next check.
func TestSweepEvaluatesEachRowOnce(t *testing.T) {
	db, err := openSQLite(filepath.Join(t.TempDir(), "crm.db"), syncFull)
	require.NoError(t, err)
	// Two tenants, the second's inquiries half an hour later: their
	// levels fire half an hour apart, and a batch holds both.
	const n = 150
	late := 30 * time.Minute
	ids := map[string][]string{}
	for tenant, received := range map[string]time.Time{"acme": ny(23, 10, 0), "beta": ny(23, 10, 0).Add(late)} {
		ids[tenant] = seedDue(t, db, tenant, n, received, ny(23, 13, 0))
		addEvents(t, db, tenant, ids[tenant], received)
	}
	// A cache of half the rows: the second sweep finds some logs cached
	// and loads the others.
	a, err := newApp(db, config{batch: 200, cacheSize: n}, policies, clock.NewManual(ny(23, 9, 0)), nyc, log.New(io.Discard, "", 0), false)
	require.NoError(t, err)
	t.Cleanup(func() { a.close() })
	s := &server{app: a}

	for k, sweep := range []struct {
		now   time.Time
		level string
		at    time.Time // for acme; beta's are late
		next  time.Time // zero: none
	}{
		{ny(23, 13, 45), "warn", ny(23, 13, 0), ny(23, 14, 0)},
		{ny(23, 14, 45), "breach", ny(23, 14, 0), time.Time{}},
	} {
		if k > 0 {
			cached := 0
			for tenant, list := range ids {
				for _, id := range list {
					if _, ok := a.cache.get(tenant, id, 3); ok {
						cached++
					}
				}
			}
			require.True(t, cached > 0 && cached < 2*n, "sweep %d: %d of %d logs cached", k, cached, 2*n)
		}
		before := a.evaluations.Load()
		var got []string
		for _, alerts := range sweepUntilDone(t, a, sweep.now) {
			assert.True(t, slices.IsSortedFunc(alerts, alertOrder), "sweep %d: alerts out of order", k)
			for _, al := range alerts {
				assert.Equal(t, sweep.level, al.Level)
				want := sweep.at
				if strings.HasPrefix(al.InquiryID, "beta/") {
					want = want.Add(late)
				}
				assert.True(t, want.Equal(al.At), "%s fired at %v, want %v", al.InquiryID, al.At, want)
				got = append(got, al.InquiryID)
			}
		}
		slices.Sort(got)
		var want []string
		for _, tenant := range []string{"acme", "beta"} {
			for _, id := range ids[tenant] {
				want = append(want, tenant+"/"+id)
			}
		}
		assert.Equal(t, want, got, "sweep %d: one alert per inquiry", k)
		assert.Equal(t, int64(2*n), a.evaluations.Load()-before, "sweep %d: each row evaluated once", k)
		assert.Equal(t, int64(2*n), queryInt(t, s, `SELECT COUNT(*) FROM escalations WHERE level = '`+sweep.level+`'`).Int64)
		if sweep.next.IsZero() {
			assert.Equal(t, int64(0), queryInt(t, s, `SELECT COUNT(next_check) FROM inquiries`).Int64, "sweep %d: no row checked again", k)
		} else {
			assert.Equal(t, sweep.next.UnixNano(), queryInt(t, s, `SELECT MIN(next_check) FROM inquiries WHERE tenant = 'acme'`).Int64)
			assert.Equal(t, sweep.next.UnixNano(), queryInt(t, s, `SELECT MAX(next_check) FROM inquiries WHERE tenant = 'acme'`).Int64)
			assert.Equal(t, sweep.next.Add(late).UnixNano(), queryInt(t, s, `SELECT MIN(next_check) FROM inquiries WHERE tenant = 'beta'`).Int64)
			assert.Equal(t, sweep.next.Add(late).UnixNano(), queryInt(t, s, `SELECT MAX(next_check) FROM inquiries WHERE tenant = 'beta'`).Int64)
		}
	}
}

// A stored log that does not decode fails the sweep of its batch, naming
// the inquiry, and the batch writes nothing: the rows evaluated before
// and after it in the batch are swept again once it is mended.
func TestSweepOfAnUnreadableLogWritesNothing(t *testing.T) {
	db, err := openSQLite(filepath.Join(t.TempDir(), "crm.db"), syncFull)
	require.NoError(t, err)
	const n = 200
	ids := seedDue(t, db, "acme", n, ny(23, 10, 0), ny(23, 13, 0))
	addEvents(t, db, "acme", ids, ny(23, 10, 0))
	var logged bytes.Buffer
	a, err := newApp(db, config{batch: n}, policies, clock.NewManual(ny(23, 9, 0)), nyc, log.New(&logged, "", 0), false)
	require.NoError(t, err)
	t.Cleanup(func() { a.close() })
	s := &server{app: a}
	bad := ids[n/2]
	execSQL(t, s, `UPDATE events SET event = '{"time": 1' WHERE inquiry_id = '`+bad+`' AND seq = 2`)

	_, _, err = a.Sweep(context.Background(), ny(23, 13, 30))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "acme/"+bad)
	assert.Equal(t, int64(0), queryInt(t, s, `SELECT COUNT(*) FROM escalations`).Int64)
	assert.Equal(t, ny(23, 13, 0).UnixNano(), queryInt(t, s, `SELECT MAX(next_check) FROM inquiries`).Int64, "no row moved on")

	execSQL(t, s, `UPDATE events SET event = (SELECT event FROM events WHERE inquiry_id = '`+ids[0]+`' AND seq = 2) WHERE inquiry_id = '`+bad+`' AND seq = 2`)
	alerts := slices.Concat(sweepUntilDone(t, a, ny(23, 13, 30))...)
	assert.Len(t, alerts, n)
	assert.Equal(t, int64(n), queryInt(t, s, `SELECT COUNT(*) FROM escalations`).Int64)
	assert.Empty(t, logged.String(), "nothing parked, nothing logged")
}
