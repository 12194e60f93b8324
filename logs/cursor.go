package logs

import (
	"container/heap"
	"fmt"
	"os"
)

// batchBytes is the size of the record batches a cursor reads ahead; each
// cursor holds at most batchesAhead of them.
const (
	batchBytes   = 64 << 10
	batchesAhead = 3
)

// batch is a run of consecutive records of one input, copied out of the
// Reader so that the next ones can be read and parsed meanwhile.
type batch struct {
	buf      []byte
	recs     []Record // Raw points into buf
	machines []string
}

// cursor is one sorted input of the merge, a whole file or a sorted run. A
// goroutine reads, parses and filters its records ahead of the merge, so
// that the inputs are decompressed and parsed in parallel.
type cursor struct {
	r         *Reader
	filter    *filter
	fallback  string // machine of records without a machine field
	file, run int
	temp      bool // r reads a temporary run file, removed on close

	full, free   chan *batch
	quit, exited chan struct{}
	readErr      error // set before full is closed

	cur     *batch
	next    int
	rec     *Record // the current record
	machine string  // the current record's machine
	seq     int64
}

// start launches the read-ahead goroutine.
func (c *cursor) start() {
	c.full = make(chan *batch, batchesAhead)
	c.free = make(chan *batch, batchesAhead)
	c.quit, c.exited = make(chan struct{}), make(chan struct{})
	for range batchesAhead {
		c.free <- &batch{buf: make([]byte, 0, batchBytes)}
	}
	go c.readAhead()
}

func (c *cursor) readAhead() {
	defer close(c.exited)
	defer close(c.full)
	b := <-c.free
	for c.r.Next() {
		rec := &c.r.rec
		machine := rec.Machine
		if machine == "" {
			machine = c.fallback
		}
		if c.filter != nil && !c.filter.match(rec, machine) {
			continue
		}
		if len(b.recs) > 0 && len(b.buf)+len(rec.Raw) > cap(b.buf) {
			select {
			case c.full <- b:
			case <-c.quit:
				return
			}
			select {
			case b = <-c.free:
			case <-c.quit:
				return
			}
			if cap(b.buf) > 4*batchBytes {
				b.buf = make([]byte, 0, batchBytes) // let a huge record's buffer go
			}
			b.buf, b.recs, b.machines = b.buf[:0], b.recs[:0], b.machines[:0]
		}
		if len(b.buf)+len(rec.Raw) > cap(b.buf) {
			b.buf = make([]byte, 0, len(rec.Raw)) // a record larger than a batch
		}
		off := len(b.buf)
		b.buf = append(b.buf, rec.Raw...)
		r := *rec
		r.Raw = b.buf[off:len(b.buf):len(b.buf)]
		b.recs = append(b.recs, r)
		b.machines = append(b.machines, machine)
	}
	c.readErr = c.r.Err()
	if len(b.recs) > 0 {
		select {
		case c.full <- b:
		case <-c.quit:
		}
	}
}

// advance moves to the next record; the previous one stays valid until then.
func (c *cursor) advance() bool {
	for {
		if c.cur != nil && c.next < len(c.cur.recs) {
			c.rec, c.machine = &c.cur.recs[c.next], c.cur.machines[c.next]
			c.next++
			c.seq++
			return true
		}
		if c.cur != nil {
			c.free <- c.cur // never blocks: free holds every batch not in use
			c.cur = nil
		}
		b, ok := <-c.full
		if !ok {
			return false
		}
		c.cur, c.next = b, 0
	}
}

// close stops the read-ahead, closes the input and removes a temporary run.
func (c *cursor) close() {
	if c.quit != nil {
		close(c.quit)
		<-c.exited
	}
	c.r.Close()
	if c.temp {
		os.Remove(c.r.path)
	}
}

// cursorHeap orders cursors by their current record: time, machine, file,
// run, position.
type cursorHeap []*cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if c := compareKey(a.rec.Time, a.machine, b.rec.Time, b.machine); c != 0 {
		return c < 0
	}
	if a.file != b.file {
		return a.file < b.file
	}
	if a.run != b.run {
		return a.run < b.run
	}
	return a.seq < b.seq
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// mergeCursors calls emit with every record of the cursors in order. The
// caller closes the cursors.
func mergeCursors(cursors []*cursor, emit func(rec *Record, machine string) error) error {
	for _, c := range cursors {
		c.start()
	}
	h := make(cursorHeap, 0, len(cursors))
	for _, c := range cursors {
		if c.advance() {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	for len(h) > 0 {
		c := h[0]
		if err := emit(c.rec, c.machine); err != nil {
			return fmt.Errorf("write merged log: %w", err)
		}
		if c.advance() {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	for _, c := range cursors {
		if c.readErr != nil {
			return c.readErr
		}
	}
	return nil
}
