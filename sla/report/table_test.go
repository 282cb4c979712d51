package report_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

func csvText(t testing.TB, tb report.Table) string {
	var b bytes.Buffer
	require.NoError(t, tb.WriteCSV(&b))
	return b.String()
}

func TestWriteCSV(t *testing.T) {
	tb := report.Table{Name: "x", Header: []string{"id", "note"}, Rows: [][]string{
		{"a", "plain"}, {"b", `says "hi", twice`}, {"c", "two\nlines"}, {"", ""},
	}}
	assert.Equal(t, "id,note\na,plain\nb,\"says \"\"hi\"\", twice\"\nc,\"two\nlines\"\n,\n", csvText(t, tb))

	// A lone empty value is quoted, so that it reads back as a row.
	one := report.Table{Header: []string{"only"}, Rows: [][]string{{""}, {"x"}}}
	out := csvText(t, one)
	assert.Equal(t, "only\n\"\"\nx\n", out)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"only"}, {""}, {"x"}}, recs)

	for _, tc := range []struct {
		tb   report.Table
		want string
	}{
		{report.Table{}, "report: header: a table needs a column"},
		{report.Table{Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}, {"3"}}}, "report: rows[1]: 1 values for 2 columns"},
	} {
		err := tc.tb.WriteCSV(&bytes.Buffer{})
		require.ErrorIs(t, err, report.ErrBadTable)
		assert.EqualError(t, err, tc.want)
	}
	require.ErrorIs(t, tb.WriteCSV(nil), report.ErrNilWriter)
	require.ErrorContains(t, tb.WriteCSV(failingWriter{}), "disk full")
	require.ErrorContains(t, one.WriteCSV(failingWriter{}), "disk full")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// The report's tables of breakdownStatuses, at the cells hand-computed in
// TestCells.
func TestReportTables(t *testing.T) {
	rep := report.New(breakdownStatuses(), time.Time{}, time.Time{})
	tables := rep.Tables()
	var names []string
	byName := map[string]report.Table{}
	for _, tb := range tables {
		names = append(names, tb.Name)
		byName[tb.Name] = tb
		for i, row := range tb.Rows {
			require.Len(t, row, len(tb.Header), "%s row %d", tb.Name, i)
		}
	}
	assert.Equal(t, []string{"summary", "cells", "trend", "contacts", "cracks"}, names)

	summary := map[string]string{}
	for _, row := range byName["summary"].Rows {
		summary[row[0]] = row[1]
	}
	// Three inquiries, none resolved; first replies [30m 1h 5h] and a's
	// resolution of 10h.
	assert.Equal(t, map[string]string{
		"from": "", "to": "", "inquiries": "3", "resolved": "0", "open": "3", "nudges": "0", "nudged": "0", "violations": "0",
		"touches.inquiries": "0", "touches.total": "0", "touches.max": "0", "touches.mean": "0.0000",
		"first_reply.n": "3", "first_reply.p50": "1h0m0s", "first_reply.p90": "5h0m0s", "first_reply.max": "5h0m0s",
		"resolution.n": "1", "resolution.p50": "10h0m0s", "resolution.p90": "10h0m0s", "resolution.max": "10h0m0s",
	}, summary)

	cells := byName["cells"]
	assert.Equal(t, []string{"metric", "by", "value", "decided", "on_time", "share", "n", "p50", "p90", "max"}, cells.Header)
	require.Len(t, cells.Rows, len(rep.Cells))
	assert.Equal(t, []string{"first_reply", "all", "", "3", "2", "0.6667", "3", "1h0m0s", "5h0m0s", "5h0m0s"}, cells.Rows[0])
	assert.Equal(t, []string{"next_reply", "all", "", "1", "0", "0.0000", "0", "0s", "0s", "0s"}, cells.Rows[11])

	assert.Equal(t, [][]string{
		{"2026-W11", "chat", "1", "1", "1.0000"},
		{"2026-W11", "email", "3", "1", "0.3333"},
		{"2026-W12", "email", "2", "0", "0.0000"},
	}, byName["trend"].Rows)

	assert.Equal(t, []string{"a", "email", "customer", "ann", "2026-03-09T09:00:00-04:00", "false", "0", "0", "0", "0", "0"}, byName["contacts"].Rows[0])

	// Cracks: the columns, and the rows of two cracks made by hand.
	assert.Equal(t, []string{"inquiry_id", "channel", "party", "owner", "team", "received", "reason", "obligation", "ref", "due", "overdue"},
		byName["cracks"].Header)
	c := report.Crack{InquiryID: "x", Channel: sla.Email, Party: sla.Customer, Owner: "ann", Team: "t", Received: at("2026-03-09 09:00"),
		Reason: report.PromiseBroken, Obligation: sla.Key{Metric: sla.PromiseKept, N: 1}, Ref: "fix", Due: at("2026-03-09 12:00"), Overdue: 90 * time.Minute}
	one := report.Report{Cracks: []report.Crack{c, {InquiryID: "y", Reason: report.NoOwner, Received: at("2026-03-09 09:00"), Overdue: time.Hour}}}
	assert.Equal(t, [][]string{
		{"x", "email", "customer", "ann", "t", "2026-03-09T09:00:00-04:00", "promise_broken", "promise_kept#1", "fix", "2026-03-09T12:00:00-04:00", "1h30m0s"},
		{"y", "", "", "", "", "2026-03-09T09:00:00-04:00", "no_owner", "", "", "", "1h0m0s"},
	}, one.Tables()[4].Rows)
	// An empty report has every table, with no rows, and every CSV has
	// its header.
	for _, tb := range (&report.Report{}).Tables() {
		assert.NotNil(t, tb.Rows)
		assert.True(t, strings.HasPrefix(csvText(t, tb), strings.Join(tb.Header, ",")+"\n"), tb.Name)
	}
}

