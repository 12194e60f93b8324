package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobsplit/jobsplit/logs"
)

// TestLogsMatchResults checks that every generated log reads back with
// package logs, without damage, in time order, with one job_start, one
// output and one job_end for each row of the machine's results file: what
// merge-logs, report and run's log repair expect of a real log.
func TestLogsMatchResults(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir, options{jobs: 3000, hosts: 3, width: 2, retried: 50, logs: true, logMember: 4096}); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "logs", "*.jsonl.gz"))
	if err != nil || len(files) != 3 {
		t.Fatalf("logs %v (%v), want 3", files, err)
	}
	total := 0
	for _, path := range files {
		machine := strings.TrimSuffix(filepath.Base(path), ".jsonl.gz")
		t.Run(machine, func(t *testing.T) {
			rows := countRows(t, filepath.Join(dir, "results", machine+".csv"))
			total += rows
			r, err := logs.OpenReader(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			events := map[string]int{}
			var last logs.Record
			for r.Next() {
				rec := r.Record()
				if rec.Time.Before(last.Time) {
					t.Fatalf("record %d at %v comes after one at %v", r.Records(), rec.Time, last.Time)
				}
				if rec.Machine != machine {
					t.Fatalf("record %d of machine %q", r.Records(), rec.Machine)
				}
				last = rec
				events[rec.Event]++
			}
			if err := r.Err(); err != nil || r.Damaged() || len(r.Warnings()) > 0 {
				t.Fatalf("read: %v, damaged %v, warnings %v", err, r.Damaged(), r.Warnings())
			}
			want := map[string]int{logs.EventRunStart: 1, logs.EventJobStart: rows, logs.EventOutput: rows, logs.EventJobEnd: rows, logs.EventRunEnd: 1}
			for event, n := range want {
				if events[event] != n {
					t.Errorf("%d %s records, want %d", events[event], event, n)
				}
			}
		})
	}
	// One job in 50 has a failed attempt before its ok one.
	if total <= 3000 {
		t.Errorf("%d attempts for 3000 jobs, want some retried", total)
	}
}

func countRows(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := -1 // the header
	for s := bufio.NewScanner(f); s.Scan(); {
		n++
	}
	return n
}
