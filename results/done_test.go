package results

import (
	"bytes"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadDone(t *testing.T) {
	p := []string{"a", "b"}
	sec := time.Second
	pool := idList{"1", "2", "3", "4"}
	tests := []struct {
		name    string
		rows    []Row
		want    map[string]JobState
		digests []string
		outside int
	}{
		{"nothing", nil, map[string]JobState{}, nil, 0},
		{"one ok", []Row{row("1", "alpha", StatusOK, 1, 0, p)},
			map[string]JobState{"1": {StatusOK, 1, 1}}, []string{"d1"}, 0},
		{"failed then ok", []Row{row("1", "alpha", StatusFailed, 1, 0, p), row("1", "alpha", StatusOK, 2, sec, p)},
			map[string]JobState{"1": {StatusOK, 2, 2}}, []string{"d1"}, 0},
		{"ok stays ok after a later failure", []Row{row("1", "alpha", StatusOK, 1, 0, p), row("1", "alpha", StatusFailed, 2, sec, p)},
			map[string]JobState{"1": {StatusOK, 2, 2}}, []string{"d1"}, 0},
		{"latest by attempt, not by clock", []Row{row("1", "alpha", StatusInterrupted, 2, 0, p), row("1", "alpha", StatusFailed, 1, sec, p)},
			map[string]JobState{"1": {StatusInterrupted, 2, 2}}, []string{"d1"}, 0},
		{"same attempt, later start wins", []Row{row("1", "alpha", StatusFailed, 1, sec, p), row("1", "alpha", StatusTimeout, 1, 0, p)},
			map[string]JobState{"1": {StatusFailed, 2, 1}}, []string{"d1"}, 0},
		{"same attempt and start, the later row wins", []Row{row("1", "alpha", StatusFailed, 1, 0, p), row("1", "alpha", StatusBadResult, 1, 0, p)},
			map[string]JobState{"1": {StatusBadResult, 2, 1}}, []string{"d1"}, 0},
		{"several jobs and digests", []Row{
			row("1", "alpha", StatusTimeout, 1, 0, p),
			func() Row { r := row("2", "alpha", StatusOK, 3, 0, p); r.Digest = "d2"; return r }(),
			row("3", "alpha", StatusInterrupted, 1, 0, p),
		}, map[string]JobState{"1": {StatusTimeout, 1, 1}, "2": {StatusOK, 1, 3}, "3": {StatusInterrupted, 1, 1}}, []string{"d1", "d2"}, 0},
		{"the greatest attempt numbers", []Row{row("1", "alpha", StatusFailed, math.MaxInt, 0, p), row("1", "alpha", StatusFailed, math.MaxInt-1, sec, p),
			row("2", "alpha", StatusFailed, math.MaxInt-2, 0, p), row("2", "alpha", StatusTimeout, math.MaxInt-1, 0, p)},
			map[string]JobState{"1": {StatusFailed, 2, math.MaxInt}, "2": {StatusTimeout, 2, math.MaxInt - 1}}, []string{"d1"}, 0},
		{"jobs not in the pool count for the digests only", []Row{
			row("1", "alpha", StatusOK, 1, 0, p),
			func() Row { r := row("9", "alpha", StatusOK, 1, 0, p); r.Digest = "d3"; return r }(),
			row("10", "alpha", StatusFailed, 2, 0, p),
		}, map[string]JobState{"1": {StatusOK, 1, 1}}, []string{"d1", "d3"}, 2},
	}
	// A pool.Pool has its ids in byte order, which ReadDone walks beside
	// the rows sorted; other pools it indexes.
	pools := map[string]idList{"in order": pool, "not in order": {"4", "2", "1", "3"}}
	for _, tt := range tests {
		for order, pool := range pools {
			t.Run(tt.name+"/"+order, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "alpha.csv")
				writeRows(t, path, p, nil, tt.rows...)
				done, err := ReadDone(path, pool)
				if err != nil {
					t.Fatal(err)
				}
				if got := doneJobs(t, done, pool); !maps.Equal(got, tt.want) {
					t.Errorf("jobs = %+v, want %+v", got, tt.want)
				}
				for _, id := range []string{"9", "10", "0", "5", ""} {
					if _, ok := done.Lookup(id); ok {
						t.Errorf("Lookup found job %q, not in the pool", id)
					}
				}
				if !slices.Equal(done.Digests, tt.digests) || done.Repaired != "" || done.Outside != tt.outside {
					t.Errorf("digests %q repaired %q outside %d, want %q, none and %d", done.Digests, done.Repaired, done.Outside, tt.digests, tt.outside)
				}
			})
		}
	}
}

