package sla_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/period"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// FuzzParseDuration: any string parses to a duration that prints and parses
// back to itself, or fails with ErrBadDuration; never a panic. An ISO 8601
// duration it accepts has the value rickb777/period gives it, and one it
// refuses that period accepts is refused for a documented reason.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"4h", "90m", "PT4H", "P1D", "P1DT4H30M", "PT0.5S", "P1M", "P1W", "-1h", "P-1D", "4x", "", "P", "PT", "1.5h",
		"P3660D", "P3661D", "PT1,5H", "PT1M1H", "P1DT", "PT.5H", "PT1.0000000001S", "PT1.000000001S", "P0Y1D", "PT87840H", "PT87840.5H", "+P1D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sla.ParseDuration(s)
		if strings.HasPrefix(s, "P") {
			comparePeriod(t, s, d, err)
		}
		if err != nil {
			if !errors.Is(err, sla.ErrBadDuration) {
				t.Fatalf("ParseDuration(%q): %v does not wrap ErrBadDuration", s, err)
			}
			return
		}
		again, err := sla.ParseDuration(d.String())
		if err != nil || again != d {
			t.Fatalf("ParseDuration(%q) = %v, printed %q, parsed back %v, %v", s, d, d.String(), again, err)
		}
	})
}

// comparePeriod checks ParseDuration's reading of the ISO 8601 duration s
// (d, err) against rickb777/period's, which ParseDuration no longer uses.
func comparePeriod(t *testing.T, s string, d sla.Duration, err error) {
	p, perr := parsePeriod(s)
	if err == nil {
		if perr != nil {
			if longNumber.MatchString(s) {
				return // period takes at most 18 digits ("PT0000…0001H")
			}
			t.Fatalf("ParseDuration(%q) = %v, but period refuses it: %v", s, d, perr)
		}
		hms, exact := p.OnlyHMS().Duration()
		days, _, _ := p.DaysDecimal().Int64(0)
		if longFraction.MatchString(s) {
			return // period overflows on fractions of 12 digits or more, calling it exact ("PT1.000000000000H" reads 50m)
		}
		if !exact {
			return // period gives no exact value for zeros past nanoseconds ("PT1.0000000000S")
		}
		if hms != d.Time || days != int64(d.Days) {
			t.Fatalf("ParseDuration(%q) = %v, period reads %v (%d days, %v)", s, d, p, days, hms)
		}
		return
	}
	if perr != nil {
		return
	}
	// Refused here, read by period: for one of the documented reasons.
	var e *sla.Error
	if !errors.As(err, &e) {
		t.Fatalf("ParseDuration(%q): %T", s, err)
	}
	switch {
	case strings.ContainsAny(s, "YMW") && !strings.Contains(s, "T"),
		strings.ContainsAny(s[:max(strings.Index(s, "T"), 0)], "YMW"),
		strings.ContainsAny(s, "+-"), p.IsNegative(),
		e.Reason == "days must be whole", e.Reason == "too long", e.Reason == "not a whole number of nanoseconds, or too long":
	case strings.HasSuffix(s, "T"), looseFraction.MatchString(s), earlyFraction.MatchString(s):
		// period reads "P1DT", ".5", "5." and "PT0.0M0S" too; ISO 8601
		// does not (only the last part may have a fraction).
	case !hmsInOrder(s):
		// period reads "PT1M1H" as PT1H1M; ISO 8601 orders them.
	default:
		t.Fatalf("ParseDuration(%q) refuses what period reads as %v: %v", s, p, err)
	}
}

// looseFraction matches a decimal separator without a digit on each side.
var looseFraction = regexp.MustCompile(`(^|[^0-9])[.,]|[.,]($|[^0-9])`)

// earlyFraction matches a fraction in a part that is not the last.
var earlyFraction = regexp.MustCompile(`[.,][0-9]+[DHMS].*[0-9]`)

