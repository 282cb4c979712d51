package sla_test

import (
	"encoding/json"
	"errors"
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
			sla.ErrBadDuration, `policies[2].targets.first_reply.within: "4x": want a Go duration such as "4h30m" or ISO 8601 such as "PT4H30M"`},
		{"years", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "P1Y"}}}]}`,
			sla.ErrBadDuration, `policies[0].targets.resolution.within: "P1Y": years, months and weeks are not allowed: write days`},
		{"months", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "P1M"}}}]}`, sla.ErrBadDuration, ""},
		{"weeks", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "P1W"}}}]}`, sla.ErrBadDuration, ""},
		{"negative period", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "-P1D"}}}]}`, sla.ErrBadDuration, ""},
		{"negative duration", `{"policies": [{"name": "a", "targets": {"resolution": {"within": "-4h"}}}]}`, sla.ErrBadDuration, ""},
		{"zero", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "0"}}}]}`,
			sla.ErrBadDuration, `policies[0].targets.first_reply.within: missing or zero: a first_reply target needs a positive duration`},
		{"missing within", `{"policies": [{"name": "a", "targets": {"first_reply": {}}}]}`,
			sla.ErrBadDuration, `policies[0].targets.first_reply.within: missing or zero: a first_reply target needs a positive duration`},
		{"unknown metric", `{"policies": [{"name": "a", "targets": {"first_kiss": {"within": "1h"}}}]}`,
			sla.ErrBadPolicy, `policies[0].targets.first_kiss: unknown metric: want one of first_reply, next_reply, update, resolution, promise_kept, appointment_kept`},
		{"unknown calendar", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "calendar": "mars"}}}]}`,
			sla.ErrUnknownCalendar, `policies[0].targets.first_reply.calendar: "mars": no calendar of that name in the set`},
		{"bad level", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "x", "at": "1h"}]}}}]}`,
			sla.ErrBadLevel, ""},
		{"level offset in days", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "x", "at": "+P1D"}]}}}]}`,
			sla.ErrBadLevel, `policies[0].targets.first_reply.escalation[0].at: "+P1D": an offset may not hold days`},
		{"duplicate level", `{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "escalation": [{"name": "x", "at": "0"}, {"name": "x", "at": "50%"}]}}}]}`,
			sla.ErrBadLevel, `policies[0].targets.first_reply.escalation[1].name: "x": given to two levels of the ladder`},
		{"no policies", `{"policies": []}`, sla.ErrNoFallback, ""},
		{"no fallback", `{"policies": [{"name": "a", "match": {"kinds": ["x"]}}]}`, sla.ErrNoFallback, ""},
		{"fallback not last", `{"policies": [` + fallback + `, {"name": "a", "match": {"kinds": ["x"]}}]}`,
			sla.ErrNoFallback, "policies[0].match: matches every inquiry, but only the last policy may"},
		{"duplicate name", `{"policies": [{"name": "rest", "match": {"kinds": ["x"]}}, ` + fallback + `]}`, sla.ErrBadPolicy, ""},
		{"no name", `{"policies": [{}]}`, sla.ErrBadPolicy, "policies[0].name: missing"},
		{"bad party", `{"policies": [{"name": "a", "match": {"parties": ["vip"]}}, ` + fallback + `]}`, sla.ErrBadPolicy, ""},
		{"bad reply rule", `{"policies": [{"name": "a", "reply": "fax-only"}]}`, sla.ErrBadPolicy,
			`policies[0].reply: "fax-only": want offered_channels, same_channel or any_channel`},
		{"old reply rule", `{"policies": [{"name": "a", "reply": "same"}]}`, sla.ErrBadPolicy, ""},
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
			var e *sla.Error
			require.True(t, errors.As(err, &e), "%T %v", err, err)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			if tt.msg != "" {
				assert.EqualError(t, err, "sla: "+tt.msg)
			}
			if tt.name == "bad calendar" {
				assert.True(t, strings.HasPrefix(err.Error(), `sla: calendars.x.zone: "Mars/Olympus": unknown time zone`), err.Error())
				assert.ErrorIs(t, err, calendar.ErrBadZone)
			}
		})
	}
}

