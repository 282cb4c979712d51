package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/replyby/replyby/clock"
)

// maxBody bounds a request's body.
const maxBody = 64 << 10

// adminTenant is the tenant whose tokens may use /admin/ routes.
const adminTenant = "admin"

// Pages of GET /escalations.
const (
	defaultPage = 100
	maxPage     = 1000
)

// decodeStrict decodes one JSON object: member names match exactly,
// unknown and repeated members are refused, and errors name the path.
func decodeStrict(body []byte, v any) error {
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		// null would decode as an empty object, and a list or a
		// scalar as a type error about the whole document.
		return errors.New("want a JSON object")
	}
	if err := strictjson.Decode(body, v); err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) && se.Path != "" {
			return &fieldError{se.Path, strings.TrimPrefix(err.Error(), se.Path+": ")}
		}
		return err
	}
	return nil
}

// checkID refuses an ID that is empty, longer than 128 bytes, or has
// other than ASCII letters, digits and "-_.:~" (IDs travel in paths).
func checkID(field, id string) error {
	if id == "" || len(id) > 128 {
		return &fieldError{field, "want 1 to 128 characters"}
	}
	if id == "." || id == ".." {
		return &fieldError{field, fmt.Sprintf("%q: a path's own name, not an ID", id)}
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.:~", c) >= 0) {
			return &fieldError{field, fmt.Sprintf("%q: want ASCII letters, digits and -_.:~ only", id)}
		}
	}
	return nil
}

// checkTenant refuses a tenant name that is not 1 to 64 of a-z, 0-9, - and _.
func checkTenant(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("tenant %q: want 1 to 64 characters", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("tenant %q: want a-z, 0-9, - and _ only", name)
		}
	}
	return nil
}

// readTokens reads a tokens file: one "TENANT TOKEN" pair a line; blank
// lines and lines starting with # are skipped. Tokens are at least 16
// characters. It returns SHA-256(token): tenant.
func readTokens(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want TENANT TOKEN", path, n)
		}
		if err := checkTenant(fields[0]); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if len(fields[1]) < 16 {
			return nil, fmt.Errorf("%s:%d: a token needs at least 16 characters", path, n)
		}
		h := sha256.Sum256([]byte(fields[1]))
		if t, dup := out[string(h[:])]; dup && t != fields[0] {
			return nil, fmt.Errorf("%s:%d: a token given to two tenants", path, n)
		}
		out[string(h[:])] = fields[0]
	}
	return out, sc.Err()
}

// A cachedTenant is a token's tenant as read from the database, trusted
// until expires: a token removed from the database stops working within
// tokenTTL.
type cachedTenant struct {
	tenant  string
	expires time.Time
}

const tokenTTL = 30 * time.Second

// tenantKey is the context key of the request's tenant.
type tenantKey struct{}

func tenantOf(r *http.Request) string { s, _ := r.Context().Value(tenantKey{}).(string); return s }

