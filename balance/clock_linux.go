package balance

import (
	"time"

	"golang.org/x/sys/unix"
)

// uptime is time since boot on a clock that, unlike Go's monotonic clock on
// Linux, keeps counting while the machine is suspended: a host that wakes
// from a suspend must see that its heartbeat has been silent.
func uptime() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return time.Since(processStart)
	}
	return time.Duration(ts.Nano())
}
