package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgChannel is the LISTEN/NOTIFY channel on which writers say when
// something is due (Unix ns, as text); workers listen on it.
const pgChannel = "replyby_due"

// pgChangeChannel is the channel on which writers and sweepers name the
// tenant whose inquiries changed; the boards' update streams listen on it.
const pgChangeChannel = "replyby_changed"

// pgMigrationLock is the advisory lock key that serializes the migrations
// of processes starting together.
const pgMigrationLock = 7250412

// pgDB is the back end on PostgreSQL: any number of processes, API and
// workers, over one database. Writes lock their inquiry's row
// (SELECT ... FOR UPDATE); sweeps claim due rows in batches with
// FOR UPDATE SKIP LOCKED, so that workers take disjoint batches and no
// one waits, and write each batch back with one statement per table.
type pgDB struct {
	pool *pgxpool.Pool
	url  string
	log  *log.Logger // the listener's reconnections
}

// openPostgres connects to the database at url and applies the
// migrations it lacks.
func openPostgres(ctx context.Context, url string) (*pgDB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("-db: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d := &pgDB{pool: pool, url: url, log: log.New(log.Writer(), "crm: ", log.LstdFlags)}
	if err := d.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return d, nil
}

// migrate applies the migrations not yet recorded, in one transaction
// under an advisory lock, so that processes starting together apply each
// once.
func (d *pgDB) migrate(ctx context.Context) error {
	ms, err := migrations("postgres")
	if err != nil {
		return err
	}
	tx, err := d.beginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgMigrationLock); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return err
	}
	for _, m := range ms {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

func (d *pgDB) groupCommit() bool { return false }

func (d *pgDB) close() error {
	d.pool.Close()
	return nil
}

// beginTx starts a transaction, on a second connection if the first was
// lost (retried): a BEGIN that failed did nothing.
func (d *pgDB) beginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	var tx pgx.Tx
	err := d.retried(ctx, func() (err error) {
		tx, err = d.pool.BeginTx(ctx, opts)
		return err
	})
	return tx, err
}

// retried runs f, and once more if it failed because its connection was
// lost (connectionLost), first resetting the pool: after the server
// restarts, every connection the pool holds is dead, and each would
// otherwise fail a request of its own. f must be safe to run twice (a
// read, a BEGIN, a write that changes nothing the second time).
func (d *pgDB) retried(ctx context.Context, f func() error) error {
	err := f()
	if ctx.Err() != nil || !connectionLost(err) {
		return err
	}
	d.pool.Reset()
	return f()
}

// unavailable implements backend: the connection to the server was lost.
func (d *pgDB) unavailable(err error) bool { return connectionLost(err) }

// connectionLost reports whether err is a failure of the connection to
// the server rather than an answer from it: a connection refused, cut or
// closed, or the server shutting down, crashed or starting up (SQLSTATE
// class 08, 57P01–57P03). A context's end is not: the request gave up.
func connectionLost(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return pgconn.SafeToRetry(err) || errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

func (d *pgDB) begin(ctx context.Context) (txn, error) {
	tx, err := d.beginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return nil, err
	}
	return &pgTx{tx: tx}, nil
}

// heldPause is how long after now earliest puts a row another
// transaction holds, if no row free is due before: soon enough that a
// row let go with no notification (a rolled-back write, a worker killed
// in the middle of its batch) is swept within it, not at the ceiling,
// and late enough that a worker does not look again and again while
// another sweeps a batch.
const heldPause = 250 * time.Millisecond

// earliest reads the earliest instant of the rows no transaction holds
// (FOR UPDATE SKIP LOCKED, as claimDue takes them) and of all rows. A row
// held (a batch being swept, an event being written) is not due for this
// worker while it is held, and taking it for due would make the worker
// sweep again at once for nothing; but the holder may let it go
// unchanged, and then nothing wakes this worker. So a held row earlier
// than every free one counts from now+heldPause, or its own instant if
// that is later.
func (d *pgDB) earliest(ctx context.Context, now int64) (int64, bool, error) {
	var free, all [2]*int64
	err := d.retried(ctx, func() error {
		return d.pool.QueryRow(ctx, `SELECT
		(SELECT next_check FROM inquiries WHERE next_check IS NOT NULL ORDER BY next_check LIMIT 1 FOR UPDATE SKIP LOCKED),
		(SELECT next_check FROM inquiries WHERE next_check IS NOT NULL ORDER BY next_check LIMIT 1),
		(SELECT lease_until FROM escalations WHERE delivered_at IS NULL ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED),
		(SELECT lease_until FROM escalations WHERE delivered_at IS NULL ORDER BY lease_until LIMIT 1)`).Scan(&free[0], &all[0], &free[1], &all[1])
	})
	if err != nil {
		return 0, false, err
	}
	held := now + int64(heldPause)
	if held < now {
		held = math.MaxInt64
	}
	var at int64
	found := false
	for i := range free {
		t, ok := earliestOf(free[i], all[i], held)
		if ok && (!found || t < at) {
			at, found = t, true
		}
	}
	return at, found, nil
}

