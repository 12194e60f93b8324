package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Done is what one host's results file says about the jobs it has run, for
// resuming: the runner skips jobs whose Status is ok, reruns interrupted ones,
// reruns failed ones only when asked, and numbers new attempts after LastAttempt.
type Done struct {
	Path     string              // the file read
	Jobs     map[string]JobState // by job id
	Digests  []string            // distinct digests of the rows, in first-seen order
	Repaired string              // a warning when a torn last line was ignored, else ""

	digestRows []int // rows per digest, aligned with Digests
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

// ReadDone reads the results file at path for resuming a run. A missing or
// empty file means nothing is done. The digests are not checked here: see
// Done.CheckDigest. Errors are *InputError naming file and line.
func ReadDone(path string) (*Done, error) {
	done := &Done{Path: path, Jobs: make(map[string]JobState)}
	r, err := openResultsFile(path)
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
	defer r.close()
	digests := make(map[string]int)  // index in done.Digests
	latest := make(map[string]int64) // started_at of each job's latest attempt
	last := 0                        // index of the previous row's digest
	for {
		rec, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		k, err := r.parse(rec)
		if err != nil {
			return nil, err
		}
		d := rec[r.col[colDigest]]
		if len(done.Digests) == 0 || done.Digests[last] != d {
			i, seen := digests[d]
			if !seen {
				i = len(done.Digests)
				d = strings.Clone(d)
				digests[d] = i
				done.Digests = append(done.Digests, d)
				done.digestRows = append(done.digestRows, 0)
			}
			last = i
		}
		done.digestRows[last]++
		id := rec[r.col[colJobID]]
		s, seen := done.Jobs[id]
		if !seen {
			id = strings.Clone(id) // do not pin the whole record
		}
		s.Attempts++
		if !seen || k.attempt > s.LastAttempt || (k.attempt == s.LastAttempt && k.started >= latest[id]) {
			if s.Status != StatusOK {
				s.Status = k.status
			}
			s.LastAttempt, latest[id] = k.attempt, k.started
		}
		if k.status == StatusOK {
			s.Status = StatusOK
		}
		done.Jobs[id] = s
	}
	done.Repaired = r.torn
	return done, nil
}
