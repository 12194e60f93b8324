package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// DoneScan is a results file read for resuming before the pool is known:
// the rows' job ids sorted, what ordering a job's attempts needs of each
// row, and the digests. Reading, parsing and sorting a million rows is as
// much work as loading the pool, and needs nothing of it, so a run can do
// both at once (ScanDone beside the pool's loading, then Join).
type DoneScan struct {
	done   *Done // all but the join: Path, Digests, Repaired, read
	rows   doneRows
	sorted *sortedRows
	// missing says the file did not exist; reusable says what was read
	// can stand for the file as it is when Unchanged finds it so.
	missing, reusable bool
}

// ScanDone reads the results file at path for resuming, without the pool:
// Join takes the rows into a pool's jobs. A missing or empty file means
// nothing is done. Errors are *InputError naming file and line.
func ScanDone(path string) (*DoneScan, error) {
	s := &DoneScan{done: &Done{Path: path}}
	rf, err := openResultsFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s.missing, s.reusable = true, true
		return s, nil
	}
	if errors.Is(err, ErrEmpty) {
		if fi, serr := os.Stat(path); serr == nil && fi.Size() > 0 {
			s.done.Repaired = fmt.Sprintf("%s: ignored a torn header line: an interrupted write", path)
		}
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	defer rf.close()
	if err := s.read(rf); err != nil {
		return nil, err
	}
	if len(s.rows.keys) > 0 {
		s.sorted = s.rows.sortedByID()
	}
	return s, nil
}

// read reads the rows of rf, its header read.
func (s *DoneScan) read(rf *resultsFile) error {
	done := s.done
	rr := newRowReader(rf, 4*seqChunk)
	rr.prefix = rf.fixedPrefix()
	rr.seek(rf.dataStart, rf.dataLine)
	digests := make(map[string]int) // index in done.Digests
	last := 0                       // index of the previous row's digest
	rows := &s.rows
	complete := rf.dataStart // where the last complete row ends
	var hours hourCache
	for {
		rec, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		complete = rr.offset()
		k, err := parseKeyIn(rec, &rf.col, &hours, func(col int, err error) error {
			return &InputError{Path: rf.path, Line: rr.fieldLine(rf.col[col]), Err: err}
		})
		if err != nil {
			return err
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
		if len(rows.keys) == sizeAfterRows {
			// Make room for as many rows as the file seems to hold, judged
			// by the rows so far: one short first row must not reserve
			// room for far more rows than come.
			rowSize := max((complete-rf.dataStart)/sizeAfterRows, 1)
			n := int((rf.size-complete)/rowSize) + 16
			rows.grow(n+n/8, (n+n/8)*len(rows.ids)/sizeAfterRows)
		}
		if err := rows.add(rec[rf.col[colJobID]], &k); err != nil {
			return &InputError{Path: rf.path, Err: err}
		}
	}
	done.Repaired = rf.torn
	if fi, err := rf.f.Stat(); err == nil && sameFile(rf.info, fi) {
		if rf.torn == "" {
			complete = rf.size
		}
		done.read = readState{file: fi, complete: complete}
		s.reusable = true
	}
	return nil
}

// sizeAfterRows is how many rows ScanDone reads before it guesses how many
// the file holds.
const sizeAfterRows = 1024

// Unchanged reports whether the file at path is still the one ScanDone
// read, as it was (or still missing): a run that scanned it before taking
// the machine's lock must read it again otherwise. An empty file, or one
// that changed while read, is never taken as unchanged.
func (s *DoneScan) Unchanged() bool {
	fi, err := os.Stat(s.done.Path)
	if s.missing {
		return errors.Is(err, fs.ErrNotExist)
	}
	return s.reusable && err == nil && s.done.read.unchanged(fi)
}

// Join takes the rows into the jobs of pool and returns what is done. A
// scan is joined once.
func (s *DoneScan) Join(pool IDSource) (*Done, error) {
	done := s.done
	if len(s.rows.keys) > 0 {
		if err := done.join(pool, &s.rows, s.sorted); err != nil {
			return nil, fmt.Errorf("resume from %s: the pool %w", done.Path, err)
		}
	}
	s.rows, s.sorted = doneRows{}, nil
	return done, nil
}
