package jobs

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxGrid is the largest grid planned without AllowLarge: a typo in a range
// should not quietly plan a billion jobs.
const MaxGrid = 10_000_000

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
	axes := make([][]string, len(columns))
	total := 1
	for i, name := range columns {
		if err := checkColumn(name); err != nil {
			return nil, fail("[pool.grid] %v", err)
		}
		values, err := gridAxis(grid[name])
		if err != nil {
			return nil, fail("[pool.grid] %s: %v", name, err)
		}
		if len(values) == 0 {
			return nil, fail("[pool.grid] %s: no values", name)
		}
		axes[i] = values
		if total > MaxGrid*1000/len(values) {
			total = math.MaxInt32
		} else {
			total *= len(values)
		}
	}
	if total > MaxGrid && !allowLarge {
		return nil, fail("[pool.grid] makes %s jobs, more than %d: pass --allow-large if that is meant", countText(total), MaxGrid)
	}
	p := &Pool{Source: source, Columns: columns}
	p.rows = make([]Job, total)
	p.lines = make([]int32, total)
	slab := make([]string, total*len(columns))
	for i := range total {
		values := slab[i*len(columns) : (i+1)*len(columns) : (i+1)*len(columns)]
		rest := i
		for k := len(axes) - 1; k >= 0; k-- {
			values[k] = axes[k][rest%len(axes[k])]
			rest /= len(axes[k])
		}
		p.rows[i] = Job{Values: values}
	}
	if err := p.finish(false); err != nil {
		return nil, fail("%v", err)
	}
	return p, nil
}

func countText(n int) string {
	if n >= math.MaxInt32 {
		return "over " + strconv.Itoa(MaxGrid*1000)
	}
	return strconv.Itoa(n)
}

// gridAxis reads one grid key: a list of values or an integer range.
func gridAxis(v any) ([]string, error) {
	switch v := v.(type) {
	case []any:
		values := make([]string, len(v))
		for i, x := range v {
			s, err := FormatValue(x)
			if err != nil {
				return nil, err
			}
			values[i] = s
		}
		return values, nil
	case map[string]any:
		return gridRange(v)
	}
	return nil, fmt.Errorf("want a list of values or {from = 1, to = 10, step = 1}, got %v", v)
}

func gridRange(r map[string]any) ([]string, error) {
	for key := range r {
		if key != "from" && key != "to" && key != "step" {
			return nil, fmt.Errorf("unknown range key %q: want from, to and step", key)
		}
	}
	from, okFrom := r["from"].(int64)
	to, okTo := r["to"].(int64)
	step, okStep := r["step"].(int64)
	if _, given := r["step"]; !given {
		step, okStep = 1, true
	}
	if !okFrom || !okTo || !okStep {
		return nil, fmt.Errorf("a range needs whole numbers: {from = 1, to = 10, step = 1}")
	}
	if step <= 0 || to < from {
		return nil, fmt.Errorf("a range needs from <= to and step >= 1, got from=%d to=%d step=%d", from, to, step)
	}
	count := uint64(to-from)/uint64(step) + 1
	if count > MaxGrid*1000 {
		return nil, fmt.Errorf("range has %d values", count)
	}
	values := make([]string, 0, count)
	for i := range count {
		values = append(values, strconv.FormatInt(from+int64(i)*step, 10))
	}
	return values, nil
}

// FormatValue is the text a TOML value takes in a template, an environment
// variable and the digest: integers in decimal, floats as written (with .0
// when whole), datetimes in RFC 3339, tables and arrays as compact JSON.
func FormatValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("value %v is not a finite number", v)
		}
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s, nil
	case bool:
		return strconv.FormatBool(v), nil
	case time.Time:
		return v.Format(time.RFC3339Nano), nil
	}
	return formatJSON(v)
}
