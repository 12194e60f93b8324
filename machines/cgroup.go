package machines

import (
	"bufio"
	"bytes"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// cgroupCPULimit is the CPU limit, in CPUs, that Linux cgroups put on this
// process: the smallest quota / period of its cgroup and every ancestor up
// to the mount point, read from cgroup v2 cpu.max or cgroup v1
// cpu.cfs_quota_us and cpu.cfs_period_us. ok is false when there is no
// limit. root is the file system root, "/" as an fs.FS, so that tests can
// hand in fixture trees.
func cgroupCPULimit(root fs.FS) (cpus float64, ok bool) {
	groups := readCgroups(root)
	for _, m := range readCgroupMounts(root) {
		group, member := groups[m.controller]
		if !member || m.controller == "memory" {
			continue
		}
		dir := m.dirOf(group)
		for {
			if limit, found := readCPULimit(root, dir, m.controller == "v2"); found && (!ok || limit < cpus) {
				cpus, ok = limit, true
			}
			parent := path.Dir(dir)
			if dir == m.point || parent == dir {
				break
			}
			dir = parent
		}
	}
	return cpus, ok
}

// readCgroups maps "v2" and "cpu" (the v1 cpu controller) to this
// process's cgroup path, from /proc/self/cgroup: lines such as "0::/a/b"
// (v2) and "4:cpu,cpuacct:/docker/1f" (v1).
func readCgroups(root fs.FS) map[string]string {
	groups := map[string]string{}
	data, _ := fs.ReadFile(root, "proc/self/cgroup")
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			groups["v2"] = parts[2]
		case hasWord(parts[1], "cpu"):
			groups["cpu"] = parts[2]
		}
		if hasWord(parts[1], "memory") {
			groups["memory"] = parts[2]
		}
	}
	return groups
}

// cgroupMount is a mounted cgroup hierarchy that can limit the CPU.
type cgroupMount struct {
	controller string // "v2", "cpu" or "memory"
	root       string // the cgroup path the mount shows at its point
	point      string // where it is mounted, relative to the fs root
}

// dirOf is the directory of cgroup path group under this mount.
func (m cgroupMount) dirOf(group string) string {
	rel, ok := strings.CutPrefix(group, m.root)
	if !ok || m.root != "/" && rel != "" && rel[0] != '/' {
		// Not below the mount's root (a container that sees the host's
		// path): the mount point is the process's own cgroup.
		return m.point
	}
	return path.Join(m.point, rel)
}

// readCgroupMounts finds the cgroup mounts in /proc/self/mountinfo, whose
// lines read "36 25 0:31 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu";
// without it, the usual places.
func readCgroupMounts(root fs.FS) []cgroupMount {
	data, err := fs.ReadFile(root, "proc/self/mountinfo")
	if err != nil {
		return []cgroupMount{
			{"v2", "/", "sys/fs/cgroup"},
			{"cpu", "/", "sys/fs/cgroup/cpu"},
			{"cpu", "/", "sys/fs/cgroup/cpu,cpuacct"},
			{"memory", "/", "sys/fs/cgroup/memory"},
		}
	}
	var mounts []cgroupMount
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() {
		mine, theirs, ok := strings.Cut(scanner.Text(), " - ")
		fields, super := strings.Fields(mine), strings.Fields(theirs)
		if !ok || len(fields) < 5 || len(super) < 3 {
			continue
		}
		m := cgroupMount{root: unescapeMount(fields[3]), point: strings.TrimPrefix(path.Clean(unescapeMount(fields[4])), "/")}
		switch {
		case super[0] == "cgroup2":
			m.controller = "v2"
		case super[0] == "cgroup" && hasWord(super[2], "cpu"):
			m.controller = "cpu"
		case super[0] == "cgroup" && hasWord(super[2], "memory"):
			m.controller = "memory"
		default:
			continue
		}
		if m.point == "" {
			m.point = "."
		}
		mounts = append(mounts, m)
	}
	return mounts
}

// unescapeMount undoes mountinfo's octal escapes of space, tab, newline
// and backslash.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}

// readCPULimit reads one cgroup directory's CPU limit.
func readCPULimit(root fs.FS, dir string, v2 bool) (float64, bool) {
	if v2 {
		// cpu.max: "max 100000" or "150000 100000".
		data, err := fs.ReadFile(root, path.Join(dir, "cpu.max"))
		if err != nil {
			return 0, false
		}
		fields := strings.Fields(string(data))
		if len(fields) != 2 {
			return 0, false
		}
		return quota(fields[0], fields[1])
	}
	q, err1 := fs.ReadFile(root, path.Join(dir, "cpu.cfs_quota_us"))
	p, err2 := fs.ReadFile(root, path.Join(dir, "cpu.cfs_period_us"))
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return quota(strings.TrimSpace(string(q)), strings.TrimSpace(string(p)))
}

// quota is quota / period in CPUs; "max" and -1 mean no limit.
func quota(q, p string) (float64, bool) {
	quota, err1 := strconv.ParseInt(q, 10, 64)
	period, err2 := strconv.ParseInt(p, 10, 64)
	if err1 != nil || err2 != nil || quota <= 0 || period <= 0 {
		return 0, false
	}
	return float64(quota) / float64(period), true
}

// hasWord reports whether the comma-separated list holds word.
func hasWord(list, word string) bool {
	for w := range strings.SplitSeq(list, ",") {
		if w == word {
			return true
		}
	}
	return false
}
