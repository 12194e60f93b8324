package process

import "golang.org/x/sys/unix"

// userHZ is the clock tick of /proc/PID/stat's start time: USER_HZ, 100 on
// every Linux that Go runs on. A journal checks it against /proc once.
const userHZ = 100

// bootTicks is the time since boot in the clock ticks of /proc/PID/stat's
// start time, which the kernel takes from the same clock (CLOCK_BOOTTIME)
// and rounds down alike; 0 when the clock cannot be read.
func bootTicks() uint64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) != nil {
		return 0
	}
	return uint64(ts.Nano()) / (1e9 / userHZ)
}
