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
	"sync"
	"sync/atomic"
	"time"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// maxSweepInterval is the longest the sweeper sleeps, so that rows written
// by another process (or a clock that jumped) are picked up.
const maxSweepInterval = time.Minute

// An app is the CRM back end: the HTTP API, the database and the sweeper.
type app struct {
	db  *sql.DB
	ps  *sla.PolicySet
	clk clock.Clock
	loc *time.Location // for listing escalations
	log *log.Logger

	evaluations atomic.Int64 // how many times an inquiry was evaluated

	mu      sync.Mutex
	timer   clock.Timer // the sweeper's next run
	wakeAt  time.Time   // when it is due
	closed  bool
	sweepMu sync.Mutex // one sweep at a time
}

// newApp opens the database at path and starts the sweeper on clk, with a
// sweep at once for whatever fell due while nothing ran.
func newApp(path string, ps *sla.PolicySet, clk clock.Clock, loc *time.Location, logger *log.Logger) (*app, error) {
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	a := &app{db: db, ps: ps, clk: clk, loc: loc, log: logger}
	a.wake(clk.Now())
	return a, nil
}

// close stops the sweeper and closes the database. It does not wait for
// anything to finish: whatever a crash would lose, close loses too, and
// the next start picks up from the database.
func (a *app) close() error {
	a.mu.Lock()
	a.closed = true
	if a.timer != nil {
		a.timer.Stop()
	}
	a.mu.Unlock()
	a.sweepMu.Lock() // a sweep in progress finishes its row
	defer a.sweepMu.Unlock()
	return a.db.Close()
}

// wake makes the sweeper run at t, or earlier if it is due earlier.
func (a *app) wake(t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed || (a.timer != nil && !a.wakeAt.IsZero() && !t.Before(a.wakeAt)) {
		return
	}
	if a.timer != nil {
		a.timer.Stop()
	}
	a.wakeAt = t
	a.timer = a.clk.AfterFunc(t.Sub(a.clk.Now()), a.sweepAndReschedule)
}

func (a *app) sweepAndReschedule() {
	a.mu.Lock()
	a.timer, a.wakeAt = nil, time.Time{}
	closed := a.closed
	a.mu.Unlock()
	if closed {
		return
	}
	now := a.clk.Now()
	if _, err := a.sweep(context.Background(), now); err != nil {
		a.log.Printf("sweep: %v", err)
	}
	next := now.Add(maxSweepInterval)
	var first sql.NullInt64
	if err := a.db.QueryRow(`SELECT MIN(next_check) FROM inquiries WHERE next_check IS NOT NULL`).Scan(&first); err == nil && first.Valid {
		if t := time.Unix(0, first.Int64); t.Before(next) {
			next = t
		}
	}
	a.wake(next)
}

// sweep re-evaluates the inquiries whose next_check is at or before now,
// and only those, each in its own transaction. It reports how many
// escalations it recorded.
func (a *app) sweep(ctx context.Context, now time.Time) (int, error) {
	a.sweepMu.Lock()
	defer a.sweepMu.Unlock()
	total := 0
	for {
		rows, err := a.db.QueryContext(ctx, `SELECT id FROM inquiries
			WHERE next_check IS NOT NULL AND next_check <= ? ORDER BY next_check LIMIT 100`, now.UnixNano())
		if err != nil {
			return total, err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return total, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		for _, id := range ids {
			n, err := a.refresh(ctx, id, nil, now)
			var bad *badRequest
			if errors.As(err, &bad) {
				// A log the policy set refuses (say, after a policy
				// change) must not stop the sweeper: park the row.
				a.log.Printf("sweep: %s: %v; not checked again until its next event", id, err)
				_, err = a.db.ExecContext(ctx, `UPDATE inquiries SET next_check = NULL WHERE id = ?`, id)
			}
			if err != nil {
				return total, fmt.Errorf("%s: %w", id, err)
			}
			total += n
		}
	}
}

// refresh evaluates an inquiry at now, after appending extra to its log,
// and saves the status and new escalations, all in one transaction: a
// crash leaves either all of it or none. It reports how many escalations
// were new.
func (a *app) refresh(ctx context.Context, id string, extra *sla.Event, now time.Time) (int, error) {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	inq, events, err := load(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if extra != nil {
		events = append(events, *extra)
	}
	// Evaluate reads the log only up to now: an event dated later would
	// be stored unchecked and could make the log invalid once its time
	// comes. Check the whole log first, as sla.Ledger does.
	if last := latest(events); last.After(now) {
		if _, err := a.ps.Evaluate(inq, events, last); err != nil {
			return 0, &badRequest{err}
		}
	}
	a.evaluations.Add(1)
	st, err := a.ps.Evaluate(inq, events, now)
	if err != nil {
		return 0, &badRequest{err}
	}
	if extra != nil {
		b, _ := json.Marshal(eventJSON{Time: extra.Time, Type: extra.Type, Channel: extra.Channel, Actor: extra.Actor,
			Due: extra.Due, Owner: extra.Owner, Party: extra.Class.Party, Kind: extra.Class.Kind, Priority: extra.Class.Priority})
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (inquiry_id, seq, event) VALUES (?, ?, ?)`, id, len(events), string(b)); err != nil {
			return 0, err
		}
	}
	n, err := save(ctx, tx, st, now)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if !st.Next.IsZero() {
		a.wake(st.Next)
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
