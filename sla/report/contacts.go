package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/replyby/replyby/sla"
)

// A Contact is one inquiry's tally of contacts: how many times a person
// replied, how often the customer wrote and chased, and how many replies
// it took before they had what they needed. The counts are the status's
// Counts (package sla).
type Contact struct {
	// InquiryID is the inquiry's ID; Channel the channel it came on;
	// Party and Owner are as of its status instant; Received is when it
	// arrived; Resolved says whether it is resolved at that instant.
	InquiryID string      `json:"inquiry_id"`
	Channel   sla.Channel `json:"channel"`
	Party     sla.Party   `json:"party,omitempty"`
	Owner     string      `json:"owner,omitempty"`
	Received  time.Time   `json:"received"`
	Resolved  bool        `json:"resolved"`
	// Touches counts the replies by a person (whether or not they met a
	// target), Nudges the customer messages that chased a reply already
	// owed, CustomerMessages all the customer's messages after the
	// inquiry itself (CustomerMessage events), AutoReplies the automatic
	// acknowledgements.
	Touches          int `json:"touches"`
	Nudges           int `json:"nudges"`
	CustomerMessages int `json:"customer_messages"`
	AutoReplies      int `json:"auto_replies"`
	// TouchesToResolve is Touches as it stood at the latest resolution,
	// 0 while the inquiry is not resolved (a reopened inquiry is not).
	TouchesToResolve int `json:"touches_to_resolve"`
}

// contactOf returns st's contact.
func contactOf(st *sla.Status) Contact {
	c := Contact{
		InquiryID: st.InquiryID, Channel: st.Channel, Party: st.Class.Party, Owner: st.Owner,
		Received: st.Received, Resolved: st.Resolved,
		Touches: st.Counts.Touches, Nudges: st.Counts.Nudges,
		CustomerMessages: st.Counts.CustomerMessages, AutoReplies: st.Counts.AutoReplies,
	}
	if st.Resolved {
		c.TouchesToResolve = st.Counts.TouchesToResolve
	}
	return c
}

// sortContacts orders contacts by arrival, then inquiry ID.
func sortContacts(cs []Contact) {
	slices.SortStableFunc(cs, func(a, b Contact) int {
		return cmp.Or(a.Received.Compare(b.Received), cmp.Compare(a.InquiryID, b.InquiryID))
	})
}
