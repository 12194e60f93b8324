package results

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// jobSlot is what all files say about one planned job: its counts and the
// row kept so far. Files are read in parallel; a slot is guarded by the lock
// of its stripe, and the kept row does not depend on the reading order.
type jobSlot struct {
	started   int64    // Unix nanoseconds
	cells     []string // the kept row, in its file's column order; nil when none
	attempt   int32
	file      int32 // index of the kept row's file
	line      int32 // index of the kept row in its file
	rows, oks int32
	ok        bool
}

func (s *jobSlot) seen() bool { return s.cells != nil }

// supersededBy reports whether a row supersedes the kept one: ok beats not
// ok, then the greatest started_at, attempt, file and line win.
func (s *jobSlot) supersededBy(ok bool, started int64, attempt, file, line int32) bool {
	switch {
	case s.ok != ok:
		return ok
	case s.started != started:
		return started > s.started
	case s.attempt != attempt:
		return attempt > s.attempt
	case s.file != file:
		return file > s.file
	}
	return line > s.line
}

// stripes is the number of locks guarding the job slots.
const stripes = 1024

// slots is the shared table the file readers fill.
type slots struct {
	jobs  []jobSlot
	locks [stripes]sync.Mutex
}

func (c *Collection) slots() *slots {
	c.jobs = make([]jobSlot, len(c.plan.Jobs))
	return &slots{jobs: c.jobs}
}

// offer counts a row of a job and keeps it if it supersedes the kept one.
// arena is the calling reader's storage for copies of rows.
func (s *slots) offer(job int32, k *attemptKey, file, line int32, rec []string, arena *[]string) {
	ok := k.status == StatusOK
	attempt := int32(min(k.attempt, 1<<31-1))
	mu := &s.locks[job%stripes]
	mu.Lock()
	defer mu.Unlock()
	a := &s.jobs[job]
	a.rows++
	if ok {
		a.oks++
	}
	if a.seen() && !a.supersededBy(ok, k.started, attempt, file, line) {
		return
	}
	if len(a.cells) != len(rec) {
		if len(*arena) < len(rec) {
			*arena = make([]string, max(len(rec), 16<<10))
		}
		a.cells, *arena = (*arena)[:len(rec):len(rec)], (*arena)[len(rec):]
	}
	copy(a.cells, rec)
	a.started, a.attempt, a.file, a.line, a.ok = k.started, attempt, file, line, ok
}

// machineTime sums the attempts a machine ran.
type machineTime struct {
	total, longest time.Duration
	okRows         int // ok rows of planned jobs
}

// fileTally is what one results file says beyond its rows.
type fileTally struct {
	path        string
	header      []string
	col         [numFixed]int
	foreign     []string // digests other than the plan's, first-seen order
	foreignRows int
	dropped     int // rows of jobs not in the plan
	time        map[string]*machineTime
	torn        string
}

// gather reads files in parallel into s, returning a tally per file or the
// error of the first file (in input order) that has one.
func gather(files []string, ix *planIndex, s *slots, allowMixed bool) ([]*fileTally, error) {
	tallies := make([]*fileTally, len(files))
	errs := make([]error, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			var arena []string
			for i := int(next.Add(1) - 1); i < len(files); i = int(next.Add(1) - 1) {
				tallies[i], errs[i] = tallyFile(files[i], int32(i), ix, s, allowMixed, &arena)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return tallies, nil
}

// tallyFile reads one results file, offering each row of a planned job to s.
func tallyFile(path string, file int32, ix *planIndex, s *slots, allowMixed bool, arena *[]string) (*fileTally, error) {
	r, err := openResultsFile(path)
	if err != nil {
		return nil, err
	}
	defer r.close()
	t := &fileTally{path: path, header: r.header, col: r.col, time: make(map[string]*machineTime)}
	lastForeign := ""
	for line := int32(0); ; line++ {
		rec, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if d := rec[r.col[colDigest]]; d != ix.digest {
			t.foreignRows++
			if (t.foreignRows == 1 || d != lastForeign) && !slices.Contains(t.foreign, d) {
				t.foreign = append(t.foreign, strings.Clone(d))
			}
			lastForeign = d
			if !allowMixed {
				continue
			}
		}
		job, ok := ix.ids[rec[r.col[colJobID]]]
		if !ok {
			t.dropped++
			continue
		}
		k, err := r.parse(rec)
		if err != nil {
			return nil, err
		}
		t.addTime(rec[r.col[colMachine]], k.duration, k.status == StatusOK)
		s.offer(job, &k, file, line, rec, arena)
	}
	t.torn = r.torn
	return t, nil
}

func (t *fileTally) addTime(machine string, d time.Duration, ok bool) {
	mt := t.time[machine]
	if mt == nil {
		mt = &machineTime{}
		t.time[strings.Clone(machine)] = mt
	}
	mt.total += d
	mt.longest = max(mt.longest, d)
	if ok {
		mt.okRows++
	}
}

// ResultFiles expands paths into the results files they name, in order: a
// file names itself, a folder every *.csv in it (not hidden, sorted by name).
// A file named twice is read once. No file at all wraps ErrNoFiles.
func ResultFiles(paths []string) ([]string, error) {
	var files []string
	seen := make(map[string]bool)
	add := func(p string) {
		if key := filepath.Clean(p); !seen[key] {
			seen[key] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, &InputError{Path: p, Err: pathless(err)}
		}
		if !fi.IsDir() {
			add(p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, &InputError{Path: p, Err: pathless(err)}
		}
		for _, e := range entries { // ReadDir sorts by name
			name := e.Name()
			if strings.HasSuffix(name, ".csv") && !strings.HasPrefix(name, ".") && !e.IsDir() {
				add(filepath.Join(p, name))
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("collect %s: %w", strings.Join(paths, " "), ErrNoFiles)
	}
	return files, nil
}
