package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// An event is evaluated first on the cached log and kept only if the row
// is still at the cached version. A cache behind the row — by an event
// (another process appended) or by an escalation only (a sweep recorded
// one) — makes the write evaluate again under the lock: the event is
// stored once, at the next sequence number, with the answer of the
// stored log, and nothing is left of the first try.
func TestAppendOnACacheBehindTheRow(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	c := &client{base: s.url, token: tokens["acme"]}
	c.post("/inquiries", inquiryJSON{ID: "a", Channel: sla.Email, Party: sla.Prospect})
	c.event("a", eventJSON{Type: sla.Assign, Owner: "ann"})
	require.NoError(t, c.err)
	cache := s.app.cache
	v1, in1, ok := cache.latest("acme", "a")
	require.True(t, ok)
	require.Equal(t, version{1, 0}, v1)

	// Behind by an event.
	c.event("a", eventJSON{Type: sla.CustomerMessage, Channel: sla.Email})
	cache.put("acme", "a", v1, in1)
	before := s.app.evaluations.Load()
	st := c.event("a", eventJSON{Type: sla.Assign, Owner: "bob"})
	require.NoError(t, c.err)
	assert.Equal(t, int64(2), s.app.evaluations.Load()-before, "evaluated on the cache, then again under the lock")
	assert.Equal(t, 3, st.Events)
	assert.Equal(t, "bob", c.status("a").Owner)
	assert.Equal(t, int64(3), queryInt(t, s, `SELECT COUNT(*) FROM events WHERE inquiry_id = 'a'`).Int64)
	assert.Equal(t, int64(3), queryInt(t, s, `SELECT MAX(seq) FROM events WHERE inquiry_id = 'a'`).Int64)

	// Behind by an escalation: the sweep at 13:30 records the first
	// reply's warning and breach (the prospect's first reply is due at
	// 13:00), which the cache kept before does not know.
	v3, in3, ok := cache.latest("acme", "a")
	require.True(t, ok)
	clk.Set(ny(23, 13, 30))
	require.Len(t, c.escalations(), 2)
	v, _, _ := cache.latest("acme", "a")
	require.NotEqual(t, v3.sealedAt, v.sealedAt, "the sweep kept the new version")
	cache.put("acme", "a", v3, in3)
	before = s.app.evaluations.Load()
	st = c.event("a", eventJSON{Type: sla.Reply, Channel: sla.Email})
	require.NoError(t, c.err)
	assert.Equal(t, int64(2), s.app.evaluations.Load()-before)
	assert.Equal(t, 4, st.Events)
	assert.Equal(t, int64(4), queryInt(t, s, `SELECT COUNT(*) FROM events WHERE inquiry_id = 'a'`).Int64)
	assert.Len(t, c.escalations(), 2, "each escalation recorded once")
	first := c.status("a").Obligations[0]
	assert.Equal(t, "first_reply", first.Key.String())
	assert.Equal(t, sla.MetLate, first.State, "replied after the breach")

	// A cache at the row's version: one evaluation.
	before = s.app.evaluations.Load()
	st = c.event("a", eventJSON{Type: sla.CustomerMessage, Channel: sla.Email})
	require.NoError(t, c.err)
	assert.Equal(t, int64(1), s.app.evaluations.Load()-before)
	assert.Equal(t, 5, st.Events)
}

// Requests appending to one inquiry at once, on the same cached log, are
// each stored once, in some order, the log numbered without a gap (the
// race detector checks that evaluations sharing a cached log change
// nothing another sees).
func TestAppendsAtOnceToOneInquiry(t *testing.T) {
	clk := clock.NewManual(ny(23, 9, 0))
	s, err := start(filepath.Join(t.TempDir(), "crm.db"), config{}, policies, clk, log.New(io.Discard, "", 0))
	require.NoError(t, err)
	t.Cleanup(s.kill)
	appendsAtOnce(t, s)
}

func appendsAtOnce(t *testing.T, s *server) {
	t.Helper()
	token := addTokens(t, s, "acme")["acme"]
	c := &client{base: s.url, token: token}
	c.post("/inquiries", inquiryJSON{ID: "busy", Channel: sla.Email, Party: sla.Customer})
	require.NoError(t, c.err)
	const clients, each = 8, 15
	var wg sync.WaitGroup
	errs := make([]error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &client{base: s.url, token: token}
			for j := range each {
				e := eventJSON{Type: sla.Assign, Owner: fmt.Sprintf("owner-%d-%d", i, j)}
				if j%2 == 0 {
					e = eventJSON{Type: sla.CustomerMessage, Channel: sla.Email}
				}
				c.event("busy", e)
			}
			errs[i] = c.err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, clients*each, c.status("busy").Events)
	assert.Equal(t, int64(clients*each), queryInt(t, s, `SELECT COUNT(*) FROM events WHERE inquiry_id = 'busy'`).Int64)
	assert.Equal(t, int64(clients*each), queryInt(t, s, `SELECT MAX(seq) FROM events WHERE inquiry_id = 'busy'`).Int64)
}

