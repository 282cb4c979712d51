package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/replyby/replyby/sla/history"
)

// exportChunkRows is how many inquiries GET /export reads from the
// database at a time, each chunk in one snapshot.
const exportChunkRows = 200

// The trailer fields of GET /export: the cursor of the next page, and
// the error that cut a page short.
const (
	trailerNext  = "Export-Next"
	trailerError = "Export-Error"
)

// serveExport serves GET /export?from=T&to=T&limit=N&after=CURSOR: the
// tenant's inquiries received in [from, to) (RFC 3339, instants the API
// takes elsewhere: checkInstant; either may be left out for no bound),
// each with its whole log, as the JSON Lines of package sla/history (one
// record a line, Content-Type application/jsonl), by inquiry ID, at most
// limit (default 100, at most 1000) a page. The body is written as the
// rows are read, a chunk at a time, never built whole. Since the next
// page is known only at the end, its cursor comes in the HTTP trailer
// field Export-Next, declared in the Trailer header (empty or absent:
// this was the last page); pass it as ?after= with the same from and to.
// A database error after the first byte cannot change the status: it
// ends the body early with the trailer Export-Error set, and no
// Export-Next.
func (a *app) serveExport(w http.ResponseWriter, r *http.Request) {
	q, err := queryOf(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	for name, vs := range q {
		switch {
		case len(vs) != 1:
			writeError(w, http.StatusBadRequest, &fieldError{name, "given more than once"})
			return
		case name != "from" && name != "to" && name != "limit" && name != "after":
			writeError(w, http.StatusBadRequest, &fieldError{name, "unknown parameter; want from, to, limit or after"})
			return
		}
	}
	var from, to time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &from}, {"to", &to}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			writeError(w, http.StatusBadRequest, &fieldError{p.name, fmt.Sprintf("%q: want an RFC 3339 instant (2026-11-01T00:00:00Z)", s)})
			return
		}
		if err := checkInstant(p.name, t); err != nil {
			writeError(w, http.StatusBadRequest, err) // like every instant the API takes
			return
		}
		*p.t = t
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		writeError(w, http.StatusBadRequest, &fieldError{"to", "must be after from"})
		return
	}
	limit := defaultPage
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			writeError(w, http.StatusBadRequest, &fieldError{"limit", fmt.Sprintf("%q: want 1 to %d", s, maxPage)})
			return
		}
		limit = n
	}
	after := ""
	if s := q.Get("after"); s != "" {
		var err error
		if after, err = parseExportCursor(s); err != nil {
			writeError(w, http.StatusBadRequest, &fieldError{"after", err.Error()})
			return
		}
	}

	tenant := tenantOf(r)
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Trailer", trailerNext+", "+trailerError)
	w.WriteHeader(http.StatusOK)
	hw := history.NewWriter(w)
	fail := func(err error) {
		a.log.Printf("export: %v", err)
		hw.Flush()
		w.Header().Set(trailerError, "internal error")
	}
	written, last := 0, ""
	for written < limit {
		rows, events, err := a.db.exportChunk(r.Context(), tenant, after, exportChunkRows)
		if err != nil {
			fail(err)
			return
		}
		for _, row := range rows {
			after = row.id
			in, err := decodeLog(row.doc, events[row.id])
			if err != nil {
				fail(fmt.Errorf("inquiry %s: %w", row.id, err))
				return
			}
			recv := in.inquiry.Received
			if !from.IsZero() && recv.Before(from) || !to.IsZero() && !recv.Before(to) {
				continue
			}
			if err := hw.Write(history.Record{Inquiry: in.inquiry, Events: in.events}); err != nil {
				var he *history.Error
				if errors.As(err, &he) {
					fail(fmt.Errorf("inquiry %s: %w", row.id, err))
				}
				return // the client went away
			}
			written++
			last = row.id
			if written == limit {
				break
			}
		}
		if len(rows) < exportChunkRows {
			break
		}
		// What is written reaches the client chunk by chunk.
		if hw.Flush() != nil {
			return
		}
	}
	if hw.Flush() != nil {
		return
	}
	if written == limit {
		w.Header().Set(trailerNext, formatExportCursor(last))
	}
}

// An export cursor travels as base64url of the JSON list ["export",
// inquiry ID]: the ID of the last record of the page.
func formatExportCursor(id string) string {
	b, _ := json.Marshal([]string{"export", id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseExportCursor(s string) (string, error) {
	bad := errors.New("not a cursor of GET /export")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", bad
	}
	var parts [2]string
	if err := strictjson.Decode(b, &parts); err != nil || parts[0] != "export" || parts[1] == "" {
		return "", bad
	}
	return parts[1], nil
}
