//go:build unix

package report_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used, user and
// system: a figure of the work done that, unlike the wall clock, other
// processes on the machine do not inflate.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
