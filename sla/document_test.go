package sla_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

func TestParsePolicies(t *testing.T) {
	ps := policies
	got := ps.Policies()
	require.Len(t, got, 5)
	assert.Equal(t, "social-complaints", got[0].Name)
	assert.Equal(t, sla.AnyChannel, got[0].Reply)
	assert.Equal(t, []sla.Channel{sla.Social}, got[0].Match.Channels)
	assert.Equal(t, sla.Duration{Time: time.Hour}, got[0].Targets[sla.FirstReply].Within)
	assert.Equal(t, []sla.Level{
		{Name: "warn", At: sla.AtShare(75), Notify: []string{"social-team"}},
		{Name: "breach", At: sla.AtOffset(0), Notify: []string{"social-team", "pr"}},
	}, got[0].Targets[sla.FirstReply].Escalation)
	assert.Equal(t, sla.Duration{Time: 4 * time.Hour}, got[1].Targets[sla.Resolution].Within, "PT4H")
	assert.Equal(t, sla.Duration{Days: 2}, got[3].Targets[sla.Resolution].Within, "P2D")
	assert.Equal(t, sla.AtOffset(-time.Hour), got[3].Targets[sla.Resolution].Escalation[0].At)
	assert.Equal(t, sla.AtOffset(4*time.Hour), got[3].Targets[sla.Resolution].Escalation[2].At)
	assert.Equal(t, "default", got[4].Name)
	assert.NotNil(t, ps.Calendar("support-nyc"))
	assert.Nil(t, ps.Calendar("nowhere"))

	// Policies returns a copy: changing it changes nothing.
	got[0].Match.Channels[0] = sla.Fax
	got[0].Targets[sla.FirstReply].Escalation[0].Notify[0] = "mallory"
	assert.Equal(t, sla.Social, ps.Policies()[0].Match.Channels[0])
	assert.Equal(t, "social-team", ps.Policies()[0].Targets[sla.FirstReply].Escalation[0].Notify[0])

	// Selection: first match wins, the fallback catches the rest.
	assert.Equal(t, "social-complaints", ps.Select(sla.Social, nil, sla.Class{Party: sla.Customer, Kind: sla.Complaint, Priority: sla.Urgent}))
	assert.Equal(t, "urgent", ps.Select(sla.Email, nil, sla.Class{Party: sla.Customer, Kind: sla.Complaint, Priority: sla.Urgent}))
	assert.Equal(t, "prospects", ps.Select(sla.Social, nil, sla.Class{Party: sla.Prospect}))
	assert.Equal(t, "default", ps.Select(sla.Fax, nil, sla.Class{}))
}

func TestMatchLabels(t *testing.T) {
	ps := sla.MustNewPolicySet(nil,
		sla.Policy{Name: "vip-eu", Match: sla.Match{Labels: []string{"vip", "eu"}}},
		sla.Policy{Name: "rest"})
	assert.Equal(t, "vip-eu", ps.Select(sla.Email, []string{"eu", "new", "vip"}, sla.Class{}))
	assert.Equal(t, "rest", ps.Select(sla.Email, []string{"vip"}, sla.Class{}))
}

// Durations compare by value, not by how they are written.
func TestPolicyDurationsCompareByValue(t *testing.T) {
	doc := func(within string) string {
		return `{"policies": [{"name": "all", "targets": {"first_reply": {"within": "` + within + `"}}}]}`
	}
	a := sla.MustParsePolicies([]byte(doc("PT60M")))
	b := sla.MustParsePolicies([]byte(doc("PT1H")))
	c := sla.MustParsePolicies([]byte(doc("1h")))
	assert.Equal(t, a.Policies(), b.Policies())
	assert.Equal(t, a.Policies(), c.Policies())
}

func TestPolicyRoundTrip(t *testing.T) {
	b, err := json.Marshal(policies)
	require.NoError(t, err)
	again, err := sla.ParsePolicies(b)
	require.NoError(t, err, "%s", b)
	assert.Equal(t, policies.Policies(), again.Policies())
	b2, err := json.Marshal(again)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
}

