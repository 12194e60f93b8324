//go:build unix

package runner

import (
	"fmt"
	"syscall"
)

// folderFull says that the run's temp folder has no room left, naming it,
// or "" when it has room: a job that failed there most likely failed for
// that, which its exit code alone does not tell.
func (f attemptFiles) folderFull() string {
	var st syscall.Statfs_t
	if syscall.Statfs(f.dir, &st) != nil {
		return ""
	}
	if st.Bavail == 0 || st.Ffree == 0 {
		return fmt.Sprintf("temp folder %s: no space left on device", f.dir)
	}
	return ""
}
