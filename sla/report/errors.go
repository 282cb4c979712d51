package report

import (
	"errors"

	"github.com/replyby/replyby/calendar/strictjson"
)

// Sentinel errors. Every error this package returns about its input is
// an *Error that wraps one of them, so callers can test the kind of
// problem with errors.Is; an error of a writer is returned wrapped, as
// "report: " and its text.
var (
	// ErrDuplicateInquiry means two statuses given to AuditSample have the
	// same inquiry ID.
	ErrDuplicateInquiry = errors.New("duplicate inquiry")
	// ErrBadSurvey means a survey outcome is malformed (see Survey.Check).
	ErrBadSurvey = errors.New("bad survey")
	// ErrBadTable means a table cannot be written: it has no columns, or
	// a row whose length is not the header's.
	ErrBadTable = errors.New("bad table")
	// ErrNilWriter means a nil io.Writer was given to write to.
	ErrNilWriter = errors.New("nil writer")
)

// An Error says what is wrong with an input of this package, and where.
type Error struct {
	// Path names the place at fault as in the input's JSON form:
	// "rating" in a survey, "rows[3]" in a table; "" for the input as a
	// whole.
	Path string
	// Input is the offending text, if any.
	Input string
	// Reason says what is wrong, in a few words.
	Reason string
	// Err is the sentinel the error wraps.
	Err error
}

// Error formats the problem as `report: path: "input": reason`, leaving
// out what is empty; without a reason it gives the sentinel's text.
func (e *Error) Error() string {
	return strictjson.Format("report: ", e.Path, e.Input, e.Reason, e.Err)
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

// errAt returns an *Error at path.
func errAt(path, input, reason string, sentinel error) *Error {
	return &Error{Path: path, Input: input, Reason: reason, Err: sentinel}
}