// authenticate answers 401 to a request without a known bearer token,
// and passes the others on with their tenant in the context.
func (a *app) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The scheme's name is case-insensitive, and one or more spaces
		// follow it (RFC 9110, 11.4).
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		token = strings.TrimLeft(token, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="crm"`)
			writeError(w, http.StatusUnauthorized, errors.New("want Authorization: Bearer TOKEN"))
			return
		}
		h := sha256.Sum256([]byte(token))
		tenant, ok, err := a.lookupToken(r.Context(), string(h[:]))
		if err != nil {
			a.fail(w, err)
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="crm", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, errors.New("unknown token"))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tenantKey{}, tenant)))
	})
}

func (a *app) lookupToken(ctx context.Context, hash string) (string, bool, error) {
	now := time.Now()
	if v, ok := a.tokens.Load(hash); ok && now.Before(v.(cachedTenant).expires) {
		return v.(cachedTenant).tenant, true, nil
	}
	tenant, ok, err := a.db.tenantOf(ctx, []byte(hash))
	if err != nil || !ok {
		a.tokens.Delete(hash)
		return "", false, err
	}
	a.tokens.Store(hash, cachedTenant{tenant, now.Add(tokenTTL)})
	return tenant, true, nil
}

// handler returns the HTTP API, every route behind a bearer token:
//
//	POST /inquiries               create an inquiry (inquiryJSON)
//	GET  /inquiries/{id}          its whole status now
//	POST /inquiries/{id}/events   append an event (eventJSON), Idempotency-Key required
//	GET  /escalations             the escalations recorded, a page at a time
//	GET  /export                  inquiries with their logs as history JSON Lines, streamed, a page at a time (export.go)
//	GET  /report, /report.csv     the board's reports (reports.go), also for a board session
//	POST /surveys                 record a call of a call list
//	GET, POST /admin/clock        with a manual clock only, admin tokens only
//
// and the board's pages (board.go), behind a session cookie.
func (a *app) handler(manual *clock.Manual) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /inquiries", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		res, err := a.create(r.Context(), tenantOf(r), body)
		a.answer(w, res, err)
	})
	mux.HandleFunc("GET /inquiries/{id}", func(w http.ResponseWriter, r *http.Request) {
		st, err := a.status(r.Context(), tenantOf(r), r.PathValue("id"))
		if err != nil {
			a.fail(w, err)
			return
		}
		a.writeJSON(w, http.StatusOK, st)
	})
	mux.HandleFunc("POST /inquiries/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		keys := r.Header.Values("Idempotency-Key")
		key := ""
		if len(keys) == 1 {
			key = keys[0]
		}
		if key == "" || len(key) > 128 || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			writeError(w, http.StatusBadRequest, errors.New("want one Idempotency-Key header of 1 to 128 printable ASCII characters"))
			return
		}
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		res, err := a.appendEvent(r.Context(), tenantOf(r), r.PathValue("id"), key, body)
		a.answer(w, res, err)
	})
	mux.HandleFunc("GET /escalations", a.listEscalations)
	mux.HandleFunc("GET /export", a.serveExport)
	mux.HandleFunc("GET /report", a.serveReport)
	mux.HandleFunc("GET /report.csv", a.serveReportCSV)
	mux.HandleFunc("POST /surveys", a.serveSurvey)
	if manual != nil {
		mux.Handle("/admin/clock", adminOnly(clockHandler(manual, a.cfg.ceiling)))
	}
	api := a.authenticate(jsonErrors(mux))
	// The board (board.go) at / beside the API, behind a session cookie;
	// the reports also for a browser's session, so that the board links
	// to them.
	top := http.NewServeMux()
	top.Handle("/", api)
	board := a.boardHandler()
	for _, pattern := range boardRoutes {
		top.Handle(pattern, board)
	}
	reports := secureHeaders(a.withSession(mux))
	for _, pattern := range []string{"GET /report", "GET /report.csv"} {
		top.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := r.Cookie(sessionCookie); err == nil && r.Header.Get("Authorization") == "" {
				reports.ServeHTTP(w, r)
				return
			}
			api.ServeHTTP(w, r)
		}))
	}
	return cleanPaths(top)
}

// cleanPaths answers 404, in JSON, a path that is not in its clean form
// (with a "." or ".." segment, or an empty one), which net/http's mux
// would redirect to the clean form with an HTML body: no inquiry's path
// has such a segment (checkID refuses the IDs "." and ".."), and a
// redirect would hide a client's bug, or send a POST somewhere else.
func cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		clean := path.Clean(p)
		if strings.HasSuffix(p, "/") && clean != "/" {
			clean += "/"
		}
		if p != "" && p != clean {
			writeError(w, http.StatusNotFound, fmt.Errorf("no such path: %q is not in its clean form (%q)", p, clean))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// adminOnly answers 403 to other tenants than adminTenant.
func adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tenantOf(r) != adminTenant {
			writeError(w, http.StatusForbidden, fmt.Errorf("%s is for the %s tenant's tokens", r.URL.Path, adminTenant))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads a write's body: application/json and at most maxBody
// bytes, or it answers 415 or 413 and returns false.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	cts := r.Header.Values("Content-Type")
	mt, params, err := "", map[string]string(nil), errors.New("not one Content-Type")
	if len(cts) == 1 {
		mt, params, err = mime.ParseMediaType(cts[0])
	}
	if cs, ok := params["charset"]; err != nil || mt != "application/json" || ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		writeError(w, http.StatusUnsupportedMediaType, errors.New("want Content-Type: application/json (UTF-8)"))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("a body holds at most %d bytes", maxBody))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, err)
		return nil, false
	case !utf8.Valid(body):
		// encoding/json would read bad bytes as U+FFFD: what is stored
		// would not be what was sent (and hashed for retries).
		writeError(w, http.StatusBadRequest, errors.New("the body is not valid UTF-8"))
		return nil, false
	}
	return body, true
}

// answer writes a write's result.
func (a *app) answer(w http.ResponseWriter, res result, err error) {
	if err != nil {
		a.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(res.code)
	w.Write(res.body)
	if len(res.body) > 0 && res.body[len(res.body)-1] != '\n' {
		w.Write([]byte{'\n'})
	}
}

// recordedJSON is an escalation as GET /escalations lists it.
type recordedJSON struct {
	Inquiry     string    `json:"inquiry"`
	Obligation  string    `json:"obligation"`
	Level       string    `json:"level"`
	FiredAt     time.Time `json:"fired_at"`
	Notify      []string  `json:"notify"`
	RecordedAt  time.Time `json:"recorded_at"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
}