// TestDoneRowsSortedByID: rows come out in the byte order of their ids,
// rows of one id in file order, whatever the ids share or how long they are.
func TestDoneRowsSortedByID(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabets := []string{"ab", "j0123456789", "a\x00\xff", "xyz-_"}
	for trial := range 300 {
		alphabet := alphabets[trial%len(alphabets)]
		prefix := strings.Repeat("p", r.IntN(12))
		var rows doneRows
		n := 1 + r.IntN(300)
		for range n {
			id := []byte(prefix)
			for range r.IntN([]int{14, 9}[trial/len(alphabets)%2]) {
				id = append(id, alphabet[r.IntN(len(alphabet))])
			}
			rows.add(string(id), &attemptKey{status: StatusOK, attempt: r.IntN(3)})
		}
		want := make([]int32, n)
		for k := range want {
			want[k] = int32(k)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return bytes.Compare(rows.id(int(a)), rows.id(int(b))) })
		sorted := rows.sortedByID()
		if !slices.Equal(sorted.order, want) {
			t.Fatalf("trial %d: order %v, want %v", trial, sorted.order, want)
		}
		// The merge reads the ids block by block, short ones made of the
		// prefix and the windows.
		var block sortedBlock
		for from := 0; from < n; from += block.len() {
			block.fill(&rows, sorted, from, n)
			for i := range block.len() {
				k := int(sorted.order[from+i])
				if got := block.id(i); !bytes.Equal(got, rows.id(k)) || block.keys[i] != rows.keys[k] {
					t.Fatalf("trial %d (short %v): sorted row %d is %q %+v, want %q %+v", trial, sorted.short, from+i, got, block.keys[i], rows.id(k), rows.keys[k])
				}
			}
		}
	}
}

func TestReadDoneMissingOrEmpty(t *testing.T) {
	dir := t.TempDir()
	pool := idList{"1"}
	done, err := ReadDone(filepath.Join(dir, "nope.csv"), pool)
	if err != nil || done.Len() != 0 || done.Repaired != "" || done.LastAttempt(0) != 0 {
		t.Fatalf("missing file: %+v, %v", done, err)
	}
	if _, ok := done.Lookup("1"); ok {
		t.Fatalf("missing file: Lookup found job 1")
	}
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	done, err = ReadDone(empty, pool)
	if err != nil || done.Len() != 0 || done.Repaired != "" {
		t.Fatalf("empty file: %+v, %v", done, err)
	}
}

// TestReadDoneBadPool: a pool whose ids cannot be indexed is an error naming
// the file being resumed from.
func TestReadDoneBadPool(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alpha.csv")
	writeRows(t, path, []string{"a"}, nil, row("1", "alpha", StatusOK, 1, 0, []string{"x"}))
	for _, pool := range []idList{{"1", ""}, {"", "1"}, {"1", "2", "1"}, {"1", "1"}} {
		if _, err := ReadDone(path, pool); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("pool %q: err = %v, want an error naming %s", pool, err, path)
		}
	}
}

func TestReadDoneBadInput(t *testing.T) {
	header := strings.Join(FixedColumns(), ",") + ",a\n"
	good := "1,alpha,ok,0,1,2026-11-21T10:00:00.123Z,1.234,d1,v\n"
	tests := []struct {
		name, content string
		line          int
		is            error
		mention       string
	}{
		{"another tool", "name,value\nfoo,1\n", 1, ErrNotResults, "the header lacks job_id"},
		{"duplicate column", strings.TrimSuffix(header, "\n") + ",a\n", 1, nil, `column "a" appears twice`},
		{"bad started_at", header + good + "2,alpha,ok,0,1,yesterday,1.234,d1,v\n", 3, nil, "started_at"},
		{"bad attempt", header + good + good + "2,alpha,ok,0,first,2026-11-21T10:00:00Z,1,d1,v\n", 4, nil, "attempt"},
		{"empty job id", header + good + ",alpha,ok,0,1,2026-11-21T10:00:00Z,1,d1,v\n", 3, nil, "job_id is empty"},
		{"bad status", header + "2,alpha,done,0,1,2026-11-21T10:00:00Z,1,d1,v\n", 2, nil, "status"},
		{"bad duration", header + "2,alpha,ok,0,1,2026-11-21T10:00:00Z,soon,d1,v\n", 2, nil, "duration_s"},
		{"short row mid-file", header + "2,alpha,ok\n" + good, 2, nil, "3 fields"},
		{"long row mid-file", header + strings.TrimSuffix(good, "\n") + ",w\n" + good, 2, nil, "10 fields"},
		{"bare quote mid-file", header + "2,al\"pha,ok,0,1,2026-11-21T10:00:00Z,1,d1,v\n" + good, 2, nil, "quote"},
		{"bare quote last line", header + good + "2,al\"pha,ok,0,1,2026-11-21T10:00:00Z,1,d1,v\n", 3, nil, "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "alpha.csv")
			os.WriteFile(path, []byte(tt.content), 0o644)
			_, err := ReadDone(path, idList{"1", "2"})
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InputError", err)
			}
			if ie.Path != path || ie.Line != tt.line || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("err = %v (line %d), want %s at line %d", err, ie.Line, tt.mention, tt.line)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
		})
	}
}

