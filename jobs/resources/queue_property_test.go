package resources

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/jobsplit/jobsplit/machines"
	"pgregory.net/rapid"
)

// running is a started job in the simulations: what it holds and when it
// ends.
type running struct {
	item  Item
	grant Grant
	end   int
}

// drawCapacity draws a machine with up to 4 GPUs, a counted and an
// id-bearing resource and maybe memory.
func drawCapacity(t *rapid.T) Capacity {
	c := Capacity{Cores: rapid.IntRange(1, 12).Draw(t, "cores")}
	gpus := rapid.IntRange(0, 4).Draw(t, "gpus")
	for i := range gpus {
		c.GPUs = append(c.GPUs, strconv.Itoa(i*2)) // ids need not be 0..n-1
	}
	if n := rapid.IntRange(0, 3).Draw(t, "licenses"); n > 0 {
		c.Resources = append(c.Resources, machines.Resource{Name: "license", Count: n})
	}
	if n := rapid.IntRange(0, 3).Draw(t, "drives"); n > 0 {
		r := machines.Resource{Name: "tape", Count: n}
		for i := range n {
			r.IDs = append(r.IDs, fmt.Sprintf("st%d", i))
		}
		c.Resources = append(c.Resources, r)
	}
	if rapid.Bool().Draw(t, "memory") {
		c.Memory = int64(rapid.IntRange(1, 8).Draw(t, "memory GiB"))
	}
	return c
}

// drawNeeds draws needs that fit c alone (memory aside).
func drawNeeds(t *rapid.T, c Capacity, label string) Needs {
	n := Needs{Cores: rapid.IntRange(1, c.Cores).Draw(t, label+" cores")}
	if len(c.GPUs) > 0 {
		choices := []int{0, 250, 500, 1000}
		for g := 2; g <= len(c.GPUs); g++ {
			choices = append(choices, g*GPUUnit)
		}
		n.GPUs = rapid.SampledFrom(choices).Draw(t, label+" gpus")
	}
	for _, r := range c.Resources {
		if k := rapid.IntRange(0, r.Count).Draw(t, label+" "+r.Name); k > 0 {
			n.Resources = append(n.Resources, Amount{Name: r.Name, Count: k})
		}
	}
	if c.Memory > 0 {
		n.Memory = int64(rapid.IntRange(0, int(c.Memory)+1).Draw(t, label+" memory"))
	}
	return n
}

// checkHoldings proves that what the running jobs hold together fits the
// machine, counted from the grants alone: no device beyond one GPUUnit, no
// resource id twice, no count beyond the capacity.
func checkHoldings(t *rapid.T, c Capacity, kinds []Needs, run []running) {
	cores, memory := 0, int64(0)
	device := map[string]int{}
	units := map[string]int{}
	ids := map[string]bool{}
	for _, r := range run {
		n, g := kinds[r.item.Kind], r.grant
		cores += g.Cores
		memory += g.Memory
		wantDevices := 0
		if n.GPUs > 0 {
			wantDevices = max(1, n.GPUs/GPUUnit)
		}
		if len(g.GPUs) != wantDevices || len(slices.Compact(slices.Sorted(slices.Values(g.GPUs)))) != wantDevices {
			t.Fatalf("job %d needing %s got devices %q", r.item.Job, n, g.GPUs)
		}
		for _, d := range g.GPUs {
			if !slices.Contains(c.GPUs, d) {
				t.Fatalf("job %d got unknown device %q", r.item.Job, d)
			}
			device[d] += min(n.GPUs, GPUUnit)
		}
		for _, h := range g.Resources {
			units[h.Name] += h.Count
			if h.Count != n.Resource(h.Name) {
				t.Fatalf("job %d got %d of %s, needs %d", r.item.Job, h.Count, h.Name, n.Resource(h.Name))
			}
			for _, id := range h.IDs {
				if ids[h.Name+"/"+id] {
					t.Fatalf("%s id %q held twice", h.Name, id)
				}
				ids[h.Name+"/"+id] = true
			}
		}
	}
	if cores > c.Cores {
		t.Fatalf("%d cores held of %d", cores, c.Cores)
	}
	if c.Memory > 0 && len(run) > 1 && memory > c.Memory {
		t.Fatalf("%d memory held of %d by %d jobs", memory, c.Memory, len(run))
	}
	for d, used := range device {
		if used > GPUUnit {
			t.Fatalf("device %s holds %d of %d", d, used, GPUUnit)
		}
	}
	for _, r := range c.Resources {
		if units[r.Name] > r.Count {
			t.Fatalf("%d of %s held of %d", units[r.Name], r.Name, r.Count)
		}
	}
}

// checkRoomLeft proves the rule a job started past a reserved head keeps:
// the head fits beside every job started past it since room was reserved
// that still runs (in past), so it starts once the others have ended.
// Fractional GPUs are placed as a fresh ledger would; the deadline in
// TestQueueProperties checks the real placement.
func checkRoomLeft(t *rapid.T, c Capacity, kinds []Needs, run []running, past map[int]bool, head Item) {
	l := NewLedger(c)
	for _, r := range run {
		if past[r.item.Job] {
			if _, ok := l.Acquire(kinds[r.item.Kind]); !ok {
				t.Fatalf("jobs started past head job %d do not fit the machine together", head.Job)
			}
		}
	}
	if _, ok := l.Acquire(kinds[head.Kind]); !ok {
		n := kinds[head.Kind]
		t.Fatalf("jobs started past reserved head job %d (%s, memory %d of %d) leave it no room", head.Job, n, n.Memory, c.Memory)
	}
}

