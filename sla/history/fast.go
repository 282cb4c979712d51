package history

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/replyby/replyby/sla"
)

// decode decodes and checks one line.
//
// Why a decoder of its own: the project's strict decoder
// (calendar/strictjson, through encoding/json's Token API) costs some
// 40 µs for an inquiry with five events, ten times what evaluating it
// costs, and a month of history is read line after line. The line's shape
// is fixed — an object of an inquiry and a list of events, whose members
// are strings, lists of strings, instants, an obligation key and a class —
// so decodeFast reads that shape directly from the bytes, as strictly:
// member names match exactly (no escape in them), and an unknown or
// repeated member, a value of another JSON type, null, malformed JSON or
// anything after the object makes it give up. Whenever it gives up, the
// line is decoded again by the reference, decodeReference, whose errors
// the Reader reports: so the fast path decides nothing on its own but to
// accept, and accepts only what the reference reads, as the same record.
// FuzzRead checks exactly that against the reference, and
// TestFastPathTakesWhatTheWriterWrites that the Writer's lines never
// need the reference.
func decode(b []byte) (Record, *Error) {
	rec, ok := decodeFast(b)
	if !ok {
		return decodeReference(b)
	}
	if e := rec.check(); e != nil {
		return Record{}, e
	}
	return rec, nil
}

// fast is the state of decodeFast: the line and the position in it.
type fast struct {
	b []byte
	i int
}

// decodeFast decodes a line holding a record in its plainest form; false
// means "ask the reference", never "the line is bad".
func decodeFast(b []byte) (Record, bool) {
	d := fast{b: b}
	var rec Record
	d.ws()
	if !d.eat('{') {
		return Record{}, false
	}
	var seen uint8
	for first := true; ; first = false {
		name, done, ok := d.member(first)
		if !ok {
			return Record{}, false
		}
		if done {
			break
		}
		var bit uint8
		switch string(name) {
		case "inquiry":
			bit, ok = 1, d.inquiry(&rec.Inquiry)
		case "events":
			bit, ok = 2, d.events(&rec.Events)
		}
		if bit == 0 || seen&bit != 0 || !ok {
			return Record{}, false
		}
		seen |= bit
	}
	d.ws()
	if seen&1 == 0 || d.i != len(d.b) {
		return Record{}, false
	}
	return rec, true
}

// ws skips white space.
func (d *fast) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\r', '\n':
			d.i++
		default:
			return
		}
	}
}

// eat reads c, after white space.
func (d *fast) eat(c byte) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// member reads, inside an object, what comes before a member's value: for
// the first, after '{', the name or the '}' of an empty object; for the
// others, after a value, ',' and the name, or the '}' that ends it. It
// reads only names without escapes, which are all the names it knows.
func (d *fast) member(first bool) (name []byte, done, ok bool) {
	d.ws()
	if d.i >= len(d.b) {
		return nil, false, false
	}
	if d.b[d.i] == '}' {
		d.i++
		return nil, true, true
	}
	if !first {
		if d.b[d.i] != ',' {
			return nil, false, false
		}
		d.i++
		d.ws()
	}
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false, false
	}
	start := d.i + 1
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			if !d.eat(':') {
				return nil, false, false
			}
			d.ws()
			return d.b[start:j], false, true
		case c == '\\' || c < 0x20:
			return nil, false, false
		}
	}
	return nil, false, false
}

// stringEnd returns the index after the closing quote of the string that
// starts at d.i, and whether it has escapes or bytes beyond ASCII; end is
// -1 if there is no well-formed string there.
func (d *fast) stringEnd() (end int, escaped, high bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return -1, false, false
	}
	for j := d.i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			return j + 1, escaped, high
		case c == '\\':
			escaped = true
			j++
		case c < 0x20:
			return -1, false, false
		case c >= 0x80:
			high = true
		}
	}
	return -1, false, false
}

// str reads a string as encoding/json does, escapes decoded (by
// encoding/json itself, for the rare strings that need it). It gives up
// on a string that is not text (bytes that are not UTF-8, an escaped
// surrogate not in a pair), for the reference to refuse it as the
// project's strict decoder does; a U+FFFD written as such, or as
// "\ufffd" (as the Writer writes bytes that are not UTF-8), is text.
func (d *fast) str() (string, bool) {
	end, escaped, high := d.stringEnd()
	if end < 0 {
		return "", false
	}
	raw := d.b[d.i+1 : end-1]
	if high && !utf8.Valid(raw) {
		return "", false
	}
	if escaped {
		var s string
		if json.Unmarshal(d.b[d.i:end], &s) != nil || strings.ContainsRune(s, utf8.RuneError) && !strictjson.IsText(d.b[d.i:end]) {
			return "", false
		}
		d.i = end
		return s, true
	}
	d.i = end
	return known(raw), true
}

// known returns b as a string, without allocating for the names of
// channels, event types, parties, kinds and priorities of package sla.
func known(b []byte) string {
	switch string(b) {
	case "email":
		return "email"
	case "phone":
		return "phone"
	case "voicemail":
		return "voicemail"
	case "sms":
		return "sms"
	case "chat":
		return "chat"
	case "social":
		return "social"
	case "web_form":
		return "web_form"
	case "meeting":
		return "meeting"
	case "customer_message":
		return "customer_message"
	case "reply":
		return "reply"
	case "auto_reply":
		return "auto_reply"
	case "promise":
		return "promise"
	case "promise_done":
		return "promise_done"
	case "appointment":
		return "appointment"
	case "appointment_held":
		return "appointment_held"
	case "status_change":
		return "status_change"
	case "resolve":
		return "resolve"
	case "reopen":
		return "reopen"
	case "assign":
		return "assign"
	case "do_something":
		return "do_something"
	case "customer":
		return "customer"
	case "prospect":
		return "prospect"
	case "question":
		return "question"
	case "complaint":
		return "complaint"
	case "normal":
		return "normal"
	case "urgent":
		return "urgent"
	case "pending":
		return "pending"
	case "solved":
		return "solved"
	}
	return string(b)
}

