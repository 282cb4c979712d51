package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

// The reports the board shows, also served to API clients, computed by
// one function (boardReport) for both, so that a page's numbers are the
// API's:
//
//	GET  /report?hours=N&from=&to=&week=   everything, JSON (boardReport)
//	GET  /report.csv?table=NAME&...        one table, CSV (see tableNames)
//	POST /surveys                          record a call of a call list, JSON
//
// Every figure is the library's (package sla/report) over the statuses of
// all the tenant's inquiries evaluated at the back end's clock; the crm
// adds only what it stores: the call lists and the surveys.

// A boardReport is what GET /report answers and the board's pages show.
type boardReport struct {
	// At is the instant of the statuses (the back end's clock).
	At time.Time `json:"at"`
	// Hours is the horizon of DueSoon and of Workload's forecast, in
	// business hours of each obligation's calendar.
	Hours int `json:"hours"`
	// Report is report.New over the inquiries that arrived in
	// [from, to) (a zero bound is none), and its cracks over all.
	Report report.Report `json:"report"`
	// Workload, DueSoon and Breached are report.Workload,
	// report.DueSoon and report.Breached over all the statuses.
	Workload []report.Load `json:"workload"`
	DueSoon  []report.Due  `json:"due_soon"`
	Breached []report.Due  `json:"breached"`
	// Calls is the week's call list and what its calls found.
	Calls callList `json:"call_list"`
}

// A callList is a week's audit sample: report.AuditSample over the
// inquiries that arrived the week before (Monday to Monday in the desk's
// zone), drawn the first time it is asked for during its week with a
// seed of the tenant and the week, and kept from then on, so that the
// calls are recorded against a list that does not change. A week whose
// pool has no resolved inquiry yet keeps nothing and draws again.
type callList struct {
	Week string `json:"week"`
	// Pool is the week whose inquiries it is drawn from.
	Pool   string        `json:"pool"`
	Sample report.Sample `json:"sample"`
	// Kept says whether the list is kept (drawn and stored).
	Kept bool `json:"kept"`
	// Surveys is report.Surveys over the sample, the statuses and the
	// calls recorded.
	Surveys report.SurveyReport `json:"surveys"`
}

// reportParams are what a report is asked for with.
type reportParams struct {
	hours    int
	from, to time.Time
	week     string    // the call list's ISO week
	monday   time.Time // its first instant
	table    string    // /report.csv's
}

// requestReportParams reads the report's parameters from r's query
// string, as parseReportParams.
func (a *app) requestReportParams(r *http.Request, now time.Time, withTable bool) (reportParams, error) {
	q, err := queryOf(r)
	if err != nil {
		return reportParams{}, err
	}
	return a.parseReportParams(q, now, withTable)
}

// parseReportParams reads ?hours, ?from, ?to, ?week (and ?table with
// withTable), refusing any other parameter and any given twice. from and
// to are dates (2026-11-23, midnight on the desk's wall clock) or RFC
// 3339 instants; week is an ISO week (2026-W48), this week by default.
func (a *app) parseReportParams(q url.Values, now time.Time, withTable bool) (reportParams, error) {
	for name, vs := range q {
		switch {
		case len(vs) != 1:
			return reportParams{}, &fieldError{name, "given more than once"}
		case name == "table" && withTable:
		case name != "hours" && name != "from" && name != "to" && name != "week":
			want := "hours, from, to or week"
			if withTable {
				want = "table, " + want
			}
			return reportParams{}, &fieldError{name, "unknown parameter; want " + want}
		}
	}
	p := reportParams{table: q.Get("table")}
	var err error
	if p.hours, err = hoursParam(q); err != nil {
		return p, err
	}
	for _, b := range []struct {
		name string
		t    *time.Time
	}{{"from", &p.from}, {"to", &p.to}} {
		if s := q.Get(b.name); s != "" {
			if *b.t, err = a.parseDay(b.name, s); err != nil {
				return p, err
			}
		}
	}
	if !p.from.IsZero() && !p.to.IsZero() && !p.to.After(p.from) {
		return p, &fieldError{"to", fmt.Sprintf("%q is not after from", q.Get("to"))}
	}
	p.week = q.Get("week")
	if p.week == "" {
		p.week = isoWeek(now.In(a.loc))
	}
	if p.monday, err = a.weekStart(p.week); err != nil {
		return p, err
	}
	if p.monday.After(now) {
		return p, &fieldError{"week", fmt.Sprintf("%q has not begun", p.week)}
	}
	return p, nil
}

