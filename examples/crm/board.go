package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

// The board: web pages at / beside the API, for the people who answer
// for the desk — who is waiting on us (due soon, breached), who did we
// forget (the cracks), who carries what (workload), whom to call this
// week (the audit sample, with a form per call), are we getting better
// (the on-time trend), and the timeline of each inquiry. Pages are
// rendered on the server with html/template from the templates embedded
// below; the one script (board/board.js) reloads a page when the tenant's
// inquiries change (updates.go) and nothing else. A page reads exactly
// what GET /report answers for the same parameters (reports.go): the
// same function computes both.
//
// Routes (a session cookie, session.go, for all but /login and /assets/):
//
//	GET  /                  due soon (?hours=N business hours ahead, default 8)
//	GET  /breached          breached and still owed
//	GET  /cracks            the cracks
//	GET  /workload          per owner and team, with the breach forecast (?hours=N)
//	GET  /calls             this week's call list (?week=2026-W48), POST /calls records a call
//	GET  /trend             on-time share per channel over the weeks
//	GET  /timeline/{id}     an inquiry's timeline
//	GET  /updates           the update stream (text/event-stream)
//	GET, POST /login        POST /logout
//	GET  /assets/...        the style sheet and the script

//go:embed board
var boardFiles embed.FS

// boardPages are the templates of the pages, each with the layout.
var boardPages = func() map[string]*template.Template {
	base := template.Must(template.New("layout").Funcs(boardFuncs).ParseFS(boardFiles, "board/layout.html", "board/parts.html"))
	pages := map[string]*template.Template{}
	names, err := fs.Glob(boardFiles, "board/page_*.html")
	if err != nil {
		panic(err)
	}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "board/page_"), ".html")
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(boardFiles, file))
	}
	return pages
}()

// boardFuncs are the templates' functions.
var boardFuncs = template.FuncMap{
	"inc": func(i int) int { return i + 1 },
	"neg": func(d time.Duration) time.Duration { return -d },
	// dict makes a map of its key, value pairs, to pass to a template.
	"dict": func(kv ...any) (map[string]any, error) {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		if len(kv)%2 != 0 {
			return nil, errors.New("dict: a key without a value")
		}
		return m, nil
	},
	"reason": reasonLabel,
}

// crackReasons are the reasons of report.Crack, in their order, with how
// the board writes them.
var crackReasons = []struct {
	Reason report.CrackReason
	Label  string
}{
	{report.NoOwner, "no owner"}, {report.NeverAnswered, "never answered"}, {report.FollowUpUnanswered, "follow-up unanswered"},
	{report.PromiseBroken, "promise broken"}, {report.AppointmentMissed, "appointment missed"},
}

func reasonLabel(r report.CrackReason) string {
	for _, c := range crackReasons {
		if c.Reason == r {
			return c.Label
		}
	}
	return string(r)
}

// A navItem is a link of the board's navigation.
type navItem struct {
	Path, Label string
}

var boardNav = []navItem{
	{"/", "Due soon"}, {"/breached", "Breached"}, {"/cracks", "Cracks"}, {"/workload", "Workload"},
	{"/calls", "Call list"}, {"/trend", "Trend"},
}

// pageData is what every page's template gets: the layout's facts and
// the page's own (Body).
type pageData struct {
	Title  string
	Path   string // the page's path, for the navigation
	Nav    []navItem
	Tenant string
	CSRF   string
	// Changes is the hub's count of the tenant's changes before the page
	// read anything (session.changes).
	Changes string
	At      time.Time // the back end's clock when the page was made
	Loc     *time.Location
	Body    any
}

// When writes an instant on the desk's wall clock.
func (p pageData) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(p.Loc).Format(whenLayout)
}

// ISO writes an instant in RFC 3339, for <time datetime>.
func (p pageData) ISO(t time.Time) string { return t.In(p.Loc).Format(time.RFC3339) }

// Dur writes a duration to the minute ("3h05m", "-1h30m", "2d 4h").
func (p pageData) Dur(d time.Duration) string { return shortDuration(d) }

// Pct writes a share as a percentage to one decimal.
func (p pageData) Pct(share float64) string { return fmt.Sprintf("%.1f%%", 100*share) }

// Mean writes a mean rating.
func (p pageData) Mean(x float64) string { return fmt.Sprintf("%.2f", x) }

func shortDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h >= 48:
		return fmt.Sprintf("%s%dd %dh", sign, h/24, h%24)
	case h > 0:
		return fmt.Sprintf("%s%dh%02dm", sign, h, m)
	}
	return fmt.Sprintf("%s%dm", sign, m)
}

