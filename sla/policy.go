package sla

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/calendar/strictjson"
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
	// without a channel is on the inquiry's), or one of its natural
	// answers, when the customer offered that channel themselves; when
	// they did not (a web form that left an e-mail address; a call from
	// someone who asked for e-mail or chat, even if a call answers a
	// chat), on any channel they offered. A reply on a channel never
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
// label of Labels. The zero Match, and a nil *Match, matches every
// inquiry.
type Match struct {
	Channels   []Channel  `json:"channels,omitempty"`
	Parties    []Party    `json:"parties,omitempty"`
	Kinds      []Kind     `json:"kinds,omitempty"`
	Priorities []Priority `json:"priorities,omitempty"`
	Labels     []string   `json:"labels,omitempty"`
}

// IsZero reports whether m matches every inquiry.
func (m *Match) IsZero() bool {
	return m == nil || len(m.Channels) == 0 && len(m.Parties) == 0 && len(m.Kinds) == 0 &&
		len(m.Priorities) == 0 && len(m.Labels) == 0
}

// Matches reports whether an inquiry that came on ch, with labels, of
// class c matches m.
func (m *Match) Matches(ch Channel, labels []string, c Class) bool {
	if m == nil {
		return true
	}
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
	// InCustomerZone says to count in Calendar (required) placed in the
	// customer's time zone (Inquiry.Zone): the same weekly hours and
	// closures on the customer's wall clock, "our support hours, in the
	// customer's zone", without declaring a calendar per zone. Without a
	// zone for the customer it counts in Calendar as it is. The
	// obligation's Calendar is then "name@Zone".
	InCustomerZone bool `json:"in_customer_zone,omitempty"`
	// Escalation is the target's ladder, in any order.
	Escalation []Level `json:"escalation,omitempty"`
	// ResolveKeeps, on a promise_kept target, says that resolving the
	// inquiry keeps its open promises to do something (never a promise
	// to get back).
	ResolveKeeps bool `json:"resolve_keeps,omitempty"`
	// NewCycleOnReopen, on a resolution target, says that a Reopen starts
	// a new resolution obligation ("resolution#2") instead of continuing
	// the met one.
	NewCycleOnReopen bool `json:"new_cycle_on_reopen,omitempty"`
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
	// Teams holds, per team, the targets of that team (operational level
	// agreements): counted only while the inquiry is assigned to the
	// team. Only a resolution target is allowed; its obligation is
	// "resolution@team".
	Teams map[string]map[Metric]Target `json:"teams,omitempty"`
	// ContactHours, if set, says that calls and texts must fall inside the
	// customer's local contact hours: a reply on one of its channels
	// outside them is a [Violation] (OutsideContactHours). It still
	// counts: the customer was answered, at the wrong hour.
	ContactHours *ContactHours `json:"contact_hours,omitempty"`
}

// ContactHours are the hours in which a customer may be phoned or sent a
// text, on their own wall clock. Its fields are its JSON form in a policy
// document; {} is daytime (calendar.ContactHours, 08:00–20:00 every day)
// for calls and texts.
type ContactHours struct {
	// Calendar names a calendar of the policy set to place in the
	// customer's zone; "" is calendar.ContactHours.
	Calendar string `json:"calendar,omitempty"`
	// Channels are the channels the hours apply to; empty is phone and
	// sms.
	Channels []Channel `json:"channels,omitempty"`
}

// A HostStatus says what one of the host's own statuses of an inquiry
// means (see [StatusChange]). Its fields are its JSON form in a policy
// document's "statuses".
type HostStatus struct {
	// Pauses lists the metrics whose clocks stand still while the
	// inquiry is in the status: first_reply, next_reply, update or
	// resolution (promise and appointment times are fixed).
	Pauses []Metric `json:"pauses,omitempty"`
	// Resolves says that entering the status resolves the inquiry, and
	// leaving it for a status that does not reopens it.
	Resolves bool `json:"resolves,omitempty"`
	// EndsOnCustomerMessage says that a customer message ends the status
	// (the inquiry then has no status, and nothing is paused), as
	// "pending" ends when the customer answers.
	EndsOnCustomerMessage bool `json:"ends_on_customer_message,omitempty"`
}