// parseDay reads a date (midnight on the desk's wall clock) or an RFC 3339
// instant.
func (a *app) parseDay(field, s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, a.loc)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, &fieldError{field, fmt.Sprintf("%q: want a date (2006-01-02) or an RFC 3339 instant", s)}
		}
	}
	if err := checkInstant(field, t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// isoWeek names t's ISO week, "2026-W48".
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// weekStart returns the first instant (Monday 00:00 on the desk's wall
// clock) of an ISO week named as isoWeek does.
func (a *app) weekStart(week string) (time.Time, error) {
	bad := &fieldError{"week", fmt.Sprintf("%q: want an ISO week, as 2026-W48", week)}
	var y, w int
	if len(week) != 8 || week[4:6] != "-W" {
		return time.Time{}, bad
	}
	if _, err := fmt.Sscanf(week, "%4d-W%2d", &y, &w); err != nil || y < 1970 || y > 2099 || w < 1 || w > 53 {
		return time.Time{}, bad
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, a.loc)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	if isoWeek(monday) != week {
		return time.Time{}, bad // a week 53 of a year of 52
	}
	if monday.Before(minInstant) || monday.AddDate(0, 0, 7).After(maxInstant) {
		return time.Time{}, &fieldError{"week", fmt.Sprintf("%q is not wholly within the instants the back end computes exactly (%s to %s)",
			week, minInstant.Format(time.RFC3339), maxInstant.Format(time.RFC3339))}
	}
	return monday, nil
}

// boardReport computes the reports of a tenant at the clock's instant.
func (a *app) boardReport(ctx context.Context, tenant string, p reportParams) (boardReport, error) {
	now := a.clk.Now()
	sts, err := a.tenantStatuses(ctx, tenant, now)
	if err != nil {
		return boardReport{}, err
	}
	horizon := time.Duration(p.hours) * time.Hour
	out := boardReport{
		At: now, Hours: p.hours, Report: report.New(sts, p.from, p.to),
		Workload: report.Workload(sts, horizon), DueSoon: report.DueSoon(sts, horizon), Breached: report.Breached(sts),
	}
	if out.Calls, err = a.callList(ctx, tenant, p.week, p.monday, sts, now); err != nil {
		return boardReport{}, err
	}
	return out, nil
}

// callList returns the week's call list (drawing and keeping it if need
// be) and its survey report.
func (a *app) callList(ctx context.Context, tenant, week string, monday time.Time, sts []sla.Status, now time.Time) (callList, error) {
	poolStart := monday.AddDate(0, 0, -7)
	cl := callList{Week: week, Pool: isoWeek(poolStart)}
	doc, ok, err := a.db.callList(ctx, tenant, week)
	if err != nil {
		return cl, err
	}
	if !ok {
		var pool []sla.Status
		for _, st := range sts {
			if !st.Received.Before(poolStart) && st.Received.Before(monday) {
				pool = append(pool, st)
			}
		}
		sample, err := report.AuditSample(pool, 0, callListSeed(tenant, week))
		if err != nil {
			return cl, err
		}
		if len(sample.Prospects)+len(sample.Customers) == 0 {
			cl.Sample = sample
			cl.Surveys = report.Surveys(sample, sts, nil)
			return cl, nil
		}
		if doc, err = json.Marshal(sample); err != nil {
			return cl, err
		}
		if doc, err = a.db.keepCallList(ctx, tenant, week, doc, now.UnixNano()); err != nil {
			return cl, err
		}
	}
	cl.Kept = true
	if err := json.Unmarshal(doc, &cl.Sample); err != nil {
		return cl, fmt.Errorf("stored call list %s/%s: %w", tenant, week, err)
	}
	rows, err := a.db.surveys(ctx, tenant, week)
	if err != nil {
		return cl, err
	}
	surveys := make([]report.Survey, len(rows))
	for i, r := range rows {
		surveys[i] = report.Survey{InquiryID: r.inquiryID, At: time.Unix(0, r.at).In(a.loc), Reached: r.reached,
			Answer: r.answer, Rating: r.rating, Note: r.note}
	}
	cl.Surveys = report.Surveys(cl.Sample, sts, surveys)
	return cl, nil
}

// callListSeed is the seed of a tenant's week's draw: the same list for
// whoever draws it first.
func callListSeed(tenant, week string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(tenant + "/" + week))
	return h.Sum64()
}

