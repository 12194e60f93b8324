package results

import (
	"fmt"
	"github.com/jobsplit/jobsplit/internal/oserr"
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

// What Collect keeps of a planned job while it reads is 8 bytes: the file and
// offset of the row kept so far and that row's status, packed; 0 means no row
// yet (a row never starts at offset 0, where the header is). Everything else
// (when the row started, its attempt, its machine) is read back from the file
// in the rare case that a second row of the job turns up.
const (
	offsetBits = 48
	fileBits   = 13
	maxFiles   = 1 << fileBits
	maxOffset  = 1<<offsetBits - 1
)

func packState(file int, off int64, st Status) uint64 {
	return uint64(statusCode(st))<<(offsetBits+fileBits) | uint64(file)<<offsetBits | uint64(off)
}

func unpackState(s uint64) (file int, off int64, st Status) {
	return int(s >> offsetBits & (maxFiles - 1)), int64(s & maxOffset), statusOfCode(s >> (offsetBits + fileBits))
}

// statusCode is st in the 3 bits a packed state has left.
func statusCode(st Status) uint64 {
	switch st {
	case StatusFailed:
		return 1
	case StatusTimeout:
		return 2
	case StatusInterrupted:
		return 3
	case StatusBadResult:
		return 4
	}
	return 0
}

func statusOfCode(c uint64) Status {
	return [...]Status{StatusOK, StatusFailed, StatusTimeout, StatusInterrupted, StatusBadResult, "", "", ""}[c&7]
}

// stripes is the number of locks guarding jobs with more than one row.
const stripes = 1024

// stripe counts the rows beyond the first of the jobs it guards.
type stripe struct {
	mu    sync.Mutex
	extra map[int32]int32
}

// machineTally is what one file's rows say about one machine that ran them.
// ok, failed and taken count kept rows, and may go below 0 in one file when
// a row in it supersedes a row of another file: only the sums count.
type machineTally struct {
	total, longest    time.Duration
	okRows            int
	ok, failed, taken int
	// given counts the kept rows of jobs planned on this machine that
	// another machine ran (stolen from it, or taken over when it died).
	given int
}

func (mt *machineTally) keep(st Status, taken bool, d int) {
	if st == StatusOK {
		mt.ok += d
	} else {
		mt.failed += d
	}
	if taken {
		mt.taken += d
	}
}

// fileTally is what one results file says beyond its kept rows.
type fileTally struct {
	foreign     []string // digests other than the plan's, first-seen order
	foreignRows int
	dropped     int // rows of jobs not in the plan
	machines    map[string]*machineTally
}

func (t *fileTally) machine(name string) *machineTally {
	mt := t.machines[name]
	if mt == nil {
		mt = &machineTally{}
		t.machines[strings.Clone(name)] = mt
	}
	return mt
}

// collector is the shared state of the readers of pass 1.
type collector struct {
	digest     string
	src        PlanSource
	ix         *lazyIndex
	starts     map[string]int // the plan position of each machine's first job
	paths      []string
	files      []*resultsFile  // opened by the reader of each, in pass 1
	state      []atomic.Uint64 // per planned job
	stripes    [stripes]stripe
	allowMixed bool
}

// worker is one goroutine's reading state.
type worker struct {
	c     *collector
	id    []byte
	buf   []byte       // the buffer of the file being read, reused
	again []*rowReader // per file, for reading kept rows back
	guess guess        // of the next row's job
}

// close closes the files pass 1 opened.
func (c *collector) close() {
	for _, f := range c.files {
		if f != nil {
			f.close()
		}
	}
}

// gather reads the files in parallel, returning a tally per file or the
// error of the first file (in input order) that has one.
func (c *collector) gather() ([]*fileTally, error) {
	tallies := make([]*fileTally, len(c.files))
	errs := make([]error, len(c.files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(c.files)) {
		wg.Go(func() {
			w := &worker{c: c, again: make([]*rowReader, len(c.files))}
			for i := int(next.Add(1) - 1); i < len(c.files); i = int(next.Add(1) - 1) {
				tallies[i], errs[i] = w.tallyFile(i)
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

// tallyFile reads one results file, offering each row of a planned job.
func (w *worker) tallyFile(file int) (*fileTally, error) {
	c := w.c
	rf, err := openResultsFile(c.paths[file])
	if err != nil {
		return nil, err
	}
	rf.index = file
	c.files[file] = rf // before any row of it is kept, so other readers see it
	t := &fileTally{machines: make(map[string]*machineTally)}
	rr := newRowReader(rf, 4*seqChunk)
	rr.prefix = rf.fixedPrefix()
	rr.buf = w.buf
	defer func() { w.buf = rr.buf }()
	rr.seek(rf.dataStart, rf.dataLine)
	lastForeign := ""
	for {
		rec, err := rr.next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		if d := rec[rf.col[colDigest]]; d != c.digest {
			t.foreignRows++
			if t.foreignRows == 1 || d != lastForeign {
				i := slices.Index(t.foreign, d)
				if i < 0 {
					i = len(t.foreign)
					t.foreign = append(t.foreign, strings.Clone(d))
				}
				lastForeign = t.foreign[i] // d is only valid until the next row
			}
			if !c.allowMixed {
				continue
			}
		}
		job, ok, err := w.find(rec[rf.col[colJobID]], rec[rf.col[colMachine]])
		if err != nil {
			return nil, err
		}
		if !ok {
			t.dropped++
			continue
		}
		k, err := parseKey(rec, &rf.col, func(col int, err error) error {
			return &InputError{Path: rf.path, Line: rr.fieldLine(rf.col[col]), Err: err}
		})
		if err != nil {
			return nil, err
		}
		machine := rec[rf.col[colMachine]]
		mt := t.machine(machine)
		mt.total += k.duration
		mt.longest = max(mt.longest, k.duration)
		if k.status == StatusOK {
			mt.okRows++
		}
		if err := w.offer(job, &k, file, rr.start, machine, mt, t); err != nil {
			return nil, err
		}
	}
}

// offer keeps a row of a job if it supersedes the kept one: ok beats not
// ok, then the greatest started_at, attempt, file and offset win, so the
// choice does not depend on the order the files are read in.
func (w *worker) offer(job int32, k *attemptKey, file int, off int64, machine string, mt *machineTally, t *fileTally) error {
	c := w.c
	if off > maxOffset {
		return &InputError{Path: c.files[file].path, Err: fmt.Errorf("larger than %d bytes", int64(maxOffset))}
	}
	s := packState(file, off, k.status)
	planned := c.src.Machine(int(job))
	if c.state[job].CompareAndSwap(0, s) {
		mt.keep(k.status, machine != planned, 1)
		if machine != planned {
			t.machine(planned).given++
		}
		return nil
	}
	st := &c.stripes[job%stripes]
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.extra == nil {
		st.extra = make(map[int32]int32)
	}
	st.extra[job]++
	old := c.state[job].Load()
	oldFile, oldOff, _ := unpackState(old)
	rec, oldKey, err := w.rowAt(oldFile, oldOff)
	if err != nil {
		return err
	}
	newOK, oldOK := k.status == StatusOK, oldKey.status == StatusOK
	var wins bool
	switch {
	case newOK != oldOK:
		wins = newOK
	case k.started != oldKey.started:
		wins = k.started > oldKey.started
	case k.attempt != oldKey.attempt:
		wins = k.attempt > oldKey.attempt
	case file != oldFile:
		wins = file > oldFile
	default:
		wins = off > oldOff
	}
	if !wins {
		return nil
	}
	c.state[job].Store(s)
	oldMachine := rec[c.files[oldFile].col[colMachine]]
	t.machine(oldMachine).keep(oldKey.status, oldMachine != planned, -1)
	mt.keep(k.status, machine != planned, 1)
	if oldMachine != planned {
		t.machine(planned).given--
	}
	if machine != planned {
		t.machine(planned).given++
	}
	return nil
}

// rowAt reads back the row at off in a file, which pass 1 has read already.
func (w *worker) rowAt(file int, off int64) ([]string, attemptKey, error) {
	rr := w.again[file]
	if rr == nil {
		rr = newRowReader(w.c.files[file], randomChunk)
		w.again[file] = rr
	}
	rr.seek(off, 0)
	rec, err := rr.next()
	if err == io.EOF {
		err = &InputError{Path: rr.rf.path, Err: fmt.Errorf("no row at byte %d: the file changed while being read", off)}
	}
	if err != nil {
		return nil, attemptKey{}, err
	}
	k, err := parseKey(rec, &rr.rf.col, func(_ int, err error) error { return &InputError{Path: rr.rf.path, Err: err} })
	return rec, k, err
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
			return nil, &InputError{Path: p, Err: oserr.Bare(err)}
		}
		if !fi.IsDir() {
			add(p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, &InputError{Path: p, Err: oserr.Bare(err)}
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