// DefaultStatuses are the host statuses of a policy set whose document
// defines none: "open"; "pending" (waiting on the customer: update and
// resolution stand still, until the customer writes); "on_hold" (update
// and resolution stand still); "solved" and "closed" (resolve).
func DefaultStatuses() map[string]HostStatus {
	return map[string]HostStatus{
		"open":    {},
		"pending": {Pauses: []Metric{Update, Resolution}, EndsOnCustomerMessage: true},
		"on_hold": {Pauses: []Metric{Update, Resolution}},
		"solved":  {Resolves: true},
		"closed":  {Resolves: true},
	}
}

// defaultAnswers are the natural answers every policy set knows: a
// voicemail is answered by a call.
var defaultAnswers = map[Channel][]Channel{Voicemail: {Phone}}

// A Document is a policy set in its JSON form: what ParsePolicies reads,
// MarshalJSON writes and NewPolicySet builds from.
//
//	{
//	  "calendars": {"support-nyc": { …calendar.Parse form… }},
//	  "statuses": {"pending": {"pauses": ["update", "resolution"], "ends_on_customer_message": true},
//	               "solved": {"resolves": true}},
//	  "answers": {"fax": ["phone"]},
//	  "policies": [
//	    {
//	      "name": "urgent-customers",
//	      "match": {"parties": ["customer"], "priorities": ["urgent"]},
//	      "reply": "offered_channels",
//	      "targets": {
//	        "first_reply": {
//	          "within": "1h", "calendar": "support-nyc",
//	          "escalation": [
//	            {"name": "warn", "at": "75%", "notify": ["team-lead"]},
//	            {"name": "breach", "at": "0", "notify": ["team-lead"]},
//	            {"name": "manager", "at": "+4h", "notify": ["manager"]}
//	          ]
//	        },
//	        "resolution": {"within": "P2D", "calendar": "support-nyc"}
//	      },
//	      "teams": {"billing": {"resolution": {"within": "4h", "calendar": "support-nyc"}}}
//	    },
//	    {"name": "default", "targets": {"first_reply": {"within": "P1D"}}}
//	  ]
//	}
type Document struct {
	// Calendars are the calendars targets may name, by name; a nil
	// calendar is plain time (calendar.Always).
	Calendars map[string]*calendar.Calendar `json:"calendars,omitempty"`
	// Statuses defines the host's statuses by name; nil means
	// DefaultStatuses, an empty map none.
	Statuses map[string]HostStatus `json:"statuses,omitempty"`
	// Answers adds natural answers: for a channel, the other channels
	// whose replies answer a customer who offered it. A voicemail is
	// always answered by a call (phone); the Meeting channel stands for
	// scheduling an appointment (see Appointment).
	Answers map[Channel][]Channel `json:"answers,omitempty"`
	// Policies are tried in order; the last is the fallback.
	Policies []Policy `json:"policies"`
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
	q.Targets = cloneTargets(p.Targets)
	if p.ContactHours != nil {
		c := *p.ContactHours
		c.Channels = slices.Clone(c.Channels)
		q.ContactHours = &c
	}
	if p.Teams != nil {
		q.Teams = make(map[string]map[Metric]Target, len(p.Teams))
		for team, ts := range p.Teams {
			q.Teams[team] = cloneTargets(ts)
		}
	}
	return q
}

// cloneTargets returns a deep copy of ts.
func cloneTargets(ts map[Metric]Target) map[Metric]Target {
	ts = maps.Clone(ts)
	for m, t := range ts {
		t.Escalation = slices.Clone(t.Escalation)
		for i := range t.Escalation {
			t.Escalation[i].Notify = slices.Clone(t.Escalation[i].Notify)
		}
		ts[m] = t
	}
	return ts
}

