// Quickstart runs a week of customer inquiries through a follow-up policy
// and prints who is owed what, by when, whether we kept our word, and where
// the cracks are.
//
// The policy document (a New York 9-to-5 desk with its holidays, and the
// policies for social-media complaints, prospects and customers) is embedded
// from policies.json. Six inquiries arrive between Friday 20 and Tuesday 24
// November 2026; their events are scheduled on a manual clock, which the
// program moves through the week. Like a real host, it keeps the inquiries
// in a ledger (package sla/ledger), and a monitor (package sla/monitor)
// sweeps the ledger whenever an inquiry's Next instant comes and delivers
// each escalation once. At the end it prints every obligation, the
// escalations in the order they were delivered, the report (package
// sla/report) with the cracks — an inquiry nobody owns or answered, a
// follow-up unanswered, a promise broken, an appointment missed — and
// this week's call list, the audit sample of resolved inquiries to call
// and ask how it went.
//
// Usage:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -now 2026-11-23T13:30:00-05:00
//	go run ./examples/quickstart -now 2026-11-23T13:30   # the desk's wall clock
//	go run ./examples/quickstart -now 2026-11-24         # midnight there
//	go run ./examples/quickstart -config my-policies.json
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // the output must not depend on the host's zone database

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/ledger"
	"github.com/replyby/replyby/sla/monitor"
	"github.com/replyby/replyby/sla/report"
)

//go:embed policies.json
var embeddedPolicies []byte

// defaultNow is the instant evaluated without -now: a week after the first
// inquiry, the day after Thanksgiving.
const defaultNow = "2026-11-27T12:00:00-05:00"

func main() {
	now := flag.String("now", defaultNow, "instant to evaluate at: RFC 3339, or `2006-01-02T15:04` or 2006-01-02 on the desk's wall clock (America/New_York)")
	config := flag.String("config", "", "policy JSON `file` to use instead of the embedded one")
	flag.Parse()
	if err := run(os.Stdout, *now, *config); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run loads the policies, simulates the week up to now and prints the report.
func run(w io.Writer, nowFlag, configPath string) error {
	now, err := parseNow(nowFlag)
	if err != nil {
		return err
	}
	doc, source := embeddedPolicies, "embedded policies.json"
	if configPath != "" {
		if doc, err = os.ReadFile(configPath); err != nil {
			return err
		}
		source = configPath
	}
	ps, err := sla.ParsePolicies(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}

	records, sent, err := simulate(ps, inquiries(), now)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Policies: %s. Evaluated at %s (times in %s).\n\n",
		source, now.In(nyc).Format(stamp), nyc)
	if len(records) == 0 {
		fmt.Fprintln(w, "No inquiry had arrived by then.")
		return nil
	}
	printTable(w, records)
	printAlerts(w, sent)
	fmt.Fprintln(w, "\nReport (report.New), with the cracks: no owner, never answered, a follow-up unanswered, a promise broken, an appointment missed:")
	fmt.Fprintln(w)
	rep := report.New(records, time.Time{}, time.Time{})
	if err := rep.WriteText(w); err != nil {
		return err
	}
	return printCallList(w, records, now)
}

// parseNow reads the -now flag: an RFC 3339 instant, a wall-clock time
// "2006-01-02T15:04" on the desk's clock, or a date "2006-01-02", meaning
// midnight there.
func parseNow(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, nyc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("-now %q: want an RFC 3339 instant (2026-11-27T12:00:00-05:00), "+
		"a time on the desk's clock in %s (2026-11-27T12:00) or a date (2026-11-27, midnight there)", s, nyc)
}

// printCallList prints this week's call list: the audit sample of the
// resolved inquiries, five prospects and five customers at most, drawn
// with the ISO week of now as the seed, so that the list is the same all
// week and new the next.
func printCallList(w io.Writer, statuses []sla.Status, now time.Time) error {
	year, week := now.In(nyc).ISOWeek()
	sample, err := report.AuditSample(statuses, report.DefaultSampleSize, uint64(year*100+week))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThis week's call list (report.AuditSample, seed %d%02d): resolved inquiries to call and ask how it went.\n", year, week)
	byID := map[string]sla.Status{}
	for _, st := range statuses {
		byID[st.InquiryID] = st
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	ids := append(slices.Clone(sample.Prospects), sample.Customers...)
	for _, id := range ids {
		st := byID[id]
		owner := st.Owner
		if owner == "" {
			owner = "(no owner)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\treceived %s\n", id, st.Class.Party, st.Channel, owner, st.Received.In(nyc).Format(stamp))
	}
	if len(ids) == 0 {
		fmt.Fprintln(tw, "  (nobody yet)")
	}
	return tw.Flush()
}

// nyc is the zone of the desk and of every time in the story.
var nyc = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at reads a New York wall-clock time "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, nyc)
	if err != nil {
		panic(err)
	}
	return t
}

