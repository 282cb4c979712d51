package report

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/replyby/replyby/sla"
)

// A CrackReason says why an inquiry needs a person: what a person would
// call forgotten. The constants are in the order cracks of one inquiry
// and one instant are listed.
type CrackReason string

// Crack reasons. See the package documentation for exactly when each
// applies.
const (
	// NoOwner: an open inquiry nobody is assigned to.
	NoOwner CrackReason = "no_owner"
	// NeverAnswered: an open inquiry no person has answered the way the
	// customer asked: its first reply is not met, and no reply went out
	// that was not a violation (one on a channel never offered does not
	// answer).
	NeverAnswered CrackReason = "never_answered"
	// FollowUpUnanswered: a customer's follow-up message in an open
	// inquiry is still unanswered past its due time: a next_reply
	// obligation breached and still owed.
	FollowUpUnanswered CrackReason = "follow_up_unanswered"
	// PromiseBroken: a promise is past its due time and was neither kept
	// nor withdrawn: a promise_kept obligation breached and still owed,
	// whether or not the inquiry is resolved.
	PromiseBroken CrackReason = "promise_broken"
	// AppointmentMissed: an appointment we missed, or one neither held
	// nor otherwise ended within its grace: an appointment_kept
	// obligation breached with no outcome or the outcome missed, whether
	// or not the inquiry is resolved.
	AppointmentMissed CrackReason = "appointment_missed"
)

// crackReasons lists the reasons in their order.
var crackReasons = []CrackReason{NoOwner, NeverAnswered, FollowUpUnanswered, PromiseBroken, AppointmentMissed}

// rank returns r's position in crackReasons, or len(crackReasons).
func (r CrackReason) rank() int {
	if i := slices.Index(crackReasons, r); i >= 0 {
		return i
	}
	return len(crackReasons)
}

// A Crack is one thing a person forgot: an inquiry, why, and the
// obligation at fault. An inquiry may have several.
type Crack struct {
	// InquiryID is the inquiry's ID; Channel the channel it came on;
	// Party, Owner and Team are as of its status instant; Received is
	// when it arrived.
	InquiryID string      `json:"inquiry_id"`
	Channel   sla.Channel `json:"channel"`
	Party     sla.Party   `json:"party,omitempty"`
	Owner     string      `json:"owner,omitempty"`
	Team      string      `json:"team,omitempty"`
	Received  time.Time   `json:"received"`
	// Reason says what is wrong.
	Reason CrackReason `json:"reason"`
	// Obligation is the obligation at fault, and Ref its promise's or
	// appointment's ref; both zero for no_owner, and for never_answered
	// when the first reply is not counting (the policy sets none, or it
	// was cancelled before a reopen).
	Obligation sla.Key `json:"obligation,omitzero"`
	Ref        string  `json:"ref,omitempty"`
	// Due is the obligation's due time; zero when Obligation is.
	Due time.Time `json:"due,omitzero"`
	// Overdue is how far past due it is: minus the obligation's
	// Remaining, business time in its own calendar, negative while a
	// never-answered first reply is still running. Without an
	// obligation it is the plain time from Received to the status
	// instant. In JSON it is written as by time.Duration.String.
	Overdue time.Duration `json:"overdue"`
}

// MarshalJSON writes the crack with Overdue as "1h30m0s".
func (c Crack) MarshalJSON() ([]byte, error) {
	type plain Crack
	return json.Marshal(struct {
		plain
		Overdue duration `json:"overdue"`
	}{plain(c), duration(c.Overdue)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Crack) UnmarshalJSON(b []byte) error {
	type plain Crack
	var v struct {
		*plain
		Overdue duration `json:"overdue"`
	}
	v.plain = (*plain)(c)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	c.Overdue = time.Duration(v.Overdue)
	return nil
}

// cracksOf appends to cs the cracks st shows, in the order of the
// reasons, then of the obligations.
func cracksOf(cs []Crack, st *sla.Status) []Crack {
	base := Crack{InquiryID: st.InquiryID, Channel: st.Channel, Party: st.Class.Party, Owner: st.Owner, Team: st.Team, Received: st.Received}
	sinceReceived := func(r CrackReason) Crack {
		c := base
		c.Reason = r
		c.Overdue = st.At.Sub(st.Received)
		return c
	}
	of := func(r CrackReason, o *sla.Obligation) Crack {
		c := base
		c.Reason, c.Obligation, c.Ref, c.Due, c.Overdue = r, o.Key, o.Ref, o.Due, -o.Remaining
		return c
	}
	open := !st.Resolved
	if open && st.Owner == "" {
		cs = append(cs, sinceReceived(NoOwner))
	}
	if open && neverAnswered(st) {
		if i := slices.IndexFunc(st.Obligations, func(o sla.Obligation) bool {
			return o.Key.Metric == sla.FirstReply && (o.State.Open() || o.State == sla.Breached)
		}); i >= 0 {
			cs = append(cs, of(NeverAnswered, &st.Obligations[i]))
		} else {
			cs = append(cs, sinceReceived(NeverAnswered))
		}
	}
	for _, want := range []struct {
		r CrackReason
		m sla.Metric
	}{{FollowUpUnanswered, sla.NextReply}, {PromiseBroken, sla.PromiseKept}, {AppointmentMissed, sla.AppointmentKept}} {
		for i := range st.Obligations {
			o := &st.Obligations[i]
			if o.Key.Metric != want.m {
				continue
			}
			if owed(st, o) || (want.r == AppointmentMissed && o.State == sla.Breached && o.Outcome == sla.Missed) {
				cs = append(cs, of(want.r, o))
			}
		}
	}
	return cs
}

// neverAnswered reports whether the customer has had no reply: none met
// the first reply, and none was sent on a channel the customer offered (a
// reply after the first reply was cancelled — resolved without a word,
// then reopened — does answer; one on a channel never offered does not).
func neverAnswered(st *sla.Status) bool {
	for _, o := range st.Obligations {
		if o.Key.Metric == sla.FirstReply && (o.State == sla.Met || o.State == sla.MetLate) {
			return false
		}
	}
	return st.Counts.Touches-len(st.Violations) <= 0
}

// owed reports whether o is breached and still owed: its due time passed,
// nothing has met it or ended it (no outcome: a withdrawn promise no
// longer stands, a missed appointment is over), and, for the metrics
// other than promises and appointments, the inquiry is open (resolving
// it ends what is owed to the conversation, not what was promised).
func owed(st *sla.Status, o *sla.Obligation) bool {
	if o.State != sla.Breached || !o.DoneAt.IsZero() || o.Outcome != "" {
		return false
	}
	return !st.Resolved || o.Key.Metric == sla.PromiseKept || o.Key.Metric == sla.AppointmentKept
}

// sortCracks orders cracks by due time (by arrival for those without an
// obligation), oldest first, then inquiry ID, reason and obligation.
func sortCracks(cs []Crack) {
	when := func(c *Crack) time.Time {
		if c.Due.IsZero() {
			return c.Received
		}
		return c.Due
	}
	slices.SortStableFunc(cs, func(a, b Crack) int {
		return cmp.Or(
			when(&a).Compare(when(&b)),
			cmp.Compare(a.InquiryID, b.InquiryID),
			cmp.Compare(a.Reason.rank(), b.Reason.rank()),
			cmp.Compare(a.Obligation.String(), b.Obligation.String()),
		)
	})
}

// duration is a time.Duration written in JSON as by its String method.
type duration time.Duration

// MarshalText writes d as "1h30m0s".
func (d duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads what MarshalText writes.
func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = duration(v)
	return nil
}