// TestDoneCheckDigest: resuming refuses a file with rows of another sweep,
// naming the file, the digests and the count of foreign rows.
func TestDoneCheckDigest(t *testing.T) {
	p := []string{"a", "b"}
	withDigest := func(r Row, d string) Row { r.Digest = d; return r }
	tests := []struct {
		name    string
		rows    []Row
		want    string // the resuming sweep's digest
		foreign []string
		count   int
		message string
	}{
		{name: "no file", want: "d1"},
		{name: "all rows of this sweep", rows: []Row{row("1", "alpha", StatusOK, 1, 0, p), row("2", "alpha", StatusFailed, 1, 0, p)}, want: "d1"},
		{name: "another sweep", rows: []Row{row("1", "alpha", StatusOK, 1, 0, p), row("2", "alpha", StatusOK, 1, 0, p)}, want: "d9",
			foreign: []string{"d1"}, count: 2, message: "2 rows of another sweep (digest d1); this sweep's digest is d9"},
		{name: "some rows of two others", rows: []Row{
			withDigest(row("1", "alpha", StatusOK, 1, 0, p), "d2"),
			row("2", "alpha", StatusOK, 1, 0, p),
			withDigest(row("3", "alpha", StatusOK, 1, 0, p), "d3"),
			withDigest(row("4", "alpha", StatusOK, 1, 0, p), "d2"),
		}, want: "d1", foreign: []string{"d2", "d3"}, count: 3, message: "3 rows of another sweep (digests d2 d3); this sweep's digest is d1"},
		{name: "empty digest", rows: []Row{withDigest(row("1", "alpha", StatusOK, 1, 0, p), "")}, want: "d1",
			foreign: []string{""}, count: 1, message: `1 row of another sweep (digest ""); this sweep's digest is d1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "alpha.csv")
			if tt.rows != nil {
				writeRows(t, path, p, nil, tt.rows...)
			}
			done, err := ReadDone(path, idList{"1", "2", "3", "4"})
			if err != nil {
				t.Fatal(err)
			}
			err = done.CheckDigest(tt.want)
			if tt.foreign == nil {
				if err != nil {
					t.Fatalf("CheckDigest(%s) = %v, want nil", tt.want, err)
				}
				return
			}
			var de *ResumeDigestError
			if !errors.As(err, &de) {
				t.Fatalf("CheckDigest(%s) = %v, want *ResumeDigestError", tt.want, err)
			}
			if de.Path != path || de.Digest != tt.want || !slices.Equal(de.Foreign, tt.foreign) || de.Rows != tt.count {
				t.Errorf("error %+v, want path %s, foreign %q, %d rows", de, path, tt.foreign, tt.count)
			}
			if want := "resume from " + path + ": " + tt.message; err.Error() != want {
				t.Errorf("message\n%s\nwant\n%s", err, want)
			}
		})
	}
}

// TestDoneScanUnchanged: a scan stands for the file only while the file is
// the one scanned, of the same size and time, or still missing; an empty
// file is always read again.
func TestDoneScanUnchanged(t *testing.T) {
	p := []string{"a"}
	later := time.Now().Add(time.Hour)
	tests := []struct {
		name   string
		exists bool
		empty  bool
		change func(t *testing.T, path string)
		want   bool
	}{
		{"as it was", true, false, func(*testing.T, string) {}, true},
		{"a row appended", true, false, func(t *testing.T, path string) {
			f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			f.WriteString("2,alpha,ok,0,1,2026-11-21T10:00:00.000Z,1.000,d1,x\n")
			f.Close()
		}, false},
		{"cut", true, false, func(t *testing.T, path string) { os.Truncate(path, 10) }, false},
		{"touched", true, false, func(t *testing.T, path string) { os.Chtimes(path, later, later) }, false},
		// A copy of the same size and time is another file still.
		{"replaced", true, false, func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			info, _ := os.Stat(path)
			os.WriteFile(path+".new", data, 0o644)
			os.Chtimes(path+".new", info.ModTime(), info.ModTime())
			os.Rename(path+".new", path)
		}, false},
		{"removed", true, false, func(t *testing.T, path string) { os.Remove(path) }, false},
		{"still missing", false, false, func(*testing.T, string) {}, true},
		{"made", false, false, func(t *testing.T, path string) {
			writeRows(t, path, p, nil, row("1", "alpha", StatusOK, 1, 0, []string{"x"}))
		}, false},
		{"empty", true, true, func(*testing.T, string) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "alpha.csv")
			switch {
			case tt.empty:
				os.WriteFile(path, nil, 0o644)
			case tt.exists:
				writeRows(t, path, p, nil, row("1", "alpha", StatusOK, 1, 0, []string{"x"}))
			}
			scan, err := ScanDone(path)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, path)
			if got := scan.Unchanged(); got != tt.want {
				t.Errorf("Unchanged = %v, want %v", got, tt.want)
			}
		})
	}
}
