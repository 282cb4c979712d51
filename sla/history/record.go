package history

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/replyby/replyby/calendar/strictjson"
	"github.com/replyby/replyby/sla"
)

// A Record is one inquiry and its event log: one line of an export.
type Record struct {
	Inquiry sla.Inquiry `json:"inquiry"`
	Events  []sla.Event `json:"events"`
}

// Check reports whether rec is a record the Reader would read: the
// inquiry well-formed, every event well-formed and not before the
// inquiry's arrival. Errors are *Error (with Line 0) naming the field.
func (rec *Record) Check() error {
	if err := rec.check(); err != nil {
		return err
	}
	return nil
}

// check is Check with the error's line left for the caller to set.
func (rec *Record) check() *Error {
	if err := rec.Inquiry.Check(); err != nil {
		return fromSLA("", err)
	}
	for i := range rec.Events {
		e := &rec.Events[i]
		path := strictjson.Index("events", i)
		if err := e.Check(); err != nil {
			return fromSLA(path, err)
		}
		if e.Time.Before(rec.Inquiry.Received) {
			return &Error{Path: path + ".time", Input: e.Time.String(),
				Reason: "before the inquiry arrived at " + rec.Inquiry.Received.String(), Err: sla.ErrEventBeforeInquiry}
		}
	}
	return nil
}

// ErrBadRecord means a line is not a record: not one JSON object, a
// member unknown, repeated or of the wrong type, or an inquiry or event
// package sla refuses. Every *Error wraps it, and with it the sentinel of
// the problem's kind: sla.ErrBadInquiry, sla.ErrBadEvent,
// sla.ErrEventBeforeInquiry, sla.ErrBadKey or ErrLineTooLong.
var ErrBadRecord = errors.New("bad record")

// ErrLineTooLong means a line is longer than the Reader's MaxLineBytes.
var ErrLineTooLong = errors.New("line too long")

// ErrNoSource is the error of a Reader or a Writer made without one to
// read from or write to: the zero value, or NewReader(nil), NewWriter(nil).
var ErrNoSource = errors.New("no source or destination")

var (
	errNoReader = fmt.Errorf("history: a Reader not made by NewReader with an io.Reader: %w", ErrNoSource)
	errNoWriter = fmt.Errorf("history: a Writer not made by NewWriter with an io.Writer: %w", ErrNoSource)
)

// An Error says what is wrong with a line, and where.
type Error struct {
	// Line is the line's number, counted from 1; for a record given to
	// Writer.Write, the number of the line it would have been.
	Line int
	// Path names the place at fault as in the record's JSON form:
	// "inquiry.channel", "events[2].due"; "" for the line as a whole.
	Path string
	// Input is the offending text, if any.
	Input string
	// Reason says what is wrong, in a few words.
	Reason string
	// Err is the sentinel of the problem's kind (see ErrBadRecord).
	Err error
}

// Error formats the problem as `history: line N: path: "input": reason`,
// leaving out what is empty.
func (e *Error) Error() string {
	return strictjson.Format("history: line "+strconv.Itoa(e.Line)+": ", e.Path, e.Input, e.Reason, e.Err)
}

// Unwrap returns ErrBadRecord and the sentinel of the problem's kind.
func (e *Error) Unwrap() []error {
	if e.Err == nil || e.Err == ErrBadRecord {
		return []error{ErrBadRecord}
	}
	return []error{ErrBadRecord, e.Err}
}

// fromSLA turns an error of package sla about the value at path (""
// when the error's own path is already full) into an *Error.
func fromSLA(path string, err error) *Error {
	var se *sla.Error
	if errors.As(err, &se) {
		return &Error{Path: strictjson.JoinPath(path, se.Path), Input: se.Input, Reason: se.Reason, Err: se.Err}
	}
	return &Error{Path: path, Reason: err.Error(), Err: ErrBadRecord}
}
