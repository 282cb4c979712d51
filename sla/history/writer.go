package history

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/wiretime"
)

// A Writer writes records as JSON Lines, one record a line, in the form
// the Reader reads. It buffers what it writes: call Flush at the end.
//
// The zero Writer, like one from NewWriter(nil), has no destination:
// Write and Flush return an error wrapping ErrNoSource.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	bw   *bufio.Writer
	enc  *json.Encoder
	line int
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer {
	if w == nil {
		return &Writer{}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{bw: bw, enc: enc}
}

// Write writes rec as one line. A record the Reader would refuse (see
// Record.Check), or whose instants have no JSON form (years outside
// 0–9999), is refused with an *Error naming the line it would have been
// and the field, and nothing is written. An instant whose UTC offset has
// seconds (local mean time, before a zone was standardised), which RFC
// 3339 cannot write, is written in UTC: the same instant. Strings are
// written as encoding/json writes them: bytes that are not valid UTF-8
// become U+FFFD. An error of the destination is returned as it is.
func (w *Writer) Write(rec Record) error {
	if w.bw == nil {
		return errNoWriter
	}
	if e := rec.check(); e != nil {
		e.Line = w.line + 1
		return e
	}
	if err := wiretime.Unwritable(&rec.Inquiry, rec.Events, 0); err != nil {
		e := fromSLA("", err)
		e.Line = w.line + 1
		return e
	}
	rec.Inquiry.Received, _ = wiretime.Form(rec.Inquiry.Received)
	rec.Events = wiretime.Events(rec.Events)
	if rec.Events == nil {
		rec.Events = []sla.Event{}
	}
	if err := w.enc.Encode(&rec); err != nil {
		return err
	}
	w.line++
	return nil
}

// Flush writes what is buffered to the destination.
func (w *Writer) Flush() error {
	if w.bw == nil {
		return errNoWriter
	}
	return w.bw.Flush()
}
