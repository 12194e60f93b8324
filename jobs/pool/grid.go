package pool

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// MaxGrid is the largest grid planned without AllowLarge: a typo in a range
// should not quietly plan a billion jobs.
const MaxGrid = 10_000_000

// maxJobs is the most jobs one plan can hold: the plan indexes them by int32.
const maxJobs = math.MaxInt32

// GridPool expands a [pool.grid] table into its cartesian product. Each key
// is a list of values or an integer range {from = 1, to = 100, step = 1}.
func GridPool(grid map[string]any, source string, allowLarge bool) (*Pool, error) {
	fail := func(format string, args ...any) error {
		return &PoolError{File: source, Problem: fmt.Sprintf(format, args...)}
	}
	columns := make([]string, 0, len(grid))
	for name := range grid {
		columns = append(columns, name)
	}
	slices.Sort(columns)
	// Count before expanding anything, so that a typo in a range is
	// refused rather than allocated.
	gridAxes := make([]axis, len(columns))
	total, over := uint64(1), false
	for i, name := range columns {
		if err := CheckParamName("key", name); err != nil {
			return nil, fail("[pool.grid] %v", err)
		}
		a, err := gridAxis(grid[name])
		if err != nil {
			return nil, fail("[pool.grid] %s: %v", name, err)
		}
		if a.count == 0 {
			return nil, fail("[pool.grid] %s: no values", name)
		}
		gridAxes[i] = a
		if over || total > maxJobs/a.count {
			over = true
		} else {
			total *= a.count
		}
	}
	if over {
		return nil, fail("[pool.grid] makes more than %d jobs, the most one plan can hold", maxJobs)
	}
	if total > MaxGrid && !allowLarge {
		return nil, fail("[pool.grid] makes %d jobs, more than %d: pass --allow-large if that is meant", total, MaxGrid)
	}
	axes := make([][]string, len(gridAxes))
	for i, a := range gridAxes {
		axes[i] = a.expand()
	}
	p := &Pool{Source: source, Columns: columns, kind: gridPool, idColumn: -1, axes: axes}
	p.refs = make([]rowRef, total)
	for i := range p.refs {
		p.refs[i].at = uint32(i)
	}
	if err := p.finish(p.lineAt(0)); err != nil {
		return nil, err
	}
	return p, nil
}

// axis is one grid key: a list of values, or a range not yet expanded.
type axis struct {
	list       []string
	from, step int64
	count      uint64
}

func (a axis) expand() []string {
	if a.list != nil {
		return a.list
	}
	values := make([]string, a.count)
	for i := range values {
		values[i] = strconv.FormatInt(a.from+int64(i)*a.step, 10)
	}
	return values
}

// gridAxis reads one grid key: a list of values or an integer range.
func gridAxis(v any) (axis, error) {
	switch v := v.(type) {
	case []any:
		values := make([]string, len(v))
		seen := make(map[string]bool, len(v))
		for i, x := range v {
			s, err := FormatValue(x)
			if err != nil {
				return axis{}, err
			}
			if seen[s] {
				return axis{}, fmt.Errorf("value %q is listed twice", s)
			}
			seen[s] = true
			values[i] = s
		}
		return axis{list: values, count: uint64(len(values))}, nil
	case map[string]any:
		return gridRange(v)
	}
	return axis{}, fmt.Errorf("want a list of values or {from = 1, to = 10, step = 1}, not %s", KindOf(v))
}

func gridRange(r map[string]any) (axis, error) {
	for key := range r {
		if key != "from" && key != "to" && key != "step" {
			return axis{}, fmt.Errorf("unknown range key %q: want from, to and step", key)
		}
	}
	from, okFrom := r["from"].(int64)
	to, okTo := r["to"].(int64)
	step, okStep := r["step"].(int64)
	if _, given := r["step"]; !given {
		step, okStep = 1, true
	}
	if !okFrom || !okTo || !okStep {
		return axis{}, fmt.Errorf("a range needs whole numbers: {from = 1, to = 10, step = 1}")
	}
	if step <= 0 || to < from {
		return axis{}, fmt.Errorf("a range needs from <= to and step >= 1, got from=%d to=%d step=%d", from, to, step)
	}
	// to-from wraps for the widest ranges, but its bits read as uint64 are
	// the true distance; capping keeps count+1 from wrapping to 0.
	count := min(uint64(to-from)/uint64(step), maxJobs) + 1
	return axis{from: from, step: step, count: count}, nil
}
