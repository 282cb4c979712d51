package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

// zonedPolicies counts first replies in the desk's 9-to-5 template placed
// in the customer's zone, and keeps calls and texts inside the customer's
// daytime.
func zonedPolicies(t *testing.T) *sla.PolicySet {
	t.Helper()
	ps, err := sla.ParsePolicies([]byte(`{
	  "calendars": {"support-hours": {"zone": "America/New_York", "week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"],
	    "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}},
	  "policies": [{"name": "all", "contact_hours": {},
	    "targets": {"first_reply": {"within": "4h", "calendar": "support-hours", "in_customer_zone": true}}}]}`))
	require.NoError(t, err)
	return ps
}

func TestTemplateInTheCustomersZone(t *testing.T) {
	ps := zonedPolicies(t)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	// Monday 08:00 in Paris is 02:00 in New York. In Paris's 9-to-5 the
	// four hours run 09:00–13:00 Paris time.
	received := time.Date(2026, 3, 2, 8, 0, 0, 0, paris)
	inq := sla.Inquiry{ID: "fr", Channel: sla.Email, Received: received, Zone: "Europe/Paris"}
	fr := obligation(t, evaluate(t, ps, inq, nil, received), "first_reply")
	assert.Equal(t, time.Date(2026, 3, 2, 13, 0, 0, 0, paris), fr.Due.In(paris))
	assert.Equal(t, "support-hours@Europe/Paris", fr.Calendar)

	// Without a zone, the template as it is: 09:00–13:00 in New York.
	inq.Zone = ""
	fr = obligation(t, evaluate(t, ps, inq, nil, received), "first_reply")
	assert.Equal(t, time.Date(2026, 3, 2, 13, 0, 0, 0, nyc), fr.Due.In(nyc))
	assert.Equal(t, "support-hours", fr.Calendar)

	// An unknown zone names the field.
	inq.Zone = "Mars/Olympus_Mons"
	_, err = ps.Evaluate(inq, nil, received)
	require.ErrorIs(t, err, sla.ErrBadInquiry)
	assert.EqualError(t, err, `sla: inquiry.zone: "Mars/Olympus_Mons": unknown time zone`)
}

func TestContactHours(t *testing.T) {
	ps := zonedPolicies(t)
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	received := time.Date(2026, 3, 3, 9, 0, 0, 0, nyc) // Tuesday, 06:00 in Los Angeles
	inq := sla.Inquiry{ID: "la", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email, sla.Phone}, Received: received, Zone: "America/Los_Angeles"}
	events := []sla.Event{
		{Time: time.Date(2026, 3, 3, 9, 40, 0, 0, nyc), Type: sla.Reply, Channel: sla.Phone},  // 06:40 their time
		{Time: time.Date(2026, 3, 3, 9, 45, 0, 0, nyc), Type: sla.Reply, Channel: sla.Email},  // e-mail has no hours
		{Time: time.Date(2026, 3, 3, 12, 0, 0, 0, nyc), Type: sla.Reply, Channel: sla.Phone},  // 09:00 their time
		{Time: time.Date(2026, 3, 3, 23, 30, 0, 0, nyc), Type: sla.Reply, Channel: sla.Phone}, // 20:30 their time
	}
	st := evaluate(t, ps, inq, events, time.Date(2026, 3, 4, 0, 0, 0, 0, nyc))
	require.Len(t, st.Violations, 2)
	v := st.Violations[0]
	assert.Equal(t, sla.OutsideContactHours, v.Reason)
	assert.Equal(t, 0, v.Index)
	assert.Equal(t, "06:40 America/Los_Angeles", v.Local.Format("15:04 ")+v.Local.Location().String(), "phoned at 06:40 their time")
	assert.Equal(t, 3, st.Violations[1].Index)
	assert.Equal(t, time.Date(2026, 3, 3, 20, 30, 0, 0, la), st.Violations[1].Local)
	// The call at dawn still answered them: the first reply is met then.
	fr := obligation(t, st, "first_reply")
	assert.Equal(t, sla.Met, fr.State)
	assert.Equal(t, events[0].Time, fr.DoneAt.In(nyc))

	// When may they next be called: at 08:00 their time.
	next, chans, err := ps.NextContact(inq, events[0].Time)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 3, 8, 0, 0, 0, la), next.In(la))
	assert.Equal(t, []sla.Channel{sla.Phone, sla.SMS}, chans)
	next, _, err = ps.NextContact(inq, events[2].Time)
	require.NoError(t, err)
	assert.Equal(t, events[2].Time, next.In(nyc), "inside the hours: now")

	// Without a zone the hours are not checked, and any time will do.
	inq.Zone = ""
	assert.Empty(t, evaluate(t, ps, inq, events, time.Date(2026, 3, 4, 0, 0, 0, 0, nyc)).Violations)
	next, chans, err = ps.NextContact(inq, events[0].Time)
	require.NoError(t, err)
	assert.Equal(t, events[0].Time, next)
	assert.Empty(t, chans)

	// A calendar of the set may be the hours, for the channels named.
	ps, err = sla.ParsePolicies([]byte(`{
	  "calendars": {"evenings": {"zone": "UTC", "week": {"mon": ["18:00-21:00"], "tue": ["18:00-21:00"]}}},
	  "policies": [{"name": "all", "contact_hours": {"calendar": "evenings", "channels": ["sms"]}}]}`))
	require.NoError(t, err)
	inq.Zone = "America/Los_Angeles"
	st = evaluate(t, ps, inq, events, time.Date(2026, 3, 4, 0, 0, 0, 0, nyc))
	assert.Empty(t, st.Violations, "calls are not limited, only texts")
	next, chans, err = ps.NextContact(inq, events[0].Time)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 3, 18, 0, 0, 0, la), next.In(la))
	assert.Equal(t, []sla.Channel{sla.SMS}, chans)
}

func TestZonedPolicyErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`{"policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "in_customer_zone": true}}}]}`:                                                                                                                    `sla: policies[0].targets.first_reply.in_customer_zone: needs the calendar to place in the customer's zone`,
		`{"calendars": {"c": {"zone": "UTC", "week": {"mon": ["09:00-17:00"]}}}, "policies": [{"name": "a", "targets": {"first_reply": {"within": "1h", "calendar": "c", "customer_calendar": true, "in_customer_zone": true}}}]}`: `sla: policies[0].targets.first_reply.in_customer_zone: a target counts in the customer's calendar or in a template in their zone, not both`,
		`{"policies": [{"name": "a", "contact_hours": {"calendar": "nowhere"}}]}`:                                                                                                                                                  `sla: policies[0].contact_hours.calendar: "nowhere": no calendar of that name in the set`,
		`{"policies": [{"name": "a", "contact_hours": {"channels": [""]}}]}`:                                                                                                                                                       `sla: policies[0].contact_hours.channels[0]: empty`,
		`{"policies": [{"name": "a", "contact_hours": {"hours": "day"}}]}`:                                                                                                                                                         `sla: policies[0].contact_hours.hours: unknown field`,
	} {
		_, err := sla.ParsePolicies([]byte(doc))
		assert.EqualError(t, err, want, doc)
	}

	// A union has no definition to place in another zone.
	a, err := calendar.Parse([]byte(`{"zone": "UTC", "week": {"mon": ["09:00-12:00"]}}`))
	require.NoError(t, err)
	b, err := calendar.Parse([]byte(`{"zone": "Asia/Tokyo", "week": {"mon": ["09:00-12:00"]}}`))
	require.NoError(t, err)
	u, err := calendar.Union(a, b)
	require.NoError(t, err)
	_, err = sla.NewPolicySet(sla.Document{Calendars: map[string]*calendar.Calendar{"u": u}, Policies: []sla.Policy{{Name: "a",
		Targets: map[sla.Metric]sla.Target{sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Calendar: "u", InCustomerZone: true}}}}})
	require.ErrorIs(t, err, sla.ErrBadPolicy)
	assert.ErrorContains(t, err, "policies[0].targets.first_reply.calendar: \"u\": cannot be placed")

	// What parses writes back as it was read.
	ps, err := sla.ParsePolicies([]byte(`{"calendars": {"c": {"zone": "UTC", "week": {"mon": ["09:00-17:00"]}}},
	  "policies": [{"name": "a", "contact_hours": {"calendar": "c", "channels": ["phone"]},
	    "targets": {"first_reply": {"within": "1h", "calendar": "c", "in_customer_zone": true}}}]}`))
	require.NoError(t, err)
	doc := ps.Document()
	assert.Equal(t, &sla.ContactHours{Calendar: "c", Channels: []sla.Channel{sla.Phone}}, doc.Policies[0].ContactHours)
	assert.True(t, doc.Policies[0].Targets[sla.FirstReply].InCustomerZone)
}
