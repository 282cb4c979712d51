package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// sqliteDB is the embedded back end: one file, one process. Writes go
// through one connection (SQLite takes one writer at a time), in
// transactions shared by the requests that arrive together (group
// commit); reads go through a pool of connections that WAL lets run
// beside the writer.
type sqliteDB struct {
	w, r  *sql.DB
	stmts map[string]*sql.Stmt

	mu       sync.Mutex
	wakers   map[int]func(int64)
	changers map[int]func(string)
	nextID   int
}

// The writer's statements, prepared once: the driver (v1.62.0 here)
// keeps a single statement's compiled form and binds in linear time, so
// a batch runs one short statement per row, which costs less than one
// statement over a JSON list (json_each and ->> per value).
var sqliteStatements = map[string]string{
	"insertInquiry": `INSERT INTO inquiries (tenant, id, inquiry, request_hash, answer, event_count, evaluated_at, next_check, sealed_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING`,
	"inquiryAnswer": `SELECT request_hash, answer FROM inquiries WHERE tenant = ? AND id = ?`,
	"lockInquiry": `SELECT i.inquiry, i.event_count, i.sealed_at, e.request_hash, e.answer
		FROM inquiries i LEFT JOIN events e ON e.tenant = i.tenant AND e.inquiry_id = i.id AND e.idem_key = ?
		WHERE i.tenant = ? AND i.id = ?`,
	"events":      `SELECT event FROM events WHERE tenant = ? AND inquiry_id = ? ORDER BY seq`,
	"insertEvent": `INSERT INTO events (tenant, inquiry_id, seq, event, idem_key, request_hash, answer) VALUES (?, ?, ?, ?, ?, ?, ?)`,
	"updateOne":   `UPDATE inquiries SET event_count = ?, evaluated_at = ?, next_check = ?, sealed_at = ? WHERE tenant = ? AND id = ?`,
	"updateIf": `UPDATE inquiries SET event_count = ?1, evaluated_at = ?2, next_check = ?3, sealed_at = ?4
		WHERE tenant = ?5 AND id = ?6 AND event_count = ?7 AND sealed_at = ?8
		AND NOT EXISTS (SELECT 1 FROM events WHERE tenant = ?5 AND inquiry_id = ?6 AND idem_key = ?9)`,
	"updateIfSameNext": `UPDATE inquiries SET event_count = ?1, evaluated_at = ?2, sealed_at = ?4
		WHERE tenant = ?5 AND id = ?6 AND event_count = ?7 AND sealed_at = ?8 AND next_check IS ?3
		AND NOT EXISTS (SELECT 1 FROM events WHERE tenant = ?5 AND inquiry_id = ?6 AND idem_key = ?9)`,
	"insertEscalation": `INSERT INTO escalations (tenant, inquiry_id, obligation, level, fired_at, notify, recorded_at, lease_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
	"due": `SELECT tenant, id, inquiry, event_count, sealed_at FROM inquiries
		WHERE next_check IS NOT NULL AND next_check <= ? ORDER BY next_check LIMIT ?`,
	"undelivered": `UPDATE escalations SET lease_until = ?
		WHERE (tenant, inquiry_id, obligation, level) IN (SELECT tenant, inquiry_id, obligation, level FROM escalations
			WHERE delivered_at IS NULL AND lease_until <= ? ORDER BY lease_until LIMIT ?)
		RETURNING tenant, inquiry_id, obligation, level, fired_at, notify, recorded_at, lease_until`,
	"delivered": `UPDATE escalations SET delivered_at = ? FROM json_each(?) AS k
		WHERE escalations.tenant = k.value->>0 AND escalations.inquiry_id = k.value->>1
		AND escalations.obligation = k.value->>2 AND escalations.level = k.value->>3 AND escalations.delivered_at IS NULL`,
}

// Values of -sync: SQLite's synchronous setting for the log.
const (
	// syncFull flushes the log to the disk at every commit
	// (synchronous=FULL): an acknowledged write survives a power loss.
	syncFull = "full"
	// syncNormal leaves the flush to checkpoints (synchronous=NORMAL,
	// which SQLite recommends for a write-ahead log): an acknowledged
	// write survives the process's crash (kill -9), since the log is in
	// the system's page cache, but the last ones may be rolled back by a
	// power loss or a crash of the system. The database is never
	// corrupted either way.
	syncNormal = "normal"
)

// checkSync reads -sync: "" is syncFull.
func checkSync(db, sync string) (string, error) {
	switch {
	case sync == "":
		return syncFull, nil
	case sync != syncFull && sync != syncNormal:
		return "", fmt.Errorf("-sync %q: want full or normal", sync)
	case sync == syncNormal && isPostgres(db):
		return "", errors.New("-sync normal: SQLite's only; PostgreSQL's durability is the server's synchronous_commit")
	}
	return sync, nil
}

// openSQLite opens (creating if need be) the database file at path and
// applies the migrations it lacks; sync is syncFull or syncNormal.
func openSQLite(path, sync string) (*sqliteDB, error) {
	mode := "FULL"
	if sync == syncNormal {
		mode = "NORMAL"
	}
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(" + mode + ")"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	d := &sqliteDB{w: w, stmts: map[string]*sql.Stmt{}, wakers: map[int]func(int64){}, changers: map[int]func(string){}}
	if err := d.migrate(); err != nil {
		w.Close()
		return nil, err
	}
	if d.r, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)"); err != nil {
		w.Close()
		return nil, err
	}
	d.r.SetMaxOpenConns(4)
	for name, q := range sqliteStatements {
		if d.stmts[name], err = w.Prepare(q); err != nil {
			d.close()
			return nil, fmt.Errorf("preparing %s: %w", name, err)
		}
	}
	return d, nil
}

// migrate applies, in one transaction each, the migrations not yet
// recorded.
func (d *sqliteDB) migrate() error {
	ms, err := migrations("sqlite")
	if err != nil {
		return err
	}
	if _, err := d.w.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return err
	}
	for _, m := range ms {
		tx, err := d.w.Begin()
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
			tx.Rollback()
			return err
		}
		if n == 0 {
			if _, err := tx.Exec(m.sql); err != nil {
				tx.Rollback()
				hint := ""
				if m.version == 1 {
					hint = " (a database made before migrations existed must start from a new file)"
				}
				return fmt.Errorf("migration %s: %w%s", m.name, err, hint)
			}
			if _, err := tx.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func (d *sqliteDB) groupCommit() bool { return true }

func (d *sqliteDB) close() error {
	for _, s := range d.stmts {
		s.Close()
	}
	var err error
	if d.r != nil {
		err = d.r.Close()
	}
	return errors.Join(d.w.Close(), err)
}

func (d *sqliteDB) begin(ctx context.Context) (txn, error) {
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &sqliteTx{d: d, tx: tx}, nil
}

// watch: on SQLite every writer is this process, so a commit wakes the
// watchers itself.
func (d *sqliteDB) watch(wake func(int64)) func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := d.nextID
	d.nextID++
	d.wakers[id] = wake
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		delete(d.wakers, id)
	}
}

// watchChanges: as watch, every writer is this process.
func (d *sqliteDB) watchChanges(changed func(string)) func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := d.nextID
	d.nextID++
	d.changers[id] = changed
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		delete(d.changers, id)
	}
}

// tellChanged calls the change watchers with each tenant.
func (d *sqliteDB) tellChanged(tenants map[string]bool) {
	if len(tenants) == 0 {
		return
	}
	d.mu.Lock()
	changers := make([]func(string), 0, len(d.changers))
	for _, c := range d.changers {
		changers = append(changers, c)
	}
	d.mu.Unlock()
	for tenant := range tenants {
		for _, c := range changers {
			c(tenant)
		}
	}
}

// unavailable implements backend: a SQLite file has no connection to
// lose.
func (d *sqliteDB) unavailable(error) bool { return false }

// earliest has no held rows to skip: the one writer is this process's
// and holds nothing between sweeps.
func (d *sqliteDB) earliest(ctx context.Context, _ int64) (int64, bool, error) {
	var a, b sql.NullInt64
	if err := d.r.QueryRowContext(ctx, `SELECT MIN(next_check) FROM inquiries WHERE next_check IS NOT NULL`).Scan(&a); err != nil {
		return 0, false, err
	}
	if err := d.r.QueryRowContext(ctx, `SELECT MIN(lease_until) FROM escalations WHERE delivered_at IS NULL`).Scan(&b); err != nil {
		return 0, false, err
	}
	switch {
	case a.Valid && b.Valid:
		return min(a.Int64, b.Int64), true, nil
	case a.Valid:
		return a.Int64, true, nil
	case b.Valid:
		return b.Int64, true, nil
	}
	return 0, false, nil
}

func (d *sqliteDB) readLog(ctx context.Context, tenant, id string, need func(int) bool) (inquiryRow, [][]byte, error) {
	tx, err := d.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return inquiryRow{}, nil, err
	}
	defer tx.Rollback()
	row := inquiryRow{tenant: tenant, id: id}
	err = tx.QueryRowContext(ctx, `SELECT inquiry, event_count, sealed_at FROM inquiries WHERE tenant = ? AND id = ?`, tenant, id).
		Scan(&row.doc, &row.eventCount, &row.sealedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return row, nil, errNotFound
	}
	if err != nil || !need(row.eventCount) {
		return row, nil, err
	}
	events, err := scanEvents(tx.QueryContext(ctx, sqliteStatements["events"], tenant, id))
	return row, events, err
}

func scanEvents(rows *sql.Rows, err error) ([][]byte, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (d *sqliteDB) listEscalations(ctx context.Context, tenant string, after cursor, limit int) ([]escalationRow, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT inquiry_id, obligation, level, fired_at, notify, recorded_at, lease_until, delivered_at
		FROM escalations WHERE tenant = ? AND (fired_at, inquiry_id, obligation, level) > (?, ?, ?, ?)
		ORDER BY fired_at, inquiry_id, obligation, level LIMIT ?`,
		tenant, after.firedAt, after.inquiryID, after.obligation, after.level, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []escalationRow
	for rows.Next() {
		r := escalationRow{tenant: tenant}
		var delivered sql.NullInt64
		if err := rows.Scan(&r.inquiryID, &r.obligation, &r.level, &r.firedAt, &r.notify, &r.recordedAt, &r.leaseUntil, &delivered); err != nil {
			return nil, err
		}
		r.deliveredAt = delivered.Int64
		out = append(out, r)
	}
	return out, rows.Err()
}

