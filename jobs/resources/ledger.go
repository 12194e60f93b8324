package resources

import "slices"

// Ledger is what one machine has free right now. It never hands out more
// of anything than the machine has: no device beyond one GPUUnit, no more
// cores, units of a resource or memory than the capacity.
type Ledger struct {
	capacity Capacity
	cores    int
	memory   int64
	// gpuFree is each device's free room in GPUUnit, in capacity order.
	gpuFree []int
	// free holds each named resource's free units: ids still free in
	// capacity order, or a count when the machine gives no ids.
	free map[string]*freeUnits
	// running counts the grants not yet released.
	running int
}

type freeUnits struct {
	ids   []bool // ids[i]: the resource's i-th id is free
	count int
}

// NewLedger starts a ledger of a machine with nothing running.
func NewLedger(c Capacity) *Ledger {
	l := &Ledger{capacity: c, cores: c.Cores, memory: c.Memory, gpuFree: make([]int, len(c.GPUs)), free: map[string]*freeUnits{}}
	for i := range l.gpuFree {
		l.gpuFree[i] = GPUUnit
	}
	for _, r := range c.Resources {
		u := &freeUnits{count: r.Count}
		if r.IDs != nil {
			u.ids = make([]bool, len(r.IDs))
			for i := range u.ids {
				u.ids[i] = true
			}
		}
		l.free[r.Name] = u
	}
	return l
}

// Capacity is what the ledger's machine has.
func (l *Ledger) Capacity() Capacity { return l.capacity }

// Idle reports whether nothing holds anything.
func (l *Ledger) Idle() bool { return l.running == 0 }

// Acquire takes what a job with needs n holds, if it all is free now, and
// says which devices it got. On a machine with nothing running, a job that
// Fits always starts: memory does not hold it back, as the memory guard
// never did, and more cores than the machine has (-j below a job's cores)
// are clamped to all of them.
func (l *Ledger) Acquire(n Needs) (Grant, bool) {
	idle := l.running == 0
	cores := n.Cores
	if idle && cores > l.capacity.Cores && l.capacity.Fits(Needs{Cores: l.capacity.Cores, GPUs: n.GPUs, Resources: n.Resources}) {
		cores = l.capacity.Cores
	}
	if cores > l.cores || !idle && l.capacity.Memory > 0 && n.Memory > l.memory {
		return Grant{}, false
	}
	devices, ok := l.pickGPUs(n.GPUs)
	if !ok {
		return Grant{}, false
	}
	for _, a := range n.Resources {
		if u := l.free[a.Name]; u == nil || u.count < a.Count {
			return Grant{}, false
		}
	}
	g := Grant{Cores: cores, Memory: n.Memory, GPUShare: n.GPUs, hasGPUs: len(l.capacity.GPUs) > 0}
	l.cores -= cores
	l.memory -= n.Memory
	per := n.GPUs
	if per > GPUUnit {
		per = GPUUnit
	}
	for _, d := range devices {
		l.gpuFree[d] -= per
		g.gpuIndex = append(g.gpuIndex, d)
		g.GPUs = append(g.GPUs, l.capacity.GPUs[d])
	}
	for _, a := range n.Resources {
		g.Resources = append(g.Resources, l.take(a))
	}
	l.running++
	return g, true
}

// pickGPUs chooses the devices for a GPU need: whole devices that are
// entirely free, lowest first; a fraction goes to the fullest device it
// still fits on, so that halves pair up and whole devices stay free.
func (l *Ledger) pickGPUs(need int) ([]int, bool) {
	switch {
	case need == 0:
		return nil, true
	case need < GPUUnit:
		best := -1
		for i, free := range l.gpuFree {
			if free >= need && (best < 0 || free < l.gpuFree[best]) {
				best = i
			}
		}
		return []int{best}, best >= 0
	}
	whole := need / GPUUnit
	var picked []int
	for i, free := range l.gpuFree {
		if free == GPUUnit && len(picked) < whole {
			picked = append(picked, i)
		}
	}
	return picked, len(picked) == whole
}

// take removes a's units from the free ones.
func (l *Ledger) take(a Amount) Held {
	u := l.free[a.Name]
	u.count -= a.Count
	h := Held{Name: a.Name, Count: a.Count}
	if u.ids == nil {
		return h
	}
	for i, free := range u.ids {
		if free && len(h.IDs) < a.Count {
			u.ids[i] = false
			h.index = append(h.index, i)
			h.IDs = append(h.IDs, l.resourceIDs(a.Name)[i])
		}
	}
	return h
}

func (l *Ledger) resourceIDs(name string) []string {
	for _, r := range l.capacity.Resources {
		if r.Name == name {
			return r.IDs
		}
	}
	return nil
}

// Release gives back what g holds. Each grant is released once.
func (l *Ledger) Release(g Grant) {
	l.cores += g.Cores
	l.memory += g.Memory
	per := min(g.GPUShare, GPUUnit)
	for _, d := range g.gpuIndex {
		l.gpuFree[d] += per
	}
	for _, h := range g.Resources {
		u := l.free[h.Name]
		u.count += h.Count
		for _, i := range h.index {
			u.ids[i] = true
		}
	}
	l.running--
}

// Free is what is free now: cores, each device's room in GPUUnit in the
// capacity's order, and memory (meaningless when the capacity has none);
// for displays and tests.
func (l *Ledger) Free() (cores int, gpuFree []int, memory int64) {
	return l.cores, slices.Clone(l.gpuFree), l.memory
}
