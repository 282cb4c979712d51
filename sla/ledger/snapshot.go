package ledger

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/wiretime"
)

// snapshotFormat names the document Snapshot writes.
const snapshotFormat = "replyby.sla.ledger/2"

// snapshotTable is the CRC-32C table of snapshot checksums.
var snapshotTable = crc32.MakeTable(crc32.Castagnoli)

type (
	// snapDoc is a snapshot as read: the inquiries are kept raw to be
	// checked against the checksum before they are decoded.
	snapDoc struct {
		Format    string          `json:"format"`
		Count     *int            `json:"count"`
		Checksum  *string         `json:"checksum"`
		Inquiries json.RawMessage `json:"inquiries"`
	}
	snapEntry struct {
		ID       string        `json:"id"`
		Channel  sla.Channel   `json:"channel"`
		ReplyTo  []sla.Channel `json:"reply_to,omitempty"`
		Party    sla.Party     `json:"party,omitempty"`
		Kind     sla.Kind      `json:"kind,omitempty"`
		Priority sla.Priority  `json:"priority,omitempty"`
		Received time.Time     `json:"received"`
		Zone     string        `json:"zone,omitempty"`
		Labels   []string      `json:"labels,omitempty"`
		Calendar string        `json:"calendar,omitempty"`
		AsOf     time.Time     `json:"as_of"`
		Events   []sla.Event   `json:"events,omitempty"`
		Sent     [][2]string   `json:"delivered,omitempty"`
	}
)

// Snapshot writes the whole ledger to w as one JSON document: every
// inquiry, its log, its as-of instant and the escalation levels delivered
// for it, ordered by ID. [Ledger.Restore] reads it back. Instants keep their
// UTC offset, and the name of the location of each inquiry's Received
// time is recorded so that Restore can give the inquiry's instants their
// location back.
//
// The document is an object with the members "format"
// ("replyby.sla.ledger/2"), "count" (the number of inquiries), "checksum"
// (the CRC-32C, Castagnoli polynomial, of the exact bytes of the
// "inquiries" value, as eight lower-case hex digits) and "inquiries", in
// that order. The checksum lets Restore refuse a snapshot damaged or
// edited after it was written; to restore an edited snapshot on purpose,
// compute the checksum again.
//
// The ledger is read under its lock while the document is built, not while
// it is written.
func (l *Ledger) Snapshot(w io.Writer) error {
	if w == nil {
		return errors.New("ledger: snapshot: nil writer")
	}
	l.mu.RLock()
	inquiries := make([]snapEntry, 0, len(l.byID))
	for _, e := range l.byID {
		received, _ := wiretime.Form(e.inq.Received)
		asOf, _ := wiretime.Form(e.asOf)
		se := snapEntry{
			ID: e.inq.ID, Channel: e.inq.Channel, ReplyTo: e.inq.ReplyTo,
			Party: e.inq.Party, Kind: e.inq.Kind, Priority: e.inq.Priority,
			Received: received, Zone: e.inq.Received.Location().String(),
			Labels: e.inq.Labels, Calendar: e.inq.Calendar, AsOf: asOf,
			Events: wiretime.Events(e.events),
		}
		for _, k := range e.sent {
			if !k.pending {
				se.Sent = append(se.Sent, [2]string{k.ob.String(), k.level})
			}
		}
		inquiries = append(inquiries, se)
	}
	l.mu.RUnlock()
	slices.SortFunc(inquiries, func(a, b snapEntry) int { return cmp.Compare(a.ID, b.ID) })
	raw, err := json.Marshal(inquiries)
	if err != nil {
		return fmt.Errorf("ledger: snapshot: %w", err)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `{"format":%q,"count":%d,"checksum":"%08x","inquiries":`,
		snapshotFormat, len(inquiries), crc32.Checksum(raw, snapshotTable))
	bw.Write(raw)
	bw.WriteString("}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ledger: snapshot: %w", err)
	}
	return nil
}

