package machines

import (
	"testing"
	"testing/fstest"
)

// The mountinfo lines of the usual layouts.
const (
	mountV2       = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
	mountV1CPU    = "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
	mountV1Memory = "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	mountHybrid   = "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestCgroupCPULimit(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  float64 // 0: no limit
	}{
		{"v2, no limit", fstest.MapFS{
			"proc/self/cgroup":      file("0::/user.slice\n"),
			"proc/self/mountinfo":   file(mountV2),
			"sys/fs/cgroup/cpu.max": file("max 100000\n"),
		}, 0},
		{"v2, container with its own namespace", fstest.MapFS{
			"proc/self/cgroup":      file("0::/\n"),
			"proc/self/mountinfo":   file(mountV2),
			"sys/fs/cgroup/cpu.max": file("150000 100000\n"),
		}, 1.5},
		{"v2, the smallest limit up the tree", fstest.MapFS{
			"proc/self/cgroup":                       file("0::/slurm/job7/step0\n"),
			"proc/self/mountinfo":                    file(mountV2),
			"sys/fs/cgroup/slurm/cpu.max":            file("800000 100000\n"),
			"sys/fs/cgroup/slurm/job7/cpu.max":       file("400000 100000\n"),
			"sys/fs/cgroup/slurm/job7/step0/cpu.max": file("max 100000\n"),
		}, 4},
		{"v2, mount root is the container's cgroup", fstest.MapFS{
			"proc/self/cgroup":      file("0::/docker/abc\n"),
			"proc/self/mountinfo":   file("30 23 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"),
			"sys/fs/cgroup/cpu.max": file("200000 100000\n"),
		}, 2},
		{"v2, path outside the mount root", fstest.MapFS{
			"proc/self/cgroup":      file("0::/elsewhere\n"),
			"proc/self/mountinfo":   file("30 23 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"),
			"sys/fs/cgroup/cpu.max": file("50000 100000\n"),
		}, 0.5},
		{"v1, docker --cpus 2.5", fstest.MapFS{
			"proc/self/cgroup":    file("12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n"),
			"proc/self/mountinfo": file(mountV1Memory + mountV1CPU + mountHybrid),
			"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us":  file("250000\n"),
			"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": file("100000\n"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":             file("-1\n"),
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us":            file("100000\n"),
		}, 2.5},
		{"v1, no quota", fstest.MapFS{
			"proc/self/cgroup":                    file("1:cpu:/\n"),
			"proc/self/mountinfo":                 file("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  file("-1\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n"),
		}, 0},
		{"v1 memory controller only is no cpu limit", fstest.MapFS{
			"proc/self/cgroup":                         file("12:memory:/x\n"),
			"proc/self/mountinfo":                      file(mountV1Memory),
			"sys/fs/cgroup/memory/x/cpu.cfs_quota_us":  file("100000\n"),
			"sys/fs/cgroup/memory/x/cpu.cfs_period_us": file("100000\n"),
		}, 0},
		{"no mountinfo: the usual places", fstest.MapFS{
			"proc/self/cgroup":      file("0::/\n"),
			"sys/fs/cgroup/cpu.max": file("300000 100000\n"),
		}, 3},
		{"mount point with a space", fstest.MapFS{
			"proc/self/cgroup":    file("0::/\n"),
			"proc/self/mountinfo": file(`30 23 0:26 / /cg\040root rw - cgroup2 cgroup2 rw` + "\n"),
			"cg root/cpu.max":     file("100000 100000\n"),
		}, 1},
		{"garbage is no limit", fstest.MapFS{
			"proc/self/cgroup":      file("0::/\n"),
			"proc/self/mountinfo":   file(mountV2),
			"sys/fs/cgroup/cpu.max": file("lots\n"),
		}, 0},
		{"not linux", fstest.MapFS{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := cgroupCPULimit(tt.files)
			if ok != (tt.want != 0) || got != tt.want {
				t.Errorf("got %g (limited %v), want %g", got, ok, tt.want)
			}
		})
	}
}

func TestCountCores(t *testing.T) {
	tests := []struct {
		name  string
		cpus  int
		limit float64
		want  int
	}{
		{"no limit", 16, 0, 16},
		{"limit rounds down", 16, 2.5, 2},
		{"limit below one core", 16, 0.3, 1},
		{"limit above the cpus", 4, 8, 4},
		{"exact limit", 8, 8, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countCores(tt.cpus, tt.limit).Cores; got != tt.want {
				t.Errorf("countCores(%d, %g) = %d, want %d", tt.cpus, tt.limit, got, tt.want)
			}
		})
	}
}
