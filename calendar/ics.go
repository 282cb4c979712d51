package calendar

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rickb777/date/v2"
	"github.com/rickb777/date/v2/gregorian"
)

// iCalendar import: a subset of RFC 5545 read line by line, enough for the
// holiday feeds of governments and calendar services and for a team's own
// exported closures. See ParseICS.

// Limits on an iCalendar document, so that a hostile or runaway feed is
// refused, not swallowed.
const (
	maxICSBytes   = 16 << 20  // the document
	maxICSEvents  = 10000     // VEVENT components
	maxICSValues  = 100000    // EXDATE and RDATE values, all told
	maxICSSteps   = 1_000_000 // recurrence candidates and dates examined
	maxICSDepth   = 16        // nested components
	maxICSTZID    = 128       // length of a TZID
	maxICSRuleInt = 100000    // INTERVAL and COUNT
)

// ErrBadICS reports an iCalendar document that ParseICS cannot read: a
// malformed line, component or value, or a feature outside the subset it
// supports.
var ErrBadICS = errors.New("bad iCalendar")

// Entry is one date of a calendar's closed or open list, as the JSON form
// writes it: {"date": "2026-12-24", "hours": ["13:00-24:00"], "name": …}.
// A closure without hours closes the whole day.
type Entry struct {
	Date  date.Date `json:"date"`
	Hours []string  `json:"hours,omitempty"`
	Name  string    `json:"name,omitempty"`
}

// Feed is what ParseICS reads from an iCalendar document: the dates it
// closes and the special openings it gives, sorted by date, in the form
// of a calendar's "closed" and "open" members. Marshalled as JSON it is
// {"closed": [...], "open": [...]}, ready for an administrator to review
// and paste into a calendar.
type Feed struct {
	Closed []Entry `json:"closed,omitempty"`
	Open   []Entry `json:"open,omitempty"`
}

// ICS adds the closures and special openings of an iCalendar document
// (see ParseICS), read in the calendar's zone, to the calendar. They join
// its "closed" and "open" lists, so the calendar's JSON form lists them
// and counts them against the limits of those lists. Errors name the
// document and the line: `ics[0]: line 42: DTSTART`.
func ICS(data []byte) Option {
	return func(b *builder) { b.ics = append(b.ics, data) }
}

