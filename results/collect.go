package results

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Plan is the current plan as the caller computed it: the digest every row
// must carry, the pool's parameter columns and the planned jobs in plan order
// (machine shares in machines order, each share in run order).
type Plan struct {
	Digest string
	Params []string
	Jobs   []PlannedJob
}

// PlannedJob is one job of the plan: its id, the machine it was planned on and
// its parameter values, aligned to Plan.Params.
type PlannedJob struct {
	ID      string
	Machine string
	Params  []string
}

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

// planIndex finds planned jobs by id and their planning machine.
type planIndex struct {
	digest   string
	ids      map[string]int32
	machine  []int32 // per job, index into machines
	machines []string
}

func indexPlan(p *Plan) (*planIndex, error) {
	if len(p.Jobs) > math.MaxInt32 {
		return nil, fmt.Errorf("collect: plan has %d jobs, more than %d", len(p.Jobs), math.MaxInt32)
	}
	ix := &planIndex{digest: p.Digest, ids: make(map[string]int32, len(p.Jobs)), machine: make([]int32, len(p.Jobs))}
	machines := make(map[string]int32)
	for i, j := range p.Jobs {
		if j.ID == "" {
			return nil, fmt.Errorf("collect: plan job %d has an empty id", i+1)
		}
		if len(j.Params) != len(p.Params) {
			return nil, fmt.Errorf("collect: plan job %q has %d parameter values for %d columns", j.ID, len(j.Params), len(p.Params))
		}
		if ix.ids[j.ID] = int32(i); len(ix.ids) != i+1 {
			return nil, fmt.Errorf("collect: plan has job id %q twice", j.ID)
		}
		m, ok := machines[j.Machine]
		if !ok {
			m = int32(len(ix.machines))
			machines[j.Machine] = m
			ix.machines = append(ix.machines, j.Machine)
		}
		ix.machine[i] = m
	}
	return ix, nil
}

// Collect reads the results files named by paths (files, or folders meaning
// every *.csv in them) and keeps one row per planned job: its latest ok
// attempt, or its latest attempt when none is ok, "latest" being the greatest
// started_at, then attempt number, then input order (file, then line). Rows carrying another
// digest than the plan's make a *MixedDigestError unless opts.AllowMixed;
// rows of jobs not in the plan are dropped and counted. Torn last lines are
// skipped with a warning; other bad input is an *InputError.
func Collect(plan Plan, paths []string, opts Options) (*Collection, error) {
	sortOrder, err := ParseSortOrder(string(opts.Sort))
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	ix, err := indexPlan(&plan)
	if err != nil {
		return nil, err
	}
	files, err := ResultFiles(paths)
	if err != nil {
		return nil, err
	}
	c := &Collection{plan: plan}
	if c.files, err = gather(files, ix, c.slots(), opts.AllowMixed); err != nil {
		return nil, err
	}
	if err := c.checkDigests(opts.AllowMixed); err != nil {
		return nil, err
	}
	for _, t := range c.files {
		if t.torn != "" {
			c.Warnings = append(c.Warnings, t.torn)
		}
	}
	c.layoutColumns()
	c.sortRows(sortOrder)
	c.Summary = c.summarize(ix)
	return c, nil
}

// checkDigests refuses files with foreign rows, or warns about them.
func (c *Collection) checkDigests(allowMixed bool) error {
	mixed := &MixedDigestError{Digest: c.plan.Digest}
	for _, t := range c.files {
		if t.foreignRows > 0 {
			mixed.Files = append(mixed.Files, ForeignFile{Path: t.path, Digests: t.foreign, Rows: t.foreignRows})
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
			f.Path, plural(f.Rows, "row"), digestList(f.Digests)))
	}
	return nil
}

// sortRows lists the jobs that have a row, in the table's order.
func (c *Collection) sortRows(order SortOrder) {
	c.order = c.order[:0]
	for j := range c.jobs {
		if c.jobs[j].seen() {
			c.order = append(c.order, int32(j))
		}
	}
	switch order {
	case SortID:
		slices.SortStableFunc(c.order, func(a, b int32) int { return compareIDs(c.plan.Jobs[a].ID, c.plan.Jobs[b].ID) })
	case SortStarted:
		slices.SortStableFunc(c.order, func(a, b int32) int {
			return cmp.Compare(c.jobs[a].started, c.jobs[b].started)
		})
	}
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