// surveyJSON is a call as POST /surveys takes it (and the board's form).
type surveyJSON struct {
	Week      string `json:"week"`
	InquiryID string `json:"inquiry_id"`
	Reached   bool   `json:"reached"`
	Answer    string `json:"answer,omitempty"`
	Rating    int    `json:"rating,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Bounds of a survey's free text.
const (
	maxAnswer = 64
	maxNote   = 2000
)

// recordSurvey records a call of a kept call list at the clock's instant.
// Errors name the field at fault.
func (a *app) recordSurvey(ctx context.Context, tenant string, in surveyJSON) error {
	if _, err := a.weekStart(in.Week); err != nil {
		return err
	}
	if err := checkID("inquiry_id", in.InquiryID); err != nil {
		return err
	}
	for _, f := range []struct {
		name, s string
		max     int
	}{{"answer", in.Answer, maxAnswer}, {"note", in.Note, maxNote}} {
		if !utf8.ValidString(f.s) || utf8.RuneCountInString(f.s) > f.max {
			return &fieldError{f.name, fmt.Sprintf("want at most %d characters of UTF-8", f.max)}
		}
	}
	s := report.Survey{InquiryID: in.InquiryID, At: a.clk.Now(), Reached: in.Reached, Answer: strings.TrimSpace(in.Answer), Rating: in.Rating, Note: in.Note}
	if err := s.Check(); err != nil {
		var re *report.Error
		if errors.As(err, &re) {
			return &fieldError{re.Path, strings.TrimPrefix(err.Error(), "report: "+re.Path+": ")}
		}
		return err
	}
	doc, ok, err := a.db.callList(ctx, tenant, in.Week)
	if err != nil {
		return err
	}
	var sample report.Sample
	if ok {
		if err := json.Unmarshal(doc, &sample); err != nil {
			return err
		}
	}
	if !contains(sample.Prospects, in.InquiryID) && !contains(sample.Customers, in.InquiryID) {
		return &fieldError{"inquiry_id", fmt.Sprintf("%q is not on the call list of %s", in.InquiryID, in.Week)}
	}
	return a.db.insertSurvey(ctx, tenant, surveyRow{week: in.Week, inquiryID: s.InquiryID, at: s.At.UnixNano(),
		reached: s.Reached, answer: s.Answer, rating: s.Rating, note: s.Note})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tables returns every table of a board report, by name.
func (r boardReport) tables() []report.Table {
	out := r.Report.Tables()
	out = append(out, report.WorkloadTable(r.Workload), report.DueTable("due_soon", r.DueSoon), report.DueTable("breached", r.Breached))
	return append(out, r.Calls.Surveys.Tables()...)
}

// serveReport serves GET /report: the whole board report in JSON.
func (a *app) serveReport(w http.ResponseWriter, r *http.Request) {
	p, err := a.requestReportParams(r, a.clk.Now(), false)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	rep, err := a.boardReport(r.Context(), tenantOf(r), p)
	if err != nil {
		a.fail(w, err)
		return
	}
	a.writeJSON(w, http.StatusOK, rep)
}

// serveReportCSV serves GET /report.csv?table=NAME: one table of the
// board report in CSV (encoding/csv, the header first).
func (a *app) serveReportCSV(w http.ResponseWriter, r *http.Request) {
	p, err := a.requestReportParams(r, a.clk.Now(), true)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	rep, err := a.boardReport(r.Context(), tenantOf(r), p)
	if err != nil {
		a.fail(w, err)
		return
	}
	var names []string
	for _, t := range rep.tables() {
		if t.Name == p.table {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+t.Name+`.csv"`)
			if err := t.WriteCSV(w); err != nil {
				a.log.Printf("report.csv: %v", err)
			}
			return
		}
		names = append(names, t.Name)
	}
	writeError(w, http.StatusBadRequest, &fieldError{"table", fmt.Sprintf("%q: want one of %s", p.table, strings.Join(names, ", "))})
}

