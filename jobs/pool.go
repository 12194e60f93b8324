package jobs

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/zeebo/blake3"

	"github.com/jobsplit/jobsplit/split"
)

// Job is one job of the pool.
type Job struct {
	ID string
	// Values are the job's parameters, aligned with Pool.Columns.
	Values []string
}

// Pool is the set of jobs of a sweep, sorted by id. It keeps the source
// text once and refers to each job's row in it, so that a pool of millions
// of rows costs little more memory than its file.
type Pool struct {
	// Source names where the jobs came from, for messages.
	Source string
	// Columns are the parameter names, in the order the source gave them.
	Columns []string
	// Parent is the digest of the sweep this pool re-plans, from a
	// "# jobsplit: re-plan of digest" line written by collect-results
	// --missing; "" for an ordinary pool.
	Parent string

	kind     poolKind
	text     string
	idColumn int        // CSV column holding the id, or -1
	axes     [][]string // grid values per column
	refs     []rowRef   // in id order
	sorted   []int      // column positions in name order
}

type poolKind uint8

const (
	csvPool poolKind = iota
	linesPool
	gridPool
)

// rowRef is one job: its id (text, or a hash key) and where its row is.
type rowRef struct {
	key uint64 // the hashed id, when the pool has no id column
	id  string // the id column's value
	// at is the row's offset in the text, or its index in a grid.
	at uint32
}

// Len is the number of jobs.
func (p *Pool) Len() int { return len(p.refs) }

// hashed reports whether ids are hashes of the parameters.
func (p *Pool) hashed() bool { return p.idColumn < 0 }

// ID returns the id of the i-th job in id order.
func (p *Pool) ID(i int) string {
	if p.hashed() {
		var text [16]byte
		return string(appendKey(text[:0], p.refs[i].key))
	}
	return p.refs[i].id
}

// appendKey appends a hashed id: 16 hex digits.
func appendKey(dst []byte, key uint64) []byte {
	var raw [8]byte
	binary.BigEndian.PutUint64(raw[:], key)
	return hex.AppendEncode(dst, raw[:])
}

// Job returns the i-th job in id order.
func (p *Pool) Job(i int) Job {
	values, _ := p.fields(p.refs[i], make([]string, 0, len(p.Columns)+1))
	if p.idColumn >= 0 {
		values = slices.Delete(values, p.idColumn, p.idColumn+1)
	}
	return Job{ID: p.ID(i), Values: values}
}

// fields appends a row's raw fields (with the id column, if any) to dst.
func (p *Pool) fields(ref rowRef, dst []string) ([]string, error) {
	switch p.kind {
	case gridPool:
		rest, n := int(ref.at), len(dst)
		dst = slices.Grow(dst, len(p.axes))[:n+len(p.axes)]
		for k := len(p.axes) - 1; k >= 0; k-- {
			dst[n+k] = p.axes[k][rest%len(p.axes[k])]
			rest /= len(p.axes[k])
		}
		return dst, nil
	case linesPool:
		line := p.text[ref.at:]
		if nl := strings.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		return append(dst, strings.TrimSuffix(line, "\r")), nil
	}
	sc := csvScanner{text: p.text, pos: int(ref.at)}
	record, _, quoted, err, _ := sc.next()
	if err != nil {
		return dst, err
	}
	return splitRecord(dst, record, quoted)
}

// Index returns the position of the job with the given id, or -1.
func (p *Pool) Index(id string) int {
	var i int
	var found bool
	if p.hashed() {
		key, ok := parseKey(id)
		if !ok {
			return -1
		}
		i, found = slices.BinarySearchFunc(p.refs, key, func(r rowRef, k uint64) int { return cmp.Compare(r.key, k) })
	} else {
		i, found = slices.BinarySearchFunc(p.refs, id, func(r rowRef, id string) int { return strings.Compare(r.id, id) })
	}
	if !found {
		return -1
	}
	return i
}

func parseKey(id string) (uint64, bool) {
	var raw [8]byte
	if len(id) != 16 {
		return 0, false
	}
	if _, err := hex.Decode(raw[:], []byte(id)); err != nil || strings.ToLower(id) != id {
		return 0, false
	}
	return binary.BigEndian.Uint64(raw[:]), true
}

