package sla

import (
	"maps"
	"slices"
	"strconv"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/internal/strictjson"
)

// MaxLevels is the most levels an escalation ladder may have.
const MaxLevels = 64

// A ReplyRule says which replies count towards reply targets. Whatever the
// rule, an AutoReply never counts, and a reply that does not count meets
// nothing.
type ReplyRule string

// Reply rules.
const (
	// OfferedChannels: a reply counts if it is on a channel the customer
	// offered: the inquiry's ReplyTo (or its channel if ReplyTo is
	// empty), or a channel the customer has since written on. A reply on
	// any other channel is a Violation. The default, also written "".
	OfferedChannels ReplyRule = "offered_channels"
	// SameChannel: a reply counts if it is on the channel of the
	// customer's latest message (the inquiry itself at first; a message
	// without a channel is on the inquiry's) when the customer offered
	// that channel; when they did not (a web form that left an e-mail
	// address), on any channel they offered. A reply on a channel never
	// offered is a Violation.
	SameChannel ReplyRule = "same_channel"
	// AnyChannel: every reply counts, and none is a Violation.
	AnyChannel ReplyRule = "any_channel"
)

// valid reports whether r is one of the rules or "".
func (r ReplyRule) valid() bool {
	return r == "" || r == OfferedChannels || r == SameChannel || r == AnyChannel
}

// A Match says which inquiries a policy applies to. An inquiry matches if,
// for each non-empty list, its value is in the list; and it carries every
// label of Labels. The zero Match matches every inquiry.
type Match struct {
	Channels   []Channel  `json:"channels,omitempty"`
	Parties    []Party    `json:"parties,omitempty"`
	Kinds      []Kind     `json:"kinds,omitempty"`
	Priorities []Priority `json:"priorities,omitempty"`
	Labels     []string   `json:"labels,omitempty"`
}

// IsZero reports whether m matches every inquiry.
func (m *Match) IsZero() bool {
	return len(m.Channels) == 0 && len(m.Parties) == 0 && len(m.Kinds) == 0 &&
		len(m.Priorities) == 0 && len(m.Labels) == 0
}

// Matches reports whether an inquiry that came on ch, with labels, of
// class c matches m.
func (m *Match) Matches(ch Channel, labels []string, c Class) bool {
	if len(m.Channels) > 0 && !slices.Contains(m.Channels, ch) ||
		len(m.Parties) > 0 && !slices.Contains(m.Parties, c.Party) ||
		len(m.Kinds) > 0 && !slices.Contains(m.Kinds, c.Kind) ||
		len(m.Priorities) > 0 && !slices.Contains(m.Priorities, c.Priority) {
		return false
	}
	for _, l := range m.Labels {
		if !slices.Contains(labels, l) {
			return false
		}
	}
	return true
}

// A Target is what a policy asks of one metric. Its fields are its JSON
// form in a policy document.
type Target struct {
	// Within is the time allowed: from the obligation's start for reply,
	// update and resolution targets (which must be positive); a grace
	// after the promised or appointed time for promise and appointment
	// targets (often zero).
	Within Duration `json:"within,omitzero"`
	// Calendar names the calendar of the policy set whose business time
	// Within counts in; "" means plain time.
	Calendar string `json:"calendar,omitempty"`
	// CustomerCalendar says to count in the inquiry's own calendar
	// (Inquiry.Calendar) when it names one, and in Calendar otherwise.
	CustomerCalendar bool `json:"customer_calendar,omitempty"`
	// Escalation is the target's ladder, in any order.
	Escalation []Level `json:"escalation,omitempty"`
}

// A Policy is a named set of targets for the inquiries it matches. Its
// fields are its JSON form in a policy document.
type Policy struct {
	// Name identifies the policy within its set.
	Name string `json:"name"`
	// Match says which inquiries it applies to.
	Match Match `json:"match,omitzero"`
	// Reply says which replies count; "" is OfferedChannels.
	Reply ReplyRule `json:"reply,omitempty"`
	// Targets holds a target per metric; metrics without one are not
	// tracked.
	Targets map[Metric]Target `json:"targets,omitempty"`
}

