package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// The figures of README.md come from these benchmarks (127.0.0.1 only,
// bounded in count):
//
//	go test -run '^$' -bench . -benchtime 1x ./   # the sweeps: 20,000 due inquiries each
//	go test -run '^$' -bench 'Ingest|PostAt' ./
//
// The PostgreSQL ones start a cluster of their own, as the tests do.

// sweepN is how many due inquiries a sweep benchmark sweeps.
const sweepN = 20000

// addEvents appends the same few events to each inquiry straight into the
// database: a log of a typical length (an acknowledgement, an
// assignment, a customer's message).
func addEvents(t testing.TB, db backend, tenant string, ids []string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	events := []eventJSON{
		{Time: at, Type: sla.AutoReply, Channel: sla.Email},
		{Time: at, Type: sla.Assign, Owner: "ann"},
		{Time: at.Add(time.Minute), Type: sla.CustomerMessage, Channel: sla.Email},
	}
	for start := 0; start < len(ids); start += 1000 {
		tx, err := db.begin(ctx)
		require.NoError(t, err)
		var rows []evaluated
		for _, id := range ids[start:min(len(ids), start+1000)] {
			for i, e := range events {
				doc, _ := json.Marshal(e)
				require.NoError(t, tx.insertEvent(ctx, newEvent{tenant: tenant, id: id, seq: i + 1, doc: doc, key: fmt.Sprint(i), requestHash: []byte{0}, answer: []byte("{}")}))
			}
			rows = append(rows, evaluated{tenant: tenant, id: id, eventCount: len(events), evaluatedAt: at.UnixNano(), next: ny(23, 13, 0).UnixNano()})
		}
		_, err = tx.save(ctx, rows)
		require.NoError(t, err)
		require.NoError(t, tx.commit())
	}
}

// sweepAll sweeps with workers apps at once until none has more, and
// returns the inquiries evaluated per second.
func sweepAll(b *testing.B, workers []*app, now time.Time) float64 {
	b.Helper()
	start := time.Now()
	var wg sync.WaitGroup
	for _, a := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, more, err := a.Sweep(context.Background(), now)
				if err != nil {
					b.Error(err)
					return
				}
				if !more {
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var n int64
	for _, a := range workers {
		n += a.evaluations.Load()
	}
	if n != sweepN {
		b.Fatalf("evaluated %d, want %d", n, sweepN)
	}
	return float64(n) / elapsed.Seconds()
}

// A sweep of 20,000 due inquiries of 3 events each, each firing a level,
// by a process that has not seen them (its cache is cold): claimed,
// evaluated and written back in batches of 500, one transaction each.
func BenchmarkSweepSQLite(b *testing.B) {
	for range b.N {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "crm.db")
		db, err := openSQLite(path, syncFull)
		require.NoError(b, err)
		ids := seedDue(b, db, "acme", sweepN, ny(23, 10, 0), ny(23, 13, 0))
		addEvents(b, db, "acme", ids, ny(23, 10, 0))
		a, err := newApp(db, config{}, policies, clock.NewManual(ny(23, 9, 0)), nyc, log.New(io.Discard, "", 0), false)
		require.NoError(b, err)
		b.StartTimer()
		b.ReportMetric(sweepAll(b, []*app{a}, ny(23, 13, 30)), "inquiries/s")
		b.StopTimer()
		a.close()
	}
}

// The same on PostgreSQL, with 1, 2 and 4 workers (each a pool of its
// own) sweeping one database.
func BenchmarkSweepPostgres(b *testing.B) {
	pg := startPostgres(b)
	runs := 0 // -count runs each sub-benchmark again on the same cluster
	for _, workers := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for i := range b.N {
				b.StopTimer()
				runs++
				url := pg.database(fmt.Sprintf("sweep_%d_%d_%d", workers, i, runs))
				var apps []*app
				for range workers {
					db, err := openPostgres(context.Background(), url)
					require.NoError(b, err)
					a, err := newApp(db, config{}, policies, clock.NewManual(ny(23, 9, 0)), nyc, log.New(io.Discard, "", 0), false)
					require.NoError(b, err)
					apps = append(apps, a)
				}
				ids := seedDue(b, apps[0].db, "acme", sweepN, ny(23, 10, 0), ny(23, 13, 0))
				addEvents(b, apps[0].db, "acme", ids, ny(23, 10, 0))
				// As in a database that has run for a while: statistics.
				_, err := apps[0].db.(*pgDB).pool.Exec(context.Background(), `ANALYZE`)
				require.NoError(b, err)
				b.StartTimer()
				rate := sweepAll(b, apps, ny(23, 13, 30))
				b.StopTimer()
				b.ReportMetric(rate, "inquiries/s")
				b.ReportMetric(rate/float64(workers), "inquiries/s/worker")
				for _, a := range apps {
					a.close()
				}
			}
		})
	}
}

