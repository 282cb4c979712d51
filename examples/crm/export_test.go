package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/history"
)

// exportPage gets one page of GET /export and returns its status, its
// records as history.Reader reads them, and the next cursor from the
// trailer.
func exportPage(t *testing.T, s *server, token, query string) (int, []history.Record, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+"/export"+query, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil, ""
	}
	assert.Equal(t, "application/jsonl", res.Header.Get("Content-Type"))
	r := history.NewReader(res.Body)
	var recs []history.Record
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		recs = append(recs, rec)
	}
	assert.Empty(t, res.Trailer.Get(trailerError))
	return res.StatusCode, recs, res.Trailer.Get(trailerNext)
}

// exportAll follows the pages of GET /export with the query given (from
// and to) and limit, and returns every record and the pages read.
func exportAll(t *testing.T, s *server, token, query string, limit int) ([]history.Record, int) {
	t.Helper()
	var all []history.Record
	after := ""
	for pages := 1; ; pages++ {
		q := query + "&limit=" + fmt.Sprint(limit)
		if after != "" {
			q += "&after=" + url.QueryEscape(after)
		}
		code, recs, next := exportPage(t, s, token, "?"+q)
		require.Equal(t, http.StatusOK, code)
		require.LessOrEqual(t, len(recs), limit)
		all = append(all, recs...)
		if next == "" {
			return all, pages
		}
		require.Len(t, recs, limit, "a page with a next cursor is full")
		after = next
		require.Less(t, pages, 10_000)
	}
}

// lines writes records as history.Writer does, for comparing records
// whatever the locations of their instants.
func lines(t *testing.T, recs []history.Record) string {
	t.Helper()
	var buf bytes.Buffer
	w := history.NewWriter(&buf)
	for _, rec := range recs {
		require.NoError(t, w.Write(rec))
	}
	require.NoError(t, w.Flush())
	return buf.String()
}

// postHistory posts five inquiries of acme's and their events through
// the API, moving the clock to each event's time, and one of globex's;
// it returns acme's as records, by ID.
func postHistory(t *testing.T, s *server, clk *clock.Manual, tokens map[string]string) []history.Record {
	acme := &client{base: s.url, token: tokens["acme"]}
	globex := &client{base: s.url, token: tokens["globex"]}
	type posted struct {
		id string
		e  sla.Event
	}
	var recs []history.Record
	for i, in := range []inquiryJSON{
		{ID: "x-5", Channel: sla.Email, Party: sla.Customer, Kind: sla.Complaint, Received: ny(23, 9, 0)},
		{ID: "x-1", Channel: sla.Chat, Party: sla.Prospect, Received: ny(23, 9, 5), Labels: []string{"vip"}},
		{ID: "x-3", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email}, Party: sla.Prospect, Received: ny(23, 9, 10)},
		{ID: "x-2", Channel: sla.Phone, Party: sla.Customer, Priority: sla.Urgent, Received: ny(24, 9, 0)},
		{ID: "x-4", Channel: sla.Email, Party: sla.Customer, Received: ny(25, 9, 0)},
	} {
		clk.Set(in.Received)
		acme.post("/inquiries", in)
		recs = append(recs, history.Record{Inquiry: in.inquiry()})
		if i == 0 {
			globex.post("/inquiries", inquiryJSON{ID: "g-1", Channel: sla.Email, Received: in.Received})
		}
	}
	events := []posted{
		{"x-5", sla.Event{Time: ny(25, 10, 0), Type: sla.Assign, Owner: "bob", Team: "support"}},
		{"x-1", sla.Event{Time: ny(25, 10, 5), Type: sla.Reply, Channel: sla.Chat, Actor: "ann"}},
		{"x-5", sla.Event{Time: ny(25, 10, 10), Type: sla.Reply, Channel: sla.Phone, Actor: "bob"}},
		{"x-5", sla.Event{Time: ny(25, 10, 10), Type: sla.Promise, Ref: "fix", PromiseKind: sla.DoSomething, Due: ny(26, 12, 0), Actor: "bob"}},
		{"x-2", sla.Event{Time: ny(25, 11, 0), Type: sla.CustomerMessage, Channel: sla.Phone}},
		{"x-1", sla.Event{Time: ny(25, 11, 30), Type: sla.Resolve, Actor: "ann"}},
	}
	for _, p := range events {
		clk.Set(p.e.Time)
		acme.event(p.id, p.e)
		i := slices.IndexFunc(recs, func(r history.Record) bool { return r.Inquiry.ID == p.id })
		recs[i].Events = append(recs[i].Events, p.e)
	}
	require.NoError(t, acme.err)
	require.NoError(t, globex.err)
	sort.Slice(recs, func(i, j int) bool { return recs[i].Inquiry.ID < recs[j].Inquiry.ID })
	return recs
}

