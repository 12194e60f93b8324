package pool

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/zeebo/blake3"

	"github.com/jobsplit/jobsplit/split"
)

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

// finish checks every row and hashes it, on every core and in file order
// (rows are read where they lie, which is what keeps a large pool fast),
// then sorts the jobs by id and refuses duplicates.
//
// A row's hash is blake3 over its canonical encoding: the id (when the pool
// has an id column), then each column's name and value in name order. A
// pool without an id column takes the first 8 bytes of that hash as the
// job's id. The pool's content is the sum of all row hashes modulo 2^256, a
// multiset hash: row order cannot change it, and since duplicates are
// refused every set of jobs has its own sum.
func (p *Pool) finish(lineOf func(rowRef) int) error {
	if len(p.refs) == 0 {
		return &PoolError{File: p.Source, Problem: "no jobs: the pool is empty"}
	}
	p.sorted = p.sortedColumns()
	width := len(p.Columns)
	if p.idColumn >= 0 {
		width++
		p.ids = make([]string, len(p.refs))
	}
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(p.refs) + workers - 1) / workers
	type part struct {
		problem *rowProblem
		sum     [4]uint64
	}
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for w := 0; w*chunk < len(p.refs); w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(p.refs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w].sum, parts[w].problem = p.checkRows(lo, hi, width)
		}()
	}
	wg.Wait()
	for _, part := range parts {
		if part.problem != nil {
			return &PoolError{File: p.Source, Line: lineOf(p.refs[part.problem.ref]), Problem: part.problem.err.Error()}
		}
		p.content = addSum(p.content, part.sum)
	}
	p.sortByID()
	var dups []string
	for i := 1; i < len(p.refs) && len(dups) < 5; i++ {
		a, b := p.refs[i-1], p.refs[i]
		if !p.sameID(a, b) {
			continue
		}
		what := "the same parameters"
		if !p.hashed() {
			what = fmt.Sprintf("job id %q", p.ids[a.key])
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

// checkRows checks rows lo..hi, hashes them and returns the sum of their
// hashes, or the first problem.
func (p *Pool) checkRows(lo, hi, width int) ([4]uint64, *rowProblem) {
	var fields []string
	var buf []byte
	var sum [4]uint64
	for i := lo; i < hi; i++ {
		ref := &p.refs[i]
		var err error
		if fields, err = p.fields(*ref, fields[:0]); err != nil {
			return sum, &rowProblem{i, err}
		}
		if len(fields) != width {
			return sum, &rowProblem{i, fieldCountError(len(fields), width)}
		}
		if err := p.checkValues(fields); err != nil {
			return sum, &rowProblem{i, err}
		}
		buf = buf[:0]
		if p.idColumn >= 0 {
			if err := checkID(fields[p.idColumn]); err != nil {
				return sum, &rowProblem{i, err}
			}
			p.ids[i], ref.key = fields[p.idColumn], uint64(i)
			buf = appendField(buf, p.ids[i])
		}
		for _, k := range p.sorted {
			buf = appendField(buf, p.Columns[k])
			buf = appendField(buf, fields[p.fieldOf(k)])
		}
		h := blake3.Sum256(buf)
		if p.hashed() {
			ref.key = binary.BigEndian.Uint64(h[:8])
		}
		sum = addSum(sum, [4]uint64{
			binary.LittleEndian.Uint64(h[0:]), binary.LittleEndian.Uint64(h[8:]),
			binary.LittleEndian.Uint64(h[16:]), binary.LittleEndian.Uint64(h[24:]),
		})
	}
	return sum, nil
}

// fieldCountError is a ragged row: the counts tell a missing value from a
// comma inside an unquoted value.
func fieldCountError(got, want int) error {
	noun := "fields"
	if got == 1 {
		noun = "field"
	}
	return fmt.Errorf("row has %d %s but the header has %d", got, noun, want)
}

// addSum adds two 256-bit numbers modulo 2^256 (little-endian limbs).
func addSum(a, b [4]uint64) [4]uint64 {
	var carry uint64
	for i := range a {
		a[i], carry = addCarry(a[i], b[i], carry)
	}
	return a
}

func addCarry(x, y, carry uint64) (uint64, uint64) {
	sum := x + y + carry
	return sum, ((x & y) | ((x | y) &^ sum)) >> 63
}

// sortByID puts the jobs in id order, equal ids in file order (by offset)
// so that duplicates are reported by line. Hashed ids are sorted in place
// by their key a byte at a time from the top (American flag sort: no second
// copy of a large pool, and each pass's 256 buckets stay in cache); the
// top-level buckets are sorted on every core.
func (p *Pool) sortByID() {
	if !p.hashed() {
		slices.SortFunc(p.refs, func(a, b rowRef) int {
			return cmp.Or(strings.Compare(p.ids[a.key], p.ids[b.key]), cmp.Compare(a.at, b.at))
		})
		return
	}
	bounds := spreadByByte(p.refs, 56)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := w; b < 256; b += workers {
				sortByKey(p.refs[bounds[b]:bounds[b+1]], 48)
			}
		}()
	}
	wg.Wait()
}

