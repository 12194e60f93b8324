package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"sort"
	"strings"
)

// Done is what one host's results file says about the jobs of a sweep's
// pool, for resuming: the runner skips jobs whose Status is ok, reruns
// interrupted ones, reruns failed ones only when asked, and numbers new
// attempts after LastAttempt.
//
// Done keeps 17 bytes per job of the pool, never the ids themselves: a
// million-job resume reads its file without a map of strings.
type Done struct {
	Path     string   // the file read
	Digests  []string // distinct digests of the rows, in first-seen order
	Repaired string   // a warning when a torn last line was ignored, else ""
	// Outside counts the rows of jobs that are not in the pool: they count
	// for CheckDigest and are otherwise ignored.
	Outside int

	digestRows []int // rows per digest, aligned with Digests
	pool       IDSource
	ix         *idIndex // when the pool's ids are not in order, else nil
	n          int      // jobs of the pool with a row
	// status is each job's summed-up status code (statusCode + 1), 0 for
	// a job without a row: the runner's pass over its share reads only
	// this byte per job, so it stays in the cache.
	status []uint8
	jobs   []doneJob // by pool position, beside status
	// bigLast holds the attempt numbers that do not fit doneJob.last,
	// which only a hand-edited file has.
	bigLast map[int32]int
}

// doneJob is the rest of what Done keeps of a job with rows.
type doneJob struct {
	started  int64  // started_at of the latest attempt, Unix nanoseconds
	last     uint32 // the latest attempt's number, or bigAttempt
	attempts uint32 // rows, up to math.MaxUint32
}

// bigAttempt in doneJob.last sends the reader to Done.bigLast.
const bigAttempt = math.MaxUint32

// CheckDigest returns a *ResumeDigestError when any row of the file carries
// another digest than want, the digest the resuming sweep writes in its rows
// (a re-plan writes its parent sweep's, so its rows and the parent's pass).
func (d *Done) CheckDigest(want string) error {
	e := &ResumeDigestError{Path: d.Path, Digest: want}
	for i, got := range d.Digests {
		if got != want {
			e.Foreign = append(e.Foreign, got)
			e.Rows += d.digestRows[i]
		}
	}
	if e.Foreign == nil {
		return nil
	}
	return e
}

// JobState sums up the attempts of one job in a results file.
type JobState struct {
	// Status is ok when any attempt was ok, else the status of the latest
	// attempt (greatest attempt number, then started_at, then file order).
	Status Status
	// Attempts counts the job's rows.
	Attempts int
	// LastAttempt is the greatest attempt number seen.
	LastAttempt int
}

// Len is the number of jobs of the pool that have at least one row.
func (d *Done) Len() int { return d.n }

// Job returns the state of the pool's job at position j, and whether the
// file has a row of it.
func (d *Done) Job(j int) (JobState, bool) {
	if d.status == nil || d.status[j] == 0 {
		return JobState{}, false
	}
	s := &d.jobs[j]
	return JobState{Status: statusOfCode(uint64(d.status[j] - 1)), Attempts: int(s.attempts), LastAttempt: d.last(j)}, true
}

// Status is the summed-up status of the pool's job at position j (see
// JobState), or "" when the file has no row of it. It reads one byte per
// job, where Job reads 17.
func (d *Done) Status(j int) Status {
	if d.status == nil || d.status[j] == 0 {
		return ""
	}
	return statusOfCode(uint64(d.status[j] - 1))
}

// Lookup returns the state of the job with the given id, and whether the
// file has a row of it; a job not in the pool has none.
func (d *Done) Lookup(id string) (JobState, bool) {
	if d.status == nil {
		return JobState{}, false
	}
	var buf []byte
	if d.ix != nil {
		j, ok := d.ix.lookup(id, &buf)
		if !ok {
			return JobState{}, false
		}
		return d.Job(int(j))
	}
	// The pool's ids are in order (see join).
	j, found := sort.Find(d.pool.Len(), func(j int) int {
		buf = d.pool.AppendID(buf[:0], j)
		return strings.Compare(id, view(buf))
	})
	if !found {
		return JobState{}, false
	}
	return d.Job(j)
}

