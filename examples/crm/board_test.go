package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

var discard = log.New(io.Discard, "", 0)

// A browser is an HTTP client with a cookie jar that does not follow
// redirects, as a test's stand-in for a browser.
type browser struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: base, hc: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns the status, the answer's headers and
// its body.
func (b *browser) do(method, path string, form url.Values, header ...string) (int, http.Header, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	require.NoError(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.hc.Do(req)
	require.NoError(b.t, err)
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return res.StatusCode, res.Header, string(out)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	code, _, body := b.do("GET", path, nil)
	return code, body
}

// login logs in with token and returns the session's form token, read
// from the page it lands on.
func (b *browser) login(token string) string {
	b.t.Helper()
	code, h, _ := b.do("POST", "/login", url.Values{"token": {token}, "next": {"/"}})
	require.Equal(b.t, http.StatusSeeOther, code)
	require.Equal(b.t, "/", h.Get("Location"))
	code, page := b.get("/")
	require.Equal(b.t, http.StatusOK, code, page)
	return formToken(b.t, page)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func formToken(t *testing.T, page string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	require.NotNil(t, m, "no form token on the page")
	return m[1]
}

// figure returns the text of the element with data-figure="name", or
// fails.
func figure(t *testing.T, page, name string) string {
	t.Helper()
	re := regexp.MustCompile(`data-figure="` + regexp.QuoteMeta(name) + `"[^>]*>([^<]*)<`)
	m := re.FindStringSubmatch(page)
	require.NotNil(t, m, "no figure %s on the page", name)
	return m[1]
}

func figureInt(t *testing.T, page, name string) int {
	t.Helper()
	n, err := strconv.Atoi(figure(t, page, name))
	require.NoError(t, err)
	return n
}

// apiReport reads GET /report with a bearer token.
func apiReport(t *testing.T, c *client, query string) boardReport {
	t.Helper()
	var rep boardReport
	c.do("GET", "/report"+query, nil, &rep)
	require.NoError(t, c.err)
	return rep
}

// rowsWith counts the elements carrying attr="value".
func rowsWith(page, attr, value string) int {
	return strings.Count(page, attr+`="`+value+`"`)
}

// Without a session every page sends the browser to the login page (and
// the update stream answers 401); a wrong token is refused; a good one
// gives an HttpOnly, SameSite=Strict cookie of a session kept only as a
// hash; logout ends it.
func TestBoardLogin(t *testing.T) {
	s, _, tokens := startSQLite(t, config{})
	b := newBrowser(t, s.url)
	for _, path := range []string{"/", "/breached", "/cracks", "/workload", "/calls", "/trend", "/timeline/x", "/timeline/", "/timeline/x/y"} {
		code, h, _ := b.do("GET", path, nil)
		assert.Equal(t, http.StatusSeeOther, code, path)
		assert.Equal(t, "/login?next="+url.QueryEscape(path), h.Get("Location"), path)
	}
	code, h, _ := b.do("GET", "/timeline", nil)
	assert.Equal(t, http.StatusTemporaryRedirect, code, "the mux's redirect to the board's subtree")
	assert.Equal(t, "/timeline/", h.Get("Location"))
	code, _, _ = b.do("GET", "/updates", nil)
	assert.Equal(t, http.StatusUnauthorized, code)
	code, page := b.get("/login?next=/cracks")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `<label for="token">`)
	assert.Contains(t, page, `name="next" value="/cracks"`)
	for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`,
		"/\t/evil.example", "/\v/evil.example", "/\n/evil.example", `/a/\/evil.example`, "/ /evil.example"} {
		_, page := b.get("/login?next=" + url.QueryEscape(next))
		assert.Contains(t, page, `name="next" value="/"`, "a login never sends the browser elsewhere: %q", next)
		assert.Equal(t, "/", localPath(next), "what a login's POST goes back to: %q", next)
	}

	code, _, page = b.do("POST", "/login", url.Values{"token": {"not-a-token-of-anyone"}})
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, page, "not known")
	code, h, _ = b.do("POST", "/login", url.Values{"token": {tokens["acme"]}, "next": {"/cracks"}})
	require.Equal(t, http.StatusSeeOther, code)
	assert.Equal(t, "/cracks", h.Get("Location"))
	cookie := h.Get("Set-Cookie")
	assert.Contains(t, cookie, "HttpOnly")
	assert.Contains(t, cookie, "SameSite=Strict")
	assert.NotContains(t, cookie, tokens["acme"])
	code, page = b.get("/cracks")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `<span class="tenant">acme</span>`)
	assert.Equal(t, 1, int(queryInt(t, s, `SELECT COUNT(*) FROM sessions WHERE length(hash) = 32`).Int64))

	// The headers of every page.
	_, h, _ = b.do("GET", "/", nil)
	assert.Contains(t, h.Get("Content-Security-Policy"), "script-src 'self'")
	assert.Equal(t, "DENY", h.Get("X-Frame-Options"))

	csrf := formToken(t, page)
	code, h, _ = b.do("POST", "/logout", url.Values{"csrf": {csrf}})
	assert.Equal(t, http.StatusSeeOther, code)
	assert.Equal(t, "/login", h.Get("Location"))
	code, _ = b.get("/cracks")
	assert.Equal(t, http.StatusSeeOther, code, "logged out")
	assert.Equal(t, 0, int(queryInt(t, s, `SELECT COUNT(*) FROM sessions`).Int64))
}

// A session lives only as long as its token: replacing the tokens ends
// it (within the cache's life), as it stops the token on the API.
func TestBoardSessionEndsWithItsToken(t *testing.T) {
	s, _, tokens := startSQLite(t, config{})
	b := newBrowser(t, s.url)
	b.login(tokens["acme"])
	addTokens(t, s, "acme") // a new token, the old one gone
	s.app.sessions.Clear()  // as after tokenTTL
	code, _ := b.get("/")
	assert.Equal(t, http.StatusSeeOther, code)
}

// A form POST from another origin is refused (the login form too), and
// one without the session's form token; a tenant sees only its own
// inquiries, another's answering 404.
func TestBoardRefusesForgeriesAndOtherTenants(t *testing.T) {
	s, _, tokens, _ := startDesk(t, config{})
	b := newBrowser(t, s.url)
	csrf := b.login(tokens["globex"])

	code, _ := b.get("/timeline/case-5")
	assert.Equal(t, http.StatusNotFound, code, "acme's inquiry, for globex")
	code, _ = b.get("/timeline/no-such")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = b.get("/timeline/" + url.PathEscape("<script>"))
	assert.Equal(t, http.StatusNotFound, code)
	for _, path := range []string{"/timeline/", "/timeline/case-1/x"} {
		code, page := b.get(path)
		assert.Equal(t, http.StatusNotFound, code, path)
		assert.Contains(t, page, "<!doctype html>", "a page for a session, not the API's JSON 401: %s", path)
	}

	form := url.Values{"csrf": {csrf}, "week": {"2026-W48"}, "inquiry_id": {"case-1"}, "reached": {"yes"}}
	for _, h := range [][]string{
		{"Origin", "http://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "null"},
	} {
		code, _, _ := b.do("POST", "/calls", form, h...)
		assert.Equal(t, http.StatusForbidden, code, h)
		code, _, _ = b.do("POST", "/logout", url.Values{"csrf": {csrf}}, h...)
		assert.Equal(t, http.StatusForbidden, code, h)
		code, _, _ = b.do("POST", "/login", url.Values{"token": {tokens["acme"]}}, h...)
		assert.Equal(t, http.StatusForbidden, code, "login forgery: %v", h)
	}
	code, _, _ = b.do("POST", "/calls", url.Values{"week": {"2026-W48"}, "inquiry_id": {"case-1"}, "reached": {"yes"}})
	assert.Equal(t, http.StatusForbidden, code, "no form token")
	code, _, _ = b.do("POST", "/calls", url.Values{"csrf": {csrf + "x"}, "week": {"2026-W48"}, "inquiry_id": {"case-1"}, "reached": {"yes"}})
	assert.Equal(t, http.StatusForbidden, code, "another form token")
	other := newBrowser(t, s.url)
	otherCSRF := other.login(tokens["acme"])
	code, _, _ = b.do("POST", "/calls", url.Values{"csrf": {otherCSRF}, "week": {"2026-W48"}, "inquiry_id": {"case-1"}, "reached": {"yes"}})
	assert.Equal(t, http.StatusForbidden, code, "another session's form token")
	code, _, _ = b.do("POST", "/calls", form)
	assert.Equal(t, http.StatusBadRequest, code, "globex has no call list: case-1 is not on it")
	assert.Equal(t, 0, int(queryInt(t, s, `SELECT COUNT(*) FROM surveys`).Int64))

	// Globex's board and reports hold nothing of acme's.
	_, page := b.get("/breached")
	assert.Equal(t, 0, figureInt(t, page, "breached"))
	globex := &client{base: s.url, token: tokens["globex"]}
	rep := apiReport(t, globex, "")
	assert.Zero(t, rep.Report.Inquiries)
	assert.Empty(t, rep.Breached)
}

// Every page shows what GET /report answers, at the same instant, and
// /report.csv the same tables.
func TestBoardNumbersAreTheAPIs(t *testing.T) {
	s, _, tokens, acme := startDesk(t, config{})
	b := newBrowser(t, s.url)
	b.login(tokens["acme"])
	rep := apiReport(t, acme, "")
	assert.Equal(t, seedTime, rep.At.In(nyc))

	// The story, as the library counts it.
	require.Len(t, rep.Breached, 1)
	assert.Equal(t, "case-6", rep.Breached[0].InquiryID, "the appointment missed at 10:15")
	assert.Equal(t, []string{"case-5/promise_kept#1", "lead-4/first_reply", "case-7/next_reply#1", "case-5/update#2", "case-6/update#2", "case-7/update#2"},
		duesOf(rep.DueSoon), "within 8 business hours, soonest first")

	_, page := b.get("/")
	assert.Equal(t, len(rep.DueSoon), figureInt(t, page, "due_soon"))
	assert.Equal(t, len(rep.Breached), figureInt(t, page, "breached"))
	for _, d := range rep.DueSoon {
		assert.Contains(t, page, `data-inquiry="`+d.InquiryID+`"`)
	}
	_, page = b.get("/breached")
	assert.Equal(t, len(rep.Breached), figureInt(t, page, "breached"))
	assert.Equal(t, 1, rowsWith(page, "data-inquiry", "case-6"))
	_, page = b.get("/cracks")
	assert.Equal(t, len(rep.Report.Cracks), figureInt(t, page, "cracks"))
	for _, r := range crackReasons {
		n := 0
		for _, c := range rep.Report.Cracks {
			if c.Reason == r.Reason {
				n++
			}
		}
		assert.Equal(t, n, figureInt(t, page, "cracks-"+string(r.Reason)), r.Reason)
	}
	_, page = b.get("/workload?hours=3")
	rep3 := apiReport(t, acme, "?hours=3")
	require.NotEmpty(t, rep3.Workload)
	for _, l := range rep3.Workload {
		row := regexp.MustCompile(`<tr data-by="` + l.By + `" data-value="` + regexp.QuoteMeta(l.Value) + `">.*</tr>`).FindString(page)
		require.NotEmpty(t, row, "%s %q", l.By, l.Value)
		for name, want := range map[string]int{"open": l.Open, "breached": l.Breached, "at_risk": l.AtRisk, "inquiries": l.Inquiries} {
			assert.Equal(t, want, figureInt(t, row, name), "%s %q %s", l.By, l.Value, name)
		}
	}
	_, page = b.get("/trend")
	require.NotEmpty(t, rep.Report.Trend)
	for _, p := range rep.Report.Trend {
		cell := fmt.Sprintf(`data-week="%s" data-channel="%s" data-met="%d" data-decided="%d"`, p.Week, p.Channel, p.OnTime, p.Decided)
		assert.True(t, strings.Contains(page, cell), cell)
	}
	_, page = b.get("/calls")
	cl := rep.Calls
	assert.Equal(t, "2026-W48", cl.Week)
	assert.Equal(t, "2026-W47", cl.Pool)
	assert.True(t, cl.Kept)
	assert.ElementsMatch(t, []string{"lead-1", "lead-2", "lead-3"}, cl.Sample.Prospects, "all three, fewer than five")
	assert.ElementsMatch(t, []string{"case-1", "case-2", "case-3"}, cl.Sample.Customers)
	assert.Equal(t, cl.Surveys.Sampled, figureInt(t, page, "sampled"))
	for _, call := range cl.Surveys.Calls {
		assert.Contains(t, page, `id="call-`+call.InquiryID+`"`)
	}

	// The same figures as CSV.
	csvOf := func(table string) [][]string {
		res, err := http.DefaultClient.Do(authed(t, s.url+"/report.csv?table="+table, tokens["acme"]))
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
		out, err := csv.NewReader(res.Body).ReadAll()
		require.NoError(t, err)
		return out
	}
	assert.Len(t, csvOf("breached"), 1+len(rep.Breached))
	assert.Len(t, csvOf("due_soon"), 1+len(rep.DueSoon))
	assert.Len(t, csvOf("cracks"), 1+len(rep.Report.Cracks))
	assert.Len(t, csvOf("calls"), 1+len(cl.Surveys.Calls))
	want := rep.tables()
	for _, tb := range want {
		got := csvOf(tb.Name)
		assert.Equal(t, tb.Header, got[0], tb.Name)
	}
	// A browser's session reads the reports too.
	code, body := b.get("/report.csv?table=workload")
	assert.Equal(t, http.StatusOK, code)
	assert.True(t, strings.HasPrefix(body, "by,value,open,breached,at_risk,inquiries\n"), body)
}

func authed(t *testing.T, u, token string) *http.Request {
	req, err := http.NewRequest("GET", u, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func duesOf(ds []report.Due) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.InquiryID+"/"+d.Obligation.String())
	}
	return out
}

// Bad parameters are refused naming the field, on the pages and the API.
func TestBoardParameters(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	clk.Set(ny(23, 9, 0))
	b := newBrowser(t, s.url)
	b.login(tokens["acme"])
	for _, tc := range []struct{ query, field string }{
		{"?hours=0", "hours"}, {"?hours=1001", "hours"}, {"?hours=2h", "hours"}, {"?hours=+3", "hours"},
		{"?week=2026-48", "week"}, {"?week=2026-W54", "week"}, {"?week=2020-W53x", "week"}, {"?week=2027-W01", "week"}, {"?week=1970-W01", "week"},
		{"?from=yesterday", "from"}, {"?from=2026-11-23&to=2026-11-20", "to"}, {"?to=2100-01-01", "to"},
		{"?colour=red", "colour"}, {"?hours=1&hours=2", "hours"}, {"?table=cracks", "table"},
	} {
		code, out := raw(t, s, "GET", "/report"+tc.query, tokens["acme"], "", "")
		assert.Equal(t, http.StatusBadRequest, code, tc.query)
		assert.Equal(t, tc.field, out["field"], tc.query)
		code, page := b.get("/workload" + tc.query)
		assert.Equal(t, http.StatusBadRequest, code, tc.query)
		assert.Contains(t, page, tc.field+":", tc.query)
	}
	code, out := raw(t, s, "GET", "/report.csv?table=nope", tokens["acme"], "", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "table", out["field"])
	assert.Contains(t, out["error"], "cracks")
	code, _ = raw(t, s, "GET", "/report?week=2026-W47&hours=12&from=2026-11-01&to=2026-12-01T00:00:00-05:00", tokens["acme"], "", "")
	assert.Equal(t, http.StatusOK, code)
	code, _ = raw(t, s, "GET", "/report?week=1970-W02", tokens["acme"], "", "")
	assert.Equal(t, http.StatusOK, code, "the first week wholly within the instants taken")
	code, _ = raw(t, s, "GET", "/report", "", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
}

// A call recorded through the form is stored and counted in the survey
// report, the latest per inquiry; mistakes are refused naming the field.
// The call list stays as drawn while more of its pool is resolved.
func TestBoardRecordsCalls(t *testing.T) {
	s, clk, tokens, acme := startDesk(t, config{})
	b := newBrowser(t, s.url)
	csrf := b.login(tokens["acme"])
	_, page := b.get("/calls")
	assert.Equal(t, 6, figureInt(t, page, "sampled"))
	assert.Equal(t, 0, figureInt(t, page, "called"))
	for _, label := range []string{`<label for="reached-yes-case-2">`, `<label for="answer-case-2">`, `<label for="rating-case-2">`, `<label for="note-case-2">`} {
		assert.Contains(t, page, label)
	}

	post := func(f url.Values) (int, string) {
		f.Set("csrf", csrf)
		if f.Get("week") == "" {
			f.Set("week", "2026-W48")
		}
		code, h, body := b.do("POST", "/calls", f)
		if code == http.StatusSeeOther {
			return code, h.Get("Location")
		}
		return code, body
	}
	code, loc := post(url.Values{"inquiry_id": {"case-2"}, "reached": {"yes"}, "answer": {"partly"}, "rating": {"3"}, "note": {"wants <b>faster</b> call-backs"}})
	require.Equal(t, http.StatusSeeOther, code, loc)
	assert.Equal(t, "/calls?week=2026-W48#call-case-2", loc)
	clk.Advance(time.Hour)
	code, _ = post(url.Values{"inquiry_id": {"case-2"}, "reached": {"yes"}, "answer": {"yes"}, "rating": {"4"}})
	require.Equal(t, http.StatusSeeOther, code)
	code, _ = post(url.Values{"inquiry_id": {"lead-1"}, "reached": {"no"}})
	require.Equal(t, http.StatusSeeOther, code)
	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"inquiry_id": {"case-2"}, "reached": {"maybe"}}, "reached"},
		{url.Values{"inquiry_id": {"case-2"}, "reached": {"yes"}, "rating": {"6"}}, "rating"},
		{url.Values{"inquiry_id": {"case-2"}, "reached": {"yes"}, "rating": {"x"}}, "rating"},
		{url.Values{"inquiry_id": {"case-2"}, "reached": {"no"}, "answer": {"yes"}}, "answer"},
		{url.Values{"inquiry_id": {"case-5"}, "reached": {"yes"}}, "inquiry_id"},
		{url.Values{"inquiry_id": {"../x"}, "reached": {"yes"}}, "inquiry_id"},
		{url.Values{"inquiry_id": {"case-2"}, "reached": {"yes"}, "week": {"2026-W47"}}, "inquiry_id"},
		{url.Values{"inquiry_id": {"case-2"}, "reached": {"yes"}, "week": {"soon"}}, "week"},
		{url.Values{"inquiry_id": {"case-2"}, "reached": {"yes"}, "note": {strings.Repeat("x", maxNote+1)}}, "note"},
	} {
		code, body := post(tc.form)
		assert.Equal(t, http.StatusBadRequest, code, tc.form)
		assert.Contains(t, body, tc.field+":", tc.form)
	}
	code, _, _ = b.do("POST", "/calls", url.Values{"csrf": {csrf}, "note": {strings.Repeat("x", maxForm)}})
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)

	rep := apiReport(t, acme, "")
	sr := rep.Calls.Surveys
	assert.Equal(t, 6, sr.Sampled)
	assert.Equal(t, 2, sr.Called)
	assert.Equal(t, 1, sr.Reached)
	assert.InDelta(t, 1.0/6, sr.ResponseRate, 1e-9)
	assert.Equal(t, map[string]int{"yes": 1}, sr.Answers, "the latest call counts")
	require.NotEmpty(t, sr.Ratings)
	assert.Equal(t, report.RatingCell{By: "all", N: 1, Mean: 4}, sr.Ratings[0])
	_, page = b.get("/calls")
	assert.Equal(t, 2, figureInt(t, page, "called"))
	assert.Equal(t, 1, figureInt(t, page, "reached"))
	assert.Equal(t, "16.7%", figure(t, page, "response_rate"))
	assert.Contains(t, page, `data-inquiry="case-2" data-called="true"`)

	// Every call is in the CSV's calls table, the one that counts.
	res, err := http.DefaultClient.Do(authed(t, s.url+"/report.csv?table=calls", tokens["acme"]))
	require.NoError(t, err)
	rows, err := csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	require.NoError(t, err)
	assert.Len(t, rows, 7)

	// Through the API: the same store, the same checks.
	var cl callList
	code = acme.do("POST", "/surveys", surveyJSON{Week: "2026-W48", InquiryID: "case-3", Reached: true, Rating: 5, Note: "<script>alert(1)</script>"}, &cl)
	require.NoError(t, acme.err)
	assert.Equal(t, http.StatusCreated, code)
	assert.Equal(t, 3, cl.Surveys.Called)
	_, page = b.get("/calls")
	assert.Contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.NotContains(t, page, "<script>alert")
	code, out := raw(t, s, "POST", "/surveys", tokens["acme"], "application/json", `{"week":"2026-W48","inquiry_id":"case-3","reached":true,"rating":9}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "rating", out["field"])
	code, out = raw(t, s, "POST", "/surveys", tokens["acme"], "application/json", `{"week":"2026-W48","inquiry_id":"case-3","Reached":true}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "Reached", out["field"])

	// The list stays as drawn: a late resolution of the pool changes
	// nothing; next week draws anew from this week's.
	acme.event("case-5", eventJSON{Type: sla.Resolve})
	require.NoError(t, acme.err)
	assert.Equal(t, rep.Calls.Sample, apiReport(t, acme, "").Calls.Sample)
	clk.Set(ny(30, 9, 0))
	next := apiReport(t, acme, "").Calls
	assert.Equal(t, "2026-W49", next.Week)
	assert.Equal(t, []string{"case-5"}, next.Sample.Customers)
	assert.Empty(t, next.Sample.Prospects)
	assert.Zero(t, next.Surveys.Called)
	assert.Equal(t, rep.Calls.Sample, apiReport(t, acme, "?week=2026-W48").Calls.Sample)
}

// The inquiry page draws the timeline and lists every obligation, its
// escalations, the log and its anomalies, all escaped.
func TestBoardTimeline(t *testing.T) {
	s, _, tokens, acme := startDesk(t, config{})
	acme.event("case-6", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: `<img src=x onerror=alert(1)>`})
	require.NoError(t, acme.err)
	// An anomaly, as a log may hold one written before the API refused
	// them: a reopen of an open inquiry.
	execSQL(t, s, fmt.Sprintf(`INSERT INTO events (tenant, inquiry_id, seq, event, idem_key, request_hash, answer)
		VALUES ('acme', 'case-6', 4, '{"time":"%s","type":"reopen"}', 'old', x'00', x'00')`, seedTime.Format(time.RFC3339)))
	execSQL(t, s, `UPDATE inquiries SET event_count = 4 WHERE tenant = 'acme' AND id = 'case-6'`)
	b := newBrowser(t, s.url)
	b.login(tokens["acme"])
	code, page := b.get("/timeline/case-6")
	require.Equal(t, http.StatusOK, code)
	st := acme.status("case-6")
	require.NoError(t, acme.err)
	for _, o := range st.Obligations {
		assert.Contains(t, page, `<g class="obligation state-`+string(o.State)+`">`, o.Key)
		assert.Contains(t, page, `<th scope="row">`+o.Key.String(), o.Key)
	}
	assert.Contains(t, page, "no-show", "the appointment's escalation")
	assert.Contains(t, page, `<g class="event anomaly">`)
	assert.Contains(t, page, `<tr class="anomaly">`)
	assert.Contains(t, page, "&lt;img src=x onerror=alert(1)&gt;")
	assert.NotContains(t, page, "<img")
	assert.Regexp(t, `<rect class="bar" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+"`, page)
}

// The update stream tells a tenant's board when a write or a sweep
// changed its inquiries, and nobody else's.
func TestBoardUpdates(t *testing.T) {
	s, clk, tokens := startSQLite(t, config{})
	acme := &client{base: s.url, token: tokens["acme"]}
	acme.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email, Party: sla.Prospect})
	require.NoError(t, acme.err)
	var counts []string // the "changes" each stream began with
	stream := func(token string) (*bufio.Reader, func()) {
		b := newBrowser(t, s.url)
		b.login(token)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, err := http.NewRequestWithContext(ctx, "GET", s.url+"/updates", nil)
		require.NoError(t, err)
		res, err := b.hc.Do(req)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
		r := bufio.NewReader(res.Body)
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, "retry: 2000\n", line)
		for _, want := range []string{"\n", "event: changes\n"} {
			line, err = r.ReadString('\n')
			require.NoError(t, err)
			require.Equal(t, want, line)
		}
		line, err = r.ReadString('\n')
		require.NoError(t, err)
		counts = append(counts, strings.TrimSpace(strings.TrimPrefix(line, "data: ")))
		return r, func() { cancel(); res.Body.Close() }
	}
	next := func(r *bufio.Reader) string {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return ""
			}
			if strings.HasPrefix(line, "event: ") {
				return strings.TrimSpace(strings.TrimPrefix(line, "event: "))
			}
		}
	}
	acmeStream, stopA := stream(tokens["acme"])
	defer stopA()
	globexStream, stopG := stream(tokens["globex"])
	defer stopG()

	// A sweep: the warning at 12:00.
	clk.Set(ny(23, 12, 30))
	assert.Equal(t, "changed", next(acmeStream))
	// A write.
	acme.event("lead-1", eventJSON{Type: sla.Reply, Channel: sla.Email})
	require.NoError(t, acme.err)
	assert.Equal(t, "changed", next(acmeStream))
	// Globex heard nothing: its stream ends with the context, eventless.
	stopG()
	assert.Equal(t, "", next(globexStream))

	// A stream opened after changes says how many the tenant had: a page
	// made before them (its data-changes lower) knows it is behind.
	_, stopA2 := stream(tokens["acme"])
	defer stopA2()
	require.Len(t, counts, 3)
	hubName, _, _ := strings.Cut(counts[0], ":")
	assert.Equal(t, []string{hubName + ":0", hubName + ":0", hubName + ":2"}, counts)
	b := newBrowser(t, s.url)
	b.login(tokens["acme"])
	_, page := b.get("/breached")
	assert.Contains(t, page, `data-changes="`+hubName+`:2"`)
}