// pageJSON is a page of GET /escalations; Next, if not empty, is the
// cursor of the next page (?after=Next).
type pageJSON struct {
	Escalations []recordedJSON `json:"escalations"`
	Next        string         `json:"next,omitempty"`
}

// listEscalations serves GET /escalations?limit=N&after=CURSOR: the
// tenant's escalations by firing time, then inquiry, obligation and
// level, at most limit (default 100, at most 1000) a page.
func (a *app) listEscalations(w http.ResponseWriter, r *http.Request) {
	q, err := queryOf(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	limit := defaultPage
	for name, vs := range q {
		switch {
		case len(vs) != 1:
			writeError(w, http.StatusBadRequest, &fieldError{name, "given more than once"})
			return
		case name != "limit" && name != "after":
			writeError(w, http.StatusBadRequest, &fieldError{name, "unknown parameter; want limit or after"})
			return
		}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			writeError(w, http.StatusBadRequest, &fieldError{"limit", fmt.Sprintf("%q: want 1 to %d", s, maxPage)})
			return
		}
		limit = n
	}
	var after cursor
	if s := q.Get("after"); s != "" {
		var err error
		if after, err = parseCursor(s); err != nil {
			writeError(w, http.StatusBadRequest, &fieldError{"after", err.Error()})
			return
		}
	}
	rows, err := a.db.listEscalations(r.Context(), tenantOf(r), after, limit)
	if err != nil {
		a.fail(w, err)
		return
	}
	page := pageJSON{Escalations: make([]recordedJSON, 0, len(rows))}
	for _, e := range rows {
		rec := recordedJSON{Inquiry: e.inquiryID, Obligation: e.obligation, Level: e.level,
			FiredAt: time.Unix(0, e.firedAt).In(a.loc), RecordedAt: time.Unix(0, e.recordedAt).In(a.loc)}
		if e.deliveredAt != 0 {
			rec.DeliveredAt = time.Unix(0, e.deliveredAt).In(a.loc)
		}
		if err := json.Unmarshal(e.notify, &rec.Notify); err != nil {
			a.fail(w, err)
			return
		}
		page.Escalations = append(page.Escalations, rec)
	}
	if len(rows) == limit {
		last := rows[len(rows)-1]
		page.Next = formatCursor(cursor{last.firedAt, last.inquiryID, last.obligation, last.level})
	}
	a.writeJSON(w, http.StatusOK, page)
}

