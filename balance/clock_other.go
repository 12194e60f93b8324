//go:build !linux

package balance

import "time"

// uptime is Go's monotonic clock where no clock that counts suspended time
// is at hand; there, a host woken from a suspend relies on the check of its
// takeover before every job that a stale heartbeat forces (see Next).
func uptime() time.Duration { return time.Since(processStart) }
