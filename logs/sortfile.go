package logs

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"time"
)

// maxFanIn bounds the sorted runs of one file merged at once, and so the
// files open and the memory held by their readers.
const maxFanIn = 64

// sortEntry locates one record of a chunk being sorted.
type sortEntry struct {
	time     time.Time
	machine  string
	off, len int
}

// sortEntryOverhead approximates the memory of a sortEntry beyond its bytes.
const sortEntryOverhead = 64

// sortFile is an external merge sort of a file whose records are out of time
// order: it cuts the file's filtered records into chunks of at most
// opts.SortMemory bytes, sorts each chunk stably by time and machine, writes
// it to a temporary file and returns readers over these runs, in file order.
// With more than maxFanIn runs it first merges them in groups.
func sortFile(c check, flt *filter, opts *MergeOptions) ([]*Reader, error) {
	r, err := OpenReader(c.path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	r.limit = c.records
	var (
		runs    []string
		slab    []byte
		entries []sortEntry
	)
	spill := func() error {
		if len(entries) == 0 {
			return nil
		}
		slices.SortStableFunc(entries, func(a, b sortEntry) int {
			return compareKey(a.time, a.machine, b.time, b.machine)
		})
		path, err := writeRun(opts.TempDir, func(bw *bufio.Writer) {
			for _, e := range entries {
				bw.Write(slab[e.off : e.off+e.len])
				bw.WriteByte('\n')
			}
		})
		if err != nil {
			return err
		}
		runs = append(runs, path)
		slab, entries = slab[:0], entries[:0]
		return nil
	}
	for err == nil && r.Next() {
		rec := &r.rec
		machine := rec.Machine
		if machine == "" {
			machine = c.machine
		}
		if !flt.match(rec, machine) {
			continue
		}
		if len(slab)+len(rec.Raw)+sortEntryOverhead*(len(entries)+1) > opts.SortMemory {
			err = spill()
		}
		entries = append(entries, sortEntry{time: rec.Time, machine: machine, off: len(slab), len: len(rec.Raw)})
		slab = append(slab, rec.Raw...)
	}
	if err == nil {
		err = r.Err()
	}
	if err == nil {
		err = spill()
	}
	for err == nil && len(runs) > maxFanIn {
		runs, err = mergeRuns(runs, c.machine, opts.TempDir)
	}
	if err != nil {
		for _, path := range runs {
			os.Remove(path)
		}
		return nil, fmt.Errorf("sort log %s: %w", c.path, err)
	}
	readers := make([]*Reader, 0, len(runs))
	for i, path := range runs {
		rr, err := OpenReader(path)
		if err != nil {
			for _, path := range runs[i:] {
				os.Remove(path)
			}
			return readers, fmt.Errorf("sort log %s: %w", c.path, err)
		}
		readers = append(readers, rr)
	}
	return readers, nil
}

// writeRun writes a temporary run file and returns its path.
func writeRun(dir string, write func(*bufio.Writer)) (string, error) {
	f, err := os.CreateTemp(dir, "jobsplit-merge-*.jsonl")
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	write(bw)
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// mergeRuns merges consecutive groups of maxFanIn runs into one run each,
// keeping their order so that equal keys stay in file order.
func mergeRuns(runs []string, machine, dir string) ([]string, error) {
	var next []string
	for start := 0; start < len(runs); start += maxFanIn {
		group := runs[start:min(start+maxFanIn, len(runs))]
		var cursors []*cursor
		var err error
		for i, path := range group {
			var r *Reader
			if r, err = OpenReader(path); err != nil {
				break
			}
			cursors = append(cursors, &cursor{r: r, fallback: machine, run: i, temp: true})
		}
		var path string
		if err == nil {
			var mergeErr error
			path, err = writeRun(dir, func(bw *bufio.Writer) {
				mergeErr = mergeCursors(cursors, func(rec *Record, _ string) error {
					bw.Write(rec.Raw)
					return bw.WriteByte('\n')
				})
			})
			if err == nil && mergeErr != nil {
				os.Remove(path)
				err = mergeErr
			}
		}
		for _, c := range cursors {
			c.close()
		}
		if err != nil {
			for _, p := range append(next, runs[start:]...) {
				os.Remove(p)
			}
			return nil, err
		}
		next = append(next, path)
	}
	return next, nil
}
