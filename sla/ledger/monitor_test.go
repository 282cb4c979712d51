package ledger_test

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
	"github.com/replyby/replyby/sla/ledger"
	"github.com/replyby/replyby/sla/monitor"
)

// A delivery is an alert as a test host saw it, with the clock's time.
type delivery struct {
	Now   time.Time
	Alert monitor.Alert
}

func (d delivery) String() string {
	return fmt.Sprintf("%s %s %s/%s@%s", d.Now.Format("01-02 15:04"), d.Alert.InquiryID, d.Alert.Obligation, d.Alert.Level, d.Alert.At.Format("01-02 15:04"))
}

func TestMonitorFiresOncePerLevel(t *testing.T) {
	c := clock.NewManual(at("2026-03-09 09:00"))
	l := ledger.New(policies)
	var got []string
	m, err := monitor.New(l, c, func(a monitor.Alert) {
		got = append(got, delivery{c.Now(), a}.String())
	})
	require.NoError(t, err)
	defer m.Stop()
	_, armed := m.Armed()
	assert.False(t, armed, "nothing to wait for")
	// A second monitor on the same ledger shares the work: each level is
	// delivered once, by one of them.
	other, err := monitor.New(l, c, func(a monitor.Alert) {
		got = append(got, delivery{c.Now(), a}.String())
	})
	require.NoError(t, err)
	defer other.Stop()

	c.Set(at("2026-03-09 10:00"))
	require.NoError(t, l.Add(fixture.SocialComplaint("c1")))
	armedAt, armed := m.Armed()
	require.True(t, armed)
	assert.Equal(t, at("2026-03-09 10:45"), armedAt)
	assert.Equal(t, 2, c.Pending(), "one timer per monitor")

	c2 := fixture.SocialComplaint("c2")
	c2.Received = at("2026-03-09 10:10")
	c.Set(c2.Received)
	require.NoError(t, l.Add(c2))
	assert.Equal(t, 2, c.Pending(), "still one timer per monitor")

	// c2 is answered before its warning: the timer is re-armed past it.
	c.Set(at("2026-03-09 10:50"))
	require.NoError(t, l.Append("c2", sla.Event{Time: c.Now(), Type: sla.Reply, Channel: sla.Social}))
	c.Set(at("2026-03-09 18:00"))
	assert.Equal(t, []string{
		"03-09 10:45 c1 first_reply/warn@03-09 10:45",
		"03-09 11:00 c1 first_reply/breach@03-09 11:00",
	}, got)
	assert.Equal(t, 0, c.Pending(), "nothing left to fire")

	// A stopped monitor no longer watches the ledger.
	m.Stop()
	other.Stop()
	require.NoError(t, l.Add(fixture.SocialComplaint("c3")))
	assert.Equal(t, 0, c.Pending(), "stopped monitors arm nothing")
}

// A step of simulated traffic: at Time, add an inquiry or append an event.
type step struct {
	Time  time.Time
	Inq   *sla.Inquiry
	ID    string
	Event sla.Event
}

// timeline turns traffic into steps in time order.
func timeline(traffic []fixture.Logged) []step {
	var steps []step
	for i := range traffic {
		x := &traffic[i]
		steps = append(steps, step{Time: x.Inquiry.Received, Inq: &x.Inquiry})
		for _, e := range x.Events {
			steps = append(steps, step{Time: e.Time, ID: x.Inquiry.ID, Event: e})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return a.Time.Compare(b.Time) })
	return steps
}

// replay plays steps against a ledger driven by a monitor on a manual
// clock, then runs the clock to end, and returns what was delivered.
func replay(t testing.TB, l *ledger.Ledger, c *clock.Manual, steps []step, end time.Time) []delivery {
	t.Helper()
	var out []delivery
	m, err := monitor.New(l, c, func(a monitor.Alert) { out = append(out, delivery{c.Now(), a}) })
	require.NoError(t, err)
	defer m.Stop()
	for _, s := range steps {
		c.Set(s.Time)
		if s.Inq != nil {
			require.NoError(t, l.Add(*s.Inq))
		} else {
			require.NoError(t, l.Append(s.ID, s.Event))
		}
	}
	c.Set(end)
	return out
}

