package sla

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/replyby/replyby/calendar"
)

// The policy document: what ParsePolicies reads and MarshalJSON writes.
//
//	{
//	  "calendars": {"support-nyc": { …calendar.Parse form… }},
//	  "policies": [
//	    {
//	      "name": "urgent-customers",
//	      "match": {"parties": ["customer"], "priorities": ["urgent"]},
//	      "reply": "offered",
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
//	      }
//	    },
//	    {"name": "default", "targets": {"first_reply": {"within": "P1D"}}}
//	  ]
//	}
type document struct {
	Calendars map[string]json.RawMessage `json:"calendars,omitempty"`
	Policies  []policyDoc                `json:"policies"`
}

type policyDoc struct {
	Name    string               `json:"name"`
	Match   Match                `json:"match"`
	Reply   string               `json:"reply,omitempty"`
	Targets map[string]targetDoc `json:"targets,omitempty"`
}

type targetDoc struct {
	Within           *string    `json:"within,omitempty"`
	Calendar         string     `json:"calendar,omitempty"`
	CustomerCalendar bool       `json:"customer_calendar,omitempty"`
	Escalation       []levelDoc `json:"escalation,omitempty"`
}

type levelDoc struct {
	Name   string   `json:"name"`
	At     string   `json:"at"`
	Notify []string `json:"notify,omitempty"`
}

// ParsePolicies reads a policy set from its JSON document: calendars in
// calendar.Parse's form keyed by name, and policies in order, the last
// being the fallback. Durations are Go durations ("4h") or ISO 8601
// ("PT4H", "P1D"); see Duration. Unknown fields are refused. Errors are
// *ConfigError naming the offending field
// ("policies[2].targets.first_reply.within: bad duration \"4x\"") and wrap
// ErrBadPolicy, ErrBadDuration, ErrBadLevel, ErrNoFallback,
// ErrUnknownCalendar or the calendar package's errors.
func ParsePolicies(data []byte) (*PolicySet, error) {
	var doc document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, &ConfigError{Err: fmt.Errorf("%w: %v", ErrBadPolicy, err)}
	}
	if dec.More() {
		return nil, &ConfigError{Err: fmt.Errorf("%w: data after the document", ErrBadPolicy)}
	}
	cals := make(map[string]*calendar.Calendar, len(doc.Calendars))
	for _, name := range slices.Sorted(maps.Keys(doc.Calendars)) {
		path := "calendars[" + strconv.Quote(name) + "]"
		if name == "" {
			return nil, &ConfigError{path, fmt.Errorf("%w: empty name", ErrBadPolicy)}
		}
		c, err := calendar.Parse(doc.Calendars[name])
		if err != nil {
			return nil, &ConfigError{path, err}
		}
		cals[name] = c
	}
	policies := make([]Policy, len(doc.Policies))
	for i, pd := range doc.Policies {
		path := "policies[" + strconv.Itoa(i) + "]"
		p := Policy{Name: pd.Name, Match: pd.Match, Targets: make(map[Metric]Target, len(pd.Targets))}
		if err := p.Reply.UnmarshalText([]byte(pd.Reply)); err != nil {
			return nil, &ConfigError{path + ".reply", err}
		}
		for _, m := range slices.Sorted(maps.Keys(pd.Targets)) {
			t, err := pd.Targets[m].target(Metric(m), path+".targets."+m)
			if err != nil {
				return nil, err
			}
			p.Targets[Metric(m)] = t
		}
		policies[i] = p
	}
	return NewPolicySet(cals, policies...)
}

// target converts a target read at path for metric m.
func (td targetDoc) target(m Metric, path string) (Target, error) {
	if m.index() < 0 {
		return Target{}, &ConfigError{path, fmt.Errorf("%w: unknown metric %q", ErrBadPolicy, m)}
	}
	t := Target{Calendar: td.Calendar, CustomerCalendar: td.CustomerCalendar}
	switch {
	case td.Within != nil:
		d, err := ParseDuration(*td.Within)
		if err != nil {
			return Target{}, &ConfigError{path + ".within", err}
		}
		t.Within = d
	case !m.fixedDue():
		return Target{}, &ConfigError{path + ".within", fmt.Errorf("%w: missing", ErrBadDuration)}
	}
	for j, ld := range td.Escalation {
		at, err := ParseTrigger(ld.At)
		if err != nil {
			return Target{}, &ConfigError{path + ".escalation[" + strconv.Itoa(j) + "].at", err}
		}
		t.Escalation = append(t.Escalation, Level{Name: ld.Name, At: at, Notify: ld.Notify})
	}
	return t, nil
}

// MustParsePolicies is like ParsePolicies but panics on error. It is meant
// for documents that are constants in code and tests.
func MustParsePolicies(data []byte) *PolicySet {
	ps, err := ParsePolicies(data)
	if err != nil {
		panic(err)
	}
	return ps
}

// MarshalJSON writes the set as the document ParsePolicies reads, so that
// parsing what it writes gives an equal set. A set with no policy (the zero
// PolicySet) has no such document: it gives an error wrapping
// ErrNoFallback.
func (ps *PolicySet) MarshalJSON() ([]byte, error) {
	if ps == nil || len(ps.policies) == 0 {
		return nil, fmt.Errorf("sla: marshal policy set: %w: the set has no policy", ErrNoFallback)
	}
	doc := document{Policies: make([]policyDoc, len(ps.policies))}
	if len(ps.calendars) > 0 {
		doc.Calendars = make(map[string]json.RawMessage, len(ps.calendars))
		for name, c := range ps.calendars {
			b, err := c.MarshalJSON()
			if err != nil {
				return nil, fmt.Errorf("sla: calendar %q: %w", name, err)
			}
			doc.Calendars[name] = b
		}
	}
	for i, p := range ps.policies {
		pd := policyDoc{Name: p.Name, Match: p.Match, Reply: p.Reply.String()}
		if len(p.Targets) > 0 {
			pd.Targets = make(map[string]targetDoc, len(p.Targets))
		}
		for m, t := range p.Targets {
			w := t.Within.String()
			td := targetDoc{Within: &w, Calendar: t.Calendar, CustomerCalendar: t.CustomerCalendar}
			for _, l := range t.Escalation {
				td.Escalation = append(td.Escalation, levelDoc{Name: l.Name, At: l.At.String(), Notify: l.Notify})
			}
			pd.Targets[string(m)] = td
		}
		doc.Policies[i] = pd
	}
	return json.Marshal(doc)
}
