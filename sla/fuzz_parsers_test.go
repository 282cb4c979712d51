package sla_test

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/replyby/replyby/sla"
)

// FuzzParseDuration: any string parses to a duration that prints and parses
// back to itself, or fails with ErrBadDuration; never a panic.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"4h", "90m", "PT4H", "P1D", "P1DT4H30M", "PT0.5S", "P1M", "P1W", "-1h", "P-1D", "4x", "", "P", "PT", "1.5h", "P3660D", "P3661D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sla.ParseDuration(s)
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
	for _, s := range []string{"first_reply", "next_reply#2", "promise#1", "update#3", "resolution", "next_reply#0", "next_reply#-1", "x#1", "#", "promise#99999999999999999999"} {
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

// FuzzLedgerRestore: any document either restores into a ledger whose
// snapshot restores again to the same snapshot, or is refused with
// ErrBadSnapshot, leaving the ledger as it was; never a panic.
func FuzzLedgerRestore(f *testing.F) {
	ps := sla.MustParsePolicies([]byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "4h", "escalation": [{"name": "late", "at": "0"}]}}}]}`))
	good := sla.NewLedger(ps)
	received := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	if err := good.Add(sla.Inquiry{ID: "a", Channel: sla.Email, Received: received},
		sla.Event{Time: received.Add(time.Hour), Type: sla.Reply, Channel: sla.Email}); err != nil {
		f.Fatal(err)
	}
	if err := good.Add(sla.Inquiry{ID: "b", Channel: sla.Phone, Received: received}); err != nil {
		f.Fatal(err)
	}
	good.Sweep(received.Add(5 * time.Hour))
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
		l := sla.NewLedger(ps)
		err := l.Restore(strings.NewReader(doc))
		if err != nil {
			if !errors.Is(err, sla.ErrBadSnapshot) {
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
		again := sla.NewLedger(ps)
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