// longNumber matches a run of more than 18 digits.
var longNumber = regexp.MustCompile(`[0-9]{19}`)

// longFraction matches a fraction of 12 digits or more, which period
// misreads.
var longFraction = regexp.MustCompile(`[.,][0-9]{12,}`)

// hmsInOrder reports whether the designators after T of s come in the
// order H, M, S.
func hmsInOrder(s string) bool {
	_, tp, _ := strings.Cut(s, "T")
	last := -1
	for _, c := range tp {
		if i := strings.IndexRune("HMS", c); i >= 0 {
			if i <= last {
				return false
			}
			last = i
		}
	}
	return true
}

// parsePeriod calls period.Parse, which panics on some inputs.
func parsePeriod(s string) (p period.Period, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("period panics: %v", r)
		}
	}()
	return period.Parse(s)
}

// FuzzParseTrigger: any string parses to a trigger that prints and parses
// back to itself, or fails with ErrBadLevel; never a panic. A share parses
// only if written as plain decimal digits with at most two decimals.
func FuzzParseTrigger(f *testing.F) {
	for _, s := range []string{"-1h", "0", "+4h", "75%", "100%", "150%", "0.5%", "-PT30M", "+P1D", "%", "-", "1e9%", "NaN%", "x",
		"0.07%", "4.35%", "10000%", "10000.01%", "1e2%", "0x1p4%", "7_5%", "0.125%", ".5%", "5.%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := sla.ParseTrigger(s)
		if err != nil {
			if !errors.Is(err, sla.ErrBadLevel) {
				t.Fatalf("ParseTrigger(%q): %v does not wrap ErrBadLevel", s, err)
			}
			return
		}
		if pct, ok := strings.CutSuffix(s, "%"); ok && !plainShare.MatchString(pct) {
			t.Fatalf("ParseTrigger(%q) accepts a share that is not plain decimal digits with at most two decimals", s)
		}
		again, err := sla.ParseTrigger(tr.String())
		if err != nil || again != tr {
			t.Fatalf("ParseTrigger(%q) = %v, printed %q, parsed back %v, %v", s, tr, tr.String(), again, err)
		}
	})
}

// plainShare is the form of a share's number.
var plainShare = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)

// FuzzParseKey: any string parses to a key that prints and parses back to
// itself, or fails with ErrBadKey; never a panic.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"first_reply", "next_reply#2", "promise_kept#1", "update#3", "resolution", "next_reply#0", "next_reply#-1", "x#1", "#", "promise_kept#99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := sla.ParseKey(s)
		if err != nil {
			if !errors.Is(err, sla.ErrBadKey) {
				t.Fatalf("ParseKey(%q): %v does not wrap ErrBadKey", s, err)
			}
			return
		}
		again, err := sla.ParseKey(k.String())
		if err != nil || again != k {
			t.Fatalf("ParseKey(%q) = %v, printed %q, parsed back %v, %v", s, k, k.String(), again, err)
		}
	})
}

// sentinels are the errors a policy document's errors wrap, but for those
// of calendars.
var sentinels = []error{sla.ErrBadPolicy, sla.ErrBadDuration, sla.ErrBadLevel, sla.ErrNoFallback, sla.ErrUnknownCalendar}

