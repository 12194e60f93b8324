package machines

import (
	"bufio"
	"bytes"
	"io/fs"
	"math"
	"os"
	"path"
	"strconv"
	"strings"
)

// AvailableMemory is how many bytes this process may still allocate: the
// kernel's MemAvailable, lowered to what the cgroup limits leave (limit
// minus usage, for this process's cgroup and each ancestor). ok is false
// when it cannot be read (not Linux).
func AvailableMemory() (bytes int64, ok bool) {
	return availableMemory(os.DirFS("/"))
}

func availableMemory(root fs.FS) (int64, bool) {
	avail, ok := memInfo(root, "MemAvailable")
	if !ok {
		return 0, false
	}
	if left, limited := cgroupMemoryLeft(root); limited {
		avail = min(avail, left)
	}
	return avail, true
}

// memInfo reads one field of /proc/meminfo, in bytes.
func memInfo(root fs.FS, field string) (int64, bool) {
	data, err := fs.ReadFile(root, "proc/meminfo")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, rest, found := strings.Cut(sc.Text(), ":")
		if !found || name != field {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		kib, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return kib * 1024, true
	}
	return 0, false
}

// cgroupMemoryLeft is the least limit-minus-usage over this process's
// memory cgroup and its ancestors (cgroup v2 memory.max and
// memory.current, v1 memory.limit_in_bytes and memory.usage_in_bytes).
func cgroupMemoryLeft(root fs.FS) (left int64, limited bool) {
	groups := readCgroups(root)
	for _, m := range readCgroupMounts(root) {
		key := m.controller
		if key != "v2" && key != "memory" {
			continue
		}
		group, member := groups[key]
		if !member {
			continue
		}
		limitFile, usageFile := "memory.max", "memory.current"
		if key == "memory" {
			limitFile, usageFile = "memory.limit_in_bytes", "memory.usage_in_bytes"
		}
		for dir := m.dirOf(group); ; dir = path.Dir(dir) {
			limit, okLimit := readBytes(root, path.Join(dir, limitFile))
			usage, okUsage := readBytes(root, path.Join(dir, usageFile))
			// v1 writes "no limit" as a huge number near MaxInt64.
			if okLimit && okUsage && limit < math.MaxInt64/2 {
				if l := max(limit-usage, 0); !limited || l < left {
					left, limited = l, true
				}
			}
			if dir == m.point || path.Dir(dir) == dir {
				break
			}
		}
	}
	return left, limited
}

// readBytes reads a cgroup file holding a number of bytes; "max" means
// none.
func readBytes(root fs.FS, name string) (int64, bool) {
	data, err := fs.ReadFile(root, name)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return n, err == nil
}

// LoadAverage is the one-minute load average from /proc/loadavg; ok is
// false when it cannot be read.
func LoadAverage() (float64, bool) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	return v, err == nil
}
