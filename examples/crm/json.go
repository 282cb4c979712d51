package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/replyby/replyby/sla"
)

// The instants the API accepts: the calendar engine is exact for local
// dates from 1970 to 2099, and a day at each end leaves room for zones.
// Every stored instant lies in this range, so Unix nanoseconds (int64,
// good until 2262) never overflow.
var (
	minInstant = time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)
	maxInstant = time.Date(2099, 12, 30, 0, 0, 0, 0, time.UTC)
)

// checkInstant refuses an instant outside [minInstant, maxInstant], or
// written with a UTC offset of 24 hours or more (which time.Parse takes
// and JSON cannot write back), naming the JSON field.
func checkInstant(field string, t time.Time) error {
	if t.Before(minInstant) || t.After(maxInstant) {
		return &fieldError{field, fmt.Sprintf("%s is outside the instants the back end computes exactly (%s to %s)",
			t.Format(time.RFC3339), minInstant.Format(time.RFC3339), maxInstant.Format(time.RFC3339))}
	}
	if _, off := t.Zone(); off <= -24*60*60 || off >= 24*60*60 {
		return &fieldError{field, fmt.Sprintf("%s has a UTC offset of 24 hours or more", t.Format(time.RFC3339))}
	}
	return nil
}

// A fieldError is a client's mistake in one field of a request.
type fieldError struct {
	field, reason string
}

func (e *fieldError) Error() string { return e.field + ": " + e.reason }

// maxListed bounds the channels and labels an inquiry is created with,
// the labels one event adds or removes, and the labels an inquiry holds
// (an event that would give it more is refused: heldLabels).
const maxListed = 64

// inquiryJSON is an inquiry as the API takes it and the database keeps it.
type inquiryJSON struct {
	ID       string        `json:"id"`
	Channel  sla.Channel   `json:"channel"`
	ReplyTo  []sla.Channel `json:"reply_to,omitempty"`
	Party    sla.Party     `json:"party,omitempty"`
	Kind     sla.Kind      `json:"kind,omitempty"`
	Priority sla.Priority  `json:"priority,omitempty"`
	Received time.Time     `json:"received,omitzero"`
	Labels   []string      `json:"labels,omitempty"`
}

// check refuses what the back end cannot store or compute exactly.
func (in inquiryJSON) check() error {
	if err := checkID("id", in.ID); err != nil {
		return err
	}
	if len(in.ReplyTo) > maxListed {
		return &fieldError{"reply_to", fmt.Sprintf("more than %d channels", maxListed)}
	}
	if len(in.Labels) > maxListed {
		return &fieldError{"labels", fmt.Sprintf("more than %d labels", maxListed)}
	}
	for i, l := range in.Labels {
		if l == "" { // refused in an event's add_labels; the library holds one an inquiry came with
			return &fieldError{fmt.Sprintf("labels[%d]", i), "an empty label"}
		}
		if slices.Contains(in.Labels[:i], l) { // the library would hold it twice
			return &fieldError{fmt.Sprintf("labels[%d]", i), fmt.Sprintf("%q given twice", l)}
		}
	}
	return checkInstant("received", in.Received)
}

func (in inquiryJSON) inquiry() sla.Inquiry {
	return sla.Inquiry{
		ID: in.ID, Channel: in.Channel, ReplyTo: in.ReplyTo, Received: in.Received, Labels: in.Labels,
		Class: sla.Class{Party: in.Party, Kind: in.Kind, Priority: in.Priority},
	}
}

// eventJSON is an event as the API takes it and the database keeps it:
// the library's own JSON form (see sla.ParseEvent), but that a missing
// time means now.
type eventJSON = sla.Event

// checkEvent refuses an event that is malformed on its own, or that the
// back end cannot store or compute exactly.
func checkEvent(e *eventJSON) error {
	if err := checkInstant("time", e.Time); err != nil {
		return err
	}
	if !e.Due.IsZero() {
		if err := checkInstant("due", e.Due); err != nil {
			return err
		}
	}
	if !e.From.IsZero() {
		if err := checkInstant("from", e.From); err != nil {
			return err
		}
	}
	if len(e.AddLabels) > maxListed {
		return &fieldError{"add_labels", fmt.Sprintf("more than %d labels", maxListed)}
	}
	if len(e.RemoveLabels) > maxListed {
		return &fieldError{"remove_labels", fmt.Sprintf("more than %d labels", maxListed)}
	}
	return e.Check()
}