// ParseICS reads the events of an iCalendar (RFC 5545) document and
// returns the dates they close or open on the wall clock of loc, the zone
// of the calendar they are for.
//
// What is read. Each VEVENT of each VCALENDAR: DTSTART, DTEND or
// DURATION, SUMMARY (the entries' name), RRULE, EXDATE, RDATE, STATUS,
// CATEGORIES, UID and RECURRENCE-ID. Other properties and components
// (VTIMEZONE, VALARM, VTODO, …) are skipped. Lines may end in CRLF or LF
// and are unfolded; a UTF-8 byte order mark is skipped.
//
// Times. A date (VALUE=DATE, or eight digits) is an all-day event and
// closes whole dates: DTSTART up to, not including, DTEND (one day if
// neither DTEND nor DURATION is given). A date-time is a real instant:
// in UTC when it ends in "Z", in the IANA zone its TZID names, else
// (floating) on the wall clock of loc. Its event closes the wall-clock
// hours of loc it covers, split per date ("13:00-24:00" on one, the whole
// of the next, "00:00-09:00" on the last), rounded outward to whole
// minutes (openings inward). A timed event without DTEND or DURATION
// lasts no time and closes nothing. A TZID must name an IANA zone
// ("Europe/London"; a path that ends in one, as some generators write,
// is accepted): a zone defined only by the document's VTIMEZONE, such
// as Windows' "W. Europe Standard Time", is refused with ErrBadZone. A
// local time skipped by a spring-forward gap is read with the offset
// before the gap, and one repeated at fall-back as its first
// occurrence, as RFC 5545 says.
//
// Recurrence. RRULE with FREQ=YEARLY, MONTHLY, WEEKLY or DAILY, and
// INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY (with ordinals, such
// as 4TH or -1MO, for YEARLY and MONTHLY) and WKST, is expanded over the
// supported range, 1970 to 2099; DTSTART is always the first occurrence.
// EXDATE removes occurrences and RDATE adds them (dates or date-times,
// not periods). An event with a RECURRENCE-ID replaces that occurrence
// of the recurring event with its UID. Other rule parts (BYSETPOS,
// BYWEEKNO, BYYEARDAY, BYHOUR, …) are refused with ErrBadICS rather than
// guessed at.
//
// Closures and openings. An event closes, unless its CATEGORIES include
// "open": then it is a special opening, on the hours it covers (all day,
// 00:00–24:00, for an all-day event). An event whose STATUS is CANCELLED
// is left out. TRANSP is not read: public holiday feeds (Google's among
// them) mark their holidays TRANSPARENT, so as not to block people's
// free/busy time.
//
// Limits. A document of more than 16 MiB, 10,000 events or 100,000
// EXDATE and RDATE values, recurrences that need more than 1,000,000
// steps to expand, and more than 10,000 closed or 10,000 open entries (a
// calendar's limits) are refused with ErrTooLarge, before the rest is
// read. Dates outside the supported range are left out.
//
// Every error is an *Error whose Path names the line and property at
// fault ("line 42: DTSTART") and which wraps ErrBadICS, ErrBadZone or
// ErrTooLarge.
func ParseICS(r io.Reader, loc *time.Location) (Feed, error) {
	if loc == nil {
		return Feed{}, fieldErr("zone", "", "missing: ParseICS reads times in a calendar's zone", ErrBadZone)
	}
	p := icsParser{loc: loc, zones: map[string]*time.Location{}}
	if err := p.read(r); err != nil {
		return Feed{}, err
	}
	return p.expand()
}

// icsParser holds the events of a document as it is read.
type icsParser struct {
	loc    *time.Location
	zones  map[string]*time.Location // TZID → zone, loaded once each
	events []*icsEvent
	values int // EXDATE and RDATE values
	steps  int
	feed   Feed
}

// icsTime is a DATE or DATE-TIME value: a date, and for a date-time the
// wall-clock seconds after midnight in zone (nil: floating, in the
// calendar's zone).
type icsTime struct {
	allDay bool
	day    date.Date
	sod    int64
	zone   *time.Location
}

type icsDuration struct {
	days int   // nominal days (and weeks)
	secs int64 // exact seconds
}

type icsEvent struct {
	line             int // of its BEGIN:VEVENT
	uid, summary     string
	start, end       icsTime
	hasStart, hasEnd bool
	endLine          int
	dur              icsDuration
	hasDur           bool
	rule             *icsRule
	exdates, rdates  []icsTime
	recurID          *icsTime
	cancelled, opens bool
	seen             map[string]bool // properties given once at most
	// Occurrences removed by EXDATE or replaced by a RECURRENCE-ID: by
	// instant for a timed event, else by date.
	excludedInstants map[int64]bool
	excludedDates    map[date.Date]bool
}

// Errors.

func icsErr(line int, prop, input, reason string, sentinel error) error {
	path := "line " + itoa(line)
	if prop != "" {
		path += ": " + prop
	}
	return &Error{Path: path, Input: input, Reason: reason, Err: sentinel}
}

// Reading.

// contentLine is one unfolded line: NAME;PARAM=VALUE,…:VALUE.
type contentLine struct {
	line   int
	name   string // upper case
	params map[string][]string
	value  string
}

