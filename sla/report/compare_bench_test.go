package report_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/history"
	"github.com/replyby/replyby/sla/internal/fixture"
	"github.com/replyby/replyby/sla/report"
)

// benchN is the number of inquiries of the month the comparison
// benchmarks replay: 10,000 unless REPLYBY_BENCH_N says otherwise (the
// README's figure is REPLYBY_BENCH_N=100000).
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

// proposed is the fixture's policies with first replies due in 2
// business hours instead of 4, warned at 75% and escalated at breach.
var proposed = sla.MustParsePolicies([]byte(strings.ReplaceAll(fixture.PolicyDoc,
	`"first_reply": {"within": "4h", "calendar": "support-nyc"}`,
	`"first_reply": {"within": "2h", "calendar": "support-nyc", "escalation": [
	  {"name": "warn", "at": "75%", "notify": ["owner"]}, {"name": "breach", "at": "0", "notify": ["team-lead"]}]}`)))

// month returns n inquiries arriving over March 2026 with about five
// events each — an acknowledgement, an assignment, replies, a follow-up,
// a promise kept or not, a pending status, a resolution — as an export.
func month(b *testing.B, n int) (export []byte, events int) {
	r := rand.New(rand.NewPCG(14, 0x5eed))
	channels := []sla.Channel{sla.Email, sla.Email, sla.Phone, sla.Chat, sla.Social, sla.WebForm}
	owners := []string{"ann", "bob", "cy", "dee", "eve", "fay"}
	mins := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * time.Minute }
	start := at("2026-03-01 00:00")
	var buf bytes.Buffer
	w := history.NewWriter(&buf)
	for i := range n {
		inq := sla.Inquiry{
			ID: fmt.Sprintf("q%07d", i), Channel: channels[r.IntN(len(channels))],
			Class:    sla.Class{Party: sla.Prospect, Kind: sla.Question, Priority: sla.Normal},
			Received: start.Add(time.Duration(r.Int64N(int64(31 * 24 * time.Hour)))).Truncate(time.Minute),
		}
		if r.IntN(2) == 0 {
			inq.Class.Party = sla.Customer
		}
		if r.IntN(5) == 0 {
			inq.Class.Kind = sla.Complaint
		}
		if r.IntN(30) == 0 {
			inq.Class.Priority = sla.Urgent
		}
		t := inq.Received
		var ev []sla.Event
		add := func(d time.Duration, e sla.Event) {
			t = t.Add(d)
			e.Time = t
			ev = append(ev, e)
		}
		if r.IntN(10) < 4 {
			add(time.Minute, sla.Event{Type: sla.AutoReply, Channel: inq.Channel})
		}
		if r.IntN(10) < 8 {
			add(mins(1, 180), sla.Event{Type: sla.Assign, Owner: owners[r.IntN(len(owners))]})
		}
		if r.IntN(100) < 90 {
			add(mins(10, 8*60), sla.Event{Type: sla.Reply, Channel: inq.Channel, Actor: "agent"})
			if inq.Party == sla.Customer && r.IntN(4) == 0 {
				add(mins(1, 30), sla.Event{Type: sla.Promise, Ref: "p", PromiseKind: sla.DoSomething, Due: t.Add(24 * time.Hour)})
				if r.IntN(3) > 0 {
					add(mins(60, 30*60), sla.Event{Type: sla.PromiseDone, Ref: "p"})
				}
			}
			if r.IntN(10) < 5 {
				add(mins(60, 24*60), sla.Event{Type: sla.CustomerMessage, Channel: inq.Channel})
				if r.IntN(10) < 8 {
					add(mins(5, 10*60), sla.Event{Type: sla.Reply, Channel: inq.Channel})
				}
			}
			if r.IntN(10) < 3 {
				add(mins(1, 10), sla.Event{Type: sla.StatusChange, Status: "pending"})
				add(mins(60, 24*60), sla.Event{Type: sla.CustomerMessage, Channel: inq.Channel})
			}
			if r.IntN(10) < 7 {
				add(mins(60, 48*60), sla.Event{Type: sla.Resolve})
			}
		}
		events += len(ev)
		if err := w.Write(history.Record{Inquiry: inq, Events: ev}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), events
}

// readAll calls f with each record of export.
func readAll(b *testing.B, export []byte, f func(history.Record)) {
	r := history.NewReader(bytes.NewReader(export))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
		f(rec)
	}
}

