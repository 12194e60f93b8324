package machines

import "os"

// cpuLimit is the cgroup CPU limit of this process, 0 when none.
func cpuLimit() float64 {
	limit, ok := cgroupCPULimit(os.DirFS("/"))
	if !ok {
		return 0
	}
	return limit
}
