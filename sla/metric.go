package sla

import (
	"strconv"
	"strings"
)

// A Metric is a kind of obligation a policy can set a target for.
type Metric string

// Metrics. Every obligation's clock counts business time in its target's
// calendar from its start, and stands still while the host status pauses
// its metric ([HostStatus]).
const (
	// FirstReply: a person answers the inquiry, counted from its arrival.
	FirstReply Metric = "first_reply"
	// NextReply: a person answers a customer message that arrived when no
	// reply was owed, counted from that message. Messages that arrive
	// while a reply is owed are nudges of the obligation that owes it.
	NextReply Metric = "next_reply"
	// Update: while the inquiry is unresolved, a person updates the
	// customer at least every target; each obligation counts from the
	// arrival, the previous update or a Reopen.
	Update Metric = "update"
	// Resolution: the inquiry is resolved, counted from its arrival,
	// without the time resolved; a Reopen continues it, or starts a new
	// cycle. A team's resolution ("resolution@billing") counts only while
	// the inquiry is assigned to the team, from the first time it is.
	Resolution Metric = "resolution"
	// PromiseKept: each Promise is kept by what fulfils it (see Promise)
	// by its due time plus the target (a grace, often zero).
	PromiseKept Metric = "promise_kept"
	// AppointmentKept: each Appointment is held by its time plus the
	// target (a grace).
	AppointmentKept Metric = "appointment_kept"
)

// metrics lists every metric; a metric's index in it indexes per-metric
// arrays.
var metrics = [...]Metric{FirstReply, NextReply, Update, Resolution, PromiseKept, AppointmentKept}

const numMetrics = len(metrics)

// Metrics returns every metric.
func Metrics() []Metric { return metrics[:len(metrics):len(metrics)] }

// index returns m's position in metrics, or -1.
func (m Metric) index() int {
	for i, x := range metrics {
		if x == m {
			return i
		}
	}
	return -1
}

// numbered reports whether a metric has one obligation per occasion,
// numbered from 1. (A resolution is numbered from its second cycle.)
func (m Metric) numbered() bool {
	return m != FirstReply && m != Resolution
}

// fixedDue reports whether an obligation of m is due at a time set by its
// event, the target being a grace after it.
func (m Metric) fixedDue() bool { return m == PromiseKept || m == AppointmentKept }

// A Key names an obligation within its inquiry, stably across evaluations:
// "first_reply", "resolution", "next_reply#2", "update#3",
// "promise_kept#1", "appointment_kept#1", and for a team's target
// "resolution@billing". N is 0 for first reply and the first resolution
// cycle, counts the resolution's later cycles from 2 ("resolution#2"), and
// counts the obligations of the other metrics from 1.
type Key struct {
	Metric Metric
	N      int
	// Team is the team whose target it is, "" for the policy's own.
	Team string
}

// String returns "metric", "metric#N", and "@team" after for a team's.
func (k Key) String() string {
	s := string(k.Metric)
	if k.N != 0 {
		s += "#" + strconv.Itoa(k.N)
	}
	if k.Team != "" {
		s += "@" + k.Team
	}
	return s
}

// ParseKey reads a key as written by String. Errors wrap ErrBadKey.
func ParseKey(s string) (Key, error) {
	rest, team, hasTeam := strings.Cut(s, "@")
	name, num, numbered := strings.Cut(rest, "#")
	m := Metric(name)
	switch {
	case m.index() < 0:
		return Key{}, errAt("", s, "unknown metric: want one of "+metricList(), ErrBadKey)
	case hasTeam && !validTeam(team):
		return Key{}, errAt("", s, "a team name after @ is letters, digits, '.', '-' or '_'", ErrBadKey)
	case hasTeam && m != Resolution:
		return Key{}, errAt("", s, "only a resolution has team targets", ErrBadKey)
	case !numbered && m.numbered():
		return Key{}, errAt("", s, "a "+name+" key is numbered from 1: "+name+"#1", ErrBadKey)
	case numbered && m == FirstReply:
		return Key{}, errAt("", s, "a first_reply key has no number", ErrBadKey)
	case !numbered:
		return Key{Metric: m, Team: team}, nil
	}
	n, err := strconv.Atoi(num)
	low := 1
	if m == Resolution {
		low = 2
	}
	if err != nil || n < low || strconv.Itoa(n) != num {
		return Key{}, errAt("", s, "the number after # is a whole number from "+strconv.Itoa(low), ErrBadKey)
	}
	return Key{Metric: m, N: n, Team: team}, nil
}

// validTeam reports whether s may name a team: letters, digits, '.', '-'
// and '_', not empty.
func validTeam(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

// MarshalText implements encoding.TextMarshaler.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Key) UnmarshalText(b []byte) error {
	v, err := ParseKey(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// metricList lists the metrics for messages.
func metricList() string {
	var b strings.Builder
	for i, m := range metrics {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(m))
	}
	return b.String()
}
