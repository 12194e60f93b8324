package logs

import (
	"errors"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/oserr"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrBadName is wrapped by the error ValidName returns for a machine name
// that cannot be used as a file name inside the log directory.
var ErrBadName = errors.New("not usable as a file name")

// ValidName reports whether name can safely name a file inside the log
// directory: it must be non-empty valid UTF-8 and must not contain '/', '\\',
// "..", NUL or control characters, so that no machine name can create
// a file outside the directory it belongs to. Job ids go through
// JobLogName instead.
func ValidName(name string) error {
	why := ""
	switch {
	case name == "":
		why = "empty"
	case !utf8.ValidString(name):
		why = "invalid UTF-8"
	case strings.ContainsAny(name, `/\`):
		why = "contains a path separator"
	case strings.Contains(name, ".."):
		why = `contains ".."`
	case name == ".":
		why = `is "."`
	default:
		for _, r := range name {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				why = "contains a control character"
				break
			}
		}
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("%q %s: %w", name, why, ErrBadName)
}

// logExtensions are the file names FindLogs picks up in a folder.
var logExtensions = []string{".jsonl.gz", ".jsonl.zst", ".jsonl"}

// FindLogs expands paths into the log files to merge: a folder stands for
// the *.jsonl.gz, *.jsonl.zst and *.jsonl files directly inside it (not the
// per-job logs in its subfolders), sorted by name; a file stands for itself.
// A path listed twice is read once. A path that does not exist is an error.
func FindLogs(paths []string) ([]string, error) {
	var files []string
	for _, path := range paths {
		st, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("find logs %s: %w", path, oserr.Bare(err))
		}
		if !st.IsDir() {
			files = append(files, path)
			continue
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("find logs %s: %w", path, err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && slices.ContainsFunc(logExtensions, func(ext string) bool {
				return strings.HasSuffix(e.Name(), ext)
			}) {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	seen := make(map[string]bool, len(files))
	return slices.DeleteFunc(files, func(f string) bool {
		clean := filepath.Clean(f)
		dup := seen[clean]
		seen[clean] = true
		return dup
	}), nil
}

// machineFromPath names the machine of a log by its file name, for records
// without a machine field: logs/alpha.jsonl.gz is alpha.
func machineFromPath(path string) string {
	name := filepath.Base(path)
	for _, ext := range []string{".gz", ".zst", ".jsonl", ".json", ".log"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}