func (d *sqliteDB) tenantOf(ctx context.Context, hash []byte) (string, bool, error) {
	var tenant string
	err := d.r.QueryRowContext(ctx, `SELECT tenant FROM tokens WHERE hash = ?`, hash).Scan(&tenant)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return tenant, err == nil, err
}

func (d *sqliteDB) setTokens(ctx context.Context, tokens map[string]string) error {
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM tokens`); err != nil {
		return err
	}
	for hash, tenant := range tokens {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, tenant) VALUES (?, ?)`, []byte(hash), tenant); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (d *sqliteDB) exportChunk(ctx context.Context, tenant, after string, limit int) ([]inquiryRow, map[string][][]byte, error) {
	tx, err := d.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, inquiry, event_count, sealed_at FROM inquiries WHERE tenant = ? AND id > ? ORDER BY id LIMIT ?`, tenant, after, limit)
	if err != nil {
		return nil, nil, err
	}
	var out []inquiryRow
	var ids []string
	for rows.Next() {
		r := inquiryRow{tenant: tenant}
		if err := rows.Scan(&r.id, &r.doc, &r.eventCount, &r.sealedAt); err != nil {
			rows.Close()
			return nil, nil, err
		}
		out = append(out, r)
		if r.eventCount > 0 {
			ids = append(ids, r.id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	events := map[string][][]byte{}
	if len(ids) == 0 {
		return out, events, nil
	}
	list, _ := json.Marshal(ids)
	evs, err := tx.QueryContext(ctx, `SELECT e.inquiry_id, e.event FROM json_each(?) AS k CROSS JOIN events AS e
		WHERE e.tenant = ? AND e.inquiry_id = k.value ORDER BY k.key, e.seq`, string(list), tenant)
	if err != nil {
		return nil, nil, err
	}
	defer evs.Close()
	for evs.Next() {
		var id string
		var doc []byte
		if err := evs.Scan(&id, &doc); err != nil {
			return nil, nil, err
		}
		events[id] = append(events[id], doc)
	}
	return out, events, evs.Err()
}

func (d *sqliteDB) readTenant(ctx context.Context, tenant string, limit int, need func(string, int) bool) ([]inquiryRow, map[string][][]byte, bool, error) {
	tx, err := d.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, false, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, inquiry, event_count, sealed_at FROM inquiries WHERE tenant = ? ORDER BY id LIMIT ?`, tenant, limit+1)
	if err != nil {
		return nil, nil, false, err
	}
	var out []inquiryRow
	var missing []string
	for rows.Next() {
		r := inquiryRow{tenant: tenant}
		if err := rows.Scan(&r.id, &r.doc, &r.eventCount, &r.sealedAt); err != nil {
			rows.Close()
			return nil, nil, false, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	events := map[string][][]byte{}
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
	ids, _ := json.Marshal(missing)
	evs, err := tx.QueryContext(ctx, `SELECT e.inquiry_id, e.event FROM json_each(?) AS k CROSS JOIN events AS e
		WHERE e.tenant = ? AND e.inquiry_id = k.value ORDER BY k.key, e.seq`, string(ids), tenant)
	if err != nil {
		return nil, nil, false, err
	}
	defer evs.Close()
	for evs.Next() {
		var id string
		var doc []byte
		if err := evs.Scan(&id, &doc); err != nil {
			return nil, nil, false, err
		}
		events[id] = append(events[id], doc)
	}
	return out, events, more, evs.Err()
}

func (d *sqliteDB) insertSession(ctx context.Context, s sessionRow, now int64) error {
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, tenant, token_hash, expires_at) VALUES (?, ?, ?, ?)`,
		s.hash, s.tenant, s.tokenHash, s.expiresAt); err != nil {
		return err
	}
	return tx.Commit()
}

func (d *sqliteDB) session(ctx context.Context, hash []byte, now int64) (sessionRow, bool, error) {
	s := sessionRow{hash: hash}
	err := d.r.QueryRowContext(ctx, `SELECT s.tenant, s.token_hash, s.expires_at FROM sessions s
		JOIN tokens t ON t.hash = s.token_hash AND t.tenant = s.tenant WHERE s.hash = ? AND s.expires_at > ?`, hash, now).
		Scan(&s.tenant, &s.tokenHash, &s.expiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	return s, err == nil, err
}

func (d *sqliteDB) deleteSession(ctx context.Context, hash []byte) error {
	_, err := d.w.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
	return err
}

func (d *sqliteDB) callList(ctx context.Context, tenant, week string) ([]byte, bool, error) {
	var doc []byte
	err := d.r.QueryRowContext(ctx, `SELECT sample FROM call_lists WHERE tenant = ? AND week = ?`, tenant, week).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return doc, err == nil, err
}

func (d *sqliteDB) keepCallList(ctx context.Context, tenant, week string, sample []byte, at int64) ([]byte, error) {
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO call_lists (tenant, week, sample, drawn_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		tenant, week, string(sample), at); err != nil {
		return nil, err
	}
	var kept []byte
	if err := tx.QueryRowContext(ctx, `SELECT sample FROM call_lists WHERE tenant = ? AND week = ?`, tenant, week).Scan(&kept); err != nil {
		return nil, err
	}
	return kept, tx.Commit()
}

func (d *sqliteDB) insertSurvey(ctx context.Context, tenant string, s surveyRow) error {
	reached := 0
	if s.reached {
		reached = 1
	}
	if _, err := d.w.ExecContext(ctx, `INSERT INTO surveys (tenant, week, inquiry_id, at, reached, answer, rating, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		tenant, s.week, s.inquiryID, s.at, reached, s.answer, s.rating, s.note); err != nil {
		return err
	}
	d.tellChanged(map[string]bool{tenant: true})
	return nil
}

