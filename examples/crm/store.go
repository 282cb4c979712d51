package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/monitor"
)

// schema is the whole database. Inquiries keep their facts and last status
// as JSON, and next_check: when the status would next change (sla.Status's
// Next), in Unix nanoseconds, NULL for never. The sweeper reads only rows
// whose next_check has passed, through the partial index. Escalations are
// keyed by (inquiry, obligation, level), so each is recorded once however
// often an inquiry is evaluated.
const schema = `
CREATE TABLE IF NOT EXISTS inquiries (
	id         TEXT PRIMARY KEY,
	inquiry    TEXT NOT NULL,
	status     TEXT NOT NULL,
	next_check INTEGER
);
CREATE INDEX IF NOT EXISTS inquiries_next_check ON inquiries (next_check) WHERE next_check IS NOT NULL;
CREATE TABLE IF NOT EXISTS events (
	inquiry_id TEXT NOT NULL REFERENCES inquiries (id),
	seq        INTEGER NOT NULL,
	event      TEXT NOT NULL,
	PRIMARY KEY (inquiry_id, seq)
);
CREATE TABLE IF NOT EXISTS escalations (
	inquiry_id  TEXT NOT NULL REFERENCES inquiries (id),
	obligation  TEXT NOT NULL,
	level       TEXT NOT NULL,
	fired_at    INTEGER NOT NULL,
	notify      TEXT NOT NULL,
	recorded_at INTEGER NOT NULL,
	delivered_at INTEGER,
	PRIMARY KEY (inquiry_id, obligation, level)
);
`

// errNotFound means no inquiry has the ID asked for.
var errNotFound = errors.New("no such inquiry")

// errExists means an inquiry with that ID exists already.
var errExists = errors.New("inquiry exists already")

// openDB opens (creating if need be) the SQLite database at path.
func openDB(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	// One connection: SQLite takes one writer at a time anyway, and
	// database/sql then never sees SQLITE_BUSY from itself.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("creating the schema: %w", err)
	}
	return db, nil
}

// load reads an inquiry and its log.
func load(ctx context.Context, tx *sql.Tx, id string) (sla.Inquiry, []sla.Event, error) {
	var inqJSON string
	err := tx.QueryRowContext(ctx, `SELECT inquiry FROM inquiries WHERE id = ?`, id).Scan(&inqJSON)
	if errors.Is(err, sql.ErrNoRows) {
		return sla.Inquiry{}, nil, errNotFound
	}
	if err != nil {
		return sla.Inquiry{}, nil, err
	}
	var in inquiryJSON
	if err := json.Unmarshal([]byte(inqJSON), &in); err != nil {
		return sla.Inquiry{}, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT event FROM events WHERE inquiry_id = ? ORDER BY seq`, id)
	if err != nil {
		return sla.Inquiry{}, nil, err
	}
	defer rows.Close()
	var events []sla.Event
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return sla.Inquiry{}, nil, err
		}
		var e eventJSON
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			return sla.Inquiry{}, nil, err
		}
		events = append(events, e.event())
	}
	return in.inquiry(), events, rows.Err()
}

// save writes what an evaluation says: the status, next_check, and every
// escalation not yet recorded. It returns the escalations that were new.
func save(ctx context.Context, tx *sql.Tx, st sla.Status, now time.Time) ([]monitor.Alert, error) {
	stJSON, err := json.Marshal(newStatusJSON(st))
	if err != nil {
		return nil, err
	}
	var next any // NULL: nothing will change
	if !st.Next.IsZero() {
		next = st.Next.UnixNano()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE inquiries SET status = ?, next_check = ? WHERE id = ?`, string(stJSON), next, st.InquiryID); err != nil {
		return nil, err
	}
	var added []monitor.Alert
	for _, o := range st.Obligations {
		for _, e := range o.Escalations {
			notify, _ := json.Marshal(e.Notify)
			res, err := tx.ExecContext(ctx, `INSERT INTO escalations (inquiry_id, obligation, level, fired_at, notify, recorded_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				st.InquiryID, e.Obligation.String(), e.Level, e.At.UnixNano(), string(notify), now.UnixNano())
			if err != nil {
				return nil, err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added = append(added, monitor.Alert{InquiryID: st.InquiryID, Escalation: e})
			}
		}
	}
	return added, nil
}

// A recorded escalation is a row of the escalations table.
type recorded struct {
	Inquiry    string    `json:"inquiry"`
	Obligation string    `json:"obligation"`
	Level      string    `json:"level"`
	FiredAt    time.Time `json:"fired_at"`
	Notify     []string  `json:"notify"`
	RecordedAt time.Time `json:"recorded_at"`
}

// escalations lists the recorded escalations by firing time.
func escalations(ctx context.Context, db *sql.DB, loc *time.Location) ([]recorded, error) {
	rows, err := db.QueryContext(ctx, `SELECT inquiry_id, obligation, level, fired_at, notify, recorded_at
		FROM escalations ORDER BY fired_at, inquiry_id, obligation, level`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []recorded{}
	for rows.Next() {
		var r recorded
		var fired, rec int64
		var notify string
		if err := rows.Scan(&r.Inquiry, &r.Obligation, &r.Level, &fired, &notify, &rec); err != nil {
			return nil, err
		}
		r.FiredAt, r.RecordedAt = time.Unix(0, fired).In(loc), time.Unix(0, rec).In(loc)
		if err := json.Unmarshal([]byte(notify), &r.Notify); err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, rows.Err()
}