// testExport checks GET /export on a server: what it exports reads back
// as what was posted; pages cover every inquiry once; and bad requests
// are refused.
func testExport(t *testing.T, s *server, clk *clock.Manual, tokens map[string]string) {
	posted := postHistory(t, s, clk, tokens)
	// More than a chunk of inquiries from before, without events.
	seeded := seedDue(t, s.app.db, "acme", exportChunkRows+150, ny(10, 9, 0), ny(10, 9, 0).Add(365*24*time.Hour))
	acme := tokens["acme"]

	// The window of the posted ones: the records as posted, by ID.
	window := "from=" + url.QueryEscape(ny(23, 0, 0).Format(time.RFC3339)) + "&to=" + url.QueryEscape(ny(26, 0, 0).Format(time.RFC3339))
	code, recs, next := exportPage(t, s, acme, "?"+window)
	require.Equal(t, http.StatusOK, code)
	assert.Empty(t, next)
	assert.Equal(t, lines(t, posted), lines(t, recs))
	// A window of its own for x-2 (received on the 24th), to excluded.
	_, recs, _ = exportPage(t, s, acme, "?from="+url.QueryEscape(ny(24, 9, 0).Format(time.RFC3339))+"&to="+url.QueryEscape(ny(25, 9, 0).Format(time.RFC3339)))
	require.Len(t, recs, 1)
	assert.Equal(t, "x-2", recs[0].Inquiry.ID)

	// Pages of 7, without a window: every inquiry of acme's exactly once.
	all, pages := exportAll(t, s, acme, "", 7)
	var ids []string
	for _, r := range all {
		ids = append(ids, r.Inquiry.ID)
	}
	want := slices.Clone(seeded)
	for _, r := range posted {
		want = append(want, r.Inquiry.ID)
	}
	slices.Sort(want)
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	assert.Equal(t, want, sorted, "each inquiry once, none of globex's")
	assert.Equal(t, len(slices.Compact(slices.Clone(sorted))), len(ids))
	assert.GreaterOrEqual(t, pages, (len(want)+6)/7)
	// Pages within a window, across chunks of the database.
	inWindow, _ := exportAll(t, s, acme, window, 2)
	assert.Equal(t, lines(t, posted), lines(t, inWindow))

	// Globex sees its own only.
	_, recs, _ = exportPage(t, s, tokens["globex"], "")
	require.Len(t, recs, 1)
	assert.Equal(t, "g-1", recs[0].Inquiry.ID)

	// Refused: without a token, a bad token, bad parameters.
	code, _ = raw(t, s, "GET", "/export", "", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = raw(t, s, "GET", "/export", "not-a-token", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	for _, tc := range []struct{ query, field string }{
		{"?from=yesterday", "from"},
		{"?to=2026-11-40T00:00:00Z", "to"},
		{"?from=0001-01-01T00:00:00Z", "from"}, // outside the instants the back end computes exactly
		{"?to=9999-12-31T23:59:59Z", "to"},
		{"?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z", "to"},
		{"?limit=0", "limit"},
		{"?limit=1001", "limit"},
		{"?after=nope", "after"},
		{"?after=" + formatCursor(cursor{1, "a", "b", "c"}), "after"},
		{"?from=2026-11-24T00:00:00Z&from=2026-11-25T00:00:00Z", "from"},
		{"?since=2026-11-24T00:00:00Z", "since"},
	} {
		code, out := raw(t, s, "GET", "/export"+tc.query, acme, "", "")
		assert.Equal(t, http.StatusBadRequest, code, tc.query)
		assert.Equal(t, tc.field, out["field"], tc.query)
	}
}

func TestExport(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	testExport(t, s, clk, tokens)
}

func TestPostgresExport(t *testing.T) {
	s, clk, tokens := startOn(t, startPostgres(t).database("crm"), config{})
	testExport(t, s, clk, tokens)
}

// An export cursor reads back; another endpoint's, or none, is refused.
func TestExportCursor(t *testing.T) {
	c := formatExportCursor("x-1")
	id, err := parseExportCursor(c)
	require.NoError(t, err)
	assert.Equal(t, "x-1", id)
	for _, bad := range []string{"", "!!", formatCursor(cursor{}), formatExportCursor("")} {
		_, err := parseExportCursor(bad)
		assert.Error(t, err, bad)
	}
}
