//go:build !race

package sla_test

// raceEnabled reports whether the race detector is on: long tests then run
// smaller.
const raceEnabled = false
