package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
	"github.com/replyby/replyby/sla/ledger"
)

// statusJSON writes statuses as JSON: equal instants with equal offsets
// give equal text whatever their *time.Location.
func statusJSON(t testing.TB, sts ...sla.Status) string {
	t.Helper()
	b, err := json.Marshal(sts)
	require.NoError(t, err)
	return string(b)
}

func ids(seq func(func(string) bool)) []string {
	var out []string
	for id := range seq {
		out = append(out, id)
	}
	return out
}

func TestLedgerAddAppendStatus(t *testing.T) {
	l := ledger.New(policies)
	inq := fixture.SocialComplaint("c1")
	require.NoError(t, l.Add(inq))
	assert.Equal(t, 1, l.Len())

	err := l.Add(inq)
	require.ErrorIs(t, err, ledger.ErrDuplicateInquiry)
	require.ErrorIs(t, l.Add(sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 10:00")}), sla.ErrBadInquiry)
	require.ErrorIs(t, l.Add(sla.Inquiry{ID: "x", Channel: sla.Email}), sla.ErrBadInquiry)
	require.ErrorIs(t, l.Append("nope", sla.Event{Time: at("2026-03-09 10:05"), Type: sla.Resolve}), ledger.ErrUnknownInquiry)
	_, err = l.Status("nope", at("2026-03-09 10:05"))
	require.ErrorIs(t, err, ledger.ErrUnknownInquiry)
	assert.Equal(t, 1, l.Len())

	next, ok := l.Next("c1")
	require.True(t, ok)
	assert.Equal(t, at("2026-03-09 10:45"), next)

	reply := sla.Event{Time: at("2026-03-09 10:30"), Type: sla.Reply, Channel: sla.Social}
	require.NoError(t, l.Append("c1", reply))

	// A bad batch is refused whole: the good reply before it is not kept.
	before := snapshot(t, l)
	err = l.Append("c1",
		sla.Event{Time: at("2026-03-09 10:40"), Type: sla.Reply, Channel: sla.Social},
		sla.Event{Time: at("2026-03-09 10:41"), Type: sla.StatusChange})
	require.ErrorIs(t, err, sla.ErrBadEvent)
	var ee *sla.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "events[2].status", ee.Path, "index in the whole log")
	require.ErrorIs(t, l.Append("c1", sla.Event{Time: at("2026-03-09 09:00"), Type: sla.Resolve}), sla.ErrEventBeforeInquiry)
	require.ErrorIs(t, l.Append("c1", sla.Event{Type: sla.Resolve}), sla.ErrBadEvent)
	assert.Equal(t, before, snapshot(t, l), "refused events changed the ledger")

	gotInq, log, err := l.Log("c1")
	require.NoError(t, err)
	assert.Equal(t, inq, gotInq)
	assert.Equal(t, []sla.Event{reply}, log)

	now := at("2026-03-09 12:00")
	st, err := l.Status("c1", now)
	require.NoError(t, err)
	assert.Equal(t, evaluate(t, policies, inq, []sla.Event{reply}, now), st)
	assert.Equal(t, "met", string(obligation(t, st, "first_reply").State))
}

// snapshot returns the ledger's snapshot as a string.
func snapshot(t testing.TB, l *ledger.Ledger) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, l.Snapshot(&b))
	return b.String()
}

// reseal sets the checksum of a snapshot edited by a test to match its
// inquiries, as the format defines it (see Ledger.Snapshot), so that the
// edit reaches the checks behind the checksum. A document it cannot read
// comes back as it is.
func reseal(doc string) string {
	var raw struct {
		Inquiries json.RawMessage `json:"inquiries"`
	}
	if json.Unmarshal([]byte(doc), &raw) != nil {
		return doc
	}
	sum := fmt.Sprintf(`"checksum":"%08x"`, crc32.Checksum(raw.Inquiries, crc32.MakeTable(crc32.Castagnoli)))
	return regexp.MustCompile(`"checksum":"[^"]*"`).ReplaceAllLiteralString(doc, sum)
}

