package sla

import (
	"strconv"
	"strings"
)

// A Metric is a kind of obligation a policy can set a target for.
type Metric string

// Metrics.
const (
	// FirstReply: a person answers the inquiry, counted from its arrival.
	FirstReply Metric = "first_reply"
	// NextReply: a person answers a customer message that arrived when no
	// reply was owed, counted from that message. Messages that arrive
	// while a reply is owed are nudges of the obligation that owes it.
	NextReply Metric = "next_reply"
	// Update: while the inquiry is unresolved, a person updates the
	// customer at least every target; each obligation counts from the
	// arrival, the previous update or a Reopen, and stops while waiting on
	// the customer.
	Update Metric = "update"
	// Resolution: the inquiry is resolved, counted from its arrival,
	// without the time spent waiting on the customer or resolved.
	Resolution Metric = "resolution"
	// PromiseKept: each Promise is kept by a reply or a resolution after
	// it, by its due time plus the target (a grace, often zero).
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
// numbered from 1.
func (m Metric) numbered() bool {
	return m != FirstReply && m != Resolution
}

// fixedDue reports whether an obligation of m is due at a time set by its
// event, the target being a grace after it.
func (m Metric) fixedDue() bool { return m == PromiseKept || m == AppointmentKept }

// A Key names an obligation within its inquiry, stably across evaluations:
// "first_reply", "resolution", "next_reply#2", "update#3",
// "promise_kept#1", "appointment_kept#1". N is 0 for first reply and resolution, and counts the
// obligations of the metric from 1 otherwise.
type Key struct {
	Metric Metric
	N      int
}

// String returns "metric" or "metric#N".
func (k Key) String() string {
	if k.N == 0 {
		return string(k.Metric)
	}
	return string(k.Metric) + "#" + strconv.Itoa(k.N)
}

// ParseKey reads a key as written by String. Errors wrap ErrBadKey.
func ParseKey(s string) (Key, error) {
	name, num, numbered := strings.Cut(s, "#")
	m := Metric(name)
	switch {
	case m.index() < 0:
		return Key{}, errAt("", s, "unknown metric: want one of "+metricList(), ErrBadKey)
	case numbered != m.numbered() && m.numbered():
		return Key{}, errAt("", s, "a "+name+" key is numbered from 1: "+name+"#1", ErrBadKey)
	case numbered != m.numbered():
		return Key{}, errAt("", s, "a "+name+" key has no number", ErrBadKey)
	case !numbered:
		return Key{Metric: m}, nil
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num {
		return Key{}, errAt("", s, "the number after # is a whole number from 1", ErrBadKey)
	}
	return Key{Metric: m, N: n}, nil
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
