package resources

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestQueueOrder checks that on a machine that runs one job at a time the
// jobs start by priority, then in push order.
func TestQueueOrder(t *testing.T) {
	ledger := NewLedger(Capacity{Cores: 1})
	q, err := NewQueue(ledger, []Needs{{Cores: 1}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []int64{0, 2, 1, 2, 0, -1} {
		q.Push(Item{Job: i, Priority: p})
	}
	var got []int
	for q.Len() > 0 {
		it, g, ok := q.Next()
		if !ok {
			t.Fatal("nothing starts on an idle machine")
		}
		if _, _, again := q.Next(); again {
			t.Fatal("a second job started on one core")
		}
		got = append(got, it.Job)
		ledger.Release(g)
	}
	if want := []int{1, 3, 2, 0, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("start order %v, want %v", got, want)
	}
}

// TestQueueReservesRoom shows the reservation at work: a two-GPU job at the
// head, narrow jobs behind it. With bound 1 one narrow job passes it, then
// no job that takes a GPU may start until the wide one has run.
func TestQueueReservesRoom(t *testing.T) {
	ledger := NewLedger(Capacity{Cores: 8, GPUs: []string{"0", "1"}})
	kinds := []Needs{{Cores: 1, GPUs: 2000}, {Cores: 1, GPUs: 1000}, {Cores: 1}}
	q, err := NewQueue(ledger, kinds, 1)
	if err != nil {
		t.Fatal(err)
	}
	busy, _ := ledger.Acquire(kinds[1]) // a job from before holds GPU 0
	q.Push(Item{Job: 0, Kind: 0})
	for j := 1; j <= 3; j++ {
		q.Push(Item{Job: j, Kind: 1})
	}
	q.Push(Item{Job: 4, Kind: 2})
	it, g1, ok := q.Next()
	if !ok || it.Job != 1 || g1.GPUList() != "1" {
		t.Fatalf("first start %v %q %v, want job 1 on GPU 1", it, g1.GPUList(), ok)
	}
	if !q.Reserved() {
		t.Fatal("head passed over once with bound 1 and not reserved")
	}
	// The CPU-only job leaves the head's core and takes no GPU: it may pass.
	if it, _, ok := q.Next(); !ok || it.Job != 4 {
		t.Fatalf("second start %v %v, want the CPU job 4", it, ok)
	}
	ledger.Release(busy)
	if it, _, ok := q.Next(); ok {
		t.Fatalf("job %d took GPU 0 reserved for the head", it.Job)
	}
	ledger.Release(g1)
	it, g, ok := q.Next()
	if !ok || it.Job != 0 || g.GPUList() != "0,1" {
		t.Fatalf("after the GPUs are free: %v %q %v, want the head on 0,1", it, g.GPUList(), ok)
	}
}

func TestNewQueueRefusesWhatNeverFits(t *testing.T) {
	_, err := NewQueue(NewLedger(Capacity{Cores: 4}), []Needs{{Cores: 1, GPUs: 500}}, 2)
	if err == nil || err.Error() != "a job needing 1 core, 0.5 gpu cannot run on this machine" {
		t.Errorf("NewQueue error = %v", err)
	}
}

// TestQueueReserveHead checks that a caller can reserve room for the head
// before it was passed over bound times: by the time it waited.
func TestQueueReserveHead(t *testing.T) {
	ledger := NewLedger(Capacity{Cores: 4})
	q, err := NewQueue(ledger, []Needs{{Cores: 4}, {Cores: 1}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	busy, _ := ledger.Acquire(Needs{Cores: 1})
	q.Push(Item{Job: 0, Kind: 0})
	q.Push(Item{Job: 1, Kind: 1})
	q.Push(Item{Job: 2, Kind: 1})
	if head, ok := q.Head(); !ok || head.Job != 0 {
		t.Fatalf("head %v %v, want job 0", head, ok)
	}
	if it, _, ok := q.Next(); !ok || it.Job != 1 {
		t.Fatalf("first start %v %v, want job 1 passing the wide head", it, ok)
	}
	q.ReserveHead()
	if it, _, ok := q.Next(); ok {
		t.Fatalf("job %d started on a core reserved for the head", it.Job)
	}
	if !q.Reserved() {
		t.Fatal("ReserveHead reserved nothing")
	}
	ledger.Release(busy)
	if _, ok := q.Head(); !ok {
		t.Fatal("the head left the queue")
	}
}

// TestQueueReservedHeadMemory checks that a job passes a reserved head
// only if it leaves the head's memory, and never a head that needs more
// memory than the machine has: that one starts only on an idle machine.
func TestQueueReservedHeadMemory(t *testing.T) {
	for _, tc := range []struct {
		name         string
		head, passer int64 // memory, in any unit
		passes       bool
	}{
		{"a job needing no memory passes", 2, 0, true},
		{"a job leaving the head's memory passes", 2, 2, true},
		{"a job taking the head's memory waits", 2, 3, false},
		{"nothing passes a head needing more than the machine has", 5, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledger := NewLedger(Capacity{Cores: 4, GPUs: []string{"0"}, Memory: 4})
			kinds := []Needs{{Cores: 1, GPUs: GPUUnit, Memory: tc.head}, {Cores: 1, Memory: tc.passer}}
			q, err := NewQueue(ledger, kinds, 0)
			if err != nil {
				t.Fatal(err)
			}
			busy, _ := ledger.Acquire(Needs{Cores: 1, GPUs: GPUUnit}) // the head waits for its GPU
			q.Push(Item{Job: 0, Kind: 0})
			q.Push(Item{Job: 1, Kind: 1})
			it, _, ok := q.Next()
			if ok != tc.passes || ok && it.Job != 1 {
				t.Fatalf("started %v %v, want the passer to start: %v", it, ok, tc.passes)
			}
			ledger.Release(busy)
			if it, _, ok := q.Next(); !ok || it.Job != 0 {
				t.Fatalf("after the GPU is free: %v %v, want the head", it, ok)
			}
		})
	}
}

// TestQueueOrderMany: a thousand jobs of random priorities start in the
// order of a stable sort by priority, highest first.
func TestQueueOrderMany(t *testing.T) {
	ledger := NewLedger(Capacity{Cores: 1})
	q, err := NewQueue(ledger, []Needs{{Cores: 1}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	items := make([]Item, 1000)
	for i := range items {
		items[i] = Item{Job: i, Priority: rng.Int64N(7) - 3}
		q.Push(items[i])
	}
	slices.SortStableFunc(items, func(a, b Item) int { return cmp.Compare(b.Priority, a.Priority) })
	for k, want := range items {
		it, g, ok := q.Next()
		if !ok || it.Job != want.Job {
			t.Fatalf("start %d: job %d (ok %v), want %d", k, it.Job, ok, want.Job)
		}
		ledger.Release(g)
	}
	if q.Len() != 0 {
		t.Errorf("%d jobs left", q.Len())
	}
}
