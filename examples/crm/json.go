package main

import (
	"time"

	"github.com/replyby/replyby/sla"
)

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

func (e eventJSON) event() sla.Event {
	return sla.Event{
		Time: e.Time, Type: e.Type, Channel: e.Channel, Actor: e.Actor, Due: e.Due, Owner: e.Owner,
		Class: sla.Class{Party: e.Party, Kind: e.Kind, Priority: e.Priority},
	}
}

// statusJSON is what the API answers about an inquiry.
type statusJSON struct {
	ID          string           `json:"id"`
	At          time.Time        `json:"at"`
	Policy      string           `json:"policy"`
	Owner       string           `json:"owner,omitempty"`
	Resolved    bool             `json:"resolved"`
	HostStatus  string           `json:"host_status,omitempty"`
	Next        time.Time        `json:"next,omitzero"`
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
		HostStatus: st.HostStatus, Next: st.Next, Obligations: []obligationJSON{}, Violations: len(st.Violations),
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
