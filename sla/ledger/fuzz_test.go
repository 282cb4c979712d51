package ledger_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/ledger"
)

// FuzzLedgerRestore: any document either restores into a ledger whose
// snapshot restores again to the same snapshot, or is refused with
// ErrBadSnapshot, leaving the ledger as it was; never a panic.
func FuzzLedgerRestore(f *testing.F) {
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "4h", "escalation": [{"name": "late", "at": "0"}]}}}]}`))
	good := ledger.New(ps)
	received := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	if err := good.Add(sla.Inquiry{ID: "a", Channel: sla.Email, Received: received},
		sla.Event{Time: received.Add(time.Hour), Type: sla.Reply, Channel: sla.Email}); err != nil {
		f.Fatal(err)
	}
	if err := good.Add(sla.Inquiry{ID: "b", Channel: sla.Phone, Received: received}); err != nil {
		f.Fatal(err)
	}
	sweep(good, received.Add(5*time.Hour))
	var snap bytes.Buffer
	if err := good.Snapshot(&snap); err != nil {
		f.Fatal(err)
	}
	f.Add(snap.String())
	f.Add(snap.String()[:snap.Len()/2])
	f.Add(strings.Replace(snap.String(), `"a"`, `"b"`, 1))
	f.Add(`{}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, doc string) {
		// Most edits fail the checksum; half the time, seal the
		// document again so that they reach the checks behind it.
		if len(doc) > 0 && doc[len(doc)-1]%2 == 0 {
			doc = reseal(doc)
		}
		l := ledger.New(ps)
		err := l.Restore(strings.NewReader(doc))
		if err != nil {
			if !errors.Is(err, ledger.ErrBadSnapshot) {
				t.Fatalf("Restore: %v does not wrap ErrBadSnapshot", err)
			}
			if l.Len() != 0 {
				t.Fatalf("a refused snapshot left %d inquiries", l.Len())
			}
			return
		}
		var b1, b2 bytes.Buffer
		if err := l.Snapshot(&b1); err != nil {
			t.Fatal(err)
		}
		again := ledger.New(ps)
		if err := again.Restore(bytes.NewReader(b1.Bytes())); err != nil {
			t.Fatalf("a snapshot of a restored ledger does not restore: %v", err)
		}
		if err := again.Snapshot(&b2); err != nil {
			t.Fatal(err)
		}
		if b1.String() != b2.String() {
			t.Fatalf("snapshot round trip changed\n%s\n%s", b1.String(), b2.String())
		}
	})
}
