//go:build unix

package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobsplit/jobsplit/jobs"
)

// TestReadAhead: New takes a results file read ahead only while the file
// is as it was read; a file that changed between the read and the lock
// (rows appended, the file removed or made) is read again, and a read of
// another machine's file is not taken.
func TestReadAhead(t *testing.T) {
	// An earlier run: jobs a and b ok, c and d failed.
	dir := runSweep(t, map[string]string{
		"jobsplit.toml": "[job]\ncommand = \"./job.sh\"\n[pool]\nfile = \"jobs.csv\"\n",
		"jobs.csv":      "id\na\nb\nc\nd\n",
		"job.sh":        "#!/bin/sh\n[ \"$JOBSPLIT_JOB_ID\" = a ] || [ \"$JOBSPLIT_JOB_ID\" = b ]\n",
	})
	s, err := jobs.Load(jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "results", "solo.csv")
	earlier, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// okRow is job a's row made job id's.
	okRow := func(id string) string {
		for _, line := range strings.Split(string(earlier), "\n") {
			if strings.HasPrefix(line, "a,") {
				return id + strings.TrimPrefix(line, "a") + "\n"
			}
		}
		t.Fatalf("no row of job a in %s", earlier)
		return ""
	}
	tests := []struct {
		name    string
		machine string // whose file is read ahead
		before  string // that file when read ahead, "" for none
		change  func(t *testing.T)
		pending int // with failed jobs run again
	}{
		{"unchanged", "solo", string(earlier), func(*testing.T) {}, 2},
		{"rows appended", "solo", string(earlier), func(t *testing.T) { appendFile(t, path, okRow("c")) }, 1},
		{"removed", "solo", string(earlier), func(t *testing.T) { os.Remove(path) }, 4},
		{"replaced", "solo", string(earlier), func(t *testing.T) {
			writeFile(t, path+".new", string(earlier)+okRow("d"))
			if err := os.Rename(path+".new", path); err != nil {
				t.Fatal(err)
			}
		}, 1},
		{"made", "solo", "", func(t *testing.T) { writeFile(t, path, string(earlier)) }, 2},
		{"still missing", "solo", "", func(*testing.T) {}, 4},
		// Every job is done in the other machine's file, none in solo's.
		{"another machine's", "other", string(earlier) + okRow("c") + okRow("d"), func(*testing.T) {}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(path)
			aheadPath := filepath.Join(dir, "results", tt.machine+".csv")
			if tt.before != "" {
				writeFile(t, aheadPath, tt.before)
				defer os.Remove(aheadPath)
			}
			ahead := StartReadAhead(s.Paths, tt.machine)
			<-ahead.done
			if ahead.err != nil {
				t.Fatal(ahead.err)
			}
			tt.change(t)
			r, err := New(s, Options{Machine: "solo", Workers: 1, RetryFailed: true, ReadAhead: ahead})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Pending() != tt.pending || r.Skipped() != 4-tt.pending {
				t.Errorf("%d pending and %d skipped, want %d and %d", r.Pending(), r.Skipped(), tt.pending, 4-tt.pending)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
}
