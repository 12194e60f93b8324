package results

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// doneRows are the rows of a results file as ReadDone keeps them until it
// knows their jobs: the ids one after the other, and what ordering the
// attempts of a job needs of each row.
type doneRows struct {
	ids  []byte
	ends []uint32 // where row k's id ends in ids
	keys []rowKey
}

// rowKey is what Done.add needs of a row.
type rowKey struct {
	started int64 // Unix nanoseconds
	attempt int
	status  uint8 // statusCode
	// tail is how many bytes of the id follow the prefix every id of the
	// file shares, when sorting found them at most 8 (sortedRows.short).
	tail uint8
}

// add keeps a row. The ids of more than 4 GiB of rows are an error.
func (r *doneRows) add(id string, k *attemptKey) error {
	if uint64(len(r.ids))+uint64(len(id)) > math.MaxUint32 {
		return fmt.Errorf("more than %d bytes of job ids", uint64(math.MaxUint32))
	}
	r.ids = append(r.ids, id...)
	r.ends = append(r.ends, uint32(len(r.ids)))
	r.keys = append(r.keys, rowKey{started: k.started, attempt: k.attempt, status: uint8(statusCode(k.status))})
	return nil
}

// grow makes room for about n rows more, so that appending does not leave
// copies behind for the garbage collector: a million rows' worth.
func (r *doneRows) grow(n, idBytes int) {
	r.ids = slices.Grow(r.ids, idBytes)
	r.ends = slices.Grow(r.ends, n)
	r.keys = slices.Grow(r.keys, n)
}

func (r *doneRows) id(k int) []byte {
	start := uint32(0)
	if k > 0 {
		start = r.ends[k-1]
	}
	return r.ids[start:r.ends[k]]
}

// join finds the pool job of every row and takes the rows into the jobs'
// states. Looking every row's id up in a hash index of the pool costs a
// few cache misses a row, one after the other (the slot, the pool's record
// of the job, its id), which on a million rows is most of a resume. A
// pool.Pool keeps its ids in byte order, so join walks the pool beside the
// rows sorted by id (ScanDone sorted them, before the pool was known),
// reading both in order. A pool whose ids turn out not to be in order is
// indexed instead.
func (d *Done) join(pool IDSource, rows *doneRows, sorted *sortedRows) error {
	d.pool = pool
	d.status = make([]uint8, pool.Len())
	inOrder, err := d.merge(pool, rows, sorted)
	if err != nil || inOrder {
		return err
	}
	clear(d.status)
	d.n, d.Outside, d.extra = 0, 0, nil
	if d.ix, err = buildIndex(pool); err != nil {
		return err
	}
	jobs := make([]jobRows, pool.Len())
	var buf []byte
	for k := range rows.keys {
		if j, ok := d.ix.lookup(view(rows.id(k)), &buf); ok {
			jobs[j].take(&rows.keys[k])
		} else {
			d.Outside++
		}
	}
	for j := range jobs {
		if jobs[j].status != 0 {
			d.keep(j, &jobs[j])
		}
	}
	return nil
}

// sortedRows are a file's rows in the byte order of their ids, rows of
// the same id in file order.
type sortedRows struct {
	order []int32 // the rows' numbers
	// window holds, in that order, 8 bytes of each id: those after the
	// prefix all the ids share, zero padded.
	window []uint64
	prefix []byte
	// short says that no id has more than 8 bytes after the prefix: the
	// prefix, the window and the row's tail then make the id.
	short bool
}

// sortedByID sorts the rows by id. It radix-sorts 8 bytes of each id,
// those after the prefix all the ids share, then sorts runs of rows whose
// 8 bytes tie by whole id.
func (r *doneRows) sortedByID() *sortedRows {
	n := len(r.ends)
	first := r.id(0)
	common := len(first)
	for k := 1; k < n && common > 0; k++ {
		id := r.id(k)
		common = min(common, len(id))
		for i := 0; i < common; i++ {
			if id[i] != first[i] {
				common = i
				break
			}
		}
	}
	s := &sortedRows{prefix: slices.Clone(first[:common]), short: true}
	keys, order := make([]uint64, n), make([]int32, n)
	for k := range n {
		var window [8]byte
		tail := r.id(k)[common:]
		if len(tail) > len(window) {
			s.short = false
		}
		r.keys[k].tail = uint8(min(len(tail), len(window)))
		copy(window[:], tail)
		keys[k], order[k] = binary.BigEndian.Uint64(window[:]), int32(k)
	}
	s.window, s.order = radixSort(keys, order)
	for i := 0; i < n; {
		end := i + 1
		for end < n && s.window[end] == s.window[i] {
			end++
		}
		if end-i > 1 {
			slices.SortStableFunc(s.order[i:end], func(a, b int32) int { return bytes.Compare(r.id(int(a)), r.id(int(b))) })
		}
		i = end
	}
	return s
}

// radixSort sorts keys, and order with them, stably, a byte at a time
// from the lowest, skipping the bytes every key shares. The sorted slices
// are either the ones given or scratch ones of the same length.
func radixSort(keys []uint64, order []int32) ([]uint64, []int32) {
	tmpKeys, tmpOrder := make([]uint64, len(keys)), make([]int32, len(order))
	for shift := uint(0); shift < 64; shift += 8 {
		var count [257]int
		for _, k := range keys {
			count[k>>shift&0xff+1]++
		}
		if slices.Contains(count[1:], len(keys)) {
			continue
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for i, k := range keys {
			at := &count[k>>shift&0xff]
			tmpKeys[*at], tmpOrder[*at] = k, order[i]
			*at++
		}
		keys, tmpKeys = tmpKeys, keys
		order, tmpOrder = tmpOrder, order
	}
	return keys, order
}