// earliestOf is the earliest instant of one table: the free row's, or the
// held row's no earlier than held, whichever is sooner.
func earliestOf(free, all *int64, held int64) (int64, bool) {
	switch {
	case all == nil:
		return 0, false
	case free != nil && *free == *all:
		return *free, true
	}
	at := max(*all, held)
	if free != nil {
		at = min(at, *free)
	}
	return at, true
}

// watch listens on pgChannel on a connection of its own, reconnecting
// (with wake(0), since notifications may have been missed) when it is
// cut.
func (d *pgDB) watch(wake func(int64)) func() {
	return d.listenLoop(pgChannel, func() { wake(0) }, func(payload string) {
		ns, err := strconv.ParseInt(payload, 10, 64)
		if err != nil {
			ns = 0
		}
		wake(ns)
	})
}

// watchChanges listens on pgChangeChannel, as watch does on pgChannel;
// after a reconnection it calls changed("").
func (d *pgDB) watchChanges(changed func(string)) func() {
	return d.listenLoop(pgChangeChannel, func() { changed("") }, changed)
}

// listenLoop listens on channel on a connection of its own until stopped,
// calling connected after each (re)connection and got with each payload;
// when the connection is cut it reconnects with a backoff.
func (d *pgDB) listenLoop(channel string, connected func(), got func(payload string)) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		backoff := 100 * time.Millisecond
		for {
			err := d.listen(ctx, channel, connected, got, &backoff)
			if ctx.Err() != nil {
				return
			}
			d.log.Printf("listen %s: %v; again in %v", channel, err, backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func (d *pgDB) listen(ctx context.Context, channel string, connected func(), got func(string), backoff *time.Duration) error {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	*backoff = 100 * time.Millisecond
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		got(n.Payload)
	}
}

func (d *pgDB) readLog(ctx context.Context, tenant, id string, need func(int) bool) (inquiryRow, [][]byte, error) {
	tx, err := d.beginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return inquiryRow{}, nil, err
	}
	defer tx.Rollback(ctx)
	row := inquiryRow{tenant: tenant, id: id}
	err = tx.QueryRow(ctx, `SELECT inquiry, event_count, sealed_at FROM inquiries WHERE tenant = $1 AND id = $2`, tenant, id).
		Scan(&row.doc, &row.eventCount, &row.sealedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return row, nil, errNotFound
	}
	if err != nil || !need(row.eventCount) {
		return row, nil, err
	}
	rows, err := tx.Query(ctx, `SELECT event FROM events WHERE tenant = $1 AND inquiry_id = $2 ORDER BY seq`, tenant, id)
	if err != nil {
		return row, nil, err
	}
	events, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]byte, error) {
		var b []byte
		err := r.Scan(&b)
		return b, err
	})
	return row, events, err
}