// Events posted over HTTP on SQLite by 8 clients at once, each to
// inquiries of its own, each under a new idempotency key, a millisecond
// of the manual clock apart.
func BenchmarkIngestSQLite(b *testing.B) {
	// Each client posts with Go's HTTP client, or writes its requests
	// to a kept connection and reads the answers itself, as a load
	// program such as wrk does. The clients share the server's 2 cores:
	// Go's client took 17 % of the benchmark's CPU (this one 9 %), and
	// it hands each request to two goroutines of its own, a writer and
	// a reader per connection, each of which must be woken.
	// With -sync full (the default) every commit waits for the disk's
	// flush; with -sync normal it does not (an acknowledged write then
	// survives the process's crash, not a power loss).
	for _, mode := range []string{syncFull, syncNormal} {
		b.Run("sync="+mode, func(b *testing.B) {
			for _, lean := range []bool{false, true} {
				name := "client=net-http"
				if lean {
					name = "client=conn"
				}
				b.Run(name, func(b *testing.B) { benchmarkIngest(b, mode, lean) })
			}
		})
	}
}

func benchmarkIngest(b *testing.B, mode string, lean bool) {
	clk := clock.NewManual(ny(23, 9, 0))
	path := filepath.Join(b.TempDir(), "crm.db")
	defer writerSlot(path)() // as serve does: the name's "-2" is one slot short
	s, err := start(path, config{sync: mode}, policies, clk, log.New(io.Discard, "", 0))
	require.NoError(b, err)
	defer s.kill()
	token := newToken()
	require.NoError(b, s.app.db.setTokens(context.Background(), hashTokens(map[string]string{"acme": token})))
	const clients, perClient = 8, 50
	for i := range clients {
		c := &client{base: s.url, token: token}
		for j := range perClient {
			c.post("/inquiries", inquiryJSON{ID: fmt.Sprintf("c%d-%d", i, j), Channel: sla.Email, Party: sla.Customer})
		}
		require.NoError(b, c.err)
	}
	// Each client keeps its connection (the default transport keeps
	// only two idle ones per host).
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hcl := &client{base: s.url, token: token, hc: hc}
			post, failed := hcl.eventKey, func() error { return hcl.err }
			if lean {
				rc, err := dialRaw(s.url, token)
				if err != nil {
					b.Error(err)
					return
				}
				defer rc.close()
				post, failed = rc.event, func() error { return rc.err }
			}
			for n := i; n < b.N; n += clients {
				// Time moves on between a client's events, as it does
				// for a server on the system clock: an event at the
				// instant its inquiry was last evaluated at would
				// replay the log (see evaluator.evaluate).
				clk.Advance(time.Millisecond)
				e := eventJSON{Type: sla.CustomerMessage, Channel: sla.Email}
				if n%2 == 1 {
					e = eventJSON{Type: sla.Assign, Owner: "ann"}
				}
				post(fmt.Sprintf("c%d-%d", i, (n/clients)%perClient), newKey(), e)
				if err := failed(); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// rawClient posts events on one kept HTTP/1.1 connection, writing each
// request and reading its answer in the calling goroutine.
type rawClient struct {
	conn  net.Conn
	r     *bufio.Reader
	host  string
	token string
	buf   []byte
	err   error
}

// dialRaw connects to the server at base ("http://127.0.0.1:port").
func dialRaw(base, token string) (*rawClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		return nil, err
	}
	return &rawClient{conn: conn, r: bufio.NewReader(conn), host: u.Host, token: token}, nil
}

func (c *rawClient) close() { c.conn.Close() }

// event posts e under key; the first error is kept in c.err, and the
// calls after it do nothing.
func (c *rawClient) event(id, key string, e eventJSON) compactStatus {
	var st compactStatus
	if c.err != nil {
		return st
	}
	body, err := json.Marshal(e)
	if err != nil {
		c.err = err
		return st
	}
	b := c.buf[:0]
	b = fmt.Appendf(b, "POST /inquiries/%s/events HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Idempotency-Key: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		id, c.host, c.token, key, len(body))
	b = append(b, body...)
	c.buf = b
	if _, err := c.conn.Write(b); err != nil {
		c.err = err
		return st
	}
	res, err := http.ReadResponse(c.r, nil)
	if err != nil {
		c.err = err
		return st
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		c.err = fmt.Errorf("POST /inquiries/%s/events: %s: %s", id, res.Status, msg)
		return st
	}
	c.err = json.NewDecoder(res.Body).Decode(&st)
	return st
}

// The cost of one POST of an event, over HTTP on SQLite, to an inquiry
// whose log already holds 10 or 10,000 events (customer messages and
// replies in turn: each message opens a next_reply obligation).
func BenchmarkPostAt(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			clk := clock.NewManual(ny(23, 9, 0))
			s, err := start(filepath.Join(b.TempDir(), "crm.db"), config{maxEvents: 1 << 20, backdate: 1 << 62}, policies, clk, log.New(io.Discard, "", 0))
			require.NoError(b, err)
			defer s.kill()
			token := newToken()
			require.NoError(b, s.app.db.setTokens(context.Background(), hashTokens(map[string]string{"acme": token})))
			c := &client{base: s.url, token: token}
			c.post("/inquiries", inquiryJSON{ID: "long", Channel: sla.Email, Party: sla.Customer, Received: ny(23, 9, 0)})
			require.NoError(b, c.err)
			event := func(i int) eventJSON {
				if i%2 == 0 {
					return eventJSON{Type: sla.CustomerMessage, Channel: sla.Email}
				}
				return eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "ann"}
			}
			// The log is built through the API, a second apart.
			for i := range n {
				clk.Advance(time.Second)
				c.event("long", event(i))
			}
			require.NoError(b, c.err)
			b.ResetTimer()
			for i := range b.N {
				clk.Advance(time.Second)
				c.event("long", event(n+i))
			}
			require.NoError(b, c.err)
		})
	}
}