// A PolicySet is an ordered list of policies, the first matching an
// inquiry being the one that applies to it, the calendars their targets
// count in, the host's statuses and the channels' natural answers. The
// last policy is the fallback: it matches every inquiry.
//
// A PolicySet is immutable and safe for concurrent use. Build one with
// NewPolicySet or ParsePolicies. The zero PolicySet, like a nil
// *PolicySet, holds no policy and no calendar: Policies returns none,
// Calendar nil and Select "", and Evaluate, Start and MarshalJSON return
// an error wrapping ErrNoFallback.
type PolicySet struct {
	doc       Document // as given, normalized and copied
	compiled  []compiledPolicy
	statuses  map[string]compiledStatus
	answers   map[Channel][]Channel // with the default answers
	targeted  [numMetrics]bool      // some policy has a target for the metric
	teamed    bool                  // some policy has a team's target
	zoned     []*calendar.Calendar  // templates placed in customers' zones
	calendars map[string]*calendar.Calendar
}

// compiledPolicy is a policy's targets, indexed by metric, and its teams'.
type compiledPolicy struct {
	targets [numMetrics]*compiledTarget
	teams   map[string]*compiledTarget // team → its resolution target

	contact      *calendar.Calendar // contact hours (a template for the customer's zone), nil for none
	contactChans []Channel
}

// compiledTarget is a target with its calendar looked up.
type compiledTarget struct {
	Target
	metric Metric
	cal    *calendar.Calendar // nil for plain time
}

// compiledStatus is a host status with its paused metrics as bits.
type compiledStatus struct {
	pauses   uint8 // 1 << metric index
	resolves bool
	ends     bool
}

// NewPolicySet returns the policy set of the document d. It copies d.
// Errors are *Error naming the offending field as in the JSON form
// ("policies[2].targets.first_reply.within").
func NewPolicySet(d Document) (*PolicySet, error) {
	ps := &PolicySet{
		compiled:  make([]compiledPolicy, len(d.Policies)),
		calendars: maps.Clone(d.Calendars),
		statuses:  map[string]compiledStatus{},
		answers:   map[Channel][]Channel{},
	}
	ps.doc = Document{Calendars: ps.calendars, Policies: make([]Policy, len(d.Policies))}
	for _, name := range slices.Sorted(maps.Keys(d.Calendars)) {
		if name == "" {
			return nil, errAt(`calendars[""]`, "", "a calendar needs a name", ErrBadPolicy)
		}
	}
	statuses := d.Statuses
	if statuses == nil {
		statuses = DefaultStatuses()
	} else {
		ps.doc.Statuses = make(map[string]HostStatus, len(d.Statuses))
	}
	for _, name := range slices.Sorted(maps.Keys(statuses)) {
		hs := statuses[name]
		path := strictjson.Join("statuses", name)
		if name == "" {
			return nil, errAt(`statuses[""]`, "", "a status needs a name", ErrBadPolicy)
		}
		cs := compiledStatus{resolves: hs.Resolves, ends: hs.EndsOnCustomerMessage}
		for j, m := range hs.Pauses {
			switch m {
			case FirstReply, NextReply, Update, Resolution:
				cs.pauses |= 1 << m.index()
			default:
				return nil, errAt(strictjson.Index(path+".pauses", j), string(m), "want first_reply, next_reply, update or resolution", ErrBadPolicy)
			}
		}
		if hs.Resolves && cs.pauses != 0 {
			return nil, errAt(path+".pauses", "", "a status that resolves pauses nothing: a resolved inquiry's clocks stand still anyway", ErrBadPolicy)
		}
		ps.statuses[name] = cs
		if ps.doc.Statuses != nil {
			hs.Pauses = slices.Clone(hs.Pauses)
			ps.doc.Statuses[name] = hs
		}
	}
	for ch, to := range defaultAnswers {
		ps.answers[ch] = slices.Clone(to)
	}
	if d.Answers != nil {
		ps.doc.Answers = make(map[Channel][]Channel, len(d.Answers))
	}
	for _, ch := range slices.Sorted(maps.Keys(d.Answers)) {
		path := strictjson.Join("answers", string(ch))
		if ch == "" {
			return nil, errAt(`answers[""]`, "", "a channel needs a name", ErrBadPolicy)
		}
		if err := checkNames(path, d.Answers[ch]); err != nil {
			return nil, err
		}
		ps.doc.Answers[ch] = slices.Clone(d.Answers[ch])
		for _, to := range d.Answers[ch] {
			if !slices.Contains(ps.answers[ch], to) {
				ps.answers[ch] = append(ps.answers[ch], to)
			}
		}
	}
	if len(d.Policies) == 0 {
		return nil, errAt("policies", "", "a policy set needs at least one policy, the last matching every inquiry", ErrNoFallback)
	}
	seen := make(map[string]bool, len(d.Policies))
	var contactHours *calendar.Calendar // the default contact hours, built once for the set
	for i := range d.Policies {
		p := d.Policies[i].clone()
		path := strictjson.Index("policies", i)
		if err := ps.check(&p, path, i == len(d.Policies)-1, seen); err != nil {
			return nil, err
		}
		ps.doc.Policies[i] = p
		for m, t := range p.Targets {
			ps.compiled[i].targets[m.index()] = ps.compile(m, t)
			ps.targeted[m.index()] = true
		}
		for team, ts := range p.Teams {
			if ps.compiled[i].teams == nil {
				ps.compiled[i].teams = map[string]*compiledTarget{}
			}
			ps.compiled[i].teams[team] = ps.compile(Resolution, ts[Resolution])
			ps.teamed = true
		}
		if ch := p.ContactHours; ch != nil {
			cp := &ps.compiled[i]
			if ch.Calendar != "" {
				cp.contact = ps.calendars[ch.Calendar]
			} else {
				if contactHours == nil {
					contactHours = calendar.ContactHours()
				}
				cp.contact = contactHours
			}
			cp.contactChans = ch.Channels
			if len(cp.contactChans) == 0 {
				cp.contactChans = []Channel{Phone, SMS}
			}
			ps.addZoned(cp.contact)
		}
	}
	return ps, nil
}