// TestQueueProperties runs random jobs on random machines in simulated
// time and proves at every start that nothing is over-committed, that
// every job starts, that the queue's head and its reservation are the
// model's, that a job started past a reserved head leaves it room, and
// that a head for which room was reserved (passed over bound times, or by
// ReserveHead) starts no later than the end of every job that ran then.
func TestQueueProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCapacity(t)
		kinds := make([]Needs, rapid.IntRange(1, 4).Draw(t, "kinds"))
		for i := range kinds {
			kinds[i] = drawNeeds(t, c, fmt.Sprintf("kind %d", i))
		}
		bound := rapid.IntRange(0, 4).Draw(t, "bound")
		ledger := NewLedger(c)
		q, err := NewQueue(ledger, kinds, bound)
		if err != nil {
			t.Fatal(err)
		}
		n := rapid.IntRange(1, 40).Draw(t, "jobs")
		items := make([]Item, n)
		duration := make([]int, n)
		for i := range items {
			items[i] = Item{Job: i, Kind: rapid.IntRange(0, len(kinds)-1).Draw(t, "kind"), Priority: int64(rapid.IntRange(0, 2).Draw(t, "priority"))}
			duration[i] = rapid.IntRange(1, 5).Draw(t, "duration")
			q.Push(items[i])
		}
		// waiting is the test's own model of the queue, best first.
		waiting := slices.Clone(items)
		sort.SliceStable(waiting, func(a, b int) bool { return waiting[a].Priority > waiting[b].Priority })
		var run []running
		// lastEnd is when every job running now has ended: the latest a
		// head for which room is reserved now may start.
		lastEnd := func(now int) int {
			end := now
			for _, r := range run {
				end = max(end, r.end)
			}
			return end
		}
		// past holds the jobs started past the head since room was
		// reserved for it; deadline is -1 until then.
		var past map[int]bool
		now, passes, deadline, headJob := 0, 0, -1, -1
		reserve := func(now int) {
			deadline, past = lastEnd(now), map[int]bool{}
		}
		for len(waiting) > 0 || len(run) > 0 {
			// The run loop may reserve room early, by the time the head
			// waited.
			if len(waiting) > 0 && waiting[0].Job == headJob && deadline < 0 && rapid.IntRange(0, 3).Draw(t, "reserve early") == 0 {
				q.ReserveHead()
				reserve(now)
			}
			for {
				// Room is reserved for a new head at once with bound 0,
				// else once bound jobs have started past it, counting
				// the last of them among those it waits for.
				if len(waiting) > 0 && waiting[0].Job != headJob {
					headJob, passes, deadline = waiting[0].Job, 0, -1
					if bound == 0 {
						reserve(now)
					}
				}
				if head, ok := q.Head(); len(waiting) > 0 && (!ok || head != waiting[0] || q.Reserved() != (deadline >= 0)) {
					t.Fatalf("queue's head %v (reserved %v), model's %v (reserved %v)", head, q.Reserved(), waiting[0], deadline >= 0)
				}
				it, g, ok := q.Next()
				if !ok {
					break
				}
				at := slices.IndexFunc(waiting, func(w Item) bool { return w.Job == it.Job })
				if at < 0 {
					t.Fatalf("job %d started twice or never pushed", it.Job)
				}
				waiting = slices.Delete(waiting, at, at+1)
				run = append(run, running{item: it, grant: g, end: now + duration[it.Job]})
				checkHoldings(t, c, kinds, run)
				if it.Job == headJob {
					headJob, deadline = -1, -1
					continue
				}
				if deadline >= 0 {
					past[it.Job] = true
					checkRoomLeft(t, c, kinds, run, past, waiting[0])
				}
				if passes++; passes == bound && deadline < 0 {
					reserve(now)
				}
			}
			if len(waiting) > 0 && deadline >= 0 && now > deadline {
				head := kinds[waiting[0].Kind]
				t.Fatalf("head job %d (%s, memory %d of %d) reserved, still waiting at %d, past %d", waiting[0].Job, head, head.Memory, c.Memory, now, deadline)
			}
			if len(run) == 0 {
				if len(waiting) > 0 {
					t.Fatalf("nothing runs and %d jobs wait: %v", len(waiting), waiting)
				}
				break
			}
			// Advance to the next end and release what ended.
			now = slices.MinFunc(run, func(a, b running) int { return a.end - b.end }).end
			run = slices.DeleteFunc(run, func(r running) bool {
				if r.end == now {
					ledger.Release(r.grant)
					return true
				}
				return false
			})
		}
		if q.Len() != 0 || !ledger.Idle() {
			t.Fatalf("queue holds %d, ledger idle %v", q.Len(), ledger.Idle())
		}
		cores, gpuFree, _ := ledger.Free()
		if cores != c.Cores || slices.ContainsFunc(gpuFree, func(f int) bool { return f != GPUUnit }) {
			t.Fatalf("after all jobs: %d cores and devices %v free", cores, gpuFree)
		}
	})
}
