package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jobsplit/jobsplit/internal/oserr"
	"github.com/jobsplit/jobsplit/results"
)

// Status codes of an attempt, in the order the page colours them.
const (
	stOK uint8 = iota
	stFailed
	stTimeout
	stBadResult
	stInterrupted
	stMissing
)

// statusNames are the names of the status codes, as the figures write them.
var statusNames = []string{"ok", "failed", "timeout", "bad_result", "interrupted", "missing"}

// attempts holds every attempt read from the result files as columns, so
// that a million of them cost tens of bytes each.
type attempts struct {
	job     []int32 // index of the job in the pool's id order, -1 if unknown
	machine []int32 // index into Report.machineNames
	status  []uint8
	exit    []int32
	attempt []int32
	start   []int64 // unix milliseconds
	dur     []int64 // milliseconds
	// moved is, for an attempt whose row says the plan gave its job to
	// another machine (stolen or taken over, with balance), that machine's
	// index into Report.machineNames, else -1.
	moved []int32
}

func (a *attempts) len() int { return len(a.job) }

func (a *attempts) end(i int) int64 { return a.start[i] + a.dur[i] }

// resultColumns are the positions of the fixed columns in one file's header.
type resultColumns struct {
	id, machine, status, exit, attempt, started, duration, digest int
	// planned is the planned_machine column of a balanced run, -1 if none.
	planned int
}

// readResults appends the rows of one results file whose digest is digest.
// A torn last line (no newline, or a quote never closed) is dropped with a
// warning; any other damage is an error naming the file and line.
func (r *Report) readResults(path, digest string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read results %s: %w", path, oserr.Bare(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("read results %s: %w", path, oserr.Bare(err))
	}
	size := st.Size()
	endsNL := true
	if size > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], size-1); err != nil {
			return fmt.Errorf("read results %s: %w", path, oserr.Bare(err))
		}
		endsNL = last[0] == '\n'
	}
	cr := csv.NewReader(bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 256<<10))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		r.warn("%s: empty results file, skipped", path)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read results %s: header: %w", path, csvCause(err))
	}
	cols, err := indexColumns(header)
	if err != nil {
		return fmt.Errorf("read results %s: %w", path, err)
	}
	width := len(header)
	foreign := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		torn := cr.InputOffset() >= size && (!endsNL || errors.Is(err, csv.ErrQuote))
		if torn {
			// FieldPos is only valid after a record that parsed.
			var line int
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			} else if err == nil {
				line, _ = cr.FieldPos(0)
			}
			r.warn("%s: ignored a torn last line (line %d): an interrupted write", path, line)
			break
		}
		if err != nil {
			return fmt.Errorf("read results %s: %w", path, csvCause(err))
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			return fmt.Errorf("read results %s: line %d: row has %d fields but the header has %d", path, line, len(rec), width)
		}
		if rec[cols.digest] != digest {
			foreign++
			continue
		}
		if err := r.addRow(rec, &cols); err != nil {
			return fmt.Errorf("read results %s: line %d: %w", path, line, err)
		}
	}
	if foreign > 0 {
		r.warn("%s: ignored %d rows of another digest (another sweep's results)", path, foreign)
	}
	return nil
}

func indexColumns(header []string) (resultColumns, error) {
	at := make(map[string]int, len(header))
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		at[name] = i
	}
	var idx [8]int
	var missing []string
	for i, name := range results.FixedColumns() {
		j, ok := at[name]
		if !ok {
			missing = append(missing, name)
		}
		idx[i] = j
	}
	if missing != nil {
		return resultColumns{}, fmt.Errorf("line 1: not a jobsplit results file: the header lacks %s", strings.Join(missing, ", "))
	}
	planned, ok := at["planned_machine"]
	if !ok {
		planned = -1
	}
	return resultColumns{idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6], idx[7], planned}, nil
}

// addRow parses one row into the attempts.
func (r *Report) addRow(rec []string, c *resultColumns) error {
	var status uint8
	switch rec[c.status] {
	case "ok":
		status = stOK
	case "failed":
		status = stFailed
	case "timeout":
		status = stTimeout
	case "interrupted":
		status = stInterrupted
	case "bad_result":
		status = stBadResult
	default:
		return fmt.Errorf("status %q is not one of ok, failed, timeout, bad_result, interrupted", rec[c.status])
	}
	exit, err := strconv.Atoi(rec[c.exit])
	if err != nil {
		return fmt.Errorf("exit_code %q is not a whole number", rec[c.exit])
	}
	attempt, err := strconv.Atoi(rec[c.attempt])
	if err != nil || attempt < 0 {
		return fmt.Errorf("attempt %q is not a whole number", rec[c.attempt])
	}
	started, err := time.Parse(time.RFC3339, rec[c.started])
	if err != nil {
		return fmt.Errorf("started_at %q is not an RFC 3339 time", rec[c.started])
	}
	secs, err := strconv.ParseFloat(rec[c.duration], 64)
	if err != nil || !(secs >= 0) || secs > 1e12 {
		return fmt.Errorf("duration_s %q is not a number of seconds", rec[c.duration])
	}
	a := &r.att
	job, known := r.jobAt[rec[c.id]]
	if !known {
		job = -1
		r.unknownJobs++
	}
	a.job = append(a.job, job)
	a.machine = append(a.machine, r.machineIndex(rec[c.machine]))
	a.status = append(a.status, status)
	a.exit = append(a.exit, int32(exit))
	a.attempt = append(a.attempt, int32(attempt))
	a.start = append(a.start, started.UnixMilli())
	a.dur = append(a.dur, int64(secs*1000+0.5))
	moved := int32(-1)
	if c.planned >= 0 {
		if p := rec[c.planned]; p != "" && p != rec[c.machine] {
			moved = r.machineIndex(p)
		}
	}
	a.moved = append(a.moved, moved)
	return nil
}

// indexJobs maps every job id to its index in the pool's id order: one
// hash lookup a row instead of a binary search over string ids.
func (r *Report) indexJobs() {
	pool := r.sweep.Pool
	r.jobAt = make(map[string]int32, pool.Len())
	for i := range pool.Len() {
		r.jobAt[pool.ID(i)] = int32(i)
	}
}

// machineIndex returns the index of a machine by name, adding a machine
// the plan does not know (results of another machines.json).
func (r *Report) machineIndex(name string) int32 {
	if i, ok := r.machineAt[name]; ok {
		return i
	}
	i := int32(len(r.machineNames))
	r.machineNames = append(r.machineNames, name)
	r.machineAt[name] = i
	return i
}

func csvCause(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %w", pe.Line, pe.Err)
	}
	return oserr.Bare(err)
}
