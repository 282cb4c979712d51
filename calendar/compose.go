package calendar

import (
	"iter"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
)

// Union returns the calendar open whenever any of cals is open. Calendars
// in different zones compose over real instants. The result reports the
// first calendar's zone (used by AddDays) and has no JSON form; it is
// named "union(a,b)" after its members, an unnamed one written by its
// place, "union(office,#2)", a Union or Intersect as it is named,
// "union(intersect(a,b),c)", and a name holding any of `,()#"`, or the
// name "always" (the name of Always), quoted. A
// union with Always (or with a nil or zero Calendar, which is Always) is
// Always. A composition holds every open span of the supported range;
// one of more than about a million spans is refused with ErrTooLarge.
func Union(cals ...*Calendar) (*Calendar, error) {
	return compose("Union", cals, false)
}

// Intersect returns the calendar open whenever all of cals are open, such
// as a New York office's hours within a London customer's. The result
// reports the first calendar's zone (used by AddDays) and has no JSON
// form; it is named like a Union's, "intersect(office,#2)", a nil or zero
// member "always". Always (and a nil or zero Calendar) leaves the others
// as they are; the intersection of Always alone is Always. An
// intersection that some year is never open is refused with
// ErrNeverOpen, and one of more than about a million spans with
// ErrTooLarge, however many spans its members have (a calendar open a
// half hour every hour, within a 9-to-5 one, is built).
func Intersect(cals ...*Calendar) (*Calendar, error) {
	return compose("Intersect", cals, true)
}

// maxComposedPieces bounds the open spans a composition holds (16 bytes
// each, plus 8 of prefix sums: 24 MB at most): 130 years of a calendar
// with about 150 separate openings a week.
const maxComposedPieces = 1 << 20

func compose(op string, cals []*Calendar, intersect bool) (*Calendar, error) {
	if len(cals) == 0 {
		return nil, fieldErr(op, "", "needs at least one calendar", ErrNeverOpen)
	}
	var members []*Calendar
	names := make([]string, 0, len(cals))
	var memberNames []string
	for i, c := range cals {
		if c == nil || c.eng == nil { // Always, and named so
			if !intersect {
				return Always(), nil
			}
			names = append(names, "always")
			continue
		}
		name := c.Name()
		switch {
		case c.doc == nil:
			// A Union or Intersect: its name is one this function made,
			// which reads as it is.
		case name == "":
			name = "#" + itoa(i+1) // an unnamed member, by its place
		case name == "always" || strings.ContainsAny(name, `,()#"`):
			name = strconv.Quote(name) // not to be read as two, as a place or as Always
		}
		names = append(names, name)
		members = append(members, c)
		memberNames = append(memberNames, name)
	}
	if len(members) == 0 {
		return Always(), nil
	}
	from := time.Unix(-1<<40, 0)
	var acc []piece
	if intersect {
		// The members' pieces are intersected as they come, so that
		// only the intersection is bounded: a fine-grained member
		// within a 9-to-5 one is not refused for its own size.
		seq := members[0].eng.pieces(from)
		for _, m := range members[1:] {
			seq = intersectPieces(seq, m.eng.pieces(from))
		}
		for p := range seq {
			if len(acc) == maxComposedPieces {
				return nil, fieldErr(op, "", "more than "+itoa(maxComposedPieces)+" open spans in the intersection", ErrTooLarge)
			}
			acc = append(acc, p)
		}
	} else {
		for i, m := range members {
			var ps []piece
			for p := range m.eng.pieces(from) {
				if len(ps) == maxComposedPieces {
					return nil, fieldErr(op, memberNames[i], "more than "+itoa(maxComposedPieces)+" open spans to compose", ErrTooLarge)
				}
				ps = append(ps, p)
			}
			if i == 0 {
				acc = ps
				continue
			}
			acc = normalize(append(acc, ps...))
			if len(acc) > maxComposedPieces {
				return nil, fieldErr(op, "", "more than "+itoa(maxComposedPieces)+" open spans in the union", ErrTooLarge)
			}
		}
	}
	loc := members[0].Location()
	first, last := members[0].eng.bounds()
	e := &spans{loc: loc, ps: acc, cumBefore: make([]int64, len(acc)+1), first: first, last: last}
	for i, p := range acc {
		e.cumBefore[i+1] = e.cumBefore[i] + p.len()
	}
	e.days = openDayList(loc, acc)
	name := strings.ToLower(op) + "(" + strings.Join(names, ",") + ")"
	c := &Calendar{name: name, loc: loc, eng: e}
	if err := c.checkEveryYear(); err != nil {
		return nil, err
	}
	return c, nil
}