func TestLedgerDueSweep(t *testing.T) {
	l := ledger.New(policies)
	require.NoError(t, l.Add(fixture.SocialComplaint("c1")))
	late := fixture.SocialComplaint("c2")
	late.Received = at("2026-03-09 10:30")
	require.NoError(t, l.Add(late))

	assert.Empty(t, ids(l.Due(at("2026-03-09 10:44"))))
	assert.Empty(t, sweep(l, at("2026-03-09 10:44")))
	assert.Equal(t, []string{"c1"}, ids(l.Due(at("2026-03-09 10:45"))))
	assert.Equal(t, []string{"c1", "c2"}, ids(l.Due(at("2026-03-09 11:15"))))

	// Sweep at 11:15 delivers c1's warn (10:45) and breach (11:00) and c2's
	// warn (11:15), in instant order, once.
	alerts := sweep(l, at("2026-03-09 11:15"))
	var got []string
	for _, a := range alerts {
		got = append(got, a.InquiryID+" "+a.Obligation.String()+" "+a.Level+" "+a.At.Format("15:04"))
	}
	assert.Equal(t, []string{
		"c1 first_reply warn 10:45",
		"c1 first_reply breach 11:00",
		"c2 first_reply warn 11:15",
	}, got)
	assert.Equal(t, []string{"social-team", "pr"}, alerts[1].Notify)
	assert.True(t, l.WasDelivered("c1", sla.Key{Metric: sla.FirstReply}, "breach"))
	assert.False(t, l.WasDelivered("c2", sla.Key{Metric: sla.FirstReply}, "breach"))
	assert.Empty(t, sweep(l, at("2026-03-09 11:15")))
	assert.Empty(t, ids(l.Due(at("2026-03-09 11:15"))))
	next, ok, _ := l.Earliest(context.Background())
	require.True(t, ok)
	assert.Equal(t, at("2026-03-09 11:30"), next, "c2's breach")
	_, ok = l.Next("c1")
	assert.False(t, ok, "c1 has nothing left to happen")

	// A reply recorded late, dated before c2's breach, does not undo
	// what was delivered; a late-added inquiry's past levels are
	// delivered by the next sweep.
	old := fixture.SocialComplaint("c0")
	old.Received = at("2026-03-09 08:00")
	require.NoError(t, l.Add(old))
	alerts = sweep(l, at("2026-03-09 11:16"))
	require.Len(t, alerts, 2)
	assert.Equal(t, "c0", alerts[0].InquiryID)
	assert.Equal(t, at("2026-03-09 08:45"), alerts[0].At)

	breached := l.Breached(at("2026-03-09 11:16"))
	assert.Equal(t, []string{"c0", "c1"}, statusIDs(breached))
	atRisk := l.AtRisk(at("2026-03-09 11:16"), 15*time.Minute)
	assert.Equal(t, []string{"c2"}, statusIDs(atRisk))
	assert.Empty(t, l.AtRisk(at("2026-03-09 11:16"), 13*time.Minute))
}

func statusIDs(sts []sla.Status) []string {
	var out []string
	for _, s := range sts {
		out = append(out, s.InquiryID)
	}
	return out
}

func TestLedgerSnapshotRoundTrip(t *testing.T) {
	n := 100_000
	if testing.Short() || fixture.RaceEnabled {
		n = 5_000
	}
	traffic := fixture.Traffic(1, n, at("2026-03-01 00:00"), 30*24*time.Hour)
	l := ledger.New(policies)
	for _, x := range traffic {
		require.NoError(t, l.Add(x.Inquiry, x.Events...))
	}
	sweepAt := at("2026-03-16 12:00")
	delivered := len(sweep(l, sweepAt))
	require.Positive(t, delivered)

	var buf bytes.Buffer
	require.NoError(t, l.Snapshot(&buf))
	r := ledger.New(policies)
	require.NoError(t, r.Restore(bytes.NewReader(buf.Bytes())))
	require.Equal(t, n, r.Len())
	assert.Equal(t, buf.String(), snapshot(t, r), "snapshot of the restored ledger differs")

	for _, now := range []time.Time{at("2026-03-10 09:30"), at("2026-04-02 00:00")} {
		a, b := l.Statuses(now), r.Statuses(now)
		require.Len(t, b, len(a))
		require.NotEmpty(t, a)
		for i := range a {
			if sa, sb := fixture.InUTC(a[i]), fixture.InUTC(b[i]); !reflect.DeepEqual(sa, sb) {
				t.Fatalf("status of %s at %v differs after restore:\n%s\n%s", a[i].InquiryID, now, statusJSON(t, sa), statusJSON(t, sb))
			}
		}
	}
	// Locations come back: due times print in New York.
	st, err := r.Status(traffic[0].Inquiry.ID, sweepAt)
	require.NoError(t, err)
	assert.Equal(t, nyc.String(), st.Obligations[0].Due.Location().String())
	// Delivered levels are not delivered again, and both ledgers agree on
	// what comes next.
	assert.Equal(t, sweep(l, sweepAt.Add(72*time.Hour)), sweep(r, sweepAt.Add(72*time.Hour)))
}