// clone returns a deep copy of p, with Reply set.
func (p *Policy) clone() Policy {
	q := *p
	if q.Reply == "" {
		q.Reply = OfferedChannels
	}
	q.Match = Match{
		Channels:   slices.Clone(p.Match.Channels),
		Parties:    slices.Clone(p.Match.Parties),
		Kinds:      slices.Clone(p.Match.Kinds),
		Priorities: slices.Clone(p.Match.Priorities),
		Labels:     slices.Clone(p.Match.Labels),
	}
	q.Targets = maps.Clone(p.Targets)
	for m, t := range q.Targets {
		t.Escalation = slices.Clone(t.Escalation)
		for i := range t.Escalation {
			t.Escalation[i].Notify = slices.Clone(t.Escalation[i].Notify)
		}
		q.Targets[m] = t
	}
	return q
}

// A PolicySet is an ordered list of policies, the first matching an
// inquiry being the one that applies to it, and the calendars their targets
// count in. The last policy is the fallback: it matches every inquiry.
//
// A PolicySet is immutable and safe for concurrent use. Build one with
// NewPolicySet or ParsePolicies. The zero PolicySet, like a nil
// *PolicySet, holds no policy and no calendar: Policies returns none,
// Calendar nil and Select "", and Evaluate and MarshalJSON return an error
// wrapping ErrNoFallback.
type PolicySet struct {
	policies  []Policy
	compiled  []compiledPolicy
	calendars map[string]*calendar.Calendar
	targeted  [numMetrics]bool // some policy has a target for the metric
}

// compiledPolicy is a policy's targets, indexed by metric.
type compiledPolicy struct {
	targets [numMetrics]*compiledTarget
}

// compiledTarget is a target with its calendar looked up.
type compiledTarget struct {
	Target
	metric Metric
	cal    *calendar.Calendar // nil for plain time
}

// NewPolicySet returns a policy set of policies, whose targets may name
// the calendars of calendars (by key). It copies its arguments. Errors are
// *Error naming the offending field as in the JSON form
// ("policies[2].targets.first_reply.within").
func NewPolicySet(calendars map[string]*calendar.Calendar, policies ...Policy) (*PolicySet, error) {
	ps := &PolicySet{
		policies:  make([]Policy, len(policies)),
		compiled:  make([]compiledPolicy, len(policies)),
		calendars: maps.Clone(calendars),
	}
	for _, name := range slices.Sorted(maps.Keys(calendars)) {
		if name == "" {
			return nil, errAt(`calendars[""]`, "", "a calendar needs a name", ErrBadPolicy)
		}
	}
	if len(policies) == 0 {
		return nil, errAt("policies", "", "a policy set needs at least one policy, the last matching every inquiry", ErrNoFallback)
	}
	seen := make(map[string]bool, len(policies))
	for i := range policies {
		p := policies[i].clone()
		path := strictjson.Index("policies", i)
		if err := ps.check(&p, path, i == len(policies)-1, seen); err != nil {
			return nil, err
		}
		ps.policies[i] = p
		for m, t := range p.Targets {
			ct := &compiledTarget{Target: t, metric: m}
			if t.Calendar != "" {
				ct.cal = ps.calendars[t.Calendar]
			}
			ps.compiled[i].targets[m.index()] = ct
			ps.targeted[m.index()] = true
		}
	}
	return ps, nil
}

// check validates policy p found at path.
func (ps *PolicySet) check(p *Policy, path string, last bool, seen map[string]bool) error {
	switch {
	case p.Name == "":
		return errAt(path+".name", "", "missing", ErrBadPolicy)
	case seen[p.Name]:
		return errAt(path+".name", p.Name, "given to two policies", ErrBadPolicy)
	case p.Match.IsZero() && !last:
		return errAt(path+".match", "", "matches every inquiry, but only the last policy may", ErrNoFallback)
	case !p.Match.IsZero() && last:
		return errAt(path+".match", "", "the last policy is the fallback and must match every inquiry", ErrNoFallback)
	}
	seen[p.Name] = true
	if err := checkNames(path+".match.channels", p.Match.Channels); err != nil {
		return err
	}
	for j, party := range p.Match.Parties {
		if !party.valid() || party == "" {
			return errAt(strictjson.Index(path+".match.parties", j), string(party), "want prospect or customer", ErrBadPolicy)
		}
	}
	for _, err := range []error{
		checkNames(path+".match.kinds", p.Match.Kinds),
		checkNames(path+".match.priorities", p.Match.Priorities),
		checkNames(path+".match.labels", p.Match.Labels),
	} {
		if err != nil {
			return err
		}
	}
	if !p.Reply.valid() {
		return errAt(path+".reply", string(p.Reply), "want offered_channels, same_channel or any_channel", ErrBadPolicy)
	}
	for _, m := range slices.Sorted(maps.Keys(p.Targets)) {
		if err := ps.checkTarget(m, p.Targets[m], strictjson.Join(path+".targets", string(m))); err != nil {
			return err
		}
	}
	return nil
}

