package calendar

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
	_ "time/tzdata"
)

// FuzzParse feeds Parse arbitrary documents: it must never panic, every
// error must be an *Error wrapping a sentinel, and every calendar it
// accepts must round-trip through MarshalJSON and answer without panicking.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		nineToFive,
		`{"zone":"Australia/Lord_Howe","week":{"sun":["00:00-24:00"],"mon":["22:00-06:00"]}}`,
		`{"name":"x","zone":"Europe/London","week":{"mon":["09:00-17:00"]},"closed":[{"date":"2026-12-24","hours":["13:00-24:00"]}],"open":[{"date":"2026-12-19","hours":["10:00-14:00"]}],"rules":[{"month":1,"day":1,"observed":"nearest-weekday"},{"month":11,"weekday":"thu","nth":4},{"easter":-2}]}`,
		`{"zone":"UTC","week":{"mon":["25:00-26:00"]}}`,
		`{"zone":"UTC","week":{"mon":["09:00-09:00"]}}`,
		`{"zone":"UTC","week":{}}`,
		`[]`, `null`, `{"zone":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || errors.Unwrap(err) == nil {
				t.Fatalf("error %q is not an *Error wrapping a sentinel", err)
			}
			return
		}
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := Parse(js)
		if err != nil {
			t.Fatalf("reparse %s: %v", js, err)
		}
		js2, _ := json.Marshal(again)
		if string(js) != string(js2) {
			t.Fatalf("round trip changed\n%s\n%s", js, js2)
		}
		at := time.Date(2026, 3, 8, 1, 30, 0, 0, time.UTC)
		u := c.Add(at, 100*time.Hour)
		if got := c.Between(at, u); got != 100*time.Hour {
			// Only a calendar with less than 100 business hours left
			// in the supported range may fall short: Add then
			// saturates at the range's end, after which it is never
			// open.
			beyond := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
			if got > 100*time.Hour || c.Between(u, beyond) != 0 {
				t.Fatalf("Between(t, Add(t, 100h)) = %s, %s left after it", got, c.Between(u, beyond))
			}
		}
		c.NextClose(at)
		c.AddDays(at, 3)
	})
}
