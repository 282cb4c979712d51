package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/monitor"
)

// maxSweepInterval is the longest the sweeper sleeps, so that rows written
// by another process (or a clock that jumped) are picked up.
const maxSweepInterval = time.Minute

// sweepBatch is how many due inquiries a sweep evaluates at a time.
const sweepBatch = 100

// An app is the CRM back end: the HTTP API, the database, and the
// library's monitor sweeping the database, which it drives through the
// monitor.Store methods below.
type app struct {
	db  *sql.DB
	ps  *sla.PolicySet
	clk clock.Clock
	loc *time.Location // for listing escalations
	log *log.Logger
	mon *monitor.Monitor

	evaluations atomic.Int64 // how many times an inquiry was evaluated
}

// newApp opens the database at path and starts the monitor on clk, with a
// sweep at once for whatever fell due while nothing ran.
func newApp(path string, ps *sla.PolicySet, clk clock.Clock, loc *time.Location, logger *log.Logger) (*app, error) {
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	a := &app{db: db, ps: ps, clk: clk, loc: loc, log: logger}
	a.mon, err = monitor.New(a, clk, a.notify,
		monitor.Ceiling(maxSweepInterval),
		monitor.OnError(func(err error) { logger.Printf("sweep: %v", err) }))
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// notify is where the escalations recorded by a sweep go out: here only
// to the log. The escalations table is the record; a sender that e-mails
// or pages would go here, idempotent by the alert's key.
func (a *app) notify(al monitor.Alert) {
	a.log.Printf("escalation: %s %s %s, notify %v", al.InquiryID, al.Obligation, al.Level, al.Notify)
}

// close stops the monitor and closes the database. It does not wait for
// anything to finish: whatever a crash would lose, close loses too, and
// the next start picks up from the database.
func (a *app) close() error {
	a.mon.Stop()
	return a.db.Close()
}

// Earliest implements monitor.Store: the smallest next_check.
func (a *app) Earliest(ctx context.Context) (time.Time, bool, error) {
	var first sql.NullInt64
	if err := a.db.QueryRowContext(ctx, `SELECT MIN(next_check) FROM inquiries WHERE next_check IS NOT NULL`).Scan(&first); err != nil {
		return time.Time{}, false, err
	}
	if !first.Valid {
		return time.Time{}, false, nil
	}
	return time.Unix(0, first.Int64), true, nil
}

// Sweep implements monitor.Store: it re-evaluates a batch of the
// inquiries whose next_check is at or before now, and only those, each in
// its own transaction, and returns the escalations it recorded.
func (a *app) Sweep(ctx context.Context, now time.Time) ([]monitor.Alert, bool, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT id FROM inquiries
		WHERE next_check IS NOT NULL AND next_check <= ? ORDER BY next_check LIMIT ?`, now.UnixNano(), sweepBatch)
	if err != nil {
		return nil, false, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	var alerts []monitor.Alert
	for _, id := range ids {
		added, err := a.refresh(ctx, id, nil, now)
		var bad *badRequest
		if errors.As(err, &bad) {
			// A log the policy set refuses (say, after a policy
			// change) must not stop the sweeper: park the row.
			a.log.Printf("sweep: %s: %v; not checked again until its next event", id, err)
			_, err = a.db.ExecContext(ctx, `UPDATE inquiries SET next_check = NULL WHERE id = ?`, id)
		}
		if err != nil {
			return alerts, false, fmt.Errorf("%s: %w", id, err)
		}
		alerts = append(alerts, added...)
	}
	return alerts, len(ids) == sweepBatch, nil
}

// Delivered implements monitor.Store: it marks the escalation delivered.
func (a *app) Delivered(ctx context.Context, al monitor.Alert) error {
	_, err := a.db.ExecContext(ctx, `UPDATE escalations SET delivered_at = ? WHERE inquiry_id = ? AND obligation = ? AND level = ?`,
		a.clk.Now().UnixNano(), al.InquiryID, al.Obligation.String(), al.Level)
	return err
}

// refresh evaluates an inquiry at now, after appending extra to its log,
// and saves the status and new escalations, all in one transaction: a
// crash leaves either all of it or none. It returns the escalations that
// were new.
func (a *app) refresh(ctx context.Context, id string, extra *sla.Event, now time.Time) ([]monitor.Alert, error) {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	inq, events, err := load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if extra != nil {
		events = append(events, *extra)
	}
	// Evaluate reads the log only up to now: an event dated later would
	// be stored unchecked and could make the log invalid once its time
	// comes. Check the whole log first, as sla.Ledger does.
	if last := latest(events); last.After(now) {
		if _, err := a.ps.Evaluate(inq, events, last); err != nil {
			return nil, &badRequest{err}
		}
	}
	a.evaluations.Add(1)
	st, err := a.ps.Evaluate(inq, events, now)
	if err != nil {
		return nil, &badRequest{err}
	}
	if extra != nil && !extra.Time.After(now) {
		// The API refuses an event that makes no sense where it
		// stands, rather than keep it, ignored, in the log.
		for _, an := range st.Anomalies {
			if an.Index == len(events)-1 {
				return nil, &badRequest{fmt.Errorf("%s: %s", an.Type, an.Reason)}
			}
		}
	}
	if extra != nil {
		b, _ := json.Marshal(eventJSON{Time: extra.Time, Type: extra.Type, Channel: extra.Channel, Actor: extra.Actor,
			Due: extra.Due, Owner: extra.Owner, Party: extra.Class.Party, Kind: extra.Class.Kind, Priority: extra.Class.Priority})
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (inquiry_id, seq, event) VALUES (?, ?, ?)`, id, len(events), string(b)); err != nil {
			return nil, err
		}
	}
	n, err := save(ctx, tx, st, now)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if !st.Next.IsZero() {
		a.mon.Wake(st.Next)
	}
	return n, nil
}

