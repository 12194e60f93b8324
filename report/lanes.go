package report

import (
	"cmp"
	"slices"
)

// sortAttempts puts the attempts in machine and start order, which the
// lanes need, and drops an attempt read twice (the same host's file copied
// into two folders) with a warning.
func (r *Report) sortAttempts() {
	a := &r.att
	order := make([]int32, a.len())
	for i := range order {
		order[i] = int32(i)
	}
	key := func(x, y int32) int {
		return cmp.Or(cmp.Compare(a.machine[x], a.machine[y]), cmp.Compare(a.start[x], a.start[y]),
			cmp.Compare(a.end(int(x)), a.end(int(y))), cmp.Compare(a.job[x], a.job[y]),
			cmp.Compare(a.attempt[x], a.attempt[y]), cmp.Compare(a.status[x], a.status[y]))
	}
	slices.SortFunc(order, func(x, y int32) int { return cmp.Or(key(x, y), cmp.Compare(x, y)) })
	kept := order[:0]
	for k, i := range order {
		if k > 0 && key(order[k-1], i) == 0 && a.job[i] >= 0 {
			continue
		}
		kept = append(kept, i)
	}
	if dups := a.len() - len(kept); dups > 0 {
		r.warn("%d rows were read twice (the same attempt in two files) and count once", dups)
	}
	r.att = a.pick(kept)
}

// pick returns the attempts at the given indices, in that order.
func (a *attempts) pick(at []int32) attempts {
	n := len(at)
	p := attempts{job: make([]int32, n), machine: make([]int32, n), status: make([]uint8, n),
		exit: make([]int32, n), attempt: make([]int32, n), start: make([]int64, n), dur: make([]int64, n),
		moved: make([]int32, n)}
	for k, i := range at {
		p.job[k], p.machine[k], p.status[k], p.exit[k] = a.job[i], a.machine[i], a.status[i], a.exit[i]
		p.attempt[k], p.start[k], p.dur[k], p.moved[k] = a.attempt[i], a.start[i], a.dur[i], a.moved[i]
	}
	return p
}

// assignLanes rebuilds each machine's worker slots from start and end
// times: attempts in start order (see sortAttempts), each on the lowest
// lane free at its start.
func (r *Report) assignLanes() {
	a := &r.att
	r.lane = make([]int32, a.len())
	lanes := make([]int, len(r.machineNames))
	free := minHeap[int32]{less: func(a, b int32) bool { return a < b }}
	busy := minHeap[laneEnd]{less: func(a, b laneEnd) bool { return a.end < b.end }}
	for i := range a.len() {
		m := a.machine[i]
		if i == 0 || a.machine[i-1] != m {
			free.reset()
			busy.reset()
		}
		for busy.len() > 0 && busy.top().end <= a.start[i] {
			free.push(busy.pop().lane)
		}
		var lane int32
		if free.len() > 0 {
			lane = free.pop()
		} else {
			lane = int32(lanes[m])
			lanes[m]++
		}
		r.lane[i] = lane
		busy.push(laneEnd{end: a.end(i), lane: lane})
	}
	r.laneBase = make([]int, len(lanes)+1)
	for m, n := range lanes {
		r.laneBase[m+1] = r.laneBase[m] + n
	}
}

// laneEnd is a busy lane and when its attempt ends.
type laneEnd struct {
	end  int64
	lane int32
}

// minHeap is a binary min-heap ordered by less: the free lanes by number,
// the busy ones by end time.
type minHeap[T any] struct {
	items []T
	less  func(a, b T) bool
}

func (h *minHeap[T]) len() int { return len(h.items) }

func (h *minHeap[T]) top() T { return h.items[0] }

func (h *minHeap[T]) reset() { h.items = h.items[:0] }

func (h *minHeap[T]) push(v T) {
	h.items = append(h.items, v)
	s := h.items
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(s[i], s[p]) {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *minHeap[T]) pop() T {
	s := h.items
	top := s[0]
	s[0] = s[len(s)-1]
	s = s[:len(s)-1]
	h.items = s
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < len(s) && h.less(s[l], s[small]) {
			small = l
		}
		if l+1 < len(s) && h.less(s[l+1], s[small]) {
			small = l + 1
		}
		if small == i {
			return top
		}
		s[i], s[small] = s[small], s[i]
		i = small
	}
}
