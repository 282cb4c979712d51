package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
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
		{`{"name": "a\ud800"}`, "name", `a string holds \ud800, a UTF-16 surrogate not in a pair`, ErrSyntax},
		{`{"name": "\uDE00\uD83D"}`, "name", `a string holds \uDE00, a UTF-16 surrogate not in a pair`, ErrSyntax},
		{`{"name": "\uD83D\u0041"}`, "name", `a string holds \uD83D, a UTF-16 surrogate not in a pair`, ErrSyntax},
		{"{\"name\": \"\xff\"}", "name", "a string holds bytes that are not UTF-8", ErrSyntax},
		{"{\"n\xc3\": 1}", "[\"n\uFFFD\"]", "a string holds bytes that are not UTF-8", ErrSyntax}, // the member named so
		{`{"targets": {"a\udc00": {}}}`, "targets[\"a\uFFFD\"]", `a string holds \udc00, a UTF-16 surrogate not in a pair`, ErrSyntax},
		{`{"any": {"k": ["\udfff"]}}`, "any.k[0]", `a string holds \udfff, a UTF-16 surrogate not in a pair`, ErrSyntax},
		{`{"raw": {"k": "\ud800"}}`, "raw", `a string holds \ud800, a UTF-16 surrogate not in a pair`, ErrSyntax},
		{`{"when": "\ud800"}`, "when", `a string holds \ud800, a UTF-16 surrogate not in a pair`, ErrSyntax},
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

// A string is taken exactly when it is text: its pieces, written as a
// JSON string, are checked against a reference that reads each piece as
// the UTF-16 code units (or the bytes that are not UTF-8) it stands for.
func TestStringsAreText(t *testing.T) {
	type piece struct {
		json  string
		units []uint16 // what it stands for; nil with bad
		bad   bool     // bytes that are not UTF-8
	}
	pieces := []piece{
		{json: "a", units: []uint16{'a'}},
		{json: `u`, units: []uint16{'u'}},
		{json: `D800`, units: []uint16{'D', '8', '0', '0'}},
		{json: `\\`, units: []uint16{'\\'}},
		{json: `\"`, units: []uint16{'"'}},
		{json: `\n`, units: []uint16{'\n'}},
		{json: `\u0041`, units: []uint16{'A'}},
		{json: `\uD83D`, units: []uint16{0xD83D}},
		{json: `\ude00`, units: []uint16{0xDE00}},
		{json: `\uFFFD`, units: []uint16{0xFFFD}},
		{json: "é", units: []uint16{0xE9}},
		{json: "\uFFFD", units: []uint16{0xFFFD}},
		{json: "😀", units: []uint16{0xD83D, 0xDE00}},
		{json: "\xff", bad: true},
		{json: "\xc3", bad: true},
	}
	rapid.Check(t, func(t *rapid.T) {
		ps := rapid.SliceOfN(rapid.SampledFrom(pieces), 0, 8).Draw(t, "pieces")
		var doc strings.Builder
		var units []uint16
		valid := true
		for _, p := range ps {
			doc.WriteString(p.json)
			units = append(units, p.units...)
			valid = valid && !p.bad
		}
		raw := doc.String() // no piece begins with a UTF-8 continuation byte: a bad one stays bad
		for i := 0; i < len(units); i++ {
			switch u := units[i]; {
			case utf16.IsSurrogate(rune(u)) && u < 0xDC00 && i+1 < len(units) && 0xDC00 <= units[i+1] && units[i+1] < 0xE000:
				i++
			case utf16.IsSurrogate(rune(u)):
				valid = false
			}
		}
		var d struct {
			Name string `json:"name"`
		}
		err := Decode([]byte(`{"name": "`+raw+`"}`), &d)
		if !valid {
			require.ErrorIs(t, err, ErrSyntax, "%q", raw)
			return
		}
		require.NoError(t, err, "%q", raw)
		assert.Equal(t, string(utf16.Decode(units)), d.Name, "%q", raw)
	})
}

func ExampleIsText() {
	for _, s := range []string{`"caf\u00e9"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\\ud800"`} {
		fmt.Println(s, IsText([]byte(s)))
	}
	fmt.Println(IsText([]byte("\"caf\xe9\""))) // Latin-1, not UTF-8
	// Output:
	// "caf\u00e9" true
	// "\ud83d\ude00" true
	// "\ud83d" false
	// "\\ud800" true
	// false
}
