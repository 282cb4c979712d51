// Package strictjson decodes JSON documents written by people into Go
// values, strictly, and says where a document is wrong.
//
// It is the one JSON decoder of the calendar and sla packages and of the
// example programs. It lives under calendar, the lowest layer that reads
// JSON, and is importable so that sla (which imports calendar) can share
// it; a host may use it to read its own documents as strictly. Unlike encoding/json it refuses what a hand-written
// document most likely got wrong instead of guessing:
//
//   - member names match struct fields' json names exactly ("Zone" is not
//     "zone"), and a member no field takes is refused;
//   - a member given twice in one object is refused;
//   - a value of the wrong JSON type is refused where it stands;
//   - anything after the document's one value is refused;
//   - strings are text: bytes that are not UTF-8, and an escaped UTF-16
//     surrogate not in a pair ("\ud800"), are refused (encoding/json
//     reads either as U+FFFD);
//   - integers must be written as integers, in range.
//
// Every error is an *Error whose Path names the offending value as in
// the document: "policies[1].targets.first_reply.within",
// `calendars["support-nyc"].week.mon[0]`.
//
// Supported Go types: structs (exported fields, named by their json tag
// or their Go name; "-" skips a field; embedded structs are not
// flattened), pointers (null sets nil), slices, arrays (from lists of
// exactly their length), maps with string keys,
// strings, booleans, integers, floats, any (decoded as encoding/json
// would), json.RawMessage, and types implementing json.Unmarshaler (given
// the value's exact bytes) or encoding.TextUnmarshaler (given a JSON
// string's text). Null leaves any other value as it is, as encoding/json
// does.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Errors an *Error wraps when the document itself is at fault; an error
// from a value's UnmarshalJSON or UnmarshalText is wrapped as it is.
var (
	// ErrSyntax: the data is not one well-formed JSON value.
	ErrSyntax = errors.New("not well-formed JSON")
	// ErrType: a value has the wrong JSON type, or a number does not fit.
	ErrType = errors.New("wrong JSON type")
	// ErrUnknownField: an object has a member no field takes.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicate: an object has a member twice.
	ErrDuplicate = errors.New("duplicate field")
)

// maxDepth bounds the nesting of a document.
const maxDepth = 1000

// An Error says where a document is wrong and why.
type Error struct {
	// Path names the offending value, "" for the document as a whole.
	Path string
	// Reason says what is wrong, in a few words.
	Reason string
	// Err is ErrSyntax, ErrType, ErrUnknownField, ErrDuplicate, or the
	// error of the value's UnmarshalJSON or UnmarshalText.
	Err error
}

// Error formats the problem as "path: reason".
func (e *Error) Error() string {
	r := e.Reason
	if r == "" {
		r = e.Err.Error()
	}
	if e.Path == "" {
		return r
	}
	return e.Path + ": " + r
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Decode decodes data, which must hold exactly one JSON value (with white
// space around it), into the value v points to. On error v may have been
// partly set.
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Reason: "strictjson: Decode needs a non-nil pointer", Err: ErrType}
	}
	d := decoder{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	if err := d.value(rv.Elem(), "", 0); err != nil {
		return err
	}
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		return &Error{Reason: "data after the document", Err: ErrSyntax}
	}
	return nil
}

// Format writes the message of a package's error about an input: prefix,
// then what is not empty of the path, the quoted input and the reason
// (the sentinel's text if there is no reason), separated by ": ". It is
// the one message form of the errors of calendar and sla:
//
//	sla: policies[1].targets.first_reply.within: "4x": want a Go duration …
func Format(prefix, path, input, reason string, sentinel error) string {
	s := prefix
	if path != "" {
		s += path + ": "
	}
	if input != "" {
		s += strconv.Quote(input) + ": "
	}
	if reason == "" && sentinel != nil {
		reason = sentinel.Error()
	}
	return s + reason
}