func (p *icsParser) read(r io.Reader) error {
	br := bufio.NewReader(io.LimitReader(r, maxICSBytes+1))
	var (
		read    int
		phys    int // physical lines read
		stack   []string
		begins  []int // line of each open BEGIN
		cur     *icsEvent
		seenCal bool
		logical []byte
		startAt int
	)
	handle := func(raw []byte, line int) error {
		cl, err := parseContentLine(raw, line)
		if err != nil {
			return err
		}
		switch cl.name {
		case "BEGIN":
			comp := strings.ToUpper(cl.value)
			if len(stack) == 0 && comp != "VCALENDAR" {
				return icsErr(line, "BEGIN", cl.value, "want BEGIN:VCALENDAR first", ErrBadICS)
			}
			if len(stack) == maxICSDepth {
				return icsErr(line, "BEGIN", cl.value, "components nested more than "+itoa(maxICSDepth)+" deep", ErrBadICS)
			}
			if comp == "" {
				return icsErr(line, "BEGIN", "", "names no component", ErrBadICS)
			}
			if comp == "VEVENT" && len(stack) == 1 {
				if len(p.events) == maxICSEvents {
					return icsErr(line, "BEGIN", cl.value, "more than "+itoa(maxICSEvents)+" events", ErrTooLarge)
				}
				cur = &icsEvent{line: line, seen: map[string]bool{}}
			}
			seenCal = true
			stack, begins = append(stack, comp), append(begins, line)
		case "END":
			comp := strings.ToUpper(cl.value)
			if len(stack) == 0 || stack[len(stack)-1] != comp {
				want := "nothing open"
				if len(stack) > 0 {
					want = "want END:" + stack[len(stack)-1]
				}
				return icsErr(line, "END", cl.value, want, ErrBadICS)
			}
			if comp == "VEVENT" && len(stack) == 2 {
				if err := p.finish(cur); err != nil {
					return err
				}
				cur = nil
			}
			stack, begins = stack[:len(stack)-1], begins[:len(begins)-1]
		default:
			if len(stack) == 0 {
				return icsErr(line, cl.name, "", "outside BEGIN:VCALENDAR", ErrBadICS)
			}
			if cur != nil && len(stack) == 2 {
				return p.property(cur, cl)
			}
		}
		return nil
	}
	for {
		raw, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line: gather it whole (the document's size bounds it).
			buf := append([]byte(nil), raw...)
			for errors.Is(err, bufio.ErrBufferFull) {
				raw, err = br.ReadSlice('\n')
				buf = append(buf, raw...)
				if len(buf) > maxICSBytes {
					break
				}
			}
			raw = buf
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return icsErr(phys+1, "", "", "reading: "+err.Error(), ErrBadICS)
		}
		read += len(raw)
		if read > maxICSBytes {
			return icsErr(phys+1, "", "", "document larger than 16 MiB", ErrTooLarge)
		}
		if len(raw) > 0 {
			phys++
			line := bytes.TrimRight(raw, "\r\n")
			if phys == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			switch {
			case len(line) > 0 && (line[0] == ' ' || line[0] == '\t') && logical != nil:
				logical = append(logical, line[1:]...) // a folded continuation
			default:
				if logical != nil {
					if err := handle(logical, startAt); err != nil {
						return err
					}
				}
				logical, startAt = nil, phys
				if len(bytes.TrimSpace(line)) > 0 {
					logical = append([]byte{}, line...)
				}
			}
		}
		if err != nil { // io.EOF
			break
		}
	}
	if logical != nil {
		if err := handle(logical, startAt); err != nil {
			return err
		}
	}
	if len(stack) > 0 {
		return icsErr(begins[len(begins)-1], "BEGIN", stack[len(stack)-1], "has no END", ErrBadICS)
	}
	if !seenCal {
		return icsErr(1, "", "", "no BEGIN:VCALENDAR: not an iCalendar document", ErrBadICS)
	}
	return nil
}

