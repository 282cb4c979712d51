package report

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/replyby/replyby/sla"
)

// A Load is what one owner or one team has on their plate at the status
// instant, and how much of it will breach soon if nothing is done.
type Load struct {
	// By is "owner" or "team", and Value the owner or team ("" for
	// nobody, or no team), as of the status instant.
	By    string `json:"by"`
	Value string `json:"value"`
	// Open counts the obligations open (running or paused).
	Open int `json:"open"`
	// Breached counts the obligations breached and still owed (see the
	// package documentation).
	Breached int `json:"breached"`
	// AtRisk counts the running obligations that breach within the
	// horizon if nothing is done: 0 < Remaining <= horizon.
	AtRisk int `json:"at_risk"`
	// Inquiries counts the inquiries with at least one obligation open or
	// breached and still owed.
	Inquiries int `json:"inquiries"`
}

// Workload returns the load of every owner and every team over statuses
// (all of them, whatever their arrival), with a breach forecast for the
// horizon: the obligations whose Remaining is at most horizon. Remaining
// is business time in each obligation's own calendar, so a horizon of 4h
// reads "will breach within the next four business hours of its
// calendar" (plain hours for a target in plain time); a paused
// obligation is never at risk, since its clock stands still. Only owners
// and teams with an inquiry that has something open or breached are
// listed: owners first, then teams, each ordered by Breached, then
// AtRisk, most first, then by Value.
func Workload(statuses []sla.Status, horizon time.Duration) []Load {
	type group struct{ by, value string }
	loads := map[group]*Load{}
	for i := range statuses {
		st := &statuses[i]
		var open, breached, atRisk int
		for j := range st.Obligations {
			o := &st.Obligations[j]
			switch {
			case o.State.Open():
				open++
				if dueSoon(o, horizon) {
					atRisk++
				}
			case owed(st, o):
				breached++
			}
		}
		if open+breached == 0 {
			continue
		}
		for _, g := range [...]group{{ByOwner, st.Owner}, {ByTeam, st.Team}} {
			l := loads[g]
			if l == nil {
				l = &Load{By: g.by, Value: g.value}
				loads[g] = l
			}
			l.Open += open
			l.Breached += breached
			l.AtRisk += atRisk
			l.Inquiries++
		}
	}
	out := make([]Load, 0, len(loads))
	for _, l := range loads {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b Load) int {
		return cmp.Or(
			cmp.Compare(slices.Index(dimensions, a.By), slices.Index(dimensions, b.By)),
			cmp.Compare(b.Breached, a.Breached),
			cmp.Compare(b.AtRisk, a.AtRisk),
			cmp.Compare(a.Value, b.Value),
		)
	})
	return out
}

// dueSoon reports whether o runs and breaches within horizon if nothing
// is done.
func dueSoon(o *sla.Obligation, horizon time.Duration) bool {
	return o.State == sla.Running && o.Remaining > 0 && o.Remaining <= horizon
}

// A Due is one obligation coming due or overdue: a line of the lists a
// person works through.
type Due struct {
	// InquiryID is the inquiry's ID; Owner and Team are as of its status
	// instant.
	InquiryID string `json:"inquiry_id"`
	Owner     string `json:"owner,omitempty"`
	Team      string `json:"team,omitempty"`
	// Obligation is the obligation's key, Ref its promise's or
	// appointment's ref, State its state.
	Obligation sla.Key   `json:"obligation"`
	Ref        string    `json:"ref,omitempty"`
	State      sla.State `json:"state"`
	// Due is its due time, and Remaining the business time left before
	// it (negative when overdue), in its own calendar. In JSON Remaining
	// is written as by time.Duration.String.
	Due       time.Time     `json:"due"`
	Remaining time.Duration `json:"remaining"`
}

// MarshalJSON writes the line with Remaining as "1h30m0s".
func (d Due) MarshalJSON() ([]byte, error) {
	type plain Due
	return json.Marshal(struct {
		plain
		Remaining duration `json:"remaining"`
	}{plain(d), duration(d.Remaining)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Due) UnmarshalJSON(b []byte) error {
	type plain Due
	var v struct {
		*plain
		Remaining duration `json:"remaining"`
	}
	v.plain = (*plain)(d)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	d.Remaining = time.Duration(v.Remaining)
	return nil
}

// DueSoon lists the running obligations that breach within the horizon
// if nothing is done (0 < Remaining <= horizon, business time in each
// one's calendar, as for [Workload]), soonest first, then by inquiry ID
// and obligation.
func DueSoon(statuses []sla.Status, horizon time.Duration) []Due {
	return dues(statuses, func(_ *sla.Status, o *sla.Obligation) bool { return dueSoon(o, horizon) })
}

// Breached lists the obligations breached and still owed (see the
// package documentation), longest overdue first (by due time), then by
// inquiry ID and obligation.
func Breached(statuses []sla.Status) []Due {
	return dues(statuses, owed)
}

// dues lists the obligations of statuses that keep holds for, by due
// time, inquiry ID and obligation.
func dues(statuses []sla.Status, keep func(*sla.Status, *sla.Obligation) bool) []Due {
	out := []Due{}
	for i := range statuses {
		st := &statuses[i]
		for j := range st.Obligations {
			if o := &st.Obligations[j]; keep(st, o) {
				out = append(out, Due{
					InquiryID: st.InquiryID, Owner: st.Owner, Team: st.Team,
					Obligation: o.Key, Ref: o.Ref, State: o.State, Due: o.Due, Remaining: o.Remaining,
				})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Due) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.InquiryID, b.InquiryID), cmp.Compare(a.Obligation.String(), b.Obligation.String()))
	})
	return out
}