// The board on PostgreSQL: the same desk gives the same report as on
// SQLite; sessions, call lists and surveys are stored; and an API
// process that does not sweep hears a worker's sweep (LISTEN/NOTIFY) and
// refreshes its boards.
func TestPostgresBoard(t *testing.T) {
	pg := startPostgres(t)
	dbURL := pg.database("crm")
	clk := clock.NewManual(deskStart)
	s, err := start(dbURL, config{}, policies, clk, discard)
	require.NoError(t, err)
	t.Cleanup(s.kill)
	tokens := addTokens(t, s, "acme", "globex", adminTenant)
	acme := &client{base: s.url, token: tokens["acme"]}
	seedDesk(t, acme, clk)
	_, _, _, lite := startDesk(t, config{})
	onPostgres, err := json.Marshal(apiReport(t, acme, "?hours=4"))
	require.NoError(t, err)
	onSQLite, err := json.Marshal(apiReport(t, lite, "?hours=4"))
	require.NoError(t, err)
	assert.JSONEq(t, string(onSQLite), string(onPostgres), "one design, two stores")

	b := newBrowser(t, s.url)
	csrf := b.login(tokens["acme"])
	code, _, loc := b.do("POST", "/calls", url.Values{"csrf": {csrf}, "week": {"2026-W48"}, "inquiry_id": {"lead-3"}, "reached": {"yes"}, "rating": {"5"}})
	require.Equal(t, http.StatusSeeOther, code, loc)
	_, page := b.get("/calls")
	assert.Equal(t, 1, figureInt(t, page, "called"))
	assert.Equal(t, 1, apiReport(t, acme, "").Calls.Surveys.Reached)
	code, _ = b.get("/timeline/case-6")
	assert.Equal(t, http.StatusOK, code)

	// Another process, serving only.
	db, err := openBackend(context.Background(), dbURL, "")
	require.NoError(t, err)
	api, err := newApp(db, config{}, policies, clk, nyc, discard, false)
	require.NoError(t, err)
	defer api.close()
	changed, cancel, ok := api.hub.subscribe("acme")
	require.True(t, ok)
	defer cancel()
	wait := func(what string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("no change heard: %s", what)
		}
	}
	wait("the listener connected")
	clk.Set(ny(23, 13, 5)) // the server of s sweeps: lead-4 breaches
	wait("the sweep")

	csrf = formToken(t, page)
	code, _, _ = b.do("POST", "/logout", url.Values{"csrf": {csrf}})
	assert.Equal(t, http.StatusSeeOther, code)
	assert.Zero(t, queryInt(t, s, `SELECT COUNT(*) FROM sessions`).Int64)
}

