package results

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// Done is what one host's results file says about the jobs of a sweep's
// pool, for resuming: the runner skips jobs whose Status is ok, reruns
// interrupted ones, reruns failed ones only when asked, and numbers new
// attempts after LastAttempt.
//
// Done keeps a byte per job of the pool, plus 16 for each job whose
// rows are not one first attempt, never the ids: a million-job resume
// reads its file without a map of strings.
type Done struct {
	Path     string   // the file read
	Digests  []string // distinct digests of the rows, in first-seen order
	Repaired string   // a warning when a torn last line was ignored, else ""
	// Outside counts the rows of jobs that are not in the pool: they count
	// for CheckDigest and are otherwise ignored.
	Outside int

	digestRows []int // rows per digest, aligned with Digests
	// read is the file as ReadDone found it, for a Writer opened after it
	// (see OpenWriterAfter).
	read readState
	pool IDSource
	ix   *idIndex // when the pool's ids are not in order, else nil
	n    int      // jobs of the pool with a row
	// status is each job's summed-up status code (statusCode + 1), 0 for
	// a job without a row: the runner's pass over its share reads only
	// this byte per job, so it stays in the cache.
	status []uint8
	// extra are the jobs with rows whose attempts or last attempt number
	// are not 1, by position.
	extra []jobExtra
}

// jobExtra is what Done keeps of a job with more than one row, or with an
// attempt number other than 1.
type jobExtra struct {
	pos      int32
	attempts uint32 // rows: fewer than the 4 GiB of ids ReadDone takes
	last     int64
}

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
	s := JobState{Status: statusOfCode(uint64(d.status[j] - 1)), Attempts: 1, LastAttempt: 1}
	if e, ok := d.extraOf(j); ok {
		s.Attempts, s.LastAttempt = int(e.attempts), int(e.last)
	}
	return s, true
}

func (d *Done) extraOf(j int) (jobExtra, bool) {
	i, ok := slices.BinarySearchFunc(d.extra, int32(j), func(e jobExtra, j int32) int { return cmp.Compare(e.pos, j) })
	if !ok {
		return jobExtra{}, false
	}
	return d.extra[i], true
}

// Status is the summed-up status of the pool's job at position j (see
// JobState), or "" when the file has no row of it. It reads one byte per
// job, where Job looks the job's attempts up too.
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
	s, _ := d.Job(j)
	return s.LastAttempt
}

// ReadDone reads the results file at path for resuming a run of the jobs
// of pool. A missing or empty file means nothing is done. The digests are
// not checked here: see Done.CheckDigest. Errors are *InputError naming
// file and line. It is ScanDone, then Join.
func ReadDone(path string, pool IDSource) (*Done, error) {
	scan, err := ScanDone(path)
	if err != nil {
		return nil, err
	}
	return scan.Join(pool)
}

// jobRows sums up the rows of one job as they come, in file order.
type jobRows struct {
	started  int64 // of the latest attempt, Unix nanoseconds
	last     int   // the latest attempt's number
	attempts int
	status   uint8 // statusCode + 1; 0 before the first row
}

// take takes one more row: ok wins; else the latest attempt's status, by
// attempt number, then started_at, then file order.
func (a *jobRows) take(k *rowKey) {
	ok := 1 + uint8(statusCode(StatusOK))
	a.attempts++
	if a.status == 0 || k.attempt > a.last || (k.attempt == a.last && k.started >= a.started) {
		if a.status != ok {
			a.status = 1 + k.status
		}
		a.started, a.last = k.started, k.attempt
	}
	if 1+k.status == ok {
		a.status = ok
	}
}

// keep records job j's rows; the jobs come in increasing order.
func (d *Done) keep(j int, a *jobRows) {
	d.n++
	d.status[j] = a.status
	if a.attempts != 1 || a.last != 1 {
		d.extra = append(d.extra, jobExtra{pos: int32(j), attempts: uint32(a.attempts), last: int64(a.last)})
	}
}