// The same on PostgreSQL, where each request has a transaction of its
// own and the row's lock orders them.
func TestPostgresAppendsAtOnceToOneInquiry(t *testing.T) {
	s, _, _ := startOn(t, startPostgres(t).database("crm"), config{})
	appendsAtOnce(t, s)
}

// Writes queued behind the committer when the back end closes are each
// answered — committed, or refused as shutting down — and so is a write
// that comes after: none waits for ever. The committer is held inside a
// write while the others queue, so that the queue holds them at close.
func TestWritesQueuedAtCloseAreAnswered(t *testing.T) {
	db, err := openSQLite(filepath.Join(t.TempDir(), "crm.db"), syncFull)
	require.NoError(t, err)
	a, err := newApp(db, config{}, policies, clock.NewManual(ny(23, 9, 0)), nyc, log.New(io.Discard, "", 0), false)
	require.NoError(t, err)
	held, release := make(chan struct{}), make(chan struct{})
	ok := func(context.Context, txn) (result, error) { return result{code: 200}, nil }
	answers := make(chan error, 2*maxGroup)
	go func() {
		_, err := a.write(context.Background(), func(context.Context, txn) (result, error) {
			close(held)
			<-release
			return result{code: 200}, nil
		})
		answers <- err
	}()
	<-held
	const queued = maxGroup - 1 // as many as the queue holds
	for range queued {
		go func() {
			_, err := a.write(context.Background(), ok)
			answers <- err
		}()
	}
	require.Eventually(t, func() bool { return len(a.writes) == queued }, 5*time.Second, time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- a.close() }()
	require.Eventually(t, func() bool {
		select {
		case <-a.stopWrite:
			return true
		default:
			return false
		}
	}, 5*time.Second, time.Millisecond)
	close(release)
	// One more, after close began.
	go func() {
		_, err := a.write(context.Background(), ok)
		answers <- err
	}()
	refused := 0
	for range queued + 2 {
		select {
		case err := <-answers:
			if err != nil {
				require.ErrorIs(t, err, errShuttingDown)
				refused++
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a write queued at close was never answered")
		}
	}
	require.NoError(t, <-closed)
	assert.GreaterOrEqual(t, refused, 1, "the write after close began")
}

// Migration 0004 moves the events of a database made before it into the
// table in arrival order: every log reads back as it was, in order, a
// retried idempotency key gets its first answer, and events append.
func TestSQLiteEventsMigrateToArrivalOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.db")
	clk := clock.NewManual(ny(23, 9, 0))
	s, err := start(path, config{}, policies, clk, log.New(io.Discard, "", 0))
	require.NoError(t, err)
	token := addTokens(t, s, "acme")["acme"]
	c := &client{base: s.url, token: token}
	for _, id := range []string{"b", "a", "c"} {
		c.post("/inquiries", inquiryJSON{ID: id, Channel: sla.Email, Party: sla.Customer})
	}
	var first compactStatus
	for i := range 6 {
		clk.Advance(time.Minute)
		id := []string{"a", "b", "c"}[i%3]
		st := c.eventKey(id, fmt.Sprintf("k%d", i), eventJSON{Type: sla.CustomerMessage, Channel: sla.Email})
		if i == 0 {
			first = st
		}
	}
	require.NoError(t, c.err)
	before := map[string]statusJSON{}
	for _, id := range []string{"a", "b", "c"} {
		before[id] = c.status(id)
	}
	// Back to the table as it was before 0004, events interleaved.
	execSQL(t, s, `CREATE TABLE events_old (
		tenant TEXT NOT NULL, inquiry_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,
		idem_key TEXT NOT NULL, request_hash BLOB NOT NULL, answer BLOB NOT NULL,
		PRIMARY KEY (tenant, inquiry_id, seq), UNIQUE (tenant, inquiry_id, idem_key),
		FOREIGN KEY (tenant, inquiry_id) REFERENCES inquiries (tenant, id)) WITHOUT ROWID;
		INSERT INTO events_old SELECT tenant, inquiry_id, seq, event, idem_key, request_hash, answer FROM events;
		DROP TABLE events;
		ALTER TABLE events_old RENAME TO events;
		DELETE FROM schema_migrations WHERE version = 4`)
	s.kill()

	s, err = start(path, config{}, policies, clk, log.New(io.Discard, "", 0))
	require.NoError(t, err)
	t.Cleanup(s.kill)
	assert.Equal(t, int64(1), queryInt(t, s, `SELECT COUNT(*) FROM schema_migrations WHERE version = 4`).Int64)
	assert.Equal(t, int64(0), queryInt(t, s, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'events' AND sql LIKE '%WITHOUT ROWID%'`).Int64)
	assert.Equal(t, int64(2), queryInt(t, s, `SELECT COUNT(*) FROM pragma_index_list('events') WHERE "unique"`).Int64, "the key's and the idempotency key's")
	assert.Equal(t, int64(0), queryInt(t, s, `SELECT COUNT(*) FROM pragma_foreign_key_check('events')`).Int64)
	for _, dup := range []string{
		`INSERT INTO events SELECT tenant, inquiry_id, seq, event, 'other', request_hash, answer FROM events LIMIT 1`,
		`INSERT INTO events SELECT tenant, inquiry_id, seq + 100, event, idem_key, request_hash, answer FROM events LIMIT 1`,
	} {
		_, err := sqliteOf(s).w.Exec(dup)
		assert.ErrorContains(t, err, "UNIQUE constraint failed", dup)
	}
	c = &client{base: s.url, token: token}
	for _, id := range []string{"a", "b", "c"} {
		assert.Equal(t, before[id], c.status(id), id)
	}
	again := c.eventKey("a", "k0", eventJSON{Type: sla.CustomerMessage, Channel: sla.Email})
	require.NoError(t, c.err)
	assert.Equal(t, first, again, "the first answer")
	clk.Advance(time.Minute)
	st := c.event("a", eventJSON{Type: sla.Reply, Channel: sla.Email, Actor: "ann"})
	require.NoError(t, c.err)
	assert.Equal(t, 3, st.Events)
	assert.Equal(t, int64(7), queryInt(t, s, `SELECT COUNT(*) FROM events`).Int64)
}

// An append that leaves next_check as the cache knows it leaves the
// column alone (on SQLite its index is not written); a next_check moved
// behind the cache's back (the version the same) makes the write go
// under the lock and store the next the log gives.
func TestAppendLeavesAnUnmovedNextCheck(t *testing.T) {
	s, _, tokens := startSQLite(t, config{})
	c := &client{base: s.url, token: tokens["acme"]}
	c.post("/inquiries", inquiryJSON{ID: "a", Channel: sla.Email, Party: sla.Prospect})
	require.NoError(t, c.err)
	next := queryInt(t, s, `SELECT next_check FROM inquiries WHERE id = 'a'`)
	require.True(t, next.Valid)
	_, in, ok := s.app.cache.latest("acme", "a")
	require.True(t, ok)
	assert.True(t, in.nextKnown, "the create's input knows what it stored")
	assert.Equal(t, next.Int64, in.storedNext)

	// An assign moves nothing due: one evaluation, next_check as it was.
	before := s.app.evaluations.Load()
	c.event("a", eventJSON{Type: sla.Assign, Owner: "ann"})
	require.NoError(t, c.err)
	assert.Equal(t, int64(1), s.app.evaluations.Load()-before)
	assert.Equal(t, next, queryInt(t, s, `SELECT next_check FROM inquiries WHERE id = 'a'`))

	// Moved behind the cache's back: evaluated again under the lock, and
	// the next the log gives is stored.
	execSQL(t, s, `UPDATE inquiries SET next_check = next_check + 1 WHERE id = 'a'`)
	before = s.app.evaluations.Load()
	st := c.event("a", eventJSON{Type: sla.Assign, Owner: "bob"})
	require.NoError(t, c.err)
	assert.Equal(t, int64(2), s.app.evaluations.Load()-before)
	assert.Equal(t, 2, st.Events)
	assert.Equal(t, next, queryInt(t, s, `SELECT next_check FROM inquiries WHERE id = 'a'`))

	// A reply moves it: set, in one evaluation.
	before = s.app.evaluations.Load()
	c.event("a", eventJSON{Type: sla.Reply, Channel: sla.Email})
	require.NoError(t, c.err)
	assert.Equal(t, int64(1), s.app.evaluations.Load()-before)
	assert.NotEqual(t, next, queryInt(t, s, `SELECT next_check FROM inquiries WHERE id = 'a'`))
	_, in, _ = s.app.cache.latest("acme", "a")
	moved := queryInt(t, s, `SELECT next_check FROM inquiries WHERE id = 'a'`)
	assert.True(t, in.nextKnown)
	assert.Equal(t, moved.Int64, in.storedNext, "0 for NULL") // NullInt64 holds 0 when NULL
}
