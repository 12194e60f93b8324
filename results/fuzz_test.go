package results

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
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
		done, err := ReadDone(path)
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
		r.close()

		plan := Plan{}
		oks := 0
		for id, s := range done.Jobs {
			plan.Jobs = append(plan.Jobs, PlannedJob{ID: id})
			if s.Status == StatusOK {
				oks++
			}
		}
		c, err := Collect(plan, []string{path}, Options{AllowMixed: true})
		if err != nil {
			t.Fatalf("ReadDone accepted the file, Collect did not: %v", err)
		}
		if c.Summary.Total.OK != oks || c.Summary.Total.OK+c.Summary.Total.Failed != len(done.Jobs) {
			t.Fatalf("Collect %+v disagrees with ReadDone %+v", c.Summary.Total, done.Jobs)
		}
		// The table reads every kept row back: one line per job.
		var table bytes.Buffer
		if err := c.WriteTable(&table); err != nil {
			t.Fatalf("WriteTable: %v", err)
		}
		if recs, err := csv.NewReader(&table).ReadAll(); err != nil || len(recs) != 1+len(done.Jobs) {
			t.Fatalf("table of %d records (%v), want %d", len(recs), err, 1+len(done.Jobs))
		}

		if !hasFixedPrefix(header) {
			return
		}
		w, err := OpenWriter(path, header[numFixed:], nil)
		if err != nil {
			t.Fatalf("OpenWriter refused a file ReadDone accepted: %v", err)
		}
		newID := "fuzz-new"
		for done.Jobs[newID] != (JobState{}) {
			newID += "+"
		}
		err = w.Write(Row{JobID: newID, Status: StatusOK, Attempt: 1, Params: make([]string, len(header)-numFixed)})
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		after, err := ReadDone(path)
		if err != nil || after.Repaired != "" {
			t.Fatalf("after an append: %v, warning %q", err, after.Repaired)
		}
		for id, s := range done.Jobs {
			if after.Jobs[id] != s {
				t.Fatalf("job %q was %+v, after an append %+v", id, s, after.Jobs[id])
			}
		}
		if len(after.Jobs) != len(done.Jobs)+1 || after.Jobs[newID].Status != StatusOK {
			t.Fatalf("the appended row is not read back: %+v", after.Jobs)
		}
	})
}
