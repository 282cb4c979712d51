package sla_test

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata"

	"github.com/replyby/replyby/sla"
)

// A prospect's e-mail arrives on Friday at 16:55; the desk works 9 to 5 on
// weekdays in New York, and first replies are due within 4 business hours.
func ExamplePolicySet_Evaluate() {
	ps, err := sla.ParsePolicies([]byte(`{
	  "calendars": {
	    "support-nyc": {
	      "zone": "America/New_York",
	      "week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
	               "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}
	    }
	  },
	  "policies": [{
	    "name": "everyone",
	    "targets": {
	      "first_reply": {"within": "4h", "calendar": "support-nyc", "escalation": [
	        {"name": "at-risk", "at": "-1h", "notify": ["team-lead"]}
	      ]}
	    }
	  }]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	ny, _ := time.LoadLocation("America/New_York")
	inq := sla.Inquiry{
		ID:       "lead-42",
		Channel:  sla.Email,
		Class:    sla.Class{Party: sla.Prospect},
		Received: time.Date(2026, 3, 6, 16, 55, 0, 0, ny),
	}
	st, err := ps.Evaluate(inq, nil, time.Date(2026, 3, 7, 12, 0, 0, 0, ny))
	if err != nil {
		fmt.Println(err)
		return
	}
	fr := st.Obligations[0]
	fmt.Println(fr.Key, fr.State, "due", fr.Due.Format("Mon 15:04"), "remaining", fr.Remaining)
	fmt.Println("look again at", st.Next.Format("Mon 15:04"))

	// Monday 10:30: the reply goes out.
	events := []sla.Event{{Time: time.Date(2026, 3, 9, 10, 30, 0, 0, ny), Type: sla.Reply, Channel: sla.Email}}
	st, _ = ps.Evaluate(inq, events, time.Date(2026, 3, 9, 11, 0, 0, 0, ny))
	fr = st.Obligations[0]
	fmt.Println(fr.Key, fr.State, "after", fr.Elapsed, "of business time")
	// Output:
	// first_reply running due Mon 12:55 remaining 3h55m0s
	// look again at Mon 11:55
	// first_reply met after 1h35m0s of business time
}

// Escalation levels fire at instants that follow from the log alone.
func ExampleEscalation() {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{
		Name: "social",
		Targets: map[sla.Metric]sla.Target{
			sla.FirstReply: {
				Within: sla.Duration{Time: time.Hour},
				Escalation: []sla.Level{
					{Name: "warn", At: sla.MustParseTrigger("75%"), Notify: []string{"social-team"}},
					{Name: "breach", At: sla.MustParseTrigger("0"), Notify: []string{"social-team"}},
					{Name: "manager", At: sla.MustParseTrigger("+2h"), Notify: []string{"manager"}},
				},
			},
		},
	}}})
	received := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	inq := sla.Inquiry{Channel: sla.Social, Class: sla.Class{Kind: sla.Complaint}, Received: received}
	st, _ := ps.Evaluate(inq, nil, received.Add(90*time.Minute))
	for _, o := range st.Obligations {
		fmt.Println(o.Key, o.State, o.Remaining)
		for _, e := range o.Escalations {
			fmt.Println(" ", e.Level, e.At.Format("15:04"), e.Notify)
		}
	}
	fmt.Println("next:", st.Next.Format("15:04"))
	// Output:
	// first_reply breached -30m0s
	//   warn 10:45 [social-team]
	//   breach 11:00 [social-team]
	// next: 13:00
}

// A web-form lead left only an e-mail address and was phoned: the call is
// a violation and meets nothing.
func ExampleViolation() {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{
		Name:    "leads",
		Targets: map[sla.Metric]sla.Target{sla.FirstReply: {Within: sla.Duration{Time: 4 * time.Hour}}},
	}}})
	received := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	inq := sla.Inquiry{Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email}, Class: sla.Class{Party: sla.Prospect}, Received: received}
	events := []sla.Event{{Time: received.Add(time.Hour), Type: sla.Reply, Channel: sla.Phone}}
	st, _ := ps.Evaluate(inq, events, received.Add(2*time.Hour))
	fmt.Println(st.Obligations[0].Key, st.Obligations[0].State)
	for _, v := range st.Violations {
		fmt.Println("violation: event", v.Index, "on", v.Channel)
	}
	// Output:
	// first_reply running
	// violation: event 0 on phone
}

// Errors in a policy document name the field at fault.
func ExampleParsePolicies_error() {
	_, err := sla.ParsePolicies([]byte(`{"policies": [
	  {"name": "vip", "match": {"labels": ["vip"]}, "targets": {"first_reply": {"within": "1h"}}},
	  {"name": "rest", "targets": {"first_reply": {"within": "4x"}}}
	]}`))
	fmt.Println(err)
	// Output:
	// sla: policies[1].targets.first_reply.within: "4x": want a Go duration such as "4h30m" or ISO 8601 such as "PT4H30M"
}

func ExampleParseDuration() {
	for _, s := range []string{"4h", "PT90M", "P1D", "P1DT4H", "P1M"} {
		d, err := sla.ParseDuration(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %d day(s) and %v, written %s\n", s, d.Days, d.Time, d)
	}
	// Output:
	// 4h: 0 day(s) and 4h0m0s, written 4h
	// PT90M: 0 day(s) and 1h30m0s, written 1h30m
	// P1D: 1 day(s) and 0s, written P1D
	// P1DT4H: 1 day(s) and 4h0m0s, written P1DT4H
	// sla: "P1M": years, months and weeks are not allowed: write days
}

// A vendor apologised by e-mail and promised to fix the problem by
// Wednesday; the apology is a reply, not the fix. The host's records come
// as JSON.
func ExampleParseEvents() {
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {
	  "first_reply": {"within": "4h"}, "promise_kept": {}}}]}`))
	inq, _ := sla.ParseInquiry([]byte(`{"id": "T-7", "channel": "email", "class": {"party": "customer", "kind": "complaint"},
	  "received": "2026-03-09T09:00:00Z"}`))
	events, err := sla.ParseEvents([]byte(`[
	  {"time": "2026-03-09T10:00:00Z", "type": "reply", "channel": "email", "actor": "sam"},
	  {"time": "2026-03-09T10:00:00Z", "type": "promise", "ref": "fix-invoice", "promise_kind": "do_something",
	   "due": "2026-03-11T17:00:00Z"},
	  {"time": "2026-03-10T09:00:00Z", "type": "reply", "channel": "email", "actor": "sam"}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := ps.Evaluate(inq, events, time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC))
	for _, o := range st.Obligations {
		fmt.Println(o.Key, o.Ref, o.State, o.Due.Format("Mon 15:04"))
	}
	_, err = sla.ParseEvents([]byte(`[{"time": "2026-03-09T10:00:00Z", "type": "promise_done"}]`))
	fmt.Println(err)
	// Output:
	// first_reply  met Mon 13:00
	// promise_kept#1 fix-invoice breached Wed 17:00
	// sla: events[0].ref: a promise_done needs the ref of the promise
}

// A host that sees events as they happen keeps a Run and applies each one
// to it, instead of evaluating the whole log again; a Glance says what it
// needs to schedule the next look.
func ExampleRun() {
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {
	  "first_reply": {"within": "1h"}, "next_reply": {"within": "2h"}}}]}`))
	nine := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	run, _ := ps.Start(sla.Inquiry{ID: "chat-1", Channel: sla.Chat, Received: nine})
	for i, e := range []sla.Event{
		{Time: nine.Add(20 * time.Minute), Type: sla.Reply, Channel: sla.Chat},
		{Time: nine.Add(30 * time.Minute), Type: sla.CustomerMessage, Channel: sla.Chat},
	} {
		if err := run.Apply(e); err != nil {
			fmt.Println(err)
			return
		}
		g, _ := run.Glance(e.Time)
		fmt.Printf("after event %d: %d open, next look at %s\n", i, len(g.Open), g.Next.Format("15:04"))
	}
	// An event from before the run's instant is refused: replay the log.
	err := run.Apply(sla.Event{Time: nine.Add(10 * time.Minute), Type: sla.Reply, Channel: sla.Chat})
	fmt.Println(errors.Is(err, sla.ErrBackdated))
	st, _ := run.Status(nine.Add(3 * time.Hour))
	for _, o := range st.Obligations {
		fmt.Println(o.Key, o.State)
	}
	// Output:
	// after event 0: 0 open, next look at 00:00
	// after event 1: 1 open, next look at 11:30
	// true
	// first_reply met
	// next_reply#1 breached
}

