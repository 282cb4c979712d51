package sla_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

// A value of the wrong JSON type, or an unknown field, anywhere in a policy
// document is reported at its full path, with the indices of the lists it
// is in; only data that is not one JSON object has no path.
func TestParsePoliciesDecodeErrorsNamePath(t *testing.T) {
	const first = `{"name": "a", "match": {"channels": ["x"]}}, `
	target := func(body string) string {
		return `{"policies": [` + first + `{"name": "b", "targets": {"first_reply": ` + body + `}}]}`
	}
	tests := []struct{ doc, msg string }{
		{target(`{"within": 4}`), `policies[1].targets.first_reply.within: bad policy: a number where a string is expected`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "75%", "notifyy": ["x"]}]}`),
			`policies[1].targets.first_reply.escalation[0].notifyy: bad policy: unknown field`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "75%"}, {"name": "x", "at": 0}]}`),
			`policies[1].targets.first_reply.escalation[1].at: bad policy: a number where a string is expected`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "75%", "notify": ["ann", false]}]}`),
			`policies[1].targets.first_reply.escalation[0].notify[1]: bad policy: true or false where a string is expected`},
		{target(`{"within": "1h", "escalation": {"name": "w"}}`),
			`policies[1].targets.first_reply.escalation: bad policy: an object where a list is expected`},
		{target(`{"within": "1h", "escalation": ["w"]}`),
			`policies[1].targets.first_reply.escalation[0]: bad policy: a string where an object is expected`},
		{target(`{"within": "1h", "customer_calendar": "yes"}`),
			`policies[1].targets.first_reply.customer_calendar: bad policy: a string where true or false is expected`},
		{target(`{"within": "1h", "calender": "x"}`), `policies[1].targets.first_reply.calender: bad policy: unknown field`},
		{target(`"1h"`), `policies[1].targets.first_reply: bad policy: a string where an object is expected`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "at": "1e2%"}]}`),
			`policies[1].targets.first_reply.escalation[0].at: bad escalation level "1e2%": a share is written with digits and at most two decimals, as in "75%" or "12.25%"`},
		{`{"policies": [{"name": "a", "match": {"channels": "email"}}, {"name": "b"}]}`,
			`policies[0].match.channels: bad policy: a string where a list is expected`},
		{`{"policies": [{"name": "a", "match": {"kinds": ["x", 3]}}, {"name": "b"}]}`,
			`policies[0].match.kinds[1]: bad policy: a number where a string is expected`},
		{`{"policies": [{"name": "a", "match": {"labels": [["vip"]]}}, {"name": "b"}]}`,
			`policies[0].match.labels[0]: bad policy: a list where a string is expected`},
		{`{"policies": [{"name": "a", "match": {"party": ["customer"]}}, {"name": "b"}]}`,
			`policies[0].match.party: bad policy: unknown field`},
		{`{"policies": [{"name": "a", "match": []}]}`, `policies[0].match: bad policy: a list where an object is expected`},
		{`{"policies": [{"name": 7}]}`, `policies[0].name: bad policy: a number where a string is expected`},
		{`{"policies": [{"name": "a", "reply": true}]}`, `policies[0].reply: bad policy: true or false where a string is expected`},
		{`{"policies": [{"name": "a", "targets": []}]}`, `policies[0].targets: bad policy: a list where an object is expected`},
		{`{"policies": [{"name": "a", "tragets": {}}]}`, `policies[0].tragets: bad policy: unknown field`},
		{`{"policies": [{"name": "a", "two words": {}}]}`, `policies[0]["two words"]: bad policy: unknown field`},
		{`{"policies": [` + first + `"b"]}`, `policies[1]: bad policy: a string where an object is expected`},
		{`{"policies": {"name": "a"}}`, `policies: bad policy: an object where a list is expected`},
		{`{"calendars": ["x"], "policies": [{"name": "a"}]}`, `calendars: bad policy: a list where an object is expected`},
		{`{"polices": [{"name": "a"}]}`, `polices: bad policy: unknown field`},
		{`{"": []}`, `[""]: bad policy: unknown field`},
		// Member names match exactly, not ignoring case as encoding/json.
		{`{"Policies": [{"name": "a"}]}`, `Policies: bad policy: unknown field`},
		{`{"policies": [{"Name": "a"}]}`, `policies[0].Name: bad policy: unknown field`},
		{target(`{"Within": "1h"}`), `policies[1].targets.first_reply.Within: bad policy: unknown field`},
		{target(`{"within": "1h", "escalation": [{"name": "w", "AT": "75%"}]}`),
			`policies[1].targets.first_reply.escalation[0].AT: bad policy: unknown field`},
		{`{"policies": [{"name": "a", "match": {"Channels": ["email"]}}, {"name": "b"}]}`,
			`policies[0].match.Channels: bad policy: unknown field`},

		// Not one JSON object: the document as a whole.
		{`[]`, `sla: policy document: bad policy: a list where an object is expected`},
		{`"policies"`, `sla: policy document: bad policy: a string where an object is expected`},
		{`{"policies": [`, `sla: policy document: bad policy: unexpected EOF`},
		{`{"policies": [{"name": "a"}]} ]`, `sla: policy document: bad policy: data after the document`},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			ps, err := sla.ParsePolicies([]byte(tt.doc))
			require.Error(t, err)
			assert.Nil(t, ps)
			var ce *sla.ConfigError
			require.True(t, errors.As(err, &ce), "%T %v", err, err)
			assert.EqualError(t, err, tt.msg)
			if !errors.Is(err, sla.ErrBadLevel) {
				assert.ErrorIs(t, err, sla.ErrBadPolicy)
			}
		})
	}
}

// Calendars are checked by calendar.Parse, as exactly, under their path.
func TestParsePoliciesCalendarKeysExact(t *testing.T) {
	_, err := sla.ParsePolicies([]byte(`{"calendars": {"c": {"Zone": "UTC", "week": {"mon": ["09:00-17:00"]}}}, "policies": [{"name": "a"}]}`))
	require.ErrorIs(t, err, calendar.ErrBadJSON)
	assert.EqualError(t, err, `calendars["c"].Zone: calendar: unknown field`)
}