func (d *pgDB) exportChunk(ctx context.Context, tenant, after string, limit int) ([]inquiryRow, map[string][][]byte, error) {
	tx, err := d.beginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT id, inquiry, event_count, sealed_at FROM inquiries WHERE tenant = $1 AND id > $2 ORDER BY id LIMIT $3`, tenant, after, limit)
	if err != nil {
		return nil, nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (inquiryRow, error) {
		row := inquiryRow{tenant: tenant}
		err := r.Scan(&row.id, &row.doc, &row.eventCount, &row.sealedAt)
		return row, err
	})
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, r := range out {
		if r.eventCount > 0 {
			ids = append(ids, r.id)
		}
	}
	events := map[string][][]byte{}
	if len(ids) == 0 {
		return out, events, nil
	}
	evs, err := tx.Query(ctx, `SELECT e.inquiry_id, e.event FROM events e JOIN unnest($2::text[]) AS k(id) ON e.inquiry_id = k.id
		WHERE e.tenant = $1 ORDER BY e.inquiry_id, e.seq`, tenant, ids)
	if err != nil {
		return nil, nil, err
	}
	defer evs.Close()
	for evs.Next() {
		var id, doc string
		if err := evs.Scan(&id, &doc); err != nil {
			return nil, nil, err
		}
		events[id] = append(events[id], []byte(doc))
	}
	return out, events, evs.Err()
}

func (d *pgDB) readTenant(ctx context.Context, tenant string, limit int, need func(string, int) bool) ([]inquiryRow, map[string][][]byte, bool, error) {
	tx, err := d.beginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, false, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT id, inquiry, event_count, sealed_at FROM inquiries WHERE tenant = $1 ORDER BY id LIMIT $2`, tenant, limit+1)
	if err != nil {
		return nil, nil, false, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (inquiryRow, error) {
		row := inquiryRow{tenant: tenant}
		err := r.Scan(&row.id, &row.doc, &row.eventCount, &row.sealedAt)
		return row, err
	})
	if err != nil {
		return nil, nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	events := map[string][][]byte{}
	var missing []string
	for _, r := range out {
		if need(r.id, r.eventCount) {
			events[r.id] = nil
			if r.eventCount > 0 {
				missing = append(missing, r.id)
			}
		}
	}
	if len(missing) == 0 {
		return out, events, more, nil
	}
	evs, err := tx.Query(ctx, `SELECT e.inquiry_id, e.event FROM events e JOIN unnest($2::text[]) AS k(id) ON e.inquiry_id = k.id
		WHERE e.tenant = $1 ORDER BY e.inquiry_id, e.seq`, tenant, missing)
	if err != nil {
		return nil, nil, false, err
	}
	defer evs.Close()
	for evs.Next() {
		var id, doc string
		if err := evs.Scan(&id, &doc); err != nil {
			return nil, nil, false, err
		}
		events[id] = append(events[id], []byte(doc))
	}
	return out, events, more, evs.Err()
}

