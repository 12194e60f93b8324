package results

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
// it first when the rows before followed plan order.
func (w *worker) find(id string) (int32, bool) {
	g, src := &w.guess, w.c.src
	if g.streak >= guessAfter && g.next < src.Len() {
		if g.next < g.lo || g.next >= g.lo+len(g.ends) {
			g.fill(src, g.next)
		}
		if string(g.id(g.next-g.lo)) == id {
			g.next++
			return int32(g.next - 1), true
		}
		g.streak = 0
	}
	j, ok := w.c.ix.lookup(id, &w.id)
	if !ok {
		return 0, false
	}
	if int(j) == g.next {
		g.streak++
	} else {
		g.streak = 0
	}
	g.next = int(j) + 1
	return j, true
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