// serveSurvey serves POST /surveys: a call recorded (surveyJSON), 201 and
// the week's survey report.
func (a *app) serveSurvey(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var in surveyJSON
	if err := decodeStrict(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if err := a.recordSurvey(r.Context(), tenantOf(r), in); err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		a.fail(w, err)
		return
	}
	p, err := a.parseReportParams(url.Values{"week": {in.Week}}, a.clk.Now(), false)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	rep, err := a.boardReport(r.Context(), tenantOf(r), p)
	if err != nil {
		a.fail(w, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, rep.Calls)
}

// reportPage serves a board page that shows part of the board report.
func (a *app) reportPage(name, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := a.requestReportParams(r, a.clk.Now(), false)
		if err != nil {
			a.failPage(w, r, err)
			return
		}
		rep, err := a.boardReport(r.Context(), tenantOf(r), p)
		if err != nil {
			a.failPage(w, r, err)
			return
		}
		a.render(w, r, http.StatusOK, name, reportView{Title: title, Report: rep, Trend: layoutTrend(rep.Report.Trend)})
	}
}

// A reportView is what a report page's template gets.
type reportView struct {
	Title  string
	Report boardReport
	Trend  trendChart
}

// A crackCount is how many cracks have a reason.
type crackCount struct {
	Reason report.CrackReason
	Label  string
	N      int
}

// CrackCounts counts the cracks per reason, every reason listed.
func (v reportView) CrackCounts() []crackCount {
	out := make([]crackCount, len(crackReasons))
	for i, r := range crackReasons {
		out[i] = crackCount{Reason: r.Reason, Label: r.Label}
		for _, c := range v.Report.Report.Cracks {
			if c.Reason == r.Reason {
				out[i].N++
			}
		}
	}
	return out
}

// Owners and Teams split the workload.
func (v reportView) Owners() []report.Load { return v.loads("owner") }
func (v reportView) Teams() []report.Load  { return v.loads("team") }

func (v reportView) loads(by string) []report.Load {
	var out []report.Load
	for _, l := range v.Report.Workload {
		if l.By == by {
			out = append(out, l)
		}
	}
	return out
}

// recordCall serves POST /calls, the call list's form: the call is
// recorded, and the browser sent back to the list.
func (a *app) recordCall(w http.ResponseWriter, r *http.Request) {
	if !checkForm(w, r) {
		return
	}
	f := r.PostForm
	in := surveyJSON{Week: f.Get("week"), InquiryID: f.Get("inquiry_id"), Answer: f.Get("answer"), Note: f.Get("note")}
	switch f.Get("reached") {
	case "yes":
		in.Reached = true
	case "no":
	default:
		a.failPage(w, r, &fieldError{"reached", "want yes or no"})
		return
	}
	if s := f.Get("rating"); s != "" {
		if _, err := fmt.Sscanf(s, "%d", &in.Rating); err != nil || fmt.Sprint(in.Rating) != s {
			a.failPage(w, r, &fieldError{"rating", fmt.Sprintf("%q: want 1 to 5, or none", s)})
			return
		}
	}
	if err := a.recordSurvey(r.Context(), tenantOf(r), in); err != nil {
		a.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/calls?week="+url.QueryEscape(in.Week)+"#call-"+url.QueryEscape(in.InquiryID), http.StatusSeeOther)
}
