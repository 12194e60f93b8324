package logs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Format is an output format of Merge.
type Format string

// Merge output formats.
const (
	// FormatJSONL writes each record byte for byte as it was, one per line.
	FormatJSONL Format = "jsonl"
	// FormatText writes one readable line per record:
	//
	//	2026-11-21T10:00:00.123Z alpha job=042 stderr  the line the job printed
	//	2026-11-21T10:00:01.500Z alpha job=042  event=job_end level=error attempt=1 status=failed exit_code=1 duration_s=1.5
	//
	// that is the time in UTC with milliseconds, the machine, job=ID and the
	// stream when present, two spaces, then for an output record the line,
	// and for any other record its msg (or message) followed by its other
	// fields as key=value: event first, then in record order, level only when
	// not info. Control characters are escaped so that a job's output cannot
	// drive the terminal.
	FormatText Format = "text"
)

// MergeOptions choose Merge's output format and filters. The zero value
// merges every record as JSON lines.
type MergeOptions struct {
	// Format is FormatJSONL (the default when empty) or FormatText.
	Format Format
	// Machine and Job keep only the records of that machine or job.
	Machine, Job string
	// Level keeps records at this zerolog level or more severe (trace,
	// debug, info, warn, error, fatal, panic); a record without a level
	// counts as info.
	Level string
	// Since keeps records at or after it, Until records strictly before it;
	// zero values do not filter.
	Since, Until time.Time
	// Grep keeps records whose raw line matches.
	Grep *regexp.Regexp
	// Strict makes damage (a torn tail, a damaged gzip member, lines that
	// are not records) an error wrapping ErrDamaged, returned after every
	// intact record was written, rather than only a warning.
	Strict bool
	// TempDir holds the sorted runs of a file whose records are out of time
	// order; "" means os.TempDir().
	TempDir string
	// SortMemory bounds the bytes of records held in memory while sorting
	// such a file; 0 means 64 MiB.
	SortMemory int
}

// ErrDamaged is wrapped by Merge's error, with MergeOptions.Strict, when
// some of the logs could not be read whole.
var ErrDamaged = errors.New("damaged logs")

// filter is the compiled record filter of a MergeOptions.
type filter struct {
	opts     *MergeOptions
	minLevel int
	byLevel  bool
}

func (f *filter) match(rec *Record, machine string) bool {
	o := f.opts
	return (o.Machine == "" || machine == o.Machine) &&
		(o.Job == "" || rec.Job == o.Job) &&
		(!f.byLevel || levelRank(rec.Level) >= f.minLevel) &&
		(o.Since.IsZero() || !rec.Time.Before(o.Since)) &&
		(o.Until.IsZero() || rec.Time.Before(o.Until)) &&
		(o.Grep == nil || o.Grep.Match(rec.Raw))
}

// Merge writes the records of every file to out in time order, in memory
// that does not grow with the size of the logs: a k-way merge holding a few
// read-ahead batches of records per file. Each file is read twice: once to
// validate it and check its order (all files in parallel), once to merge.
// Equal times keep a stable order: machine name, then the order of files,
// then position in the file. A file whose records are out of time order (its
// clock stepped back) is sorted first through temporary files. Warnings name
// each file with a torn tail, skipped lines or records out of order; an error
// (a file that is not a log, a failed write) stops the merge, before any
// output when it is about an input file. A damaged gzip member in the middle
// of a file is skipped: reading resumes at the next intact member.
func Merge(out io.Writer, files []string, opts MergeOptions) (warnings []string, err error) {
	flt := &filter{opts: &opts}
	switch opts.Format {
	case "":
		opts.Format = FormatJSONL
	case FormatJSONL, FormatText:
	default:
		return nil, fmt.Errorf("merge logs: unknown format %q; choices: jsonl, text", opts.Format)
	}
	if opts.Level != "" {
		level := strings.ToLower(opts.Level)
		flt.minLevel, flt.byLevel = levelRank(level), true
		if flt.minLevel == 1 && level != "info" {
			return nil, fmt.Errorf("merge logs: unknown level %q; choices: trace, debug, info, warn, error, fatal, panic", opts.Level)
		}
	}
	if opts.SortMemory <= 0 {
		opts.SortMemory = 64 << 20
	}
	checks := checkAll(files)
	var damaged []string
	for _, c := range checks {
		if c.err != nil {
			return nil, c.err
		}
		if c.damaged {
			damaged = append(damaged, c.path)
		}
		warnings = append(warnings, c.warnings...)
		if c.sortedUpTo < c.records {
			warnings = append(warnings, fmt.Sprintf("read log %s: records out of time order (the clock stepped back after record %d); sorted them", c.path, c.sortedUpTo))
		}
	}
	var cursors []*cursor
	defer func() {
		for _, c := range cursors {
			c.close()
		}
	}()
	for i, c := range checks {
		if c.records == 0 {
			continue
		}
		if c.sortedUpTo == c.records {
			r, err := OpenReader(c.path)
			if err != nil {
				return warnings, err
			}
			r.limit = c.records
			cursors = append(cursors, &cursor{r: r, filter: flt, fallback: c.machine, file: i})
			continue
		}
		runs, err := sortFile(c, flt, &opts)
		for j, r := range runs {
			cursors = append(cursors, &cursor{r: r, fallback: c.machine, file: i, run: j, temp: true})
		}
		if err != nil {
			return warnings, err
		}
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	var line []byte
	err = mergeCursors(cursors, func(rec *Record, machine string) error {
		if opts.Format == FormatText {
			line = appendText(line[:0], rec, machine)
			line = append(line, '\n')
			_, err := bw.Write(line)
			return err
		}
		bw.Write(rec.Raw)
		return bw.WriteByte('\n')
	})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && opts.Strict && len(damaged) > 0 {
		err = fmt.Errorf("merge logs: %w: %s", ErrDamaged, strings.Join(damaged, ", "))
	}
	return warnings, err
}

// check is what a first pass over one file learned.
type check struct {
	path, machine string
	records       int64 // complete records; the merge reads no more
	sortedUpTo    int64 // records before the first step back in time
	warnings      []string
	damaged       bool // some of the file is not records (see Reader.Damaged)
	err           error
}

// checkAll reads every file once, in parallel, validating it and checking
// that its records are in time order.
func checkAll(files []string) []check {
	checks := make([]check, len(files))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, path := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			checks[i] = checkFile(path)
			<-sem
		}()
	}
	wg.Wait()
	return checks
}

func checkFile(path string) check {
	c := check{path: path, machine: machineFromPath(path), sortedUpTo: -1}
	r, err := OpenReader(path)
	if err != nil {
		c.err = err
		return c
	}
	defer r.Close()
	var last time.Time
	lastMachine := ""
	for r.Next() {
		machine := r.rec.Machine
		if machine == "" {
			machine = c.machine
		}
		if c.sortedUpTo < 0 && compareKey(r.rec.Time, machine, last, lastMachine) < 0 {
			c.sortedUpTo = r.records - 1
		}
		last, lastMachine = r.rec.Time, machine
	}
	c.records, c.err, c.warnings, c.damaged = r.records, r.Err(), r.Warnings(), r.Damaged()
	if c.sortedUpTo < 0 {
		c.sortedUpTo = c.records
	}
	return c
}

// compareKey orders records by time, then machine.
func compareKey(t1 time.Time, m1 string, t2 time.Time, m2 string) int {
	if c := t1.Compare(t2); c != 0 {
		return c
	}
	return strings.Compare(m1, m2)
}