// LastAttempt is the greatest attempt number of job j's rows, 0 without
// any: a new attempt of it is numbered after it.
func (d *Done) LastAttempt(j int) int {
	if d.status == nil || d.status[j] == 0 {
		return 0
	}
	return d.last(j)
}

func (d *Done) last(j int) int {
	if n := d.jobs[j].last; n != bigAttempt {
		return int(n)
	}
	return d.bigLast[int32(j)]
}

// ReadDone reads the results file at path for resuming a run of the jobs
// of pool. A missing or empty file means nothing is done. The digests are
// not checked here: see Done.CheckDigest. Errors are *InputError naming
// file and line.
func ReadDone(path string, pool IDSource) (*Done, error) {
	done := &Done{Path: path}
	rf, err := openResultsFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return done, nil
	}
	if errors.Is(err, ErrEmpty) {
		if fi, serr := os.Stat(path); serr == nil && fi.Size() > 0 {
			done.Repaired = fmt.Sprintf("%s: ignored a torn header line: an interrupted write", path)
		}
		return done, nil
	}
	if err != nil {
		return nil, err
	}
	defer rf.close()
	rr := newRowReader(rf, 4*seqChunk)
	rr.prefix = rf.fixedPrefix()
	rr.seek(rf.dataStart, rf.dataLine)
	digests := make(map[string]int) // index in done.Digests
	last := 0                       // index of the previous row's digest
	var rows doneRows
	for {
		rec, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		k, err := parseKey(rec, &rf.col, func(col int, err error) error {
			return &InputError{Path: rf.path, Line: rr.fieldLine(rf.col[col]), Err: err}
		})
		if err != nil {
			return nil, err
		}
		d := rec[rf.col[colDigest]]
		if len(done.Digests) == 0 || done.Digests[last] != d {
			i, seen := digests[d]
			if !seen {
				i = len(done.Digests)
				d = strings.Clone(d) // rec is only valid until the next row
				digests[d] = i
				done.Digests = append(done.Digests, d)
				done.digestRows = append(done.digestRows, 0)
			}
			last = i
		}
		done.digestRows[last]++
		if len(rows.keys) == 0 {
			// Make room for as many rows as the file seems to hold.
			rowSize := max(rr.offset()-rr.start, 1)
			n := int((rf.size-rf.dataStart)/rowSize) + 16
			rows.grow(n+n/8, n*len(rec[rf.col[colJobID]])+n/4)
		}
		if err := rows.add(rec[rf.col[colJobID]], &k); err != nil {
			return nil, &InputError{Path: path, Err: err}
		}
	}
	done.Repaired = rf.torn
	if len(rows.keys) > 0 {
		if err := done.join(pool, &rows); err != nil {
			return nil, fmt.Errorf("resume from %s: the pool %w", path, err)
		}
	}
	return done, nil
}

// add takes one row into job j's state: ok wins; else the latest
// attempt's status, by attempt number, then started_at, then file order.
func (d *Done) add(j int, k *rowKey) {
	ok := 1 + uint8(statusCode(StatusOK))
	s := &d.jobs[j]
	seen := d.status[j] != 0
	if !seen {
		d.n++
	}
	if s.attempts < math.MaxUint32 {
		s.attempts++
	}
	if last := d.LastAttempt(j); !seen || k.attempt > last || (k.attempt == last && k.started >= s.started) {
		if d.status[j] != ok {
			d.status[j] = 1 + k.status
		}
		s.started = k.started
		if k.attempt < bigAttempt {
			s.last = uint32(k.attempt)
		} else {
			if d.bigLast == nil {
				d.bigLast = make(map[int32]int)
			}
			s.last, d.bigLast[int32(j)] = bigAttempt, k.attempt
		}
	}
	if 1+k.status == ok {
		d.status[j] = ok
	}
}
