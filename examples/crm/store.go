package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// The back end keeps the same schema on SQLite (sqlite.go) and on
// PostgreSQL (postgres.go); migrations/<dialect>/NNNN_name.sql are applied
// in order at start, each once, recorded in schema_migrations. What is
// evaluated, written and answered is decided once, in app.go, over the two
// small interfaces below; each database implements them with its own SQL.

//go:embed migrations
var migrationFiles embed.FS

// A migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the migrations of a dialect ("sqlite", "postgres")
// in order.
func migrations(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// errNotFound means no inquiry has the ID asked for, in the tenant asking.
var errNotFound = errors.New("no such inquiry")

// An inquiryRow is what a writer reads of an inquiry under its lock.
type inquiryRow struct {
	tenant, id string
	doc        []byte // the stored inquiry document
	eventCount int
	sealedAt   int64 // the latest fired_at recorded, Unix ns; 0 for none
}

// A version is how far an inquiry's row has moved: the events appended
// and the latest escalation recorded.
type version struct {
	eventCount int
	sealedAt   int64
}

// A storedAnswer is the first answer to a request, kept for its retries.
type storedAnswer struct {
	requestHash []byte
	answer      []byte
}

// A newInquiry is a row to insert.
type newInquiry struct {
	tenant, id  string
	doc         []byte
	requestHash []byte
	answer      []byte
}

// A newEvent is an event to append as number seq of its log.
type newEvent struct {
	tenant, id  string
	seq         int
	doc         []byte
	key         string
	requestHash []byte
	answer      []byte
}

// An evaluated row is what an evaluation writes back to an inquiry.
type evaluated struct {
	tenant, id  string
	eventCount  int
	evaluatedAt int64
	next        int64 // 0: NULL, never
	sealedAt    int64
	fired       []escalationRow // to record, if not recorded yet
}

// An escalationRow is a row of the escalations table.
type escalationRow struct {
	tenant, inquiryID string
	obligation, level string
	firedAt           int64
	notify            []byte // JSON list
	recordedAt        int64
	leaseUntil        int64
	deliveredAt       int64 // 0: not delivered
}

// A deliveryKey names an escalation delivered.
type deliveryKey struct {
	tenant, inquiryID, obligation, level string
}

// A cursor is where a page of GET /escalations ends: the sort key of its
// last row.
type cursor struct {
	firedAt                      int64
	inquiryID, obligation, level string
}

// A txn is one write transaction.
type txn interface {
	// insertInquiry inserts a row born with the evaluation e (no events);
	// false if the tenant has an inquiry with that ID, whose first
	// answer it returns.
	insertInquiry(ctx context.Context, in newInquiry, e evaluated) (bool, storedAnswer, error)
	// lockInquiry reads an inquiry and locks it until the end of the
	// transaction, with the event appended under idempotency key key, if
	// any; found is false if there is no such inquiry.
	lockInquiry(ctx context.Context, tenant, id, key string) (row inquiryRow, prior *storedAnswer, found bool, err error)
	// loadEvents returns the stored events of each inquiry, in log order.
	loadEvents(ctx context.Context, keys []logKey) (map[logKey][][]byte, error)
	// insertEvent appends an event.
	insertEvent(ctx context.Context, e newEvent) error
	// save writes evaluations back, recording each escalation not yet
	// recorded; it returns those it recorded.
	save(ctx context.Context, rows []evaluated) ([]escalationRow, error)
	// appendIf appends ev to the log of the row from, and writes the
	// evaluation e of the log with ev back as save does, if the row is
	// as from says (no event appended and no escalation recorded since)
	// and ev's idempotency key is new for it: false, with nothing
	// written, otherwise. It locks the row as lockInquiry does. With
	// sameNext (the row's next_check, as far as the caller knows, is
	// e.next already) a store may leave next_check as it is, if it is:
	// SQLite then writes no page of its index (it writes an entry anew
	// for any column set, to its own value too).
	appendIf(ctx context.Context, ev newEvent, e evaluated, from version, sameNext bool) (bool, error)
	// claimDue returns (and locks) up to limit inquiries whose next_check
	// is at or before now, earliest first, skipping rows others hold.
	claimDue(ctx context.Context, now int64, limit int) ([]inquiryRow, error)
	// claimUndelivered returns up to limit escalations not delivered whose
	// lease passed by now, and leases them until leaseUntil.
	claimUndelivered(ctx context.Context, now, leaseUntil int64, limit int) ([]escalationRow, error)
	// markDelivered records deliveries.
	markDelivered(ctx context.Context, keys []deliveryKey, at int64) error
	// notify tells the workers, when the transaction commits, that
	// something is due at at (Unix ns).
	notify(ctx context.Context, at int64) error
	// changed tells the boards of every process, when the transaction
	// commits, that what the tenant's inquiries say has changed.
	changed(ctx context.Context, tenant string) error
	commit() error
	rollback()
}

// A backend is a database holding the schema.
type backend interface {
	// begin starts a write transaction.
	begin(ctx context.Context) (txn, error)
	// groupCommit reports whether writes should share transactions (one
	// writer at a time, as on SQLite: a commit costs the same for one
	// request or fifty).
	groupCommit() bool
	// unavailable reports whether err says the database cannot be reached
	// now (a connection lost, a server restarting) rather than that
	// something failed: the request may be sent again (503).
	unavailable(err error) bool
	// earliest returns the earliest next_check or lease of an undelivered
	// escalation (Unix ns). A row another transaction holds counts no
	// earlier than now+heldPause: it is being swept or written, and
	// whoever holds it may yet let it go unchanged (a rollback, a crash)
	// with no notification.
	earliest(ctx context.Context, now int64) (int64, bool, error)
	// readLog reads an inquiry and, if need says so for its event count,
	// its events, in one snapshot.
	readLog(ctx context.Context, tenant, id string, need func(count int) bool) (row inquiryRow, events [][]byte, err error)
	// listEscalations returns up to limit escalations of a tenant after
	// the cursor, in the order of the cursor.
	listEscalations(ctx context.Context, tenant string, after cursor, limit int) ([]escalationRow, error)
	// tenantOf returns the tenant of the token whose SHA-256 is hash.
	tenantOf(ctx context.Context, hash []byte) (string, bool, error)
	// setTokens replaces every token by those given (SHA-256: tenant).
	setTokens(ctx context.Context, tokens map[string]string) error
	// watch calls wake with the instant of each notify of any process's
	// committed transaction (zero when it may have missed some), until
	// stop is called.
	watch(wake func(at int64)) (stop func())
	// watchChanges calls changed with the tenant of each change of any
	// process's committed transaction ("" when it may have missed some:
	// any tenant may have changed), until stop is called.
	watchChanges(changed func(tenant string)) (stop func())

	// readTenant reads, in one snapshot, up to limit inquiries of a
	// tenant, by ID, and the events of those for which need says so
	// for their event count; more reports whether the tenant has more.
	readTenant(ctx context.Context, tenant string, limit int, need func(id string, count int) bool) (rows []inquiryRow, events map[string][][]byte, more bool, err error)

	// exportChunk reads, in one snapshot, up to limit inquiries of a
	// tenant whose IDs sort after after, by ID, and the events of each
	// in log order.
	exportChunk(ctx context.Context, tenant, after string, limit int) (rows []inquiryRow, events map[string][][]byte, err error)

	// insertSession stores a browser session, and deletes those expired
	// by now (Unix ns of the system clock).
	insertSession(ctx context.Context, s sessionRow, now int64) error
	// session returns the session whose ID has the SHA-256 hash, if it
	// has not expired by now and the token it was opened with is still
	// the tenant's.
	session(ctx context.Context, hash []byte, now int64) (sessionRow, bool, error)
	// deleteSession ends a session.
	deleteSession(ctx context.Context, hash []byte) error

	// callList returns the call list kept for a tenant's week, if any.
	callList(ctx context.Context, tenant, week string) (sample []byte, ok bool, err error)
	// keepCallList keeps sample as the tenant's call list of week unless
	// one is kept already, and returns the one kept.
	keepCallList(ctx context.Context, tenant, week string, sample []byte, at int64) ([]byte, error)
	// insertSurvey records a call of a week's call list, and tells the
	// boards (as changed does).
	insertSurvey(ctx context.Context, tenant string, s surveyRow) error
	// surveys returns the calls recorded for a tenant's week, in the
	// order recorded.
	surveys(ctx context.Context, tenant, week string) ([]surveyRow, error)
	close() error
}

// A sessionRow is a browser session of the board.
type sessionRow struct {
	hash      []byte // SHA-256 of the session ID the cookie holds
	tenant    string
	tokenHash []byte // SHA-256 of the token it was opened with
	expiresAt int64  // Unix ns of the system clock
}

// A surveyRow is a call of a week's call list and what it found.
type surveyRow struct {
	week, inquiryID string
	at              int64
	reached         bool
	answer          string
	rating          int
	note            string
}