func (d *sqliteDB) surveys(ctx context.Context, tenant, week string) ([]surveyRow, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT inquiry_id, at, reached, answer, rating, note FROM surveys
		WHERE tenant = ? AND week = ? ORDER BY id`, tenant, week)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []surveyRow
	for rows.Next() {
		s := surveyRow{week: week}
		if err := rows.Scan(&s.inquiryID, &s.at, &s.reached, &s.answer, &s.rating, &s.note); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// A sqliteTx is a write transaction on the writer connection.
type sqliteTx struct {
	d       *sqliteDB
	tx      *sql.Tx
	stmts   map[string]*sql.Stmt
	wakeAt  int64
	changes map[string]bool // tenants changed
}

// stmt returns the transaction's form of a prepared statement.
func (t *sqliteTx) stmt(ctx context.Context, name string) *sql.Stmt {
	if s, ok := t.stmts[name]; ok {
		return s
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	s := t.tx.StmtContext(ctx, t.d.stmts[name])
	t.stmts[name] = s
	return s
}

func nullable(ns int64) any {
	if ns == 0 {
		return nil
	}
	return ns
}

func (t *sqliteTx) insertInquiry(ctx context.Context, in newInquiry, e evaluated) (bool, storedAnswer, error) {
	res, err := t.stmt(ctx, "insertInquiry").ExecContext(ctx, in.tenant, in.id, in.doc, in.requestHash, in.answer, e.evaluatedAt, nullable(e.next), e.sealedAt)
	if err != nil {
		return false, storedAnswer{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var prior storedAnswer
		err := t.stmt(ctx, "inquiryAnswer").QueryRowContext(ctx, in.tenant, in.id).Scan(&prior.requestHash, &prior.answer)
		return false, prior, err
	}
	return true, storedAnswer{}, nil
}

func (t *sqliteTx) lockInquiry(ctx context.Context, tenant, id, key string) (inquiryRow, *storedAnswer, bool, error) {
	row := inquiryRow{tenant: tenant, id: id}
	var hash, answer []byte
	err := t.stmt(ctx, "lockInquiry").QueryRowContext(ctx, key, tenant, id).Scan(&row.doc, &row.eventCount, &row.sealedAt, &hash, &answer)
	if errors.Is(err, sql.ErrNoRows) {
		return row, nil, false, nil
	}
	if err != nil {
		return row, nil, false, err
	}
	if hash == nil {
		return row, nil, true, nil
	}
	return row, &storedAnswer{hash, answer}, true, nil
}

// jsonRows encodes rows as one JSON list for a json_each(?) parameter.
func jsonRows(rows [][]any) string {
	b, err := json.Marshal(rows)
	if err != nil {
		panic(err) // strings and integers only
	}
	return string(b)
}

func (t *sqliteTx) loadEvents(ctx context.Context, keys []logKey) (map[logKey][][]byte, error) {
	out := make(map[logKey][][]byte, len(keys))
	q := t.stmt(ctx, "events")
	for _, k := range keys {
		events, err := scanEvents(q.QueryContext(ctx, k.tenant, k.id))
		if err != nil {
			return nil, err
		}
		out[k] = events
	}
	return out, nil
}

func (t *sqliteTx) insertEvent(ctx context.Context, e newEvent) error {
	_, err := t.stmt(ctx, "insertEvent").ExecContext(ctx, e.tenant, e.id, e.seq, e.doc, e.key, e.requestHash, e.answer)
	return err
}

func (t *sqliteTx) save(ctx context.Context, rows []evaluated) ([]escalationRow, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	var fired []escalationRow
	for _, r := range rows {
		fired = append(fired, r.fired...)
	}
	up := t.stmt(ctx, "updateOne")
	for _, r := range rows {
		if _, err := up.ExecContext(ctx, r.eventCount, r.evaluatedAt, nullable(r.next), r.sealedAt, r.tenant, r.id); err != nil {
			return nil, err
		}
	}
	return t.record(ctx, fired)
}

// appendIf: see txn. The row moves first, and only if it is at from and
// the key is new for it; then the event cannot meet a taken key or
// sequence number. With sameNext the row moves only if its next_check
// is r.next already, and next_check is not set: set, to its own value
// too, its index entry would be written anew (0.65 pages an event of
// the 4.6 a write wrote in the ingest benchmark, where it never moves).
// A next_check the caller did not know of (moved by a sweep, say) makes
// it false, and the write goes under the lock.
func (t *sqliteTx) appendIf(ctx context.Context, ev newEvent, r evaluated, from version, sameNext bool) (bool, error) {
	stmt := "updateIf"
	if sameNext {
		stmt = "updateIfSameNext"
	}
	res, err := t.stmt(ctx, stmt).ExecContext(ctx, r.eventCount, r.evaluatedAt, nullable(r.next), r.sealedAt, r.tenant, r.id, from.eventCount, from.sealedAt, ev.key)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
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
func (t *sqliteTx) record(ctx context.Context, fired []escalationRow) ([]escalationRow, error) {
	var added []escalationRow
	ins := t.stmt(ctx, "insertEscalation")
	for _, e := range fired {
		res, err := ins.ExecContext(ctx, e.tenant, e.inquiryID, e.obligation, e.level, e.firedAt, string(e.notify), e.recordedAt, e.leaseUntil)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			added = append(added, e)
		}
	}
	return added, nil
}

func (t *sqliteTx) claimDue(ctx context.Context, now int64, limit int) ([]inquiryRow, error) {
	rows, err := t.stmt(ctx, "due").QueryContext(ctx, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inquiryRow
	for rows.Next() {
		var r inquiryRow
		if err := rows.Scan(&r.tenant, &r.id, &r.doc, &r.eventCount, &r.sealedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *sqliteTx) claimUndelivered(ctx context.Context, now, leaseUntil int64, limit int) ([]escalationRow, error) {
	rows, err := t.stmt(ctx, "undelivered").QueryContext(ctx, leaseUntil, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []escalationRow
	for rows.Next() {
		var r escalationRow
		if err := rows.Scan(&r.tenant, &r.inquiryID, &r.obligation, &r.level, &r.firedAt, &r.notify, &r.recordedAt, &r.leaseUntil); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *sqliteTx) markDelivered(ctx context.Context, keys []deliveryKey, at int64) error {
	list := make([][]any, len(keys))
	for i, k := range keys {
		list[i] = []any{k.tenant, k.inquiryID, k.obligation, k.level}
	}
	_, err := t.stmt(ctx, "delivered").ExecContext(ctx, at, jsonRows(list))
	return err
}

func (t *sqliteTx) notify(_ context.Context, at int64) error {
	if t.wakeAt == 0 || at < t.wakeAt {
		t.wakeAt = at
	}
	return nil
}

func (t *sqliteTx) changed(_ context.Context, tenant string) error {
	if t.changes == nil {
		t.changes = map[string]bool{}
	}
	t.changes[tenant] = true
	return nil
}

func (t *sqliteTx) commit() error {
	if err := t.tx.Commit(); err != nil {
		return err
	}
	t.d.tellChanged(t.changes)
	if t.wakeAt != 0 {
		t.d.mu.Lock()
		wakers := make([]func(int64), 0, len(t.d.wakers))
		for _, w := range t.d.wakers {
			wakers = append(wakers, w)
		}
		t.d.mu.Unlock()
		for _, w := range wakers {
			w(t.wakeAt)
		}
	}
	return nil
}

func (t *sqliteTx) rollback() { t.tx.Rollback() }