// sortByKey sorts refs by key, then offset, starting at the byte at shift.
func sortByKey(refs []rowRef, shift uint) {
	if len(refs) <= 32 {
		insertionSort(refs)
		return
	}
	bounds := spreadByByte(refs, shift)
	for b := range 256 {
		bucket := refs[bounds[b]:bounds[b+1]]
		if shift == 0 {
			insertionSort(bucket) // equal keys: order by offset
			continue
		}
		sortByKey(bucket, shift-8)
	}
}

// spreadByByte permutes refs in place so that they are grouped by the byte
// of their key at shift, in order, and returns the 257 bucket bounds.
func spreadByByte(refs []rowRef, shift uint) [257]int {
	var start [257]int
	for _, r := range refs {
		start[int(byte(r.key>>shift))+1]++
	}
	for b := 1; b <= 256; b++ {
		start[b] += start[b-1]
	}
	next := start
	for b := range 256 {
		for next[b] < start[b+1] {
			r := refs[next[b]]
			if t := int(byte(r.key >> shift)); t != b {
				// Swap r into its own bucket; what comes back is placed next.
				refs[next[b]], refs[next[t]] = refs[next[t]], r
				next[t]++
				continue
			}
			next[b]++
		}
	}
	return start
}

// insertionSort sorts a few refs by key, then offset.
func insertionSort(refs []rowRef) {
	for i := 1; i < len(refs); i++ {
		r := refs[i]
		j := i
		for ; j > 0 && (refs[j-1].key > r.key || refs[j-1].key == r.key && refs[j-1].at > r.at); j-- {
			refs[j] = refs[j-1]
		}
		refs[j] = r
	}
}

// sameID reports whether two jobs have the same id.
func (p *Pool) sameID(a, b rowRef) bool {
	if p.hashed() {
		return a.key == b.key
	}
	return p.ids[a.key] == p.ids[b.key]
}

// fieldOf maps a column position to its position among a row's fields,
// which include the id column.
func (p *Pool) fieldOf(column int) int {
	if p.idColumn >= 0 && column >= p.idColumn {
		return column + 1
	}
	return column
}

// WriteDigest writes the pool: its columns in name order, how ids are
// made, the number of jobs and the sum of their row hashes.
func (p *Pool) WriteDigest(d *split.Digester) {
	d.String("jobs")
	d.Uint(uint64(len(p.sorted)))
	for _, k := range p.sorted {
		d.String(p.Columns[k])
	}
	if p.hashed() {
		d.String("hashed ids")
	} else {
		d.String("id column")
	}
	d.Uint(uint64(len(p.refs)))
	for _, limb := range p.content {
		d.Uint(limb)
	}
}