// intersectPieces yields the pieces open in both a and b, two sorted
// sequences of disjoint pieces, as they come.
func intersectPieces(a, b iter.Seq[piece]) iter.Seq[piece] {
	return func(yield func(piece) bool) {
		next, stop := iter.Pull(b)
		defer stop()
		q, ok := next()
		for p := range a {
			for ok && q.end <= p.start {
				q, ok = next()
			}
			for ok && q.start < p.end {
				if !yield(piece{max(p.start, q.start), min(p.end, q.end)}) {
					return
				}
				if q.end > p.end {
					break // q goes on past p, into the pieces after it
				}
				q, ok = next()
			}
			if !ok {
				return
			}
		}
	}
}

// spans is the engine of a composed calendar: its open pieces over the
// whole supported range, with prefix sums.
type spans struct {
	loc         *time.Location
	ps          []piece // Unix seconds, sorted, merged
	cumBefore   []int64 // open seconds before ps[i]
	days        []int32 // the open days of the range, as days after windowFirst, sorted
	first, last time.Time
}

// openDayList returns the local dates in the range that the pieces touch:
// at most one entry per date of the range (190 kB for 130 years).
func openDayList(loc *time.Location, ps []piece) []int32 {
	var out []int32
	local := func(u int64) int32 { return int32(date.NewAt(time.Unix(u, 0).In(loc)) - windowFirst) }
	limit := int32(windowLast - windowFirst)
	for _, p := range ps {
		for d := max(local(p.start), 0); d <= local(p.end-1) && d < limit; d++ {
			if n := len(out); n == 0 || out[n-1] < d {
				out = append(out, d)
			}
		}
	}
	return out
}

func (e *spans) total() int64                   { return e.cumBefore[len(e.ps)] * nsPerSec }
func (e *spans) bounds() (time.Time, time.Time) { return e.first, e.last }
func (e *spans) location() *time.Location       { return e.loc }

// find returns the index of the first piece that ends after u.
func (e *spans) find(u int64) int {
	return sort.Search(len(e.ps), func(i int) bool { return e.ps[i].end > u })
}

func (e *spans) cum(t time.Time) int64 {
	u := t.Unix()
	i := e.find(u)
	x := e.cumBefore[i] * nsPerSec
	if i < len(e.ps) && u >= e.ps[i].start {
		x += (u-e.ps[i].start)*nsPerSec + int64(t.Nanosecond())
	}
	return x
}

func (e *spans) inv(x int64) time.Time {
	i := sort.Search(len(e.ps), func(i int) bool { return e.cumBefore[i+1]*nsPerSec >= x })
	if i == len(e.ps) {
		return e.last
	}
	rem := x - e.cumBefore[i]*nsPerSec
	return time.Unix(e.ps[i].start+rem/nsPerSec, rem%nsPerSec).In(e.loc)
}

func (e *spans) advance(t time.Time, d int64) (time.Time, bool) {
	x0 := e.cum(t)
	x := x0 + d
	if x > e.total() || x < x0 {
		return time.Time{}, false
	}
	return e.inv(x), true
}

func (e *spans) isOpen(t time.Time) bool {
	u := t.Unix()
	i := e.find(u)
	return i < len(e.ps) && u >= e.ps[i].start
}

func (e *spans) pieces(from time.Time) iter.Seq[piece] {
	return func(yield func(piece) bool) {
		for _, p := range e.ps[e.find(from.Unix()):] {
			if !yield(p) {
				return
			}
		}
	}
}

func (e *spans) openDay(d date.Date) bool {
	i := e.openDaysBefore(d)
	return i < int64(len(e.days)) && date.Date(e.days[i]) == d-windowFirst
}

func (e *spans) openDaysBefore(d date.Date) int64 {
	d = min(max(d, windowFirst), windowLast)
	k := int32(d - windowFirst)
	return int64(sort.Search(len(e.days), func(i int) bool { return e.days[i] >= k }))
}

func (e *spans) nthOpenDay(m int64) (date.Date, bool) {
	if m < 1 || m > int64(len(e.days)) {
		return 0, false
	}
	return windowFirst + date.Date(e.days[m-1]), true
}
