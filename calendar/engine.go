package calendar

import (
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/rickb777/date/v2"
)

// The supported range: calendars are exact for instants whose local date
// lies in [windowFirst, windowLast) and closed outside it. Business time
// inside the range counts in nanoseconds from its start; 130 years of
// nanoseconds fit an int64.
var (
	windowFirst = date.New(1970, time.January, 1)
	windowLast  = date.New(2100, time.January, 1)
)

const nsPerSec = int64(time.Second)

// epoch is the local date whose midnight is local second 0: local seconds
// count like Unix seconds, on the wall clock.
var epoch = date.New(1970, time.January, 1)

// dayStart returns the local second at which date d begins.
func dayStart(d date.Date) int64 { return int64(d-epoch) * secondsPerDay }

// localDay returns the local date holding local second l and the seconds
// after its midnight.
func localDay(l int64) (date.Date, int64) {
	d := floorDiv(l, secondsPerDay)
	return epoch + date.Date(d), l - d*secondsPerDay
}

// engine answers the business-time questions of one calendar. Its cum
// function F(t) — business time in nanoseconds from the start of the
// supported range to t — is monotone and continuous; every operation of
// Calendar derives from F, its inverse and the open pieces.
type engine interface {
	// cum returns F(t).
	cum(t time.Time) int64
	// inv returns the earliest instant u with F(u) >= x, for 0 < x <= total.
	inv(x int64) time.Time
	// total returns F at the end of the supported range.
	total() int64
	isOpen(t time.Time) bool
	// pieces yields, in order and merged where they touch, the open pieces
	// (in Unix seconds) that end after from.
	pieces(from time.Time) iter.Seq[piece]
	// openDay reports whether the calendar is open at all on local date d.
	openDay(d date.Date) bool
	// advance returns inv(cum(t) + d) for d > 0, or false when that lies
	// past the end of the supported range.
	advance(t time.Time, d int64) (time.Time, bool)
	// openDaysBefore returns the number of open days (local dates on
	// which the calendar is open at all) in [windowFirst, d), for any d.
	openDaysBefore(d date.Date) int64
	// nthOpenDay returns the mth open day of the range, counting from 1;
	// false when the range holds fewer.
	nthOpenDay(m int64) (date.Date, bool)
	// bounds returns the first and last instants of the supported range.
	bounds() (first, last time.Time)
	location() *time.Location
}

// transition is a change of the zone's UTC offset.
type transition struct {
	at  int64 // Unix seconds
	off int64 // offset in seconds from at on
}

// exception is a date whose open pieces differ from the weekly template's:
// an override, a rule's date, or a day on which the UTC offset changes.
type exception struct {
	day         date.Date
	first, n    int32 // open pieces, in Unix seconds, in base.real
	open        int64 // open seconds that day
	gStart      int64 // open seconds in the range before that day
	deltaBefore int64 // Σ (open − template open) over earlier exceptions
	// begin is the Unix second from which on the local date stays at or
	// after day. An instant of the date before it — possible only where
	// the clock was set back across midnight, so that the date began
	// twice — belongs with the previous date's, which it interleaves in
	// real time.
	begin int64
}

