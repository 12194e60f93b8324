package resources

import (
	"fmt"
	"slices"

	"github.com/jobsplit/jobsplit/internal/minheap"
)

// Item is a job waiting to run on this machine.
type Item struct {
	// Job is the caller's own handle: an index into the share.
	Job int
	// Kind indexes the needs the queue was made with: jobs of one kind
	// need the same, so one that does not fit stands for all behind it.
	Kind     int
	Priority int64
}

// Queue orders the waiting jobs of one machine and starts whichever fit:
// higher priority first, then the order pushed (plan order). A job that
// does not fit yet does not hold back narrower ones behind it, but only a
// bounded number of times: once the head of the queue has been passed
// over bound times, room is reserved for it, and a job may start only if
// it leaves what the head needs (its cores and memory) and takes none of
// the GPUs or resources the head waits for. So the head starts at the
// latest when every job that ran when it was reserved has ended.
type Queue struct {
	ledger *Ledger
	kinds  []Needs
	bound  int
	// waiting holds one heap per kind.
	waiting []minheap.Heap[queued]
	pushed  int
	// headSeq is the head's push number, passes how often it was passed
	// over since it became the head.
	headSeq, passes int
	count           int
	// order is kindsInOrder's list, kept for its next call.
	order []int
}

type queued struct {
	Item
	seq int
}

// NewQueue makes a queue over a ledger for jobs of the given kinds; bound
// is how many jobs may start past a waiting head before room is reserved
// for it (0 reserves at once: strict order). A kind that does not fit the
// machine alone would wait forever, so it is an error.
func NewQueue(l *Ledger, kinds []Needs, bound int) (*Queue, error) {
	for _, n := range kinds {
		if !l.capacity.Fits(n) {
			return nil, fmt.Errorf("a job needing %s cannot run on this machine", n)
		}
	}
	waiting := make([]minheap.Heap[queued], len(kinds))
	for k := range waiting {
		waiting[k] = minheap.New(before)
	}
	return &Queue{ledger: l, kinds: kinds, bound: max(bound, 0), waiting: waiting, headSeq: -1}, nil
}

// Len is how many jobs wait.
func (q *Queue) Len() int { return q.count }

// Push adds a waiting job; jobs of equal priority start in push order.
func (q *Queue) Push(it Item) {
	q.waiting[it.Kind].Push(queued{Item: it, seq: q.pushed})
	q.pushed++
	q.count++
}

// Next starts the next job that may start now: it takes the job's needs
// from the ledger and returns the job with its grant. It reports false
// when nothing may start until a grant is released. Call it until it
// does, and again after every Release.
func (q *Queue) Next() (Item, Grant, bool) {
	order := q.kindsInOrder()
	if len(order) == 0 {
		return Item{}, Grant{}, false
	}
	head := q.follow(order)
	if g, ok := q.ledger.Acquire(q.kinds[head.Kind]); ok {
		return q.pop(head.Kind), g, true
	}
	reserved := q.passes >= q.bound
	for _, k := range order[1:] {
		if reserved && !q.leavesRoom(q.kinds[k], q.kinds[head.Kind]) {
			continue
		}
		if g, ok := q.ledger.Acquire(q.kinds[k]); ok {
			q.passes++
			return q.pop(k), g, true
		}
	}
	return Item{}, Grant{}, false
}

// Head is the job at the head of the queue: the one that starts next
// when it fits, and for which room is reserved once it was passed over.
func (q *Queue) Head() (Item, bool) {
	order := q.kindsInOrder()
	if len(order) == 0 {
		return Item{}, false
	}
	return q.waiting[order[0]].Top().Item, true
}

// ReserveHead reserves room for the current head now, as if it had been
// passed over bound times: for a run loop that bounds the head's wait by
// time as well (Head tells which job waits).
func (q *Queue) ReserveHead() {
	if order := q.kindsInOrder(); len(order) > 0 {
		q.follow(order)
		q.passes = max(q.passes, q.bound)
	}
}

// Reserved reports whether room is now reserved for the head.
func (q *Queue) Reserved() bool {
	order := q.kindsInOrder()
	if len(order) == 0 {
		return false
	}
	q.follow(order)
	return q.passes >= q.bound
}

// follow returns the head of the queue (order as kindsInOrder gives it,
// not empty) and starts counting its passes afresh when it is a new one:
// a reservation is for one job and ends when that job starts.
func (q *Queue) follow(order []int) queued {
	head := q.waiting[order[0]].Top()
	if head.seq != q.headSeq {
		q.headSeq, q.passes = head.seq, 0
	}
	return head
}

func (q *Queue) pop(kind int) Item {
	q.count--
	return q.waiting[kind].Pop().Item
}

// kindsInOrder lists the kinds with waiting jobs, best first job first.
// The list is valid until the next call: it is made once per job started.
func (q *Queue) kindsInOrder() []int {
	order := q.order[:0]
	for k := range q.waiting {
		if q.waiting[k].Len() > 0 {
			order = append(order, k)
		}
	}
	if len(order) > 1 {
		slices.SortFunc(order, func(a, b int) int {
			switch ta, tb := q.waiting[a].Top(), q.waiting[b].Top(); {
			case before(ta, tb):
				return -1
			case before(tb, ta):
				return 1
			}
			return 0
		})
	}
	q.order = order
	return order
}

// leavesRoom reports whether a job needing n, started now, leaves what a
// reserved head needing head waits for: its cores and memory stay free and
// none of the GPUs or resources it needs are taken. A head needing more
// memory than the machine has starts only on an idle machine (see
// Ledger.Acquire), so nothing leaves room for it: any job started past it
// would hold it back until that job ends too.
func (q *Queue) leavesRoom(n, head Needs) bool {
	l := q.ledger
	if l.capacity.Memory > 0 && head.Memory > l.capacity.Memory {
		return false
	}
	if n.Cores > l.cores-min(head.Cores, l.capacity.Cores) {
		return false
	}
	if l.capacity.Memory > 0 && n.Memory > 0 && n.Memory > l.memory-head.Memory {
		return false
	}
	if head.GPUs > 0 && n.GPUs > 0 {
		return false
	}
	for _, a := range n.Resources {
		if head.Resource(a.Name) > 0 {
			return false
		}
	}
	return true
}

// before orders one kind's jobs: higher priority first, then push order.
func before(a, b queued) bool {
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	return a.seq < b.seq
}
