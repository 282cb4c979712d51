// Package history reads and writes the history of inquiries — each
// inquiry with its event log — in a portable form: JSON Lines, one record
// a line, so that a month of a desk's traffic can be exported from one
// host, replayed under another policy set (package sla/report's
// Compare), kept as a test fixture or moved to another store.
//
// A record is an inquiry and its events in the JSON forms package sla
// reads (sla.ParseInquiry, sla.ParseEvents), as the members "inquiry"
// and "events" of one object on one line:
//
//	{"inquiry":{"id":"case-3001","channel":"email","reply_to":["email"],"class":{"party":"customer","kind":"complaint"},"received":"2026-11-23T09:00:00-05:00"},"events":[{"time":"2026-11-23T14:00:00-05:00","type":"reply","channel":"phone","actor":"bob"},{"time":"2026-11-23T14:00:00-05:00","type":"promise","actor":"bob","ref":"fix-bill","due":"2026-11-24T12:00:00-05:00","promise_kind":"do_something"}]}
//
// "inquiry" is required and "events" may be left out (no event yet).
// Reading is as strict as package sla's readers: member names match
// exactly, unknown and repeated members are refused, the inquiry must be
// well-formed (sla.Inquiry.Check) and so must every event
// (sla.Event.Check), and no event may come before the inquiry's arrival.
// Events need not be in time order (evaluation sorts them). Lines are
// independent: nothing ties one record to another, and a file may hold
// the same inquiry twice (a reader that cares checks IDs). Lines that hold
// only white space are skipped; a line may end in "\r\n".
//
// A line that is not a record is an *Error naming its line number and the
// field at fault, as in
//
//	history: line 7: events[2].channel: a reply needs a channel
//
// and the Reader goes on with the next line: the caller decides whether
// a bad line is skipped or ends the reading. No input makes the Reader
// panic, and a line longer than Reader.MaxLineBytes is refused without
// being held in memory.
//
// The Writer writes what the Reader reads: reading back what it wrote
// gives the same records (instants equal, as time.Time.Equal says, in a
// location of the same offset), and it refuses a record that would not
// read back.
package history