// render writes a page (its template executed into a buffer first, so
// that a failure answers 500, not half a page).
func (a *app) render(w http.ResponseWriter, r *http.Request, code int, name string, body any) {
	t, ok := boardPages[name]
	if !ok {
		a.log.Printf("board: no page %q", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s := sessionOf(r)
	p := pageData{Path: r.URL.Path, Nav: boardNav, Tenant: s.tenant, CSRF: s.csrf, Changes: s.changes, At: a.clk.Now(), Loc: a.loc, Body: body}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		a.log.Printf("board: page %s: %v", name, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// errorPage is what the error template shows.
type errorPage struct {
	Code    int
	Message string
}

// failPage answers an error of a page: 404 for an inquiry that is not the
// tenant's, 400 naming a bad parameter, 503 for a tenant too large for
// the board, 500 (logged) for the rest.
func (a *app) failPage(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fieldError
	switch {
	case errors.Is(err, errNotFound):
		a.render(w, r, http.StatusNotFound, "error", errorPage{http.StatusNotFound, err.Error()})
	case errors.As(err, &fe):
		a.render(w, r, http.StatusBadRequest, "error", errorPage{http.StatusBadRequest, err.Error()})
	case errors.Is(err, errTooMany):
		a.render(w, r, http.StatusServiceUnavailable, "error", errorPage{http.StatusServiceUnavailable, err.Error()})
	case a.retryable(err):
		w.Header().Set("Retry-After", "1")
		a.render(w, r, http.StatusServiceUnavailable, "error", errorPage{http.StatusServiceUnavailable, errRetry.Error()})
	default:
		a.log.Printf("board: internal error: %v", err)
		a.render(w, r, http.StatusInternalServerError, "error", errorPage{http.StatusInternalServerError, "internal error"})
	}
}

// secureHeaders sets the headers every board answer carries: a content
// security policy that admits only this site's script and style sheet
// (no inline script, no other origin, no framing).
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// boardRoutes are the paths the board serves; the API serves the rest.
var boardRoutes = []string{"GET /{$}", "/breached", "/cracks", "/workload", "/calls", "/trend", "/timeline/", "/updates", "/login", "/logout", "/assets/"}

// boardHandler returns the board's routes.
func (a *app) boardHandler() http.Handler {
	mux := http.NewServeMux()
	page := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, a.withSession(h)) }
	page("GET /{$}", a.reportPage("due", "Due soon"))
	page("GET /breached", a.reportPage("breached", "Breached"))
	page("GET /cracks", a.reportPage("cracks", "The cracks"))
	page("GET /workload", a.reportPage("workload", "Workload"))
	page("GET /calls", a.reportPage("calls", "Call list"))
	page("POST /calls", a.recordCall)
	page("GET /trend", a.reportPage("trend", "On-time trend"))
	page("GET /timeline/{id}", a.serveTimeline)
	page("GET /timeline/", func(w http.ResponseWriter, r *http.Request) { a.failPage(w, r, errNotFound) }) // no ID, or more than one segment
	page("GET /updates", a.serveUpdates)
	page("POST /logout", a.serveLogout)
	mux.HandleFunc("GET /login", a.serveLogin)
	mux.HandleFunc("POST /login", a.serveLogin)
	assets, _ := fs.Sub(boardFiles, "board/assets")
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(assets)))
	cop := http.NewCrossOriginProtection()
	return secureHeaders(cop.Handler(mux))
}

// timelinePage is what the inquiry page shows.
type timelinePage struct {
	Status   sla.Status
	Events   []sla.Event
	Anomaly  map[int]string // event index: why it was ignored
	Timeline timeline
}

// serveTimeline serves GET /timeline/{id}: the inquiry's obligations on a
// time axis, and its log. Another tenant's inquiry is not found, as in
// the API.
func (a *app) serveTimeline(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := checkID("id", id); err != nil {
		a.failPage(w, r, errNotFound)
		return
	}
	in, err := a.input(r.Context(), tenantOf(r), id)
	if err != nil {
		a.failPage(w, r, err)
		return
	}
	a.evaluations.Add(1)
	st, events, err := a.ev.timeline(in, a.clk.Now())
	if err != nil {
		a.failPage(w, r, err)
		return
	}
	p := timelinePage{Status: st, Events: events, Anomaly: map[int]string{}, Timeline: layoutTimeline(st, events, a.loc)}
	for _, an := range st.Anomalies {
		p.Anomaly[an.Index] = an.Reason
	}
	a.render(w, r, http.StatusOK, "timeline", p)
}

// hoursParam reads ?hours=N, the horizon in business hours: 1 to 1000,
// defaultHours if absent.
func hoursParam(q url.Values) (int, error) {
	s := q.Get("hours")
	if s == "" {
		return defaultHours, nil
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || fmt.Sprint(n) != s || n < 1 || n > 1000 {
		return 0, &fieldError{"hours", fmt.Sprintf("%q: want a whole number of business hours from 1 to 1000", s)}
	}
	return n, nil
}

// defaultHours is the horizon of due soon and of the breach forecast: a
// business day.
const defaultHours = 8

// round1 rounds to one decimal, for coordinates.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
