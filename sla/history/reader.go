package history

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/replyby/replyby/sla"
)

// DefaultMaxLineBytes is the longest line a Reader takes when its
// MaxLineBytes is zero: 16 MiB, some 50,000 events.
const DefaultMaxLineBytes = 16 << 20

// A Reader reads records from JSON Lines, one record a line.
//
// The zero Reader, like one from NewReader(nil), has no source: Read
// returns an error wrapping ErrNoSource.
//
// A Reader is not safe for concurrent use. Decoding a line costs a few
// microseconds for an inquiry with five events, and memory in proportion
// to the longest line, never to the input.
type Reader struct {
	// MaxLineBytes bounds a line, its end of line not counted; a longer
	// line is refused (an *Error wrapping ErrLineTooLong) and skipped
	// without being held whole. Zero or less is DefaultMaxLineBytes.
	MaxLineBytes int

	br   *bufio.Reader
	line int
	buf  []byte
	err  error // what every later Read returns: io.EOF or the source's error
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	if r == nil {
		return &Reader{}
	}
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Read returns the next record. At the end of the input it returns
// io.EOF. A line that is not a record gives an *Error naming its line and
// the field at fault, and the next Read goes on with the next line; an
// error of the source is returned as it is, by this Read and every later
// one.
func (r *Reader) Read() (Record, error) {
	if r.br == nil {
		return Record{}, errNoReader
	}
	for {
		if r.err != nil {
			return Record{}, r.err
		}
		b, tooLong, err := r.readLine()
		switch {
		case err == io.EOF:
			r.err = io.EOF
			if len(b) == 0 && !tooLong {
				return Record{}, io.EOF
			}
		case err != nil:
			r.err = err
			return Record{}, err
		}
		r.line++
		if tooLong {
			return Record{}, &Error{Line: r.line, Reason: "longer than " + strconv.Itoa(r.maxLine()) + " bytes", Err: ErrLineTooLong}
		}
		b = bytes.TrimRight(b, " \t\r\n")
		if len(bytes.TrimLeft(b, " \t\r")) == 0 {
			continue
		}
		rec, e := decode(b)
		if e != nil {
			e.Line = r.line
			return Record{}, e
		}
		return rec, nil
	}
}

// Line returns the number of the line last read, counted from 1: that of
// the record or error the last Read returned.
func (r *Reader) Line() int { return r.line }

func (r *Reader) maxLine() int {
	if r.MaxLineBytes <= 0 {
		return DefaultMaxLineBytes
	}
	return r.MaxLineBytes
}

// readLine reads up to and including the next '\n', or to the end of the
// input. A line longer than maxLine (its end of line not counted) is
// reported, and not kept past maxLine+2 bytes. The bytes returned are
// valid until the next read.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	limit := r.maxLine()
	r.buf = r.buf[:0]
	for {
		frag, err := r.br.ReadSlice('\n')
		if err == nil && len(r.buf) == 0 && !tooLong {
			// The common case: the whole line is in the buffer.
			return frag, len(withoutEOL(frag)) > limit, nil
		}
		if !tooLong {
			if len(r.buf)+len(frag) > limit+2 {
				tooLong, r.buf = true, r.buf[:0]
			} else {
				r.buf = append(r.buf, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong || len(withoutEOL(r.buf)) > limit {
			return nil, true, err
		}
		return r.buf, false, err
	}
}

// withoutEOL returns b without its "\n" or "\r\n" at the end.
func withoutEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// wire is the JSON form of a record as the reference decoder reads it.
type wire struct {
	Inquiry *sla.Inquiry `json:"inquiry"`
	Events  []sla.Event  `json:"events"`
}

// decodeReference decodes and checks one line with the project's strict
// decoder (package calendar/strictjson): the definition of what a line
// may hold, which the fast decoder (decode) is checked against.
func decodeReference(b []byte) (Record, *Error) {
	var w wire
	if err := strictjson.Decode(b, &w); err != nil {
		return Record{}, fromDecoder(err)
	}
	if w.Inquiry == nil {
		return Record{}, &Error{Path: "inquiry", Reason: "missing", Err: sla.ErrBadInquiry}
	}
	rec := Record{Inquiry: *w.Inquiry, Events: w.Events}
	if e := rec.check(); e != nil {
		return Record{}, e
	}
	return rec, nil
}

// fromDecoder turns an error of the strict decoder into an *Error.
func fromDecoder(err error) *Error {
	var je *strictjson.Error
	if !errors.As(err, &je) {
		return &Error{Reason: err.Error(), Err: ErrBadRecord}
	}
	var se *sla.Error
	if errors.As(je.Err, &se) {
		return fromSLA(je.Path, se)
	}
	reason := je.Reason
	if reason == "" {
		reason = je.Err.Error()
	}
	return &Error{Path: je.Path, Reason: reason, Err: sentinelAt(je.Path)}
}

// sentinelAt is the sentinel of a problem at path: the inquiry's, an
// event's, or the record's.
func sentinelAt(path string) error {
	switch {
	case path == "inquiry" || strings.HasPrefix(path, "inquiry."):
		return sla.ErrBadInquiry
	case path == "events" || strings.HasPrefix(path, "events[") || strings.HasPrefix(path, "events."):
		return sla.ErrBadEvent
	}
	return ErrBadRecord
}
