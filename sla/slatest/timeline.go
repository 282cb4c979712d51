package slatest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/replyby/replyby/sla"
)

// stamp writes an instant as the timeline does; the zero time is "-".
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("Mon 2006-01-02 15:04:05 MST")
}

// Timeline describes the scenario at the instant at: the inquiry, every
// event of the log, and what the log means then — every obligation with
// its state, start, due time, business time used and left, and the
// escalations, each with the instant a host driven by Next noticed it.
// Assertions print it when they fail.
func (s *Scenario) Timeline(at string) string {
	s.t.Helper()
	t := s.Time(at)
	st, err := s.ps.Evaluate(s.inq, s.events, t)
	if err != nil {
		return s.timeline(t, nil, nil) + fmt.Sprintf("evaluation failed: %v\n", err)
	}
	notices, err := s.replay(t)
	if err != nil {
		notices = nil
	}
	return s.timeline(t, &st, notices)
}

// timeline writes the timeline at t; st and notices may be nil.
func (s *Scenario) timeline(t time.Time, st *sla.Status, notices []Notice) string {
	var b strings.Builder
	loc := s.inq.Received.Location()
	in := func(u time.Time) string {
		if u.IsZero() {
			return "-"
		}
		return stamp(u.In(loc))
	}
	inq := s.inq
	id := inq.ID
	if id == "" {
		id = "(no ID)"
	}
	fmt.Fprintf(&b, "Timeline of inquiry %s at %s\n", id, in(t))
	fmt.Fprintf(&b, "  received %s on %s", in(inq.Received), inq.Channel)
	if len(inq.ReplyTo) > 0 {
		fmt.Fprintf(&b, ", reply to %s", joinChannels(inq.ReplyTo))
	}
	fmt.Fprintf(&b, "; %s\n", describeClass(inq.Class))
	if len(inq.Labels) > 0 || inq.Calendar != "" {
		fmt.Fprintf(&b, "  labels %v, calendar %q\n", inq.Labels, inq.Calendar)
	}

	events := slices.Clone(s.events)
	slices.SortStableFunc(events, func(a, b sla.Event) int { return a.Time.Compare(b.Time) })
	fmt.Fprintf(&b, "Events (%d):\n", len(events))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, e := range events {
		note := ""
		if e.Time.After(t) {
			note = "\t(later: not yet happened)"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", in(e.Time), describeEvent(e, in), note)
	}
	tw.Flush()

	if st == nil {
		return b.String()
	}
	fmt.Fprintf(&b, "Status: policy %q, owner %q", st.Policy, st.Owner)
	if st.Resolved {
		b.WriteString(", resolved")
	}
	if st.HostStatus != "" {
		fmt.Fprintf(&b, ", status %q", st.HostStatus)
	}
	fmt.Fprintf(&b, ", next %s\n", in(st.Next))
	fmt.Fprintf(&b, "Obligations (%d):\n", len(st.Obligations))
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  KEY\tSTATE\tSTART\tDUE\tDONE\tBUDGET\tELAPSED\tREMAINING\tPAUSED")
	for _, o := range st.Obligations {
		target := o.Budget.String()
		if o.Calendar != "" {
			target += " in " + o.Calendar
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%v\t%v\t%v\n", o.Key, o.State, in(o.Start), in(o.Due), in(o.DoneAt),
			target, o.Elapsed, o.Remaining, o.Paused)
	}
	tw.Flush()

	var fired []sla.Escalation
	for _, o := range st.Obligations {
		fired = append(fired, o.Escalations...)
	}
	slices.SortStableFunc(fired, func(a, b sla.Escalation) int { return a.At.Compare(b.At) })
	fmt.Fprintf(&b, "Escalations (%d):\n", len(fired))
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, e := range fired {
		seen := ""
		for _, n := range notices {
			if n.Obligation == e.Obligation && n.Level == e.Level && !n.Seen.Equal(e.At) {
				seen = "\t(a host driven by Next saw it at " + in(n.Seen) + ")"
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\tnotify %s%s\n", in(e.At), e.Obligation, e.Level, strings.Join(e.Notify, ", "), seen)
	}
	tw.Flush()
	if len(st.Violations) > 0 {
		fmt.Fprintf(&b, "Replies on channels never offered (%d):\n", len(st.Violations))
		for _, v := range st.Violations {
			fmt.Fprintf(&b, "  %s  %s\n", in(v.At), v.Channel)
		}
	}
	if len(st.Anomalies) > 0 {
		fmt.Fprintf(&b, "Events ignored (%d):\n", len(st.Anomalies))
		for _, a := range st.Anomalies {
			fmt.Fprintf(&b, "  %s  %s: %s\n", in(a.At), a.Type, a.Reason)
		}
	}
	return b.String()
}

func describeClass(c sla.Class) string {
	var parts []string
	for _, p := range []string{string(c.Party), string(c.Kind), string(c.Priority)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "no class"
	}
	return strings.Join(parts, " ")
}

func describeEvent(e sla.Event, in func(time.Time) string) string {
	parts := []string{string(e.Type)}
	if e.Channel != "" {
		parts = append(parts, "on "+string(e.Channel))
	}
	if e.Ref != "" {
		parts = append(parts, strconv.Quote(e.Ref))
	}
	if !e.From.IsZero() {
		parts = append(parts, "from "+in(e.From))
	}
	if !e.Due.IsZero() {
		parts = append(parts, "due "+in(e.Due))
	}
	if e.PromiseKind == sla.DoSomething {
		parts = append(parts, "(to do something)")
	}
	if e.Status != "" {
		parts = append(parts, "to "+strconv.Quote(e.Status))
	}
	if e.By != "" {
		parts = append(parts, "by the "+string(e.By))
	}
	if e.Obligation != (sla.Key{}) {
		parts = append(parts, "of "+e.Obligation.String())
	}
	if e.Type == sla.Assign && e.Team != "" {
		parts = append(parts, "in "+e.Team)
	}
	if e.Type == sla.Assign {
		owner := e.Owner
		if owner == "" {
			owner = "nobody"
		}
		parts = append(parts, "to "+owner)
	}
	if e.Type == sla.Reclassify {
		parts = append(parts, "as "+describeClass(e.Class))
	}
	if e.Actor != "" {
		parts = append(parts, "by "+e.Actor)
	}
	if e.Reason != "" {
		parts = append(parts, "("+e.Reason+")")
	}
	return strings.Join(parts, " ")
}

func joinChannels(chs []sla.Channel) string {
	s := make([]string, len(chs))
	for i, c := range chs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