// A cursor travels as base64url of the JSON list [fired_at, inquiry,
// obligation, level].
func formatCursor(c cursor) string {
	b, _ := json.Marshal([]any{c.firedAt, c.inquiryID, c.obligation, c.level})
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errors.New("not a cursor of this API")
	}
	var parts [4]json.RawMessage
	if err := strictjson.Decode(b, &parts); err != nil {
		return cursor{}, errors.New("not a cursor of this API")
	}
	var c cursor
	if json.Unmarshal(parts[0], &c.firedAt) != nil || json.Unmarshal(parts[1], &c.inquiryID) != nil ||
		json.Unmarshal(parts[2], &c.obligation) != nil || json.Unmarshal(parts[3], &c.level) != nil {
		return cursor{}, errors.New("not a cursor of this API")
	}
	for _, s := range []string{c.inquiryID, c.obligation, c.level} {
		if strings.IndexByte(s, 0) >= 0 { // never written by this API; PostgreSQL's text cannot hold it
			return cursor{}, errors.New("not a cursor of this API")
		}
	}
	return c, nil
}

// jsonErrors answers the mux's own errors (404 for an unknown path, 405
// for a wrong method) in JSON like every other error, keeping its status
// and headers (Allow).
func jsonErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			mux.ServeHTTP(&statusOnly{ResponseWriter: w}, r)
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
	writeError(s.ResponseWriter, s.code, errors.New(strings.TrimSpace(string(p))))
	return len(p), nil
}

// fail answers an error of a read or of the database.
func (a *app) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errNotFound):
		writeError(w, http.StatusNotFound, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, errors.New("request cancelled or timed out"))
	case a.retryable(err):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, errRetry)
	default:
		a.log.Printf("internal error: %v", err)
		writeError(w, http.StatusInternalServerError, errors.New("internal error"))
	}
}

// errRetry answers a request that failed for want of the database, or
// as the back end shuts down: nothing it asked for was done, or, if a
// write's commit was cut, it may have been, and its idempotency key (an
// event's, or the ID of an inquiry created) makes sending it again safe.
var errRetry = errors.New("the database is unavailable for now; send the request again")

// retryable reports whether err is one of errRetry's cases, and logs it.
func (a *app) retryable(err error) bool {
	if !errors.Is(err, errShuttingDown) && !a.db.unavailable(err) {
		return false
	}
	a.log.Printf("unavailable: %v", err)
	return true
}

// writeError writes {"error": ..., "field": ...} (field when err names
// one: fieldOf).
func writeError(w http.ResponseWriter, code int, err error) {
	body := map[string]string{"error": err.Error()}
	if f := fieldOf(err); f != "" {
		body["field"] = f
	}
	writeJSON(w, code, body)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON answers v in JSON with code; if v cannot be written (which
// the checks of what the API takes should rule out), 500, and the error.
func writeJSON(w http.ResponseWriter, code int, v any) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetIndent("", "  ")
	w.Header().Set("Content-Type", "application/json")
	if err := enc.Encode(v); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("{\"error\": \"internal error\"}\n"))
		return err
	}
	w.WriteHeader(code)
	w.Write(buf.Bytes())
	return nil
}

// writeJSON answers v in JSON with code, as the function does, and logs
// why when v cannot be written: the answer is then a 500 that says only
// "internal error".
func (a *app) writeJSON(w http.ResponseWriter, code int, v any) {
	if err := writeJSON(w, code, v); err != nil {
		a.log.Printf("internal error: writing a %T: %v", v, err)
	}
}

// queryOf returns the request's query parameters, refusing a malformed
// query string (which URL.Query would read in part, silently).
func queryOf(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &fieldError{"query", fmt.Sprintf("malformed query string: %v", err)}
	}
	return q, nil
}
