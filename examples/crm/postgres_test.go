package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// seedDue inserts n inquiries of tenant straight into the database, as a
// crash right after their creation would leave them: received at
// received, never evaluated, due at due. It returns their IDs.
func seedDue(t testing.TB, db backend, tenant string, n int, received, due time.Time) []string {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	for start := 0; start < n; start += 1000 {
		tx, err := db.begin(ctx)
		require.NoError(t, err)
		for i := start; i < min(n, start+1000); i++ {
			ids[i] = fmt.Sprintf("seed-%06d", i)
			doc, err := json.Marshal(inquiryJSON{ID: ids[i], Channel: sla.Email, Party: sla.Prospect, Received: received})
			require.NoError(t, err)
			ok, _, err := tx.insertInquiry(ctx, newInquiry{tenant: tenant, id: ids[i], doc: doc, requestHash: []byte{0}, answer: []byte("{}")},
				evaluated{evaluatedAt: received.UnixNano(), next: due.UnixNano()})
			require.NoError(t, err)
			require.True(t, ok)
		}
		require.NoError(t, tx.commit())
	}
	return ids
}

// noticeSeed has worker a ask the database for its earliest row, as a
// host calls Wake after writing behind the monitor's back: seedDue sends
// no NOTIFY, and the listening connection's own look (when it connects)
// may come before the seed or after the test moves the clock. Then a's
// timer is set for due, or for its ceiling if that is sooner.
func noticeSeed(t testing.TB, a *app, due time.Time) {
	t.Helper()
	a.mon.Wake(time.Time{})
	armed, ok := a.mon.Armed()
	require.True(t, ok)
	require.False(t, armed.After(due), "armed for %v, after the seeded rows' %v", armed, due)
}

// newWorker runs a sweeping app on db, on its own manual clock at at.
func newWorker(t testing.TB, url string, cfg config, at time.Time) (*app, *clock.Manual) {
	t.Helper()
	db, err := openBackend(context.Background(), url, "")
	require.NoError(t, err)
	clk := clock.NewManual(at)
	a, err := newApp(db, cfg, policies, clk, nyc, log.New(io.Discard, "", 0), true)
	require.NoError(t, err)
	t.Cleanup(func() { a.close() })
	return a, clk
}

// Three workers over one database, their clocks moved together past the
// instant 3,000 inquiries fall due: every row is evaluated exactly once
// (FOR UPDATE SKIP LOCKED hands each to one worker), each worker takes a
// share, and every escalation is recorded once.
func TestPostgresWorkersTakeDisjointBatches(t *testing.T) {
	pg := startPostgres(t)
	url := pg.database("crm")
	const n = 3000
	received := ny(23, 10, 0)
	var workers []*app
	var clocks []*clock.Manual
	for range 3 {
		// Each batch held 20 ms, so that a worker whose goroutine starts
		// late on a busy machine still finds batches left to take.
		a, clk := newWorker(t, url, config{batch: 100, sweepPause: 20 * time.Millisecond}, ny(23, 9, 0))
		workers, clocks = append(workers, a), append(clocks, clk)
	}
	seedDue(t, workers[0].db, "acme", n, received, ny(23, 13, 0)) // the warning
	for _, a := range workers {
		noticeSeed(t, a, ny(23, 13, 0))
	}

	var wg sync.WaitGroup
	for _, clk := range clocks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clk.Set(ny(23, 13, 30)) // past the warning at 13:00, before the breach at 14:00
		}()
	}
	wg.Wait()
	// A worker whose last Earliest skipped rows another held looks again
	// at its next move.
	for _, clk := range clocks {
		clk.Advance(time.Second)
	}
	total := int64(0)
	for i, a := range workers {
		got := a.evaluations.Load()
		t.Logf("worker %d evaluated %d", i, got)
		assert.Positive(t, got, "worker %d took no batch", i)
		total += got
	}
	assert.Equal(t, int64(n), total, "each due row evaluated once")
	assert.Equal(t, int64(n), queryInt(t, &server{app: workers[0]}, `SELECT COUNT(*) FROM escalations WHERE level = 'warn'`).Int64)
	assert.Equal(t, int64(0), queryInt(t, &server{app: workers[0]}, `SELECT COUNT(*) FROM escalations WHERE delivered_at IS NULL`).Int64,
		"every escalation delivered")
	assert.Equal(t, ny(23, 14, 0).UnixNano(), queryInt(t, &server{app: workers[0]}, `SELECT MIN(next_check) FROM inquiries`).Int64,
		"every row due next at its breach")
}

