package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jobsplit/jobsplit/internal/oserr"
	"github.com/jobsplit/jobsplit/jobs/process"
)

// ownerFile, in a run's private folder, names the run's process: its pid
// and start time.
const ownerFile = "owner"

// unownedAge is how old a private folder without an owner file must be
// before a run removes it: younger, it may be a run's that is just
// starting.
const unownedAge = time.Hour

// makeWorkDir makes the run's private folder, $TMPDIR/jobsplit-<machine>-*,
// where the jobs' result and progress files go, after removing those that
// dead runs of the machine left (a run killed with -9 cannot remove its
// own). It returns the folder and what it removed.
func makeWorkDir(machine string) (string, []string, error) {
	removed := removeDeadWorkDirs(machine)
	dir, err := os.MkdirTemp("", "jobsplit-"+machine+"-")
	if err != nil {
		return "", removed, fmt.Errorf("make temp folder in %s: %w", os.TempDir(), oserr.Bare(err))
	}
	self := os.Getpid()
	owner := strconv.Itoa(self) + " " + strconv.FormatUint(process.StartTime(self), 10) + "\n"
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", removed, fmt.Errorf("temp folder %s: %w", dir, oserr.Bare(err))
	}
	return dir, removed, nil
}

// removeDeadWorkDirs removes the private folders of the machine's runs
// whose process is gone.
func removeDeadWorkDirs(machine string) []string {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "jobsplit-"+machine+"-*"))
	var removed []string
	for _, dir := range dirs {
		// The glob's * also matches a longer machine name's folders
		// (machine "a" and "a-b"): only a random suffix without '-' is ours.
		if strings.Contains(strings.TrimPrefix(filepath.Base(dir), "jobsplit-"+machine+"-"), "-") {
			continue
		}
		if !deadWorkDir(dir) {
			continue
		}
		if os.RemoveAll(dir) == nil {
			removed = append(removed, "removed temp folder "+dir+" left by an earlier run that was killed")
		}
	}
	return removed
}

// deadWorkDir reports whether a private folder's run is gone.
func deadWorkDir(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		info, statErr := os.Stat(dir)
		return os.IsNotExist(err) && statErr == nil && time.Since(info.ModTime()) > unownedAge
	}
	fields := strings.Fields(string(data))
	if len(fields) != 2 {
		return false
	}
	pid, err1 := strconv.Atoi(fields[0])
	start, err2 := strconv.ParseUint(fields[1], 10, 64)
	return err1 == nil && err2 == nil && !process.Alive(pid, start)
}
