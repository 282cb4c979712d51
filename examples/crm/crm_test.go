package main

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

var policies = sla.MustParsePolicies(embeddedPolicies)

func ny(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, nyc) }

// keys returns "inquiry/obligation/level" of each recorded escalation.
func keysOf(list []recordedJSON) []string {
	var out []string
	for _, r := range list {
		out = append(out, r.Inquiry+"/"+r.Obligation+"/"+r.Level)
	}
	return out
}

// The whole back end over HTTP on a real SQLite file: inquiries and events
// go in, the sweeper records escalations as they fall due and re-evaluates
// only what is due, and after a kill and a restart nothing is lost and
// nothing is recorded twice.
func TestEndToEndWithKillAndRestart(t *testing.T) {
	endToEnd(t, filepath.Join(t.TempDir(), "crm.db"))
}

// The same on PostgreSQL.
func TestPostgresEndToEndWithKillAndRestart(t *testing.T) {
	pg := startPostgres(t)
	endToEnd(t, pg.database("crm"))
}

func endToEnd(t *testing.T, path string) {
	clk := clock.NewManual(ny(23, 9, 0)) // a Monday
	logger := log.New(io.Discard, "", 0)
	s, err := start(path, config{}, policies, clk, logger)
	require.NoError(t, err)
	token := addTokens(t, s, "acme")["acme"]
	c := &client{base: s.url, token: token}

	st := c.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email, Party: sla.Prospect})
	require.NoError(t, c.err)
	assert.Equal(t, "prospects", st.Policy)
	assert.Equal(t, ny(23, 12, 0), st.Next.In(nyc), "the warning")
	c.post("/inquiries", inquiryJSON{ID: "case-1", Channel: sla.Email, Party: sla.Customer, ReplyTo: []sla.Channel{sla.Email, sla.Phone}})
	c.post("/inquiries", inquiryJSON{ID: "order-1", Channel: sla.Chat, Party: sla.Customer, Kind: sla.Order})
	clk.Set(ny(23, 9, 30))
	c.event("case-1", eventJSON{Type: sla.Assign, Owner: "bob"})
	c.event("case-1", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: "bob"})
	c.event("case-1", eventJSON{Type: sla.Promise, Due: ny(24, 12, 0)})
	c.event("order-1", eventJSON{Type: sla.Reply, Channel: sla.Chat})
	st = c.event("order-1", eventJSON{Type: sla.Resolve})
	require.NoError(t, c.err)
	assert.True(t, st.Resolved)

	// Mistakes are refused and nothing of them is stored.
	bad := &client{base: s.url, token: token}
	assert.Equal(t, http.StatusConflict, bad.do("POST", "/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email}, nil))
	bad.err = nil
	assert.Equal(t, http.StatusNotFound, bad.send("POST", "/inquiries/nobody/events", key(), eventJSON{Type: sla.Resolve}, nil))
	bad.err = nil
	assert.Equal(t, http.StatusBadRequest, bad.send("POST", "/inquiries/lead-1/events", key(), eventJSON{Type: sla.AppointmentHeld}, nil))
	assert.ErrorContains(t, bad.err, "no appointment that has begun waits to be held")
	bad.err = nil
	// An event dated later than now is checked too, not stored unchecked
	// to break the log when its time comes.
	assert.Equal(t, http.StatusBadRequest, bad.send("POST", "/inquiries/lead-1/events", key(), eventJSON{Type: sla.Resolve, Channel: sla.Email, Time: ny(23, 10, 0)}, nil))
	assert.ErrorContains(t, bad.err, "a resolve event has no channel")
	bad.err = nil
	assert.Equal(t, http.StatusBadRequest, bad.do("POST", "/inquiries", inquiryJSON{ID: "x"}, nil), "no channel")
	bad.err = nil
	assert.Equal(t, http.StatusNotFound, bad.do("GET", "/inquiries/nobody", nil, nil))

	// The sweeper wakes every minute but evaluates only rows whose
	// next_check passed: at 12:00, lead-1 alone.
	before := s.app.evaluations.Load()
	clk.Set(ny(23, 12, 0))
	assert.Equal(t, int64(1), s.app.evaluations.Load()-before)
	assert.Equal(t, []string{"lead-1/first_reply/warn"}, keysOf(c.escalations()))
	next := queryInt(t, s, `SELECT next_check FROM inquiries WHERE id = 'lead-1'`)
	assert.Equal(t, ny(23, 13, 0), time.Unix(0, next.Int64).In(nyc), "the breach")
	next = queryInt(t, s, `SELECT next_check FROM inquiries WHERE id = 'order-1'`)
	assert.False(t, next.Valid, "nothing more can happen to a resolved order")

	// The query the sweeper runs uses the index.
	assert.Contains(t, sweepPlan(t, s), "inquiries_next_check")

	// Killed at 12:30, down until Tuesday 14:00: the breach of lead-1 and
	// the broken promise fell due meanwhile.
	clk.Set(ny(23, 12, 30))
	s.kill()
	clk.Set(ny(24, 14, 0))
	s, err = start(path, config{}, policies, clk, logger)
	require.NoError(t, err)
	c = &client{base: s.url, token: token}
	clk.Advance(0)
	// A wake-up from the database (PostgreSQL's LISTEN connection, on
	// connecting) may run the sweep on another goroutine than the
	// clock's move: wait for it.
	waitFor(t, "sweep after the restart", func() bool { return len(c.escalations()) >= 3 })
	list := c.escalations()
	require.NoError(t, c.err)
	assert.Equal(t, []string{"lead-1/first_reply/warn", "lead-1/first_reply/breach", "case-1/promise_kept#1/broken"}, keysOf(list))
	assert.Equal(t, ny(23, 13, 0), list[1].FiredAt.In(nyc), "fired while down")
	assert.Equal(t, ny(24, 14, 0), list[1].RecordedAt.In(nyc), "recorded at the restart")
	assert.Equal(t, []string{"team-lead"}, list[2].Notify)

	// Events posted before the kill are all there.
	full := c.status("case-1")
	require.NoError(t, c.err)
	assert.Equal(t, "bob", full.Owner)
	promise := full.Obligations[len(full.Obligations)-1]
	assert.Equal(t, "promise_kept#1", promise.Key.String())
	assert.Equal(t, sla.Breached, promise.State)

	// Sweeping everything again, as a worker that crashed before its
	// commit would make another do, records nothing twice.
	execSQL(t, s, `UPDATE inquiries SET next_check = 1`)
	added, _, err := s.app.Sweep(t.Context(), clk.Now())
	require.NoError(t, err)
	assert.Empty(t, added)

	// Another kill and restart later in the week.
	s.kill()
	clk.Set(ny(25, 17, 0))
	s, err = start(path, config{}, policies, clk, logger)
	require.NoError(t, err)
	defer s.kill()
	clk.Advance(0)
	c = &client{base: s.url, token: token}
	waitFor(t, "sweep after the second restart", func() bool { return len(c.escalations()) >= 6 })
	list = c.escalations()
	require.NoError(t, c.err)
	assert.Equal(t, []string{
		"lead-1/first_reply/warn", "lead-1/first_reply/breach", "case-1/promise_kept#1/broken",
		"case-1/resolution/at-risk", "case-1/resolution/breach", "case-1/resolution/manager",
	}, keysOf(list))
	seen := map[string]bool{}
	for _, k := range keysOf(list) {
		assert.False(t, seen[k], "recorded twice: %s", k)
		seen[k] = true
	}
}

func TestDemo(t *testing.T) {
	var b testWriter
	require.NoError(t, demo(&b, policies))
	assert.Contains(t, string(b), "case-1  promise_kept#1  broken   Tue 24 Nov 12:00 Tue 24 Nov 14:00 [team-lead]")
}

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }

