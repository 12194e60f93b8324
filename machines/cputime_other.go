//go:build !unix

package machines

import "time"

// threadCPUTime is not used here: Windows counts CPU time in 15.6ms
// ticks, too coarse for a round, so the rounds are timed by the clock.
func threadCPUTime() (time.Duration, bool) { return 0, false }