func TestLedgerRestoreRefusesBadSnapshots(t *testing.T) {
	l := ledger.New(policies)
	for _, x := range fixture.Traffic(2, 5, at("2026-03-09 00:00"), 48*time.Hour) {
		require.NoError(t, l.Add(x.Inquiry, x.Events...))
	}
	sweep(l, at("2026-03-12 00:00"))
	good := snapshot(t, l)

	target := ledger.New(policies)
	require.NoError(t, target.Add(fixture.SocialComplaint("keep-me")))
	keep := snapshot(t, target)

	refuse := func(name, doc string) {
		t.Helper()
		err := target.Restore(strings.NewReader(doc))
		require.ErrorIs(t, err, ledger.ErrBadSnapshot, name)
		require.Equal(t, keep, snapshot(t, target), "%s: a refused snapshot changed the ledger", name)
	}
	// Every proper prefix is refused.
	for i := 0; i < len(good)-1; i += 1 + i/50 {
		refuse(fmt.Sprintf("prefix %d", i), good[:i])
	}
	refuse("trailing data", good+"{}")
	refuse("two snapshots", good+good)
	refuse("empty", "")
	refuse("null", "null")
	refuse("other format", strings.Replace(good, `"format":"replyby.sla.ledger/2"`, `"format":"x"`, 1))
	refuse("count", strings.Replace(good, `"count":5`, `"count":4`, 1))
	refuse("unknown field", strings.Replace(good, `"count":5`, `"count":5,"extra":1`, 1))
	refuse("no count", strings.Replace(good, `"count":5,`, ``, 1))
	refuse("no checksum", regexp.MustCompile(`"checksum":"[^"]*",`).ReplaceAllString(good, ``))
	refuse("no inquiries", `{"format":"replyby.sla.ledger/2","count":0,"checksum":"00000000"}`)
	refuse("null inquiries", reseal(`{"format":"replyby.sla.ledger/2","count":0,"checksum":"","inquiries":null}`))
	// Edits that keep the document well-formed are caught by the
	// checksum: here a forged delivered key would silence a level that
	// has not fired yet.
	forged := strings.Replace(good, `"delivered":[[`, `"delivered":[["first_reply","breach"],[`, 1)
	require.NotEqual(t, good, forged)
	refuse("forged delivered key", forged)
	refuse("one changed byte", strings.Replace(good, `"reply"`, `"Reply"`, 1))
	err := target.Restore(strings.NewReader(forged))
	require.ErrorContains(t, err, "damaged or edited")
	// Behind the checksum, every member is checked.
	refuse("bad event type", reseal(strings.Replace(good, `"type":"reply"`, `"type":"replied"`, 1)))
	refuse("bad key", reseal(strings.Replace(good, `"delivered":[["`, `"delivered":[["bogus#1`, 1)))
	refuse("bad time", reseal(strings.Replace(good, `"received":"2026`, `"received":"20x6`, 1)))
	refuse("unknown inquiry field", reseal(strings.Replace(good, `"channel":`, `"chanel":`, 1)))
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(good), &doc))
	inqs := doc["inquiries"].([]any)
	doc["inquiries"] = append(inqs, inqs[0])
	doc["count"] = len(inqs) + 1
	dup, err := json.Marshal(doc)
	require.NoError(t, err)
	refuse("duplicate", reseal(string(dup)))
	err = target.Restore(strings.NewReader(reseal(string(dup))))
	require.ErrorIs(t, err, ledger.ErrDuplicateInquiry)
	require.ErrorIs(t, target.Restore(nil), ledger.ErrBadSnapshot)

	// A malformed event is refused with Evaluate's error.
	first := inqs[0].(map[string]any)
	first["events"] = append(first["events"].([]any), map[string]any{"time": first["as_of"], "type": "telepathy"})
	doc["inquiries"], doc["count"] = inqs, len(inqs)
	bad, err := json.Marshal(doc)
	require.NoError(t, err)
	err = target.Restore(strings.NewReader(reseal(string(bad))))
	require.ErrorIs(t, err, ledger.ErrBadSnapshot)
	require.ErrorIs(t, err, sla.ErrBadEvent)

	require.NoError(t, target.Restore(strings.NewReader(good)))
	assert.Equal(t, good, snapshot(t, target))
}

