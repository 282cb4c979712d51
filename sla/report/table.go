package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/replyby/replyby/sla"
)

// A Table is a report's figures as text cells, for CSV and for any host
// that shows tables: a name, a header and rows of the header's length.
// Values are written as: durations by time.Duration.String ("1h30m0s"),
// instants in RFC 3339 ("" for none), shares and means with 4 decimals
// ("0.5000"), counts in decimal, booleans as "true" and "false".
type Table struct {
	// Name names the table ("cracks", "workload"), as a file name might.
	Name string `json:"name"`
	// Header names the columns, as the JSON names of the fields they
	// hold; each row has one value per column.
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
}

// WriteCSV writes the table to w with encoding/csv, the header first. A
// table without columns, or with a row whose length is not the header's,
// is refused with an error wrapping ErrBadTable that names the row.
// Reading the output back with encoding/csv gives the header and rows
// again, except that a "\r\n" inside a value reads back as "\n", as that
// package does.
func (t Table) WriteCSV(w io.Writer) error {
	if w == nil {
		return errAt("", "", "", ErrNilWriter)
	}
	if len(t.Header) == 0 {
		return errAt("header", "", "a table needs a column", ErrBadTable)
	}
	for i, row := range t.Rows {
		if len(row) != len(t.Header) {
			return errAt("rows["+strconv.Itoa(i)+"]", "", fmt.Sprintf("%d values for %d columns", len(row), len(t.Header)), ErrBadTable)
		}
	}
	cw := csv.NewWriter(w)
	for _, rec := range append([][]string{t.Header}, t.Rows...) {
		if len(rec) == 1 && rec[0] == "" {
			// encoding/csv writes a lone empty value as an empty line,
			// which readers skip; quoted, it reads back.
			cw.Flush()
			if err := cw.Error(); err != nil {
				return fmt.Errorf("report: %w", err)
			}
			if _, err := io.WriteString(w, "\"\"\n"); err != nil {
				return fmt.Errorf("report: %w", err)
			}
			continue
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// instantText writes t in RFC 3339, with as many fractional digits as it
// needs ("" for the zero instant).
func instantText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// shareText writes a share or a mean with 4 decimals.
func shareText(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

// itoa writes a count.
func itoa(n int) string { return strconv.Itoa(n) }

// keyText writes an obligation's key ("" for none).
func keyText(k sla.Key) string {
	if k == (sla.Key{}) {
		return ""
	}
	return k.String()
}

// Tables returns the report as tables: "summary" (one figure a row:
// the window, the counts, the touches and the first-reply and resolution
// percentiles), "cells", "trend", "contacts" and "cracks" (one row per
// element of the field of that name, its columns the JSON names).
func (r *Report) Tables() []Table {
	summary := Table{Name: "summary", Header: []string{"figure", "value"}}
	add := func(name, value string) { summary.Rows = append(summary.Rows, []string{name, value}) }
	add("from", instantText(r.From))
	add("to", instantText(r.To))
	add("inquiries", itoa(r.Inquiries))
	add("resolved", itoa(r.Resolved))
	add("open", itoa(r.Open))
	add("nudges", itoa(r.Nudges))
	add("nudged", itoa(r.Nudged))
	add("violations", itoa(r.Violations))
	add("touches.inquiries", itoa(r.Touches.Inquiries))
	add("touches.total", itoa(r.Touches.Total))
	add("touches.max", itoa(r.Touches.Max))
	add("touches.mean", shareText(r.Touches.Mean()))
	for _, p := range []struct {
		name string
		p    Percentiles
	}{{"first_reply", r.FirstReply}, {"resolution", r.Resolution}} {
		add(p.name+".n", itoa(p.p.N))
		add(p.name+".p50", p.p.P50.String())
		add(p.name+".p90", p.p.P90.String())
		add(p.name+".max", p.p.Max.String())
	}

	cells := Table{Name: "cells", Header: []string{"metric", "by", "value", "decided", "on_time", "share", "n", "p50", "p90", "max"}, Rows: [][]string{}}
	for _, c := range r.Cells {
		cells.Rows = append(cells.Rows, []string{string(c.Metric), c.By, c.Value, itoa(c.Decided), itoa(c.OnTime), shareText(c.Share()),
			itoa(c.Elapsed.N), c.Elapsed.P50.String(), c.Elapsed.P90.String(), c.Elapsed.Max.String()})
	}

	trend := Table{Name: "trend", Header: []string{"week", "channel", "decided", "on_time", "share"}, Rows: [][]string{}}
	for _, p := range r.Trend {
		trend.Rows = append(trend.Rows, []string{p.Week, string(p.Channel), itoa(p.Decided), itoa(p.OnTime), shareText(p.Share())})
	}

	contacts := Table{Name: "contacts", Header: []string{"inquiry_id", "channel", "party", "owner", "received", "resolved",
		"touches", "nudges", "customer_messages", "auto_replies", "touches_to_resolve"}, Rows: [][]string{}}
	for _, c := range r.Contacts {
		contacts.Rows = append(contacts.Rows, []string{c.InquiryID, string(c.Channel), string(c.Party), c.Owner, instantText(c.Received),
			strconv.FormatBool(c.Resolved), itoa(c.Touches), itoa(c.Nudges), itoa(c.CustomerMessages), itoa(c.AutoReplies), itoa(c.TouchesToResolve)})
	}

	cracks := Table{Name: "cracks", Header: []string{"inquiry_id", "channel", "party", "owner", "team", "received",
		"reason", "obligation", "ref", "due", "overdue"}, Rows: [][]string{}}
	for _, c := range r.Cracks {
		cracks.Rows = append(cracks.Rows, []string{c.InquiryID, string(c.Channel), string(c.Party), c.Owner, c.Team, instantText(c.Received),
			string(c.Reason), keyText(c.Obligation), c.Ref, instantText(c.Due), c.Overdue.String()})
	}
	return []Table{summary, cells, trend, contacts, cracks}
}

// WorkloadTable returns loads (see [Workload]) as the table "workload",
// its columns the JSON names of [Load].
func WorkloadTable(loads []Load) Table {
	t := Table{Name: "workload", Header: []string{"by", "value", "open", "breached", "at_risk", "inquiries"}, Rows: [][]string{}}
	for _, l := range loads {
		t.Rows = append(t.Rows, []string{l.By, l.Value, itoa(l.Open), itoa(l.Breached), itoa(l.AtRisk), itoa(l.Inquiries)})
	}
	return t
}

// DueTable returns a list of obligations due (see [DueSoon] and
// [Breached]) as a table of that name, its columns the JSON names of
// [Due].
func DueTable(name string, dues []Due) Table {
	t := Table{Name: name, Header: []string{"inquiry_id", "owner", "team", "obligation", "ref", "state", "due", "remaining"}, Rows: [][]string{}}
	for _, d := range dues {
		t.Rows = append(t.Rows, []string{d.InquiryID, d.Owner, d.Team, keyText(d.Obligation), d.Ref, string(d.State), instantText(d.Due), d.Remaining.String()})
	}
	return t
}

// Tables returns the survey report as tables: "survey" (one figure a
// row: sampled, called, reached, response_rate, unsampled, invalid),
// "ratings", "answers" (ordered by answer) and "calls" (the call list,
// with the columns of the survey that counts).
func (s SurveyReport) Tables() []Table {
	summary := Table{Name: "survey", Header: []string{"figure", "value"}, Rows: [][]string{
		{"sampled", itoa(s.Sampled)},
		{"called", itoa(s.Called)},
		{"reached", itoa(s.Reached)},
		{"response_rate", shareText(s.ResponseRate)},
		{"unsampled", itoa(s.Unsampled)},
		{"invalid", itoa(s.Invalid)},
	}}
	ratings := Table{Name: "ratings", Header: []string{"by", "value", "n", "mean"}, Rows: [][]string{}}
	for _, c := range s.Ratings {
		ratings.Rows = append(ratings.Rows, []string{c.By, c.Value, itoa(c.N), shareText(c.Mean)})
	}
	answers := Table{Name: "answers", Header: []string{"answer", "n"}, Rows: [][]string{}}
	keys := make([]string, 0, len(s.Answers))
	for k := range s.Answers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		answers.Rows = append(answers.Rows, []string{k, itoa(s.Answers[k])})
	}
	calls := Table{Name: "calls", Header: []string{"inquiry_id", "party", "channel", "owner", "called", "at", "reached", "answer", "rating", "note"}, Rows: [][]string{}}
	for _, c := range s.Calls {
		calls.Rows = append(calls.Rows, []string{c.InquiryID, string(c.Party), string(c.Channel), c.Owner, strconv.FormatBool(c.Called),
			instantText(c.Survey.At), strconv.FormatBool(c.Survey.Reached), c.Survey.Answer, itoa(c.Survey.Rating), c.Survey.Note})
	}
	return []Table{summary, ratings, answers, calls}
}