// compactStatus is what a write answers: its size does not grow with the
// log, nor does the cost of making it. GET /inquiries/{id} answers the
// whole status (statusJSON).
type compactStatus struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	Policy     string    `json:"policy"`
	Owner      string    `json:"owner,omitempty"`
	Team       string    `json:"team,omitempty"`
	Resolved   bool      `json:"resolved"`
	HostStatus string    `json:"host_status,omitempty"`
	Next       time.Time `json:"next,omitzero"`
	// Events is the log's length (events at or before At).
	Events int `json:"events"`
	// Open lists the obligations still owed, breached ones included.
	Open []openJSON `json:"open"`
	// Breached counts the obligations breached and not met.
	Breached    int `json:"breached,omitempty"`
	Escalations int `json:"escalations,omitempty"`
	Violations  int `json:"violations,omitempty"`
	Anomalies   int `json:"anomalies,omitempty"`
}

type openJSON struct {
	Key   sla.Key   `json:"key"`
	Ref   string    `json:"ref,omitempty"`
	State sla.State `json:"state"`
	Due   time.Time `json:"due,omitzero"`
}

func newCompactStatus(id string, g sla.Glance) compactStatus {
	out := compactStatus{
		ID: id, At: g.At, Policy: g.Policy, Owner: g.Owner, Team: g.Team, Resolved: g.Resolved, HostStatus: g.HostStatus,
		Next: g.Next, Events: g.EventCount, Open: []openJSON{}, Breached: g.Breached,
		Escalations: g.Escalations, Violations: g.Violations, Anomalies: g.Anomalies,
	}
	for _, o := range g.Open {
		out.Open = append(out.Open, openJSON{Key: o.Key, Ref: o.Ref, State: o.State, Due: o.Due})
	}
	return out
}

// glanceOf is the glance that st gives, for an inquiry evaluated in full.
func glanceOf(st sla.Status) sla.Glance {
	g := sla.Glance{At: st.At, Next: st.Next, Policy: st.Policy, Owner: st.Owner, Team: st.Team, Resolved: st.Resolved,
		HostStatus: st.HostStatus, Anomalies: len(st.Anomalies), Violations: len(st.Violations), EventCount: st.EventCount}
	for _, o := range st.Obligations {
		if o.State.Open() || o.State == sla.Breached {
			g.Open = append(g.Open, o)
		}
		if o.State == sla.Breached {
			g.Breached++
		}
		g.Escalations += len(o.Escalations)
	}
	return g
}

// statusJSON is what GET /inquiries/{id} answers: the whole status.
type statusJSON struct {
	ID          string           `json:"id"`
	At          time.Time        `json:"at"`
	Policy      string           `json:"policy"`
	Owner       string           `json:"owner,omitempty"`
	Resolved    bool             `json:"resolved"`
	HostStatus  string           `json:"host_status,omitempty"`
	Next        time.Time        `json:"next,omitzero"`
	Events      int              `json:"events"`
	Obligations []obligationJSON `json:"obligations"`
	Violations  int              `json:"violations,omitempty"`
}

type obligationJSON struct {
	Key         sla.Key   `json:"key"`
	State       sla.State `json:"state"`
	Start       time.Time `json:"start"`
	Due         time.Time `json:"due,omitzero"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	Remaining   string    `json:"remaining"`
	Escalations []string  `json:"escalations,omitempty"`
	Budget      string    `json:"budget"`
}

func newStatusJSON(st sla.Status) statusJSON {
	out := statusJSON{
		ID: st.InquiryID, At: st.At, Policy: st.Policy, Owner: st.Owner, Resolved: st.Resolved,
		HostStatus: st.HostStatus, Next: st.Next, Events: st.EventCount, Obligations: []obligationJSON{}, Violations: len(st.Violations),
	}
	for _, o := range st.Obligations {
		oj := obligationJSON{Key: o.Key, State: o.State, Start: o.Start, Due: o.Due, DoneAt: o.DoneAt,
			Remaining: o.Remaining.String(), Budget: o.Budget.String()}
		for _, e := range o.Escalations {
			oj.Escalations = append(oj.Escalations, e.Level)
		}
		out.Obligations = append(out.Obligations, oj)
	}
	return out
}