// latest returns the time of the latest event (the zero Time if none).
func latest(events []sla.Event) time.Time {
	var t time.Time
	for _, e := range events {
		if e.Time.After(t) {
			t = e.Time
		}
	}
	return t
}

// create stores a new inquiry and evaluates it.
func (a *app) create(ctx context.Context, in inquiryJSON, now time.Time) error {
	if in.ID == "" {
		return &badRequest{errors.New("an inquiry needs an id")}
	}
	if in.Received.IsZero() {
		in.Received = now
	}
	if _, err := a.ps.Evaluate(in.inquiry(), nil, now); err != nil {
		return &badRequest{err}
	}
	b, _ := json.Marshal(in)
	// The row is born due (next_check = now): if the process dies between
	// this insert and the evaluation's commit, the sweeper evaluates it
	// after the restart instead of leaving it unchecked forever.
	res, err := a.db.ExecContext(ctx, `INSERT INTO inquiries (id, inquiry, status, next_check) VALUES (?, ?, '{}', ?) ON CONFLICT DO NOTHING`, in.ID, string(b), now.UnixNano())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errExists
	}
	_, err = a.refresh(ctx, in.ID, nil, now)
	return err
}

// badRequest wraps an error that is the client's fault.
type badRequest struct{ err error }

func (e *badRequest) Error() string { return e.err.Error() }
func (e *badRequest) Unwrap() error { return e.err }

// handler returns the HTTP API:
//
//	POST /inquiries               create an inquiry (inquiryJSON)
//	GET  /inquiries/{id}          its status now
//	POST /inquiries/{id}/events   append an event (eventJSON) and get the status
//	GET  /escalations             every escalation recorded, by firing time
func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /inquiries", func(w http.ResponseWriter, r *http.Request) {
		var in inquiryJSON
		if !decode(w, r, &in) {
			return
		}
		now := a.clk.Now()
		if err := a.create(r.Context(), in, now); err != nil {
			a.fail(w, err)
			return
		}
		a.writeStatus(w, r, in.ID, http.StatusCreated)
	})
	mux.HandleFunc("GET /inquiries/{id}", func(w http.ResponseWriter, r *http.Request) {
		a.writeStatus(w, r, r.PathValue("id"), http.StatusOK)
	})
	mux.HandleFunc("POST /inquiries/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		var e eventJSON
		if !decode(w, r, &e) {
			return
		}
		now := a.clk.Now()
		if e.Time.IsZero() {
			e.Time = now
		}
		ev := e.event()
		if _, err := a.refresh(r.Context(), r.PathValue("id"), &ev, now); err != nil {
			a.fail(w, err)
			return
		}
		a.writeStatus(w, r, r.PathValue("id"), http.StatusOK)
	})
	mux.HandleFunc("GET /escalations", func(w http.ResponseWriter, r *http.Request) {
		list, err := escalations(r.Context(), a.db, a.loc)
		if err != nil {
			a.fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, list)
	})
	return jsonErrors(mux)
}

// jsonErrors answers the mux's own errors (404 for an unknown path, 405
// for a wrong method) in JSON like every other error, keeping its status
// and headers (Allow).
func jsonErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			rec := &statusOnly{ResponseWriter: w}
			mux.ServeHTTP(rec, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// statusOnly writes a mux's plain-text error as {"error": ...} with the
// same status.
type statusOnly struct {
	http.ResponseWriter
	code int
}

func (s *statusOnly) WriteHeader(code int) { s.code = code }

func (s *statusOnly) Write(p []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	s.Header().Del("X-Content-Type-Options")
	writeJSON(s.ResponseWriter, s.code, map[string]string{"error": strings.TrimSpace(string(p))})
	return len(p), nil
}

// writeStatus evaluates the inquiry at the clock's time and writes it. A
// read does not write: the stored status and next_check change only with
// events and sweeps.
func (a *app) writeStatus(w http.ResponseWriter, r *http.Request, id string, code int) {
	tx, err := a.db.BeginTx(r.Context(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		a.fail(w, err)
		return
	}
	defer tx.Rollback()
	inq, events, err := load(r.Context(), tx, id)
	if err != nil {
		a.fail(w, err)
		return
	}
	a.evaluations.Add(1)
	st, err := a.ps.Evaluate(inq, events, a.clk.Now())
	if err != nil {
		a.fail(w, err)
		return
	}
	writeJSON(w, code, newStatusJSON(st))
}

func (a *app) fail(w http.ResponseWriter, err error) {
	var bad *badRequest
	switch {
	case errors.Is(err, errNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case errors.Is(err, errExists):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	case errors.As(err, &bad):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	default:
		a.log.Printf("internal error: %v", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
	}
}

// decode reads the request body as exactly one JSON value into v, or
// answers 413 (over 1 MB) or 400 (anything else wrong) and returns false.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	}
	return err == nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
