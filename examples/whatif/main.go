// Whatif replays history under a new policy: it reads an export of
// inquiries and their logs (JSON Lines, package sla/history), evaluates
// each inquiry under two policy documents, A (the policies in force)
// and B (a proposal), at the same instant, and prints the comparison
// (package sla/report's Compare) as a readable table: on-time rates and
// business-time percentiles side by side per metric and channel, party
// and owner, the escalations each set would have fired and whom they
// would have paged, and every obligation whose state changes, with why.
//
// With no flags it replays the quickstart's sample week (embedded from
// sample-week.jsonl) under the quickstart's policies (current.json) and
// a stricter proposal (proposed.json: first replies in 2 business hours
// instead of 4, the team lead paged when a customer's first reply is
// breached, and customers' resolutions in one business day instead of
// two), at noon on the day after Thanksgiving, as the quickstart does.
//
// The export is streamed: it is read line by line and each record
// evaluated by a bounded pool of workers (one per core) as it comes, so
// that memory holds the comparison's aggregates and the list of
// changes, never the export. A line that is not a record is fatal,
// with its line number; with -skip-bad it is reported on standard error
// and skipped. An inquiry that arrived after the instant evaluated is
// left out and counted. A policy document that does not parse names
// its file and the JSON path at fault.
//
// Usage:
//
//	go run ./examples/whatif
//	go run ./examples/whatif -export march.jsonl -a policies.json -b proposal.json -now 2026-04-01
//	go run ./examples/whatif -export march.jsonl -skip-bad -csv changes > changes.csv
//	go run ./examples/whatif -json
package main

import (
	"bufio"
	"cmp"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the output must not depend on the host's zone database

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/history"
	"github.com/replyby/replyby/sla/report"
)

//go:embed sample-week.jsonl
var sampleWeek []byte

//go:embed current.json
var currentPolicies []byte

//go:embed proposed.json
var proposedPolicies []byte

// sampleNow is the instant the sample week is evaluated at without -now:
// noon on the day after Thanksgiving, as the quickstart's.
const sampleNow = "2026-11-27T12:00:00-05:00"

// options are the program's flags.
type options struct {
	export, a, b  string // files; "" for the embedded ones
	now, from, to string // instants; "" for the default
	zone          string // the zone of wall-clock instants
	skipBad       bool
	maxLine       int    // the longest line of the export read, in bytes
	csvTable      string // a table to write as CSV instead of text
	json          bool
	changes       int // the changes listed in text, at most
	nameA, nameB  string
	workers       int
	stderr        io.Writer
}

func main() {
	var o options
	flag.StringVar(&o.export, "export", "", "history export `file` (JSON Lines, package sla/history) instead of the embedded sample week")
	flag.StringVar(&o.a, "a", "", "policy JSON `file` in force (A) instead of the embedded current.json")
	flag.StringVar(&o.b, "b", "", "policy JSON `file` proposed (B) instead of the embedded proposed.json")
	flag.StringVar(&o.now, "now", "", "instant to evaluate at: RFC 3339, or `2006-01-02T15:04` or 2006-01-02 on the -zone wall clock (default: "+sampleNow+" for the sample week, the present for an -export)")
	flag.StringVar(&o.from, "from", "", "compare only inquiries received at or after this `instant` (as -now)")
	flag.StringVar(&o.to, "to", "", "compare only inquiries received before this `instant` (as -now)")
	flag.StringVar(&o.zone, "zone", "America/New_York", "IANA `zone` of the wall-clock forms of -now, -from and -to")
	flag.BoolVar(&o.skipBad, "skip-bad", false, "skip a line of the export that is not a record (reported on standard error) instead of stopping")
	flag.StringVar(&o.csvTable, "csv", "", "write the comparison's `table` as CSV instead of text: comparison, policies, cells, levels, notify, transitions or changes")
	flag.BoolVar(&o.json, "json", false, "write the comparison as JSON instead of text")
	flag.IntVar(&o.changes, "changes", 50, "list at most `n` changes in the text (all are in -csv changes and -json)")
	flag.StringVar(&o.nameA, "name-a", "", "name of A in the output (default: \"current\", or the file's name)")
	flag.StringVar(&o.nameB, "name-b", "", "name of B in the output (default: \"proposed\", or the file's name)")
	flag.IntVar(&o.maxLine, "max-line", history.DefaultMaxLineBytes, "the longest line of the export read, in `bytes` (a longer one is not a record)")
	flag.Parse()
	o.workers = runtime.GOMAXPROCS(0)
	o.stderr = os.Stderr
	out := bufio.NewWriter(os.Stdout)
	err := run(out, o)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "whatif:", err)
		os.Exit(1)
	}
}

