package results

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// Plan is the current plan as the caller computed it: the digest every row
// must carry, the pool's parameter columns and the planned jobs in plan order
// (machine shares in machines order, each share in run order), either listed
// in Jobs or, for a large plan, given one at a time by Source.
type Plan struct {
	Digest string
	Params []string
	Jobs   []PlannedJob
	// Source, when not nil, gives the planned jobs instead of Jobs, so that
	// a plan of millions of jobs is read where it already is and never copied.
	Source PlanSource
}

// PlannedJob is one job of the plan: its id, the machine it was planned on and
// its parameter values, aligned to Plan.Params.
type PlannedJob struct {
	ID      string
	Machine string
	Params  []string
}

// IDSource gives the ids of a set of jobs by their position j: a sweep's
// pool (jobs/pool.Pool is one) or a plan. Readers call AppendID for every
// row they read, from several goroutines at once, so it must be cheap and
// safe for concurrent use.
type IDSource interface {
	// Len is the number of jobs.
	Len() int
	// AppendID appends job j's id to dst and returns the extended slice.
	AppendID(dst []byte, j int) []byte
}

// PlanSource gives the jobs of a plan by their position j in plan order.
// Params is called only for the jobs written out with their parameters.
type PlanSource interface {
	IDSource
	// Machine is the machine job j is planned on.
	Machine(j int) string
	// Params returns job j's parameter values, aligned to Plan.Params.
	Params(j int) []string
}

// idScanner is an IDSource that can also give its ids in an order cheaper
// to read than by position: a plan's in the order its pool holds them,
// where reading them by plan position jumps about the pool. buildIndex
// reads them so when a source offers it.
type idScanner interface {
	// ScanLen is how many ids ScanID gives, counting any k of no job.
	ScanLen() int
	// ScanID appends the k-th id in the cheap order to dst and returns it
	// with the job's position, or dst and -1 when k is no job of the source.
	ScanID(dst []byte, k int) ([]byte, int)
}

// listedJobs is a PlanSource over Plan.Jobs.
type listedJobs []PlannedJob

func (l listedJobs) Len() int                          { return len(l) }
func (l listedJobs) AppendID(dst []byte, j int) []byte { return append(dst, l[j].ID...) }
func (l listedJobs) Machine(j int) string              { return l[j].Machine }
func (l listedJobs) Params(j int) []string             { return l[j].Params }

// source returns the plan's jobs as a PlanSource, checking listed ones.
func (p *Plan) source() (PlanSource, error) {
	if p.Source != nil {
		return p.Source, nil
	}
	for i, j := range p.Jobs {
		if j.ID == "" {
			return nil, fmt.Errorf("collect: plan job %d has an empty id", i+1)
		}
		if len(j.Params) != len(p.Params) {
			return nil, fmt.Errorf("collect: plan job %q has %d parameter values for %d columns", j.ID, len(j.Params), len(p.Params))
		}
	}
	return listedJobs(p.Jobs), nil
}

// idIndex finds a job by its id: an open-addressing hash table of
// job positions, 4 bytes a slot and at most 3/4 full, which reads ids back
// from the plan instead of holding them. A slot holds the job's position + 1
// in its low bits and, in the bits a position does not need, a tag from the
// id's hash, which skips most slots of other ids without reading their ids.
type idIndex struct {
	src     IDSource
	seed    maphash.Seed
	slots   []uint32 // 0 is an empty slot
	posBits uint     // low bits of a slot holding the position + 1
}

