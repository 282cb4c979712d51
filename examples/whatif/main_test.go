package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla/history"
	"github.com/replyby/replyby/sla/report"
)

// defaults are the options of a run without flags.
func defaults() options { return options{changes: 50, zone: "America/New_York", workers: 2} }

func runText(t *testing.T, o options) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(&out, o))
	return out.String()
}

// The sample week under the quickstart's policies and the proposal: the
// key figures of the comparison.
func TestSampleWeekComparison(t *testing.T) {
	o := defaults()
	o.json = true
	var out bytes.Buffer
	require.NoError(t, run(&out, o))
	var c report.Comparison
	require.NoError(t, json.Unmarshal(out.Bytes(), &c))
	assert.Equal(t, "current", c.NameA)
	assert.Equal(t, "proposed", c.NameB)
	assert.Equal(t, 6, c.Inquiries)
	// lead-1001's e-mail of Friday 16:55, answered at 12:10 on Monday
	// (3h15m of business time), is on time in 4 business hours and late
	// in 2.
	assert.Equal(t, 1, c.Changed)
	require.Len(t, c.Changes, 1)
	ch := c.Changes[0]
	assert.Equal(t, "lead-1001", ch.InquiryID)
	assert.Equal(t, "first_reply", ch.Obligation.String())
	assert.Equal(t, report.DueEarlier, ch.Reason)
	assert.Equal(t, "2026-11-23T12:55:00-05:00", ch.A.Due.Format("2006-01-02T15:04:05Z07:00"))
	assert.Equal(t, "2026-11-23T10:55:00-05:00", ch.B.Due.Format("2006-01-02T15:04:05Z07:00"))
	assert.Equal(t, [2]int{11, 10}, [2]int{c.A.OnTime, c.B.OnTime})
	assert.Equal(t, [2]int{21, 21}, [2]int{c.A.Decided, c.B.Decided})
	// The proposal pages more: case-3001's first reply breach pages the
	// team lead, and its resolution, due a day earlier, reaches the
	// manager by noon on Friday; lead-1001's breach pages sales.
	assert.Equal(t, [2]int{12, 15}, [2]int{c.A.Escalations, c.B.Escalations})
	notified := map[string][2]int{}
	for _, n := range c.Notify {
		notified[n.Target] = [2]int{n.A, n.B}
	}
	assert.Equal(t, [2]int{5, 6}, notified["team-lead"])
	assert.Equal(t, [2]int{1, 2}, notified["support-manager"])
	assert.Equal(t, [2]int{3, 4}, notified["sales-lead"])

	text := runText(t, defaults())
	assert.Contains(t, text, "What if: the embedded sample week replayed under the embedded current.json (A) and the embedded proposed.json (B), evaluated at 2026-11-27T12:00:00-05:00.")
	assert.Contains(t, text, "lead-1001  email    ann    first_reply  met (due 2026-11-23 12:55)  met_late (due 2026-11-23 10:55)  due_earlier")
}

// exportFile writes the sample week to a file with a line inserted
// after the first, and returns its path.
func exportFile(t *testing.T, insert string) string {
	lines := strings.SplitAfter(string(sampleWeek), "\n")
	body := lines[0] + insert + "\n" + strings.Join(lines[1:], "")
	path := filepath.Join(t.TempDir(), "week.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// A line that is not a record is fatal, naming the file and its line
// number; with -skip-bad it is reported and skipped.
func TestBadLine(t *testing.T) {
	path := exportFile(t, `{"inquiry":{"id":"x","channel":"email","received":"yesterday"}}`)
	o := defaults()
	o.export, o.now = path, sampleNow
	err := run(&bytes.Buffer{}, o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path+": history: line 2: inquiry.received")
	assert.Contains(t, err.Error(), "-skip-bad")

	var stderr bytes.Buffer
	o.skipBad, o.stderr = true, &stderr
	text := runText(t, o)
	assert.Contains(t, stderr.String(), "skipped: history: line 2: inquiry.received")
	assert.Contains(t, text, "Left out: 0 inquiries received after that instant, 1 lines skipped.")
	assert.Contains(t, text, "inquiries received … to …  6")

	// A line longer than -max-line is not a record.
	o = defaults()
	o.export, o.now, o.maxLine = exportFile(t, ""), sampleNow, 64
	err = run(&bytes.Buffer{}, o)
	assert.ErrorIs(t, err, history.ErrLineTooLong)
	assert.Contains(t, err.Error(), "line 1: ")
}

// A policy document that does not parse names its file and the JSON
// path at fault.
func TestBadPolicyDocument(t *testing.T) {
	bad := strings.Replace(string(proposedPolicies), `"within": "2h"`, `"within": "two hours"`, 1)
	path := filepath.Join(t.TempDir(), "proposal.json")
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o644))
	o := defaults()
	o.b = path
	err := run(&bytes.Buffer{}, o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path+": ")
	assert.Contains(t, err.Error(), "policies[1].targets.first_reply.within")
}

// The window, -now and the other flags.
func TestFlags(t *testing.T) {
	// Evaluated on Monday at noon, the inquiries of Tuesday are left out.
	o := defaults()
	o.now = "2026-11-23T12:00"
	assert.Contains(t, runText(t, o), "Left out: 1 inquiries received after that instant, 0 lines skipped.")

	o = defaults()
	o.from, o.to = "2026-11-23", "2026-11-24"
	assert.Contains(t, runText(t, o), "inquiries received 2026-11-23 00:00 to 2026-11-24 00:00  3")

	o = defaults()
	o.csvTable = "changes"
	var out bytes.Buffer
	require.NoError(t, run(&out, o))
	recs, err := csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "lead-1001", recs[1][0])

	o = defaults()
	o.changes = 0
	assert.Contains(t, runText(t, o), "… and 1 more changes")

	for _, tc := range []struct {
		set  func(*options)
		want string
	}{
		{func(o *options) { o.now = "Friday" }, `-now "Friday": want an RFC 3339 instant`},
		{func(o *options) { o.from = "soon" }, `-from "soon"`},
		{func(o *options) { o.csvTable = "nope" }, `-csv "nope": want one of comparison, policies, cells, levels, notify, transitions, changes`},
		{func(o *options) { o.zone = "Mars/Olympus" }, `-zone "Mars/Olympus"`},
		{func(o *options) { o.export = filepath.Join(t.TempDir(), "missing.jsonl") }, "missing.jsonl"},
		{func(o *options) { o.a = filepath.Join(t.TempDir(), "missing.json") }, "missing.json"},
	} {
		o := defaults()
		tc.set(&o)
		err := run(&bytes.Buffer{}, o)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// The same comparison with one worker as with many.
func TestWorkers(t *testing.T) {
	one, many := defaults(), defaults()
	one.workers, many.workers = 1, 8
	one.json, many.json = true, true
	assert.Equal(t, runText(t, one), runText(t, many))
}