// run reads the policies and the export, compares and writes the
// comparison to w.
func run(w io.Writer, o options) error {
	loc, err := time.LoadLocation(o.zone)
	if err != nil {
		return fmt.Errorf("-zone %q: %w", o.zone, err)
	}
	a, nameA, err := loadPolicies(o.a, "current.json", currentPolicies, "current")
	if err != nil {
		return err
	}
	b, nameB, err := loadPolicies(o.b, "proposed.json", proposedPolicies, "proposed")
	if err != nil {
		return err
	}
	nameA, nameB = cmp.Or(o.nameA, nameA), cmp.Or(o.nameB, nameB)
	if nameA == nameB {
		nameA, nameB = "A: "+nameA, "B: "+nameB
	}
	nowText := o.now
	if nowText == "" && o.export == "" {
		nowText = sampleNow
	}
	now := time.Now().In(loc)
	if nowText != "" {
		if now, err = parseInstant("-now", nowText, loc); err != nil {
			return err
		}
	}
	var from, to time.Time
	if o.from != "" {
		if from, err = parseInstant("-from", o.from, loc); err != nil {
			return err
		}
	}
	if o.to != "" {
		if to, err = parseInstant("-to", o.to, loc); err != nil {
			return err
		}
	}
	if o.csvTable != "" && !isTable(o.csvTable) {
		return fmt.Errorf("-csv %q: want one of %s", o.csvTable, strings.Join(tableNames(), ", "))
	}

	var src io.Reader
	source := "the embedded sample week"
	if o.export == "" {
		src = strings.NewReader(string(sampleWeek))
	} else {
		f, err := os.Open(o.export)
		if err != nil {
			return err
		}
		defer f.Close()
		src, source = f, o.export
	}
	res, err := replay(src, source, a, b, now, from, to, o)
	if err != nil {
		return err
	}
	c := res.cmp
	c.NameA, c.NameB = nameA, nameB

	switch {
	case o.json:
		return c.WriteJSON(w)
	case o.csvTable != "":
		for _, t := range c.Tables() {
			if t.Name == o.csvTable {
				return t.WriteCSV(w)
			}
		}
	}
	fmt.Fprintf(w, "What if: %s replayed under %s (A) and %s (B), evaluated at %s.\n",
		source, describe(o.a, "current.json"), describe(o.b, "proposed.json"), now.Format(time.RFC3339))
	if res.future > 0 || res.skipped > 0 {
		fmt.Fprintf(w, "Left out: %d inquiries received after that instant, %d lines skipped.\n", res.future, res.skipped)
	}
	fmt.Fprintln(w)
	if o.changes >= 0 && len(c.Changes) > o.changes {
		c.Changes = c.Changes[:o.changes]
	}
	return c.WriteText(w)
}

// loadPolicies reads a policy document: the file at path, or the
// embedded one. An error names the file (and, as package sla's do, the
// JSON path at fault).
func loadPolicies(path, embeddedName string, embedded []byte, embeddedLabel string) (*sla.PolicySet, string, error) {
	doc, name, label := embedded, "embedded "+embeddedName, embeddedLabel
	if path != "" {
		var err error
		if doc, err = os.ReadFile(path); err != nil {
			return nil, "", err
		}
		name, label = path, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	ps, err := sla.ParsePolicies(doc)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	return ps, label, nil
}

// describe names a policy document for the heading.
func describe(path, embeddedName string) string {
	if path == "" {
		return "the embedded " + embeddedName
	}
	return path
}

// parseInstant reads an instant flag: RFC 3339, or a wall-clock time
// "2006-01-02T15:04" or a date "2006-01-02" (midnight) in loc.
func parseInstant(flagName, s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q: want an RFC 3339 instant (2026-11-27T12:00:00-05:00), "+
		"a time on the wall clock of %s (2026-11-27T12:00) or a date (2026-11-27, midnight there)", flagName, s, loc)
}