// parseContentLine splits NAME *(;PARAM=VALUE) : VALUE.
func parseContentLine(raw []byte, line int) (contentLine, error) {
	s := string(raw)
	cl := contentLine{line: line}
	i := 0
	for i < len(s) && (isAlnum(s[i]) || s[i] == '-') {
		i++
	}
	if i == 0 || i == len(s) || (s[i] != ';' && s[i] != ':') {
		return cl, icsErr(line, "", clip(s), `not a content line "NAME:value"`, ErrBadICS)
	}
	cl.name = strings.ToUpper(s[:i])
	for s[i] == ';' {
		i++
		j := i
		for j < len(s) && (isAlnum(s[j]) || s[j] == '-') {
			j++
		}
		if j == i || j == len(s) || s[j] != '=' {
			return cl, icsErr(line, cl.name, clip(s), "malformed parameter", ErrBadICS)
		}
		pname := strings.ToUpper(s[i:j])
		i = j + 1
		var vals []string
		for {
			if i < len(s) && s[i] == '"' {
				k := strings.IndexByte(s[i+1:], '"')
				if k < 0 {
					return cl, icsErr(line, cl.name, clip(s), "unterminated quoted parameter", ErrBadICS)
				}
				vals = append(vals, s[i+1:i+1+k])
				i += k + 2
			} else {
				k := i
				for k < len(s) && s[k] != ';' && s[k] != ':' && s[k] != ',' {
					k++
				}
				vals = append(vals, s[i:k])
				i = k
			}
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			break
		}
		if i == len(s) {
			return cl, icsErr(line, cl.name, clip(s), "no value: want NAME:value", ErrBadICS)
		}
		if cl.params == nil {
			cl.params = map[string][]string{}
		}
		if _, dup := cl.params[pname]; dup {
			return cl, icsErr(line, cl.name, pname, "parameter given twice", ErrBadICS)
		}
		cl.params[pname] = vals
		if s[i] != ';' && s[i] != ':' {
			return cl, icsErr(line, cl.name, clip(s), "malformed parameter", ErrBadICS)
		}
	}
	cl.value = s[i+1:]
	return cl, nil
}

func isAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// clip shortens a long input for an error message.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	i := 77
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

func (p *icsParser) property(ev *icsEvent, cl contentLine) error {
	switch cl.name {
	case "DTSTART", "DTEND", "DURATION", "SUMMARY", "RRULE", "STATUS", "UID", "RECURRENCE-ID":
		if ev.seen[cl.name] {
			return icsErr(cl.line, cl.name, "", "given twice in one event", ErrBadICS)
		}
		ev.seen[cl.name] = true
	}
	switch cl.name {
	case "DTSTART":
		t, err := p.timeValue(cl, cl.value)
		if err != nil {
			return err
		}
		ev.start, ev.hasStart = t, true
	case "DTEND":
		t, err := p.timeValue(cl, cl.value)
		if err != nil {
			return err
		}
		ev.end, ev.hasEnd, ev.endLine = t, true, cl.line
	case "DURATION":
		d, err := parseICSDuration(cl.value)
		if err != nil {
			return icsErr(cl.line, cl.name, clip(cl.value), err.Error(), ErrBadICS)
		}
		ev.dur, ev.hasDur = d, true
	case "SUMMARY":
		ev.summary = strings.ToValidUTF8(unescapeText(cl.value), "\uFFFD")
	case "UID":
		ev.uid = cl.value
	case "STATUS":
		ev.cancelled = strings.EqualFold(cl.value, "CANCELLED")
	case "CATEGORIES":
		for _, c := range splitText(cl.value) {
			if strings.EqualFold(strings.TrimSpace(c), "open") {
				ev.opens = true
			}
		}
	case "RRULE":
		rule, err := parseRRule(p, cl)
		if err != nil {
			return err
		}
		ev.rule = rule
	case "EXDATE", "RDATE":
		if v := cl.params["VALUE"]; len(v) == 1 && strings.EqualFold(v[0], "PERIOD") {
			return icsErr(cl.line, cl.name, clip(cl.value), "periods are not supported", ErrBadICS)
		}
		for _, s := range strings.Split(cl.value, ",") {
			if p.values == maxICSValues {
				return icsErr(cl.line, cl.name, "", "more than "+itoa(maxICSValues)+" EXDATE and RDATE values", ErrTooLarge)
			}
			p.values++
			t, err := p.timeValue(cl, s)
			if err != nil {
				return err
			}
			if cl.name == "EXDATE" {
				ev.exdates = append(ev.exdates, t)
			} else {
				ev.rdates = append(ev.rdates, t)
			}
		}
	case "RECURRENCE-ID":
		if r := cl.params["RANGE"]; len(r) > 0 {
			return icsErr(cl.line, cl.name, r[0], "RANGE is not supported", ErrBadICS)
		}
		t, err := p.timeValue(cl, cl.value)
		if err != nil {
			return err
		}
		ev.recurID = &t
	}
	return nil
}