// Value returns job i's value of the named column, and whether it exists.
func (p *Pool) Value(i int, column string) (string, bool) {
	k := slices.Index(p.Columns, column)
	if k < 0 {
		return "", false
	}
	return p.Job(i).Values[k], true
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

// rowProblem is a bad row found while checking the pool.
type rowProblem struct {
	ref int
	err error
}

// finish checks every row, hashes the ids of a pool without an id column
// (on every core), sorts the jobs by id and refuses duplicates.
func (p *Pool) finish(lineOf func(rowRef) int) error {
	if len(p.refs) == 0 {
		return &PoolError{File: p.Source, Problem: "no jobs: the pool is empty"}
	}
	p.sorted = p.sortedColumns()
	width := len(p.Columns)
	if p.idColumn >= 0 {
		width++
	}
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(p.refs) + workers - 1) / workers
	problems := make([]*rowProblem, workers)
	var wg sync.WaitGroup
	for w := 0; w*chunk < len(p.refs); w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(p.refs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			problems[w] = p.checkRows(lo, hi, width)
		}()
	}
	wg.Wait()
	for _, prob := range problems {
		if prob != nil {
			return &PoolError{File: p.Source, Line: lineOf(p.refs[prob.ref]), Problem: prob.err.Error()}
		}
	}
	if p.hashed() {
		slices.SortFunc(p.refs, func(a, b rowRef) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.at, b.at)) })
	} else {
		slices.SortFunc(p.refs, func(a, b rowRef) int { return cmp.Or(strings.Compare(a.id, b.id), cmp.Compare(a.at, b.at)) })
	}
	var dups []string
	for i := 1; i < len(p.refs) && len(dups) < 5; i++ {
		a, b := p.refs[i-1], p.refs[i]
		if a.key != b.key || a.id != b.id {
			continue
		}
		what := fmt.Sprintf("job id %q", a.id)
		if p.hashed() {
			what = "the same parameters"
		}
		noun := "lines"
		if p.kind == gridPool {
			noun = "grid rows"
		}
		dups = append(dups, fmt.Sprintf("%s %d and %d have %s", noun, lineOf(a), lineOf(b), what))
	}
	if len(dups) > 0 {
		return &PoolError{File: p.Source, Problem: "duplicate jobs: " + strings.Join(dups, "; ")}
	}
	return nil
}

// checkRows checks rows lo..hi and hashes their ids; it returns the first
// problem.
func (p *Pool) checkRows(lo, hi, width int) *rowProblem {
	var fields []string
	var buf []byte
	for i := lo; i < hi; i++ {
		ref := &p.refs[i]
		var err error
		if fields, err = p.fields(*ref, fields[:0]); err != nil {
			return &rowProblem{i, err}
		}
		if len(fields) != width {
			return &rowProblem{i, errFieldCount}
		}
		if p.idColumn >= 0 {
			if err := checkID(fields[p.idColumn]); err != nil {
				return &rowProblem{i, err}
			}
			ref.id = fields[p.idColumn]
			continue
		}
		buf = buf[:0]
		for _, k := range p.sorted {
			buf = appendField(buf, p.Columns[k])
			buf = appendField(buf, fields[k])
		}
		sum := blake3.Sum256(buf)
		ref.key = binary.BigEndian.Uint64(sum[:8])
	}
	return nil
}

// fieldOf maps a column position to its position among a row's fields,
// which include the id column.
func (p *Pool) fieldOf(column int) int {
	if p.idColumn >= 0 && column >= p.idColumn {
		return column + 1
	}
	return column
}

// writeDigest writes the jobs in id order, each its id and its values with
// the columns in name order, after the column names.
func (p *Pool) writeDigest(d *split.Digester) {
	d.String("jobs")
	d.Uint(uint64(len(p.sorted)))
	for _, k := range p.sorted {
		d.String(p.Columns[k])
	}
	d.Uint(uint64(len(p.refs)))
	var fields []string
	var id [16]byte
	for _, ref := range p.refs {
		if p.hashed() {
			d.Bytes(appendKey(id[:0], ref.key))
		} else {
			d.String(ref.id)
		}
		fields, _ = p.fields(ref, fields[:0])
		for _, k := range p.sorted {
			d.String(fields[p.fieldOf(k)])
		}
	}
}