// A value of the wrong JSON type, or an unknown field, anywhere in a policy
// document is reported at its full path, with the indices of the lists it
// is in; only data that is not one JSON object has no path.
func TestParsePoliciesNamesThePath(t *testing.T) {
	const first = `{"name": "a", "match": {"channels": ["x"]}}, `
	target := func(body string) string {
		return `{"policies": [` + first + `{"name": "b", "targets": {"first_reply": ` + body + `}}]}`
	}
	tests := []struct{ doc, msg string }{
		{target(`{"within": 4}`), `policies[1].targets.first_reply.within: want a string, not a number`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "75%", "notifyy": ["x"]}]}`),
			`policies[1].targets.first_reply.escalation[0].notifyy: unknown field`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "75%"}, {"name": "x", "at": 0}]}`),
			`policies[1].targets.first_reply.escalation[1].at: want a string, not a number`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "75%", "notify": ["ann", false]}]}`),
			`policies[1].targets.first_reply.escalation[0].notify[1]: want a string, not a boolean`},
		{target(`{"within": "1h", "escalation": {"name": "w"}}`),
			`policies[1].targets.first_reply.escalation: want a list, not an object`},
		{target(`{"within": "1h", "escalation": ["w"]}`),
			`policies[1].targets.first_reply.escalation[0]: want an object, not a string`},
		{target(`{"within": "1h", "customer_calendar": "yes"}`),
			`policies[1].targets.first_reply.customer_calendar: want true or false, not a string`},
		{target(`{"within": "1h", "calender": "x"}`), `policies[1].targets.first_reply.calender: unknown field`},
		{target(`"1h"`), `policies[1].targets.first_reply: want an object, not a string`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "1e2%"}]}`),
			`policies[1].targets.first_reply.escalation[0].at: "1e2%": a share is written with digits and at most two decimals, as in "75%" or "12.25%"`},
		{`{"policies": [{"name": "a", "match": {"channels": "email"}}, {"name": "b"}]}`,
			`policies[0].match.channels: want a list, not a string`},
		{`{"policies": [{"name": "a", "match": {"kinds": ["x", 3]}}, {"name": "b"}]}`,
			`policies[0].match.kinds[1]: want a string, not a number`},
		{`{"policies": [{"name": "a", "match": {"labels": [["vip"]]}}, {"name": "b"}]}`,
			`policies[0].match.labels[0]: want a string, not a list`},
		{`{"policies": [{"name": "a", "match": {"party": ["customer"]}}, {"name": "b"}]}`,
			`policies[0].match.party: unknown field`},
		{`{"policies": [{"name": "a", "match": []}]}`, `policies[0].match: want an object, not a list`},
		{`{"policies": [{"name": 7}]}`, `policies[0].name: want a string, not a number`},
		{`{"policies": [{"name": "a", "reply": true}]}`, `policies[0].reply: want a string, not a boolean`},
		{`{"policies": [{"name": "a", "targets": []}]}`, `policies[0].targets: want an object, not a list`},
		{`{"policies": [{"name": "a", "tragets": {}}]}`, `policies[0].tragets: unknown field`},
		{`{"policies": [{"name": "a", "two words": {}}]}`, `policies[0]["two words"]: unknown field`},
		{`{"policies": [` + first + `"b"]}`, `policies[1]: want an object, not a string`},
		{`{"policies": {"name": "a"}}`, `policies: want a list, not an object`},
		{`{"calendars": ["x"], "policies": [{"name": "a"}]}`, `calendars: want an object, not a list`},
		{`{"polices": [{"name": "a"}]}`, `polices: unknown field`},
		{`{"": []}`, `[""]: unknown field`},
		{`{"policies": [{"name": "a"}], "policies": []}`, `policies: given twice`},
		{target(`{"within": "1h", "within": "2h"}`), `policies[1].targets.first_reply.within: given twice`},
		{`{"calendars": {"c": {"zone": "UTC", "zone": "UTC"}}, "policies": [{"name": "a"}]}`, `calendars.c.zone: given twice`},
		// Member names match exactly, not ignoring case as encoding/json.
		{`{"Policies": [{"name": "a"}]}`, `Policies: unknown field`},
		{`{"policies": [{"Name": "a"}]}`, `policies[0].Name: unknown field`},
		{target(`{"Within": "1h"}`), `policies[1].targets.first_reply.Within: unknown field`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "AT": "75%"}]}`),
			`policies[1].targets.first_reply.escalation[0].AT: unknown field`},
		{`{"policies": [{"name": "a", "match": {"Channels": ["email"]}}, {"name": "b"}]}`,
			`policies[0].match.Channels: unknown field`},

		// Not one JSON object: the document as a whole.
		{`[]`, `want an object, not a list`},
		{`"policies"`, `want an object, not a string`},
		{`{"policies": [`, `policies: unexpected end of the document`},
		{`{"policies": [{"name": "a"}]} ]`, `data after the document`},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			ps, err := sla.ParsePolicies([]byte(tt.doc))
			require.Error(t, err)
			assert.Nil(t, ps)
			var e *sla.Error
			require.True(t, errors.As(err, &e), "%T %v", err, err)
			assert.EqualError(t, err, "sla: "+tt.msg)
			switch {
			case strings.HasPrefix(tt.msg, "calendars."):
				assert.ErrorIs(t, err, calendar.ErrBadJSON)
			case !errors.Is(err, sla.ErrBadLevel):
				assert.ErrorIs(t, err, sla.ErrBadPolicy)
			}
		})
	}
}

// Calendars are checked by calendar.Parse, as exactly, under their path.
func TestParsePoliciesCalendarKeysExact(t *testing.T) {
	_, err := sla.ParsePolicies([]byte(`{"calendars": {"c": {"Zone": "UTC", "week": {"mon": ["09:00-17:00"]}}}, "policies": [{"name": "a"}]}`))
	require.ErrorIs(t, err, calendar.ErrBadJSON)
	assert.EqualError(t, err, `sla: calendars.c.Zone: unknown field`)
	var e *sla.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "calendars.c.Zone", e.Path)

	_, err = sla.ParsePolicies([]byte(`{"calendars": {"support-nyc": {"zone": "UTC", "week": {"mon": ["09:00-12:00", "25:00-26:00"]}}}, "policies": [{"name": "a"}]}`))
	require.ErrorIs(t, err, calendar.ErrBadInterval)
	assert.EqualError(t, err, `sla: calendars["support-nyc"].week.mon[1]: "25:00-26:00": hour out of range`)
}
