package machines

import (
	"testing"
	"testing/fstest"
)

func TestAvailableMemory(t *testing.T) {
	meminfo := &fstest.MapFile{Data: []byte("MemTotal:       24000000 kB\nMemAvailable:   20000000 kB\n")}
	tests := []struct {
		name  string
		files fstest.MapFS
		want  int64
		ok    bool
	}{
		{"no proc", fstest.MapFS{}, 0, false},
		{"meminfo only", fstest.MapFS{"proc/meminfo": meminfo}, 20000000 * 1024, true},
		{"v2 limit lower", fstest.MapFS{
			"proc/meminfo":                     meminfo,
			"proc/self/cgroup":                 {Data: []byte("0::/job\n")},
			"proc/self/mountinfo":              {Data: []byte("30 20 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")},
			"sys/fs/cgroup/job/memory.max":     {Data: []byte("1073741824\n")},
			"sys/fs/cgroup/job/memory.current": {Data: []byte("73741824\n")},
			"sys/fs/cgroup/memory.max":         {Data: []byte("max\n")},
			"sys/fs/cgroup/memory.current":     {Data: []byte("5\n")},
		}, 1000000000, true},
		{"v2 usage over limit", fstest.MapFS{
			"proc/meminfo":                     meminfo,
			"proc/self/cgroup":                 {Data: []byte("0::/job\n")},
			"proc/self/mountinfo":              {Data: []byte("30 20 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")},
			"sys/fs/cgroup/job/memory.max":     {Data: []byte("100\n")},
			"sys/fs/cgroup/job/memory.current": {Data: []byte("200\n")},
		}, 0, true},
		{"v1 unlimited", fstest.MapFS{
			"proc/meminfo":        meminfo,
			"proc/self/cgroup":    {Data: []byte("5:memory:/\n")},
			"proc/self/mountinfo": {Data: []byte("31 20 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n")},
			"sys/fs/cgroup/memory/memory.limit_in_bytes": {Data: []byte("9223372036854771712\n")},
			"sys/fs/cgroup/memory/memory.usage_in_bytes": {Data: []byte("1000\n")},
		}, 20000000 * 1024, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := availableMemory(tt.files)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
