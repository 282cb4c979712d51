package history

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzRead reads any input line by line: no input makes the Reader
// panic; every line gives a record or an *Error naming that line; the
// fast decoder agrees with the reference (calendar/strictjson and the
// sla checks) on every line, record for record and error for error; and
// a record read writes back to a line that reads as the same record.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{"inquiry":{"id":"case-3001","channel":"email","reply_to":["email"],"class":{"party":"customer","kind":"complaint"},"received":"2026-11-23T09:00:00-05:00"},"events":[{"time":"2026-11-23T14:00:00-05:00","type":"reply","channel":"phone","actor":"bob"},{"time":"2026-11-23T14:00:00-05:00","type":"promise","actor":"bob","ref":"fix-bill","due":"2026-11-24T12:00:00-05:00","promise_kind":"do_something"}]}`,
		`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z", "labels": [null, "a\u00e9\ud83d\ude00"], "reply_to": null}, "events": null}` + "\n\n" + `{]`,
		`{"events": [{"time": "2026-11-23T10:00:00Z", "type": "override", "obligation": "resolution@billing", "due": "2026-11-23T10:00:00Z"}], "inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}}`,
		`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "reclassify", "class": {"priority": "high"}, "add_labels": ["x"], "remove_labels": []}]}`,
		`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z", "class": null, "id": "\"\\/\b\f\n\r\t"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "assign", "owner": "ann", "team": "b"}, {"time": "2026-11-23T10:00:00Z", "type": "appointment_cancelled", "ref": "r", "by": "us"}]}`,
		`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "inquiry": 1}` + "\r\n" + `{"inquiry": {"channel": true}}`,
		`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z", "\u0069d": "a", "id": "b"}}`,
		"{\"inquiry\": {\"channel\": \"\xff\", \"received\": \"2026-11-23T09:00:00Z\"}}",
		`{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}, "events": [{"time": "2026-11-23T10:00:00Z", "type": "promise", "due": "2026-11-24T10:00:00Z", "from": "2026-11-24T09:00:00Z", "channel": "phone"}, {"time": 5}]}`,
		"", "\n", "null", "[1, 2]", `{"inquiry": {}} trailing`, `{"inquiry": {"channel": "email", "received": "2026-11-23T09:00:00Z"}} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.MaxLineBytes = 1 << 16
		lines := bytes.Split(data, []byte{'\n'})
		for n := 0; n < len(lines)+1; n++ {
			rec, err := r.Read()
			if err == io.EOF {
				return
			}
			line := r.Line()
			if line < 1 || line > len(lines) {
				t.Fatalf("line %d of %d", line, len(lines))
			}
			text := bytes.TrimRight(lines[line-1], " \t\r")
			ref, refErr := decodeReference(text)
			if err != nil {
				var he *Error
				if !errors.As(err, &he) || he.Line != line || !errors.Is(err, ErrBadRecord) {
					t.Fatalf("line %d: %v is not an *Error naming the line", line, err)
				}
				if refErr == nil {
					t.Fatalf("line %d: the fast decoder refuses what the reference reads: %v\n%q", line, err, text)
				}
				refErr.Line = line
				if refErr.Error() != he.Error() && !errors.Is(err, ErrLineTooLong) {
					t.Fatalf("line %d: errors differ:\nfast:      %v\nreference: %v\n%q", line, he, refErr, text)
				}
				continue
			}
			if refErr != nil {
				t.Fatalf("line %d: the fast decoder reads what the reference refuses (%v)\n%q", line, refErr, text)
			}
			if !reflect.DeepEqual(rec, ref) {
				t.Fatalf("line %d: records differ:\nfast:      %#v\nreference: %#v", line, rec, ref)
			}
			var b bytes.Buffer
			w := NewWriter(&b)
			if err := w.Write(rec); err != nil {
				t.Fatalf("line %d: a record read does not write: %v", line, err)
			}
			w.Flush()
			written := bytes.Clone(b.Bytes())
			again, err := NewReader(&b).Read()
			if err != nil {
				t.Fatalf("line %d: a record written does not read back: %v\n%s", line, err, written)
			}
			var b2 bytes.Buffer
			w2 := NewWriter(&b2)
			w2.Write(again)
			w2.Flush()
			if !bytes.Equal(written, b2.Bytes()) {
				t.Fatalf("line %d: written twice differs:\n%s\n%s", line, written, b2.Bytes())
			}
		}
		t.Fatal("more records than lines")
	})
}