// Join appends a member name or map key to path: ".name" for a plain
// name (ASCII letters, digits and '_'), `["name"]` for any other.
func Join(path, name string) string {
	if !plain(name) {
		return path + "[" + strconv.Quote(name) + "]"
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// Index appends a list index to path.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func plain(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

type decoder struct {
	data []byte
	dec  *json.Decoder
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	rawMessage      = reflect.TypeFor[json.RawMessage]()
)

// token reads the next token, reporting a syntax error, or a string
// that is not text, at path.
func (d *decoder) token(path string) (json.Token, error) {
	from := d.dec.InputOffset()
	tok, err := d.anyToken(path)
	if s, ok := tok.(string); ok {
		if err := d.text(s, from, path); err != nil {
			return nil, err
		}
	}
	return tok, err
}

// text refuses s, a string token read from offset from on, if it is not
// text, reporting it at path.
func (d *decoder) text(s string, from int64, path string) error {
	if !strings.ContainsRune(s, utf8.RuneError) {
		return nil
	}
	// encoding/json writes U+FFFD for what is not text; the document's
	// own bytes say whether it was.
	if reason := notText(d.data[from:d.dec.InputOffset()]); reason != "" {
		return &Error{Path: path, Reason: reason, Err: ErrSyntax}
	}
	return nil
}

// anyToken reads the next token, reporting a syntax error at path; a
// string is as encoding/json read it (see text).
func (d *decoder) anyToken(path string) (json.Token, error) {
	tok, err := d.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Path: path, Reason: "unexpected end of the document", Err: ErrSyntax}
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &Error{Path: path, Reason: se.Error() + " at byte " + strconv.FormatInt(se.Offset, 10), Err: ErrSyntax}
		}
		return nil, &Error{Path: path, Reason: err.Error(), Err: ErrSyntax}
	}
	return tok, nil
}

// IsText reports whether literal, a well-formed JSON string literal
// (quotes included, as in a document), is text: valid UTF-8 with no
// escaped UTF-16 surrogate outside a pair, which Decode refuses (and
// encoding/json reads as U+FFFD). A decoder of its own that takes only
// what Decode takes can check a string with it.
func IsText(literal []byte) bool { return notText(literal) == "" }

// notText says why b, the bytes of a JSON string token (with the white
// space and separators before it), is not text: invalid UTF-8, or an
// escaped UTF-16 surrogate not in a pair (encoding/json reads either as
// U+FFFD); "" if it is text.
func notText(b []byte) string {
	if !utf8.Valid(b) {
		return "a string holds bytes that are not UTF-8"
	}
	hex4 := func(i int) rune { // the escape \uXXXX at b[i], -1 if none
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return -1
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		if err != nil {
			return -1
		}
		return rune(n)
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r := hex4(i)
		switch {
		case r < 0: // another escape: \n, \\, \", …
			i++
			continue
		case 0xD800 <= r && r < 0xDC00:
			if lo := hex4(i + 6); 0xDC00 <= lo && lo < 0xE000 {
				i += 11
				continue
			}
		case 0xDC00 <= r && r < 0xE000:
		default:
			i += 5
			continue
		}
		return "a string holds " + string(b[i:i+6]) + ", a UTF-16 surrogate not in a pair"
	}
	return ""
}

// raw reads the next value whole and returns its bytes.
func (d *decoder) raw(path string, depth int) ([]byte, error) {
	start := d.dec.InputOffset()
	for start < int64(len(d.data)) {
		switch d.data[start] {
		case ' ', '\t', '\r', '\n', ':', ',':
			start++
			continue
		}
		break
	}
	if err := d.skip(path, depth); err != nil {
		return nil, err
	}
	return d.data[start:d.dec.InputOffset()], nil
}

// skip reads the next value whole.
func (d *decoder) skip(path string, depth int) error {
	tok, err := d.token(path)
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if delim == '}' || delim == ']' {
		return &Error{Path: path, Reason: "unexpected " + string(delim), Err: ErrSyntax}
	}
	for n := 1; n > 0; {
		if depth+n > maxDepth {
			return &Error{Path: path, Reason: "nested too deeply", Err: ErrSyntax}
		}
		tok, err := d.token(path)
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			n++
		case json.Delim('}'), json.Delim(']'):
			n--
		}
	}
	return nil
}

// value decodes the next value into v, found at path.
func (d *decoder) value(v reflect.Value, path string, depth int) error {
	if depth > maxDepth {
		return &Error{Path: path, Reason: "nested too deeply", Err: ErrSyntax}
	}
	t := v.Type()
	switch {
	case t == rawMessage:
		b, err := d.raw(path, depth)
		if err != nil {
			return err
		}
		v.SetBytes(bytes.Clone(b))
		return nil
	case t.Kind() == reflect.Pointer && t.Implements(jsonUnmarshaler):
		b, err := d.raw(path, depth)
		if err != nil {
			return err
		}
		if string(b) == "null" {
			v.SetZero()
			return nil
		}
		p := reflect.New(t.Elem())
		if err := p.Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
			return wrapped(path, err)
		}
		v.Set(p)
		return nil
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonUnmarshaler):
		b, err := d.raw(path, depth)
		if err != nil {
			return err
		}
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
			return wrapped(path, err)
		}
		return nil
	}
	tok, err := d.token(path)
	if err != nil {
		return err
	}
	if tok == nil { // null
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			v.SetZero()
		}
		return nil
	}
	if t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		if err := d.valueAfter(p.Elem(), tok, path, depth); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	return d.valueAfter(v, tok, path, depth)
}