// FuzzParsePolicies checks that any document either parses into a set that
// writes back to a document parsing to an equal set, or fails with an
// *Error wrapping a sentinel of package sla (or, for a calendar, at its
// path); never a panic. An error about a JSON object names a path: only
// data that is not one JSON object is wrong as a whole.
func FuzzParsePolicies(f *testing.F) {
	for _, seed := range []string{
		`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "4h"}}}]}`,
		`{"policies": [{"name": "a", "match": {"kinds": ["x"], "labels": ["vip"]}, "reply": "same_channel",
		  "targets": {"resolution": {"within": "P2DT4H", "escalation": [{"name": "w", "at": "75%"}, {"name": "b", "at": "0"}, {"name": "m", "at": "+4h", "notify": ["boss"]}]}}},
		  {"name": "rest", "reply": "any_channel", "targets": {"promise_kept": {}, "appointment_kept": {"within": "PT15M"}}}]}`,
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
		`{"statuses": {"pending": {"pauses": ["resolution", "update"], "ends_on_customer_message": true}, "solved": {"resolves": true}},
		  "answers": {"voicemail": ["phone"], "web_form": ["phone", "sms"]},
		  "policies": [{"name": "b", "targets": {"resolution": {"within": "P1D", "new_cycle_on_reopen": true}, "promise_kept": {"resolve_keeps": true}},
		    "teams": {"billing": {"resolution": {"within": "8h"}}}}]}`,
		`{"statuses": {"x": {"pauses": ["promise_kept"]}}, "policies": [{"name": "b"}]}`,
		`{"calendars": {"h": {"zone": "UTC", "week": {"mon": ["09:00-17:00"]}}}, "policies": [{"name": "b", "contact_hours": {"calendar": "h", "channels": ["phone"]},
		  "targets": {"first_reply": {"within": "1h", "calendar": "h", "in_customer_zone": true}}}]}`,
		`{"policies": [{"name": "b", "contact_hours": {}}]}`,
		`{"statuses": {"": {}}, "policies": [{"name": "b"}]}`,
		`{"answers": {"email": ["telepathy"]}, "policies": [{"name": "b"}]}`,
		`{"policies": [{"name": "b", "teams": {"a b": {"first_reply": {"within": "1h"}}}}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if strings.Contains(doc, `"calendars"`) && len(doc) > 300 {
			t.Skip("long calendar documents are fuzzed in package calendar")
		}
		ps, err := sla.ParsePolicies([]byte(doc))
		if err != nil {
			var ce *sla.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is a %T, not an *sla.Error", err, err)
			}
			if ps != nil {
				t.Fatal("a set and an error")
			}
			if !slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }) && !strings.HasPrefix(ce.Path, "calendars") {
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

// fuzzPolicies uses every feature an event can reach: business hours,
// a ladder, host statuses that pause and resolve, a team target, new
// resolution cycles, resolutions that keep promises.
var fuzzPolicies = sla.MustParsePolicies([]byte(`{
  "calendars": {"desk": {"zone": "America/New_York", "week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"],
    "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-13:00", "14:00-17:00"]}, "closed": [{"date": "2026-03-11"}]}},
  "statuses": {"pending": {"pauses": ["resolution", "update"], "ends_on_customer_message": true},
               "on-hold": {"pauses": ["first_reply", "next_reply", "resolution"]}, "solved": {"resolves": true}},
  "answers": {"web_form": ["phone"]},
  "policies": [
    {"name": "vip", "match": {"labels": ["vip"]}, "reply": "same_channel", "targets": {
      "first_reply": {"within": "30m", "escalation": [{"name": "warn", "at": "50%"}, {"name": "late", "at": "+1h", "notify": ["lead"]}]},
      "resolution": {"within": "P1D", "calendar": "desk", "new_cycle_on_reopen": true}}},
    {"name": "rest", "reply": "any_channel", "contact_hours": {},
     "targets": {
      "first_reply": {"within": "4h", "calendar": "desk", "escalation": [{"name": "warn", "at": "-1h"}, {"name": "breach", "at": "0"}]},
      "next_reply": {"within": "2h", "calendar": "desk", "in_customer_zone": true},
      "update": {"within": "P1D"},
      "resolution": {"within": "P2D", "calendar": "desk", "escalation": [{"name": "x", "at": "75%"}]},
      "promise_kept": {"within": "15m", "resolve_keeps": true},
      "appointment_kept": {"within": "10m"}},
     "teams": {"billing": {"resolution": {"within": "8h", "calendar": "desk"}}}}
  ]}`))

// FuzzParseEvents checks that any input either parses into events that
// write back to the same JSON, or fails with an *Error wrapping ErrBadEvent
// (ErrBadKey for an override's obligation); and that parsed events always
// evaluate — a status, or an error only for an event before the inquiry —
// with a Run fed the log in two parts giving the very status Evaluate
// gives. Never a panic.
func FuzzParseEvents(f *testing.F) {
	for _, seed := range []string{
		`[{"time": "2026-03-09T10:00:00Z", "type": "customer_message", "channel": "email"},
		  {"time": "2026-03-09T11:00:00Z", "type": "reply", "channel": "email"}]`,
		`[{"time": "2026-03-09T10:00:00Z", "type": "promise", "ref": "cb", "channel": "phone", "from": "2026-03-10T13:00:00Z", "due": "2026-03-10T17:00:00Z"},
		  {"time": "2026-03-10T12:00:00Z", "type": "reply", "channel": "phone"},
		  {"time": "2026-03-10T14:00:00Z", "type": "promise_renegotiated", "ref": "cb", "due": "2026-03-12T17:00:00Z", "reason": "asked"}]`,
		`[{"time": "2026-03-09T10:00:00Z", "type": "promise", "ref": "fix", "promise_kind": "do_something", "due": "2026-03-11T10:00:00Z"},
		  {"time": "2026-03-09T10:05:00Z", "type": "reply", "channel": "web_form"},
		  {"time": "2026-03-12T10:00:00Z", "type": "promise_done", "ref": "fix"},
		  {"time": "2026-03-12T11:00:00Z", "type": "promise_withdrawn", "ref": "fix"}]`,
		`[{"time": "2026-03-09T10:00:00Z", "type": "appointment", "ref": "a", "channel": "meeting", "due": "2026-03-11T14:00:00Z"},
		  {"time": "2026-03-09T10:00:00Z", "type": "appointment", "ref": "b", "channel": "phone", "due": "2026-03-12T14:00:00Z"},
		  {"time": "2026-03-11T14:30:00Z", "type": "appointment_held"},
		  {"time": "2026-03-11T15:00:00Z", "type": "appointment_rescheduled", "ref": "b", "due": "2026-03-13T09:00:00Z"},
		  {"time": "2026-03-12T15:00:00Z", "type": "appointment_cancelled", "ref": "b", "by": "customer"},
		  {"time": "2026-03-13T15:00:00Z", "type": "appointment_no_show", "ref": "a"},
		  {"time": "2026-03-13T15:00:00Z", "type": "appointment_missed", "ref": "zzz"}]`,
		`[{"time": "2026-03-09T10:00:00Z", "type": "status_change", "status": "pending"},
		  {"time": "2026-03-09T12:00:00Z", "type": "customer_message", "channel": "sms"},
		  {"time": "2026-03-09T13:00:00Z", "type": "status_change", "status": "on-hold"},
		  {"time": "2026-03-10T13:00:00Z", "type": "status_change", "status": "solved"},
		  {"time": "2026-03-10T13:00:00Z", "type": "reopen"},
		  {"time": "2026-03-10T13:00:00Z", "type": "reopen"}]`,
		`[{"time": "2026-03-09T10:00:00Z", "type": "assign", "owner": "bo", "team": "billing"},
		  {"time": "2026-03-09T11:00:00Z", "type": "reclassify", "class": {"priority": "urgent"}, "add_labels": ["vip"]},
		  {"time": "2026-03-09T12:00:00Z", "type": "override", "obligation": "resolution", "due": "2026-03-20T12:00:00Z", "actor": "lead", "reason": "bank"},
		  {"time": "2026-03-09T12:00:00Z", "type": "override", "obligation": "resolution@billing", "due": "2026-03-08T12:00:00Z"},
		  {"time": "2026-03-09T13:00:00Z", "type": "reclassify", "remove_labels": ["vip"]},
		  {"time": "2026-03-09T14:00:00Z", "type": "auto_reply", "channel": "email"},
		  {"time": "2026-03-09T15:00:00Z", "type": "resolve"}]`,
		`[{"time": "0001-01-01T00:00:01Z", "type": "resolve"}]`,
		`[{"time": "9999-12-31T23:59:59Z", "type": "customer_message"}]`,
		`[{"time": "2026-03-09T10:00:00Z", "type": "reply"}]`,
		`[{"time": "2026-03-09T10:00:00Z", "type": "override", "obligation": "first_reply#1", "due": "2026-03-09T12:00:00Z"}]`,
		`{}`, `[`, `null`, `[{}]`, `[null]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(fuzzOne)
}