// Restore replaces the contents of the ledger with the snapshot read from
// r, whole or not at all. It refuses, with an error wrapping
// ErrBadSnapshot and leaving the ledger unchanged, a document that is not
// exactly one snapshot (truncated, trailing data, unknown or missing
// members, another format), whose checksum does not match its inquiries
// (damaged or edited since it was written), whose count disagrees with its
// inquiries, that holds an ID twice, a delivered key that is malformed, or
// a log that the ledger's policy set refuses (then the error wraps
// Evaluate's error too).
//
// The ledger's policy set need not be the one the snapshot was taken
// under: statuses are computed afresh under the restoring ledger's set, so
// a host may change its policies across a restart. Delivered keys are
// taken as recorded (a key naming a level the new set does not have is
// inert).
//
// Restored instants are the same instants with the same UTC offsets. Those
// of an inquiry (arrival, events, as-of) are put back in the location
// named by the snapshot when time.LoadLocation knows it and it gives the
// same offset, so that statuses after a round trip print the same; other
// instants keep a fixed offset. An offset with seconds (local mean time,
// before a zone was standardised) has no RFC 3339 form: Snapshot writes
// such an instant in UTC, and Restore puts an instant written in UTC in
// the recorded location when that location gives it an offset with
// seconds. So such an instant in the recorded location comes back as it
// was; one in another zone with seconds, or one in UTC at a time when the
// recorded location kept local mean time, comes back as the same instant
// at another offset.
func (l *Ledger) Restore(r io.Reader) error {
	if r == nil {
		return fmt.Errorf("ledger: restore: %w: nil reader", ErrBadSnapshot)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("ledger: restore: %w: %w", ErrBadSnapshot, err)
	}
	var doc snapDoc
	if err := strictjson.Decode(data, &doc); err != nil {
		return fmt.Errorf("ledger: restore: %w: %w", ErrBadSnapshot, err)
	}
	if doc.Format != snapshotFormat {
		return fmt.Errorf("ledger: restore: %w: format %q, want %q", ErrBadSnapshot, doc.Format, snapshotFormat)
	}
	switch {
	case doc.Count == nil:
		return fmt.Errorf("ledger: restore: %w: no count", ErrBadSnapshot)
	case doc.Checksum == nil:
		return fmt.Errorf("ledger: restore: %w: no checksum", ErrBadSnapshot)
	case len(doc.Inquiries) == 0 || string(doc.Inquiries) == "null":
		return fmt.Errorf("ledger: restore: %w: no inquiries", ErrBadSnapshot)
	}
	if sum := fmt.Sprintf("%08x", crc32.Checksum(doc.Inquiries, snapshotTable)); sum != *doc.Checksum {
		return fmt.Errorf("ledger: restore: %w: checksum %q, but the inquiries sum to %q: damaged or edited", ErrBadSnapshot, *doc.Checksum, sum)
	}
	var inquiries []snapEntry
	if err := strictjson.Decode(doc.Inquiries, &inquiries); err != nil {
		var je *strictjson.Error
		if errors.As(err, &je) {
			je.Path = strictjson.JoinPath("inquiries", je.Path)
		}
		return fmt.Errorf("ledger: restore: %w: %w", ErrBadSnapshot, err)
	}
	if *doc.Count != len(inquiries) {
		return fmt.Errorf("ledger: restore: %w: count %d but %d inquiries", ErrBadSnapshot, *doc.Count, len(inquiries))
	}
	tmp := New(l.ps)
	tmp.byID = make(map[string]*entry, len(inquiries))
	zones := map[string]*time.Location{}
	for i := range inquiries {
		se := &inquiries[i]
		e, g, err := l.restoreEntry(se, zones)
		if err != nil {
			return fmt.Errorf("ledger: restore: %w: inquiries[%d] (%q): %w", ErrBadSnapshot, i, se.ID, err)
		}
		if _, dup := tmp.byID[se.ID]; dup {
			return fmt.Errorf("ledger: restore: %w: inquiries[%d]: %w %q", ErrBadSnapshot, i, ErrDuplicateInquiry, se.ID)
		}
		tmp.byID[se.ID] = e
		tmp.schedule(e, &g)
	}
	l.mu.Lock()
	l.byID, l.due, l.byAsOf, l.breached, l.risk = tmp.byID, tmp.due, tmp.byAsOf, tmp.breached, tmp.risk
	l.mu.Unlock()
	l.changed(time.Time{})
	return nil
}

// fixedZone returns an unnamed location at offset seconds east of UTC,
// one per offset (cached in zones).
func fixedZone(zones map[string]*time.Location, offset int) *time.Location {
	key := "\x00" + strconv.Itoa(offset)
	loc, ok := zones[key]
	if !ok {
		loc = time.FixedZone("", offset)
		zones[key] = loc
	}
	return loc
}

// restoreEntry builds an entry from its snapshot form and evaluates it at
// its as-of instant.
func (l *Ledger) restoreEntry(se *snapEntry, zones map[string]*time.Location) (*entry, sla.Glance, error) {
	if se.ID == "" {
		return nil, sla.Glance{}, &sla.Error{Path: "id", Reason: "missing", Err: sla.ErrBadInquiry}
	}
	loc, ok := zones[se.Zone]
	if !ok {
		loc, _ = time.LoadLocation(se.Zone) // nil if unknown: keep offsets
		zones[se.Zone] = loc
	}
	in := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		_, off := t.Zone()
		if loc != nil {
			// The recorded location if it gives the offset written, or
			// one with seconds, which Snapshot writes in UTC.
			if u := t.In(loc); func() bool { _, o := u.Zone(); return o == off || off == 0 && o%60 != 0 }() {
				return u
			}
		}
		// Not the recorded location: a fixed offset, never time.Local,
		// which encoding/json gives an instant whose offset happens to
		// match the host's zone and which would print other instants
		// at another offset.
		if off == 0 {
			return t.UTC()
		}
		return t.In(fixedZone(zones, off))
	}
	e := newEntry(sla.Inquiry{
		ID: se.ID, Channel: se.Channel, ReplyTo: se.ReplyTo,
		Class:    sla.Class{Party: se.Party, Kind: se.Kind, Priority: se.Priority},
		Received: in(se.Received), Labels: se.Labels, Calendar: se.Calendar,
	}, in(se.AsOf))
	if len(se.Events) > 0 {
		e.events = make([]sla.Event, len(se.Events))
	}
	for i, sv := range se.Events {
		sv.Time, sv.Due, sv.From = in(sv.Time), in(sv.Due), in(sv.From)
		e.events[i] = sv
		if sv.Time.After(e.asOf) {
			return nil, sla.Glance{}, fmt.Errorf("events[%d] at %v after the as-of instant %v", i, sv.Time, se.AsOf)
		}
	}
	if e.asOf.Before(e.inq.Received) {
		return nil, sla.Glance{}, fmt.Errorf("as-of instant %v before arrival", se.AsOf)
	}
	for j, s := range se.Sent {
		k, err := sla.ParseKey(s[0])
		if err != nil || s[1] == "" {
			return nil, sla.Glance{}, fmt.Errorf("delivered[%d]: bad key %q", j, s)
		}
		e.sent = append(e.sent, sentKey{k, s[1], false})
	}
	run, g, err := l.build(e.inq, e.events, e.asOf)
	if err != nil {
		return nil, sla.Glance{}, err
	}
	if err := run.Advance(e.asOf); err != nil {
		return nil, sla.Glance{}, err
	}
	e.run = run
	return e, g, nil
}
