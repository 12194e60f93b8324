//go:build !linux

package machines

// cpuLimit is 0: only Linux has cgroups.
func cpuLimit() float64 { return 0 }