// Writers and readers at once; run with -race.
func TestLedgerConcurrent(t *testing.T) {
	l := ledger.New(policies)
	traffic := fixture.Traffic(3, 400, at("2026-03-02 00:00"), 7*24*time.Hour)
	var wg sync.WaitGroup
	const writers = 4
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(traffic); i += writers {
				x := traffic[i]
				if !assert.NoError(t, l.Add(x.Inquiry)) {
					return
				}
				for _, e := range x.Events {
					if !assert.NoError(t, l.Append(x.Inquiry.ID, e)) {
						return
					}
				}
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			now := at("2026-03-05 00:00")
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				switch (k + r) % 5 {
				case 0:
					for id := range l.Due(now) {
						_, err := l.Status(id, now)
						assert.NoError(t, err)
					}
				case 1:
					l.Breached(now)
				case 2:
					var b bytes.Buffer
					assert.NoError(t, l.Snapshot(&b))
				case 3:
					sweep(l, now)
					now = now.Add(time.Hour)
				case 4:
					l.Statuses(now)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()

	require.Equal(t, len(traffic), l.Len())
	now := at("2026-03-20 00:00")
	for _, x := range traffic {
		st, err := l.Status(x.Inquiry.ID, now)
		require.NoError(t, err)
		require.Equal(t, statusJSON(t, evaluate(t, policies, x.Inquiry, x.Events, now)), statusJSON(t, st))
	}
}

// The ledger's status is Evaluate's on the same log, whatever order the
// events were appended in and however they were batched.
func TestPropertyLedgerStatusIsEvaluate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := fixture.PolicySet(t)
		inq := fixture.Inquiry(t)
		log := fixture.Log(t, inq)
		l := ledger.New(ps)
		k := rapid.IntRange(0, len(log)).Draw(t, "initial")
		require.NoError(t, l.Add(inq, log[:k]...))
		for i := k; i < len(log); {
			j := rapid.IntRange(i+1, len(log)).Draw(t, "batch")
			require.NoError(t, l.Append(inq.ID, log[i:j]...))
			i = j
		}
		now := inq.Received.Add(time.Duration(rapid.IntRange(0, 6*24*60).Draw(t, "now")) * time.Minute)
		want, err := ps.Evaluate(inq, log, now)
		require.NoError(t, err)
		got, err := l.Status(inq.ID, now)
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}

// Due yields exactly the inquiries whose Next is at or before now,
// earliest first, and Sweep moves every one of them past now.
func TestPropertyDueIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := fixture.PolicySet(t)
		l := ledger.New(ps)
		n := rapid.IntRange(0, 12).Draw(t, "n")
		var all []string
		for i := range n {
			inq := fixture.Inquiry(t)
			inq.ID = fmt.Sprintf("q%02d", i)
			require.NoError(t, l.Add(inq, fixture.Log(t, inq)...))
			all = append(all, inq.ID)
		}
		start := at("2026-03-05 00:00")
		for range rapid.IntRange(1, 4).Draw(t, "sweeps") {
			now := start.Add(time.Duration(rapid.IntRange(0, 14*24*60).Draw(t, "now")) * time.Minute)
			var want []string
			var prev time.Time
			for _, id := range all {
				if next, ok := l.Next(id); ok && !next.After(now) {
					want = append(want, id)
				}
			}
			got := ids(l.Due(now))
			require.ElementsMatch(t, want, got)
			for _, id := range got {
				next, _ := l.Next(id)
				require.False(t, next.Before(prev), "Due not in Next order")
				prev = next
			}
			if rapid.Bool().Draw(t, "sweep") {
				sweep(l, now)
				require.Empty(t, ids(l.Due(now)))
				for _, id := range all {
					if next, ok := l.Next(id); ok {
						require.True(t, next.After(now))
					}
				}
			}
		}
	})
}