// One tenant's update streams cannot take every stream from the others:
// each tenant holds at most maxTenantStreams, the process maxStreams.
func TestUpdateStreamsPerTenant(t *testing.T) {
	h := newHub(func(func(string)) func() { return func() {} })
	defer h.close()
	var cancels []func()
	for range maxTenantStreams {
		_, cancel, ok := h.subscribe("acme")
		require.True(t, ok)
		cancels = append(cancels, cancel)
	}
	_, _, ok := h.subscribe("acme")
	assert.False(t, ok, "acme holds its share")
	_, cancel, ok := h.subscribe("globex")
	assert.True(t, ok, "globex still gets a stream")
	cancel()
	cancels[0]()
	_, _, ok = h.subscribe("acme")
	assert.True(t, ok, "one closed, one may open")
	// Other tenants fill the process, a share each.
	for i, open := 0, maxTenantStreams; open < maxStreams; i, open = i+1, open+1 {
		_, _, ok := h.subscribe(fmt.Sprintf("t%d", i/maxTenantStreams))
		require.True(t, ok, i)
	}
	_, _, ok = h.subscribe("late")
	assert.False(t, ok, "the process holds maxStreams")
}

// A page asks for the tenant's change count before any stream opened:
// from then on the hub watches, so that the changes between the page and
// its stream are counted and the page knows it is behind.
func TestHubCountsFromTheFirstPage(t *testing.T) {
	var publish func(string)
	h := newHub(func(p func(string)) func() { publish = p; return func() {} })
	defer h.close()
	first := h.changes("acme")
	require.NotNil(t, publish, "asking for the count started the watch")
	publish("acme")
	publish("globex")
	name, n, _ := strings.Cut(first, ":")
	assert.Equal(t, "0", n)
	assert.Equal(t, name+":1", h.changes("acme"))
	publish("")
	assert.Equal(t, name+":2", h.changes("acme"), "a change of every tenant counts too")
	assert.Equal(t, name+":2", h.changes("globex"))
	assert.NotEqual(t, name, strings.SplitN(newHub(h.watch).changes("acme"), ":", 2)[0], "another hub, another name")
}

// TestBoardTakesTheLongestNote: a note of the most characters a call
// takes, each of 4 bytes, fits the form's bound once percent-encoded,
// as it fits POST /surveys.
func TestBoardTakesTheLongestNote(t *testing.T) {
	s, _, tokens, _ := startDesk(t, config{})
	b := newBrowser(t, s.url)
	csrf := b.login(tokens["acme"])
	note := strings.Repeat("😀", maxNote)
	code, h, body := b.do("POST", "/calls", url.Values{"csrf": {csrf}, "week": {"2026-W48"},
		"inquiry_id": {"case-2"}, "reached": {"yes"}, "answer": {strings.Repeat("😀", maxAnswer)}, "note": {note}})
	require.Equal(t, http.StatusSeeOther, code, body)
	assert.Equal(t, "/calls?week=2026-W48#call-case-2", h.Get("Location"))
	code, _, body = b.do("POST", "/calls", url.Values{"csrf": {csrf}, "week": {"2026-W48"},
		"inquiry_id": {"case-2"}, "reached": {"yes"}, "note": {note + "x"}})
	assert.Equal(t, http.StatusBadRequest, code, "one character more is the note's bound, named")
	assert.Contains(t, body, "note:")
}