// tableNames lists the names of the comparison's tables.
func tableNames() []string {
	var c report.Comparison
	var names []string
	for _, t := range c.Tables() {
		names = append(names, t.Name)
	}
	return names
}

func isTable(name string) bool {
	for _, n := range tableNames() {
		if n == name {
			return true
		}
	}
	return false
}

// replayed is what replay returns: the comparison and what it left out.
type replayed struct {
	cmp     report.Comparison
	future  int // inquiries received after now
	skipped int // bad lines skipped
}

// batchSize is how many records a worker evaluates at a time.
const batchSize = 256

// A job is a batch of records with the line number of each.
type job struct {
	recs  []history.Record
	lines []int
}

// A result is a job's statuses under A and B, or the first error of
// its evaluation.
type result struct {
	pairs  [][2]sla.Status
	future int
	err    error
}

// replay streams the records of src through a bounded pool of workers
// that evaluate each under a and b at now, and feeds the pairs to a
// Comparer. At most twice as many batches as workers are in flight, so
// what it holds is bounded by the batch size, not by the export.
func replay(src io.Reader, source string, a, b *sla.PolicySet, now, from, to time.Time, o options) (replayed, error) {
	workers := max(o.workers, 1)
	jobs := make(chan job, workers)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- evaluate(j, a, b, now)
			}
		}()
	}
	var out replayed
	done := make(chan error, 1)
	go func() {
		c := report.NewComparer(from, to)
		var first error
		for r := range results {
			out.future += r.future
			if r.err != nil {
				first = cmp.Or(first, r.err)
				continue
			}
			for i := range r.pairs {
				c.Add(&r.pairs[i][0], &r.pairs[i][1])
			}
		}
		out.cmp = c.Comparison()
		done <- first
	}()

	readErr := func() error {
		defer close(jobs)
		r := history.NewReader(src)
		r.MaxLineBytes = o.maxLine
		cur := job{}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			var he *history.Error
			if errors.As(err, &he) {
				if !o.skipBad {
					return fmt.Errorf("%s: %w (-skip-bad skips such lines)", source, err)
				}
				out.skipped++
				if o.stderr != nil {
					fmt.Fprintf(o.stderr, "whatif: %s: skipped: %v\n", source, err)
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("%s: %w", source, err)
			}
			cur.recs = append(cur.recs, rec)
			cur.lines = append(cur.lines, r.Line())
			if len(cur.recs) == batchSize {
				jobs <- cur
				cur = job{}
			}
		}
		if len(cur.recs) > 0 {
			jobs <- cur
		}
		return nil
	}()
	wg.Wait()
	close(results)
	evalErr := <-done
	if readErr != nil {
		return replayed{}, readErr
	}
	if evalErr != nil {
		return replayed{}, fmt.Errorf("%s: %w", source, evalErr)
	}
	return out, nil
}

// evaluate evaluates a batch under a and b at now, leaving out the
// inquiries that arrived after now.
func evaluate(j job, a, b *sla.PolicySet, now time.Time) result {
	var r result
	r.pairs = make([][2]sla.Status, 0, len(j.recs))
	for i, rec := range j.recs {
		if rec.Inquiry.Received.After(now) {
			r.future++
			continue
		}
		sa, err := a.Evaluate(rec.Inquiry, rec.Events, now)
		if err != nil {
			r.err = fmt.Errorf("line %d: under A: %w", j.lines[i], err)
			return r
		}
		sb, err := b.Evaluate(rec.Inquiry, rec.Events, now)
		if err != nil {
			r.err = fmt.Errorf("line %d: under B: %w", j.lines[i], err)
			return r
		}
		r.pairs = append(r.pairs, [2]sla.Status{sa, sb})
	}
	return r
}