// timeValue reads a DATE or DATE-TIME with its VALUE and TZID parameters.
func (p *icsParser) timeValue(cl contentLine, s string) (icsTime, error) {
	bad := func(why string) (icsTime, error) {
		return icsTime{}, icsErr(cl.line, cl.name, clip(s), why, ErrBadICS)
	}
	kind := ""
	if v := cl.params["VALUE"]; len(v) > 0 {
		kind = strings.ToUpper(v[0])
		if len(v) > 1 || (kind != "DATE" && kind != "DATE-TIME") {
			return bad("VALUE: want DATE or DATE-TIME")
		}
	}
	if len(s) < 8 {
		return bad(`want a date "YYYYMMDD" or a date-time "YYYYMMDDTHHMMSS"`)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[4:6])
	d, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 {
		return bad(`want a date "YYYYMMDD" or a date-time "YYYYMMDDTHHMMSS"`)
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > gregorian.DaysIn(y, time.Month(m)) {
		return bad("no such date")
	}
	t := icsTime{day: date.New(y, time.Month(m), d)}
	if len(s) == 8 {
		if kind == "DATE-TIME" {
			return bad("VALUE=DATE-TIME: want a time too")
		}
		t.allDay = true
		return t, nil
	}
	if kind == "DATE" {
		return bad("VALUE=DATE: want a date only")
	}
	utc := strings.HasSuffix(s, "Z")
	rest := strings.TrimSuffix(s[8:], "Z")
	if len(rest) != 7 || rest[0] != 'T' {
		return bad(`want a date-time "YYYYMMDDTHHMMSS", in UTC with a final Z`)
	}
	h, ok1 := digits(rest[1:3])
	mi, ok2 := digits(rest[3:5])
	se, ok3 := digits(rest[5:7])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || se > 60 {
		return bad("no such time of day")
	}
	t.sod = int64(h*3600 + mi*60 + min(se, 59)) // a leap second is read as :59
	switch tz := cl.params["TZID"]; {
	case utc:
		t.zone = time.UTC
	case len(tz) > 0:
		zone, err := p.zone(tz[0])
		if err != nil {
			return icsTime{}, icsErr(cl.line, cl.name+";TZID", clip(tz[0]), err.Error(), ErrBadZone)
		}
		t.zone = zone
	}
	return t, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}

// zone loads an IANA zone named by a TZID, or by the end of a path such
// as "/mozilla.org/20050126_1/Europe/London".
func (p *icsParser) zone(tzid string) (*time.Location, error) {
	if loc, ok := p.zones[tzid]; ok {
		return loc, nil
	}
	var loc *time.Location
	if len(tzid) <= maxICSTZID && tzid != "Local" {
		name := tzid
		for name != "" && loc == nil {
			if l, err := time.LoadLocation(name); err == nil && name != "Local" && name != "" {
				loc = l
				break
			}
			i := strings.IndexByte(name, '/')
			if i < 0 {
				break
			}
			name = name[i+1:]
		}
	}
	if loc == nil {
		return nil, errors.New("not an IANA time zone (zones defined only by a VTIMEZONE are not supported)")
	}
	p.zones[tzid] = loc
	return loc, nil
}

// parseICSDuration reads an RFC 5545 duration: P1D, PT2H30M, P1W, -P1D.
func parseICSDuration(s string) (icsDuration, error) {
	bad := errors.New(`want a duration such as "P1D", "PT2H30M" or "P1W"`)
	if strings.HasPrefix(s, "-") {
		return icsDuration{}, errors.New("a negative duration ends before it starts")
	}
	s = strings.TrimPrefix(s, "+")
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return icsDuration{}, bad
	}
	var d icsDuration
	inTime, any := false, false
	order := "WDTHMS"
	last := -1
	for i := 1; i < len(s); {
		if s[i] == 'T' {
			if inTime || i == len(s)-1 {
				return icsDuration{}, bad
			}
			inTime, last = true, strings.IndexByte(order, 'T')
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j == len(s) || j-i > 7 {
			return icsDuration{}, bad
		}
		n, _ := strconv.Atoi(s[i:j])
		u := s[j]
		k := strings.IndexByte(order, u)
		if k < 0 || k <= last || (k >= 3) != inTime {
			return icsDuration{}, bad
		}
		last = k
		switch u {
		case 'W':
			d.days += 7 * n
		case 'D':
			d.days += n
		case 'H':
			d.secs += int64(n) * 3600
		case 'M':
			d.secs += int64(n) * 60
		case 'S':
			d.secs += int64(n)
		}
		any = true
		i = j + 1
	}
	if !any {
		return icsDuration{}, bad
	}
	return d, nil
}

// unescapeText reads a TEXT value: \\ \; \, and \n (a newline, written
// here as a space: entries' names are one line).
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte(' ')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// splitText splits a TEXT list at commas that are not escaped.
func splitText(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			out = append(out, unescapeText(s[start:i]))
			start = i + 1
		}
	}
	return append(out, unescapeText(s[start:]))
}