func (d *pgDB) insertSession(ctx context.Context, s sessionRow, now int64) error {
	tx, err := d.beginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sessions (hash, tenant, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
		s.hash, s.tenant, s.tokenHash, s.expiresAt); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func (d *pgDB) session(ctx context.Context, hash []byte, now int64) (sessionRow, bool, error) {
	s := sessionRow{hash: hash}
	err := d.retried(ctx, func() error {
		return d.pool.QueryRow(ctx, `SELECT s.tenant, s.token_hash, s.expires_at FROM sessions s
		JOIN tokens t ON t.hash = s.token_hash AND t.tenant = s.tenant WHERE s.hash = $1 AND s.expires_at > $2`, hash, now).
			Scan(&s.tenant, &s.tokenHash, &s.expiresAt)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return s, false, nil
	}
	return s, err == nil, err
}

func (d *pgDB) deleteSession(ctx context.Context, hash []byte) error {
	return d.retried(ctx, func() error {
		_, err := d.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
		return err
	})
}

func (d *pgDB) callList(ctx context.Context, tenant, week string) ([]byte, bool, error) {
	var doc string
	err := d.retried(ctx, func() error {
		return d.pool.QueryRow(ctx, `SELECT sample FROM call_lists WHERE tenant = $1 AND week = $2`, tenant, week).Scan(&doc)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return []byte(doc), err == nil, err
}

func (d *pgDB) keepCallList(ctx context.Context, tenant, week string, sample []byte, at int64) ([]byte, error) {
	var kept string
	err := d.retried(ctx, func() error {
		if _, err := d.pool.Exec(ctx, `INSERT INTO call_lists (tenant, week, sample, drawn_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			tenant, week, string(sample), at); err != nil {
			return err
		}
		return d.pool.QueryRow(ctx, `SELECT sample FROM call_lists WHERE tenant = $1 AND week = $2`, tenant, week).Scan(&kept)
	})
	return []byte(kept), err
}

func (d *pgDB) insertSurvey(ctx context.Context, tenant string, s surveyRow) error {
	tx, err := d.beginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO surveys (tenant, week, inquiry_id, at, reached, answer, rating, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		tenant, s.week, s.inquiryID, s.at, s.reached, s.answer, s.rating, s.note); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, pgChangeChannel, tenant); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func (d *pgDB) surveys(ctx context.Context, tenant, week string) ([]surveyRow, error) {
	var out []surveyRow
	err := d.retried(ctx, func() error {
		rows, err := d.pool.Query(ctx, `SELECT inquiry_id, at, reached, answer, rating, note FROM surveys
		WHERE tenant = $1 AND week = $2 ORDER BY id`, tenant, week)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (surveyRow, error) {
			s := surveyRow{week: week}
			err := r.Scan(&s.inquiryID, &s.at, &s.reached, &s.answer, &s.rating, &s.note)
			return s, err
		})
		return err
	})
	return out, err
}

func (d *pgDB) listEscalations(ctx context.Context, tenant string, after cursor, limit int) ([]escalationRow, error) {
	var out []escalationRow
	err := d.retried(ctx, func() error {
		rows, err := d.pool.Query(ctx, `SELECT inquiry_id, obligation, level, fired_at, notify, recorded_at, lease_until, COALESCE(delivered_at, 0)
		FROM escalations WHERE tenant = $1 AND (fired_at, inquiry_id, obligation, level) > ($2, $3, $4, $5)
		ORDER BY fired_at, inquiry_id, obligation, level LIMIT $6`,
			tenant, after.firedAt, after.inquiryID, after.obligation, after.level, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (escalationRow, error) {
			e := escalationRow{tenant: tenant}
			var notify string
			err := r.Scan(&e.inquiryID, &e.obligation, &e.level, &e.firedAt, &notify, &e.recordedAt, &e.leaseUntil, &e.deliveredAt)
			e.notify = []byte(notify)
			return e, err
		})
		return err
	})
	return out, err
}

func (d *pgDB) tenantOf(ctx context.Context, hash []byte) (string, bool, error) {
	var tenant string
	err := d.retried(ctx, func() error {
		return d.pool.QueryRow(ctx, `SELECT tenant FROM tokens WHERE hash = $1`, hash).Scan(&tenant)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return tenant, err == nil, err
}

func (d *pgDB) setTokens(ctx context.Context, tokens map[string]string) error {
	var hashes [][]byte
	var tenants []string
	for h, t := range tokens {
		hashes, tenants = append(hashes, []byte(h)), append(tenants, t)
	}
	tx, err := d.beginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM tokens`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tokens (hash, tenant) SELECT * FROM unnest($1::bytea[], $2::text[])`, hashes, tenants); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// A pgTx is a write transaction on a connection of the pool.
type pgTx struct {
	tx pgx.Tx
}

func (t *pgTx) commit() error { return t.tx.Commit(context.Background()) }

func (t *pgTx) rollback() { t.tx.Rollback(context.Background()) }

func (t *pgTx) insertInquiry(ctx context.Context, in newInquiry, e evaluated) (bool, storedAnswer, error) {
	tag, err := t.tx.Exec(ctx, `INSERT INTO inquiries (tenant, id, inquiry, request_hash, answer, event_count, evaluated_at, next_check, sealed_at)
		VALUES ($1, $2, $3, $4, $5, 0, $6, NULLIF($7::bigint, 0), $8) ON CONFLICT DO NOTHING`,
		in.tenant, in.id, string(in.doc), in.requestHash, in.answer, e.evaluatedAt, e.next, e.sealedAt)
	if err != nil {
		return false, storedAnswer{}, err
	}
	if tag.RowsAffected() == 1 {
		return true, storedAnswer{}, nil
	}
	var prior storedAnswer
	err = t.tx.QueryRow(ctx, `SELECT request_hash, answer FROM inquiries WHERE tenant = $1 AND id = $2`, in.tenant, in.id).
		Scan(&prior.requestHash, &prior.answer)
	return false, prior, err
}

func (t *pgTx) lockInquiry(ctx context.Context, tenant, id, key string) (inquiryRow, *storedAnswer, bool, error) {
	row := inquiryRow{tenant: tenant, id: id}
	// The lock first, the key in a statement of its own: under READ
	// COMMITTED a statement that waits for a row's lock reads again only
	// the locked row, so a join would miss the event that the write
	// holding the lock committed under the same key (and its insert
	// would then fail on the key's unique index). The second statement
	// sees every commit before it.
	err := t.tx.QueryRow(ctx, `SELECT inquiry, event_count, sealed_at FROM inquiries
		WHERE tenant = $1 AND id = $2 FOR UPDATE`, tenant, id).
		Scan(&row.doc, &row.eventCount, &row.sealedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return row, nil, false, nil
	}
	if err != nil || key == "" {
		return row, nil, err == nil, err
	}
	var hash, answer []byte
	err = t.tx.QueryRow(ctx, `SELECT request_hash, answer FROM events WHERE tenant = $1 AND inquiry_id = $2 AND idem_key = $3`,
		tenant, id, key).Scan(&hash, &answer)
	if errors.Is(err, pgx.ErrNoRows) {
		return row, nil, true, nil
	}
	if err != nil {
		return row, nil, false, err
	}
	return row, &storedAnswer{hash, answer}, true, nil
}

func (t *pgTx) loadEvents(ctx context.Context, keys []logKey) (map[logKey][][]byte, error) {
	out := make(map[logKey][][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	tenants, ids := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		tenants[i], ids[i] = k.tenant, k.id
		out[k] = nil
	}
	rows, err := t.tx.Query(ctx, `SELECT e.tenant, e.inquiry_id, e.event
		FROM events e JOIN unnest($1::text[], $2::text[]) AS k(tenant, id) ON e.tenant = k.tenant AND e.inquiry_id = k.id
		ORDER BY e.tenant, e.inquiry_id, e.seq`, tenants, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k logKey
		var doc []byte
		if err := rows.Scan(&k.tenant, &k.id, &doc); err != nil {
			return nil, err
		}
		out[k] = append(out[k], doc)
	}
	return out, rows.Err()
}

func (t *pgTx) insertEvent(ctx context.Context, e newEvent) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO events (tenant, inquiry_id, seq, event, idem_key, request_hash, answer)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.tenant, e.id, e.seq, string(e.doc), e.key, e.requestHash, e.answer)
	return err
}

// save writes a batch back with one UPDATE and one INSERT, whatever its
// size.
func (t *pgTx) save(ctx context.Context, rows []evaluated) ([]escalationRow, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := len(rows)
	tenants, ids := make([]string, n), make([]string, n)
	counts := make([]int32, n)
	at, next, sealed := make([]int64, n), make([]int64, n), make([]int64, n)
	var fired []escalationRow
	for i, r := range rows {
		tenants[i], ids[i], counts[i], at[i], next[i], sealed[i] = r.tenant, r.id, int32(r.eventCount), r.evaluatedAt, r.next, r.sealedAt
		fired = append(fired, r.fired...)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE inquiries AS i
		SET event_count = v.count, evaluated_at = v.at, next_check = NULLIF(v.next, 0), sealed_at = v.sealed
		FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::bigint[]) AS v(tenant, id, count, at, next, sealed)
		WHERE i.tenant = v.tenant AND i.id = v.id`, tenants, ids, counts, at, next, sealed); err != nil {
		return nil, err
	}
	return t.record(ctx, fired)
}

// appendIf: see txn and sqliteTx.appendIf. The UPDATE locks the row
// first, as lockInquiry does, so that an append never holds an event's
// key or sequence number while it waits for the row (which would
// deadlock against a write holding the row and wanting them).
// PostgreSQL writes a new version of the row either way, and leaving
// next_check out of it saves no index entry there: sameNext is ignored.
func (t *pgTx) appendIf(ctx context.Context, ev newEvent, r evaluated, from version, sameNext bool) (bool, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE inquiries SET event_count = $1, evaluated_at = $2, next_check = NULLIF($3::bigint, 0), sealed_at = $4
		WHERE tenant = $5 AND id = $6 AND event_count = $7 AND sealed_at = $8
		AND NOT EXISTS (SELECT 1 FROM events WHERE tenant = $5 AND inquiry_id = $6 AND idem_key = $9)`,
		r.eventCount, r.evaluatedAt, r.next, r.sealedAt, r.tenant, r.id, from.eventCount, from.sealedAt, ev.key)
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	if err := t.insertEvent(ctx, ev); err != nil {
		return false, err
	}
	_, err = t.record(ctx, r.fired)
	return err == nil, err
}

// record inserts the escalations fired not yet recorded and returns those
// it did.
func (t *pgTx) record(ctx context.Context, fired []escalationRow) ([]escalationRow, error) {
	if len(fired) == 0 {
		return nil, nil
	}
	m := len(fired)
	et, ei, eo, el, notify := make([]string, m), make([]string, m), make([]string, m), make([]string, m), make([]string, m)
	ef, er, eu := make([]int64, m), make([]int64, m), make([]int64, m)
	byKey := make(map[deliveryKey]escalationRow, m)
	for i, e := range fired {
		et[i], ei[i], eo[i], el[i], notify[i], ef[i], er[i], eu[i] = e.tenant, e.inquiryID, e.obligation, e.level, string(e.notify), e.firedAt, e.recordedAt, e.leaseUntil
		byKey[deliveryKey{e.tenant, e.inquiryID, e.obligation, e.level}] = e
	}
	res, err := t.tx.Query(ctx, `INSERT INTO escalations (tenant, inquiry_id, obligation, level, notify, fired_at, recorded_at, lease_until)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[])
		ON CONFLICT DO NOTHING RETURNING tenant, inquiry_id, obligation, level`, et, ei, eo, el, notify, ef, er, eu)
	if err != nil {
		return nil, err
	}
	keys, err := pgx.CollectRows(res, func(r pgx.CollectableRow) (deliveryKey, error) {
		var k deliveryKey
		err := r.Scan(&k.tenant, &k.inquiryID, &k.obligation, &k.level)
		return k, err
	})
	if err != nil {
		return nil, err
	}
	added := make([]escalationRow, 0, len(keys))
	for _, k := range keys {
		added = append(added, byKey[k])
	}
	return added, nil
}

func (t *pgTx) claimDue(ctx context.Context, now int64, limit int) ([]inquiryRow, error) {
	rows, err := t.tx.Query(ctx, `SELECT tenant, id, inquiry, event_count, sealed_at FROM inquiries
		WHERE next_check <= $1 ORDER BY next_check LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (inquiryRow, error) {
		var row inquiryRow
		err := r.Scan(&row.tenant, &row.id, &row.doc, &row.eventCount, &row.sealedAt)
		return row, err
	})
}

func (t *pgTx) claimUndelivered(ctx context.Context, now, leaseUntil int64, limit int) ([]escalationRow, error) {
	rows, err := t.tx.Query(ctx, `UPDATE escalations AS e SET lease_until = $2
		FROM (SELECT tenant, inquiry_id, obligation, level FROM escalations
		      WHERE delivered_at IS NULL AND lease_until <= $1 ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED) AS k
		WHERE e.tenant = k.tenant AND e.inquiry_id = k.inquiry_id AND e.obligation = k.obligation AND e.level = k.level
		RETURNING e.tenant, e.inquiry_id, e.obligation, e.level, e.fired_at, e.notify, e.recorded_at, e.lease_until`, now, leaseUntil, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (escalationRow, error) {
		var e escalationRow
		var notify string
		err := r.Scan(&e.tenant, &e.inquiryID, &e.obligation, &e.level, &e.firedAt, &notify, &e.recordedAt, &e.leaseUntil)
		e.notify = []byte(notify)
		return e, err
	})
}

func (t *pgTx) markDelivered(ctx context.Context, keys []deliveryKey, at int64) error {
	n := len(keys)
	tenants, ids, obligations, levels := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, k := range keys {
		tenants[i], ids[i], obligations[i], levels[i] = k.tenant, k.inquiryID, k.obligation, k.level
	}
	_, err := t.tx.Exec(ctx, `UPDATE escalations AS e SET delivered_at = $5
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(tenant, inquiry_id, obligation, level)
		WHERE e.tenant = k.tenant AND e.inquiry_id = k.inquiry_id AND e.obligation = k.obligation AND e.level = k.level
		AND e.delivered_at IS NULL`, tenants, ids, obligations, levels, at)
	return err
}

// changed notifies each tenant once per transaction (PostgreSQL folds
// identical notifications of a transaction into one).
func (t *pgTx) changed(ctx context.Context, tenant string) error {
	_, err := t.tx.Exec(ctx, `SELECT pg_notify($1, $2)`, pgChangeChannel, tenant)
	return err
}

func (t *pgTx) notify(ctx context.Context, at int64) error {
	_, err := t.tx.Exec(ctx, `SELECT pg_notify($1, $2)`, pgChannel, strconv.FormatInt(at, 10))
	return err
}