// NextContact returns the earliest instant at or after t at which the
// customer of inq may be phoned or sent a text under the contact hours of
// the policy that applies to inq (as it arrived: a later Reclassify may
// change the policy), and that policy's channels for them. It returns t and
// no channels when that policy sets no contact hours, or the customer's
// zone is unknown (see Inquiry.Zone). Errors are as Evaluate's for the
// inquiry.
func (ps *PolicySet) NextContact(inq Inquiry, t time.Time) (time.Time, []Channel, error) {
	r, err := ps.Start(inq)
	if err != nil {
		return time.Time{}, nil, err
	}
	ev := &r.ev
	p := &ps.compiled[ev.pol]
	if p.contact == nil || ev.zone == "" {
		return t, nil, nil
	}
	return ev.placed(p.contact).NextOpen(t), slices.Clone(p.contactChans), nil
}

// addZoned records that cal is a template placed in customers' zones.
func (ps *PolicySet) addZoned(cal *calendar.Calendar) {
	if !slices.Contains(ps.zoned, cal) {
		ps.zoned = append(ps.zoned, cal)
	}
}

// compile returns target t of metric m with its calendar.
func (ps *PolicySet) compile(m Metric, t Target) *compiledTarget {
	ct := &compiledTarget{Target: t, metric: m}
	if t.Calendar != "" {
		ct.cal = ps.calendars[t.Calendar]
	}
	if t.InCustomerZone {
		ps.addZoned(ct.cal)
	}
	return ct
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
	if ch := p.ContactHours; ch != nil {
		if ch.Calendar != "" && !ps.hasCalendar(ch.Calendar) {
			return errAt(path+".contact_hours.calendar", ch.Calendar, "no calendar of that name in the set", ErrUnknownCalendar)
		}
		if ch.Calendar != "" {
			if err := ps.placeable(path+".contact_hours.calendar", ch.Calendar); err != nil {
				return err
			}
		}
		if err := checkNames(path+".contact_hours.channels", ch.Channels); err != nil {
			return err
		}
	}
	for _, m := range slices.Sorted(maps.Keys(p.Targets)) {
		if err := ps.checkTarget(m, p.Targets[m], strictjson.Join(path+".targets", string(m))); err != nil {
			return err
		}
	}
	for _, team := range slices.Sorted(maps.Keys(p.Teams)) {
		tp := strictjson.Join(path+".teams", team)
		if !validTeam(team) {
			return errAt(tp, "", "a team name is letters, digits, '.', '-' or '_'", ErrBadPolicy)
		}
		ts := p.Teams[team]
		for _, m := range slices.Sorted(maps.Keys(ts)) {
			if m != Resolution {
				return errAt(strictjson.Join(tp, string(m)), "", "a team has a resolution target only", ErrBadPolicy)
			}
		}
		t, ok := ts[Resolution]
		if !ok {
			return errAt(tp, "", "a team needs its resolution target", ErrBadPolicy)
		}
		if t.NewCycleOnReopen {
			return errAt(tp+".resolution.new_cycle_on_reopen", "", "a team's resolution continues across reopenings", ErrBadPolicy)
		}
		if err := ps.checkTarget(Resolution, t, tp+".resolution"); err != nil {
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
	case t.ResolveKeeps && m != PromiseKept:
		return errAt(path+".resolve_keeps", "", "only a promise_kept target has it", ErrBadPolicy)
	case t.NewCycleOnReopen && m != Resolution:
		return errAt(path+".new_cycle_on_reopen", "", "only a resolution target has it", ErrBadPolicy)
	case t.InCustomerZone && t.Calendar == "":
		return errAt(path+".in_customer_zone", "", "needs the calendar to place in the customer's zone", ErrBadPolicy)
	case t.InCustomerZone && t.CustomerCalendar:
		return errAt(path+".in_customer_zone", "", "a target counts in the customer's calendar or in a template in their zone, not both", ErrBadPolicy)
	}
	if t.InCustomerZone {
		if err := ps.placeable(path+".calendar", t.Calendar); err != nil {
			return err
		}
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

// placeable checks that the calendar named name, found at path, can be
// placed in another zone: a Union or an Intersect has no definition to
// place.
func (ps *PolicySet) placeable(path, name string) error {
	if _, err := ps.calendars[name].In("UTC"); err != nil {
		return errAt(path, name, "cannot be placed in the customer's zone: a union or intersection has no definition to place", ErrBadPolicy)
	}
	return nil
}

// MustNewPolicySet is like NewPolicySet but panics on error.
func MustNewPolicySet(d Document) *PolicySet {
	ps, err := NewPolicySet(d)
	if err != nil {
		panic(err)
	}
	return ps
}

// Document returns a copy of the document the set was built from.
func (ps *PolicySet) Document() Document {
	if ps == nil {
		return Document{}
	}
	d := Document{Calendars: maps.Clone(ps.doc.Calendars), Policies: ps.Policies()}
	if ps.doc.Statuses != nil {
		d.Statuses = make(map[string]HostStatus, len(ps.doc.Statuses))
		for name, hs := range ps.doc.Statuses {
			hs.Pauses = slices.Clone(hs.Pauses)
			d.Statuses[name] = hs
		}
	}
	if ps.doc.Answers != nil {
		d.Answers = make(map[Channel][]Channel, len(ps.doc.Answers))
		for ch, to := range ps.doc.Answers {
			d.Answers[ch] = slices.Clone(to)
		}
	}
	return d
}

// Policies returns a copy of the set's policies, in order.
func (ps *PolicySet) Policies() []Policy {
	if ps == nil {
		return nil
	}
	out := make([]Policy, len(ps.doc.Policies))
	for i := range ps.doc.Policies {
		out[i] = ps.doc.Policies[i].clone()
	}
	return out
}

// Policy returns a copy of the set's policy named name, and whether there
// is one.
func (ps *PolicySet) Policy(name string) (Policy, bool) {
	if ps == nil {
		return Policy{}, false
	}
	for i := range ps.doc.Policies {
		if ps.doc.Policies[i].Name == name {
			return ps.doc.Policies[i].clone(), true
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
	if ps == nil || len(ps.doc.Policies) == 0 {
		return ""
	}
	return ps.doc.Policies[ps.selectIndex(ch, labels, c)].Name
}

// selectIndex returns the index of the first policy that matches; ps must
// hold a policy.
func (ps *PolicySet) selectIndex(ch Channel, labels []string, c Class) int {
	for i := range ps.doc.Policies[:len(ps.doc.Policies)-1] {
		if ps.doc.Policies[i].Match.Matches(ch, labels, c) {
			return i
		}
	}
	return len(ps.doc.Policies) - 1
}