// finish checks an event once its END:VEVENT is read.
func (p *icsParser) finish(ev *icsEvent) error {
	switch {
	case !ev.hasStart:
		return icsErr(ev.line, "VEVENT", "", "no DTSTART", ErrBadICS)
	case ev.hasEnd && ev.hasDur:
		return icsErr(ev.endLine, "DTEND", "", "an event takes DTEND or DURATION, not both", ErrBadICS)
	case ev.hasEnd && ev.end.allDay != ev.start.allDay:
		return icsErr(ev.endLine, "DTEND", "", "a date and a date-time: want the same kind as DTSTART", ErrBadICS)
	case ev.hasDur && ev.start.allDay && ev.dur.secs != 0:
		return icsErr(ev.line, "DURATION", "", "an all-day event lasts whole days", ErrBadICS)
	}
	if ev.hasEnd {
		if ev.start.allDay && ev.end.day <= ev.start.day {
			return icsErr(ev.endLine, "DTEND", "", "not after DTSTART", ErrBadICS)
		}
		if !ev.start.allDay && p.instant(ev.end).Before(p.instant(ev.start)) {
			return icsErr(ev.endLine, "DTEND", "", "before DTSTART", ErrBadICS)
		}
	}
	if ev.recurID != nil && ev.rule != nil {
		return icsErr(ev.line, "RECURRENCE-ID", "", "an event that replaces an occurrence does not recur itself", ErrBadICS)
	}
	p.events = append(p.events, ev)
	return nil
}

// instant returns the real instant of a date-time: in its zone, else on
// the calendar's wall clock; a time in a gap with the offset before the
// gap, a repeated one at its first occurrence.
func (p *icsParser) instant(t icsTime) time.Time {
	loc := t.zone
	if loc == nil {
		loc = p.loc
	}
	return rfcWallInstant(loc, t.day, t.sod)
}

func rfcWallInstant(loc *time.Location, d date.Date, sod int64) time.Time {
	u := wallInstant(loc, d, sod)
	lu := u.In(loc)
	if date.NewAt(lu) == d && int64(lu.Hour()*3600+lu.Minute()*60+lu.Second()) == sod {
		return u
	}
	// Skipped by a gap, which ends at u: read with the offset before it.
	_, before := u.Add(-time.Second).Zone()
	return time.Unix(dayStart(d)+sod-int64(before), 0).In(loc)
}

// Expanding.

