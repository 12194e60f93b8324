package report

import (
	"cmp"
	"slices"

	"github.com/jobsplit/jobsplit/internal/minheap"
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
	free := minheap.New(func(a, b int32) bool { return a < b })           // by lane number
	busy := minheap.New(func(a, b laneEnd) bool { return a.end < b.end }) // by end time
	for i := range a.len() {
		m := a.machine[i]
		if i == 0 || a.machine[i-1] != m {
			free.Reset()
			busy.Reset()
		}
		for busy.Len() > 0 && busy.Top().end <= a.start[i] {
			free.Push(busy.Pop().lane)
		}
		var lane int32
		if free.Len() > 0 {
			lane = free.Pop()
		} else {
			lane = int32(lanes[m])
			lanes[m]++
		}
		r.lane[i] = lane
		busy.Push(laneEnd{end: a.end(i), lane: lane})
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