func TestParsePoliciesErrors(t *testing.T) {
	const fallback = `{"name": "rest"}`
	tests := []struct {
		name, doc string
		sentinel  error
		msg       string
	}{
		{"bad duration", `{"policies": [{"name": "a", "match": {"kinds": ["x"]}}, {"name": "b", "match": {"kinds": ["y"]}},
			{"name": "c", "match": {"kinds": ["z"]}, "targets": {"first_reply": {"within": "4x"}}}, ` + fallback + `]}`,
			sla.ErrBadDuration, `policies[2].targets.first_reply.within: bad duration "4x"`},
		{"years", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "P1Y"}}}]}`,
			sla.ErrBadDuration, `policies[0].targets.resolution.within: bad duration "P1Y": years and months are not allowed`},
		{"months", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "P1M"}}}]}`, sla.ErrBadDuration, ""},
		{"weeks", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "P1W"}}}]}`, sla.ErrBadDuration, ""},
		{"negative period", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "-P1D"}}}]}`, sla.ErrBadDuration, ""},
		{"negative duration", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "-4h"}}}]}`, sla.ErrBadDuration, ""},
		{"zero", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "0"}}}]}`,
			sla.ErrBadDuration, `policies[0].targets.first_reply.within: bad duration "0": must be positive`},
		{"missing within", `{"policies": [{"name": "a", "targets": {"first_reply": {}}}]}`,
			sla.ErrBadDuration, `policies[0].targets.first_reply.within: bad duration: missing`},
		{"unknown metric", `{"policies": [{"name": "a", "targets": {"first_kiss": {"within": "1h"}}}]}`,
			sla.ErrBadPolicy, `policies[0].targets.first_kiss: bad policy: unknown metric "first_kiss"`},
		{"unknown calendar", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "calendar": "mars"}}}]}`,
			sla.ErrUnknownCalendar, `policies[0].targets.first_reply.calendar: unknown calendar "mars"`},
		{"bad level", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "x", "at": "1h"}]}}}]}`,
			sla.ErrBadLevel, ""},
		{"level offset in days", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "x", "at": "+P1D"}]}}}]}`,
			sla.ErrBadLevel, `policies[0].targets.first_reply.escalation[0].at: bad escalation level "+P1D": an offset may not hold days`},
		{"duplicate level", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "x", "at": "0"}, {"name": "x", "at": "50%"}]}}}]}`,
			sla.ErrBadLevel, `policies[0].targets.first_reply.escalation[1].name: bad escalation level: duplicate name "x"`},
		{"no policies", `{"policies": []}`, sla.ErrNoFallback, ""},
		{"no fallback", `{"policies": [{"name": "a", "match": {"kinds": ["x"]}}]}`, sla.ErrNoFallback, ""},
		{"fallback not last", `{"policies": [` + fallback + `, {"name": "a", "match": {"kinds": ["x"]}}]}`,
			sla.ErrNoFallback, "policies[0].match: the last policy must match every inquiry, and only the last"},
		{"duplicate name", `{"policies": [{"name": "rest", "match": {"kinds": ["x"]}}, ` + fallback + `]}`, sla.ErrBadPolicy, ""},
		{"no name", `{"policies": [{}]}`, sla.ErrBadPolicy, "policies[0].name: bad policy: missing"},
		{"bad party", `{"policies": [{"name": "a", "match": {"parties": ["vip"]}}, ` + fallback + `]}`, sla.ErrBadPolicy, ""},
		{"bad reply rule", `{"policies": [{"name": "a", "reply": "fax-only"}]}`, sla.ErrBadPolicy, ""},
		{"unknown field", `{"policies": [{"name": "a", "tragets": {}}]}`, sla.ErrBadPolicy, ""},
		{"not json", `{"policies": [`, sla.ErrBadPolicy, ""},
		{"trailing data", `{"policies": [{"name": "a"}]} {}`, sla.ErrBadPolicy, ""},
		{"bad calendar", `{"calendars": {"x": {"zone": "Mars/Olympus", "week": {"mon": ["09:00-17:00"]}}}, "policies": [` + fallback + `]}`, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := sla.ParsePolicies([]byte(tt.doc))
			require.Error(t, err)
			assert.Nil(t, ps)
			var ce *sla.ConfigError
			require.True(t, errors.As(err, &ce), "%T %v", err, err)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
			}
			if tt.name == "bad calendar" {
				assert.True(t, strings.HasPrefix(err.Error(), `calendars["x"].zone: `), err.Error())
			}
		})
	}
}

// Policies built in Go are checked as documents are.
func TestNewPolicySetErrors(t *testing.T) {
	_, err := sla.NewPolicySet(nil, sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.Resolution: {Within: sla.Duration{Time: -time.Hour}},
	}})
	assert.ErrorIs(t, err, sla.ErrBadDuration)
	assert.ErrorContains(t, err, "policies[0].targets.resolution.within")

	_, err = sla.NewPolicySet(map[string]*calendar.Calendar{"x": nil}, sla.Policy{Name: "a"})
	assert.ErrorIs(t, err, sla.ErrBadPolicy)

	_, err = sla.NewPolicySet(nil, sla.Policy{Name: "a", Reply: 9})
	assert.ErrorIs(t, err, sla.ErrBadPolicy)

	_, err = sla.NewPolicySet(nil, sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: []sla.Level{{Name: "x", At: sla.AtShare(1e9)}}},
	}})
	assert.ErrorIs(t, err, sla.ErrBadLevel)

	many := make([]sla.Level, sla.MaxLevels+1)
	for i := range many {
		many[i] = sla.Level{Name: fmt.Sprint(i)}
	}
	_, err = sla.NewPolicySet(nil, sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: many},
	}})
	assert.ErrorIs(t, err, sla.ErrBadLevel)

	_, err = new(sla.PolicySet).Evaluate(sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 09:00")}, nil, at("2026-03-09 10:00"))
	assert.ErrorIs(t, err, sla.ErrNoFallback, "the zero set is refused, not a panic")

	// The set copies what it is given.
	levels := []sla.Level{{Name: "x", At: sla.AtShare(50), Notify: []string{"ann"}}}
	ps := sla.MustNewPolicySet(nil, sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: levels},
	}})
	levels[0].Notify[0] = "mallory"
	assert.Equal(t, "ann", ps.Policies()[0].Targets[sla.FirstReply].Escalation[0].Notify[0])
}
