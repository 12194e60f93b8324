//go:build !linux

package process

// bootTicks is unknown where /proc/PID/stat is missing: a journal then
// asks processStart for each process, which says what this system can.
func bootTicks() uint64 { return 0 }