func (p *icsParser) expand() (Feed, error) {
	// RECURRENCE-IDs replace their recurring event's occurrences.
	masters := map[string]*icsEvent{}
	for _, ev := range p.events {
		if ev.recurID == nil && ev.uid != "" {
			if _, dup := masters[ev.uid]; !dup {
				masters[ev.uid] = ev
			}
		}
	}
	for _, ev := range p.events {
		if ev.recurID == nil {
			continue
		}
		if m, ok := masters[ev.uid]; ok {
			m.exclude(p, *ev.recurID)
		}
	}
	for _, ev := range p.events {
		for _, x := range ev.exdates {
			ev.exclude(p, x)
		}
	}
	for _, ev := range p.events {
		if ev.cancelled {
			continue
		}
		if err := p.occurrences(ev); err != nil {
			return Feed{}, err
		}
	}
	p.feed.Closed = sortEntries(p.feed.Closed)
	p.feed.Open = sortEntries(p.feed.Open)
	return p.feed, nil
}

// exclude marks an occurrence start as removed: by instant for a timed
// event given a date-time, else by date.
func (ev *icsEvent) exclude(p *icsParser, t icsTime) {
	if !ev.start.allDay && !t.allDay {
		if ev.excludedInstants == nil {
			ev.excludedInstants = map[int64]bool{}
		}
		ev.excludedInstants[p.instant(t).Unix()] = true
		return
	}
	if ev.excludedDates == nil {
		ev.excludedDates = map[date.Date]bool{}
	}
	ev.excludedDates[t.day] = true
}

func (ev *icsEvent) excluded(p *icsParser, t icsTime) bool {
	if ev.excludedDates[t.day] {
		return true
	}
	return ev.excludedInstants != nil && ev.excludedInstants[p.instant(t).Unix()]
}

