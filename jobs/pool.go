package jobs

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/zeebo/blake3"
)

// Job is one job of the pool.
type Job struct {
	ID string
	// Values are the job's parameters, aligned with Pool.Columns.
	Values []string
}

// Pool is the set of jobs of a sweep, sorted by id.
type Pool struct {
	// Source names where the jobs came from, for messages.
	Source string
	// Columns are the parameter names, in the order the source gave them.
	Columns []string
	rows    []Job
	// lines holds each row's source line while the pool is checked.
	lines []int32
}

// Len is the number of jobs.
func (p *Pool) Len() int { return len(p.rows) }

// Job returns the i-th job in id order.
func (p *Pool) Job(i int) Job { return p.rows[i] }

// Index returns the position of the job with the given id, or -1.
func (p *Pool) Index(id string) int {
	i, found := slices.BinarySearchFunc(p.rows, id, func(j Job, id string) int { return strings.Compare(j.ID, id) })
	if !found {
		return -1
	}
	return i
}

// Value returns job i's value of the named column, and whether it exists.
func (p *Pool) Value(i int, column string) (string, bool) {
	k := slices.Index(p.Columns, column)
	if k < 0 {
		return "", false
	}
	return p.rows[i].Values[k], true
}

// reservedColumns are names a pool column cannot take: they are result
// columns or template placeholders of jobsplit's own.
var reservedColumns = map[string]bool{
	"job_id": true, "machine": true, "status": true, "exit_code": true, "attempt": true,
	"started_at": true, "duration_s": true, "digest": true, "seed": true,
}

// checkColumn reports a column name that cannot name a parameter.
func checkColumn(name string) error {
	if name == "" {
		return fmt.Errorf("empty column name")
	}
	if reservedColumns[name] {
		return fmt.Errorf("column %q is reserved by jobsplit: rename it", name)
	}
	for _, r := range name {
		if !(r == '_' || r == '-' || r == '.' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return fmt.Errorf("column %q: names may hold only ASCII letters, digits, '_', '-' and '.'", name)
		}
	}
	return nil
}

// checkID reports a job id that cannot name a file: ids become log file
// names, so they must not escape the logs directory.
func checkID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("empty job id")
	case strings.Contains(id, ".."), strings.ContainsAny(id, `/\`):
		return fmt.Errorf("job id %q must not contain a path separator or \"..\"", id)
	case len(id) > 200:
		return fmt.Errorf("job id %q is longer than 200 bytes", id[:40]+"...")
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return fmt.Errorf("job id %q must not contain control characters", id)
		}
	}
	return nil
}

// sortedColumns returns the column positions ordered by column name: the
// canonical order, so that reordering columns changes nothing.
func (p *Pool) sortedColumns() []int {
	order := make([]int, len(p.Columns))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(p.Columns[a], p.Columns[b]) })
	return order
}

// hashIDs gives every job without an id a short stable hash of its
// canonical parameters, using every core.
func (p *Pool) hashIDs() {
	order := p.sortedColumns()
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(p.rows) + workers - 1) / workers
	var wg sync.WaitGroup
	for start := 0; start < len(p.rows); start += chunk {
		rows := p.rows[start:min(start+chunk, len(p.rows))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			var sum [32]byte
			var text [16]byte
			for i := range rows {
				buf = buf[:0]
				for _, k := range order {
					buf = appendField(buf, p.Columns[k])
					buf = appendField(buf, rows[i].Values[k])
				}
				sum = blake3.Sum256(buf)
				hex.Encode(text[:], sum[:8])
				rows[i].ID = string(text[:])
			}
		}()
	}
	wg.Wait()
}

// appendField appends a length-prefixed string.
func appendField(buf []byte, s string) []byte {
	n := len(s)
	for n >= 0x80 {
		buf = append(buf, byte(n)|0x80)
		n >>= 7
	}
	buf = append(buf, byte(n))
	return append(buf, s...)
}

// finish sorts the jobs by id and refuses duplicates, naming their lines.
func (p *Pool) finish(hasID bool) error {
	if !hasID {
		p.hashIDs()
	}
	type keyed struct {
		id   string
		line int32
		row  int32
	}
	keys := make([]keyed, len(p.rows))
	for i, r := range p.rows {
		keys[i] = keyed{r.ID, p.lines[i], int32(i)}
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		return cmp.Or(strings.Compare(a.id, b.id), cmp.Compare(a.line, b.line))
	})
	var dups []string
	for i := 1; i < len(keys) && len(dups) < 5; i++ {
		if keys[i].id != keys[i-1].id {
			continue
		}
		what := fmt.Sprintf("job id %q", keys[i].id)
		if !hasID {
			what = "the same parameters"
		}
		dups = append(dups, fmt.Sprintf("lines %d and %d have %s", keys[i-1].line, keys[i].line, what))
	}
	if len(dups) > 0 {
		return fmt.Errorf("duplicate jobs: %s", strings.Join(dups, "; "))
	}
	sorted := make([]Job, len(p.rows))
	for i, k := range keys {
		sorted[i] = p.rows[k.row]
	}
	p.rows, p.lines = sorted, nil
	if len(p.rows) == 0 {
		return fmt.Errorf("no jobs: the pool is empty")
	}
	return nil
}
