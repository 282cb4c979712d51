package sla

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// maxShare bounds a Trigger's share, in basis points (100 × 100%).
const maxShare = 100 * 10000

// A Trigger says when an escalation level fires, in terms of an
// obligation's clock: at an offset from the due time ("-1h" before it, "0"
// at it, "+4h" after it) or at a share of the target ("75%").
//
// Offsets and shares are both measured in the obligation's business time,
// with paused time left out: "+4h" fires when four more business hours have
// gone by after the due time, "75%" when three quarters of the target has
// been used. A level fires at the first instant its threshold is reached,
// at the due time itself for thresholds at or past the target, and never
// once the obligation is met or cancelled. A threshold that is negative
// (an offset larger than the target) is reached when the obligation starts;
// one beyond time.Duration's range of business time (about 292 years: a
// share of 10000% of a 20-year target) is never reached.
//
// The zero Trigger fires at the due time.
type Trigger struct {
	offset  time.Duration
	share   int32 // basis points, if isShare
	isShare bool
}

// AtOffset returns the trigger at offset d from the due time: negative
// before it, positive after it.
func AtOffset(d time.Duration) Trigger { return Trigger{offset: d} }

// AtShare returns the trigger at percent per cent of the target, rounded to
// a hundredth of a per cent. Policy sets refuse shares that are negative,
// above 10000% or NaN; such a trigger's String says what it was ("-5%",
// "NaN%"), shares beyond ±10000.01% written as that.
func AtShare(percent float64) Trigger {
	bp := percent * 100
	switch {
	case bp != bp:
		return Trigger{share: nanShare, isShare: true}
	case bp < 0:
		return Trigger{share: int32(max(bp-0.5, -maxShare-1)), isShare: true}
	case bp+0.5 >= maxShare+1:
		return Trigger{share: maxShare + 1, isShare: true}
	}
	return Trigger{share: int32(bp + 0.5), isShare: true}
}

// nanShare is the share of AtShare(NaN).
const nanShare = math.MinInt32

// ParseTrigger reads a trigger: an offset as a signed Go or ISO 8601
// duration ("-1h", "0", "+4h", "-PT30M"), or a share of the target ("75%",
// "12.5%", "0.07%"): decimal digits, optionally a point and one or two
// more digits, then "%", at most "10000%". Offsets may not hold days.
func ParseTrigger(s string) (Trigger, error) {
	bad := func(why string) (Trigger, error) {
		return Trigger{}, errAt("", s, why, ErrBadLevel)
	}
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		bp, why := parseShare(pct)
		if why != "" {
			return bad(why)
		}
		return Trigger{share: bp, isShare: true}, nil
	}
	switch {
	case s == "0":
		return Trigger{}, nil
	case strings.HasPrefix(s, "-"):
		return offsetTrigger(s, s[1:], true)
	case strings.HasPrefix(s, "+"):
		return offsetTrigger(s, s[1:], false)
	}
	return bad(`an offset needs a sign ("-1h", "+4h") or is "0"; a share ends in "%"`)
}

// parseShare reads the decimal number of a share, before its "%", exactly,
// in basis points; on failure it says why.
func parseShare(s string) (bp int32, why string) {
	whole, frac, point := strings.Cut(s, ".")
	if whole == "" || point && (frac == "" || len(frac) > 2) {
		return 0, "a share is written with digits and at most two decimals, as in \"75%\" or \"12.25%\""
	}
	var n int64
	for _, c := range whole + frac + "00"[len(frac):] {
		if c < '0' || c > '9' {
			return 0, "a share is written with digits and at most two decimals, as in \"75%\" or \"12.25%\""
		}
		if n = n*10 + int64(c-'0'); n > maxShare {
			return 0, "share too large (at most 10000%)"
		}
	}
	return int32(n), ""
}

func offsetTrigger(s, abs string, neg bool) (Trigger, error) {
	const want = `want a signed Go or ISO 8601 duration ("-1h", "+PT30M"), "0", or a share ("75%")`
	if abs == "" || abs[0] == '-' || abs[0] == '+' {
		return Trigger{}, errAt("", s, want, ErrBadLevel)
	}
	d, err := ParseDuration(abs)
	if err != nil {
		return Trigger{}, errAt("", s, want, ErrBadLevel)
	}
	if d.Days != 0 {
		return Trigger{}, errAt("", s, "an offset may not hold days", ErrBadLevel)
	}
	if neg {
		return Trigger{offset: -d.Time}, nil
	}
	return Trigger{offset: d.Time}, nil
}