func TestLedgerNilPolicySet(t *testing.T) {
	l := ledger.New(nil)
	err := l.Add(fixture.SocialComplaint("c1"))
	require.Error(t, err)
	assert.True(t, errors.Is(err, sla.ErrNoFallback))
	assert.Empty(t, sweep(l, at("2026-03-09 12:00")))
	assert.Empty(t, ids(l.Due(at("2026-03-09 12:00"))))
}

func TestLedgerRestoreEmptyAndFixedOffsets(t *testing.T) {
	empty := snapshot(t, ledger.New(policies))
	l := ledger.New(policies)
	require.NoError(t, l.Restore(strings.NewReader(empty)))
	assert.Zero(t, l.Len())

	// An inquiry in a zone without a name keeps its offset through a
	// round trip, whatever the host's zone: encoding/json would put an
	// instant whose offset matches time.Local into time.Local, and plain
	// time added to it would then print at Local's offset of the day.
	// The child process runs this test again with TZ set.
	if os.Getenv("REPLYBY_TZ_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerRestoreEmptyAndFixedOffsets$", "-test.v")
		cmd.Env = append(os.Environ(), "REPLYBY_TZ_CHILD=1", "TZ=Europe/Paris")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	plus1 := time.FixedZone("", 3600)
	received := time.Date(2026, 3, 29, 1, 30, 0, 0, plus1) // Paris changes to +02:00 at 02:00 +01:00
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "1h"}}}]}`))
	a := ledger.New(ps)
	require.NoError(t, a.Add(sla.Inquiry{ID: "x", Channel: sla.Email, Received: received}))
	first := snapshot(t, a)
	b := ledger.New(ps)
	require.NoError(t, b.Restore(strings.NewReader(first)))
	assert.Equal(t, first, snapshot(t, b), "Snapshot of Restore of a snapshot is the snapshot")
	st, err := b.Status("x", received)
	require.NoError(t, err)
	assert.Equal(t, "2026-03-29T02:30:00+01:00", st.Obligations[0].Due.Format(time.RFC3339))
}

// A ledger keeps events that make no sense where they stand, ignored and
// reported as anomalies; one made with RefuseAnomalies refuses them,
// leaving the inquiry as it was.
func TestLedgerAnomalies(t *testing.T) {
	reopen := sla.Event{Time: at("2026-03-09 10:20"), Type: sla.Reopen}
	lenient := ledger.New(policies)
	require.NoError(t, lenient.Add(fixture.SocialComplaint("c1")))
	require.NoError(t, lenient.Append("c1", reopen))
	st, err := lenient.Status("c1", at("2026-03-09 10:30"))
	require.NoError(t, err)
	require.Len(t, st.Anomalies, 1)
	assert.Equal(t, "the inquiry is not resolved", st.Anomalies[0].Reason)

	strict := ledger.New(policies, ledger.RefuseAnomalies())
	require.NoError(t, strict.Add(fixture.SocialComplaint("c1")))
	require.NoError(t, strict.Append("c1", sla.Event{Time: at("2026-03-09 10:10"), Type: sla.Reply, Channel: sla.Social}))
	before := snapshot(t, strict)
	err = strict.Append("c1", reopen)
	require.ErrorIs(t, err, ledger.ErrAnomaly)
	assert.EqualError(t, err, `ledger: append to "c1": event makes no sense where it stands: events[1] (reopen): the inquiry is not resolved`)
	assert.Equal(t, before, snapshot(t, strict))
	require.ErrorIs(t, strict.Add(fixture.SocialComplaint("c2"), reopen), ledger.ErrAnomaly)
	assert.Equal(t, 1, strict.Len())
}

// Appending to a known inquiry resumes its evaluation instead of
// replaying its log, and gives exactly what replaying gives — the
// inquiry's Next, what sweeps hand out, breached and at-risk lists —
// whether the events come in order, at the instant of a sweep, or
// back-dated.
func TestLedgerAppendIsIncremental(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := fixture.DensePolicySet(t)
		inq := fixture.Inquiry(t)
		inq.ID = "q"
		log := fixture.DenseLog(t, inq)
		l := ledger.New(ps)
		require.NoError(t, l.Add(inq))
		var given []sla.Event
		asOf := inq.Received
		handed := map[string]bool{}
		for len(given) < len(log) {
			k := rapid.IntRange(1, len(log)-len(given)).Draw(t, "batch")
			batch := slices.Clone(log[len(given) : len(given)+k])
			if rapid.IntRange(0, 4).Draw(t, "backdate") == 0 {
				// An event dated before what the ledger has seen.
				batch[0].Time = inq.Received
			}
			require.NoError(t, l.Append("q", batch...))
			given = append(given, batch...)
			for _, e := range batch {
				asOf = later(asOf, e.Time)
			}
			if rapid.Bool().Draw(t, "sweep") {
				now := asOf.Add(time.Duration(rapid.IntRange(0, 600).Draw(t, "sweepAfter")) * time.Minute)
				if next, ok := l.Next("q"); ok && !next.After(now) {
					asOf = now // a sweep evaluates what is due at its instant
				}
				for _, a := range sweep(l, now) {
					key := a.Obligation.String() + "/" + a.Level
					require.False(t, handed[key], "handed out twice: %s", key)
					handed[key] = true
				}
			}
		}
		st, err := ps.Evaluate(inq, given, asOf)
		require.NoError(t, err)
		want := st.Next
		for _, o := range st.Obligations {
			for _, e := range o.Escalations {
				if !handed[e.Obligation.String()+"/"+e.Level] && (want.IsZero() || e.At.Before(want)) {
					want = e.At
				}
			}
		}
		got, ok := l.Next("q")
		stj, _ := json.Marshal(st)
		require.Equal(t, !want.IsZero(), ok, "want %v\n%s\n%v\nhanded %v", want, stj, given, handed)
		require.True(t, want.Equal(got), "Next %v, want %v", got, want)
		breached := slices.ContainsFunc(st.Obligations, func(o sla.Obligation) bool { return o.State == sla.Breached })
		js, _ := json.Marshal(st)
		require.Equal(t, breached, len(l.Breached(asOf)) == 1, "%s\nlog %v\nasOf %v", js, given, asOf)
	})
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// An inquiry at rest keeps no run; a back-dated event that opens an
// obligation breached at once is applied to a run rebuilt and advanced to
// the instant of the last sweep, so its levels fired when they fired: the
// inquiry is due at 00:17, when they did, not at the sweep's 00:18.
func TestLedgerAtRestBackdatedBreachIsDueWhenItFired(t *testing.T) {
	late := []sla.Level{{Name: "late", At: sla.AtOffset(0)}}
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{{Name: "all", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply:  {Within: sla.Duration{Time: time.Minute}, Escalation: late},
		sla.PromiseKept: {Escalation: late},
	}}}})
	t0 := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	l := ledger.New(ps)
	require.NoError(t, l.Add(sla.Inquiry{ID: "q", Channel: sla.Email, Received: t0}))
	alerts := sweep(l, t0.Add(18*time.Minute))
	require.Len(t, alerts, 1, "the first reply's breach at 00:01")

	// Resolved, back-dated: nothing is owed any more, and the ledger
	// keeps no run for it.
	require.NoError(t, l.Append("q", sla.Event{Time: t0, Type: sla.Resolve}))
	_, ok := l.Next("q")
	require.False(t, ok, "at rest")

	promise := sla.Event{Time: t0.Add(17 * time.Minute), Type: sla.Promise, PromiseKind: sla.DoSomething, Due: t0.Add(17 * time.Minute)}
	require.NoError(t, l.Append("q", promise))
	next, ok := l.Next("q")
	require.True(t, ok)
	assert.Equal(t, t0.Add(17*time.Minute), next)
	alerts = sweep(l, t0.Add(18*time.Minute))
	require.Len(t, alerts, 1)
	assert.Equal(t, t0.Add(17*time.Minute), alerts[0].At)
	assert.Equal(t, "promise_kept#1", alerts[0].Obligation.String())
}

// An offset with seconds (Africa/Monrovia's −00:44:30 until 1972) has no
// RFC 3339 form: a snapshot writes the instant in UTC and Restore puts
// it back in the recorded location, the same instant at the same offset.
func TestLedgerSnapshotOffsetWithSeconds(t *testing.T) {
	mon, err := time.LoadLocation("Africa/Monrovia")
	require.NoError(t, err)
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "4h"}}}]}`))
	recv := time.Date(1971, 3, 9, 9, 0, 0, 0, mon)
	plus30s := time.FixedZone("", 30)
	a := ledger.New(ps)
	require.NoError(t, a.Add(sla.Inquiry{ID: "x", Channel: sla.Email, Received: recv},
		sla.Event{Time: recv.Add(time.Minute), Type: sla.Promise, Ref: "call", PromiseKind: sla.GetBack, Due: recv.Add(time.Hour).In(plus30s)}))
	first := snapshot(t, a)
	assert.Contains(t, first, `"received":"1971-03-09T09:44:30Z"`)
	b := ledger.New(ps)
	require.NoError(t, b.Restore(strings.NewReader(first)))
	inq, events, err := b.Log("x")
	require.NoError(t, err)
	assert.True(t, inq.Received.Equal(recv), "%v, want %v", inq.Received, recv)
	assert.Equal(t, mon, inq.Received.Location(), "back in the recorded location")
	assert.True(t, events[0].Due.Equal(recv.Add(time.Hour)), "a fixed offset with seconds: the same instant")
	assert.Equal(t, first, snapshot(t, b), "Snapshot of Restore of a snapshot is the snapshot")
}