// checkNames reports an empty string in a list at path.
func checkNames[S ~string](path string, list []S) error {
	for j, s := range list {
		if s == "" {
			return errAt(strictjson.Index(path, j), "", "empty", ErrBadPolicy)
		}
	}
	return nil
}

// checkTarget validates target t of metric m found at path.
func (ps *PolicySet) checkTarget(m Metric, t Target, path string) error {
	if m.index() < 0 {
		return errAt(path, "", "unknown metric: want one of "+metricList(), ErrBadPolicy)
	}
	switch {
	case t.Within.Days < 0 || t.Within.Days > MaxDays || t.Within.Time < 0 || t.Within.Time > maxTime:
		return errAt(path+".within", t.Within.String(), "negative or too long", ErrBadDuration)
	case t.Within.IsZero() && !m.fixedDue():
		return errAt(path+".within", "", "missing or zero: a "+string(m)+" target needs a positive duration", ErrBadDuration)
	case t.Calendar != "" && !ps.hasCalendar(t.Calendar):
		return errAt(path+".calendar", t.Calendar, "no calendar of that name in the set", ErrUnknownCalendar)
	case len(t.Escalation) > MaxLevels:
		return errAt(path+".escalation", "", "more than "+strconv.Itoa(MaxLevels)+" levels", ErrBadLevel)
	}
	names := make(map[string]bool, len(t.Escalation))
	for j, l := range t.Escalation {
		lp := strictjson.Index(path+".escalation", j)
		switch {
		case l.Name == "":
			return errAt(lp+".name", "", "missing", ErrBadLevel)
		case names[l.Name]:
			return errAt(lp+".name", l.Name, "given to two levels of the ladder", ErrBadLevel)
		case !l.At.valid():
			return errAt(lp+".at", l.At.String(), "out of range", ErrBadLevel)
		}
		names[l.Name] = true
		if err := checkNames(lp+".notify", l.Notify); err != nil {
			return err
		}
	}
	return nil
}

// MustNewPolicySet is like NewPolicySet but panics on error.
func MustNewPolicySet(calendars map[string]*calendar.Calendar, policies ...Policy) *PolicySet {
	ps, err := NewPolicySet(calendars, policies...)
	if err != nil {
		panic(err)
	}
	return ps
}

// Policies returns a copy of the set's policies, in order.
func (ps *PolicySet) Policies() []Policy {
	if ps == nil {
		return nil
	}
	out := make([]Policy, len(ps.policies))
	for i := range ps.policies {
		out[i] = ps.policies[i].clone()
	}
	return out
}

// Policy returns a copy of the set's policy named name, and whether there
// is one.
func (ps *PolicySet) Policy(name string) (Policy, bool) {
	if ps == nil {
		return Policy{}, false
	}
	for i := range ps.policies {
		if ps.policies[i].Name == name {
			return ps.policies[i].clone(), true
		}
	}
	return Policy{}, false
}

// hasCalendar reports whether the set has a calendar named name (which
// may be nil: Always).
func (ps *PolicySet) hasCalendar(name string) bool {
	_, ok := ps.calendars[name]
	return ok
}

// Calendar returns the set's calendar named name, or nil.
func (ps *PolicySet) Calendar(name string) *calendar.Calendar {
	if ps == nil {
		return nil
	}
	return ps.calendars[name]
}

// Select returns the name of the policy that applies to an inquiry that
// came on ch, with labels, of class c: the first that matches; "" for a
// set with no policy (the zero PolicySet).
func (ps *PolicySet) Select(ch Channel, labels []string, c Class) string {
	if ps == nil || len(ps.policies) == 0 {
		return ""
	}
	return ps.policies[ps.selectIndex(ch, labels, c)].Name
}

// selectIndex returns the index of the first policy that matches; ps must
// hold a policy.
func (ps *PolicySet) selectIndex(ch Channel, labels []string, c Class) int {
	for i := range ps.policies[:len(ps.policies)-1] {
		if ps.policies[i].Match.Matches(ch, labels, c) {
			return i
		}
	}
	return len(ps.policies) - 1
}
