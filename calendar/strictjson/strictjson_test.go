package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type level struct {
	Name   string   `json:"name"`
	At     upper    `json:"at"`
	Notify []string `json:"notify,omitempty"`
}

type target struct {
	Within     *string `json:"within"`
	Escalation []level `json:"escalation"`
	Hidden     string  `json:"-"`
	hidden     string  //lint:ignore U1000 an unexported field no member may set
}

type doc struct {
	Name      string                     `json:"name"`
	Count     int8                       `json:"count"`
	Size      uint16                     `json:"size"`
	Share     float64                    `json:"share"`
	On        bool                       `json:"on"`
	Targets   map[string]target          `json:"targets"`
	Raw       json.RawMessage            `json:"raw"`
	Any       any                        `json:"any"`
	Inner     *inner                     `json:"inner"`
	Sub       sub                        `json:"sub"`
	When      time.Time                  `json:"when"`
	Raws      map[string]json.RawMessage `json:"raws"`
	NoTag     string
	Untouched string    `json:"untouched"`
	Pair      [2]string `json:"pair"`
}

type inner struct {
	X int `json:"x"`
}

// upper is a text value: upper-case letters only.
type upper string

var errLower = errors.New("not upper case")

func (u *upper) UnmarshalText(b []byte) error {
	if strings.ToUpper(string(b)) != string(b) {
		return fmt.Errorf("%w: %q", errLower, b)
	}
	*u = upper(b)
	return nil
}

// sub decodes itself with Decode, so that its errors carry their own
// paths.
type sub struct{ Y int }

func (s *sub) UnmarshalJSON(b []byte) error {
	var v struct {
		Y []int `json:"y"`
	}
	if err := Decode(b, &v); err != nil {
		return err
	}
	s.Y = len(v.Y)
	return nil
}

