package sla_test

import (
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