// BenchmarkCompareMonth replays a month of N inquiries from an export
// under two policy sets and compares them: each op reads every line,
// evaluates each inquiry under both sets at the month's end and adds the
// pair to a Comparer. Its parts are measured apart: reading the export,
// the evaluations, and the Comparer; "retained-MB" is the heap the
// Comparer holds at the end, "µs/inquiry" the time of one inquiry,
// "cpu-s/op" the CPU time of an op (which a busy machine does not
// inflate as it does the wall clock). "all-parallel" does what "all"
// does with a bounded pool of workers, one per core.
func BenchmarkCompareMonth(b *testing.B) {
	n := benchN(b)
	export, events := month(b, n)
	now := at("2026-04-03 00:00")
	b.Logf("%d inquiries, %.1f events each, %.1f MB of export", n, float64(events)/float64(n), float64(len(export))/1e6)
	perInquiry := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/inquiry")
	}
	// cpu reports the CPU time of an op, all goroutines and the
	// garbage collector counted, from the process's CPU time when the
	// op's loop starts.
	cpu := func(b *testing.B, start time.Duration) {
		b.ReportMetric((processCPU()-start).Seconds()/float64(b.N), "cpu-s/op")
	}
	var recs []history.Record
	readAll(b, export, func(rec history.Record) { recs = append(recs, rec) })
	evaluate := func(rec history.Record) (sla.Status, sla.Status) {
		sa, err := policies.Evaluate(rec.Inquiry, rec.Events, now)
		if err != nil {
			b.Fatal(err)
		}
		sb, err := proposed.Evaluate(rec.Inquiry, rec.Events, now)
		if err != nil {
			b.Fatal(err)
		}
		return sa, sb
	}

	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(export)))
		for b.Loop() {
			readAll(b, export, func(history.Record) {})
		}
		perInquiry(b)
	})
	b.Run("evaluate", func(b *testing.B) {
		for b.Loop() {
			for _, rec := range recs {
				evaluate(rec)
			}
		}
		perInquiry(b)
	})
	b.Run("comparer", func(b *testing.B) {
		pairs := make([][2]sla.Status, 0, min(n, 20_000))
		for _, rec := range recs[:min(n, 20_000)] {
			sa, sb := evaluate(rec)
			pairs = append(pairs, [2]sla.Status{sa, sb})
		}
		for b.Loop() {
			c := report.NewComparer(time.Time{}, time.Time{})
			for i := range n {
				p := &pairs[i%len(pairs)]
				c.Add(&p[0], &p[1])
			}
			c.Comparison()
		}
		perInquiry(b)
	})
	recs = nil
	b.Run("all", func(b *testing.B) {
		b.SetBytes(int64(len(export)))
		var cmp report.Comparison
		var start time.Duration
		for b.Loop() {
			if start == 0 {
				start = processCPU()
			}
			c := report.NewComparer(time.Time{}, time.Time{})
			readAll(b, export, func(rec history.Record) {
				sa, sb := evaluate(rec)
				c.Add(&sa, &sb)
			})
			cmp = c.Comparison()
			runtime.KeepAlive(c)
		}
		cpu(b, start)
		perInquiry(b)
		b.ReportMetric(float64(heapInUse())/1e6, "retained-MB")
		if cmp.Inquiries != n || cmp.Changed == 0 {
			b.Fatalf("compared %d of %d, %d changed", cmp.Inquiries, n, cmp.Changed)
		}
		runtime.KeepAlive(cmp)
	})
	b.Run("all-parallel", func(b *testing.B) {
		b.SetBytes(int64(len(export)))
		var cmp report.Comparison
		workers := runtime.GOMAXPROCS(0)
		var start time.Duration
		for b.Loop() {
			if start == 0 {
				start = processCPU()
			}
			cmp = comparePooled(b, export, workers, evaluate)
		}
		cpu(b, start)
		perInquiry(b)
		b.ReportMetric(float64(heapInUse())/1e6, "retained-MB")
		if cmp.Inquiries != n || cmp.Changed == 0 {
			b.Fatalf("compared %d of %d, %d changed", cmp.Inquiries, n, cmp.Changed)
		}
	})
}

// comparePooled compares export as "all" does, with a bounded pool: the
// caller's goroutine reads batches of records and hands them to workers
// that evaluate each under both sets, and one goroutine feeds the
// Comparer (which is not safe for concurrent use, and whose comparison
// does not depend on the order it is fed). At most 2×workers batches
// are in flight, so memory stays bounded by the batch size, not the
// export.
func comparePooled(b *testing.B, export []byte, workers int, evaluate func(history.Record) (sla.Status, sla.Status)) report.Comparison {
	const batch = 256
	recs := make(chan []history.Record, workers)
	pairs := make(chan [][2]sla.Status, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rs := range recs {
				out := make([][2]sla.Status, len(rs))
				for i, rec := range rs {
					out[i][0], out[i][1] = evaluate(rec)
				}
				pairs <- out
			}
		}()
	}
	done := make(chan report.Comparison)
	go func() {
		c := report.NewComparer(time.Time{}, time.Time{})
		for ps := range pairs {
			for i := range ps {
				c.Add(&ps[i][0], &ps[i][1])
			}
		}
		done <- c.Comparison()
	}()
	cur := make([]history.Record, 0, batch)
	readAll(b, export, func(rec history.Record) {
		cur = append(cur, rec)
		if len(cur) == batch {
			recs <- cur
			cur = make([]history.Record, 0, batch)
		}
	})
	recs <- cur
	close(recs)
	wg.Wait()
	close(pairs)
	return <-done
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