// base is the engine of a calendar built from a weekly template and
// overrides. A regular day — one that is not an exception — is open exactly
// as its weekday's template says, at one UTC offset, so whole runs of
// regular days are counted arithmetically from prefix sums; exceptions and
// zone transitions are found through bucketed indexes. Add, Between and
// IsOpen neither allocate nor loop over days.
type base struct {
	loc        *time.Location
	days       [7][]piece // regular open pieces per weekday, in seconds after midnight
	dayOpen    [7]int64
	week       int64    // open seconds in a regular week
	perWeekNs  float64  // 1 / (week in nanoseconds)
	pre        [8]int64 // pre[j]: open seconds in the first j days of a week that starts on windowFirst's weekday
	preNs      [8]int64 // pre in nanoseconds
	exc        []exception
	excDay     index      // keys: exception days
	excG       index      // keys: exception gStart
	transAt    index      // keys: transition instants
	transLocal index      // keys: transition instants on the new wall clock
	phase      [7][]piece // days by phase: (d − windowFirst) mod 7
	phaseOpen  [7]int64
	real       []piece
	// Open days: dayPre[j] counts the open days among the first j days of
	// a regular week that starts on windowFirst's weekday; excOpenDay[i]
	// says whether an instant of exception i's own date is open (where
	// a date began twice, its first minutes count for it even though their
	// pieces are kept with the previous date's); excDayDelta[i]
	// is Σ (open − template open, each 0 or 1) over the exceptions before
	// exception i, and excDaysBefore[i] the open days before exception
	// i's date. They live apart from exc, which Add and Between read.
	dayPre        [8]int64
	excOpenDay    []bool  // some instant of the exception's date is open
	excDayDelta   []int64 // len(exc) + 1 entries
	excDaysBefore []int64
	trans         []transition
	off0          int64 // offset before trans[0]
	tot           int64 // open seconds in the range
	deltaAll      int64
	first, last   time.Time
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// offsetAt returns the UTC offset at Unix second u.
func (e *base) offsetAt(u int64) int64 {
	if i := e.transAt.search(u + 1); i > 0 {
		return e.trans[i-1].off
	}
	return e.off0
}

// dayOffset returns the UTC offset throughout regular day d.
func (e *base) dayOffset(d date.Date) int64 {
	if i := e.transLocal.search(dayStart(d) + 1); i > 0 {
		return e.trans[i-1].off
	}
	return e.off0
}

// local returns the local date of Unix second u and its seconds after
// local midnight.
func (e *base) local(u int64) (date.Date, int64) {
	return localDay(u + e.offsetAt(u))
}

// findExc returns the index of the first exception on or after d.
func (e *base) findExc(d date.Date) int { return e.excDay.search(int64(d)) }

// regular returns the open seconds of the template in [windowFirst, d).
func (e *base) regular(d date.Date) int64 {
	n := uint64(d - windowFirst) // d is in the range: not negative
	return int64(n/7)*e.week + e.pre[n%7]
}

// dayPhase returns the regular pieces of date d, which must lie in the range.
func (e *base) dayPhase(d date.Date) []piece { return e.phase[uint64(d-windowFirst)%7] }

func (e *base) deltaBeforeIdx(i int) int64 {
	if i < len(e.exc) {
		return e.exc[i].deltaBefore
	}
	return e.deltaAll
}

func (e *base) total() int64 { return e.tot * nsPerSec }

func (e *base) bounds() (time.Time, time.Time) { return e.first, e.last }

func (e *base) location() *time.Location { return e.loc }

func (e *base) cum(t time.Time) int64 {
	x, _, _ := e.cumHint(t)
	return x
}

// hint remembers where a lookup found t: the first exception on or after
// its day and the number of zone transitions up to it. Later lookups near t
// start from there instead of searching.
type hint struct{ exc, trans int }

// cumHint returns F(t) and where t was found.
func (e *base) cumHint(t time.Time) (int64, int, int) {
	u := t.Unix()
	j := e.transAt.search(u + 1)
	off := e.off0
	if j > 0 {
		off = e.trans[j-1].off
	}
	d, sod := localDay(u + off)
	if d < windowFirst {
		return 0, 0, j
	}
	if d >= windowLast {
		return e.total(), len(e.exc), j
	}
	i := e.findExc(d)
	if i < len(e.exc) && e.exc[i].day == d {
		if u < e.exc[i].begin && i > 0 {
			i-- // the date began twice: see exception.begin
		}
		x := &e.exc[i]
		return x.gStart*nsPerSec + within(e.real[x.first:x.first+x.n], u, t.Nanosecond()), i, j
	}
	g := e.regular(d) + e.deltaBeforeIdx(i)
	return g*nsPerSec + within(e.dayPhase(d), sod, t.Nanosecond()), i, j
}

// within returns the open nanoseconds of ps before second s plus ns.
func within(ps []piece, s int64, ns int) int64 {
	var sum int64
	for _, p := range ps {
		if s >= p.end {
			sum += p.len() * nsPerSec
			continue
		}
		if s >= p.start {
			sum += (s-p.start)*nsPerSec + int64(ns)
		}
		break
	}
	return sum
}

// reach returns where, in seconds and nanoseconds, the running total of ps
// reaches rem nanoseconds (0 < rem <= their sum).
func reach(ps []piece, rem int64) (int64, int64) {
	for _, p := range ps {
		l := p.len() * nsPerSec
		if rem <= l {
			return p.start + rem/nsPerSec, rem % nsPerSec
		}
		rem -= l
	}
	last := ps[len(ps)-1]
	return last.end, 0
}

func (e *base) inv(x int64) time.Time {
	return e.invHint(x, hint{exc: -1, trans: -1})
}

// advance returns inv(F(t) + d) for d > 0, and false if that is past the
// range. It starts its searches where t was found: a due time a few days
// ahead costs no search at all.
func (e *base) advance(t time.Time, d int64) (time.Time, bool) {
	x0, i, j := e.cumHint(t)
	x := x0 + d
	if x > e.total() || x < x0 {
		return time.Time{}, false
	}
	return e.invHint(x, hint{exc: i, trans: j}), true
}

// invHint is inv starting from a hint at or before the answer; a negative
// hint means none.
func (e *base) invHint(x int64, h hint) time.Time {
	// k: the last exception with less than x behind its start.
	k := -1
	if h.exc >= 0 {
		k = h.exc - 1
		for n := 0; k+1 < len(e.exc) && e.exc[k+1].gStart*nsPerSec < x; n++ {
			if n == 4 {
				k = -2 // far: search
				break
			}
			k++
		}
	}
	if h.exc < 0 || k == -2 {
		k = e.excG.search((x-1)/nsPerSec+1) - 1
	}
	delta := int64(0)
	if k >= 0 {
		ex := &e.exc[k]
		if x <= (ex.gStart+ex.open)*nsPerSec {
			s, ns := reach(e.real[ex.first:ex.first+ex.n], x-ex.gStart*nsPerSec)
			return time.Unix(s, ns).In(e.loc)
		}
		delta = e.deltaBeforeIdx(k + 1)
	}
	y := x - delta*nsPerSec // the same point in template-only counting
	// q, y = (y-1)/w, y - q*w, without the 64-bit division: a float
	// estimate off by at most one, corrected.
	w := e.week * nsPerSec
	q := int64(float64(y-1) * e.perWeekNs)
	y -= q * w
	for y <= 0 {
		q, y = q-1, y+w
	}
	for y > w {
		q, y = q+1, y-w
	}
	// j: the first day of the week whose prefix reaches y (a binary
	// search over preNs[1:8], which is sorted).
	j := 1
	if e.preNs[4] < y {
		j = 5
	}
	if e.preNs[j+1] < y {
		j += 2
	}
	if e.preNs[j] < y {
		j++
	}
	d := windowFirst + date.Date(q*7+int64(j-1))
	s, ns := reach(e.phase[j-1], y-e.preNs[j-1])
	l := dayStart(d) + s
	if j := h.trans; j >= 0 {
		// The offset in force at t holds until the next transition. A
		// wrong guess lands at or after it: an instant within the jump
		// after a transition lies on an exception day, not on regular d.
		u := l - e.offsetAfter(j)
		if j == len(e.trans) || u < e.trans[j].at {
			return time.Unix(u, ns).In(e.loc)
		}
	}
	return time.Unix(l-e.dayOffset(d), ns).In(e.loc)
}

// offsetAfter returns the UTC offset after the first j transitions.
func (e *base) offsetAfter(j int) int64 {
	if j > 0 {
		return e.trans[j-1].off
	}
	return e.off0
}

func (e *base) isOpen(t time.Time) bool {
	u := t.Unix()
	d, sod := e.local(u)
	if d < windowFirst || d >= windowLast {
		return false
	}
	i := e.findExc(d)
	if i < len(e.exc) && e.exc[i].day == d {
		if u < e.exc[i].begin && i > 0 {
			i-- // the date began twice: see exception.begin
		}
		x := &e.exc[i]
		return contains(e.real[x.first:x.first+x.n], u)
	}
	return contains(e.dayPhase(d), sod)
}

func contains(ps []piece, s int64) bool {
	for _, p := range ps {
		if s < p.start {
			return false
		}
		if s < p.end {
			return true
		}
	}
	return false
}

func (e *base) openDay(d date.Date) bool {
	if d < windowFirst || d >= windowLast {
		return false
	}
	i := e.findExc(d)
	if i < len(e.exc) && e.exc[i].day == d {
		return e.excOpenDay[i]
	}
	return e.phaseOpen[int64(d-windowFirst)%7] > 0
}

// regularDays returns the open days of the template in [windowFirst, d),
// for d in the range.
func (e *base) regularDays(d date.Date) int64 {
	n := uint64(d - windowFirst)
	return int64(n/7)*e.dayPre[7] + e.dayPre[n%7]
}

func (e *base) openDaysBefore(d date.Date) int64 {
	d = min(max(d, windowFirst), windowLast)
	return e.regularDays(d) + e.excDayDelta[e.findExc(d)]
}

// nthOpenDay finds the exception after which the mth open day lies, in
// O(log n) in the exceptions, then counts whole regular weeks
// arithmetically, as invHint does for business time.
func (e *base) nthOpenDay(m int64) (date.Date, bool) {
	if m < 1 || m > e.openDaysBefore(windowLast) {
		return 0, false
	}
	// k: the last exception with fewer than m open days before it.
	k := sort.Search(len(e.exc), func(i int) bool { return e.excDaysBefore[i] >= m }) - 1
	if k >= 0 && e.excOpenDay[k] && e.excDaysBefore[k] == m-1 {
		return e.exc[k].day, true
	}
	// A regular day after exception k and before exception k+1: the yth
	// open day in template-only counting.
	y := m - e.excDayDelta[k+1]
	w := e.dayPre[7]
	q := (y - 1) / w
	r := y - q*w // 1 … w
	j := 1
	for e.dayPre[j] < r {
		j++
	}
	return windowFirst + date.Date(q*7+int64(j-1)), true
}

// dayPieces appends the open pieces of local date d, in Unix seconds.
func (e *base) dayPieces(d date.Date, out []piece) []piece {
	i := e.findExc(d)
	if i < len(e.exc) && e.exc[i].day == d {
		x := &e.exc[i]
		return append(out, e.real[x.first:x.first+x.n]...)
	}
	shift := dayStart(d) - e.dayOffset(d)
	for _, p := range e.dayPhase(d) {
		out = append(out, piece{p.start + shift, p.end + shift})
	}
	return out
}

func (e *base) pieces(from time.Time) iter.Seq[piece] {
	return func(yield func(piece) bool) {
		d, _ := e.local(from.Unix())
		d = max(d-1, windowFirst)
		fromU := from.Unix()
		var cur piece
		var have bool
		buf := make([]piece, 0, 8)
		for ; d < windowLast; d++ {
			buf = e.dayPieces(d, buf[:0])
			for _, p := range buf {
				if have && p.start <= cur.end {
					cur.end = max(cur.end, p.end)
					continue
				}
				if have && cur.end > fromU && !yield(cur) {
					return
				}
				cur, have = p, true
			}
		}
		if have && cur.end > fromU {
			yield(cur)
		}
	}
}

// pieceAt returns the open piece of local date d, in Unix seconds, that
// holds Unix second u, if any.
func (e *base) pieceAt(d date.Date, u int64) (piece, bool) {
	if d < windowFirst || d >= windowLast {
		return piece{}, false
	}
	var ps []piece
	shift := int64(0)
	if i := e.findExc(d); i < len(e.exc) && e.exc[i].day == d {
		x := &e.exc[i]
		ps = e.real[x.first : x.first+x.n]
	} else {
		ps, shift = e.dayPhase(d), dayStart(d)-e.dayOffset(d)
	}
	for _, p := range ps {
		if p.start+shift <= u && u < p.end+shift {
			return piece{p.start + shift, p.end + shift}, true
		}
	}
	return piece{}, false
}

// nextClose returns the first instant at or after t, which is open, at
// which the calendar is closed. Usually the open piece holding t ends the
// stretch; when it runs on across midnight (a 24×7 calendar), a galloping
// search over F finds the end in a few dozen lookups instead of walking
// every date: the stretch [t, u) is all open exactly when F(u) − F(t)
// equals u − t, and pieces end on whole seconds.
func (e *base) nextClose(t time.Time) time.Time {
	u := t.Unix()
	d, _ := e.local(u)
	for dd := d - 1; dd <= d; dd++ {
		if p, ok := e.pieceAt(dd, u); ok {
			if c := time.Unix(p.end, 0); !e.isOpen(c) {
				return c.In(e.loc)
			}
			break
		}
	}
	x0 := e.cum(t)
	allOpen := func(s int64) bool { // is [t, s) open throughout?
		v := time.Unix(s, 0)
		return e.cum(v)-x0 == int64(v.Sub(t))
	}
	_, last := e.bounds()
	end := last.Unix()
	lo, step := u+1, int64(1) // [t, lo) is open: t is open, pieces are whole seconds
	hi := lo
	for {
		hi = min(lo+step, end)
		if hi >= end || !allOpen(hi) {
			break
		}
		lo, step = hi, step*2
	}
	if hi >= end && allOpen(end) {
		return last
	}
	// [t, lo) open, [t, hi) not: the first closed second s has
	// lo-1 <= s < hi; find the smallest hi with [t, hi) not all open.
	for hi-lo > 0 {
		mid := lo + (hi-lo)/2
		if allOpen(mid) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return time.Unix(hi-1, 0).In(e.loc)
}

// listDay is a date in one list of rules (compiledRule.list).
type listDay struct {
	list int
	day  date.Date
}

// newBase compiles a validated definition into an engine.
func newBase(loc *time.Location, week *[7][]interval, closed, open []override, rules []compiledRule) (*base, error) {
	e := &base{loc: loc}
	for wd := range 7 {
		ps := append(inDay(week[wd]), tails(week[(wd+6)%7])...)
		e.days[wd] = normalize(ps)
		for _, p := range e.days[wd] {
			e.dayOpen[wd] += p.len()
		}
		e.week += e.dayOpen[wd]
	}
	if e.week == 0 {
		return nil, fieldErr("week", "", "no open hours in the weekly template", ErrNeverOpen)
	}
	e.perWeekNs = 1 / float64(e.week*nsPerSec)
	wd0 := int(windowFirst.Weekday())
	for j := range 7 {
		e.phase[j], e.phaseOpen[j] = e.days[(wd0+j)%7], e.dayOpen[(wd0+j)%7]
		e.pre[j+1] = e.pre[j] + e.phaseOpen[j]
		e.preNs[j+1] = e.pre[j+1] * nsPerSec
	}

	// The zone's transitions over the range, and the days they touch.
	special := map[date.Date]bool{}
	lo := dayStart(windowFirst) - 2*secondsPerDay
	hi := dayStart(windowLast) + 2*secondsPerDay
	e.off0, e.trans = zoneTransitions(loc, lo, hi)
	atKeys, localKeys := make([]int64, len(e.trans)), make([]int64, len(e.trans))
	for i, tr := range e.trans {
		atKeys[i], localKeys[i] = tr.at, tr.at+tr.off
	}
	e.transAt, e.transLocal = newIndex(atKeys), newIndex(localKeys)
	prev := e.off0
	for _, tr := range e.trans {
		dNew, _ := localDay(tr.at + tr.off)
		dOld, _ := localDay(tr.at - 1 + prev)
		// Every date from the one the clock leaves to the one it
		// lands on: a date it skips (Pacific/Apia's 2011-12-30) has
		// no time at all.
		for d := min(dOld, dNew); d <= max(dOld, dNew); d++ {
			special[d] = true
		}
		prev = tr.off
	}

	// Overrides, merged per date.
	openings := map[date.Date][]interval{}
	for _, o := range open {
		openings[o.day] = append(openings[o.day], o.hours...)
		special[o.day], special[o.day+1] = true, true
	}
	closures := map[date.Date][]piece{}
	closeDay := func(d date.Date, hours []interval) {
		special[d] = true
		if len(hours) == 0 {
			closures[d] = append(closures[d], piece{0, secondsPerDay})
			return
		}
		closures[d] = append(closures[d], inDay(hours)...)
	}
	for _, c := range closed {
		closeDay(c.day, c.hours)
	}
	// The holidays of each list of rules, for the rules whose dates
	// depend on them; only calendars that have such rules collect them.
	var holiday map[listDay]bool
	if slices.ContainsFunc(rules, func(r compiledRule) bool { return r.contextual() }) {
		holiday = map[listDay]bool{}
		for y := windowFirst.Year() - 1; y <= windowLast.Year(); y++ {
			for i := range rules {
				if own, _, ok := rules[i].dates(y); ok {
					holiday[listDay{rules[i].list, own}] = true
				}
			}
		}
	}
	for i := range rules {
		if rules[i].Kind != BetweenHolidaysRule {
			continue
		}
		for k := range holiday {
			d := k.day + 1
			if k.list == rules[i].list && holiday[listDay{k.list, d + 1}] && !holiday[listDay{k.list, d}] && rules[i].inYear(d.Year()) {
				if _, opened := openings[d]; !opened {
					closeDay(d, rules[i].hours)
				}
			}
		}
	}
	for y := windowFirst.Year() - 1; y <= windowLast.Year(); y++ {
		for i := range rules {
			own, obs, ok := rules[i].dates(y)
			if !ok {
				continue
			}
			if rules[i].Observed == NextNonHoliday {
				for obs != own && holiday[listDay{rules[i].list, obs}] {
					obs++
				}
			}
			// A special opening of the date is the admin's word for
			// that one day: it overrides a yearly rule.
			if _, opened := openings[own]; !opened {
				closeDay(own, rules[i].hours)
			}
			if _, opened := openings[obs]; !opened && obs != own {
				closeDay(obs, rules[i].hours)
			}
		}
	}

	program := func(d date.Date) []interval {
		if p, ok := openings[d]; ok {
			return p
		}
		return week[d.Weekday()]
	}
	days := make([]date.Date, 0, len(special))
	for d := range special {
		if d >= windowFirst && d < windowLast {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	// Each exception's real pieces, then those of a date that began twice
	// moved to the previous date's (see exception.begin), so that the
	// dates' pieces follow each other in real time.
	dayReal := make([][]piece, len(days))
	e.excOpenDay = make([]bool, len(days))
	begins := make([]int64, len(days))
	for k, d := range days {
		wall := normalize(append(inDay(program(d)), tails(program(d-1))...))
		if c := closures[d]; len(c) > 0 {
			wall = subtract(wall, normalize(c))
		}
		dayReal[k] = e.realPieces(d, wall, nil)
		e.excOpenDay[k] = len(dayReal[k]) > 0
		begins[k] = e.dayBegin(d)
		for k > 0 && days[k-1] == d-1 && len(dayReal[k]) > 0 && dayReal[k][0].start < begins[k] {
			dayReal[k-1] = normalize(append(dayReal[k-1], dayReal[k][0]))
			dayReal[k] = dayReal[k][1:]
		}
	}
	e.exc = make([]exception, 0, len(days))
	var deltaSum int64
	for k, d := range days {
		first := len(e.real)
		e.real = append(e.real, dayReal[k]...)
		x := exception{day: d, first: int32(first), n: int32(len(e.real) - first), deltaBefore: deltaSum, begin: begins[k]}
		for _, p := range e.real[first:] {
			x.open += p.len()
		}
		x.gStart = e.regular(d) + deltaSum
		deltaSum += x.open - e.dayOpen[d.Weekday()]
		e.exc = append(e.exc, x)
	}
	e.deltaAll = deltaSum
	for j := range 7 {
		e.dayPre[j+1] = e.dayPre[j]
		if e.phaseOpen[j] > 0 {
			e.dayPre[j+1]++
		}
	}
	e.excDayDelta = make([]int64, len(e.exc)+1)
	e.excDaysBefore = make([]int64, len(e.exc))
	for i, x := range e.exc {
		e.excDaysBefore[i] = e.regularDays(x.day) + e.excDayDelta[i]
		delta := int64(0)
		if e.excOpenDay[i] {
			delta++
		}
		if e.phaseOpen[uint64(x.day-windowFirst)%7] > 0 {
			delta--
		}
		e.excDayDelta[i+1] = e.excDayDelta[i] + delta
	}
	dayKeys, gKeys := make([]int64, len(e.exc)), make([]int64, len(e.exc))
	for i, x := range e.exc {
		dayKeys[i], gKeys[i] = int64(x.day), x.gStart
	}
	e.excDay, e.excG = newIndex(dayKeys), newIndex(gKeys)
	e.tot = e.regular(windowLast) + deltaSum
	e.first = wallInstant(loc, windowFirst, 0)
	e.last = wallInstant(loc, windowLast, 0)
	return e, nil
}

// dayBegin returns the Unix second from which on the local date is d or
// later: the last time the wall clock reaches d's midnight (or jumps past
// it). It is the first such time except where the clock was set back
// across midnight.
func (e *base) dayBegin(d date.Date) int64 {
	dayL := dayStart(d)
	lo, hi := dayL-30*3600, dayL+30*3600
	begin := lo
	prevEnd := int64(-1 << 62) // local second at the end of the previous segment
	for u := lo; u < hi; {
		segEnd := hi
		if i := e.transAt.search(u + 1); i < len(e.trans) && e.trans[i].at < hi {
			segEnd = e.trans[i].at
		}
		off := e.offsetAt(u)
		switch {
		case u+off >= dayL && prevEnd < dayL:
			begin = u // jumped to or past midnight at u
		case u+off < dayL && dayL < segEnd+off:
			begin = dayL - off
		}
		prevEnd = segEnd + off
		u = segEnd
	}
	return begin
}

// realPieces appends the real instants, in Unix seconds, whose wall clock
// on local date d lies in the wall pieces: exact on days when the UTC
// offset changes, where a time inside a spring-forward gap never occurs and
// a time repeated at fall-back occurs twice.
func (e *base) realPieces(d date.Date, wall []piece, out []piece) []piece {
	dayL := dayStart(d)
	first := len(out)
	lo, hi := dayL-16*3600, dayL+secondsPerDay+16*3600
	for u := lo; u < hi; {
		segEnd := hi
		i := e.transAt.search(u + 1)
		if i < len(e.trans) && e.trans[i].at < hi {
			segEnd = e.trans[i].at
		}
		off := e.offsetAt(u)
		for _, w := range wall {
			s, en := max(u, dayL+w.start-off), min(segEnd, dayL+w.end-off)
			if s < en {
				out = append(out, piece{s, en})
			}
		}
		u = segEnd
	}
	return append(out[:first], normalize(out[first:])...)
}

// wallInstant returns the earliest instant at which the wall clock in loc
// shows sod seconds after midnight of date d: the first of two at
// fall-back, and the end of the gap when a spring-forward skips that time.
func wallInstant(loc *time.Location, d date.Date, sod int64) time.Time {
	y, m, dd := d.Date()
	h, mi, s := int(sod/3600), int(sod/60%60), int(sod%60)
	r := time.Date(y, m, dd, h, mi, s, 0, loc)
	want := dayStart(d) + sod
	wall := func(t time.Time) int64 {
		_, off := t.Zone()
		return t.Unix() + int64(off)
	}
	start, end := r.ZoneBounds()
	switch got := wall(r); {
	case got < want && !end.IsZero(): // time.Date stopped before a gap
		return end
	case got > want && !start.IsZero(): // or after it
		return start
	}
	// At fall-back the same wall time comes once more, earlier.
	if !start.IsZero() {
		_, offPrev := start.Add(-time.Second).Zone()
		_, off := r.Zone()
		if offPrev > off {
			if c := r.Add(-time.Duration(offPrev-off) * time.Second); c.Before(start) && wall(c) == want {
				return c
			}
		}
	}
	return r
}

// zoneTransitions returns the UTC offset of loc at Unix second lo and the
// changes of offset in (lo, hi).
func zoneTransitions(loc *time.Location, lo, hi int64) (int64, []transition) {
	offAt := func(u int64) int64 {
		_, off := time.Unix(u, 0).In(loc).Zone()
		return int64(off)
	}
	off0 := offAt(lo)
	var out []transition
	cur := off0
	for u := lo; u < hi; {
		_, end := time.Unix(u, 0).In(loc).ZoneBounds()
		next := end.Unix()
		switch {
		case end.IsZero():
			return off0, out
		case next <= u:
			// time.ZoneBounds can answer u itself near the end of a
			// year under a zone's extended rule: step, then find any
			// change by bisection.
			next = u + 6*3600
		}
		if next >= hi {
			return off0, out
		}
		if o := offAt(next); o != cur {
			a, b := u, next // offAt(a) == cur, offAt(b) != cur
			if offAt(b-1) == cur {
				a = b - 1
			}
			for b-a > 1 {
				m := a + (b-a)/2
				if offAt(m) == cur {
					a = m
				} else {
					b = m
				}
			}
			cur = o
			if b != next {
				cur = offAt(b)
			}
			out = append(out, transition{at: b, off: cur})
		}
		u = next
	}
	return off0, out
}