// A month of traffic replays identically, each level is delivered once,
// at the instant it fired, in instant order; and what is delivered is
// exactly what Evaluate says fired.
func TestMonitorMonthReplaysIdentically(t *testing.T) {
	n := 3000
	if testing.Short() || fixture.RaceEnabled {
		n = 600
	}
	start := at("2026-03-01 00:00")
	traffic := fixture.Traffic(7, n, start, 31*24*time.Hour)
	steps := timeline(traffic)
	end := at("2026-04-15 00:00")

	run := func() []delivery {
		return replay(t, ledger.New(policies), clock.NewManual(start), steps, end)
	}
	first := run()
	require.NotEmpty(t, first)
	require.Equal(t, first, run(), "a second replay differs")

	seen := map[string]bool{}
	for i, d := range first {
		key := d.Alert.InquiryID + " " + d.Alert.Obligation.String() + " " + d.Alert.Level
		require.False(t, seen[key], "delivered twice: %s", key)
		seen[key] = true
		require.True(t, d.Now.Equal(d.Alert.At), "delivered at %v, fired at %v", d.Now, d.Alert.At)
		if i > 0 {
			require.False(t, d.Alert.At.Before(first[i-1].Alert.At), "out of instant order: %v then %v", first[i-1], d)
		}
	}
	want := map[string]bool{}
	byID := map[string]fixture.Logged{}
	for _, x := range traffic {
		byID[x.Inquiry.ID] = x
		st := evaluate(t, policies, x.Inquiry, x.Events, end)
		for _, o := range st.Obligations {
			for _, e := range o.Escalations {
				key := x.Inquiry.ID + " " + o.Key.String() + " " + e.Level
				require.True(t, seen[key], "never delivered: %s", key)
				want[key] = true
			}
		}
	}
	// A level not in the final statuses was delivered because it fired
	// before an event of the same instant was recorded: it is in the
	// status at that instant of the log without that instant's events.
	extra := 0
	for _, d := range first {
		key := d.Alert.InquiryID + " " + d.Alert.Obligation.String() + " " + d.Alert.Level
		if want[key] {
			continue
		}
		extra++
		x := byID[d.Alert.InquiryID]
		var earlier []sla.Event
		for _, e := range x.Events {
			if e.Time.Before(d.Now) {
				earlier = append(earlier, e)
			}
		}
		st := evaluate(t, policies, x.Inquiry, earlier, d.Now)
		o := obligation(t, st, d.Alert.Obligation.String())
		require.True(t, slices.ContainsFunc(o.Escalations, func(e sla.Escalation) bool { return e.Level == d.Alert.Level }), "delivered for no reason: %v", d)
	}
	assert.Less(t, extra, len(first)/100+1, "ties of events and levels are rare")
}

// After a restart from a snapshot, the levels delivered before it are not
// delivered again, and the rest are delivered as without the restart.
func TestMonitorRestartFromSnapshot(t *testing.T) {
	start := at("2026-03-01 00:00")
	traffic := fixture.Traffic(8, 400, start, 14*24*time.Hour)
	steps := timeline(traffic)
	end := at("2026-03-25 00:00")
	whole := replay(t, ledger.New(policies), clock.NewManual(start), steps, end)

	cut := len(steps) / 2
	mid := steps[cut].Time
	l := ledger.New(policies)
	before := replay(t, l, clock.NewManual(start), steps[:cut], mid)
	var snap bytes.Buffer
	require.NoError(t, l.Snapshot(&snap))

	restored := ledger.New(policies)
	require.NoError(t, restored.Restore(&snap))
	c := clock.NewManual(mid)
	after := replay(t, restored, c, steps[cut:], end)
	require.NotEmpty(t, before)
	require.NotEmpty(t, after)
	// The restored ledger's times print in another *time.Location value;
	// compare what the host sees.
	var a, b []string
	for _, d := range whole {
		a = append(a, d.String())
	}
	for _, d := range append(before, after...) {
		b = append(b, d.String())
	}
	require.Equal(t, a, b)
}

// Concurrent writers against a monitor on the real clock: every level is
// delivered exactly once. Run with -race.
func TestMonitorSystemClockConcurrent(t *testing.T) {
	fast := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "fast", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: 30 * time.Millisecond}, Escalation: []sla.Level{
			{Name: "warn", At: sla.AtShare(50)}, {Name: "breach", At: sla.AtOffset(0)},
		}},
	}}}})
	l := ledger.New(fast)
	var mu sync.Mutex
	seen := map[string]int{}
	done := make(chan struct{})
	const writers, each = 4, 25
	m, err := monitor.New(l, clock.System(), func(a monitor.Alert) {
		mu.Lock()
		defer mu.Unlock()
		seen[a.InquiryID+"/"+a.Level]++
		if len(seen) == 2*writers*each {
			close(done)
		}
	})
	require.NoError(t, err)
	defer m.Stop()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				assert.NoError(t, l.Add(sla.Inquiry{ID: id, Channel: sla.Chat, Received: time.Now()}))
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("not every level was delivered")
	}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for k, n := range seen {
		assert.Equal(t, 1, n, k)
	}
	assert.Len(t, seen, 2*writers*each)
}

// A snapshot taken while the host's callback runs leaves that level out:
// a crash before the callback returns delivers it again after a restore
// (at least once), and levels whose callbacks returned are not repeated.
func TestMonitorSnapshotDuringDelivery(t *testing.T) {
	c := clock.NewManual(at("2026-03-09 10:00"))
	l := ledger.New(policies)
	require.NoError(t, l.Add(fixture.SocialComplaint("c1")))
	var during bytes.Buffer
	var got []string
	m, err := monitor.New(l, c, func(a monitor.Alert) {
		got = append(got, a.Level)
		if a.Level == "breach" {
			require.NoError(t, l.Snapshot(&during)) // then the process dies
		}
	})
	require.NoError(t, err)
	c.Set(at("2026-03-09 12:00"))
	m.Stop()
	require.Equal(t, []string{"warn", "breach"}, got)
	assert.Contains(t, during.String(), `["first_reply","warn"]`)
	assert.NotContains(t, during.String(), `["first_reply","breach"]`)

	// After the callback returned, a snapshot records it.
	assert.Contains(t, snapshot(t, l), `["first_reply","breach"]`)

	restored := ledger.New(policies)
	require.NoError(t, restored.Restore(&during))
	c2 := clock.NewManual(at("2026-03-09 12:00"))
	var again []string
	m2, err := monitor.New(restored, c2, func(a monitor.Alert) { again = append(again, a.Level) })
	require.NoError(t, err)
	defer m2.Stop()
	c2.Advance(time.Minute)
	assert.Equal(t, []string{"breach"}, again, "the level whose callback never returned, and only it")
}