// MustParseTrigger is like ParseTrigger but panics if s cannot be parsed.
func MustParseTrigger(s string) Trigger {
	t, err := ParseTrigger(s)
	if err != nil {
		panic(err)
	}
	return t
}

// String returns t as ParseTrigger reads it.
func (t Trigger) String() string {
	if t.isShare {
		return shareString(t.share)
	}
	switch {
	case t.offset > 0:
		return "+" + shortDuration(t.offset)
	case t.offset < 0:
		return shortDuration(t.offset) // with its "-", also for math.MinInt64
	}
	return "0"
}

// shareString writes a share of bp basis points as a decimal per cent with
// no trailing zeros ("75%", "12.5%", "0.07%"), exactly.
func shareString(bp int32) string {
	if bp == nanShare {
		return "NaN%"
	}
	sign := ""
	n := int64(bp)
	if n < 0 {
		sign, n = "-", -n
	}
	s := sign + strconv.FormatInt(n/100, 10)
	if f := n % 100; f != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return s + "%"
}

// MarshalText implements encoding.TextMarshaler with String's form.
func (t Trigger) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseTrigger.
func (t *Trigger) UnmarshalText(b []byte) error {
	v, err := ParseTrigger(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// valid reports whether t is within bounds (it may have been built in Go).
func (t Trigger) valid() bool {
	if t.isShare {
		return t.share >= 0 && t.share <= maxShare
	}
	return t.offset >= -maxTime && t.offset <= maxTime
}

// threshold returns the business time an obligation with the given budget
// has used when t fires, and whether that is at or past the budget. A share
// of a budget is computed exactly, rounded toward zero; shares and offsets
// saturate at the bounds of time.Duration instead of overflowing, and a
// threshold saturated above (never) is never reached.
func (t Trigger) threshold(budget time.Duration) (time.Duration, bool) {
	var thr time.Duration
	switch {
	case t.isShare:
		thr = shareOf(budget, int64(t.share))
	case t.offset > 0 && budget > math.MaxInt64-t.offset:
		thr = math.MaxInt64
	case t.offset < 0 && budget < math.MinInt64-t.offset:
		thr = math.MinInt64
	default:
		thr = budget + t.offset
	}
	return max(thr, 0), thr >= budget
}

// never is the threshold of a level past time.Duration's range of
// business time (≈ 292 years): a share of 10000% of a 20-year target.
// Such a level never fires; saturated, it would fire 292 years in, long
// before its point.
const never = time.Duration(math.MaxInt64)

// shareOf returns budget·bp/10000 rounded toward zero, for bp ≥ 0, through
// a 128-bit product, saturating at the bounds of time.Duration.
func shareOf(budget time.Duration, bp int64) time.Duration {
	neg := budget < 0
	mag := uint64(budget)
	if neg {
		mag = -mag // also right for math.MinInt64
	}
	hi, lo := bits.Mul64(mag, uint64(max(bp, 0)))
	q := uint64(math.MaxUint64)
	if hi < 10000 { // else the quotient does not fit in 64 bits
		q, _ = bits.Div64(hi, lo, 10000)
	}
	switch {
	case !neg && q > math.MaxInt64:
		return math.MaxInt64
	case !neg:
		return time.Duration(q)
	case q > 1<<63:
		return math.MinInt64
	}
	return time.Duration(-int64(q))
}

// A Level is one rung of an escalation ladder.
type Level struct {
	// Name identifies the level within its ladder ("warn", "breach",
	// "manager").
	Name string `json:"name"`
	// At says when it fires.
	At Trigger `json:"at"`
	// Notify says whom to tell: free strings for the host (a team, a
	// person, a webhook name).
	Notify []string `json:"notify,omitempty"`
}

// An Escalation is a level that fired for an obligation. It is identified
// by (Obligation, Level): a host that notifies once per key notifies once
// per level, however often it evaluates.
type Escalation struct {
	// Obligation is the key of the obligation it fired for.
	Obligation Key
	// Level is the level's name.
	Level string
	// Notify is a copy of the level's Notify list.
	Notify []string
	// At is the instant it fired.
	At time.Time
}
