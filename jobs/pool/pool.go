package pool

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"
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
	// Parent is the digest of the sweep this pool re-plans, from the
	// parent file collect-results --missing writes beside it (see
	// ParentFile) or from the "# jobsplit: re-plan of digest" first line
	// it wrote before; "" for an ordinary pool.
	Parent string
	// ParentFile is the parent file Parent was read from, "" when none.
	ParentFile string

	kind     poolKind
	text     string
	idColumn int        // CSV column holding the id, or -1
	axes     [][]string // grid values per column
	refs     []rowRef   // in id order
	ids      []string   // the id column's values, in file order
	sorted   []int      // column positions in name order
	// content is the sum of every row's hash: what the digest covers of
	// the jobs, the same whatever the row order.
	content [4]uint64
}

type poolKind uint8

const (
	csvPool poolKind = iota
	linesPool
	gridPool
)

// rowRef is one job: its id and where its row is. It holds no pointer, so
// the garbage collector never scans the millions of them.
type rowRef struct {
	// key is the hashed id when the pool has no id column, else the
	// index of the job's id in Pool.ids.
	key uint64
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
	return p.ids[p.refs[i].key]
}

// AppendID appends the id of the i-th job in id order to dst, without
// allocating when dst has room.
func (p *Pool) AppendID(dst []byte, i int) []byte {
	if p.hashed() {
		return appendKey(dst, p.refs[i].key)
	}
	// An id in the first column, unquoted, is read from the row itself:
	// collect-results reads millions of ids in random order, and one
	// memory access fewer a job shows.
	if p.idColumn == 0 && p.kind == csvPool {
		if row := p.text[p.refs[i].at:]; row != "" && row[0] != '"' {
			// A loop over an id's few bytes, where strings.IndexAny would
			// first make its set of bytes, each call.
			end := 0
			for end < len(row) && row[end] != ',' && row[end] != '\r' && row[end] != '\n' {
				end++
			}
			return append(dst, row[:end]...)
		}
	}
	return append(dst, p.ids[p.refs[i].key]...)
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
		i, found = slices.BinarySearchFunc(p.refs, id, func(r rowRef, id string) int { return strings.Compare(p.ids[r.key], id) })
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
func checkColumn(name string) error { return CheckParamName("column", name) }

// CheckParamName reports a parameter name that cannot be one: noun is what
// the user wrote it as, a CSV "column" or a TOML "key".
func CheckParamName(noun, name string) error {
	if name == "" {
		return fmt.Errorf("empty %s name", noun)
	}
	if reservedColumns[name] {
		return fmt.Errorf("%s %q is reserved by jobsplit: rename it", noun, name)
	}
	for _, r := range name {
		if !(r == '_' || r == '-' || r == '.' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return fmt.Errorf("%s %q: names may hold only ASCII letters, digits, '_', '-' and '.'", noun, name)
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
