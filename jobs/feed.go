package jobs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/machines"
)

// guardPoll is how often a waiting guard looks at memory and load again.
const guardPoll = 250 * time.Millisecond

// guard holds back new jobs while the machine is short of memory or busy.
// Guards wait, they never drop a job, and a machine with nothing running
// always starts its next job, so that a guard can slow a run but never
// stall it.
type guard struct {
	memFree   int64   // --memfree: start only above this much available memory
	load      float64 // --load: start only below this load average
	jobMemory int64   // [job] memory: what one job may use
	// maxByMemory is how many jobs the memory holds at once; 0 means no
	// bound.
	maxByMemory int

	mu      sync.Mutex
	running int
	ended   chan struct{} // signalled when a job ends, to look again at once
}

func newGuard(opts RunOptions, jobMemory, machineMemory int64) *guard {
	g := &guard{memFree: opts.MemFree, load: opts.Load, jobMemory: jobMemory, ended: make(chan struct{}, 1)}
	if jobMemory > 0 {
		budget := machineMemory
		if budget == 0 {
			budget, _ = machines.AvailableMemory()
		}
		if budget > 0 {
			g.maxByMemory = max(1, int(budget/jobMemory))
		}
	}
	return g
}

// allows reports whether one more job may start now.
func (g *guard) allows() bool {
	g.mu.Lock()
	running := g.running
	g.mu.Unlock()
	if running == 0 {
		return true
	}
	if g.maxByMemory > 0 && running >= g.maxByMemory {
		return false
	}
	if g.memFree > 0 || g.jobMemory > 0 {
		if avail, ok := machines.AvailableMemory(); ok && (avail <= g.memFree || avail < g.jobMemory) {
			return false
		}
	}
	if g.load > 0 {
		if load, ok := machines.LoadAverage(); ok && load >= g.load {
			return false
		}
	}
	return true
}

// active reports whether any guard is set: without one, feeding skips the
// checks entirely.
func (g *guard) active() bool { return g.memFree > 0 || g.load > 0 || g.jobMemory > 0 }

// wait returns once a job may start, or false when ctx ends first.
func (g *guard) wait(ctx context.Context) bool {
	for !g.allows() {
		select {
		case <-ctx.Done():
			return false
		case <-g.ended:
		case <-time.After(guardPoll):
		}
	}
	return true
}

func (g *guard) jobStarted() {
	g.mu.Lock()
	g.running++
	g.mu.Unlock()
}

func (g *guard) jobDone() {
	g.mu.Lock()
	g.running--
	g.mu.Unlock()
	select {
	case g.ended <- struct{}{}:
	default:
	}
}

// feed hands the pending jobs to the workers in plan order, as the guards
// allow, until all are handed out or ctx ends.
func (r *Runner) feed(ctx context.Context, queue chan<- int32) {
	for _, i := range r.pending {
		if r.guard.active() && !r.guard.wait(ctx) {
			return
		}
		r.guard.jobStarted()
		select {
		case queue <- i:
		case <-ctx.Done():
			r.guard.jobDone()
			return
		}
	}
}

// HaltError is returned by Run when the --halt policy stopped it.
type HaltError struct {
	Policy Halt
	Failed int
}

func (e *HaltError) Error() string {
	return fmt.Sprintf("halted after %d failed jobs (--halt %s)", e.Failed, e.Policy)
}

// halting counts the jobs that ended in this run and applies the halt
// policy: soon stops feeding, now stops the running jobs too.
type halting struct {
	policy      Halt
	stopFeeding context.CancelFunc

	mu               sync.Mutex
	failed, finished int
	halted           *HaltError
}

// jobFinished notes a job's final outcome and halts when the policy says.
func (h *halting) jobFinished(failed bool, stopRun context.CancelFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.finished++
	if failed {
		h.failed++
	}
	if h.halted != nil || !h.policy.triggered(h.failed, h.finished) {
		return
	}
	h.halted = &HaltError{Policy: h.policy, Failed: h.failed}
	h.stopFeeding()
	if h.policy.When == HaltNow {
		stopRun()
	}
}

func (h *halting) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.halted == nil {
		return nil
	}
	return h.halted
}
