package logs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/jobsplit/jobsplit/internal/atomicfile"
)

// A log's writer leaves a note beside it on closing (logs/.<machine>.jsonl.gz.checked):
// up to which byte the log is known to be whole and where its last member
// starts. The next Open checks only what was written after that byte (the
// members of a run killed since, a torn tail) instead of decompressing the
// whole log again: a resumed run of a big sweep opened in time proportional
// to its log otherwise.

// checkedPath is where the note of the log at path is.
func checkedPath(path string) string {
	dir, name := filepath.Split(path)
	return filepath.Join(dir, "."+name+".checked")
}

// checkedUpTo returns the byte up to which the note says the log f of the
// given size is whole, and where its last member starts; 0, 0 when there
// is no note or the log does not match it (shorter, replaced, its last
// member not where the note says or not ending there): then all of it is
// checked.
func checkedUpTo(f *os.File, path string, size int64) (end, last int64) {
	data, err := os.ReadFile(checkedPath(path))
	if err != nil {
		return 0, 0
	}
	if _, err := fmt.Sscanf(string(data), "%d %d\n", &end, &last); err != nil || end > size || last < 0 || last >= end {
		return 0, 0
	}
	if got, ok := memberEnd(f, last, end); !ok || got != end {
		return 0, 0
	}
	return end, last
}

// writeChecked replaces the note of the log at path: whole up to end, its
// last member starting at last. A note that cannot be written costs the
// next Open a full check, nothing else.
func writeChecked(path string, end, last int64) {
	_ = atomicfile.WriteBytes(checkedPath(path), fmt.Appendf(nil, "%d %d\n", end, last), 0o644)
}
