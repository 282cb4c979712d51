package sla_test

import (
	"strconv"
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

// conversation returns n events of a long conversation, an event every
// ten minutes in business hours: the customer writes, is nudging, is
// answered, is promised a call that is made, has meetings scheduled and
// held, waits on the host's "pending" status, and the inquiry is resolved
// and reopened now and then.
func conversation(start time.Time, n int) []sla.Event {
	events := make([]sla.Event, 0, n)
	t := start
	for i := 0; len(events) < n; i++ {
		t = t.Add(10 * time.Minute)
		ref := "r" + strconv.Itoa(i)
		var e []sla.Event
		switch i % 12 {
		case 0, 4, 8:
			e = []sla.Event{{Time: t, Type: sla.CustomerMessage, Channel: sla.Email}}
		case 1, 5:
			e = []sla.Event{{Time: t, Type: sla.Reply, Channel: sla.Email}}
		case 2:
			e = []sla.Event{{Time: t, Type: sla.Promise, Ref: ref, Channel: sla.Phone, Due: t.Add(time.Hour)}}
		case 3:
			e = []sla.Event{{Time: t, Type: sla.Reply, Channel: sla.Phone}}
		case 6:
			e = []sla.Event{{Time: t, Type: sla.Appointment, Ref: ref, Channel: sla.Meeting, Due: t.Add(20 * time.Minute)}}
		case 7:
			e = []sla.Event{{Time: t, Type: sla.StatusChange, Status: "pending"}}
		case 9:
			e = []sla.Event{{Time: t, Type: sla.AppointmentHeld, Ref: "r" + strconv.Itoa(i-3)}, {Time: t, Type: sla.Reply, Channel: sla.Email}}
		case 10:
			e = []sla.Event{{Time: t, Type: sla.Resolve}}
		case 11:
			e = []sla.Event{{Time: t, Type: sla.Reopen}}
		}
		events = append(events, e...)
	}
	return events[:n]
}

// longPolicies targets every metric in plain time, with a three-level
// ladder on each.
var longPolicies = func() *sla.PolicySet {
	ladder := []sla.Level{{Name: "warn", At: sla.AtShare(75)}, {Name: "breach", At: sla.AtOffset(0)}, {Name: "late", At: sla.AtOffset(time.Hour)}}
	return sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{{Name: "all", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply:      {Within: sla.Duration{Time: time.Hour}, Escalation: ladder},
		sla.NextReply:       {Within: sla.Duration{Time: time.Hour}, Escalation: ladder},
		sla.Update:          {Within: sla.Duration{Time: 4 * time.Hour}},
		sla.Resolution:      {Within: sla.Duration{Days: 3}, Escalation: ladder},
		sla.PromiseKept:     {Within: sla.Duration{Time: 10 * time.Minute}},
		sla.AppointmentKept: {Within: sla.Duration{Time: 5 * time.Minute}},
	}}}})
}()

// BenchmarkEvaluateLog evaluates conversations of 100 to 10,000 events and
// reports the cost per event: it does not grow with the log.
func BenchmarkEvaluateLog(b *testing.B) {
	inq := sla.Inquiry{ID: "long", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone, sla.Meeting}, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	for _, n := range []int{100, 1000, 10000} {
		events := conversation(inq.Received, n)
		now := events[n-1].Time.Add(time.Hour)
		st, err := longPolicies.Evaluate(inq, events, now)
		if err != nil || len(st.Anomalies) > 0 {
			b.Fatal(err, st.Anomalies)
		}
		b.Run("events="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := longPolicies.Evaluate(inq, events, now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
		})
	}
}

// BenchmarkLadder evaluates an inquiry whose first reply's ladder of 3 or
// of 60 levels fires completely, and reports the cost per level fired:
// it does not grow with the ladder.
func BenchmarkLadder(b *testing.B) {
	inq := sla.Inquiry{ID: "ladder", Channel: sla.Email, Received: at("2026-03-09 09:00")}
	for _, n := range []int{3, 60} {
		ladder := make([]sla.Level, n)
		for i := range ladder {
			ladder[i] = sla.Level{Name: "l" + strconv.Itoa(i), At: sla.AtShare(float64(100 * (i + 1) / n))}
		}
		ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{{Name: "all", Targets: map[sla.Metric]sla.Target{
			sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: ladder},
		}}}})
		now := inq.Received.Add(2 * time.Hour)
		st, err := ps.Evaluate(inq, nil, now)
		if err != nil || len(st.Obligations[0].Escalations) != n {
			b.Fatal(err, st)
		}
		b.Run("levels="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ps.Evaluate(inq, nil, now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/level")
		})
	}
}

// BenchmarkRunAppend appends one event to a run that holds 10 or 10,000
// events, and glances at it, as a host does on each event: the cost does
// not grow with the log.
func BenchmarkRunAppend(b *testing.B) {
	inq := sla.Inquiry{ID: "long", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone, sla.Meeting}, Class: sla.Class{Party: sla.Customer}, Received: at("2026-03-09 09:00")}
	for _, n := range []int{10, 10000} {
		events := conversation(inq.Received, n+1)
		base, err := longPolicies.Start(inq)
		if err != nil {
			b.Fatal(err)
		}
		if err := base.Apply(events[:n]...); err != nil {
			b.Fatal(err)
		}
		last := events[n]
		b.Run("at="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := base.Clone()
				if err := r.Apply(last); err != nil {
					b.Fatal(err)
				}
				if _, err := r.Glance(last.Time); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