func TestDecode(t *testing.T) {
	var d doc
	d.Untouched = "kept"
	err := Decode([]byte(` {
		"name": "a", "count": -7, "size": 65535, "share": 0.25, "on": true,
		"targets": {"first_reply": {"within": "1h", "escalation": [{"name": "warn", "at": "W", "notify": ["x"]}]},
		            "b": {"within": null}},
		"raw": [1, {"a": 2}],
		"any": {"k": [1, "s", null, true]},
		"inner": {"x": 3},
		"sub": {"y": [1, 2]},
		"when": "2026-11-20T16:55:00Z",
		"raws": {"c": {"z": 1}, "d": null},
		"NoTag": "n",
		"untouched": null,
		"pair": ["p", "q"]
	} `), &d)
	require.NoError(t, err)
	h := "1h"
	assert.Equal(t, doc{
		Name: "a", Count: -7, Size: 65535, Share: 0.25, On: true,
		Targets: map[string]target{
			"first_reply": {Within: &h, Escalation: []level{{Name: "warn", At: "W", Notify: []string{"x"}}}},
			"b":           {},
		},
		Raw:       json.RawMessage(`[1, {"a": 2}]`),
		Any:       map[string]any{"k": []any{1.0, "s", nil, true}},
		Inner:     &inner{X: 3},
		Sub:       sub{Y: 2},
		When:      time.Date(2026, 11, 20, 16, 55, 0, 0, time.UTC),
		Raws:      map[string]json.RawMessage{"c": json.RawMessage(`{"z": 1}`), "d": json.RawMessage(`null`)},
		NoTag:     "n",
		Untouched: "kept",
		Pair:      [2]string{"p", "q"},
	}, d)
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		doc, path, reason string
		err               error
	}{
		{``, "", "unexpected end of the document", ErrSyntax},
		{`{"name": "a"`, "", "unexpected end of the document", ErrSyntax},
		{`{"name": "a"} {}`, "", "data after the document", ErrSyntax},
		{`{"name": "a"} x`, "", "data after the document", ErrSyntax},
		{`[]`, "", "want an object, not a list", ErrType},
		{`{"Name": "a"}`, "Name", "unknown field", ErrUnknownField},
		{`{"name": "a", "name": "b"}`, "name", "given twice", ErrDuplicate},
		{`{"nme": 1}`, "nme", "unknown field", ErrUnknownField},
		{`{"hidden": "x"}`, "hidden", "unknown field", ErrUnknownField},
		{`{"Hidden": "x"}`, "Hidden", "unknown field", ErrUnknownField},
		{`{"name": 1}`, "name", "want a string, not a number", ErrType},
		{`{"count": 1.5}`, "count", "want an integer, not 1.5", ErrType},
		{`{"count": 128}`, "count", "out of range: 128", ErrType},
		{`{"count": "1"}`, "count", "want an integer, not a string", ErrType},
		{`{"size": -1}`, "size", "want a non-negative integer, not -1", ErrType},
		{`{"share": 1e999}`, "share", "out of range: 1e999", ErrType},
		{`{"on": "yes"}`, "on", "want true or false, not a string", ErrType},
		{`{"targets": []}`, "targets", "want an object, not a list", ErrType},
		{`{"targets": {"a": {"escalation": {}}}}`, "targets.a.escalation", "want a list, not an object", ErrType},
		{`{"targets": {"a-b": {"escalation": [{"name": "x"}, {"at": 1}]}}}`, `targets["a-b"].escalation[1].at`, "want a string, not a number", ErrType},
		{`{"targets": {"a": {"within": "1h", "within": "2h"}}}`, "targets.a.within", "given twice", ErrDuplicate},
		{`{"targets": {"a": {}, "a": {}}}`, "targets.a", "given twice", ErrDuplicate},
		{`{"any": {"k": 1, "k": 2}}`, "any.k", "given twice", ErrDuplicate},
		{`{"inner": {"x": true}}`, "inner.x", "want an integer, not a boolean", ErrType},
		{`{"sub": {"y": [1, "2"]}}`, "sub.y[1]", "want an integer, not a string", ErrType},
		{`{"sub": {"Y": []}}`, "sub.Y", "unknown field", ErrUnknownField},
		{`{"when": "yesterday"}`, "when", "", nil},
		{`{"pair": ["a"]}`, "pair", "want a list of 2, not of 1", ErrType},
		{`{"pair": ["a", "b", "c"]}`, "pair", "want a list of 2, not longer", ErrType},
		{`{"pair": ["a", 2]}`, "pair[1]", "want a string, not a number", ErrType},
		{`{"name": "a",}`, "", "", ErrSyntax},
		{`{"name" "a"}`, "name", "", ErrSyntax},
		{`{"raw": [1,}`, "raw", "", ErrSyntax},
		{`{"raw": ]}`, "raw", "", ErrSyntax},
		{strings.Repeat("[", 2000) + strings.Repeat("]", 2000), "", "want an object, not a list", ErrType},
		{`{"any": ` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`, "", "nested too deeply", ErrSyntax},
	} {
		var d doc
		err := Decode([]byte(tc.doc), &d)
		var e *Error
		require.ErrorAs(t, err, &e, tc.doc)
		if tc.err != nil {
			assert.ErrorIs(t, err, tc.err, tc.doc)
		}
		if strings.Contains(tc.doc, "nested") || tc.reason == "nested too deeply" {
			assert.Equal(t, tc.reason, e.Reason, tc.doc)
			continue
		}
		assert.Equal(t, tc.path, e.Path, tc.doc)
		if tc.reason != "" {
			assert.Equal(t, tc.reason, e.Reason, tc.doc)
		}
	}
}

func TestDecodeTextError(t *testing.T) {
	var d doc
	err := Decode([]byte(`{"targets": {"x": {"escalation": [{"at": "w"}]}}}`), &d)
	assert.ErrorIs(t, err, errLower)
	assert.EqualError(t, err, `targets.x.escalation[0].at: not upper case: "w"`)
}

func TestDecodeNeedsPointer(t *testing.T) {
	var d doc
	assert.ErrorIs(t, Decode([]byte(`{}`), d), ErrType)
	assert.ErrorIs(t, Decode([]byte(`{}`), (*doc)(nil)), ErrType)
	var ch chan int
	assert.ErrorIs(t, Decode([]byte(`1`), &ch), ErrType)
	var m map[int]int
	assert.ErrorIs(t, Decode([]byte(`{"1": 1}`), &m), ErrType)
}

func TestJoin(t *testing.T) {
	assert.Equal(t, "a", Join("", "a"))
	assert.Equal(t, "a.b_2", Join("a", "b_2"))
	assert.Equal(t, `a["b-c"]`, Join("a", "b-c"))
	assert.Equal(t, `a[""]`, Join("a", ""))
	assert.Equal(t, `["é"]`, Join("", "é"))
	assert.Equal(t, "a[3]", Index("a", 3))
	assert.Equal(t, `c["d"].week.mon[0]`, JoinPath(`c["d"]`, "week.mon[0]"))
	assert.Equal(t, `c["d"][1]`, JoinPath(`c["d"]`, "[1]"))
	assert.Equal(t, `c`, JoinPath(`c`, ""))
	assert.Equal(t, `x`, JoinPath(``, "x"))
}

// A document Decode accepts is one encoding/json accepts too, with the
// same result; Decode refuses only what it documents refusing.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"name": "a", "count": 3, "targets": {"x": {"within": "1h", "escalation": [{"name": "W", "at": "W"}]}}}`,
		`{"any": {"a": [1, 2.5, "x", null, false, {"b": {}}]}, "raw": {"q": [1]}}`,
		`{"inner": null, "raws": {"a": 1}, "share": -0.5e3, "size": 7, "on": false}`,
		`{"Name": 1}`, `{"name": "a", "name": "a"}`, `[`, `"\ud800"`, `{"name": "\u00e9\n"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<12 {
			return // long inputs add nothing but slow minimising
		}
		var got doc
		err := Decode(data, &got)
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			return
		}
		var want doc
		require.NoError(t, json.Unmarshal(data, &want), "encoding/json refuses what Decode accepts")
		wantJSON, _ := json.Marshal(want)
		gotJSON, _ := json.Marshal(got)
		assert.JSONEq(t, string(wantJSON), string(gotJSON))
	})
}