// stamp is how instants are printed.
const stamp = "Mon 02 Jan 15:04"

// A story is an inquiry and what will happen to it.
type story struct {
	inq    sla.Inquiry
	events []sla.Event
}

// inquiries returns the week's stories. 2026-11-20 is a Friday; Thursday
// the 26th is Thanksgiving, and the desk closes at 13:00 on the 27th.
func inquiries() []story {
	return []story{
		{ // A prospect's e-mail late on Friday, answered on Monday after a warning.
			inq: sla.Inquiry{ID: "lead-1001", Channel: sla.Email, Received: at("2026-11-20 16:55"),
				Class: sla.Class{Party: sla.Prospect, Kind: sla.Question}},
			events: []sla.Event{
				{Time: at("2026-11-20 16:56"), Type: sla.AutoReply, Channel: sla.Email, Actor: "bot"},
				{Time: at("2026-11-23 09:30"), Type: sla.Assign, Owner: "ann"},
				{Time: at("2026-11-23 12:10"), Type: sla.Reply, Channel: sla.Email, Actor: "ann"},
			},
		},
		{ // A complaint on social media on Saturday: one hour, in plain time.
			inq: sla.Inquiry{ID: "tweet-2001", Channel: sla.Social, Received: at("2026-11-21 10:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint}},
			events: []sla.Event{
				{Time: at("2026-11-21 10:01"), Type: sla.AutoReply, Channel: sla.Social, Actor: "bot"},
				{Time: at("2026-11-21 11:30"), Type: sla.Reply, Channel: sla.Social, Actor: "social-team"},
				{Time: at("2026-11-21 11:45"), Type: sla.Resolve, Actor: "social-team"},
			},
		},
		{ // A customer e-mails about a wrong bill and leaves voicemails; a call back
			// (a voicemail is answered by a call) apologises and promises the
			// fix by Tuesday noon; on Tuesday comes another apology, by
			// e-mail, and no fix: an apology is not the fix.
			inq: sla.Inquiry{ID: "case-3001", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email},
				Received: at("2026-11-23 09:00"), Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint}},
			events: []sla.Event{
				{Time: at("2026-11-23 11:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
				{Time: at("2026-11-23 12:30"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
				{Time: at("2026-11-23 13:50"), Type: sla.Assign, Owner: "bob"},
				{Time: at("2026-11-23 14:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "bob"},
				{Time: at("2026-11-23 14:00"), Type: sla.Promise, Ref: "fix-bill", PromiseKind: sla.DoSomething,
					Due: at("2026-11-24 12:00"), Actor: "bob"},
				{Time: at("2026-11-24 11:00"), Type: sla.Reply, Channel: sla.Email, Actor: "bob"},
				{Time: at("2026-11-24 15:00"), Type: sla.CustomerMessage, Channel: sla.Email},
				{Time: at("2026-11-24 16:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
			},
		},
		{ // A web-form lead who left only an e-mail address, and is phoned.
			inq: sla.Inquiry{ID: "lead-1002", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email},
				Received: at("2026-11-23 09:00"), Class: sla.Class{Party: sla.Prospect, Kind: sla.Question}},
			events: []sla.Event{
				{Time: at("2026-11-23 10:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "sales"},
			},
		},
		{ // An order question on chat, handled by the book; solved, with a call
			// on Tuesday at 10:00 to walk the customer through the order, which
			// Dave forgets: a missed appointment, though the inquiry is solved.
			inq: sla.Inquiry{ID: "order-4001", Channel: sla.Chat, Received: at("2026-11-23 10:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Order}},
			events: []sla.Event{
				{Time: at("2026-11-23 10:01"), Type: sla.Assign, Owner: "dave"},
				{Time: at("2026-11-23 10:05"), Type: sla.Reply, Channel: sla.Chat, Actor: "dave"},
				{Time: at("2026-11-23 10:06"), Type: sla.StatusChange, Status: "pending", Actor: "dave"},
				{Time: at("2026-11-23 10:40"), Type: sla.CustomerMessage, Channel: sla.Chat},
				{Time: at("2026-11-23 11:00"), Type: sla.Reply, Channel: sla.Chat, Actor: "dave"},
				{Time: at("2026-11-23 11:00"), Type: sla.Appointment, Ref: "walkthrough", Channel: sla.Phone,
					Due: at("2026-11-24 10:00"), Actor: "dave"},
				{Time: at("2026-11-23 11:00"), Type: sla.StatusChange, Status: "solved", Actor: "dave"},
			},
		},
		{ // A conference is scheduled for Wednesday 15:00 and the customer does not
			// come; Carol promises to call on Friday morning, and does.
			inq: sla.Inquiry{ID: "case-3002", Channel: sla.Phone, Received: at("2026-11-24 09:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Request}},
			events: []sla.Event{
				{Time: at("2026-11-24 09:05"), Type: sla.Assign, Owner: "carol"},
				{Time: at("2026-11-24 09:10"), Type: sla.Reply, Channel: sla.Phone, Actor: "carol"},
				{Time: at("2026-11-24 09:10"), Type: sla.Appointment, Ref: "onboarding", Channel: sla.Meeting,
					Due: at("2026-11-25 15:00"), Actor: "carol"},
				{Time: at("2026-11-25 15:10"), Type: sla.AppointmentNoShow, Ref: "onboarding", Actor: "carol"},
				{Time: at("2026-11-25 15:12"), Type: sla.Promise, Ref: "call-friday", Channel: sla.Phone,
					From: at("2026-11-27 09:00"), Due: at("2026-11-27 12:00"), Actor: "carol"},
				{Time: at("2026-11-27 10:30"), Type: sla.Reply, Channel: sla.Phone, Actor: "carol"},
			},
		},
	}
}

// simulate runs the stories on a manual clock, as a host runs real traffic:
// each inquiry is added to a ledger when it arrives and each event appended
// when it happens, while a monitor sweeps the ledger at each Next and
// delivers every escalation once. It moves the clock to now and returns
// the statuses at now (in order of arrival) and the alerts delivered.
func simulate(ps *sla.PolicySet, stories []story, now time.Time) ([]sla.Status, []monitor.Alert, error) {
	start := at("2026-11-20 00:00")
	clk := clock.NewManual(start)
	book := ledger.New(ps)
	var sent []monitor.Alert
	mon, err := monitor.New(book, clk, func(a monitor.Alert) { sent = append(sent, a) })
	if err != nil {
		return nil, nil, err
	}
	defer mon.Stop()

	var errs error
	for _, s := range stories {
		clk.AfterFunc(s.inq.Received.Sub(start), func() {
			errs = errors.Join(errs, book.Add(s.inq))
		})
		// The events of one instant arrive together.
		for i := 0; i < len(s.events); {
			j := i + 1
			for j < len(s.events) && s.events[j].Time.Equal(s.events[i].Time) {
				j++
			}
			batch := s.events[i:j]
			clk.AfterFunc(batch[0].Time.Sub(start), func() {
				errs = errors.Join(errs, book.Append(s.inq.ID, batch...))
			})
			i = j
		}
	}
	if now.After(start) {
		clk.Set(now)
	}
	statuses := book.Statuses(now)
	slices.SortStableFunc(statuses, func(a, b sla.Status) int { return a.Received.Compare(b.Received) })
	return statuses, sent, errs
}

// printTable prints one row per obligation.
func printTable(w io.Writer, statuses []sla.Status) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INQUIRY\tCHANNEL\tPARTY\tPOLICY\tOBLIGATION\tDUE\tSTATE\tESCALATIONS")
	for _, st := range statuses {
		first := true
		for _, o := range st.Obligations {
			id, ch, party, policy := "", "", "", ""
			if first {
				id, ch, party, policy = st.InquiryID, string(st.Channel), string(st.Class.Party), st.Policy
				first = false
			}
			due := "-"
			if !o.Due.IsZero() {
				due = o.Due.In(nyc).Format(stamp)
			}
			var fired []string
			for _, e := range o.Escalations {
				fired = append(fired, e.Level+" "+e.At.In(nyc).Format("Mon 15:04"))
			}
			// A line ends without a tab when it has no escalations, so
			// that tabwriter does not pad it with trailing blanks.
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s", id, ch, party, policy, o.Key, due, o.State)
			if len(fired) > 0 {
				fmt.Fprintf(tw, "\t%s", strings.Join(fired, ", "))
			}
			fmt.Fprintln(tw)
		}
		if first { // the policy tracks nothing for it
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t-\t-\n", st.InquiryID, st.Channel, st.Class.Party, st.Policy)
		}
	}
	tw.Flush()
}

// printAlerts lists the escalations in the order the monitor delivered them.
func printAlerts(w io.Writer, sent []monitor.Alert) {
	fmt.Fprintf(w, "\nEscalations delivered by the monitor (%d, each once):\n", len(sent))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range sent {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\tto %s\n", a.At.In(nyc).Format(stamp),
			a.InquiryID, a.Obligation, a.Level, strings.Join(a.Notify, ", "))
	}
	tw.Flush()
}
