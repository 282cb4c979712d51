package history_test

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/history"
)

var nyc = time.FixedZone("EST", -5*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, nyc)
	if err != nil {
		panic(err)
	}
	return t
}

// sample is a record with every field an inquiry and an event may set.
func sample() history.Record {
	return history.Record{
		Inquiry: sla.Inquiry{ID: "case-3001", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone},
			Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint, Priority: sla.High}, Received: at("2026-11-23 09:00"),
			Labels: []string{"vip"}, Calendar: "customer-paris", Zone: "Europe/Paris"},
		Events: []sla.Event{
			{Time: at("2026-11-23 11:00"), Type: sla.CustomerMessage, Channel: sla.Voicemail},
			{Time: at("2026-11-23 13:50"), Type: sla.Assign, Owner: "bob", Team: "billing"},
			{Time: at("2026-11-23 14:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "bob"},
			{Time: at("2026-11-23 14:00"), Type: sla.Promise, Ref: "fix-bill", PromiseKind: sla.DoSomething, Due: at("2026-11-24 12:00"), Actor: "bob"},
			{Time: at("2026-11-23 14:05"), Type: sla.Promise, Ref: "call", Channel: sla.Phone, From: at("2026-11-24 09:00"), Due: at("2026-11-24 12:00")},
			{Time: at("2026-11-23 14:10"), Type: sla.AppointmentCancelled, Ref: "demo", By: sla.TheCustomer, Reason: "ill"},
			{Time: at("2026-11-23 14:20"), Type: sla.Reclassify, Class: sla.Class{Priority: sla.Urgent}, AddLabels: []string{"escalated"}, RemoveLabels: []string{"vip"}},
			{Time: at("2026-11-23 14:30"), Type: sla.Override, Obligation: sla.Key{Metric: sla.Resolution, Team: "billing"}, Due: at("2026-11-30 17:00"), Actor: "lead", Reason: "waiting on the bank"},
			{Time: at("2026-11-23 14:40"), Type: sla.StatusChange, Status: "pending"},
		},
	}
}

func TestWriteRead(t *testing.T) {
	var b bytes.Buffer
	w := history.NewWriter(&b)
	first := sample()
	second := history.Record{Inquiry: sla.Inquiry{ID: "lead-1", Channel: sla.WebForm, Received: at("2026-11-23 10:00").UTC()}}
	require.NoError(t, w.Write(first))
	require.NoError(t, w.Write(second))
	require.NoError(t, w.Flush())
	assert.Equal(t, 2, strings.Count(b.String(), "\n"), "one line a record")
	assert.Contains(t, b.String(), `"events":[]}`+"\n", "an empty log is written as []")

	r := history.NewReader(&b)
	got, err := r.Read()
	require.NoError(t, err)
	assert.Equal(t, 1, r.Line())
	assert.Equal(t, normal(first), normal(got))
	got, err = r.Read()
	require.NoError(t, err)
	assert.Equal(t, normal(second), normal(got))
	_, err = r.Read()
	assert.Equal(t, io.EOF, err)
	_, err = r.Read()
	assert.Equal(t, io.EOF, err, "and again")
}

func TestReadExampleLine(t *testing.T) {
	// The line of the package documentation.
	line := `{"inquiry":{"id":"case-3001","channel":"email","reply_to":["email"],"class":{"party":"customer","kind":"complaint"},"received":"2026-11-23T09:00:00-05:00"},"events":[{"time":"2026-11-23T14:00:00-05:00","type":"reply","channel":"phone","actor":"bob"},{"time":"2026-11-23T14:00:00-05:00","type":"promise","actor":"bob","ref":"fix-bill","due":"2026-11-24T12:00:00-05:00","promise_kind":"do_something"}]}`
	rec, err := history.NewReader(strings.NewReader(line)).Read()
	require.NoError(t, err)
	assert.Equal(t, normal(history.Record{
		Inquiry: sla.Inquiry{ID: "case-3001", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email},
			Class: sla.Class{Party: sla.Customer, Kind: sla.Complaint}, Received: at("2026-11-23 09:00")},
		Events: []sla.Event{
			{Time: at("2026-11-23 14:00"), Type: sla.Reply, Channel: sla.Phone, Actor: "bob"},
			{Time: at("2026-11-23 14:00"), Type: sla.Promise, Actor: "bob", Ref: "fix-bill", Due: at("2026-11-24 12:00"), PromiseKind: sla.DoSomething},
		},
	}), normal(rec))
	var b bytes.Buffer
	w := history.NewWriter(&b)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Flush())
	assert.Equal(t, line+"\n", b.String(), "the Writer writes it as documented")
}

const good = `{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}}`

