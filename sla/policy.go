package sla

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/replyby/replyby/calendar"
)

// MaxLevels is the most levels an escalation ladder may have.
const MaxLevels = 64

// A ReplyRule says which replies count towards reply targets.
type ReplyRule uint8

// Reply rules. Whatever the rule, an AutoReply never counts.
const (
	// OfferedChannels: a reply counts if it is on a channel the customer
	// offered: the inquiry's ReplyTo (or its channel if ReplyTo is
	// empty), or a channel the customer has since written on. The
	// default.
	OfferedChannels ReplyRule = iota
	// SameChannel: a reply counts if it is on the channel of the
	// customer's latest message (the inquiry itself at first) when the
	// customer offered that channel; when they did not (a web form that
	// left an e-mail address), on any channel they offered.
	SameChannel
	// AnyChannel: every reply counts.
	AnyChannel
)

var replyRuleNames = [...]string{"offered", "same", "any"}

// String returns "offered", "same" or "any".
func (r ReplyRule) String() string {
	if int(r) < len(replyRuleNames) {
		return replyRuleNames[r]
	}
	return "ReplyRule(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (r ReplyRule) MarshalText() ([]byte, error) {
	if int(r) >= len(replyRuleNames) {
		return nil, fmt.Errorf("%w: reply rule %d", ErrBadPolicy, r)
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; the empty string is
// OfferedChannels.
func (r *ReplyRule) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = OfferedChannels
		return nil
	}
	for i, n := range replyRuleNames {
		if n == string(b) {
			*r = ReplyRule(i)
			return nil
		}
	}
	return fmt.Errorf("%w: reply rule %q (want offered, same or any)", ErrBadPolicy, b)
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

// A Target is what a policy asks of one metric.
type Target struct {
	// Within is the time allowed: from the obligation's start for reply,
	// update and resolution targets (which must be positive); a grace
	// after the promised or appointed time for promise and appointment
	// targets (often zero).
	Within Duration `json:"within"`
	// Calendar names the calendar of the policy set whose business time
	// Within counts in; "" means plain time.
	Calendar string `json:"calendar,omitempty"`
	// CustomerCalendar says to count in the inquiry's own calendar
	// (Inquiry.Calendar) when it names one, and in Calendar otherwise.
	CustomerCalendar bool `json:"customer_calendar,omitempty"`
	// Escalation is the target's ladder, in any order.
	Escalation []Level `json:"escalation,omitempty"`
}

// A Policy is a named set of targets for the inquiries it matches.
type Policy struct {
	// Name identifies the policy within its set.
	Name string `json:"name"`
	// Match says which inquiries it applies to.
	Match Match `json:"match"`
	// Reply says which replies count.
	Reply ReplyRule `json:"reply"`
	// Targets holds a target per metric; metrics without one are not
	// tracked.
	Targets map[Metric]Target `json:"targets"`
}

// clone returns a deep copy of p.
func (p *Policy) clone() Policy {
	q := *p
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
// *ConfigError naming the offending field as in the JSON form
// ("policies[2].targets.first_reply.within").
func NewPolicySet(calendars map[string]*calendar.Calendar, policies ...Policy) (*PolicySet, error) {
	ps := &PolicySet{
		policies:  make([]Policy, len(policies)),
		compiled:  make([]compiledPolicy, len(policies)),
		calendars: maps.Clone(calendars),
	}
	for _, name := range slices.Sorted(maps.Keys(calendars)) {
		if name == "" || calendars[name] == nil {
			return nil, &ConfigError{"calendars[" + strconv.Quote(name) + "]", fmt.Errorf("%w: empty name or nil calendar", ErrBadPolicy)}
		}
	}
	if len(policies) == 0 {
		return nil, &ConfigError{"policies", ErrNoFallback}
	}
	seen := make(map[string]bool, len(policies))
	for i := range policies {
		p := policies[i].clone()
		path := "policies[" + strconv.Itoa(i) + "]"
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
	if p.Name == "" {
		return &ConfigError{path + ".name", fmt.Errorf("%w: missing", ErrBadPolicy)}
	}
	if seen[p.Name] {
		return &ConfigError{path + ".name", fmt.Errorf("%w: duplicate name %q", ErrBadPolicy, p.Name)}
	}
	seen[p.Name] = true
	if p.Match.IsZero() != last {
		return &ConfigError{path + ".match", ErrNoFallback}
	}
	if err := checkNames(path+".match.channels", p.Match.Channels); err != nil {
		return err
	}
	for j, party := range p.Match.Parties {
		if party != Prospect && party != Customer {
			return &ConfigError{path + ".match.parties[" + strconv.Itoa(j) + "]", fmt.Errorf("%w: party %q (want prospect or customer)", ErrBadPolicy, party)}
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
	if int(p.Reply) >= len(replyRuleNames) {
		return &ConfigError{path + ".reply", fmt.Errorf("%w: reply rule %d", ErrBadPolicy, p.Reply)}
	}
	for _, m := range slices.Sorted(maps.Keys(p.Targets)) {
		if err := ps.checkTarget(m, p.Targets[m], path+".targets."+string(m)); err != nil {
			return err
		}
	}
	return nil
}

// checkNames reports an empty string in a list at path.
func checkNames[S ~string](path string, list []S) error {
	for j, s := range list {
		if s == "" {
			return &ConfigError{path + "[" + strconv.Itoa(j) + "]", fmt.Errorf("%w: empty", ErrBadPolicy)}
		}
	}
	return nil
}

// checkTarget validates target t of metric m found at path.
func (ps *PolicySet) checkTarget(m Metric, t Target, path string) error {
	if m.index() < 0 {
		return &ConfigError{path, fmt.Errorf("%w: unknown metric %q", ErrBadPolicy, m)}
	}
	if t.Within.Days < 0 || t.Within.Days > MaxDays || t.Within.Time < 0 || t.Within.Time > maxTime {
		return &ConfigError{path + ".within", fmt.Errorf("%w %q: negative or too long", ErrBadDuration, t.Within)}
	}
	if t.Within.IsZero() && !m.fixedDue() {
		return &ConfigError{path + ".within", fmt.Errorf("%w %q: must be positive", ErrBadDuration, t.Within)}
	}
	if t.Calendar != "" && ps.calendars[t.Calendar] == nil {
		return &ConfigError{path + ".calendar", fmt.Errorf("%w %q", ErrUnknownCalendar, t.Calendar)}
	}
	if len(t.Escalation) > MaxLevels {
		return &ConfigError{path + ".escalation", fmt.Errorf("%w: more than %d levels", ErrBadLevel, MaxLevels)}
	}
	names := make(map[string]bool, len(t.Escalation))
	for j, l := range t.Escalation {
		lp := path + ".escalation[" + strconv.Itoa(j) + "]"
		if l.Name == "" {
			return &ConfigError{lp + ".name", fmt.Errorf("%w: missing name", ErrBadLevel)}
		}
		if names[l.Name] {
			return &ConfigError{lp + ".name", fmt.Errorf("%w: duplicate name %q", ErrBadLevel, l.Name)}
		}
		names[l.Name] = true
		if !l.At.valid() {
			return &ConfigError{lp + ".at", fmt.Errorf("%w %q: out of range", ErrBadLevel, l.At)}
		}
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
