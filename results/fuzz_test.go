package results

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzReadResults feeds arbitrary bytes as a results file. Nothing may panic;
// when ReadDone accepts the file, Collect must agree with it, and the writer
// must append to it without losing a row ReadDone saw.
func FuzzReadResults(f *testing.F) {
	header := strings.Join(FixedColumns(), ",") + ",x,loss\n"
	row := "1,alpha,ok,0,1,2026-11-21T10:00:00.123Z,1.234,d1,0.5,\"a,\"\"b\"\"\nc\"\n"
	for _, seed := range []string{
		"", "\n", header, header + row, header + row[:len(row)-1], header + row[:len(row)-5], header + row[:60],
		header + row + "2,alpha,failed,1,2,2026-11-21T10:00:01Z,0,d2,1,\n", "\ufeff" + header + row,
		"name,value\nfoo,1\n", header + "1,alpha,o\"k,0,1,2026-11-21T10:00:00Z,1,d1,,\n", header[:20],
		strings.ReplaceAll(header+row, "\n", "\r\n"),
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "alpha.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// Every row of a job not in the pool counts as outside.
		outside, err := ReadDone(path, idList{})
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		r, err := openResultsFile(path)
		if err != nil {
			return // empty or a torn header: nothing to keep
		}
		header := r.header
		pool, rows := fileIDs(t, r)
		r.close()
		if outside.Outside != rows || outside.Len() != 0 {
			t.Fatalf("with an empty pool: %d rows outside, %d jobs; want %d and 0", outside.Outside, outside.Len(), rows)
		}
		done, err := ReadDone(path, pool)
		if err != nil {
			t.Fatalf("ReadDone accepted the file with one pool, not with another: %v", err)
		}
		jobs := doneJobs(t, done, pool)
		if len(jobs) != len(pool) || done.Outside != 0 {
			t.Fatalf("ReadDone saw %d of the file's %d jobs, %d rows outside", len(jobs), len(pool), done.Outside)
		}

		plan := Plan{}
		oks := 0
		for id, s := range jobs {
			plan.Jobs = append(plan.Jobs, PlannedJob{ID: id})
			if s.Status == StatusOK {
				oks++
			}
		}
		c, err := Collect(plan, []string{path}, Options{AllowMixed: true})
		if err != nil {
			t.Fatalf("ReadDone accepted the file, Collect did not: %v", err)
		}
		if c.Summary.Total.OK != oks || c.Summary.Total.OK+c.Summary.Total.Failed != len(jobs) {
			t.Fatalf("Collect %+v disagrees with ReadDone %+v", c.Summary.Total, jobs)
		}
		// The table reads every kept row back: one line per job.
		var table bytes.Buffer
		if err := c.WriteTable(&table); err != nil {
			t.Fatalf("WriteTable: %v", err)
		}
		if recs, err := csv.NewReader(&table).ReadAll(); err != nil || len(recs) != 1+len(jobs) {
			t.Fatalf("table of %d records (%v), want %d", len(recs), err, 1+len(jobs))
		}

		if !hasFixedPrefix(header) {
			return
		}
		w, err := OpenWriter(path, header[numFixed:], nil)
		if err != nil {
			t.Fatalf("OpenWriter refused a file ReadDone accepted: %v", err)
		}
		newID := "fuzz-new"
		for slices.Contains(pool, newID) {
			newID += "+"
		}
		err = w.Write(Row{JobID: newID, Status: StatusOK, Attempt: 1, Params: make([]string, len(header)-numFixed)})
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		pool = append(pool, newID)
		after, err := ReadDone(path, pool)
		if err != nil || after.Repaired != "" {
			t.Fatalf("after an append: %v, warning %q", err, after.Repaired)
		}
		afterJobs := doneJobs(t, after, pool)
		for id, s := range jobs {
			if afterJobs[id] != s {
				t.Fatalf("job %q was %+v, after an append %+v", id, s, afterJobs[id])
			}
		}
		if len(afterJobs) != len(jobs)+1 || afterJobs[newID].Status != StatusOK {
			t.Fatalf("the appended row is not read back: %+v", afterJobs)
		}
	})
}

// fileIDs returns the distinct job ids of a results file's rows, read by
// encoding/csv, and its number of rows.
func fileIDs(t *testing.T, r *resultsFile) (idList, int) {
	t.Helper()
	var ids idList
	seen := make(map[string]bool)
	rows := 0
	for {
		rec, err := r.next()
		if err == io.EOF {
			return ids, rows
		}
		if err != nil {
			t.Fatalf("ReadDone accepted the file, encoding/csv did not: %v", err)
		}
		rows++
		if id := rec[r.col[colJobID]]; !seen[id] {
			seen[id] = true
			ids = append(ids, strings.Clone(id))
		}
	}
}