// Every error is JSON with the right status: trailing data, a body over
// the limit, a wrong method, an unknown path.
func TestHTTPErrorsAreJSON(t *testing.T) {
	s, err := start(filepath.Join(t.TempDir(), "crm.db"), config{}, policies, clock.NewManual(ny(23, 9, 0)), log.New(io.Discard, "", 0))
	require.NoError(t, err)
	defer s.kill()
	token := addTokens(t, s, "acme")["acme"]
	send := func(method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var e struct{ Error, Field string }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&e), "%s %s: not JSON", method, path)
		assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
		return res.StatusCode, e.Error
	}
	code, msg := send("POST", "/inquiries", `{"id":"a","channel":"email"} {"id":"b"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, msg, "data after the document")
	code, _ = send("POST", "/inquiries", `{"id":"`+strings.Repeat("x", 2<<20)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	code, msg = send("DELETE", "/inquiries/a", "")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	assert.Contains(t, msg, "Method Not Allowed")
	code, _ = send("GET", "/nowhere", "")
	assert.Equal(t, http.StatusNotFound, code)
	// A path not in its clean form is 404 in JSON, not the mux's
	// redirect (with an HTML body) to the clean one.
	for _, p := range []string{"/inquiries/.", "/inquiries/a/../b", "//inquiries", "/inquiries/./a/events", "/board/../inquiries"} {
		code, msg = send("GET", p, "")
		assert.Equal(t, http.StatusNotFound, code, p)
		assert.Contains(t, msg, "not in its clean form", p)
	}
	code, msg = send("POST", "/inquiries/x/../y/events", `{"type":"reply","channel":"email"}`)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, msg, "not in its clean form")
	code, _ = send("GET", "/inquiries/a", "")
	assert.Equal(t, http.StatusNotFound, code, "not stored: the bad create left nothing")
	// A malformed query string is refused, not read in part.
	for _, path := range []string{"/escalations?limit=abc%", "/escalations?limit=1;after=x", "/export?limit=1;x=1", "/report?hours=1&hours%=2", "/report.csv?table=%zz"} {
		code, msg = send("GET", path, "")
		assert.Equal(t, http.StatusBadRequest, code, path)
		assert.Contains(t, msg, "malformed query string", path)
	}

	// What cannot be written as JSON is a 500, never a 200 with no body.
	// The app logs why.
	rec := httptest.NewRecorder()
	var logged strings.Builder
	a := &app{log: log.New(&logged, "", 0)}
	a.writeJSON(rec, http.StatusOK, map[string]any{"at": time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("", 24*60*60))})
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"error":"internal error"}`, rec.Body.String())
	assert.Contains(t, logged.String(), "internal error: writing a map[string]interface {}: json: error calling MarshalJSON for type time.Time")
}

// writerSlot adds one scheduler slot for a SQLite file and undoes it;
// it leaves the slots alone for PostgreSQL and when the environment
// sets GOMAXPROCS.
func TestWriterSlot(t *testing.T) {
	before := runtime.GOMAXPROCS(0) // as go test -cpu or the environment set it
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })
	t.Setenv("GOMAXPROCS", "")
	runtime.SetDefaultGOMAXPROCS()
	n := runtime.GOMAXPROCS(0)
	undo := writerSlot("crm.db")
	assert.Equal(t, n+1, runtime.GOMAXPROCS(0))
	undo()
	assert.Equal(t, n, runtime.GOMAXPROCS(0))
	writerSlot("postgres://127.0.0.1/crm")()
	assert.Equal(t, n, runtime.GOMAXPROCS(0))
	for _, v := range []string{strconv.Itoa(n), "+" + strconv.Itoa(n)} {
		t.Setenv("GOMAXPROCS", v) // the runtime takes "+2" too
		undo = writerSlot("crm.db")
		assert.Equal(t, n, runtime.GOMAXPROCS(0), "GOMAXPROCS=%q", v)
		undo()
		assert.Equal(t, n, runtime.GOMAXPROCS(0), "GOMAXPROCS=%q", v)
	}
	for _, v := range []string{"abc", "0", "-1", "2147483648", " 2"} {
		t.Setenv("GOMAXPROCS", v) // the runtime ignores it, and so does writerSlot
		undo = writerSlot("crm.db")
		assert.Equal(t, n+1, runtime.GOMAXPROCS(0), "GOMAXPROCS=%q", v)
		undo()
		assert.Equal(t, n, runtime.GOMAXPROCS(0), "GOMAXPROCS=%q", v)
	}
}
