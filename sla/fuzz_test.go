package sla_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/replyby/replyby/sla"
)

// sentinels are the errors a policy document's errors wrap, but for those
// of calendars.
var sentinels = []error{sla.ErrBadPolicy, sla.ErrBadDuration, sla.ErrBadLevel, sla.ErrNoFallback, sla.ErrUnknownCalendar}

// FuzzParsePolicies checks that any document either parses into a set that
// writes back to a document parsing to an equal set, or fails with a
// *ConfigError wrapping a sentinel of package sla (or, for a calendar, at
// its path); never a panic. An error about a JSON object names a path: only
// data that is not one JSON object is wrong as a whole.
func FuzzParsePolicies(f *testing.F) {
	for _, seed := range []string{
		`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "4h"}}}]}`,
		`{"policies": [{"name": "a", "match": {"kinds": ["x"], "labels": ["vip"]}, "reply": "same",
		  "targets": {"resolution": {"within": "P2DT4H", "escalation": [{"name": "w", "at": "75%"}, {"name": "b", "at": "0"}, {"name": "m", "at": "+4h", "notify": ["boss"]}]}}},
		  {"name": "rest", "reply": "any", "targets": {"promise": {}, "appointment": {"within": "PT15M"}}}]}`,
		`{"policies": [{"name": "c", "targets": {"first_reply": {"within": "4x"}}}]}`,
		`{"policies": [{"name": "c", "targets": {"first_reply": {"within": "P1Y"}}}]}`,
		`{"policies": [{"name": "c", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "x", "at": "-PT30M"}]}}}]}`,
		`{"policies": [{"name": "c", "targets": {"update": {"within": "P1D", "calendar": "nowhere"}}}]}`,
		`{"policies": []}`,
		`{"calendars": {"x": {}}, "policies": [{"name": "c"}]}`,
		`[]`,
		`{`,
		`null`,
		`{"policies": [{"name": "a", "match": {"channels": ["x"]}}, {"name": "b", "targets": {"first_reply": {"within": 4}}}]}`,
		`{"policies": [{"name": "b", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "w", "at": "75%", "notifyy": ["x"]}]}}}]}`,
		`{"policies": [{"name": "a", "match": {"channels": "email"}}, {"name": "b"}]}`,
		`{"policies": [{"name": "a", "match": {"labels": ["vip", 3]}}, {"name": "b"}]}`,
		`{"policies": [{"name": "b", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "w", "at": "0.07%"}, {"name": "x", "at": "1e2%"}]}}}]}`,
		`{"policies": {}}`,
		`{"polices": []}`,
		`{"": []}`,
		`{"policies": [{"name": "b"}]} ]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if strings.Contains(doc, `"calendars"`) && len(doc) > 300 {
			t.Skip("long calendar documents are fuzzed in package calendar")
		}
		ps, err := sla.ParsePolicies([]byte(doc))
		if err != nil {
			var ce *sla.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is a %T, not a *ConfigError", err, err)
			}
			if ps != nil {
				t.Fatal("a set and an error")
			}
			if !slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }) && !strings.HasPrefix(ce.Path, "calendars[") {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			trimmed := strings.TrimLeft(doc, " \t\r\n")
			if ce.Path == "" && json.Valid([]byte(doc)) && strings.HasPrefix(trimmed, "{") {
				t.Fatalf("error %v about a JSON object names no path", err)
			}
			return
		}
		b, err := json.Marshal(ps)
		if err != nil {
			t.Fatal(err)
		}
		again, err := sla.ParsePolicies(b)
		if err != nil {
			t.Fatalf("%s does not parse back: %v", b, err)
		}
		b2, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(b2) {
			t.Fatalf("round trip changed\n%s\n%s", b, b2)
		}
	})
}
