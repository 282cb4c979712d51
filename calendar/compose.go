package calendar

import (
	"iter"
	"sort"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
)

// Union returns the calendar open whenever any of cals is open. Calendars
// in different zones compose over real instants. The result reports the
// first calendar's zone (used by AddDays) and has no JSON form. A union
// with Always (or with a nil or zero Calendar, which is Always) is Always.
// A composition holds every open span of the supported range; one of more
// than about a million spans is refused with ErrTooLarge.
func Union(cals ...*Calendar) (*Calendar, error) {
	return compose("Union", cals, false)
}

// Intersect returns the calendar open whenever all of cals are open, such
// as a New York office's hours within a London customer's. The result
// reports the first calendar's zone (used by AddDays) and has no JSON form.
// Always (and a nil or zero Calendar) leaves the others as they are; the
// intersection of Always alone is Always. An intersection that some year
// is never open is refused with ErrNeverOpen, and one too large as for
// Union.
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
	for _, c := range cals {
		names = append(names, c.Name())
		if c == nil || c.eng == nil {
			if !intersect {
				return Always(), nil
			}
			continue
		}
		members = append(members, c)
	}
	if len(members) == 0 {
		return Always(), nil
	}
	var acc []piece
	for i, m := range members {
		var ps []piece
		for p := range m.eng.pieces(time.Unix(-1<<40, 0)) {
			if len(ps) == maxComposedPieces {
				return nil, fieldErr(op, m.Name(), "more than "+itoa(maxComposedPieces)+" open spans to compose", ErrTooLarge)
			}
			ps = append(ps, p)
		}
		switch {
		case i == 0:
			acc = ps
		case intersect:
			acc = intersectPieces(acc, ps)
		default:
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
	name := strings.ToLower(op) + "(" + strings.Join(names, ",") + ")"
	c := &Calendar{name: name, loc: loc, eng: e}
	if err := c.checkEveryYear(); err != nil {
		return nil, err
	}
	return c, nil
}

func intersectPieces(a, b []piece) []piece {
	var out []piece
	for i, j := 0, 0; i < len(a) && j < len(b); {
		s, e := max(a[i].start, b[j].start), min(a[i].end, b[j].end)
		if s < e {
			out = append(out, piece{s, e})
		}
		if a[i].end < b[j].end {
			i++
		} else {
			j++
		}
	}
	return out
}

// spans is the engine of a composed calendar: its open pieces over the
// whole supported range, with prefix sums.
type spans struct {
	loc         *time.Location
	ps          []piece // Unix seconds, sorted, merged
	cumBefore   []int64 // open seconds before ps[i]
	first, last time.Time
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
	y, m, dd := d.Date()
	start := time.Date(y, m, dd, 0, 0, 0, 0, e.loc).Unix()
	end := time.Date(y, m, dd+1, 0, 0, 0, 0, e.loc).Unix()
	i := e.find(start)
	return i < len(e.ps) && e.ps[i].start < end
}