// instant reads an instant as the reference does: the string's bytes as
// they stand, given to time.Time's UnmarshalJSON.
func (d *fast) instant(t *time.Time) bool {
	end, _, _ := d.stringEnd()
	if end < 0 || t.UnmarshalJSON(d.b[d.i:end]) != nil {
		return false
	}
	d.i = end
	return true
}

// stringList reads a list of strings; an empty list is an empty slice, not
// nil, as the reference reads it.
func stringList[S ~string](d *fast, out *[]S) bool {
	if !d.eat('[') {
		return false
	}
	list := []S{}
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		*out = list
		return true
	}
	for {
		d.ws()
		s, ok := d.str()
		if !ok {
			return false
		}
		list = append(list, S(s))
		d.ws()
		if d.i >= len(d.b) {
			return false
		}
		c := d.b[d.i]
		d.i++
		switch c {
		case ']':
			*out = list
			return true
		case ',':
		default:
			return false
		}
	}
}

// text reads a string into a string-kinded field.
func text[S ~string](d *fast, out *S) bool {
	s, ok := d.str()
	*out = S(s)
	return ok
}

// class reads a class object.
func (d *fast) class(c *sla.Class) bool {
	if !d.eat('{') {
		return false
	}
	var seen uint8
	for first := true; ; first = false {
		name, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		var bit uint8
		switch string(name) {
		case "party":
			bit, ok = 1, text(d, &c.Party)
		case "kind":
			bit, ok = 2, text(d, &c.Kind)
		case "priority":
			bit, ok = 4, text(d, &c.Priority)
		}
		if bit == 0 || seen&bit != 0 || !ok {
			return false
		}
		seen |= bit
	}
}

// inquiry reads an inquiry object.
func (d *fast) inquiry(inq *sla.Inquiry) bool {
	if !d.eat('{') {
		return false
	}
	var seen uint8
	for first := true; ; first = false {
		name, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		var bit uint8
		switch string(name) {
		case "id":
			bit, ok = 1<<0, text(d, &inq.ID)
		case "channel":
			bit, ok = 1<<1, text(d, &inq.Channel)
		case "reply_to":
			bit, ok = 1<<2, stringList(d, &inq.ReplyTo)
		case "class":
			bit, ok = 1<<3, d.class(&inq.Class)
		case "received":
			bit, ok = 1<<4, d.instant(&inq.Received)
		case "labels":
			bit, ok = 1<<5, stringList(d, &inq.Labels)
		case "calendar":
			bit, ok = 1<<6, text(d, &inq.Calendar)
		case "zone":
			bit, ok = 1<<7, text(d, &inq.Zone)
		}
		if bit == 0 || seen&bit != 0 || !ok {
			return false
		}
		seen |= bit
	}
}

// events reads a list of events; an empty list is an empty slice.
func (d *fast) events(out *[]sla.Event) bool {
	if !d.eat('[') {
		return false
	}
	list := []sla.Event{}
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		*out = list
		return true
	}
	for {
		list = append(list, sla.Event{})
		if !d.event(&list[len(list)-1]) {
			return false
		}
		d.ws()
		if d.i >= len(d.b) {
			return false
		}
		c := d.b[d.i]
		d.i++
		switch c {
		case ']':
			*out = list
			return true
		case ',':
		default:
			return false
		}
	}
}

// event reads an event object.
func (d *fast) event(e *sla.Event) bool {
	if !d.eat('{') {
		return false
	}
	var seen uint32
	for first := true; ; first = false {
		name, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		var bit uint32
		switch string(name) {
		case "time":
			bit, ok = 1<<0, d.instant(&e.Time)
		case "type":
			bit, ok = 1<<1, text(d, &e.Type)
		case "channel":
			bit, ok = 1<<2, text(d, &e.Channel)
		case "actor":
			bit, ok = 1<<3, text(d, &e.Actor)
		case "ref":
			bit, ok = 1<<4, text(d, &e.Ref)
		case "due":
			bit, ok = 1<<5, d.instant(&e.Due)
		case "from":
			bit, ok = 1<<6, d.instant(&e.From)
		case "promise_kind":
			bit, ok = 1<<7, text(d, &e.PromiseKind)
		case "by":
			bit, ok = 1<<8, text(d, &e.By)
		case "status":
			bit, ok = 1<<9, text(d, &e.Status)
		case "class":
			bit, ok = 1<<10, d.class(&e.Class)
		case "add_labels":
			bit, ok = 1<<11, stringList(d, &e.AddLabels)
		case "remove_labels":
			bit, ok = 1<<12, stringList(d, &e.RemoveLabels)
		case "owner":
			bit, ok = 1<<13, text(d, &e.Owner)
		case "team":
			bit, ok = 1<<14, text(d, &e.Team)
		case "obligation":
			var s string
			if s, ok = d.str(); ok {
				ok = e.Obligation.UnmarshalText([]byte(s)) == nil
			}
			bit = 1 << 15
		case "reason":
			bit, ok = 1<<16, text(d, &e.Reason)
		}
		if bit == 0 || seen&bit != 0 || !ok {
			return false
		}
		seen |= bit
	}
}
