package results

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/oserr"
	"io"
	"os"
	"sync/atomic"
)

// Collection is the joined result of Collect: one kept row per planned job
// that has any, the union of the files' columns, and a summary. It holds
// where each kept row is, not the rows: WriteTable reads them back.
type Collection struct {
	// Columns of the table: the fixed columns, the plan's parameter columns,
	// then every other column in the order first seen.
	Columns []string
	// Summary counts the jobs per machine.
	Summary Summary
	// Warnings name torn last lines skipped and rows taken from other plans.
	Warnings []string

	plan    Plan
	src     PlanSource
	ix      *lazyIndex
	files   []*resultsFile // closed; rowBack opens them again
	tallies []*fileTally
	state   []atomic.Uint64 // per planned job, see packState
	extra   map[int32]int32 // rows beyond the first, of jobs with several
	sort    SortOrder
	outMap  [][]int32 // per file, per column of the table: the file's column or -1
}

// JobOutcome is what Collect decided for one planned job.
type JobOutcome struct {
	PlannedJob
	Status   Status // status of the kept row; "" when no row was found
	RanOn    string // the machine that ran the kept row; "" when no row was found
	Attempts int    // rows found for the job, across files
}

// layoutColumns computes Columns and each file's mapping onto them.
func (c *Collection) layoutColumns() {
	c.Columns = append(FixedColumns(), c.plan.Params...)
	at := make(map[string]int32, len(c.Columns))
	for i, name := range c.Columns {
		at[name] = int32(i)
	}
	for _, f := range c.files {
		for _, name := range f.header {
			if _, ok := at[name]; !ok {
				at[name] = int32(len(c.Columns))
				c.Columns = append(c.Columns, name)
			}
		}
	}
	c.outMap = make([][]int32, len(c.files))
	for fi, f := range c.files {
		m := make([]int32, len(c.Columns))
		for i := range m {
			m[i] = -1
		}
		for i, name := range f.header {
			m[at[name]] = int32(i)
		}
		c.outMap[fi] = m
	}
}

// WriteTable writes the joined table as CSV: a header, then the kept rows,
// read back from their files. A parameter column missing from a row's file
// is filled from the plan.
func (c *Collection) WriteTable(w io.Writer) error {
	back := c.rowBack()
	defer back.close()
	order, err := c.tableOrder(back)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(c.Columns); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	nparams := len(c.plan.Params)
	fills := make([]bool, len(c.files)) // the file lacks a parameter column
	for fi, m := range c.outMap {
		for k := numFixed; k < numFixed+nparams; k++ {
			fills[fi] = fills[fi] || m[k] < 0
		}
	}
	rec := make([]string, len(c.Columns))
	write := func(j int) error {
		row, rf, err := back.row(j)
		if err != nil {
			return err
		}
		var params []string
		if fills[rf.index] {
			params = c.src.Params(j)
		}
		for k, src := range c.outMap[rf.index] {
			switch {
			case src >= 0:
				rec[k] = row[src]
			case k >= numFixed && k < numFixed+nparams:
				rec[k] = params[k-numFixed]
			default:
				rec[k] = ""
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		return nil
	}
	if order == nil {
		for j := range c.state {
			if c.state[j].Load() != 0 {
				if err := write(j); err != nil {
					return err
				}
			}
		}
	}
	for _, j := range order {
		if err := write(int(j)); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// eachNotOK calls fn with each planned job whose kept row is not ok, or
// that has none (status ""), in plan order.
func (c *Collection) eachNotOK(fn func(j int, st Status) error) error {
	for j := range c.state {
		s := c.state[j].Load()
		st := Status("")
		if s != 0 {
			if _, _, st = unpackState(s); st == StatusOK {
				continue
			}
		}
		if err := fn(j, st); err != nil {
			return err
		}
	}
	return nil
}

// outcome describes planned job j, whose kept row has status st ("" for
// none), reading back which machine ran it.
func (c *Collection) outcome(j int, st Status, back *rowBack) (JobOutcome, error) {
	o := JobOutcome{PlannedJob: PlannedJob{ID: string(c.src.AppendID(nil, j)), Machine: c.src.Machine(j), Params: c.src.Params(j)}, Status: st}
	if st == "" {
		return o, nil
	}
	o.Attempts = 1 + int(c.extra[int32(j)])
	row, rf, err := back.row(j)
	if err != nil {
		return o, err
	}
	o.RanOn = row[rf.col[colMachine]]
	return o, nil
}

// NotOK lists the planned jobs whose kept row is not ok or that have no row,
// in plan order. RanOn is "" for a job whose row can no longer be read.
func (c *Collection) NotOK() []JobOutcome {
	back := c.rowBack()
	defer back.close()
	var out []JobOutcome
	c.eachNotOK(func(j int, st Status) error {
		o, _ := c.outcome(j, st, back)
		out = append(out, o)
		return nil
	})
	return out
}

// WriteMissing writes the jobs that are not ok as a pool CSV: a header "id"
// then the plan's parameter columns, one row per job in plan order, with its
// original id and parameter values.
func (c *Collection) WriteMissing(w io.Writer) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	rec := append([]string{"id"}, c.plan.Params...)
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("write missing jobs: %w", err)
	}
	var id []byte
	err := c.eachNotOK(func(j int, _ Status) error {
		id = c.src.AppendID(id[:0], j)
		rec = append(append(rec[:0], view(id)), c.src.Params(j)...)
		return cw.Write(rec)
	})
	if err != nil {
		return fmt.Errorf("write missing jobs: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write missing jobs: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write missing jobs: %w", err)
	}
	return nil
}

// rowBack reads kept rows back from their files, opened again on first use.
type rowBack struct {
	c       *Collection
	readers []*rowReader
	chunk   int
	id      []byte // scratch for isJob
}

func (c *Collection) rowBack() *rowBack {
	// Reading in plan order goes through each file mostly forward: big
	// chunks, but not more than 32 MiB of them in all.
	chunk := max(randomChunk, min(seqChunk, (32<<20)/max(len(c.files), 1)))
	return &rowBack{c: c, readers: make([]*rowReader, len(c.files)), chunk: chunk}
}

// row returns planned job j's kept row and its file.
func (b *rowBack) row(j int) ([]string, *resultsFile, error) {
	file, off, _ := unpackState(b.c.state[j].Load())
	rr := b.readers[file]
	if rr == nil {
		was := b.c.files[file]
		f, err := os.Open(was.path)
		if err != nil {
			return nil, nil, &InputError{Path: was.path, Err: oserr.Bare(err)}
		}
		rf := *was
		rf.f = f
		rr = newRowReader(&rf, b.chunk)
		b.readers[file] = rr
	}
	rr.seek(off, 0)
	rec, err := rr.next()
	if err == nil && !b.isJob(rec[rr.rf.col[colJobID]], j) {
		err = io.EOF
	}
	if err == io.EOF {
		err = &InputError{Path: rr.rf.path, Err: fmt.Errorf("the row of job %s at byte %d is gone: the file changed since it was read; collect again",
			b.c.src.AppendID(nil, j), off)}
	}
	return rec, rr.rf, err
}

func (b *rowBack) close() {
	for _, rr := range b.readers {
		if rr != nil {
			rr.rf.f.Close()
		}
	}
}

// isJob reports whether a row read back with the id given is still job
// j's: by the index's tags when the join built it, else by the id.
func (b *rowBack) isJob(id string, j int) bool {
	if ix := b.c.ix.built(); ix != nil {
		return ix.mayBe(id, j)
	}
	b.id = b.c.src.AppendID(b.id[:0], j)
	return string(b.id) == id
}
