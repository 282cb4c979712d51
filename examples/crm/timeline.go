package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/replyby/replyby/sla"
)

// The inquiry page draws the inquiry's timeline as an inline SVG, laid
// out here so that the template only places what it is given: a time
// axis from the inquiry's arrival to a little after now, one row per
// obligation (a bar from its start to when it was done, or to now, in
// the colour of its state; a mark at its due time, one at its done time,
// a diamond per escalation), and a lane of the log's events on top, with
// the anomalies (events ignored as senseless where they stood) in red.
// The same facts are listed in tables under the drawing, for screen
// readers and small screens.

// Geometry of the drawing, in the SVG's own units (it scales to the
// page's width).
const (
	tlWidth   = 1000.0
	tlLabel   = 190.0 // the left column, for the obligations' names
	tlRight   = 985.0
	tlTop     = 30.0 // the axis's labels above
	tlLane    = 26.0 // the events' lane
	tlRow     = 26.0
	tlBar     = 14.0
	tlMaxSpan = 14 * 24 * time.Hour // beyond now, what is later is drawn at the edge
)

// A timeline is the drawing's layout.
type timeline struct {
	Height      float64
	Ticks       []tick
	NowX        float64
	Lane        float64 // y of the events' lane's middle
	Events      []eventMark
	Obligations []obligationRow
	Bottom      float64 // y of the axis's bottom line
}

type tick struct {
	X     float64
	Label string
}

// An eventMark is a mark at (X, Y): a dot, or for an anomaly or an
// escalation, the shape Path draws.
type eventMark struct {
	X, Y    float64
	Path    string
	Title   string
	Anomaly bool
}

type obligationRow struct {
	Key          string
	State        sla.State
	Y, LabelY    float64 // the bar's top, the label's baseline
	X0, W        float64 // the bar
	DueX         float64 // 0: no due mark
	DueY1, DueY2 float64
	DoneX, MidY  float64 // DoneX 0: no done mark
	Escalations  []eventMark
	Title        string
}

// layoutTimeline lays out the timeline of st (evaluated at st.At) and its
// log, with times labelled in loc.
func layoutTimeline(st sla.Status, events []sla.Event, loc *time.Location) timeline {
	t0 := st.Received
	t1 := st.At
	seen := func(t time.Time) {
		if !t.IsZero() && t.After(t1) && t.Sub(st.At) <= tlMaxSpan {
			t1 = t
		}
	}
	for _, o := range st.Obligations {
		seen(o.Due)
		seen(o.DoneAt)
	}
	for _, e := range events {
		seen(e.Time)
	}
	span := t1.Sub(t0)
	if span < time.Hour {
		span = time.Hour
	}
	span += span / 20 // a margin after the latest
	end := t0.Add(span)
	x := func(t time.Time) float64 {
		switch {
		case t.Before(t0):
			return tlLabel
		case t.After(end):
			return tlRight
		}
		return tlLabel + float64(t.Sub(t0))/float64(span)*(tlRight-tlLabel)
	}
	tl := timeline{NowX: round1(x(st.At)), Lane: tlTop + tlLane/2}
	tl.Ticks = ticks(t0, end, loc, x)

	anomalous := map[int]sla.Anomaly{}
	for _, a := range st.Anomalies {
		anomalous[a.Index] = a
	}
	for i, e := range events {
		m := eventMark{X: round1(x(e.Time)), Y: tl.Lane, Title: eventTitle(e, loc)}
		if a, ok := anomalous[i]; ok {
			m.Anomaly = true
			m.Title += " — ignored: " + a.Reason
			m.Path = fmt.Sprintf("M%.1f %.1f l6 10 h-12 z", m.X, m.Y-6)
		}
		tl.Events = append(tl.Events, m)
	}
	y := tlTop + tlLane + 8
	for _, o := range st.Obligations {
		r := obligationRow{Key: o.Key.String(), State: o.State, Y: y + (tlRow-tlBar)/2, LabelY: y + tlRow/2 + 4, X0: round1(x(o.Start))}
		r.MidY = r.Y + tlBar/2
		endAt := st.At
		if !o.DoneAt.IsZero() {
			endAt = o.DoneAt
			r.DoneX = round1(x(o.DoneAt))
		}
		r.W = round1(max(x(endAt)-r.X0, 2))
		if !o.Due.IsZero() {
			r.DueX, r.DueY1, r.DueY2 = round1(x(o.Due)), r.Y-4, r.Y+tlBar+4
		}
		for _, e := range o.Escalations {
			ex := round1(x(e.At))
			r.Escalations = append(r.Escalations, eventMark{X: ex, Y: r.MidY,
				Path:  fmt.Sprintf("M%.1f %.1f l6 6 l-6 6 l-6 -6 z", ex, r.MidY-6),
				Title: fmt.Sprintf("%s: %s fired %s", o.Key, e.Level, e.At.In(loc).Format(whenLayout))})
		}
		r.Title = obligationTitle(o, loc)
		tl.Obligations = append(tl.Obligations, r)
		y += tlRow
	}
	tl.Bottom = y + 4
	tl.Height = y + 18
	return tl
}

// whenLayout is how the board writes an instant.
const whenLayout = "Mon 02 Jan 15:04"

func eventTitle(e sla.Event, loc *time.Location) string {
	s := e.Time.In(loc).Format(whenLayout) + " " + string(e.Type)
	if e.Channel != "" {
		s += " on " + string(e.Channel)
	}
	if e.Ref != "" {
		s += " (" + e.Ref + ")"
	}
	if e.Actor != "" {
		s += " by " + e.Actor
	}
	return s
}

func obligationTitle(o sla.Obligation, loc *time.Location) string {
	s := o.Key.String() + ": " + string(o.State) + ", started " + o.Start.In(loc).Format(whenLayout)
	if !o.Due.IsZero() {
		s += ", due " + o.Due.In(loc).Format(whenLayout)
	}
	if !o.DoneAt.IsZero() {
		s += ", done " + o.DoneAt.In(loc).Format(whenLayout)
	}
	return s
}

// ticks returns the axis's ticks between t0 and end: at local midnights,
// or every few hours on a short span, at most about eight.
func ticks(t0, end time.Time, loc *time.Location, x func(time.Time) float64) []tick {
	span := end.Sub(t0)
	steps := []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if span/s <= 8 {
			step = s
			break
		}
	}
	days := 1
	if step == 24*time.Hour {
		days = max(1, int(span/(24*time.Hour)/8)+1)
	}
	l := t0.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	var out []tick
	for d := day; d.Before(end) && len(out) < 50; d = d.AddDate(0, 0, days) {
		if step == 24*time.Hour {
			if !d.Before(t0) {
				out = append(out, tick{X: round1(x(d)), Label: d.Format("Mon 02")})
			}
			continue
		}
		for h := 0; h < 24; h += int(step / time.Hour) {
			t := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, loc)
			if t.Before(t0) || !t.Before(end) {
				continue
			}
			label := t.Format("15:04")
			if h == 0 || len(out) == 0 {
				label = t.Format("Mon 15:04")
			}
			out = append(out, tick{X: round1(x(t)), Label: label})
		}
	}
	return slices.Clip(out)
}
