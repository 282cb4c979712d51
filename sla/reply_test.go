package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
)

// Under the same_channel rule a reply counts on the channel of the customer's
// latest message if the customer offered that channel, and on any offered
// channel if not: a web form that left only an e-mail address is answered
// by e-mail. Before, no reply could ever count there: the e-mail was "not
// the same channel", the web form "never offered".
func TestSameChannelFallsBackToOffered(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Reply: sla.SameChannel, Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}},
		sla.NextReply:  {Within: sla.Duration{Time: time.Hour}},
	}}}})
	form := sla.Inquiry{Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email, sla.Phone}, Received: at("2026-03-09 09:00")}
	mail := sla.Inquiry{Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone}, Received: at("2026-03-09 09:00")}
	reply := func(ch sla.Channel) sla.Event {
		return sla.Event{Time: at("2026-03-09 09:30"), Type: sla.Reply, Channel: ch}
	}
	message := func(ch sla.Channel) sla.Event {
		return sla.Event{Time: at("2026-03-09 09:10"), Type: sla.CustomerMessage, Channel: ch}
	}
	tests := []struct {
		name      string
		inq       sla.Inquiry
		events    []sla.Event
		state     sla.State
		violation bool
	}{
		{"web form, e-mail reply", form, []sla.Event{reply(sla.Email)}, sla.Met, false},
		{"web form, phone reply", form, []sla.Event{reply(sla.Phone)}, sla.Met, false},
		{"web form, web-form reply", form, []sla.Event{reply(sla.WebForm)}, sla.Running, true},
		{"web form, then a phone call: phone reply", form, []sla.Event{message(sla.Phone), reply(sla.Phone)}, sla.Met, false},
		{"web form, then a phone call: e-mail reply", form, []sla.Event{message(sla.Phone), reply(sla.Email)}, sla.Running, false},
		{"web form, then a message without channel: e-mail reply", form, []sla.Event{message(""), reply(sla.Email)}, sla.Met, false},
		{"e-mail offered and latest: phone reply", mail, []sla.Event{reply(sla.Phone)}, sla.Running, false},
		{"e-mail offered and latest: e-mail reply", mail, []sla.Event{reply(sla.Email)}, sla.Met, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := evaluate(t, ps, tt.inq, tt.events, at("2026-03-09 09:45"))
			assert.Equal(t, tt.state, obligation(t, st, "first_reply").State)
			assert.Equal(t, tt.violation, len(st.Violations) > 0, "violations %v", st.Violations)
		})
	}
}

// A customer message without a channel is on the inquiry's channel for
// the "same" rule, but does not offer that channel for answers: on a web
// form that left an e-mail address, a web-form reply stays a violation.
// Before, such a message made web-form an offered channel.
func TestChannellessMessageOffersNothing(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email}, Received: at("2026-03-09 09:00")}
	for _, rule := range []sla.ReplyRule{sla.OfferedChannels, sla.SameChannel} {
		t.Run(string(rule), func(t *testing.T) {
			ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "all", Reply: rule, Targets: map[sla.Metric]sla.Target{
				sla.FirstReply: {Within: sla.Duration{Time: time.Hour}},
			}}}})
			events := []sla.Event{
				{Time: at("2026-03-09 09:10"), Type: sla.CustomerMessage},
				{Time: at("2026-03-09 09:20"), Type: sla.Reply, Channel: sla.WebForm},
			}
			st := evaluate(t, ps, inq, events, at("2026-03-09 09:30"))
			assert.Equal(t, sla.Running, obligation(t, st, "first_reply").State)
			assert.Len(t, st.Violations, 1)
			assert.Equal(t, 1, st.Counts.Nudges)
		})
	}
}
