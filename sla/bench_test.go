package sla_test

import (
	"testing"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

// BenchmarkEvaluate evaluates an inquiry with 20 events, 4 metrics (first
// reply, next reply, resolution and promise, counted in business hours)
// and a 3-level ladder on resolution, a week after arrival.
func BenchmarkEvaluate(b *testing.B) {
	ladder := []sla.Level{
		{Name: "at-risk", At: sla.AtShare(75), Notify: []string{"lead"}},
		{Name: "breach", At: sla.AtOffset(0), Notify: []string{"lead"}},
		{Name: "manager", At: sla.AtOffset(4 * time.Hour), Notify: []string{"manager"}},
	}
	ps := sla.MustNewPolicySet(sla.Document{Calendars: map[string]*calendar.Calendar{"support-nyc": policies.Calendar("support-nyc")}, Policies: []sla.Policy{sla.Policy{Name: "all", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply:  {Within: sla.Duration{Time: 4 * time.Hour}, Calendar: "support-nyc"},
		sla.NextReply:   {Within: sla.Duration{Time: 4 * time.Hour}, Calendar: "support-nyc"},
		sla.Resolution:  {Within: sla.Duration{Days: 2}, Calendar: "support-nyc", Escalation: ladder},
		sla.PromiseKept: {},
	}}}})
	inq := sla.Inquiry{ID: "case-1", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone}, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	h := func(s string) time.Time { return at(s) }
	events := []sla.Event{
		{Time: h("2026-03-09 09:01"), Type: sla.AutoReply, Channel: sla.Email},
		{Time: h("2026-03-09 09:30"), Type: sla.Assign, Owner: "ann"},
		{Time: h("2026-03-09 11:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
		{Time: h("2026-03-09 12:00"), Type: sla.Reply, Channel: sla.Phone},
		{Time: h("2026-03-09 12:00"), Type: sla.Promise, Due: h("2026-03-10 12:00")},
		{Time: h("2026-03-09 15:00"), Type: sla.CustomerMessage, Channel: sla.Email},
		{Time: h("2026-03-09 16:00"), Type: sla.Reply, Channel: sla.Email},
		{Time: h("2026-03-09 16:30"), Type: sla.StatusChange, Status: "pending"},
		{Time: h("2026-03-10 10:00"), Type: sla.CustomerMessage, Channel: sla.Email},
		{Time: h("2026-03-10 11:00"), Type: sla.Reply, Channel: sla.Email},
		{Time: h("2026-03-10 11:30"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.High}},
		{Time: h("2026-03-10 14:00"), Type: sla.CustomerMessage, Channel: sla.Phone},
		{Time: h("2026-03-10 14:10"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
		{Time: h("2026-03-10 15:00"), Type: sla.Reply, Channel: sla.Fax},
		{Time: h("2026-03-10 16:00"), Type: sla.Reply, Channel: sla.Phone},
		{Time: h("2026-03-11 09:00"), Type: sla.Assign, Owner: "bob"},
		{Time: h("2026-03-11 10:00"), Type: sla.Resolve},
		{Time: h("2026-03-11 15:00"), Type: sla.Reopen},
		{Time: h("2026-03-11 15:30"), Type: sla.CustomerMessage, Channel: sla.Email},
		{Time: h("2026-03-12 09:30"), Type: sla.Reply, Channel: sla.Email},
	}
	now := at("2026-03-16 09:00")
	st, err := ps.Evaluate(inq, events, now)
	if err != nil {
		b.Fatal(err)
	}
	if res, _ := st.Obligation(sla.Key{Metric: sla.Resolution}); len(res.Escalations) != 3 {
		b.Fatalf("want the whole ladder to fire, got %+v", res)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ps.Evaluate(inq, events, now); err != nil {
			b.Fatal(err)
		}
	}
}