// wrapped reports the error of a value's UnmarshalJSON or UnmarshalText
// at path; an *Error of a nested decoding keeps its own path after path.
func wrapped(path string, err error) error {
	if e, ok := err.(*Error); ok {
		return &Error{Path: JoinPath(path, e.Path), Reason: e.Reason, Err: e.Err}
	}
	return &Error{Path: path, Err: err}
}

// JoinPath appends to path the path inner of a value inside it:
// JoinPath(`calendars["d"]`, "week.mon[0]") is `calendars["d"].week.mon[0]`.
func JoinPath(path, inner string) string {
	switch {
	case inner == "":
		return path
	case path == "" || inner[0] == '[':
		return path + inner
	}
	return path + "." + inner
}

// valueAfter decodes into v, which is not a pointer, the value whose
// first token tok was read.
func (d *decoder) valueAfter(v reflect.Value, tok json.Token, path string, depth int) error {
	t := v.Type()
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		s, ok := tok.(string)
		if !ok {
			return wrongType(path, tok, "a string")
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return wrapped(path, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return unsupported(path, t)
		}
		x, err := d.generic(tok, path, depth)
		if err != nil {
			return err
		}
		if x == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	case reflect.Struct:
		if tok != json.Delim('{') {
			return wrongType(path, tok, "an object")
		}
		return d.object(v, path, depth)
	case reflect.Map:
		if tok != json.Delim('{') {
			return wrongType(path, tok, "an object")
		}
		if t.Key().Kind() != reflect.String {
			return unsupported(path, t)
		}
		return d.mapValue(v, path, depth)
	case reflect.Slice:
		if tok != json.Delim('[') {
			return wrongType(path, tok, "a list")
		}
		return d.list(v, path, depth)
	case reflect.Array:
		if tok != json.Delim('[') {
			return wrongType(path, tok, "a list")
		}
		return d.array(v, path, depth)
	case reflect.String:
		s, ok := tok.(string)
		if !ok {
			return wrongType(path, tok, "a string")
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := tok.(bool)
		if !ok {
			return wrongType(path, tok, "true or false")
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return wrongType(path, tok, "an integer")
		}
		i, err := strconv.ParseInt(string(n), 10, t.Bits())
		if err != nil {
			return numberError(path, n, err, "an integer")
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := tok.(json.Number)
		if !ok {
			return wrongType(path, tok, "an integer")
		}
		u, err := strconv.ParseUint(string(n), 10, t.Bits())
		if err != nil {
			return numberError(path, n, err, "a non-negative integer")
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		n, ok := tok.(json.Number)
		if !ok {
			return wrongType(path, tok, "a number")
		}
		f, err := strconv.ParseFloat(string(n), t.Bits())
		if err != nil {
			return numberError(path, n, err, "a number")
		}
		v.SetFloat(f)
	default:
		return unsupported(path, t)
	}
	return nil
}

// numberError reports a number n that strconv refused (err) where want is
// expected: out of range, or not of the kind wanted.
func numberError(path string, n json.Number, err error, want string) error {
	if errors.Is(err, strconv.ErrRange) {
		return &Error{Path: path, Reason: "out of range: " + string(n), Err: ErrType}
	}
	return &Error{Path: path, Reason: "want " + want + ", not " + string(n), Err: ErrType}
}

// unsupported reports a Go type the decoder does not decode into: a
// programming error of the caller.
func unsupported(path string, t reflect.Type) error {
	return &Error{Path: path, Reason: "strictjson: cannot decode into " + t.String(), Err: ErrType}
}

// wrongType reports a value whose first token is tok where want is
// expected.
func wrongType(path string, tok json.Token, want string) error {
	return &Error{Path: path, Reason: "want " + want + ", not " + kind(tok), Err: ErrType}
}

// kind names the JSON type of a value by its first token.
func kind(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			return "an object"
		}
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// A field is a struct field a member may set.
type field struct {
	name  string
	index int
}

var fieldCache sync.Map // reflect.Type → []field

// fields returns the members a struct type takes, by json name.
func fields(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name := sf.Name
		if tag, ok := sf.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" && tag == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		out = append(out, field{name, i})
	}
	fieldCache.Store(t, out)
	return out
}

// members reads an object's members after its '{', calling f for each
// with its name and path; f decodes the member's value. Duplicates are
// refused.
func (d *decoder) members(path string, depth int, f func(name, sub string) error) error {
	var seen []string
	var seenSet map[string]bool
	for {
		from := d.dec.InputOffset()
		tok, err := d.anyToken(path)
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		name, ok := tok.(string)
		if !ok {
			return &Error{Path: path, Reason: "want a member name", Err: ErrSyntax}
		}
		sub := Join(path, name)
		if err := d.text(name, from, sub); err != nil {
			return err // the member whose name is not text
		}
		dup := false
		if seenSet != nil {
			dup = seenSet[name]
			seenSet[name] = true
		} else {
			for _, s := range seen {
				if s == name {
					dup = true
				}
			}
			seen = append(seen, name)
			if len(seen) > 16 {
				seenSet = make(map[string]bool, 32)
				for _, s := range seen {
					seenSet[s] = true
				}
			}
		}
		if dup {
			return &Error{Path: sub, Reason: "given twice", Err: ErrDuplicate}
		}
		if err := f(name, sub); err != nil {
			return err
		}
	}
}

// object decodes an object's members, after its '{', into struct v.
func (d *decoder) object(v reflect.Value, path string, depth int) error {
	fs := fields(v.Type())
	return d.members(path, depth, func(name, sub string) error {
		for _, f := range fs {
			if f.name == name {
				return d.value(v.Field(f.index), sub, depth+1)
			}
		}
		return &Error{Path: sub, Reason: "unknown field", Err: ErrUnknownField}
	})
}

// mapValue decodes an object's members, after its '{', into map v.
func (d *decoder) mapValue(v reflect.Value, path string, depth int) error {
	t := v.Type()
	if v.IsNil() {
		v.Set(reflect.MakeMap(t))
	}
	return d.members(path, depth, func(name, sub string) error {
		e := reflect.New(t.Elem()).Elem()
		if err := d.value(e, sub, depth+1); err != nil {
			return err
		}
		k := reflect.New(t.Key()).Elem()
		k.SetString(name)
		v.SetMapIndex(k, e)
		return nil
	})
}

// list decodes a list's elements, after its '[', into slice v.
func (d *decoder) list(v reflect.Value, path string, depth int) error {
	t := v.Type()
	out := reflect.MakeSlice(t, 0, 0)
	for i := 0; ; i++ {
		if !d.dec.More() {
			if _, err := d.token(path); err != nil { // ']'
				return err
			}
			v.Set(out)
			return nil
		}
		e := reflect.New(t.Elem()).Elem()
		if err := d.value(e, Index(path, i), depth+1); err != nil {
			return err
		}
		out = reflect.Append(out, e)
	}
}

// array decodes a list's elements, after its '[', into array v, which
// they must fill exactly.
func (d *decoder) array(v reflect.Value, path string, depth int) error {
	n := v.Len()
	for i := 0; ; i++ {
		if !d.dec.More() {
			if i != n {
				return &Error{Path: path, Reason: "want a list of " + strconv.Itoa(n) + ", not of " + strconv.Itoa(i), Err: ErrType}
			}
			_, err := d.token(path) // ']'
			return err
		}
		if i == n {
			return &Error{Path: path, Reason: "want a list of " + strconv.Itoa(n) + ", not longer", Err: ErrType}
		}
		if err := d.value(v.Index(i), Index(path, i), depth+1); err != nil {
			return err
		}
	}
}

// generic decodes a value whose first token was read as encoding/json
// decodes into an any, numbers as float64, refusing duplicate members.
func (d *decoder) generic(tok json.Token, path string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, &Error{Path: path, Reason: "nested too deeply", Err: ErrSyntax}
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			m := map[string]any{}
			err := d.members(path, depth, func(name, sub string) error {
				t, err := d.token(sub)
				if err != nil {
					return err
				}
				x, err := d.generic(t, sub, depth+1)
				m[name] = x
				return err
			})
			return m, err
		case '[':
			l := []any{}
			for i := 0; d.dec.More(); i++ {
				t, err := d.token(Index(path, i))
				if err != nil {
					return nil, err
				}
				x, err := d.generic(t, Index(path, i), depth+1)
				if err != nil {
					return nil, err
				}
				l = append(l, x)
			}
			_, err := d.token(path)
			return l, err
		}
		return nil, &Error{Path: path, Reason: "unexpected " + string(tok), Err: ErrSyntax}
	case json.Number:
		f, err := strconv.ParseFloat(string(tok), 64)
		if err != nil {
			return nil, numberError(path, tok, err, "a number")
		}
		return f, nil
	}
	return tok, nil
}
