package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// startSQLite serves a new SQLite database on a manual clock at ny(23, 9, 0)
// with tokens for acme, globex and admin.
func startSQLite(t *testing.T, cfg config) (*server, *clock.Manual, map[string]string) {
	t.Helper()
	return startOn(t, filepath.Join(t.TempDir(), "crm.db"), cfg)
}

// startOn serves the database db (a SQLite file or a postgres:// URL) as
// startSQLite does.
func startOn(t *testing.T, db string, cfg config) (*server, *clock.Manual, map[string]string) {
	t.Helper()
	clk := clock.NewManual(ny(23, 9, 0))
	s, err := start(db, cfg, policies, clk, log.New(io.Discard, "", 0))
	require.NoError(t, err)
	t.Cleanup(s.kill)
	return s, clk, addTokens(t, s, "acme", "globex", adminTenant)
}

// raw sends a request as given and returns the status and the decoded
// JSON answer.
func raw(t *testing.T, s *server, method, path, token, contentType, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(res.Body)
	json.Unmarshal(b, &out)
	return res.StatusCode, out
}

// Every instant the API takes lies in 1970-01-02..2099-12-30, where the
// calendars compute exactly and Unix nanoseconds cannot overflow: others
// are refused with 400 naming the field, and nothing is stored.
func TestInstantsOutsideTheRangeAreRefused(t *testing.T) {
	s, _, tokens := startSQLite(t, config{})
	acme := tokens["acme"]
	for _, body := range []string{
		`{"id":"a","channel":"email","received":"1600-01-01T00:00:00Z"}`,
		`{"id":"a","channel":"email","received":"9999-01-01T00:00:00Z"}`,
		`{"id":"a","channel":"email","received":"1970-01-01T12:00:00Z"}`,
		`{"id":"a","channel":"email","received":"2099-12-31T00:00:00Z"}`,
		// Offsets of a day, which time.Parse takes and JSON cannot write.
		`{"id":"a","channel":"email","received":"2026-11-23T09:00:00-24:00"}`,
		`{"id":"a","channel":"email","received":"2026-11-23T09:00:00+24:00"}`,
	} {
		code, out := raw(t, s, "POST", "/inquiries", acme, "application/json", body)
		assert.Equal(t, http.StatusBadRequest, code, body)
		assert.Equal(t, "received", out["field"], body)
	}
	c := &client{base: s.url, token: acme}
	c.post("/inquiries", inquiryJSON{ID: "a", Channel: sla.Email, Party: sla.Customer})
	require.NoError(t, c.err)
	for _, tc := range []struct{ body, field string }{
		{`{"type":"customer_message","time":"9999-01-01T00:00:00Z"}`, "time"},
		{`{"type":"promise","due":"2262-05-01T00:00:00Z"}`, "due"},
		{`{"type":"promise","due":"2100-01-01T00:00:00Z"}`, "due"},
		{`{"type":"promise","due":"2026-11-25T09:00:00+24:00"}`, "due"},
		{`{"type":"customer_message","time":"2026-11-23T09:00:00+99:59"}`, "time"},
		{`{"type":"reclassify","add_labels":[` + strings.Repeat(`"l",`, 64) + `"l"]}`, "add_labels"},
		{`{"type":"reclassify","remove_labels":[` + strings.Repeat(`"l",`, 64) + `"l"]}`, "remove_labels"},
	} {
		code, out := raw(t, s, "POST", "/inquiries/a/events", acme, "application/json", tc.body, "Idempotency-Key", newKey())
		assert.Equal(t, http.StatusBadRequest, code, tc.body)
		assert.Equal(t, tc.field, out["field"], tc.body)
	}
	// At the edge: a promise due on the last day taken is stored, and
	// its next_check is an instant the sweeper reaches normally.
	st := c.event("a", eventJSON{Type: sla.Promise, Due: time.Date(2099, 12, 29, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, c.err)
	assert.Equal(t, 1, st.Events)
	assert.Equal(t, 1, c.status("a").Events, "the refused events left nothing")
	next := queryInt(t, s, `SELECT MAX(next_check) FROM inquiries`)
	assert.LessOrEqual(t, next.Int64, maxInstant.UnixNano())

	// The report's instants and the manual clock's too; an offset just
	// under a day is taken.
	code, out := raw(t, s, "GET", "/report?from=2026-11-23T09:00:00%2B24:00", acme, "", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "from", out["field"])
	code, out = raw(t, s, "POST", "/admin/clock", tokens[adminTenant], "application/json", `{"set":"2026-11-25T09:00:00+24:00"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "set", out["field"])
	code, _ = raw(t, s, "POST", "/inquiries", acme, "application/json", `{"id":"b","channel":"email","received":"2026-11-23T09:00:00+23:59"}`)
	assert.Equal(t, http.StatusCreated, code)
	code, out = raw(t, s, "GET", "/inquiries/b", acme, "", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "b", out["id"])
}

// An event dated at or before an escalation already recorded for its
// inquiry is refused with 409 (it could rewrite what was recorded), and
// one dated more than the backdate window before now with 422; the
// recorded escalations and the log stay as they were.
func TestBackdatedEventsNeverRewriteWhatWasRecorded(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{backdate: 48 * time.Hour, ceiling: 24 * time.Hour})
	c := &client{base: s.url, token: tokens["acme"]}
	c.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email, Party: sla.Prospect})
	clk.Set(ny(23, 13, 30)) // warned at 12:00, breached at 13:00
	require.Equal(t, []string{"lead-1/first_reply/warn", "lead-1/first_reply/breach"}, keysOf(c.escalations()))

	c.event("lead-1", eventJSON{Type: sla.Reply, Channel: sla.Email, Time: ny(23, 11, 0)})
	assert.ErrorContains(t, c.err, "409")
	assert.ErrorContains(t, c.err, "could rewrite what was recorded")
	c.err = nil
	c.event("lead-1", eventJSON{Type: sla.Reply, Channel: sla.Email, Time: ny(23, 13, 0)})
	assert.ErrorContains(t, c.err, "409", "at the breach's instant the reply would have met it")
	c.err = nil
	st := c.status("lead-1")
	require.NoError(t, c.err)
	assert.Equal(t, 0, st.Events)
	assert.Equal(t, sla.Breached, st.Obligations[0].State)

	// After the last recorded firing it is taken, and the breach stays.
	st2 := c.event("lead-1", eventJSON{Type: sla.Reply, Channel: sla.Email, Time: ny(23, 13, 10)})
	require.NoError(t, c.err)
	assert.Empty(t, st2.Open)
	assert.Equal(t, sla.MetLate, c.status("lead-1").Obligations[0].State)
	assert.Equal(t, []string{"lead-1/first_reply/warn", "lead-1/first_reply/breach"}, keysOf(c.escalations()))

	// An event without a time is dated now: at the very instant of a
	// breach just recorded it is refused, and the answer says so.
	c.post("/inquiries", inquiryJSON{ID: "lead-2", Channel: sla.Email, Party: sla.Prospect})
	require.NoError(t, c.err)
	due := c.status("lead-2").Obligations[0].Due
	require.NoError(t, c.err)
	clk.Set(due) // lead-2 breached
	c.event("lead-2", eventJSON{Type: sla.Reply, Channel: sla.Email})
	assert.ErrorContains(t, c.err, "409")
	assert.ErrorContains(t, c.err, "dated now ("+due.In(nyc).Format(time.RFC3339)+", as one without a time is)")
	c.err = nil
	clk.Advance(time.Second)
	c.event("lead-2", eventJSON{Type: sla.Reply, Channel: sla.Email})
	require.NoError(t, c.err, "once the clock has passed it")

	// Dated more than -ahead (24h) after now: 422; within it, taken.
	c.event("lead-2", eventJSON{Type: sla.CustomerMessage, Channel: sla.Email, Time: clk.Now().Add(24*time.Hour + time.Second)})
	assert.ErrorContains(t, c.err, "422")
	assert.ErrorContains(t, c.err, "after now")
	c.err = nil
	c.event("lead-2", eventJSON{Type: sla.CustomerMessage, Channel: sla.Email, Time: clk.Now().Add(24 * time.Hour)})
	require.NoError(t, c.err)

	// Older than the window: 422.
	clk.Set(ny(26, 9, 0))
	c.event("lead-1", eventJSON{Type: sla.CustomerMessage, Time: ny(23, 14, 0)})
	assert.ErrorContains(t, c.err, "422")
	assert.ErrorContains(t, c.err, "before now")
}

// An event that would make one accepted before it an anomaly (a reopen
// dated before another reopen, so that the later one reopens an open
// inquiry) is refused with 400, back-dated or dated ahead: the log keeps
// none. An anomaly a log held already does not block what comes before it.
func TestEventsNeverMakeAcceptedOnesAnomalies(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	c := &client{base: s.url, token: tokens["acme"]}
	for _, id := range []string{"back", "ahead", "legacy"} {
		c.post("/inquiries", inquiryJSON{ID: id, Channel: sla.Email, Party: sla.Customer})
	}
	require.NoError(t, c.err)
	clk.Set(ny(23, 9, 20))
	// Resolved at 9:05 and reopened at reopened; a reopen at earlier is
	// refused, since the one at reopened would then reopen an open
	// inquiry.
	reopenBefore := func(id string, reopened, earlier time.Time) {
		t.Helper()
		c.event(id, eventJSON{Type: sla.Resolve, Time: ny(23, 9, 5)})
		c.event(id, eventJSON{Type: sla.Reopen, Time: reopened})
		require.NoError(t, c.err)
		c.event(id, eventJSON{Type: sla.Reopen, Time: earlier})
		assert.ErrorContains(t, c.err, "400")
		assert.ErrorContains(t, c.err, "accepted before")
		c.err = nil
	}

	reopenBefore("back", ny(23, 9, 15), ny(23, 9, 10))
	st := c.event("back", eventJSON{Type: sla.Assign, Owner: "ann"})
	require.NoError(t, c.err)
	assert.Equal(t, 3, st.Events)
	assert.Zero(t, st.Anomalies)

	reopenBefore("ahead", ny(23, 10, 0), ny(23, 9, 30))

	// A reopen of an open inquiry, written before the API refused
	// anomalies.
	execSQL(t, s, fmt.Sprintf(`INSERT INTO events (tenant, inquiry_id, seq, event, idem_key, request_hash, answer)
		VALUES ('acme', 'legacy', 1, '{"time":"%s","type":"reopen"}', 'old', x'00', x'00')`, ny(23, 9, 50).Format(time.RFC3339)))
	execSQL(t, s, `UPDATE inquiries SET event_count = 1 WHERE tenant = 'acme' AND id = 'legacy'`)
	clk.Set(ny(23, 10, 30))
	st = c.event("ahead", eventJSON{Type: sla.Assign, Owner: "ann"})
	require.NoError(t, c.err)
	assert.Equal(t, 3, st.Events)
	assert.Zero(t, st.Anomalies)
	st = c.event("legacy", eventJSON{Type: sla.CustomerMessage, Channel: sla.Email, Time: ny(23, 9, 40)})
	require.NoError(t, c.err)
	assert.Equal(t, 2, st.Events)
	assert.Equal(t, 1, st.Anomalies, "the legacy anomaly, not a new one")

	// A missed appointment that named none, written before: an
	// appointment dated before it, due after it, would make it another
	// anomaly (missed before it began), and is refused.
	c.post("/inquiries", inquiryJSON{ID: "legacy2", Channel: sla.Email, Party: sla.Customer})
	require.NoError(t, c.err)
	execSQL(t, s, fmt.Sprintf(`INSERT INTO events (tenant, inquiry_id, seq, event, idem_key, request_hash, answer)
		VALUES ('acme', 'legacy2', 1, '{"time":"%s","type":"appointment_missed","ref":"a"}', 'old', x'00', x'00')`, ny(23, 10, 50).Format(time.RFC3339)))
	execSQL(t, s, `UPDATE inquiries SET event_count = 1 WHERE tenant = 'acme' AND id = 'legacy2'`)
	clk.Set(ny(23, 11, 0))
	c.event("legacy2", eventJSON{Type: sla.Appointment, Ref: "a", Channel: sla.Phone, Time: ny(23, 10, 40), Due: ny(23, 11, 30)})
	assert.ErrorContains(t, c.err, "400")
	assert.ErrorContains(t, c.err, "accepted before")
	assert.ErrorContains(t, c.err, "before the appointment was to begin")
	c.err = nil
	st = c.event("legacy2", eventJSON{Type: sla.Appointment, Ref: "a", Channel: sla.Phone, Time: ny(23, 10, 55), Due: ny(23, 11, 30)})
	require.NoError(t, c.err, "dated after the legacy anomaly, it changes nothing of it")
	assert.Equal(t, 1, st.Anomalies)
}

// A retried event under the same Idempotency-Key gets the first answer
// and is stored once; the key reused for another body is refused with
// 422; an event without a key with 400. A retried create gets the first
// answer too; another create for the same ID, 409.
func TestIdempotencyKeys(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	acme := tokens["acme"]
	body := `{"id":"a","channel":"email","party":"prospect"}`
	code, first := raw(t, s, "POST", "/inquiries", acme, "application/json", body)
	require.Equal(t, http.StatusCreated, code)
	clk.Advance(time.Minute)
	code, again := raw(t, s, "POST", "/inquiries", acme, "application/json", body)
	assert.Equal(t, http.StatusCreated, code)
	assert.Equal(t, first, again, "the first answer, not one evaluated now")
	code, _ = raw(t, s, "POST", "/inquiries", acme, "application/json", `{"id":"a","channel":"chat"}`)
	assert.Equal(t, http.StatusConflict, code)

	ev := `{"type":"assign","owner":"ann"}`
	code, first = raw(t, s, "POST", "/inquiries/a/events", acme, "application/json", ev, "Idempotency-Key", "k1")
	require.Equal(t, http.StatusOK, code)
	clk.Advance(time.Minute)
	code, again = raw(t, s, "POST", "/inquiries/a/events", acme, "application/json", ev, "Idempotency-Key", "k1")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, first, again)
	code, _ = raw(t, s, "POST", "/inquiries/a/events", acme, "application/json", `{"type":"assign","owner":"bob"}`, "Idempotency-Key", "k1")
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	code, _ = raw(t, s, "POST", "/inquiries/a/events", acme, "application/json", ev)
	assert.Equal(t, http.StatusBadRequest, code)
	c := &client{base: s.url, token: acme}
	st := c.status("a")
	require.NoError(t, c.err)
	assert.Equal(t, 1, st.Events, "stored once")
	assert.Equal(t, "ann", st.Owner)
}

// A log holds at most maxEvents events; the next is refused with 422.
func TestLogLengthIsBounded(t *testing.T) {
	s, _, tokens := startSQLite(t, config{maxEvents: 5})
	c := &client{base: s.url, token: tokens["acme"]}
	c.post("/inquiries", inquiryJSON{ID: "a", Channel: sla.Email, Party: sla.Customer})
	for range 5 {
		c.event("a", eventJSON{Type: sla.CustomerMessage})
	}
	require.NoError(t, c.err)
	c.event("a", eventJSON{Type: sla.CustomerMessage})
	assert.ErrorContains(t, c.err, "422")
	assert.ErrorContains(t, c.err, "its maximum")
}

// GET /escalations comes a page at a time, in a stable order, with a
// cursor to the next page; pages add up to the whole list.
func TestEscalationsArePaged(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	c := &client{base: s.url, token: tokens["acme"]}
	for i := range 13 {
		c.post("/inquiries", inquiryJSON{ID: "lead-" + string(rune('a'+i)), Channel: sla.Email, Party: sla.Prospect})
	}
	clk.Set(ny(23, 14, 0))
	all := c.escalations()
	require.NoError(t, c.err)
	require.Len(t, all, 26)
	var paged []recordedJSON
	after := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		var page pageJSON
		path := "/escalations?limit=5"
		if after != "" {
			path += "&after=" + after
		}
		c.do("GET", path, nil, &page)
		require.NoError(t, c.err)
		assert.LessOrEqual(t, len(page.Escalations), 5)
		paged = append(paged, page.Escalations...)
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	assert.Equal(t, keysOf(all), keysOf(paged))
	for _, bad := range []string{"?limit=0", "?limit=1001", "?limit=x", "?after=garbage", "?after=" + formatCursor(cursor{})[1:], "?page=2", "?limit=1&limit=2"} {
		code, out := raw(t, s, "GET", "/escalations"+bad, tokens["acme"], "", "")
		assert.Equal(t, http.StatusBadRequest, code, bad)
		assert.NotEmpty(t, out["field"], bad)
	}
}

// Every route wants a token: 401 without one or with an unknown one. A
// tenant sees only its own inquiries (another's answers 404, as if it did
// not exist) and escalations; IDs are per tenant. /admin/clock answers
// 403 to other tenants than admin. Tokens are stored as SHA-256 only.
func TestTokensAndTenants(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	for _, r := range []struct{ method, path string }{
		{"POST", "/inquiries"}, {"GET", "/inquiries/a"}, {"POST", "/inquiries/a/events"}, {"GET", "/escalations"},
		{"GET", "/admin/clock"}, {"POST", "/admin/clock"}, {"GET", "/nowhere"},
	} {
		for _, token := range []string{"", "not-a-token-of-anyone"} {
			code, out := raw(t, s, r.method, r.path, token, "application/json", `{}`)
			assert.Equal(t, http.StatusUnauthorized, code, "%s %s with %q", r.method, r.path, token)
			assert.NotEmpty(t, out["error"])
		}
	}
	acme := &client{base: s.url, token: tokens["acme"]}
	globex := &client{base: s.url, token: tokens["globex"]}
	acme.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email, Party: sla.Prospect})
	clk.Set(ny(23, 12, 30))
	require.NoError(t, acme.err)
	assert.Equal(t, http.StatusNotFound, globex.do("GET", "/inquiries/lead-1", nil, nil))
	globex.err = nil
	assert.Equal(t, http.StatusNotFound, globex.send("POST", "/inquiries/lead-1/events", key(), eventJSON{Type: sla.Resolve}, nil))
	globex.err = nil
	assert.Empty(t, globex.escalations())
	assert.Len(t, acme.escalations(), 1)
	globex.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Chat, Party: sla.Customer})
	require.NoError(t, globex.err, "the same ID in another tenant")
	assert.Equal(t, "prospects", acme.status("lead-1").Policy)
	assert.Equal(t, "customers", globex.status("lead-1").Policy)

	// The scheme's name is case-insensitive; Basic is not taken.
	for auth, want := range map[string]int{"bearer " + tokens["acme"]: http.StatusOK, "BEARER " + tokens["acme"]: http.StatusOK,
		"Basic " + tokens["acme"]: http.StatusUnauthorized, "Bearer": http.StatusUnauthorized, "Bearer  " + tokens["acme"]: http.StatusOK, "Bearer  ": http.StatusUnauthorized} {
		code, _ := raw(t, s, "GET", "/inquiries/lead-1", "", "", "", "Authorization", auth)
		assert.Equal(t, want, code, auth)
	}

	code, out := raw(t, s, "GET", "/admin/clock", tokens["acme"], "", "")
	assert.Equal(t, http.StatusForbidden, code)
	assert.NotEmpty(t, out["error"])
	code, _ = raw(t, s, "POST", "/admin/clock", tokens["acme"], "application/json", `{"advance":"1h"}`)
	assert.Equal(t, http.StatusForbidden, code)
	code, _ = raw(t, s, "GET", "/admin/clock", tokens[adminTenant], "", "")
	assert.Equal(t, http.StatusOK, code)

	var stored [][]byte
	rows, err := sqliteOf(s).w.Query(`SELECT hash FROM tokens`)
	require.NoError(t, err)
	for rows.Next() {
		var h []byte
		require.NoError(t, rows.Scan(&h))
		stored = append(stored, h)
	}
	require.NoError(t, rows.Err())
	assert.Len(t, stored, 3)
	for _, h := range stored {
		assert.Len(t, h, 32)
		for _, token := range tokens {
			assert.False(t, bytes.Contains(h, []byte(token)))
		}
	}
}

// Writes want Content-Type: application/json (a cross-site form or
// text/plain POST gets 415); member names match exactly, and duplicate
// or unknown members are refused with 400 naming the member.
func TestWritesAreStrictJSON(t *testing.T) {
	s, _, tokens := startSQLite(t, config{})
	acme := tokens["acme"]
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"} {
		code, _ := raw(t, s, "POST", "/inquiries", acme, ct, `{"id":"a","channel":"email"}`)
		assert.Equal(t, http.StatusUnsupportedMediaType, code, ct)
	}
	code, _ := raw(t, s, "POST", "/inquiries", acme, "application/json; charset=utf-8", `{"id":"ok","channel":"email"}`)
	assert.Equal(t, http.StatusCreated, code)
	code, _ = raw(t, s, "POST", "/inquiries", acme, "application/json; charset=UTF8", `{"id":"ok2","channel":"email"}`)
	assert.Equal(t, http.StatusCreated, code)
	for _, tc := range []struct{ body, field string }{
		{`{"ID":"a","channel":"email"}`, "ID"},
		{`{"id":"a","Channel":"email"}`, "Channel"},
		{`{"id":"a","id":"b","channel":"email"}`, "id"},
		{`{"id":"a","channel":"email","colour":"red"}`, "colour"},
		{`{"id":"a","channel":"email","labels":"vip"}`, "labels"},
		{`{"id":"a/b","channel":"email"}`, "id"},
		{`{"id":"..","channel":"email"}`, "id"},
		{`{"id":".","channel":"email"}`, "id"},
		// The library's checks name the field too.
		{`{"id":"a","channel":"email","party":"alien"}`, "party"},
		{`{"id":"a","channel":"email","received":"2026-11-23T15:00:00Z"}`, "received"},
		{`null`, ""},
		{`[]`, ""},
		{"{\"id\":\"a\",\"channel\":\"email\",\"labels\":[\"\xff\"]}", ""},
		{`{"id":"a","channel":"email","labels":["vip\ud800"]}`, "labels[0]"}, // not text: it would be stored as U+FFFD
	} {
		code, out := raw(t, s, "POST", "/inquiries", acme, "application/json", tc.body)
		assert.Equal(t, http.StatusBadRequest, code, tc.body)
		field, _ := out["field"].(string)
		assert.Equal(t, tc.field, field, tc.body)
		assert.NotEmpty(t, out["error"], tc.body)
	}
	code, out := raw(t, s, "POST", "/inquiries/ok/events", acme, "application/json", `{"type":"assign","Owner":"x"}`, "Idempotency-Key", "k")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "Owner", out["field"])
	code, out = raw(t, s, "POST", "/inquiries/ok/events", acme, "application/json", `{"type":"nonsense"}`, "Idempotency-Key", "k")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "type", out["field"])

	// Two Idempotency-Keys are none.
	req, err := http.NewRequest("POST", s.url+"/inquiries/ok/events", strings.NewReader(`{"type":"assign","owner":"x"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+acme)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Add("Idempotency-Key", "k1")
	req.Header.Add("Idempotency-Key", "k2")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Equal(t, 0, (&client{base: s.url, token: acme}).status("ok").Events, "nothing stored")
}

// A client that sends its headers too slowly, or keeps an idle
// connection, is cut off by the server's timeouts.
func TestServerTimeouts(t *testing.T) {
	s, _, _ := startSQLite(t, config{readHeaderTimeout: 200 * time.Millisecond, readTimeout: 500 * time.Millisecond, idleTimeout: 300 * time.Millisecond})
	addr := strings.TrimPrefix(s.url, "http://")
	closedWithin := func(name string, conn net.Conn, bound time.Duration) {
		t.Helper()
		start := time.Now()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err := io.ReadAll(conn)
		assert.NoError(t, err, "%s: want the server to close the connection", name)
		assert.Less(t, time.Since(start), bound, name)
	}

	// Headers that never end.
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /escalations HTTP/1.1\r\nHost: x\r\n"))
	require.NoError(t, err)
	closedWithin("slow headers", conn, 3*time.Second)

	// A body that never comes.
	conn2, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn2.Close()
	_, err = conn2.Write([]byte("POST /inquiries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"))
	require.NoError(t, err)
	closedWithin("slow body", conn2, 3*time.Second)

	// An idle keep-alive connection after one request.
	conn3, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn3.Close()
	_, err = conn3.Write([]byte("GET /escalations HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(conn3), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	io.Copy(io.Discard, res.Body)
	closedWithin("idle", conn3, 3*time.Second)
}

// An event dated before its inquiry arrived is refused with 400 naming
// its time, not the instant the log was read at.
func TestEventBeforeInquiryNamesItsTime(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	c := &client{base: s.url, token: tokens["acme"]}
	clk.Set(ny(23, 10, 0))
	c.post("/inquiries", inquiryJSON{ID: "a", Channel: sla.Email, Party: sla.Customer})
	require.NoError(t, c.err)
	clk.Set(ny(23, 10, 30))
	c.event("a", eventJSON{Type: sla.Assign, Owner: "ann", Time: ny(23, 9, 59)})
	assert.ErrorContains(t, c.err, "400")
	assert.ErrorContains(t, c.err, `events[0].time: "2026-11-23 09:59:00`)
	assert.ErrorContains(t, c.err, "before the inquiry arrived")
}

// An inquiry holds at most maxListed labels: an event that would give it
// more is refused with 400 naming add_labels, whether it comes after the
// kept run or is back-dated (the log replayed); one that adds labels it
// holds, or removes some first, is taken.
func TestLabelsHeldAreBounded(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	c := &client{base: s.url, token: tokens["acme"]}
	labels := func(from, n int) []string {
		var out []string
		for i := from; i < from+n; i++ {
			out = append(out, fmt.Sprintf("l%d", i))
		}
		return out
	}
	c.post("/inquiries", inquiryJSON{ID: "a", Channel: sla.Email, Party: sla.Customer, Labels: labels(0, maxListed-4)})
	require.NoError(t, c.err)
	clk.Advance(time.Minute)
	c.event("a", eventJSON{Type: sla.Reclassify, AddLabels: labels(maxListed-4, 4)})
	require.NoError(t, c.err, "up to the bound")
	clk.Advance(time.Minute)
	for _, e := range []eventJSON{
		{Type: sla.Reclassify, AddLabels: []string{"one-more"}},
		{Type: sla.Reclassify, AddLabels: []string{"one-more"}, Time: clk.Now().Add(-90 * time.Second)}, // before the last event: replayed
	} {
		body, err := json.Marshal(e)
		require.NoError(t, err)
		code, out := raw(t, s, "POST", "/inquiries/a/events", tokens["acme"], "application/json", string(body), "Idempotency-Key", newKey())
		assert.Equal(t, http.StatusBadRequest, code)
		assert.Equal(t, "add_labels", out["field"])
		assert.Contains(t, out["error"], "would hold 65 labels; it holds at most 64")
	}
	c.event("a", eventJSON{Type: sla.Reclassify, AddLabels: labels(0, 3)})
	require.NoError(t, c.err, "labels it holds")
	c.event("a", eventJSON{Type: sla.Reclassify, RemoveLabels: labels(0, 1), AddLabels: []string{"one-more"}})
	require.NoError(t, c.err, "one out, one in")
	c.event("a", eventJSON{Type: sla.Reclassify, AddLabels: []string{"two-more"}})
	assert.ErrorContains(t, c.err, "would hold 65 labels", "still at the bound")
	c.err = nil

	// Removals dated ahead do not hide what the inquiry would hold
	// until they come.
	c.post("/inquiries", inquiryJSON{ID: "b", Channel: sla.Email, Party: sla.Customer, Labels: labels(0, maxListed)})
	require.NoError(t, c.err)
	c.event("b", eventJSON{Type: sla.Reclassify, RemoveLabels: labels(100, 3), Time: clk.Now().Add(time.Hour)})
	require.NoError(t, c.err)
	c.event("b", eventJSON{Type: sla.Reclassify, AddLabels: labels(100, 3)})
	assert.ErrorContains(t, c.err, "would hold 67 labels", "held for the hour until the removal")
	c.err = nil

	// A log that held more before the bound is not refused an event that
	// adds none, or that adds fewer than it removes.
	c.post("/inquiries", inquiryJSON{ID: "legacy", Channel: sla.Email, Party: sla.Customer, Labels: labels(0, maxListed)})
	require.NoError(t, c.err)
	execSQL(t, s, fmt.Sprintf(`INSERT INTO events (tenant, inquiry_id, seq, event, idem_key, request_hash, answer)
		VALUES ('acme', 'legacy', 1, '{"time":"%s","type":"reclassify","add_labels":["x1","x2"]}', 'old', x'00', x'00')`, clk.Now().Format(time.RFC3339)))
	execSQL(t, s, `UPDATE inquiries SET event_count = 1 WHERE tenant = 'acme' AND id = 'legacy'`)
	clk.Advance(time.Minute)
	c.event("legacy", eventJSON{Type: sla.Reclassify, AddLabels: []string{"x1"}})
	require.NoError(t, c.err, "a label it holds")
	c.event("legacy", eventJSON{Type: sla.Reclassify, AddLabels: []string{"y"}, RemoveLabels: []string{"x1", "x2"}})
	require.NoError(t, c.err, "two out, one in")
	c.event("legacy", eventJSON{Type: sla.Reclassify, AddLabels: []string{"z"}})
	assert.ErrorContains(t, c.err, "would hold 66 labels")
	c.err = nil

	// A label given twice at creation would be held twice.
	code, out := raw(t, s, "POST", "/inquiries", tokens["acme"], "application/json", `{"id":"c","channel":"email","labels":["x","y","x"]}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "labels[2]", out["field"])
	// An empty label is refused at creation as in an event.
	code, out = raw(t, s, "POST", "/inquiries", tokens["acme"], "application/json", `{"id":"c","channel":"email","labels":["x",""]}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "labels[1]", out["field"], "%v", out)
}

// TestHeaderBound: a request's line and headers are at most 32 kB, as
// the README says; more is 431.
func TestHeaderBound(t *testing.T) {
	s, _, tokens := startSQLite(t, config{})
	for _, tc := range []struct {
		size int
		want int
	}{{maxHeaderBytes - 1<<10, http.StatusNotFound}, {maxHeaderBytes + 1<<10, http.StatusRequestHeaderFieldsTooLarge}} {
		req, err := http.NewRequest("GET", s.url+"/inquiries/nope", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tokens["acme"])
		req.Header.Set("X-Pad", strings.Repeat("a", tc.size))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.want, resp.StatusCode, "%d bytes of header", tc.size)
	}
}

// TestSyncSetting: -sync sets SQLite's synchronous setting, FULL (2)
// unless it says normal (1); anything else, or normal for PostgreSQL,
// is refused naming -sync.
func TestSyncSetting(t *testing.T) {
	for sync, want := range map[string]int64{"": 2, syncFull: 2, syncNormal: 1} {
		s, err := start(filepath.Join(t.TempDir(), "crm.db"), config{sync: sync}, policies, clock.NewManual(ny(23, 9, 0)), log.New(io.Discard, "", 0))
		require.NoError(t, err)
		assert.Equal(t, want, queryInt(t, s, `PRAGMA synchronous`).Int64, "-sync %q, the writer", sync)
		var r int64
		require.NoError(t, sqliteOf(s).r.QueryRow(`PRAGMA synchronous`).Scan(&r))
		assert.Equal(t, want, r, "-sync %q, a reader", sync)
		s.kill()
	}
	for _, tc := range []struct{ db, sync, want string }{
		{"crm.db", "FULL", `-sync "FULL": want full or normal`},
		{"crm.db", "off", `-sync "off": want full or normal`},
		{"postgres://localhost/crm", syncNormal, "-sync normal: SQLite's only; PostgreSQL's durability is the server's synchronous_commit"},
	} {
		_, err := openBackend(context.Background(), filepath.Join(t.TempDir(), tc.db), tc.sync)
		if isPostgres(tc.db) {
			_, err = openBackend(context.Background(), tc.db, tc.sync)
		}
		assert.EqualError(t, err, tc.want)
	}
}