func TestReadBadLines(t *testing.T) {
	for _, c := range []struct {
		line, want string
		kind       error
	}{
		{`{`, `history: line 1: unexpected end of the document`, history.ErrBadRecord},
		{`[]`, `history: line 1: want an object, not a list`, history.ErrBadRecord},
		{`{} x`, `history: line 1: data after the document`, history.ErrBadRecord},
		{`{}`, `history: line 1: inquiry: missing`, sla.ErrBadInquiry},
		{`{"inquiry": null}`, `history: line 1: inquiry: missing`, sla.ErrBadInquiry},
		{`{"Inquiry": {}}`, `history: line 1: Inquiry: unknown field`, history.ErrBadRecord},
		{`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "inquiry": {}}`, `history: line 1: inquiry: given twice`, sla.ErrBadInquiry},
		{`{"inquiry": {"channel": "email"}}`, `history: line 1: inquiry.received: missing`, sla.ErrBadInquiry},
		{`{"inquiry": {"channel": "email", "received": "Monday"}}`, `history: line 1: inquiry.received: parsing time "Monday" as "2006-01-02T15:04:05Z07:00": cannot parse "Monday" as "2006"`, sla.ErrBadInquiry},
		{`{"inquiry": {"channel": 7, "received": "2026-11-23T09:00:00Z"}}`, `history: line 1: inquiry.channel: want a string, not a number`, sla.ErrBadInquiry},
		{`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z", "class": {"party": "vip"}}}`, `history: line 1: inquiry.party: "vip": want prospect or customer`, sla.ErrBadInquiry},
		{`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": {}}`, `history: line 1: events: want a list, not an object`, sla.ErrBadEvent},
		{`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "reply"}]}`,
			`history: line 1: events[0].channel: a reply needs a channel`, sla.ErrBadEvent},
		{`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "resolve"}, {"time": "2026-11-23T08:00:00Z", "type": "reopen"}]}`,
			`history: line 1: events[1].time: "2026-11-23 08:00:00 +0000 UTC": before the inquiry arrived at 2026-11-23 09:00:00 +0000 UTC`, sla.ErrEventBeforeInquiry},
		{`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "override", "obligation": "first_reply#x", "due": "2026-11-23T10:00:00Z"}]}`,
			`history: line 1: events[0].obligation: "first_reply#x": a first_reply key has no number`, sla.ErrBadKey},
		{`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "resolve", "Type": "reopen"}]}`,
			`history: line 1: events[0].Type: unknown field`, sla.ErrBadEvent},
	} {
		r := history.NewReader(strings.NewReader(c.line + "\n" + good + "\n"))
		_, err := r.Read()
		var he *history.Error
		if assert.ErrorAs(t, err, &he, c.line) {
			assert.Equal(t, 1, he.Line)
		}
		assert.EqualError(t, err, c.want, c.line)
		assert.ErrorIs(t, err, history.ErrBadRecord, c.line)
		assert.ErrorIs(t, err, c.kind, c.line)
		rec, err := r.Read()
		require.NoError(t, err, "the next line is read: %s", c.line)
		assert.Equal(t, 2, r.Line())
		assert.Equal(t, sla.Email, rec.Inquiry.Channel)
	}
}

func TestReadLines(t *testing.T) {
	// Blank lines are skipped but counted; "\r\n" ends a line too; the
	// last line needs no end of line.
	in := "\n  \r\n" + good + "\r\n\n{]\n" + good
	r := history.NewReader(strings.NewReader(in))
	_, err := r.Read()
	require.NoError(t, err)
	assert.Equal(t, 3, r.Line())
	_, err = r.Read()
	assert.ErrorContains(t, err, "history: line 5: ")
	_, err = r.Read()
	require.NoError(t, err)
	assert.Equal(t, 6, r.Line())
	_, err = r.Read()
	assert.Equal(t, io.EOF, err)
}

func TestReadLongLine(t *testing.T) {
	long := `{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z", "labels": ["` + strings.Repeat("x", 300_000) + `"]}}`
	for _, max := range []int{len(good), len(long) - 1} {
		r := history.NewReader(strings.NewReader(good + "\r\n" + long + "\n" + good))
		r.MaxLineBytes = max
		_, err := r.Read()
		require.NoError(t, err, "a line of exactly MaxLineBytes, its \\r\\n not counted")
		_, err = r.Read()
		assert.ErrorIs(t, err, history.ErrLineTooLong)
		assert.ErrorIs(t, err, history.ErrBadRecord)
		assert.EqualError(t, err, "history: line 2: longer than "+strconv.Itoa(max)+" bytes")
		_, err = r.Read()
		require.NoError(t, err, "the line after is read")
		assert.Equal(t, 3, r.Line())
	}
	r := history.NewReader(strings.NewReader(long))
	r.MaxLineBytes = len(long)
	rec, err := r.Read()
	require.NoError(t, err)
	assert.Len(t, rec.Inquiry.Labels[0], 300_000)
}

type failing struct{ after string }

func (f *failing) Read(p []byte) (int, error) {
	if f.after == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.after)
	f.after = f.after[n:]
	return n, nil
}

