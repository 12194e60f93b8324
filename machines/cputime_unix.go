//go:build unix && !linux

package machines

import (
	"syscall"
	"time"
)

// threadCPUTime is the CPU time the process has used: these systems have
// no per-thread usage, and the benchmark is the only busy thread.
func threadCPUTime() (time.Duration, bool) {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0, false
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()), true
}
