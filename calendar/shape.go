package calendar

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// A shape describes what the JSON form allows at one place: an object
// with exactly these (case-sensitive) members, an array of one shape, a
// string or an integer.
type shape struct {
	kind    byte // 'o', 'a', 's' or 'n'
	members map[string]*shape
	elem    *shape
}

var (
	strShape   = &shape{kind: 's'}
	numShape   = &shape{kind: 'n'}
	hoursShape = &shape{kind: 'a', elem: strShape}
	dayShape   = &shape{kind: 'a', elem: &shape{kind: 'o', members: map[string]*shape{
		"date": strShape, "hours": hoursShape, "name": strShape,
	}}}
	docShape = &shape{kind: 'o', members: map[string]*shape{
		"name": strShape,
		"zone": strShape,
		"week": {kind: 'o', members: map[string]*shape{
			"mon": hoursShape, "tue": hoursShape, "wed": hoursShape, "thu": hoursShape,
			"fri": hoursShape, "sat": hoursShape, "sun": hoursShape,
		}},
		"closed": dayShape,
		"open":   dayShape,
		"rules": {kind: 'a', elem: &shape{kind: 'o', members: map[string]*shape{
			"name": strShape, "month": numShape, "day": numShape, "weekday": strShape,
			"nth": numShape, "easter": numShape, "observed": strShape, "hours": hoursShape,
		}}},
	}}
)

// checkShape checks a well-formed JSON document against the calendar's
// JSON form before it is decoded, so that an unknown member (matched
// exactly: encoding/json would take "Zone" for "zone") or a value of the
// wrong type is reported at its full path, such as closed[1].date. Null
// stands for an absent member, as it does for encoding/json.
func checkShape(data []byte) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil // not well-formed: the decoder that follows says why
	}
	return docShape.check("", v)
}

func (sh *shape) check(path string, v any) error {
	if v == nil {
		return nil
	}
	want := map[byte]string{'o': "an object", 'a': "an array", 's': "a string", 'n': "an integer"}[sh.kind]
	bad := func() error {
		return fieldErr(path, "", "want "+want+", not "+jsonKind(v), ErrBadJSON)
	}
	switch sh.kind {
	case 'o':
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the first error, whatever the map's order
		for _, k := range keys {
			sub := join(path, k)
			ms, ok := sh.members[k]
			if !ok {
				return fieldErr(sub, "", "unknown field", ErrBadJSON)
			}
			if err := ms.check(sub, m[k]); err != nil {
				return err
			}
		}
	case 'a':
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		for i, x := range list {
			if err := sh.elem.check(path+"["+strconv.Itoa(i)+"]", x); err != nil {
				return err
			}
		}
	case 's':
		if _, ok := v.(string); !ok {
			return bad()
		}
	case 'n':
		n, ok := v.(json.Number)
		if !ok {
			return bad()
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			return fieldErr(path, string(n), "want an integer", ErrBadJSON)
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}
