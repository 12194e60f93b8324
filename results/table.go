package results

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
)

// Collection is the joined result of Collect: one kept row per planned job
// that has any row, the union of the files' columns, and a summary.
type Collection struct {
	// Columns of the table: the fixed columns, the plan's parameter columns,
	// then every other column in the order first seen.
	Columns []string
	// Summary counts the jobs per machine.
	Summary Summary
	// Warnings name torn last lines skipped and rows taken from other plans.
	Warnings []string

	plan   Plan
	files  []*fileTally
	jobs   []jobSlot // per planned job
	order  []int32   // jobs with a row, in table order
	outMap [][]int32 // per file, per column of the table: the file's column or -1
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
	for _, t := range c.files {
		for _, name := range t.header {
			if _, ok := at[name]; !ok {
				at[name] = int32(len(c.Columns))
				c.Columns = append(c.Columns, name)
			}
		}
	}
	c.outMap = make([][]int32, len(c.files))
	for fi, t := range c.files {
		m := make([]int32, len(c.Columns))
		for i := range m {
			m[i] = -1
		}
		for i, name := range t.header {
			m[at[name]] = int32(i)
		}
		c.outMap[fi] = m
	}
}

// WriteTable writes the joined table as CSV: a header, then the kept rows. A
// parameter column missing from a row's file is filled from the plan.
func (c *Collection) WriteTable(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(c.Columns); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	nparams := len(c.plan.Params)
	rec := make([]string, len(c.Columns))
	for _, j := range c.order {
		a := &c.jobs[j]
		for k, src := range c.outMap[a.file] {
			switch {
			case src >= 0:
				rec[k] = a.cells[src]
			case k >= numFixed && k < numFixed+nparams:
				rec[k] = c.plan.Jobs[j].Params[k-numFixed]
			default:
				rec[k] = ""
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write table: %w", err)
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

// NotOK lists the planned jobs whose kept row is not ok or that have no row,
// in plan order.
func (c *Collection) NotOK() []JobOutcome {
	var out []JobOutcome
	for j := range c.jobs {
		a := &c.jobs[j]
		if a.ok {
			continue
		}
		o := JobOutcome{PlannedJob: c.plan.Jobs[j], Attempts: int(a.rows)}
		if a.seen() {
			o.Status = Status(a.cells[c.files[a.file].col[colStatus]])
			o.RanOn = a.cells[c.files[a.file].col[colMachine]]
		}
		out = append(out, o)
	}
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
	for _, o := range c.NotOK() {
		rec = append(append(rec[:0], o.ID), o.Params...)
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write missing jobs: %w", err)
		}
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