func TestReadSourceError(t *testing.T) {
	r := history.NewReader(&failing{after: good + "\n" + `{"inquiry": {`})
	_, err := r.Read()
	require.NoError(t, err)
	_, err = r.Read()
	assert.EqualError(t, err, "disk on fire", "the source's error, not a half line's")
	_, err = r.Read()
	assert.EqualError(t, err, "disk on fire")
}

func TestWriteRefuses(t *testing.T) {
	var b bytes.Buffer
	w := history.NewWriter(&b)
	require.NoError(t, w.Write(sample()))
	bad := sample()
	bad.Events[2].Channel = ""
	err := w.Write(bad)
	assert.EqualError(t, err, "history: line 2: events[2].channel: a reply needs a channel")
	assert.ErrorIs(t, err, sla.ErrBadEvent)
	bad = sample()
	bad.Inquiry.Received = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	bad.Events = nil
	err = w.Write(bad)
	assert.ErrorIs(t, err, history.ErrBadRecord)
	assert.ErrorIs(t, err, sla.ErrBadInquiry)
	assert.ErrorContains(t, err, "history: line 2: inquiry.received: ")
	bad = sample()
	bad.Events[3].Due = time.Date(20260, 3, 10, 0, 0, 0, 0, time.UTC)
	err = w.Write(bad)
	assert.ErrorIs(t, err, sla.ErrBadEvent)
	assert.ErrorContains(t, err, "history: line 2: events[3].due: ")
	assert.ErrorContains(t, err, "a year outside 0–9999")
	require.NoError(t, w.Write(sample()))
	require.NoError(t, w.Flush())
	assert.Equal(t, 2, strings.Count(b.String(), "\n"), "nothing written for the records refused")
}

// An offset with seconds (local mean time) has no RFC 3339 form: the
// Writer writes the instant in UTC, and it reads back Equal.
func TestWriteOffsetWithSeconds(t *testing.T) {
	mon, err := time.LoadLocation("Africa/Monrovia")
	require.NoError(t, err)
	rec := sample()
	rec.Inquiry.Received = time.Date(1971, 3, 9, 9, 0, 0, 0, mon) // −00:44:30 until 1972
	for i := range rec.Events {
		rec.Events[i].Time = rec.Inquiry.Received.Add(time.Duration(i+1) * time.Minute)
	}
	first := rec.Events[0].Time
	var b bytes.Buffer
	w := history.NewWriter(&b)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Flush())
	assert.Equal(t, first, rec.Events[0].Time, "the caller's events are not changed")
	got, err := history.NewReader(&b).Read()
	require.NoError(t, err)
	assert.True(t, got.Inquiry.Received.Equal(rec.Inquiry.Received), "%v, want %v", got.Inquiry.Received, rec.Inquiry.Received)
	assert.Equal(t, time.UTC, got.Inquiry.Received.Location())
	for i := range rec.Events {
		assert.True(t, got.Events[i].Time.Equal(rec.Events[i].Time), "events[%d]", i)
	}
}

// normal returns rec with every instant in a fixed zone of its offset
// and empty lists nil, so that records read back compare equal to those
// written: a zone's name does not travel in RFC 3339.
func normal(rec history.Record) history.Record {
	fix := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		_, off := t.Zone()
		if off%60 != 0 {
			off = 0 // written in UTC: RFC 3339 has no seconds in an offset
		}
		return t.In(time.FixedZone("", off))
	}
	nilIfEmpty := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	out := rec
	out.Inquiry.Received = fix(rec.Inquiry.Received)
	out.Inquiry.Labels = nilIfEmpty(rec.Inquiry.Labels)
	if len(rec.Inquiry.ReplyTo) == 0 {
		out.Inquiry.ReplyTo = nil
	}
	out.Events = nil
	for _, e := range rec.Events {
		e.Time, e.Due, e.From = fix(e.Time), fix(e.Due), fix(e.From)
		e.AddLabels, e.RemoveLabels = nilIfEmpty(e.AddLabels), nilIfEmpty(e.RemoveLabels)
		out.Events = append(out.Events, e)
	}
	return out
}

// A Reader or a Writer with nothing to read or write (the zero value, or
// made from nil) answers ErrNoSource; none panics.
func TestNoSource(t *testing.T) {
	for name, r := range map[string]*history.Reader{"zero": {}, "nil": history.NewReader(nil), "sized": {MaxLineBytes: 10}} {
		_, err := r.Read()
		assert.ErrorIs(t, err, history.ErrNoSource, name)
	}
	for name, w := range map[string]*history.Writer{"zero": {}, "nil": history.NewWriter(nil)} {
		assert.ErrorIs(t, w.Write(history.Record{}), history.ErrNoSource, name)
		assert.ErrorIs(t, w.Flush(), history.ErrNoSource, name)
	}
}