func TestWorkloadAndDueTables(t *testing.T) {
	sts := workloadStatuses(t)
	wl := report.WorkloadTable(report.Workload(sts, 3*time.Hour))
	assert.Equal(t, "workload", wl.Name)
	assert.Equal(t, "by,value,open,breached,at_risk,inquiries\nowner,ann,4,2,1,2\nowner,bob,3,1,1,2\nteam,,3,2,1,2\nteam,billing,4,1,1,2\n", csvText(t, wl))
	due := report.DueTable("breached", report.Breached(sts))
	assert.Equal(t, "breached", due.Name)
	assert.Equal(t, "inquiry_id,owner,team,obligation,ref,state,due,remaining\n"+
		"w4,bob,,promise_kept#1,fix,breached,2026-03-09T12:00:00-04:00,-24h0m0s\n"+
		"w1,ann,billing,update#2,,breached,2026-03-10T09:30:00-04:00,-2h30m0s\n"+
		"w3,ann,,update#2,,breached,2026-03-10T09:30:00-04:00,-2h30m0s\n", csvText(t, due))
	assert.Equal(t, [][]string{}, report.DueTable("due_soon", nil).Rows)
}

func TestSurveyTables(t *testing.T) {
	at10 := at("2026-03-10 10:00")
	rep := report.Surveys(report.Sample{Prospects: []string{"p1"}, Customers: []string{"c1", "c2"}},
		[]sla.Status{{InquiryID: "p1", Channel: sla.Email, Owner: "ann"}},
		[]report.Survey{
			{InquiryID: "p1", At: at10, Reached: true, Answer: "yes", Rating: 5, Note: "quick, thanks"},
			{InquiryID: "c1", At: at10, Reached: true, Answer: "no"},
		})
	var out []string
	for _, tb := range rep.Tables() {
		out = append(out, tb.Name+":\n"+csvText(t, tb))
	}
	// Two of three reached (0.6667); one rating, 5, by email and as a
	// prospect.
	assert.Equal(t, []string{
		"survey:\nfigure,value\nsampled,3\ncalled,2\nreached,2\nresponse_rate,0.6667\nunsampled,0\ninvalid,0\n",
		"ratings:\nby,value,n,mean\nall,,1,5.0000\nchannel,email,1,5.0000\nparty,prospect,1,5.0000\n",
		"answers:\nanswer,n\nno,1\nyes,1\n",
		"calls:\ninquiry_id,party,channel,owner,called,at,reached,answer,rating,note\n" +
			"p1,prospect,email,ann,true,2026-03-10T10:00:00-04:00,true,yes,5,\"quick, thanks\"\n" +
			"c1,customer,,,true,2026-03-10T10:00:00-04:00,true,no,0,\n" +
			"c2,customer,,,false,,false,,0,\n",
	}, out)
}

// Any table with a value per column writes CSV that encoding/csv reads
// back to its header and rows (values without "\r", which encoding/csv
// reads back as written only outside "\r\n").
func TestPropertyCSVRoundTrip(t *testing.T) {
	value := rapid.StringOfN(rapid.SampledFrom([]rune{'a', 'Z', ' ', ',', '"', '\n', ';', '\t', 'é', '#'}), 0, 6, -1)
	rapid.Check(t, func(t *rapid.T) {
		cols := rapid.IntRange(1, 4).Draw(t, "columns")
		tb := report.Table{Name: "t", Header: rapid.SliceOfN(value, cols, cols).Draw(t, "header")}
		for range rapid.IntRange(0, 5).Draw(t, "rows") {
			tb.Rows = append(tb.Rows, rapid.SliceOfN(value, cols, cols).Draw(t, "row"))
		}
		checkRoundTrip(t, tb)
	})
}

// So do the report's tables, the workload's, the lists' and the
// survey's, over any statuses.
func TestPropertyReportCSV(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sts := genStatusList(t)
		rep := report.New(sts, time.Time{}, time.Time{})
		tables := rep.Tables()
		tables = append(tables, report.WorkloadTable(report.Workload(sts, time.Hour)),
			report.DueTable("due_soon", report.DueSoon(sts, time.Hour)), report.DueTable("breached", report.Breached(sts)))
		sample, err := report.AuditSample(sts, 2, 7)
		require.NoError(t, err)
		tables = append(tables, report.Surveys(sample, sts, nil).Tables()...)
		for _, tb := range tables {
			checkRoundTrip(t, tb)
		}
		require.Len(t, tables[1].Rows, len(rep.Cells))
		require.Len(t, tables[4].Rows, len(rep.Cracks))
	})
}

func checkRoundTrip(t require.TestingT, tb report.Table) {
	var b bytes.Buffer
	require.NoError(t, tb.WriteCSV(&b))
	recs, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	want := append([][]string{tb.Header}, tb.Rows...)
	require.Equal(t, want, recs, tb.Name)
}
