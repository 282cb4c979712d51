// Quickstart runs a week of customer inquiries through a follow-up policy
// and prints who is owed what, by when, whether we kept our word, and where
// the cracks are.
//
// The policy document (a New York 9-to-5 desk with its holidays, and the
// policies for social-media complaints, prospects and customers) is embedded
// from policies.json. Six inquiries arrive between Friday 20 and Tuesday 24
// November 2026; their events are scheduled on a manual clock, which the
// program moves through the week. Like a real host, it evaluates an inquiry
// when an event arrives and again when the status's Next instant comes,
// and sends each escalation once.
//
// Usage:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -now 2026-11-23T13:30:00-05:00
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
)

//go:embed policies.json
var embeddedPolicies []byte

// defaultNow is the instant evaluated without -now: a week after the first
// inquiry, the day after Thanksgiving.
const defaultNow = "2026-11-27T12:00:00-05:00"

func main() {
	now := flag.String("now", defaultNow, "RFC 3339 instant to evaluate at")
	config := flag.String("config", "", "policy JSON `file` to use instead of the embedded one")
	flag.Parse()
	if err := run(os.Stdout, *now, *config); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run loads the policies, simulates the week up to now and prints the report.
func run(w io.Writer, nowFlag, configPath string) error {
	now, err := time.Parse(time.RFC3339, nowFlag)
	if err != nil {
		return fmt.Errorf("-now: %w", err)
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

	d, err := simulate(ps, inquiries(), now)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Policies: %s. Evaluated at %s (times in %s).\n\n",
		source, now.In(nyc).Format(stamp), nyc)
	if len(d.cases) == 0 {
		fmt.Fprintln(w, "No inquiry had arrived by then.")
		return nil
	}
	printTable(w, d.cases)
	printNotices(w, d.sent)
	printSummary(w, d.cases)
	printCracks(w, d.cases)
	return nil
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
		{ // A customer e-mails, leaves voicemails, and is promised an answer that never comes.
			inq: sla.Inquiry{ID: "case-3001", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone},
				Received: at("2026-11-23 09:00"), Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint}},
			events: []sla.Event{
				{Time: at("2026-11-23 11:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
				{Time: at("2026-11-23 12:30"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
				{Time: at("2026-11-23 13:50"), Type: sla.Assign, Owner: "bob"},
				{Time: at("2026-11-23 14:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "bob"},
				{Time: at("2026-11-23 14:00"), Type: sla.Promise, Due: at("2026-11-24 12:00"), Actor: "bob"},
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
		{ // An order question on chat, handled by the book.
			inq: sla.Inquiry{ID: "order-4001", Channel: sla.Chat, Received: at("2026-11-23 10:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Order}},
			events: []sla.Event{
				{Time: at("2026-11-23 10:01"), Type: sla.Assign, Owner: "dave"},
				{Time: at("2026-11-23 10:05"), Type: sla.Reply, Channel: sla.Chat, Actor: "dave"},
				{Time: at("2026-11-23 11:00"), Type: sla.Resolve, Actor: "dave"},
			},
		},
		{ // A phone conference is scheduled for Wednesday 15:00; nobody attends.
			inq: sla.Inquiry{ID: "case-3002", Channel: sla.Phone, Received: at("2026-11-24 09:00"),
				Class: sla.Class{Party: sla.Customer, Kind: sla.Request}},
			events: []sla.Event{
				{Time: at("2026-11-24 09:05"), Type: sla.Assign, Owner: "carol"},
				{Time: at("2026-11-24 09:10"), Type: sla.Reply, Channel: sla.Phone, Actor: "carol"},
				{Time: at("2026-11-24 09:10"), Type: sla.Appointment, Channel: sla.Meeting, Due: at("2026-11-25 15:00"), Actor: "carol"},
			},
		},
	}
}

// A tracked inquiry is what the desk knows of one inquiry so far.
type tracked struct {
	inq    sla.Inquiry
	log    []sla.Event
	status sla.Status
	timer  clock.Timer // fires at status.Next
}

// A notice is an escalation the desk sent.
type notice struct {
	inquiry string
	esc     sla.Escalation
}

// A desk plays the host: it logs events as they happen, evaluates, and
// sends each escalation once.
type desk struct {
	clk   *clock.Manual
	ps    *sla.PolicySet
	cases []*tracked
	sent  []notice
	seen  map[string]bool // inquiry/obligation/level already sent
	err   error
}

// simulate schedules every story on a manual clock, moves the clock to now
// and returns the desk with each inquiry evaluated at now.
func simulate(ps *sla.PolicySet, stories []story, now time.Time) (*desk, error) {
	start := at("2026-11-20 00:00")
	d := &desk{clk: clock.NewManual(start), ps: ps, seen: map[string]bool{}}
	for _, s := range stories {
		tr := &tracked{inq: s.inq}
		d.clk.AfterFunc(s.inq.Received.Sub(start), func() {
			d.cases = append(d.cases, tr)
			d.check(tr)
		})
		for _, e := range s.events {
			d.clk.AfterFunc(e.Time.Sub(start), func() {
				tr.log = append(tr.log, e)
				d.check(tr)
			})
		}
	}
	if now.After(start) {
		d.clk.Set(now)
	}
	for _, tr := range d.cases {
		d.evaluate(tr, now) // Elapsed and Remaining as of now exactly
	}
	return d, d.err
}

// check evaluates tr at the clock's time, sends new escalations, and asks
// to be called again when the status's Next instant comes.
func (d *desk) check(tr *tracked) {
	d.evaluate(tr, d.clk.Now())
	for _, o := range tr.status.Obligations {
		for _, e := range o.Escalations {
			key := tr.inq.ID + "/" + e.Obligation.String() + "/" + e.Level
			if !d.seen[key] {
				d.seen[key] = true
				d.sent = append(d.sent, notice{inquiry: tr.inq.ID, esc: e})
			}
		}
	}
	if tr.timer != nil {
		tr.timer.Stop()
		tr.timer = nil
	}
	if next := tr.status.Next; !next.IsZero() {
		tr.timer = d.clk.AfterFunc(next.Sub(d.clk.Now()), func() { d.check(tr) })
	}
}

func (d *desk) evaluate(tr *tracked, now time.Time) {
	st, err := d.ps.Evaluate(tr.inq, tr.log, now)
	if err != nil {
		d.err = errors.Join(d.err, fmt.Errorf("%s: %w", tr.inq.ID, err))
		return
	}
	tr.status = st
}

// printTable prints one row per obligation.
func printTable(w io.Writer, cases []*tracked) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INQUIRY\tCHANNEL\tPARTY\tPOLICY\tOBLIGATION\tDUE\tSTATE\tESCALATIONS")
	for _, tr := range cases {
		st := tr.status
		first := true
		for _, o := range st.Obligations {
			id, ch, party, policy := "", "", "", ""
			if first {
				id, ch, party, policy = tr.inq.ID, string(tr.inq.Channel), string(st.Class.Party), st.Policy
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
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t-\t-\n", tr.inq.ID, tr.inq.Channel, st.Class.Party, st.Policy)
		}
	}
	tw.Flush()
}

// printNotices lists the escalations in the order the desk sent them.
func printNotices(w io.Writer, sent []notice) {
	fmt.Fprintf(w, "\nEscalations sent (%d, each once):\n", len(sent))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, n := range sent {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\tto %s\n", n.esc.At.In(nyc).Format(stamp),
			n.inquiry, n.esc.Obligation, n.esc.Level, strings.Join(n.esc.Notify, ", "))
	}
	tw.Flush()
}

// printSummary prints, per metric, how many obligations were kept on time.
func printSummary(w io.Writer, cases []*tracked) {
	type tally struct{ onTime, late, open, cancelled int }
	counts := map[sla.Metric]*tally{}
	var nudges, violations, touches int
	for _, tr := range cases {
		st := tr.status
		nudges += st.Counts.Nudges
		touches += st.Counts.Touches
		violations += len(st.Violations)
		for _, o := range st.Obligations {
			t := counts[o.Key.Metric]
			if t == nil {
				t = &tally{}
				counts[o.Key.Metric] = t
			}
			switch {
			case o.State == sla.Met:
				t.onTime++
			case o.State.Late():
				t.late++
			case o.State == sla.Cancelled:
				t.cancelled++
			default:
				t.open++
			}
		}
	}
	fmt.Fprintln(w, "\nSummary:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  %-12s\tON TIME\tLATE\tOPEN\tCANCELLED\tON-TIME RATE\t\n", "METRIC")
	for _, m := range sla.Metrics() { // a fixed order
		t := counts[m]
		if t == nil {
			continue
		}
		rate := "-"
		if done := t.onTime + t.late; done > 0 {
			rate = fmt.Sprintf("%.0f%%", 100*float64(t.onTime)/float64(done))
		}
		fmt.Fprintf(tw, "  %-12s\t%d\t%d\t%d\t%d\t%s\t\n", m, t.onTime, t.late, t.open, t.cancelled, rate)
	}
	tw.Flush()
	fmt.Fprintf(w, "  %s, %s, %s from customers chasing us, %s on a channel the customer never offered.\n",
		count(len(cases), "inquiry", "inquiries"), count(touches, "reply", "replies"),
		count(nudges, "nudge", "nudges"), count(violations, "reply", "replies"))
}

// printCracks lists the open inquiries that are falling through: no owner,
// never answered, or a promise overdue.
func printCracks(w io.Writer, cases []*tracked) {
	fmt.Fprintln(w, "\nCracks (open inquiries falling through):")
	n := 0
	for _, tr := range cases {
		st := tr.status
		if st.Resolved {
			continue
		}
		var why []string
		if st.Owner == "" {
			why = append(why, "no owner")
		}
		if fr, ok := st.Obligation(sla.Key{Metric: sla.FirstReply}); ok && fr.DoneAt.IsZero() {
			s := "never answered"
			if len(st.Violations) > 0 {
				s += fmt.Sprintf(" on a channel they offered (%s on %s)",
					count(len(st.Violations), "reply", "replies"), channels(st.Violations))
			}
			why = append(why, s)
		}
		for _, o := range st.Obligations {
			if o.Key.Metric == sla.PromiseKept && o.State == sla.Breached {
				why = append(why, fmt.Sprintf("%s overdue since %s", o.Key, o.Due.In(nyc).Format(stamp)))
			}
		}
		if len(why) > 0 {
			n++
			fmt.Fprintf(w, "  %-10s %s\n", tr.inq.ID, strings.Join(why, "; "))
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "  none")
	}
}

// channels lists the distinct channels of vs.
func channels(vs []sla.Violation) string {
	var chs []string
	for _, v := range vs {
		if !slices.Contains(chs, string(v.Channel)) {
			chs = append(chs, string(v.Channel))
		}
	}
	return strings.Join(chs, ", ")
}

// count writes n and the noun in the singular or the plural.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