// buildIndex indexes the jobs of src. Its errors say what is wrong with
// src's ids; the caller names src.
func buildIndex(src IDSource) (*idIndex, error) {
	n := src.Len()
	if n > math.MaxInt32-1 {
		return nil, fmt.Errorf("has %d jobs, more than %d", n, math.MaxInt32-1)
	}
	ix := &idIndex{src: src, seed: maphash.MakeSeed(), slots: make([]uint32, n+n/3+1), posBits: uint(bits.Len(uint(n + 1)))}
	// Reading a plan's ids in plan order is a few cache misses an id, one
	// after the other: a large source is indexed by several goroutines,
	// in the order cheapest to read when the source offers one.
	workers := min(runtime.GOMAXPROCS(0), n/parallelIndex)
	if workers < 2 {
		return ix, ix.insert(0, n, false)
	}
	insert := func(lo, hi int) error { return ix.insert(lo, hi, true) }
	scan := n
	if sc, ok := src.(idScanner); ok {
		insert = func(lo, hi int) error { return ix.insertScanned(sc, lo, hi) }
		scan = sc.ScanLen()
	}
	var wg sync.WaitGroup
	var failed atomic.Bool
	for w := range workers {
		wg.Go(func() {
			if insert(scan*w/workers, scan*(w+1)/workers) != nil {
				failed.Store(true)
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		// Which of several bad ids a parallel build meets first is
		// chance: the error is the one a build in order meets.
		clear(ix.slots)
		return nil, ix.insert(0, n, false)
	}
	return ix, nil
}

// parallelIndex is how many jobs a goroutine of buildIndex takes at least.
const parallelIndex = 1 << 16

// insert indexes the jobs from lo to hi. With shared set, other goroutines
// insert at the same time: slots are claimed with compare-and-swap, and a
// slot lost to another is looked at again, so that a duplicate id is
// found whichever goroutine comes second.
func (ix *idIndex) insert(lo, hi int, shared bool) error {
	var id, other []byte
	for j := lo; j < hi; j++ {
		id = ix.src.AppendID(id[:0], j)
		if err := ix.put(id, j, shared, &other); err != nil {
			return err
		}
	}
	return nil
}

// insertScanned indexes the ids from lo to hi in sc's cheap order, shared
// with other goroutines as insert is. Each id's slot is a cache miss: the
// slots of a batch of ids are read first, in a loop whose misses overlap.
func (ix *idIndex) insertScanned(sc idScanner, lo, hi int) error {
	const batch = 64
	var ids, other []byte
	var ends, pos [batch]int
	var hs [batch]uint64
	for k := lo; k < hi; {
		ids = ids[:0]
		n := 0
		for ; k < hi && n < batch; k++ {
			var j int
			if ids, j = sc.ScanID(ids, k); j >= 0 {
				ends[n], pos[n] = len(ids), j
				n++
			}
		}
		start := 0
		for b := range n {
			hs[b] = maphash.Bytes(ix.seed, ids[start:ends[b]])
			atomic.LoadUint32(&ix.slots[ix.home(hs[b])])
			start = ends[b]
		}
		start = 0
		for b := range n {
			if err := ix.putHashed(ids[start:ends[b]], hs[b], pos[b], true, &other); err != nil {
				return err
			}
			start = ends[b]
		}
	}
	return nil
}

// put indexes job j, whose id is id; other is scratch space.
func (ix *idIndex) put(id []byte, j int, shared bool, other *[]byte) error {
	return ix.putHashed(id, maphash.Bytes(ix.seed, id), j, shared, other)
}

// putHashed is put for an id whose hash is h.
func (ix *idIndex) putHashed(id []byte, h uint64, j int, shared bool, other *[]byte) error {
	if len(id) == 0 {
		return fmt.Errorf("job %d has an empty id", j+1)
	}
	s, tag, mine := ix.home(h), ix.tag(h), ix.tag(h)|uint32(j+1)
	for {
		var v uint32
		if shared {
			v = atomic.LoadUint32(&ix.slots[s])
		} else {
			v = ix.slots[s]
		}
		if v == 0 {
			if !shared {
				ix.slots[s] = mine
				return nil
			}
			if atomic.CompareAndSwapUint32(&ix.slots[s], 0, mine) {
				return nil
			}
			v = atomic.LoadUint32(&ix.slots[s])
		}
		if v&^ix.posMask() == tag {
			if *other = ix.src.AppendID((*other)[:0], int(v&ix.posMask())-1); bytes.Equal(id, *other) {
				return fmt.Errorf("has job id %q twice", id)
			}
		}
		s = ix.step(s)
	}
}

func (ix *idIndex) posMask() uint32 { return 1<<ix.posBits - 1 }

// tag is the hash's low bits (the slot comes from its high bits), placed
// above the position bits.
func (ix *idIndex) tag(h uint64) uint32 {
	if ix.posBits >= 32 {
		return 0
	}
	return uint32(h) << ix.posBits
}

func (ix *idIndex) pos(s int) int { return int(ix.slots[s]&ix.posMask()) - 1 }

func (ix *idIndex) home(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(ix.slots)))
	return int(hi)
}

func (ix *idIndex) step(s int) int {
	if s++; s == len(ix.slots) {
		return 0
	}
	return s
}

// lookup returns the position of the job with the given id. buf is the
// caller's scratch space, so that lookups run in parallel without allocating.
func (ix *idIndex) lookup(id string, buf *[]byte) (int32, bool) {
	h := maphash.String(ix.seed, id)
	tag := ix.tag(h)
	for s := ix.home(h); ix.slots[s] != 0; s = ix.step(s) {
		if ix.slots[s]&^ix.posMask() != tag {
			continue
		}
		j := ix.pos(s)
		if *buf = ix.src.AppendID((*buf)[:0], j); string(*buf) == id {
			return int32(j), true
		}
	}
	return 0, false
}

// mayBe reports whether id may be job j's, without reading j's id: false
// means it is not; true, that it is but for a hash collision, which a tag
// makes rare. It checks rows read back from a file that should not have
// changed since.
func (ix *idIndex) mayBe(id string, j int) bool {
	h := maphash.String(ix.seed, id)
	want := ix.tag(h) | uint32(j+1)
	for s := ix.home(h); ix.slots[s] != 0; s = ix.step(s) {
		if ix.slots[s] == want {
			return true
		}
	}
	return false
}
