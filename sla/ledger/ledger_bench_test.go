package ledger_test

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/replyby/replyby/sla/internal/fixture"
	"github.com/replyby/replyby/sla/ledger"
)

// benchN is the number of inquiries the ledger benchmarks use: 10,000
// unless REPLYBY_BENCH_N says otherwise (the figure is
// REPLYBY_BENCH_N=1000000).
func benchN(b *testing.B) int {
	if s := os.Getenv("REPLYBY_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("REPLYBY_BENCH_N=%q: want a positive integer", s)
		}
		return n
	}
	return 10_000
}

var benchStart = at("2026-03-01 00:00")

// benchLedger returns a ledger holding n inquiries of a month of traffic
// with their whole logs.
func benchLedger(b *testing.B, n int) *ledger.Ledger {
	l := ledger.New(policies)
	for _, x := range fixture.Traffic(11, n, benchStart, 31*24*time.Hour) {
		if err := l.Add(x.Inquiry, x.Events...); err != nil {
			b.Fatal(err)
		}
	}
	return l
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkLedgerMemory builds a ledger of N inquiries (about 3 events
// each) and reports the heap it holds per inquiry.
func BenchmarkLedgerMemory(b *testing.B) {
	n := benchN(b)
	traffic := fixture.Traffic(11, n, benchStart, 31*24*time.Hour)
	var perInquiry float64
	for b.Loop() {
		before := heapInUse()
		l := ledger.New(policies)
		for _, x := range traffic {
			if err := l.Add(x.Inquiry, x.Events...); err != nil {
				b.Fatal(err)
			}
		}
		perInquiry = float64(heapInUse()-before) / float64(n)
		runtime.KeepAlive(l)
	}
	b.ReportMetric(perInquiry, "B/inquiry")
}

// BenchmarkLedgerDue iterates what is due, in a ledger of N inquiries, at
// an instant when about one in a hundred is.
func BenchmarkLedgerDue(b *testing.B) {
	n := benchN(b)
	l := benchLedger(b, n)
	// Find an instant at which about 1% are due.
	lo, hi := benchStart, benchStart.Add(60*24*time.Hour)
	count := func(now time.Time) int {
		k := 0
		for range l.Due(now) {
			k++
		}
		return k
	}
	for range 40 {
		mid := lo.Add(hi.Sub(lo) / 2)
		if count(mid) < n/100 {
			lo = mid
		} else {
			hi = mid
		}
	}
	due := count(hi)
	b.ResetTimer()
	for b.Loop() {
		for range l.Due(hi) {
		}
	}
	b.ReportMetric(float64(due), "due")
}

// BenchmarkLedgerAppend appends the events of N inquiries, in time order,
// one at a time, to a ledger that holds the inquiries, and reports events
// applied per second.
func BenchmarkLedgerAppend(b *testing.B) {
	n := benchN(b)
	steps := timeline(fixture.Traffic(12, n, benchStart, 31*24*time.Hour))
	fresh := func() *ledger.Ledger {
		l := ledger.New(policies)
		for _, s := range steps {
			if s.Inq != nil {
				if err := l.Add(*s.Inq); err != nil {
					b.Fatal(err)
				}
			}
		}
		return l
	}
	l := fresh()
	i, applied := 0, 0
	start := time.Now()
	var paused time.Duration
	for b.Loop() {
		for i < len(steps) && steps[i].Inq != nil {
			i++
		}
		if i == len(steps) {
			b.StopTimer()
			t := time.Now()
			l, i = fresh(), 0
			paused += time.Since(t)
			b.StartTimer()
			continue
		}
		if err := l.Append(steps[i].ID, steps[i].Event); err != nil {
			b.Fatal(err)
		}
		i++
		applied++
	}
	b.ReportMetric(float64(applied)/(time.Since(start)-paused).Seconds(), "events/s")
}

// BenchmarkLedgerSweep sweeps a ledger of N inquiries hour by hour through
// the month and reports the time per inquiry due.
func BenchmarkLedgerSweep(b *testing.B) {
	n := benchN(b)
	swept := 0
	for b.Loop() {
		b.StopTimer()
		l := benchLedger(b, n)
		b.StartTimer()
		for now := benchStart; now.Before(benchStart.Add(40 * 24 * time.Hour)); now = now.Add(time.Hour) {
			swept += len(sweep(l, now))
		}
	}
	b.ReportMetric(float64(swept)/float64(b.N), "alerts/op")
}

// queryLedger returns a ledger holding the inquiries of a month of traffic
// that arrived by now, with the events of their logs up to now, swept at
// now: what a host's ledger holds in the middle of the month.
func queryLedger(b *testing.B, n int, now time.Time) *ledger.Ledger {
	l := ledger.New(policies)
	for _, x := range fixture.Traffic(11, n, benchStart, 31*24*time.Hour) {
		if x.Inquiry.Received.After(now) {
			continue
		}
		k := 0
		for k < len(x.Events) && !x.Events[k].Time.After(now) {
			k++
		}
		if err := l.Add(x.Inquiry, x.Events[:k]...); err != nil {
			b.Fatal(err)
		}
	}
	sweep(l, now)
	return l
}

// BenchmarkLedgerBreached lists what is breached in the middle of the
// month, in a ledger of the N inquiries' traffic up to then, swept then.
func BenchmarkLedgerBreached(b *testing.B) {
	now := benchStart.Add(20*24*time.Hour + 13*time.Hour)
	l := queryLedger(b, benchN(b), now)
	found := 0
	for b.Loop() {
		found = len(l.Breached(now))
	}
	b.ReportMetric(float64(l.Len()), "inquiries")
	b.ReportMetric(float64(found), "breached")
}

// BenchmarkLedgerAtRisk lists what is due within an hour of business time
// in the middle of the month, in a ledger of the N inquiries' traffic up
// to then, swept then.
func BenchmarkLedgerAtRisk(b *testing.B) {
	now := benchStart.Add(20*24*time.Hour + 13*time.Hour)
	l := queryLedger(b, benchN(b), now)
	found := 0
	for b.Loop() {
		found = len(l.AtRisk(now, time.Hour))
	}
	b.ReportMetric(float64(l.Len()), "inquiries")
	b.ReportMetric(float64(found), "at_risk")
}