// An event written by an API process wakes the workers of other
// processes through LISTEN/NOTIFY: the worker's monitor is armed for the
// new row's next_check, earlier than its ceiling.
func TestPostgresNotifyWakesWorkers(t *testing.T) {
	pg := startPostgres(t)
	url := pg.database("crm")
	worker, _ := newWorker(t, url, config{ceiling: 24 * time.Hour}, ny(23, 9, 0))
	armed, ok := worker.mon.Armed()
	require.True(t, ok)
	require.Equal(t, ny(24, 9, 0), armed.In(nyc), "nothing due: the ceiling")

	db, err := openBackend(context.Background(), url, "")
	require.NoError(t, err)
	api, err := newApp(db, config{}, policies, clock.NewManual(ny(23, 9, 0)), nyc, log.New(io.Discard, "", 0), false)
	require.NoError(t, err)
	defer api.close()
	require.NoError(t, api.db.setTokens(context.Background(), hashTokens(map[string]string{"acme": "token-of-acme-0001"})))
	res, err := api.create(context.Background(), "acme", []byte(`{"id":"lead-1","channel":"email","party":"prospect"}`))
	require.NoError(t, err)
	require.Equal(t, 201, res.code, "%s", res.body)

	deadline := time.Now().Add(10 * time.Second)
	for {
		if armed, _ := worker.mon.Armed(); armed.Equal(ny(23, 12, 0)) {
			break
		}
		if time.Now().After(deadline) {
			armed, _ := worker.mon.Armed()
			t.Fatalf("worker armed for %v, want the warning at %v", armed.In(nyc), ny(23, 12, 0))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPostgresSameKeyAtOnce: requests under one idempotency key at once,
// on a process that has no cached copy of the inquiry (another made
// it), all get the first answer. The lock path read the key in the
// statement that waited for the row's lock, which under READ COMMITTED
// missed the event committed meanwhile: the insert then failed on the
// key's unique index, a 500.
func TestPostgresSameKeyAtOnce(t *testing.T) {
	url := startPostgres(t).database("crm")
	s, clk, tokens := startOn(t, url, config{})
	tok := tokens["acme"]
	db, err := openBackend(context.Background(), url, "")
	require.NoError(t, err)
	other, err := newApp(db, config{}, policies, clk, nyc, log.New(io.Discard, "", 0), false)
	require.NoError(t, err)
	defer other.close()
	codes := map[int]int{}
	var mu sync.Mutex
	for round := range 20 {
		id := fmt.Sprintf("lead-%d", round)
		res, err := other.create(context.Background(), "acme", []byte(`{"id":"`+id+`","channel":"email","party":"prospect"}`))
		require.NoError(t, err)
		require.Equal(t, 201, res.code)
		k := key()
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &client{base: s.url, token: tok}
				code := c.send("POST", "/inquiries/"+id+"/events", k, eventJSON{Type: sla.CustomerMessage, Channel: sla.Email}, nil)
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		assert.Equal(t, int64(1), queryInt(t, s, `SELECT COUNT(*) FROM events WHERE inquiry_id = '`+id+`'`).Int64, "one event stored for the key")
	}
	assert.Equal(t, map[int]int{200: 80}, codes)
}

// TestPostgresOddIDs: an ID no inquiry can have (a NUL, bytes that are
// not UTF-8), in a path or a cursor, is answered as on SQLite (404, or
// 400 for the cursor), not 500 from a parameter PostgreSQL's text refuses.
func TestPostgresOddIDs(t *testing.T) {
	s, _, tokens := startOn(t, startPostgres(t).database("crm"), config{})
	tok := tokens["acme"]
	for _, path := range []string{"/inquiries/a%00b", "/inquiries/%FF"} {
		code, _ := raw(t, s, "GET", path, tok, "", "")
		assert.Equal(t, http.StatusNotFound, code, path)
		code, _ = raw(t, s, "POST", path+"/events", tok, "application/json", `{"type":"reply","channel":"email"}`, "Idempotency-Key", "k1")
		assert.Equal(t, http.StatusNotFound, code, path)
	}
	after := base64.RawURLEncoding.EncodeToString([]byte(`[0,"a\u0000","",""]`))
	code, out := raw(t, s, "GET", "/escalations?after="+after, tok, "", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "after", out["field"], "%v", out)
}

// TestPostgresHeldRowLetGo: a due row another transaction held while a
// worker swept, and then let go unchanged (a rolled-back write, a worker
// killed in its batch, a survey's key share), is swept within heldPause
// of the sweep, not at the ceiling: no notification comes when a
// transaction rolls back, and earliest skipped the row while it was held.
func TestPostgresHeldRowLetGo(t *testing.T) {
	pg := startPostgres(t)
	url := pg.database("crm")
	worker, clk := newWorker(t, url, config{ceiling: 24 * time.Hour}, ny(23, 9, 0))
	seedDue(t, worker.db, "acme", 1, ny(23, 10, 0), ny(23, 13, 0))
	warnings := func() int64 {
		return queryInt(t, &server{app: worker}, `SELECT COUNT(*) FROM escalations WHERE level = 'warn'`).Int64
	}

	noticeSeed(t, worker, ny(23, 13, 0))

	ctx := context.Background()
	holder := pg.connect(url)
	defer holder.Close(ctx)
	tx, err := holder.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT 1 FROM inquiries WHERE tenant = 'acme' FOR UPDATE`)
	require.NoError(t, err)

	clk.Set(ny(23, 13, 0)) // the row is due and held: the sweep skips it
	assert.Equal(t, int64(0), warnings())
	armed, ok := worker.mon.Armed()
	require.True(t, ok)
	assert.Equal(t, ny(23, 13, 0).Add(heldPause), armed.In(nyc), "the held row counts from now+heldPause")

	require.NoError(t, tx.Rollback(ctx)) // let go unchanged, with no NOTIFY
	clk.Advance(heldPause)
	assert.Equal(t, int64(1), warnings(), "swept within heldPause of the sweep that skipped it")
	armed, _ = worker.mon.Armed()
	assert.Equal(t, ny(23, 14, 0), armed.In(nyc), "next, the breach")

	// A held row due later than now+heldPause keeps its own instant.
	tx, err = holder.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT 1 FROM inquiries WHERE tenant = 'acme' FOR UPDATE`)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	at, ok, err := worker.Earliest(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, ny(23, 14, 0), at.In(nyc))
}

// TestPostgresServerRestarted: right after the server restarts (as after
// a crash), every connection the pool holds is dead. A request that draws
// one is sent again on a new connection, once, after the pool is reset;
// none answers 500, and a request that still finds the database gone is
// answered 503 with Retry-After, which its idempotency key makes safe to
// follow. Before, each dead connection failed a request with 500.
func TestPostgresServerRestarted(t *testing.T) {
	pg := startPostgres(t)
	s, _, tokens := startOn(t, pg.database("crm"), config{})
	tok := tokens["acme"]
	burst := func(round string) map[int]int {
		codes := map[int]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("%s-%02d", round, i)
				req, err := http.NewRequest("POST", s.url+"/inquiries", strings.NewReader(`{"id":"`+id+`","channel":"email","party":"prospect"}`))
				require.NoError(t, err)
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusServiceUnavailable {
					assert.Equal(t, "1", res.Header.Get("Retry-After"))
				}
				mu.Lock()
				codes[res.StatusCode]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return codes
	}
	require.Equal(t, map[int]int{http.StatusCreated: 16}, burst("before"), "the pool filled")
	pg.restart()
	after := burst("after")
	t.Logf("after the restart: %v", after)
	assert.Zero(t, after[http.StatusInternalServerError], "no 500")
	assert.Equal(t, 16, after[http.StatusCreated]+after[http.StatusServiceUnavailable], "201 or 503")
	assert.Equal(t, map[int]int{http.StatusCreated: 16}, burst("then"))

	// The server gone: 503 with Retry-After, not 500.
	pg.run("pg_ctl", "stop", "-D", pg.data(), "-m", "immediate", "-w")
	assert.Equal(t, map[int]int{http.StatusServiceUnavailable: 16}, burst("gone"))
}

// TestPostgresOrderIsBytes: on a database whose collation is a language's
// (ICU en-US, where "B" sorts after "a" and "_x" after "9:v"), inquiries and
// escalations are still listed in the bytes' order, as on SQLite, so that
// the stores page alike: the ID, obligation and level columns are COLLATE
// "C". Escalations at one instant are ordered by inquiry.
func TestPostgresOrderIsBytes(t *testing.T) {
	pg := startPostgres(t)
	conn := pg.connect()
	_, err := conn.Exec(context.Background(), `CREATE DATABASE icu TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`)
	require.NoError(t, err)
	conn.Close(context.Background())
	url := "postgres://postgres@/icu?host=" + pg.dir + "&sslmode=disable"

	// Two inquiries stored under the schema of before (migrations 1 to 3),
	// so that the migration is run over rows and their keys.
	ctx := context.Background()
	conn = pg.connect(url)
	ms, err := migrations("postgres")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
	require.NoError(t, err)
	require.Equal(t, 3, ms[2].version)
	for _, m := range ms[:3] {
		_, err = conn.Exec(ctx, m.sql)
		require.NoError(t, err, m.name)
		_, err = conn.Exec(ctx, `INSERT INTO schema_migrations VALUES ($1, $2)`, m.version, m.name)
		require.NoError(t, err)
	}
	ids := []string{"b", "B", "a", "A", "_x", "~y", ".w", "Z", "z1", "z-2", "9:v"}
	for _, id := range ids[:2] {
		doc, err := json.Marshal(inquiryJSON{ID: id, Channel: sla.Email, Party: sla.Prospect, Received: ny(23, 9, 0)})
		require.NoError(t, err)
		_, err = conn.Exec(ctx, `INSERT INTO inquiries (tenant, id, inquiry, request_hash, answer, evaluated_at, next_check) VALUES ('acme', $1, $2, '\x00', '{}', $3, $3)`,
			id, string(doc), ny(23, 9, 0).UnixNano())
		require.NoError(t, err)
	}
	conn.Close(ctx)

	s, clk, tokens := startOn(t, url, config{})
	tok := tokens["acme"]
	for _, id := range ids[2:] {
		code, out := raw(t, s, "POST", "/inquiries", tok, "application/json", `{"id":"`+id+`","channel":"email","party":"prospect","received":"2026-11-23T09:00:00-05:00"}`)
		require.Equal(t, http.StatusCreated, code, "%v", out)
	}
	want := slices.Clone(ids)
	slices.Sort(want) // bytes' order

	recs, _ := exportAll(t, s, tok, "", 3)
	var exported []string
	for _, r := range recs {
		exported = append(exported, r.Inquiry.ID)
	}
	assert.Equal(t, want, exported, "export's pages")

	clk.Set(ny(23, 12, 30)) // every inquiry's warning fires at one instant
	var listed []string
	after := ""
	for range 20 {
		code, out := raw(t, s, "GET", "/escalations?limit=4"+after, tok, "", "")
		require.Equal(t, http.StatusOK, code, "%v", out)
		for _, e := range out["escalations"].([]any) {
			listed = append(listed, e.(map[string]any)["inquiry"].(string))
		}
		next, _ := out["next"].(string)
		if next == "" {
			break
		}
		after = "&after=" + next
	}
	assert.Equal(t, want, listed, "escalations at one instant, by inquiry")
}
