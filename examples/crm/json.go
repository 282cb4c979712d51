package main

import (
	"fmt"
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

// checkInstant refuses an instant outside [minInstant, maxInstant],
// naming the JSON field.
func checkInstant(field string, t time.Time) error {
	if t.Before(minInstant) || t.After(maxInstant) {
		return &fieldError{field, fmt.Sprintf("%s is outside the instants the back end computes exactly (%s to %s)",
			t.Format(time.RFC3339), minInstant.Format(time.RFC3339), maxInstant.Format(time.RFC3339))}
	}
	return nil
}

// A fieldError is a client's mistake in one field of a request.
type fieldError struct {
	field, reason string
}

func (e *fieldError) Error() string { return e.field + ": " + e.reason }

// maxListed bounds the channels and labels of one inquiry.
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
	return checkInstant("received", in.Received)
}

func (in inquiryJSON) inquiry() sla.Inquiry {
	return sla.Inquiry{
		ID: in.ID, Channel: in.Channel, ReplyTo: in.ReplyTo, Received: in.Received, Labels: in.Labels,
		Class: sla.Class{Party: in.Party, Kind: in.Kind, Priority: in.Priority},
	}
}

// eventJSON is an event as the API takes it and the database keeps it.
type eventJSON struct {
	Time     time.Time     `json:"time,omitzero"`
	Type     sla.EventType `json:"type"`
	Channel  sla.Channel   `json:"channel,omitempty"`
	Actor    string        `json:"actor,omitempty"`
	Due      time.Time     `json:"due,omitzero"`
	Owner    string        `json:"owner,omitempty"`
	Party    sla.Party     `json:"party,omitempty"`
	Kind     sla.Kind      `json:"kind,omitempty"`
	Priority sla.Priority  `json:"priority,omitempty"`
}

// check refuses what the back end cannot store or compute exactly.
func (e eventJSON) check() error {
	if err := checkInstant("time", e.Time); err != nil {
		return err
	}
	if !e.Due.IsZero() {
		return checkInstant("due", e.Due)
	}
	return nil
}

func (e eventJSON) event() sla.Event {
	return sla.Event{
		Time: e.Time, Type: e.Type, Channel: e.Channel, Actor: e.Actor, Due: e.Due, Owner: e.Owner,
		Class: sla.Class{Party: e.Party, Kind: e.Kind, Priority: e.Priority},
	}
}

// compactStatus is what a write answers: its size does not grow with the
// log. GET /inquiries/{id} answers the whole status (statusJSON).
type compactStatus struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Policy   string    `json:"policy"`
	Owner    string    `json:"owner,omitempty"`
	Resolved bool      `json:"resolved"`
	Waiting  bool      `json:"waiting"`
	Next     time.Time `json:"next,omitzero"`
	// Events is the log's length (events at or before At).
	Events int `json:"events"`
	// Open lists the obligations still owed.
	Open []openJSON `json:"open"`
	// States counts the obligations by state.
	States     map[sla.State]int `json:"states"`
	Violations int               `json:"violations,omitempty"`
}

type openJSON struct {
	Key   sla.Key   `json:"key"`
	State sla.State `json:"state"`
	Due   time.Time `json:"due,omitzero"`
}

func newCompactStatus(st sla.Status) compactStatus {
	out := compactStatus{
		ID: st.InquiryID, At: st.At, Policy: st.Policy, Owner: st.Owner, Resolved: st.Resolved, Waiting: st.Waiting,
		Next: st.Next, Events: st.EventCount, Open: []openJSON{}, States: map[sla.State]int{}, Violations: len(st.Violations),
	}
	for _, o := range st.Obligations {
		out.States[o.State]++
		if o.State.Open() {
			out.Open = append(out.Open, openJSON{Key: o.Key, State: o.State, Due: o.Due})
		}
	}
	return out
}

// statusJSON is what GET /inquiries/{id} answers: the whole status.
type statusJSON struct {
	ID          string           `json:"id"`
	At          time.Time        `json:"at"`
	Policy      string           `json:"policy"`
	Owner       string           `json:"owner,omitempty"`
	Resolved    bool             `json:"resolved"`
	Waiting     bool             `json:"waiting"`
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
		Waiting: st.Waiting, Next: st.Next, Events: st.EventCount, Obligations: []obligationJSON{}, Violations: len(st.Violations),
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
