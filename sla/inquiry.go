package sla

import (
	"time"
)

// A Channel is a way of reaching someone. The constants name the common
// ones; any other non-empty string is allowed too.
type Channel string

// Common channels.
const (
	Email     Channel = "email"
	Phone     Channel = "phone"
	Voicemail Channel = "voicemail"
	SMS       Channel = "sms"
	Chat      Channel = "chat"
	Social    Channel = "social"
	WebForm   Channel = "web_form"
	Meeting   Channel = "meeting"
	Mail      Channel = "mail"
	Fax       Channel = "fax"
)

// A Party says who is asking: someone who may buy, or someone who has.
type Party string

// Parties.
const (
	Prospect Party = "prospect"
	Customer Party = "customer"
)

// A Kind says what an inquiry is about. The constants name common kinds;
// any other string is allowed too.
type Kind string

// Common kinds.
const (
	Question  Kind = "question"
	Order     Kind = "order"
	Complaint Kind = "complaint"
	Request   Kind = "request"
	Incident  Kind = "incident"
)

// A Priority ranks inquiries. The constants name common priorities; any
// other string is allowed too.
type Priority string

// Common priorities.
const (
	Low    Priority = "low"
	Normal Priority = "normal"
	High   Priority = "high"
	Urgent Priority = "urgent"
)

// A Class is what a policy is chosen by and what a Reclassify event
// changes.
type Class struct {
	Party    Party    `json:"party,omitempty"`
	Kind     Kind     `json:"kind,omitempty"`
	Priority Priority `json:"priority,omitempty"`
}

// An Inquiry is the facts known when someone reached out: who, how, about
// what, and when. What happens afterwards is its event log ([]Event).
// Its JSON form is the one [ParseInquiry] reads.
type Inquiry struct {
	// ID identifies the inquiry to the host. Evaluation copies it to the
	// Status and does not otherwise use it.
	ID string `json:"id,omitempty"`
	// Channel is the channel the inquiry came on. Required.
	Channel Channel `json:"channel"`
	// ReplyTo lists the channels the customer offered for an answer.
	// Empty means the channel it came on.
	ReplyTo []Channel `json:"reply_to,omitempty"`
	// Class says who is asking, about what, and how urgently. A
	// Reclassify event may change it later. Its JSON form is an object,
	// "class", as a Reclassify event's.
	Class `json:"class,omitzero"`
	// Received is when the inquiry arrived. Required.
	Received time.Time `json:"received"`
	// Labels are free tags that policies may match on.
	Labels []string `json:"labels,omitempty"`
	// Calendar optionally names a calendar of the policy set: the
	// customer's own business hours or time zone. Targets that ask for
	// the customer's calendar count in it when it is set.
	Calendar string `json:"calendar,omitempty"`
	// Zone is the customer's IANA time zone ("Europe/Paris"), if known.
	// Targets that count in a template placed in the customer's zone
	// (Target.InCustomerZone) and a policy's contact hours use it; without
	// it they use the zone of the customer's calendar, if any, and
	// otherwise the template as it is (contact hours are then not
	// checked).
	Zone string `json:"zone,omitempty"`
}

// valid reports whether p is a party an inquiry may have ("" for
// unknown).
func (p Party) valid() bool { return p == "" || p == Prospect || p == Customer }

// Check reports whether inq is well-formed, as ParseInquiry checks it
// (an arrival time, a channel, a known party), for a host that builds
// inquiries itself or reads them in another form. Errors are *Error naming
// the field as Evaluate does ("inquiry.channel") and wrap ErrBadInquiry.
func (inq *Inquiry) Check() error { return inq.check() }

// check reports whether inq is well-formed.
func (inq *Inquiry) check() error {
	switch {
	case inq.Received.IsZero():
		return errAt("inquiry.received", "", "missing", ErrBadInquiry)
	case inq.Channel == "":
		return errAt("inquiry.channel", "", "missing", ErrBadInquiry)
	case !inq.Party.valid():
		return errAt("inquiry.party", string(inq.Party), "want prospect or customer", ErrBadInquiry)
	}
	return nil
}
