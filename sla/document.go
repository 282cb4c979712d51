package sla

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/internal/strictjson"
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
// *ConfigError naming the offending field, with the indices of the lists
// it is in ("policies[2].targets.first_reply.within: bad duration \"4x\"",
// "policies[1].match.channels: bad policy: a string where a list is
// expected", "policies[0].targets.resolution.escalation[1].notifyy: bad
// policy: unknown field"), or with an empty path when the data is not one
// JSON object; they wrap ErrBadPolicy, ErrBadDuration, ErrBadLevel,
// ErrNoFallback, ErrUnknownCalendar or the calendar package's errors.
func ParsePolicies(data []byte) (*PolicySet, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	cals := make(map[string]*calendar.Calendar, len(doc.Calendars))
	for _, name := range slices.Sorted(maps.Keys(doc.Calendars)) {
		path := "calendars[" + strconv.Quote(name) + "]"
		if name == "" {
			return nil, &ConfigError{path, fmt.Errorf("%w: empty name", ErrBadPolicy)}
		}
		c, err := calendar.Parse(doc.Calendars[name])
		if err != nil {
			var ce *calendar.Error
			if errors.As(err, &ce) {
				return nil, &ConfigError{strictjson.JoinPath(path, ce.Path), &calendar.Error{Input: ce.Input, Reason: ce.Reason, Err: ce.Err}}
			}
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

// decodeDocument reads the document stage by stage, each object or list
// held as json.RawMessage until it is decoded at its own path, so that a
// value of the wrong JSON type or an unknown field is reported where it is.
func decodeDocument(data []byte) (document, error) {
	var raw struct {
		Calendars map[string]json.RawMessage `json:"calendars"`
		Policies  []json.RawMessage          `json:"policies"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return document{}, decodeError(err, "")
	}
	if err := exactKeys(data, &raw, ""); err != nil {
		return document{}, err
	}
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return document{}, &ConfigError{Err: fmt.Errorf("%w: data after the document", ErrBadPolicy)}
	}
	doc := document{Calendars: raw.Calendars}
	if raw.Policies != nil {
		doc.Policies = make([]policyDoc, len(raw.Policies))
	}
	for i, rp := range raw.Policies {
		path := "policies[" + strconv.Itoa(i) + "]"
		var p struct {
			Name    string                     `json:"name"`
			Match   json.RawMessage            `json:"match"`
			Reply   string                     `json:"reply"`
			Targets map[string]json.RawMessage `json:"targets"`
		}
		if err := decodeAt(rp, &p, path); err != nil {
			return document{}, err
		}
		pd := policyDoc{Name: p.Name, Reply: p.Reply}
		if err := decodeMatch(p.Match, &pd.Match, path+".match"); err != nil {
			return document{}, err
		}
		if p.Targets != nil {
			pd.Targets = make(map[string]targetDoc, len(p.Targets))
		}
		for _, m := range slices.Sorted(maps.Keys(p.Targets)) {
			td, err := decodeTarget(p.Targets[m], path+".targets."+m)
			if err != nil {
				return document{}, err
			}
			pd.Targets[m] = td
		}
		doc.Policies[i] = pd
	}
	return doc, nil
}

// decodeMatch decodes a policy's match read at path into m.
func decodeMatch(data json.RawMessage, m *Match, path string) error {
	var raw struct {
		Channels   json.RawMessage `json:"channels"`
		Parties    json.RawMessage `json:"parties"`
		Kinds      json.RawMessage `json:"kinds"`
		Priorities json.RawMessage `json:"priorities"`
		Labels     json.RawMessage `json:"labels"`
	}
	if err := decodeAt(data, &raw, path); err != nil {
		return err
	}
	var err error
	if m.Channels, err = decodeList[Channel](raw.Channels, path+".channels"); err != nil {
		return err
	}
	if m.Parties, err = decodeList[Party](raw.Parties, path+".parties"); err != nil {
		return err
	}
	if m.Kinds, err = decodeList[Kind](raw.Kinds, path+".kinds"); err != nil {
		return err
	}
	if m.Priorities, err = decodeList[Priority](raw.Priorities, path+".priorities"); err != nil {
		return err
	}
	m.Labels, err = decodeList[string](raw.Labels, path+".labels")
	return err
}

// decodeTarget decodes a target read at path.
func decodeTarget(data json.RawMessage, path string) (targetDoc, error) {
	var raw struct {
		Within           *string         `json:"within"`
		Calendar         string          `json:"calendar"`
		CustomerCalendar bool            `json:"customer_calendar"`
		Escalation       json.RawMessage `json:"escalation"`
	}
	if err := decodeAt(data, &raw, path); err != nil {
		return targetDoc{}, err
	}
	td := targetDoc{Within: raw.Within, Calendar: raw.Calendar, CustomerCalendar: raw.CustomerCalendar}
	levels, err := decodeList[json.RawMessage](raw.Escalation, path+".escalation")
	if err != nil {
		return targetDoc{}, err
	}
	if levels != nil {
		td.Escalation = make([]levelDoc, len(levels))
	}
	for j, rl := range levels {
		lp := path + ".escalation[" + strconv.Itoa(j) + "]"
		var l struct {
			Name   string          `json:"name"`
			At     string          `json:"at"`
			Notify json.RawMessage `json:"notify"`
		}
		if err := decodeAt(rl, &l, lp); err != nil {
			return targetDoc{}, err
		}
		td.Escalation[j] = levelDoc{Name: l.Name, At: l.At}
		if td.Escalation[j].Notify, err = decodeList[string](l.Notify, lp+".notify"); err != nil {
			return targetDoc{}, err
		}
	}
	return td, nil
}

// decodeList decodes a JSON list read at path, each element at its index;
// absent or null is a nil list.
func decodeList[T any](data json.RawMessage, path string) ([]T, error) {
	var raw []json.RawMessage
	if err := decodeAt(data, &raw, path); err != nil || raw == nil {
		return nil, err
	}
	out := make([]T, len(raw))
	for i, r := range raw {
		if err := decodeAt(r, &out[i], path+"["+strconv.Itoa(i)+"]"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeAt decodes one JSON value read at path into v, refusing unknown
// fields, and reports failure as a *ConfigError at the path of the
// offending value. No data (an absent field) leaves v alone.
func decodeAt(data []byte, v any, path string) error {
	if data == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, path)
	}
	return exactKeys(data, v, path)
}

// exactKeys refuses, as unknown, a member of the JSON object data whose
// name matches a field of the struct v points to only when case is
// ignored: encoding/json would take "Within" for "within", a document
// this package would never write.
func exactKeys(data []byte, v any, path string) error {
	t := reflect.TypeOf(v)
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(data, &members) != nil {
		return nil // not an object (null): nothing to check
	}
	st := t.Elem()
	for _, name := range slices.Sorted(maps.Keys(members)) {
		known := false
		for i := range st.NumField() {
			tag, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
			if tag == name {
				known = true
				break
			}
		}
		if !known {
			return &ConfigError{fieldPath(path, name), fmt.Errorf("%w: unknown field", ErrBadPolicy)}
		}
	}
	return nil
}

// decodeError turns an error of encoding/json met decoding the value at
// path into a *ConfigError at the path of the offending value: the field
// of a type error, the unknown field, or path itself.
func decodeError(err error, path string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		got := te.Value // "string", "number", "number 1e999", "bool", "array", "object"
		switch got {
		case "array":
			got = "a list"
		case "object":
			got = "an object"
		case "bool":
			got = "true or false"
		case "string", "number":
			got = "a " + got
		}
		if te.Field != "" {
			path = fieldPath(path, te.Field)
		}
		return &ConfigError{path, fmt.Errorf("%w: %s where %s is expected", ErrBadPolicy, got, jsonKind(te.Type))}
	}
	// encoding/json reports an unknown field only as text.
	if q, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, uerr := strconv.Unquote(q); uerr == nil {
			return &ConfigError{fieldPath(path, name), fmt.Errorf("%w: unknown field", ErrBadPolicy)}
		}
	}
	return &ConfigError{path, fmt.Errorf("%w: %v", ErrBadPolicy, err)}
}

// fieldPath appends a field name to path: .name for a plain name,
// ["name"] for others, the empty name included.
func fieldPath(path, name string) string {
	if !plainName(name) {
		return path + "[" + strconv.Quote(name) + "]"
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// plainName reports whether a field name is written as it is in a path:
// ASCII letters, digits and '_', not empty.
func plainName(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

// jsonKind says in JSON's terms what a Go type is read from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.Kind().String()
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
