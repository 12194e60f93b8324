package results

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// merge walks the pool in order beside the rows in the order of their
// ids, taking each row into its job's state. It returns false, having
// taken rows into wrong jobs maybe, when the pool's ids are not in
// increasing byte order; it then has read them all, so that no id out of
// order is missed. A large pool is walked in parts at once, each part
// from the first row of its first job on: reading the pool's ids is most
// of a merge.
func (d *Done) merge(pool IDSource, rows *doneRows, sorted *sortedRows) (inOrder bool, err error) {
	n := pool.Len()
	parts := make([]mergePart, max(min(runtime.GOMAXPROCS(0), n/parallelMerge), 1))
	var id []byte
	for w := range parts {
		p := &parts[w]
		p.lo, p.hi, p.to = n*w/len(parts), n*(w+1)/len(parts), len(sorted.order)
		if w > 0 {
			id = pool.AppendID(id[:0], p.lo)
			p.from = sort.Search(len(sorted.order), func(i int) bool { return bytes.Compare(rows.id(int(sorted.order[i])), id) >= 0 })
			parts[w-1].to = p.from
			if p.from < parts[w-1].from {
				// The pool's ids are not in order: let one walk say so, or
				// find an empty id first, as it would.
				parts = []mergePart{{hi: n, to: len(sorted.order)}}
				break
			}
		}
	}
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() { parts[w].walk(pool, rows, sorted, d.status) })
	}
	wg.Wait()
	// The first part that failed says what one walk would have said.
	for _, p := range parts {
		if p.err != nil || !p.inOrder {
			return false, p.err
		}
	}
	for _, p := range parts {
		d.n += p.n
		d.Outside += p.outside
		d.extra = append(d.extra, p.extra...)
	}
	return true, nil
}

// parallelMerge is how many jobs of the pool a part of merge takes at
// least.
const parallelMerge = 1 << 16

// mergePart is a part of a merge: the pool's jobs lo to hi beside the
// sorted rows from to to, and what their walk found.
type mergePart struct {
	lo, hi, from, to int
	n, outside       int
	extra            []jobExtra
	inOrder          bool
	err              error
}

// walk takes the part's rows into the states of the part's jobs, writing
// those jobs' bytes of status.
func (p *mergePart) walk(pool IDSource, rows *doneRows, sorted *sortedRows, status []uint8) {
	var cur, prev []byte
	if p.lo > 0 {
		prev = pool.AppendID(prev, p.lo-1)
	}
	var block sortedBlock
	at, next := p.from, 0 // block holds the sorted rows from at on; next is in block
	var job jobRows
	for j := p.lo; j < p.hi; j++ {
		cur = pool.AppendID(cur[:0], j)
		if len(cur) == 0 {
			p.err = fmt.Errorf("job %d has an empty id", j+1)
			return
		}
		if j > 0 && bytes.Compare(prev, cur) >= 0 {
			return
		}
		for {
			if next == block.len() {
				at += block.len()
				block.fill(rows, sorted, at, p.to)
				next = 0
				if block.len() == 0 {
					break
				}
			}
			c := bytes.Compare(block.id(next), cur)
			if c > 0 {
				break
			}
			if c == 0 {
				job.take(&block.keys[next])
			} else {
				p.outside++
			}
			next++
		}
		if job.status != 0 {
			p.n++
			status[j] = job.status
			if job.attempts != 1 || job.last != 1 {
				p.extra = append(p.extra, jobExtra{pos: int32(j), attempts: uint32(job.attempts), last: int64(job.last)})
			}
			job = jobRows{}
		}
		prev, cur = cur, prev
	}
	p.outside += p.to - at - next
	p.inOrder = true
}

// sortedBlock holds the next rows in the order of their ids. Reading rows
// in that order jumps about in memory, a cache miss a row, one after the
// other; copying a block of them over in a loop of independent loads lets
// the misses overlap, and the merge then reads the block in order.
type sortedBlock struct {
	doneRows
}

const blockRows = 1024

// fill takes the sorted rows from on, up to to and at most blockRows of
// them, into the block. Short ids are made of the shared prefix and the
// sorted windows, without reading the ids themselves.
func (b *sortedBlock) fill(rows *doneRows, sorted *sortedRows, from, to int) {
	order := sorted.order[from:to]
	n := min(len(order), blockRows)
	b.ids, b.ends, b.keys = b.ids[:0], slices.Grow(b.ends[:0], n)[:n], slices.Grow(b.keys[:0], n)[:n]
	for i, k := range order[:n] {
		b.keys[i] = rows.keys[k]
	}
	if !sorted.short {
		for i, k := range order[:n] {
			b.ids = append(b.ids, rows.id(int(k))...)
			b.ends[i] = uint32(len(b.ids))
		}
		return
	}
	for i, w := range sorted.window[from : from+n] {
		b.ids = append(b.ids, sorted.prefix...)
		end := len(b.ids) + int(b.keys[i].tail)
		b.ids = binary.BigEndian.AppendUint64(b.ids, w)[:end]
		b.ends[i] = uint32(end)
	}
}

func (b *sortedBlock) len() int { return len(b.keys) }
