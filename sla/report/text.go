package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/replyby/replyby/sla"
)

// textStamp is how WriteText prints instants, in their own location.
const textStamp = "2006-01-02 15:04"

// WriteText writes the report to w as aligned plain-text tables: the
// counts, the business-time percentiles, the on-time rates, and the
// cracks, one per line: the inquiry, its channel and owner, the reason,
// the obligation at fault (with its ref, if it has one of its own), its
// due time and how overdue it is ("due in 30m0s" for a first reply not
// yet due; for a crack without an obligation, the time since the inquiry
// arrived). Instants print in their own location,
// as "2006-01-02 15:04".
func (r *Report) WriteText(w io.Writer) error {
	if w == nil {
		return errAt("", "", "", ErrNilWriter)
	}
	bound := func(t time.Time) string {
		if t.IsZero() {
			return "…"
		}
		return t.Format(textStamp)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("inquiries received %s to %s\t%d\n", bound(r.From), bound(r.To), r.Inquiries)
	p("resolved\t%d\nopen\t%d\n", r.Resolved, r.Open)
	p("nudges\t%d (in %d inquiries)\n", r.Nudges, r.Nudged)
	p("violations\t%d\n", r.Violations)
	p("touches before resolution\tmean %.1f, max %d (%d inquiries)\n", r.Touches.Mean(), r.Touches.Max, r.Touches.Inquiries)
	p("\nbusiness time\tn\tp50\tp90\tmax\n")
	for _, x := range []struct {
		name string
		p    Percentiles
	}{{"first reply", r.FirstReply}, {"resolution", r.Resolution}} {
		p("%s\t%d\t%v\t%v\t%v\n", x.name, x.p.N, x.p.P50, x.p.P90, x.p.Max)
	}
	p("\non time by\tvalue\tdecided\ton time\trate\n")
	for _, x := range r.Rates {
		v := x.Value
		if v == "" {
			v = "(none)"
		}
		p("%s\t%s\t%d\t%d\t%.1f%%\n", x.By, v, x.Decided, x.OnTime, 100*x.Share())
	}
	p("\ncracks\tchannel\towner\twhy\tobligation\tdue\toverdue\n")
	for _, c := range r.Cracks {
		p("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.InquiryID, c.Channel, orDash(c.Owner), c.Reason, crackObligation(c), crackDue(c), crackOverdue(c))
	}
	if len(r.Cracks) == 0 {
		p("(none)\n")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// orDash returns s, or "-" if it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// crackObligation names a crack's obligation, with the ref of a promise
// or appointment if it has a name of its own: "promise_kept#1 fix-bill".
func crackObligation(c Crack) string {
	if c.Obligation == (sla.Key{}) {
		return "-"
	}
	k := c.Obligation.String()
	if c.Ref != "" && c.Ref != k {
		return k + " " + c.Ref
	}
	return k
}

// crackDue returns a crack's due time as text, "-" without one.
func crackDue(c Crack) string {
	if c.Due.IsZero() {
		return "-"
	}
	return c.Due.Format(textStamp)
}

// crackOverdue returns how overdue a crack is as text: "2h0m0s", or
// "due in 30m0s" for a first reply still running, or "3h0m0s since
// received" for a crack without a due time.
func crackOverdue(c Crack) string {
	switch {
	case c.Due.IsZero():
		return c.Overdue.String() + " since received"
	case c.Overdue < 0:
		return "due in " + (-c.Overdue).String()
	}
	return c.Overdue.String()
}
