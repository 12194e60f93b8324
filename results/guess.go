package results

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// A host writes its rows in the order it ran its share, which is plan
// order, so the row after job j's is most often job j+1's. Finding a row's
// job through the id index costs a few cache misses one after the other
// (the slot, then the plan's record of the job, then its id); checking the
// guess against ids of the plan copied ahead in a block costs none, as
// copying a block of consecutive ids in one loop lets their misses overlap.
// A guess that fails falls back to the index, so rows in any order still
// find their jobs, at the price of one comparison.

// guessAfter is how many rows in a row must have followed each other in
// plan order before the next are guessed: rows in no order never pay for
// a block.
const guessAfter = 2

// guessBlock is how many plan ids a block holds.
const guessBlock = 256

// guess is one reader's guess of the next row's job and the block of plan
// ids it checks the guess against.
type guess struct {
	next   int // the position guessed for the next row
	streak int // rows in a row that were the job after the one before
	lo     int // plan position of the block's first id
	ids    []byte
	ends   []int // where the block's k-th id ends in ids
}

// find returns the plan position of the job with the given id, guessing
// it first when the rows before followed plan order, or while the plan has
// no index yet: the job after the row before's, the row before's again (a
// retry), or the first job of the row's machine. Only a row no guess finds builds the index.
func (w *worker) find(id, machine string) (int32, bool, error) {
	g, c := &w.guess, w.c
	lazy := c.ix.built() == nil
	if g.streak >= guessAfter || lazy {
		if w.guessIs(g.next, id) {
			g.next++
			return int32(g.next - 1), true, nil
		}
		if w.guessIs(g.next-1, id) { // a retry's row follows the attempt before
			return int32(g.next - 1), true, nil
		}
		if start, ok := c.starts[machine]; lazy && ok && start != g.next && w.guessIs(start, id) {
			g.next, g.streak = start+1, 1
			return int32(start), true, nil
		}
		g.streak = 0
	}
	ix, err := c.ix.get()
	if err != nil {
		return 0, false, err
	}
	j, ok := ix.lookup(id, &w.id)
	if !ok {
		return 0, false, nil
	}
	if int(j) == g.next {
		g.streak++
	} else {
		g.streak = 0
	}
	g.next = int(j) + 1
	return j, true, nil
}

// guessIs reports whether id is the id of the plan's job j.
func (w *worker) guessIs(j int, id string) bool {
	g, src := &w.guess, w.c.src
	if j < 0 || j >= src.Len() {
		return false
	}
	if j < g.lo || j >= g.lo+len(g.ends) {
		g.fill(src, j)
	}
	return string(g.id(j-g.lo)) == id
}

// idsAppender is an IDSource that reads the ids of many positions at
// once faster than one at a time (a plan over a pool does).
type idsAppender interface {
	// AppendIDs appends the ids of the jobs from position lo to hi to dst,
	// appending to ends where each id ends in dst.
	AppendIDs(dst []byte, ends []int, lo, hi int) ([]byte, []int)
}

// fill copies the ids of the plan's jobs from position lo on.
func (g *guess) fill(src IDSource, lo int) {
	g.lo, g.ids, g.ends = lo, g.ids[:0], g.ends[:0]
	if a, ok := src.(idsAppender); ok {
		g.ids, g.ends = a.AppendIDs(g.ids, g.ends, lo, min(lo+guessBlock, src.Len()))
		return
	}
	for j := lo; j < min(lo+guessBlock, src.Len()); j++ {
		g.ids = src.AppendID(g.ids, j)
		g.ends = append(g.ends, len(g.ids))
	}
}

func (g *guess) id(k int) []byte {
	start := 0
	if k > 0 {
		start = g.ends[k-1]
	}
	return g.ids[start:g.ends[k]]
}

// machineStarts finds the plan position of each machine's first job. Plan
// order keeps a machine's jobs together: each run's end is found by
// doubling steps, then halving them, a few dozen Machine calls a machine.
func machineStarts(src PlanSource) map[string]int {
	starts := make(map[string]int)
	n := src.Len()
	for j := 0; j < n; {
		m := src.Machine(j)
		if _, ok := starts[m]; !ok {
			starts[m] = j
		}
		step := 1
		for j+step < n && src.Machine(j+step) == m {
			step *= 2
		}
		lo, hi := j+step/2, min(j+step, n) // Machine(lo) is m; the run ends by hi
		for hi-lo > 1 {
			if mid := (lo + hi) / 2; src.Machine(mid) == m {
				lo = mid
			} else {
				hi = mid
			}
		}
		j = hi
	}
	return starts
}

// lazyIndex is the plan's id index, built when a row first needs it: the
// rows of hosts that ran their shares in plan order are all guessed.
type lazyIndex struct {
	src  IDSource
	once sync.Once
	ix   atomic.Pointer[idIndex]
	err  error
}

// get returns the index, building it on the first call.
func (l *lazyIndex) get() (*idIndex, error) {
	l.once.Do(func() {
		ix, err := buildIndex(l.src)
		if err != nil {
			l.err = fmt.Errorf("collect: plan %w", err)
			return
		}
		l.ix.Store(ix)
	})
	return l.ix.Load(), l.err
}

// built returns the index if it has been built, else nil.
func (l *lazyIndex) built() *idIndex { return l.ix.Load() }
