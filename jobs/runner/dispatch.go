package runner

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/resources"
	"github.com/jobsplit/jobsplit/machines"
)

// headWait bounds how long the job at the head of the queue (a wide one,
// say 8 cores and 2 GPUs) may wait while narrower ones pass it: after
// this, room is reserved for it even before it was passed over as many
// times as the machine has cores.
const headWait = 30 * time.Second

// admission is the machine's room, as the jobs take and give it back: the
// ledger of its cores, GPUs, resources and memory, and the queue of the
// jobs waiting for them, higher priority first, then run order.
type admission struct {
	// grants is set when the sweep declares needs: the jobs then learn
	// their cores and device ids.
	grants bool
	ledger *resources.Ledger
	kinds  []resources.Needs

	mu       sync.Mutex
	queue    *resources.Queue
	released chan struct{} // signalled when a job gives its room back
}

// newAdmission sizes the machine for the run: its cores are the run's
// workers (-j). Shards (--shards) have what the scheduler granted the
// task: their jobs' GPUs and resources are the scheduler's to hand out,
// so here they count cores and memory only.
func newAdmission(s *jobs.Sweep, m machines.Machine, workers int) (*admission, error) {
	capacity := resources.CapacityOf(m)
	capacity.Cores = workers
	kinds := []resources.Needs{resources.Default()}
	used := s.Needs != nil && s.Needs.Used()
	if s.Needs != nil {
		kinds = slices.Clone(s.Needs.Kinds)
	}
	for i, k := range kinds {
		if s.Shards > 0 {
			k = resources.Needs{Cores: k.Cores, Memory: k.Memory}
		}
		// A job wider than the run's workers (-j) takes all of them.
		k.Cores = min(k.Cores, workers)
		kinds[i] = k
	}
	if s.Shards > 0 {
		capacity.GPUs, capacity.Resources = nil, nil
	}
	ledger := resources.NewLedger(capacity)
	queue, err := resources.NewQueue(ledger, kinds, workers)
	if err != nil {
		return nil, err
	}
	return &admission{grants: used, ledger: ledger, kinds: kinds, queue: queue, released: make(chan struct{}, 1)}, nil
}

// item is job i as the queue holds it.
func (r *Runner) item(i int32) resources.Item {
	item := resources.Item{Job: int(i)}
	if r.sweep.Needs != nil {
		item.Kind, item.Priority = r.sweep.Needs.Kind(int(i)), r.sweep.Needs.Priority(int(i))
	}
	return item
}

// claim queues the next job the balancer hands this host, and reports
// false when there is none: no balancer, the sweep is done everywhere, or
// feeding stopped. A job this host closed in an earlier run is marked done
// in the folder instead. The balancer waits while other hosts hold
// unfinished jobs, since they may die and leave them.
func (r *Runner) claim(ctx context.Context) bool {
	if r.balancer == nil {
		return false
	}
	for {
		id, ok, err := r.balancer.Next(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.stop(fmt.Errorf("balance folder %s: %w", r.opts.Balance.Dir, err))
			return false
		case err != nil, !ok:
			return false
		}
		i := r.sweep.Pool.Index(id)
		if i < 0 {
			r.stop(fmt.Errorf("balance folder %s: job %q is not in this sweep", r.opts.Balance.Dir, id))
			return false
		}
		if r.isClosed(int32(i)) {
			if err := r.balancer.Done(id); err != nil {
				r.stop(fmt.Errorf("balance folder %s: %w", r.opts.Balance.Dir, err))
				return false
			}
			continue
		}
		r.admission.queue.Push(r.item(int32(i)))
		return true
	}
}

// release gives a finished job's room back and wakes the dispatcher.
func (a *admission) release(g resources.Grant) {
	a.mu.Lock()
	a.ledger.Release(g)
	a.mu.Unlock()
	select {
	case a.released <- struct{}{}:
	default:
	}
}

// next takes the next job that fits now, with its grant.
func (a *admission) next() (resources.Item, resources.Grant, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.queue.Next()
}

// dispatch starts the pending jobs, each in a goroutine of its own that
// running counts, as the machine's room and the guards allow, until all
// have started or feedCtx ends; the jobs run under runCtx. It returns how
// many it started.
func (r *Runner) dispatch(feedCtx, runCtx context.Context, running *sync.WaitGroup) int {
	a := r.admission
	// Jobs that all need the same, with one priority, start in run order:
	// the queue then holds one job at a time, fed from the pending list,
	// not a copy of all of them (a third of a million jobs on resuming a
	// big sweep). Otherwise it holds every pending job, to order them.
	feed := r.pending
	if r.balancer != nil {
		feed = nil
	} else if r.sweep.Needs != nil && !r.sweep.Needs.Uniform() {
		for _, i := range feed {
			a.queue.Push(r.item(i))
		}
		feed = nil
	}
	started := 0
	headSince, head := time.Now(), -1
	// One timer for every wait for room: on a busy machine the dispatcher
	// waits once per job.
	wake := time.NewTimer(headWait)
	defer wake.Stop()
	for {
		// The guards first: a job claimed from the balance folder is not
		// held back while memory is short.
		if r.guard.active() && !r.guard.wait(feedCtx, r.events) {
			return started
		}
		if a.queue.Len() == 0 && len(feed) > 0 {
			a.queue.Push(r.item(feed[0]))
			feed = feed[1:]
		}
		if a.queue.Len() == 0 && !r.claim(feedCtx) {
			return started
		}
		if feedCtx.Err() != nil {
			return started
		}
		item, grant, ok := a.next()
		if !ok {
			// Nothing fits: wait for room, and reserve it for a head that
			// has waited long enough.
			a.mu.Lock()
			if h, waiting := a.queue.Head(); waiting && h.Job != head {
				head, headSince = h.Job, time.Now()
			} else if waiting && time.Since(headSince) > headWait {
				a.queue.ReserveHead()
			}
			a.mu.Unlock()
			wake.Reset(headWait)
			select {
			case <-a.released:
			case <-wake.C:
			case <-feedCtx.Done():
				return started
			}
			continue
		}
		started++
		r.guard.jobStarted()
		running.Add(1)
		go func() {
			defer running.Done()
			defer a.release(grant)
			r.runJob(runCtx, int32(item.Job), grant)
		}()
	}
}
