package results

import (
	"cmp"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/plural"
	"slices"
	"strings"
	"sync/atomic"
)

// SortOrder is the row order of the joined table.
type SortOrder string

// The row orders of the joined table.
const (
	SortPlan    SortOrder = "plan"    // plan order (the default)
	SortID      SortOrder = "id"      // by job id, numeric ids by value
	SortStarted SortOrder = "started" // by started_at, then plan order
)

// ParseSortOrder returns the SortOrder named s ("" means plan).
func ParseSortOrder(s string) (SortOrder, error) {
	switch SortOrder(s) {
	case "", SortPlan:
		return SortPlan, nil
	case SortID, SortStarted:
		return SortOrder(s), nil
	}
	return "", fmt.Errorf("sort order %q is not one of plan, id, started", s)
}

// Options tune Collect.
type Options struct {
	// AllowMixed takes rows whose digest differs from the plan's instead of
	// refusing their files; only rows of jobs in the plan are kept.
	AllowMixed bool
	// Sort is the row order of the table; "" means SortPlan.
	Sort SortOrder
}

// Collect reads the results files named by paths (files, or folders meaning
// every *.csv in them) and keeps one row per planned job: its latest ok
// attempt, or its latest attempt when none is ok, "latest" being the greatest
// started_at, then attempt number, then input order (file, then line). Rows
// carrying another digest than the plan's make a *MixedDigestError unless
// opts.AllowMixed; rows of jobs not in the plan are dropped and counted. Torn
// last lines are skipped with a warning; other bad input is an *InputError.
//
// Collect streams: it keeps 8 bytes per planned job (where its kept row is)
// plus an index of the plan's ids, never rows, and reads the kept rows back
// when the table is written. The files must not change meanwhile, but may
// grow: what was appended after Collect read them is ignored.
func Collect(plan Plan, paths []string, opts Options) (*Collection, error) {
	sortOrder, err := ParseSortOrder(string(opts.Sort))
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	src, err := plan.source()
	if err != nil {
		return nil, err
	}
	ix := &lazyIndex{src: src}
	if plan.Source == nil {
		// A listed plan is checked before any file is read.
		if _, err := ix.get(); err != nil {
			return nil, err
		}
	}
	paths, err = ResultFiles(paths)
	if err != nil {
		return nil, err
	}
	if len(paths) > maxFiles {
		return nil, fmt.Errorf("collect: %d results files, more than %d", len(paths), maxFiles)
	}
	col := &collector{digest: plan.Digest, src: src, ix: ix, paths: paths, files: make([]*resultsFile, len(paths)),
		state: make([]atomic.Uint64, src.Len()), allowMixed: opts.AllowMixed, starts: machineStarts(src)}
	defer col.close()
	tallies, err := col.gather()
	if err != nil {
		return nil, err
	}
	c := &Collection{plan: plan, src: src, ix: ix, files: col.files, tallies: tallies, state: col.state, sort: sortOrder}
	if err := c.checkDigests(opts.AllowMixed); err != nil {
		return nil, err
	}
	for _, f := range c.files {
		if f.torn != "" {
			c.Warnings = append(c.Warnings, f.torn)
		}
	}
	for i := range col.stripes {
		for j, n := range col.stripes[i].extra {
			if c.extra == nil {
				c.extra = make(map[int32]int32)
			}
			c.extra[j] = n
		}
	}
	c.layoutColumns()
	c.Summary = c.summarize()
	return c, nil
}

// checkDigests refuses files with foreign rows, or warns about them.
func (c *Collection) checkDigests(allowMixed bool) error {
	mixed := &MixedDigestError{Digest: c.plan.Digest}
	for i, t := range c.tallies {
		if t.foreignRows > 0 {
			mixed.Files = append(mixed.Files, ForeignFile{Path: c.files[i].path, Digests: t.foreign, Rows: t.foreignRows})
		}
	}
	if len(mixed.Files) == 0 {
		return nil
	}
	if !allowMixed {
		return mixed
	}
	for _, f := range mixed.Files {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %s from another plan (digest %s); kept those of jobs in the current plan",
			f.Path, plural.Of(f.Rows, "row"), digestList(f.Digests)))
	}
	return nil
}

// tableOrder lists the jobs that have a row in the table's order, or returns
// nil for plan order, which needs no list.
func (c *Collection) tableOrder(back *rowBack) ([]int32, error) {
	if c.sort == SortPlan {
		return nil, nil
	}
	var order []int32
	for j := range c.state {
		if c.state[j].Load() != 0 {
			order = append(order, int32(j))
		}
	}
	switch c.sort {
	case SortID:
		var a, b []byte
		slices.SortStableFunc(order, func(x, y int32) int {
			a, b = c.src.AppendID(a[:0], int(x)), c.src.AppendID(b[:0], int(y))
			return compareIDs(view(a), view(b))
		})
	case SortStarted:
		started := make([]int64, len(order))
		for i, j := range order {
			rec, rf, err := back.row(int(j))
			if err != nil {
				return nil, err
			}
			if started[i], err = parseTime(rec[rf.col[colStartedAt]]); err != nil {
				return nil, &InputError{Path: rf.path, Err: err}
			}
		}
		perm := make([]int32, len(order))
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortStableFunc(perm, func(x, y int32) int { return cmp.Compare(started[x], started[y]) })
		sorted := make([]int32, len(order))
		for i, p := range perm {
			sorted[i] = order[p]
		}
		order = sorted
	}
	return order, nil
}

// compareIDs orders ids naturally: runs of digits compare by value, the rest
// as text, so job2 comes before job10 and 9 before 10.
func compareIDs(a, b string) int {
	for x, y := a, b; x != "" && y != ""; {
		cx, cy := leadingRun(x), leadingRun(y)
		var c int
		if isDigit(cx[0]) && isDigit(cy[0]) {
			tx, ty := strings.TrimLeft(cx, "0"), strings.TrimLeft(cy, "0")
			c = cmp.Or(cmp.Compare(len(tx), len(ty)), strings.Compare(tx, ty))
		} else {
			c = strings.Compare(cx, cy)
		}
		if c != 0 {
			return c
		}
		x, y = x[len(cx):], y[len(cy):]
		if x == "" || y == "" {
			if c := cmp.Compare(len(x), len(y)); c != 0 {
				return c
			}
		}
	}
	return strings.Compare(a, b) // equal but for leading zeros
}

// leadingRun returns the leading run of digits or of non-digits of s.
func leadingRun(s string) string {
	digit := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digit {
		i++
	}
	return s[:i]
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
