package process

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A fast wait is a worker's wait for its job that keeps the worker's
// scheduler slot (a P, in the runtime's terms) while it sleeps in the
// kernel. When the job ends, the worker wakes on its own thread and starts
// the next job at once. Through the runtime's poller the same wake-up goes
// through the scheduler and costs a few thread switches; with jobs of a
// millisecond that made the gap between one job's end and the next one's
// start a quarter longer than with xargs. Each fast wait is backed by one
// more P than the machine's cores, so that the waits never keep the other
// goroutines from running; they end after fastSpan, so a long job holds
// its P no longer than that. Only Linux has fast waits.

// fastSpan bounds a fast wait. The runtime also interrupts one (with a
// signal) when it needs its P, to collect garbage for instance.
const fastSpan = 20 * time.Millisecond

// fastSlots counts the fast waits free now; free may go below zero while
// waits reserved by a caller that has given them back still run.
type fastSlots struct {
	free  atomic.Int32
	taken atomic.Uint64 // fast waits taken so far, for the tests
}

func (s *fastSlots) take() bool {
	for {
		n := s.free.Load()
		if n <= 0 {
			return false
		}
		if s.free.CompareAndSwap(n, n-1) {
			s.taken.Add(1)
			return true
		}
	}
}

func (s *fastSlots) put() { s.free.Add(1) }

var (
	fast     fastSlots
	reserved struct {
		sync.Mutex
		n     int // fast waits reserved, all callers together
		procs int // GOMAXPROCS before the first of them
	}
)

// ReserveFastWaits lets up to n jobs at once wait fast, and adds a P for
// each; release gives them back. A run reserves one per worker, up to the
// machine's cores. Where there are no fast waits it does nothing.
func ReserveFastWaits(n int) (release func()) {
	if n <= 0 || !fastWaits {
		return func() {}
	}
	resize := func(by int) {
		reserved.Lock()
		defer reserved.Unlock()
		if reserved.n == 0 {
			reserved.procs = runtime.GOMAXPROCS(0)
		}
		reserved.n += by
		fast.free.Add(int32(by))
		runtime.GOMAXPROCS(reserved.procs + reserved.n)
	}
	resize(n)
	var once sync.Once
	return func() { once.Do(func() { resize(-n) }) }
}