// An instant a snapshot cannot write (a year outside 0–9999) is refused
// where it comes in, naming the field, so that Snapshot never fails.
func TestLedgerRefusesUnwritableInstants(t *testing.T) {
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "4h"}}}]}`))
	recv := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	l := ledger.New(ps)
	require.NoError(t, l.Add(sla.Inquiry{ID: "ok", Channel: sla.Email, Received: recv}))
	err := l.Add(sla.Inquiry{ID: "typo", Channel: sla.Email, Received: recv},
		sla.Event{Time: recv.Add(time.Minute), Type: sla.Promise, Ref: "p", PromiseKind: sla.GetBack, Due: time.Date(20260, 3, 10, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, sla.ErrBadEvent)
	assert.ErrorContains(t, err, `ledger: add "typo": sla: events[0].due: `)
	err = l.Add(sla.Inquiry{ID: "old", Channel: sla.Email, Received: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, sla.ErrBadInquiry)
	assert.ErrorContains(t, err, "inquiry.received")
	require.NoError(t, l.Append("ok", sla.Event{Time: recv.Add(time.Minute), Type: sla.CustomerMessage, Channel: sla.Email}))
	err = l.Append("ok", sla.Event{Time: recv.Add(2 * time.Minute), Type: sla.Promise, Ref: "p", PromiseKind: sla.GetBack, Due: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, sla.ErrBadEvent)
	assert.ErrorContains(t, err, "events[1].due", "counted from the start of the whole log")
	assert.Equal(t, 1, l.Len())
	_, events, err := l.Log("ok")
	require.NoError(t, err)
	assert.Len(t, events, 1, "nothing appended")
	_, _, err = l.Sweep(context.Background(), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.ErrorIs(t, err, ledger.ErrUnwritableNow, "nor a sweep's as-of instant")
	var buf bytes.Buffer
	require.NoError(t, l.Snapshot(&buf))
}
