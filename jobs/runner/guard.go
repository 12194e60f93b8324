package runner

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

func newGuard(opts Options, jobMemory, machineMemory int64) *guard {
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

// holds says why one more job may not start now, or "" when it may.
func (g *guard) holds() (string, int) {
	g.mu.Lock()
	running := g.running
	g.mu.Unlock()
	if running == 0 {
		return "", 0
	}
	if g.maxByMemory > 0 && running >= g.maxByMemory {
		return fmt.Sprintf("[job] memory: %d jobs fill the machine's memory", g.maxByMemory), running
	}
	if g.memFree > 0 || g.jobMemory > 0 {
		if avail, ok := machines.AvailableMemory(); ok && (avail <= g.memFree || avail < g.jobMemory) {
			return fmt.Sprintf("memory: %s available", machines.FormatSize(avail)), running
		}
	}
	if g.load > 0 {
		if load, ok := machines.LoadAverage(); ok && load >= g.load {
			return fmt.Sprintf("load: %.2f, at or above --load %g", load, g.load), running
		}
	}
	return "", running
}

// active reports whether any guard is set: without one, feeding skips the
// checks entirely.
func (g *guard) active() bool { return g.memFree > 0 || g.load > 0 || g.jobMemory > 0 }

// wait returns once a job may start, or false when ctx ends first. It
// tells events when it starts holding jobs back and when it lets them go.
func (g *guard) wait(ctx context.Context, events Events) bool {
	held := ""
	for {
		reason, running := g.holds()
		if reason != held {
			held = reason
			events.Waiting(Wait{Reason: reason, Running: running})
		}
		if reason == "" {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-g.ended:
		case <-time.After(guardPoll):
		}
	}
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