func sortEntries(es []Entry) []Entry {
	slices.SortStableFunc(es, func(a, b Entry) int {
		if a.Date != b.Date {
			return cmpInt(int64(a.Date), int64(b.Date))
		}
		if c := strings.Compare(strings.Join(a.Hours, ","), strings.Join(b.Hours, ",")); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return slices.CompactFunc(es, func(a, b Entry) bool {
		return a.Date == b.Date && a.Name == b.Name && slices.Equal(a.Hours, b.Hours)
	})
}

func (p *icsParser) step(line int) error {
	p.steps++
	if p.steps > maxICSSteps {
		return icsErr(line, "RRULE", "", "recurrences need more than "+itoa(maxICSSteps)+" steps to expand", ErrTooLarge)
	}
	return nil
}

// occurrences adds the entries of every occurrence of ev.
func (p *icsParser) occurrences(ev *icsEvent) error {
	emit := func(t icsTime) error {
		if ev.excluded(p, t) {
			return nil
		}
		return p.occurrence(ev, t)
	}
	if err := emit(ev.start); err != nil {
		return err
	}
	for _, r := range ev.rdates {
		t := icsTime{allDay: ev.start.allDay, day: r.day, zone: ev.start.zone}
		if !r.allDay && !ev.start.allDay {
			// A date-time RDATE starts when it says: its wall clock in
			// DTSTART's frame.
			loc := ev.start.zone
			if loc == nil {
				loc = p.loc
			}
			lt := p.instant(r).In(loc)
			t.day, t.sod = date.NewAt(lt), int64(lt.Hour()*3600+lt.Minute()*60+lt.Second())
		} else if !ev.start.allDay {
			t.sod = ev.start.sod // a date RDATE of a timed event: DTSTART's time
		}
		if t != ev.start {
			if err := emit(t); err != nil {
				return err
			}
		}
	}
	if ev.rule == nil {
		return nil
	}
	return ev.rule.expand(p, ev, func(day date.Date) error {
		t := ev.start
		t.day = day
		return emit(t)
	})
}

// occurrence adds the entries of the occurrence of ev that starts at t
// (in DTSTART's frame).
func (p *icsParser) occurrence(ev *icsEvent, t icsTime) error {
	day := t.day
	if ev.start.allDay {
		n := 1
		switch {
		case ev.hasEnd:
			n = int(ev.end.day - ev.start.day)
		case ev.hasDur:
			n = ev.dur.days
		}
		last := min(day+date.Date(n), windowLast)
		for d := max(day, windowFirst); d < last; d++ {
			if err := p.step(ev.line); err != nil {
				return err
			}
			if err := p.add(ev, Entry{Date: d, Name: ev.summary}); err != nil {
				return err
			}
		}
		return nil
	}
	s := p.instant(t)
	var e time.Time
	switch {
	case ev.hasEnd:
		e = s.Add(p.instant(ev.end).Sub(p.instant(ev.start)))
	case ev.hasDur:
		end := t
		end.day += date.Date(ev.dur.days)
		e = p.instant(end).Add(time.Duration(ev.dur.secs) * time.Second)
	default:
		return nil // lasts no time
	}
	return p.addSpan(ev, s, e)
}

// addSpan adds the wall-clock hours of the calendar's zone that [s, e)
// covers, date by date.
func (p *icsParser) addSpan(ev *icsEvent, s, e time.Time) error {
	lo := wallInstant(p.loc, windowFirst-1, 0)
	hi := wallInstant(p.loc, windowLast+1, 0)
	s, e = maxTime(s, lo), minTime(e, hi)
	byDay := map[date.Date][]piece{}
	var days []date.Date
	for cur := s; cur.Before(e); {
		if err := p.step(ev.line); err != nil {
			return err
		}
		lc := cur.In(p.loc)
		d := date.NewAt(lc)
		next := wallInstant(p.loc, d+1, 0) // the next date's first instant
		if !next.After(cur) {
			next = cur.Add(time.Second) // not reached: midnights move forward
		}
		segEnd := minTime(e, next)
		if _, zoneEnd := lc.ZoneBounds(); !zoneEnd.IsZero() && zoneEnd.After(cur) {
			segEnd = minTime(segEnd, zoneEnd)
		}
		from := int64(lc.Hour()*3600+lc.Minute()*60+lc.Second())*nsPerSec + int64(lc.Nanosecond())
		to := from + int64(segEnd.Sub(cur))
		if segEnd.Equal(next) {
			to = secondsPerDay * nsPerSec
		}
		// Round to whole minutes: closures outward, openings inward.
		const minute = 60 * nsPerSec
		a, b := floorDiv(from, minute)*60, (to+minute-1)/minute*60
		if ev.opens {
			a, b = (from+minute-1)/minute*60, floorDiv(to, minute)*60
		}
		b = min(b, secondsPerDay)
		if a < b && d >= windowFirst && d < windowLast {
			if _, ok := byDay[d]; !ok {
				days = append(days, d)
			}
			byDay[d] = append(byDay[d], piece{a, b})
		}
		cur = segEnd
	}
	for _, d := range days {
		ps := normalize(byDay[d])
		entry := Entry{Date: d, Name: ev.summary}
		if !(len(ps) == 1 && ps[0] == piece{0, secondsPerDay} && !ev.opens) {
			for _, pc := range ps {
				entry.Hours = append(entry.Hours, clockText(pc.start)+"-"+clockText(pc.end))
			}
		}
		if err := p.add(ev, entry); err != nil {
			return err
		}
	}
	return nil
}

func clockText(sec int64) string {
	h, m := sec/3600, sec/60%60
	return string([]byte{byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10)})
}

func (p *icsParser) add(ev *icsEvent, e Entry) error {
	list := &p.feed.Closed
	what := "closed"
	if ev.opens {
		list, what = &p.feed.Open, "open"
		if len(e.Hours) == 0 {
			e.Hours = []string{"00:00-24:00"}
		}
	}
	if len(*list) == maxOverrides {
		return icsErr(ev.line, "VEVENT", "", "more than "+itoa(maxOverrides)+" "+what+" entries", ErrTooLarge)
	}
	*list = append(*list, e)
	return nil
}
