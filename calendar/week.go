package calendar

import (
	"slices"
	"strconv"
	"strings"
	"time"

	timeofday "github.com/rickb777/date/v2/clock"
)

const secondsPerDay = 24 * 60 * 60

// interval is a wall-clock interval of a day's program, as written:
// [start, end), where an end not after the start runs overnight into the
// next day's wall clock.
type interval struct {
	start, end timeofday.Clock
}

// String writes the interval as "HH:MM-HH:MM", the form parseInterval reads.
func (iv interval) String() string {
	return iv.start.HhMm() + "-" + iv.end.HhMm()
}

func (iv interval) overnight() bool { return iv.end <= iv.start }

// piece is a half-open range [start, end) of seconds: seconds after midnight
// in a wall-clock day, or Unix seconds for real instants.
type piece struct {
	start, end int64
}

func (p piece) len() int64 { return p.end - p.start }

var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// parseWeekday reads "mon" … "sun".
func parseWeekday(s string) (time.Weekday, bool) {
	i := slices.Index(weekdayKeys[:], s)
	return time.Weekday(i), i >= 0
}

// parseClock reads a strict "HH:MM" from 00:00 to 24:00.
func parseClock(s string) (timeofday.Clock, string) {
	if len(s) != 5 || s[2] != ':' {
		return 0, `want "HH:MM"`
	}
	h, ok1 := twoDigits(s[0:2])
	m, ok2 := twoDigits(s[3:5])
	switch {
	case !ok1 || !ok2:
		return 0, `want "HH:MM"`
	case h > 24:
		return 0, "hour out of range"
	case m > 59:
		return 0, "minute out of range"
	case h == 24 && m != 0:
		return 0, "time after 24:00"
	}
	return timeofday.New(h, m, 0, 0), ""
}

func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// parseInterval reads "HH:MM-HH:MM". The start may not be 24:00; an end not
// after the start means the interval runs overnight.
func parseInterval(field, s string) (interval, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return interval{}, fieldErr(field, s, `want "HH:MM-HH:MM"`, ErrBadInterval)
	}
	start, why := parseClock(strings.TrimSpace(a))
	if why == "" {
		if start == 24*timeofday.Hour {
			why = "starts at 24:00"
		}
	}
	if why != "" {
		return interval{}, fieldErr(field, s, why, ErrBadInterval)
	}
	end, why := parseClock(strings.TrimSpace(b))
	if why != "" {
		return interval{}, fieldErr(field, s, why, ErrBadInterval)
	}
	return interval{start, end}, nil
}

// parseHours reads a list of intervals; field names the list ("week.mon").
func parseHours(field string, list []string) ([]interval, error) {
	if len(list) > maxIntervalsPerDay {
		return nil, fieldErr(field, "", "more than 48 intervals", ErrTooLarge)
	}
	out := make([]interval, 0, len(list))
	for i, s := range list {
		iv, err := parseInterval(field+"["+itoa(i)+"]", s)
		if err != nil {
			return nil, err
		}
		out = append(out, iv)
	}
	return out, nil
}

func hoursText(ivs []interval) []string {
	if len(ivs) == 0 {
		return nil
	}
	out := make([]string, len(ivs))
	for i, iv := range ivs {
		out[i] = iv.String()
	}
	return out
}

func secs(c timeofday.Clock) int64 { return int64(c / timeofday.Second) }

// inDay returns the parts of a program that lie on its own day's wall clock.
func inDay(prog []interval) []piece {
	var out []piece
	for _, iv := range prog {
		end := secs(iv.end)
		if iv.overnight() {
			end = secondsPerDay
		}
		if s := secs(iv.start); s < end {
			out = append(out, piece{s, end})
		}
	}
	return out
}

// tails returns the parts of a program's overnight intervals that run into
// the next day's wall clock.
func tails(prog []interval) []piece {
	var out []piece
	for _, iv := range prog {
		if iv.overnight() && iv.end > 0 {
			out = append(out, piece{0, secs(iv.end)})
		}
	}
	return out
}

// normalize sorts pieces and merges the ones that overlap or touch.
func normalize(ps []piece) []piece {
	slices.SortFunc(ps, func(a, b piece) int {
		if a.start != b.start {
			return cmpInt(a.start, b.start)
		}
		return cmpInt(a.end, b.end)
	})
	out := ps[:0]
	for _, p := range ps {
		if p.len() <= 0 {
			continue
		}
		if n := len(out); n > 0 && p.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, p.end)
			continue
		}
		out = append(out, p)
	}
	return out
}

// subtract removes the closed pieces from open; both are normalized.
func subtract(open, closed []piece) []piece {
	var out []piece
	for _, p := range open {
		cur := p
		for _, c := range closed {
			if c.end <= cur.start || c.start >= cur.end {
				continue
			}
			if c.start > cur.start {
				out = append(out, piece{cur.start, c.start})
			}
			cur.start = c.end
			if cur.start >= cur.end {
				break
			}
		}
		if cur.start < cur.end {
			out = append(out, cur)
		}
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func itoa(i int) string { return strconv.Itoa(i) }
