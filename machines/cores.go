package machines

import (
	"math"
	"runtime"
)

// CoreCount is how many jobs this host can run at once, and why.
type CoreCount struct {
	// Cores is the count: CPUs, lowered to Limit rounded down, at least 1.
	Cores int
	// CPUs is runtime.NumCPU(): on Linux the CPUs in this process's
	// affinity mask (taskset, cpuset), elsewhere the logical CPUs.
	CPUs int
	// Limit is the cgroup CPU limit in CPUs (a container's --cpus, a Slurm
	// or systemd quota), 0 when there is none.
	Limit float64
}

// CountCores counts the cores this process may use, cgroup and affinity
// aware.
func CountCores() CoreCount { return countCores(runtime.NumCPU(), cpuLimit()) }

func countCores(cpus int, limit float64) CoreCount {
	c := CoreCount{Cores: max(cpus, 1), CPUs: cpus, Limit: limit}
	if limit > 0 && limit < float64(c.Cores) {
		// A quota of 1.5 CPUs runs one job at full speed; two would be
		// throttled to three quarters each.
		c.Cores = max(int(math.Floor(limit)), 1)
	}
	return c
}