func fuzzOne(t *testing.T, doc string) {
	inq := sla.Inquiry{ID: "fz", Channel: sla.WebForm, ReplyTo: []sla.Channel{sla.Email, sla.Meeting},
		Class: sla.Class{Party: sla.Customer}, Received: time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC), Zone: "Asia/Kolkata"}
	{
		events, err := sla.ParseEvents([]byte(doc))
		if err != nil {
			var se *sla.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is a %T, not an *sla.Error", err, err)
			}
			if !errors.Is(err, sla.ErrBadEvent) && !errors.Is(err, sla.ErrBadKey) {
				t.Fatalf("error %v wraps neither ErrBadEvent nor ErrBadKey", err)
			}
			return
		}
		b, err := json.Marshal(events)
		if err != nil {
			t.Fatal(err)
		}
		again, err := sla.ParseEvents(b)
		if err != nil {
			t.Fatalf("%s does not parse back: %v", b, err)
		}
		if b2, _ := json.Marshal(again); string(b) != string(b2) {
			t.Fatalf("round trip changed\n%s\n%s", b, b2)
		}

		now := inq.Received
		for _, e := range events {
			if e.Time.After(now) {
				now = e.Time
			}
		}
		now = now.Add(time.Hour)
		st, err := fuzzPolicies.Evaluate(inq, events, now)
		if err != nil {
			if !errors.Is(err, sla.ErrEventBeforeInquiry) {
				t.Fatalf("well-formed events refused: %v", err)
			}
			return
		}
		if st.Next.IsZero() == false && !st.Next.After(now) {
			t.Fatalf("next %v not after now %v", st.Next, now)
		}
		// The run takes the log in time order; its anomalies name events
		// by their place in that order, Evaluate's by their place in the
		// log given: order[k] is the log index of the k-th event in time.
		order := make([]int, len(events))
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(a, b int) int { return events[a].Time.Compare(events[b].Time) })
		sorted := make([]sla.Event, len(events))
		for k, i := range order {
			sorted[k] = events[i]
		}
		run, err := fuzzPolicies.Start(inq)
		if err != nil {
			t.Fatal(err)
		}
		half := len(sorted) / 2
		if err := run.Apply(sorted[:half]...); err != nil {
			t.Fatal(err)
		}
		if err := run.Apply(sorted[half:]...); err != nil {
			t.Fatal(err)
		}
		got, err := run.Status(now)
		if err != nil {
			t.Fatal(err)
		}
		for k := range got.Anomalies {
			got.Anomalies[k].Index = order[got.Anomalies[k].Index]
		}
		for k := range got.Violations {
			got.Violations[k].Index = order[got.Violations[k].Index]
		}
		for j := range got.Obligations {
			for k := range got.Obligations[j].Violations {
				got.Obligations[j].Violations[k].Index = order[got.Obligations[j].Violations[k].Index]
			}
		}
		if a, b := fmt.Sprintf("%+v", fixture.InUTC(st)), fmt.Sprintf("%+v", fixture.InUTC(got)); a != b {
			t.Fatalf("incremental status differs from Evaluate's\n%s\n%s", b, a)
		}
	}
}