// An event that makes no sense where it stands is ignored and reported;
// the rest of the log still counts.
func ExampleAnomaly() {
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "1h"}}}]}`))
	nine := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	events := []sla.Event{
		{Time: nine.Add(10 * time.Minute), Type: sla.AppointmentHeld},
		{Time: nine.Add(20 * time.Minute), Type: sla.Reopen},
		{Time: nine.Add(30 * time.Minute), Type: sla.Reply, Channel: sla.Email},
	}
	st, _ := ps.Evaluate(sla.Inquiry{Channel: sla.Email, Received: nine}, events, nine.Add(2*time.Hour))
	fmt.Println(st.Obligations[0].Key, st.Obligations[0].State)
	for _, a := range st.Anomalies {
		fmt.Printf("events[%d] (%s): %s\n", a.Index, a.Type, a.Reason)
	}
	// Output:
	// first_reply met
	// events[0] (appointment_held): no appointment that has begun waits to be held
	// events[1] (reopen): the inquiry is not resolved
}

// The host's own statuses pause what the policy document says: while a
// ticket is "pending" on the customer, its resolution clock stands still.
func ExampleHostStatus() {
	ps := sla.MustParsePolicies([]byte(`{
	  "statuses": {"open": {}, "pending": {"pauses": ["resolution"]}, "solved": {"resolves": true}},
	  "policies": [{"name": "all", "targets": {"resolution": {"within": "8h"}}}]}`))
	nine := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	events := []sla.Event{
		{Time: nine.Add(2 * time.Hour), Type: sla.StatusChange, Status: "pending"},
		{Time: nine.Add(26 * time.Hour), Type: sla.StatusChange, Status: "open"},
		{Time: nine.Add(30 * time.Hour), Type: sla.StatusChange, Status: "solved"},
	}
	st, _ := ps.Evaluate(sla.Inquiry{Channel: sla.Email, Received: nine}, events, nine.Add(48*time.Hour))
	o := st.Obligations[0]
	fmt.Println(o.Key, o.State, "paused", o.Paused, "used", o.Elapsed)
	// Output:
	// resolution met paused 24h0m0s used 6h0m0s
}

// A lead in Los Angeles asked to be called back; the desk in New York
// phones at 09:40 its time, 06:40 theirs. The call answers them, and is a
// violation of their contact hours; NextContact says when to call.
func ExamplePolicySet_NextContact() {
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "contact_hours": {},
	  "targets": {"first_reply": {"within": "4h"}}}]}`))
	nyc, _ := time.LoadLocation("America/New_York")
	received := time.Date(2026, 3, 3, 9, 0, 0, 0, nyc)
	inq := sla.Inquiry{Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Phone}, Received: received, Zone: "America/Los_Angeles"}
	call := sla.Event{Time: received.Add(40 * time.Minute), Type: sla.Reply, Channel: sla.Phone}
	st, _ := ps.Evaluate(inq, []sla.Event{call}, call.Time)
	fmt.Println(st.Obligations[0].Key, st.Obligations[0].State)
	for _, v := range st.Violations {
		fmt.Println(v.Reason, "phoned at", v.Local.Format("15:04"), "their time")
	}
	next, channels, _ := ps.NextContact(inq, call.Time)
	fmt.Println("next call or text from", next.In(nyc).Format("15:04"), "New York time, for", channels)
	// Output:
	// first_reply met
	// outside_contact_hours phoned at 06:40 their time
	// next call or text from 11:00 New York time, for [phone sms]
}
