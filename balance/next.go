package balance

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Next returns the next job this host should run: its own share in plan
// order, then jobs taken over from dead hosts, then jobs stolen from the end
// of the host with the most estimated time left. While other hosts hold
// unfinished jobs, which may come free if they die, it waits. It returns ok
// false once nothing is unclaimed and every job claimed by another host is
// done: the sweep is over but for this host's own running jobs. When this
// host's heartbeat may have stood still for half a lease (a pause), it first
// reads whether another host took its work over; if so, it drops what it
// held, warns, and carries on as a new incarnation.
func (b *Balancer) Next(ctx context.Context) (id string, ok bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	wait := 5 * time.Millisecond
	for {
		if b.closed {
			return "", false, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return "", false, err
		}
		if b.beatGap || uptime()-b.lastBeat >= b.opts.Lease/2 {
			if err := b.checkTakenOver(); err != nil {
				return "", false, err
			}
		}
		if p, ok := b.pop(); ok {
			b.inflight[p] = true
			return b.shares[p.share].ids[p.index], true, nil
		}
		progress, err := b.claimMore()
		if err != nil {
			return "", false, err
		}
		if progress {
			continue
		}
		if done, err := b.finished(); done || err != nil {
			return "", false, err
		}
		b.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-b.stop:
		case <-time.After(wait):
		}
		// Look again soon after going idle, when the last jobs of a sweep
		// end, then less and less often.
		wait = min(2*wait, b.idle)
		b.observe()
		b.mu.Lock()
	}
}

// pop takes the next owned job that nobody has finished.
func (b *Balancer) pop() (pos, bool) {
	for len(b.queue) > 0 {
		p := b.queue[0]
		b.queue = b.queue[1:]
		if !b.shares[p.share].done[p.index] && !b.inflight[p] {
			return p, true
		}
	}
	return pos{}, false
}

// checkTakenOver reads whether another host took this incarnation over. It
// is needed only when this host's heartbeat may have stood still for half a
// lease (a pause, a suspend, a slow file server): otherwise no other host
// can have seen it unchanged for a whole lease.
func (b *Balancer) checkTakenOver() error {
	raw, _, err := b.st.read(fateName(b.me))
	if err != nil {
		return err
	}
	taken := parseFate(raw)
	if taken == nil {
		b.beatGap = false
		return nil
	}
	b.settle(b.incs[b.me], *taken)
	b.warn(fmt.Sprintf("balance: this host was silent past its lease and %s took over its %d unfinished jobs; carrying on with what is left",
		b.machineOf(taken.heir), taken.jobs))
	return b.register()
}

// claimMore gets this host more jobs: from its own share, else from a dead
// host, else by stealing. It reports whether it got any.
func (b *Balancer) claimMore() (bool, error) {
	if n, err := b.claim(b.self, false, 0); n > 0 || err != nil {
		return n > 0, err
	}
	for s := range b.shares {
		if err := b.readClaims(s); err != nil {
			return false, err
		}
	}
	if got, err := b.takeOverDead(); got || err != nil {
		return got, err
	}
	for _, v := range b.victims() {
		n, err := b.claim(v.share, true, v.limit)
		if err != nil {
			return false, err
		}
		if n > 0 {
			b.stole += n
			return true, nil
		}
	}
	return false, nil
}

// claim appends a claim to share s's log for a chunk of its unclaimed jobs,
// from the front (own share) or the back (a steal), of at most limit cost
// when limit is finite. It returns how many jobs this host won.
func (b *Balancer) claim(s int, back bool, limit float64) (int, error) {
	// Catching up on the log costs a read; a stale view costs a failed link.
	if err := b.readClaims(s); err != nil {
		return 0, err
	}
	v := b.shares[s]
	for v.unclaimed() > 0 {
		n := (v.unclaimed() + b.opts.ChunkDivisor - 1) / b.opts.ChunkDivisor
		if back && limit > 0 && !math.IsInf(limit, 1) {
			for n > 1 && v.cost(v.back-n, v.back) > limit {
				n /= 2
			}
		}
		b.seq++
		rec := claimRecord{inc: b.me, seq: b.seq, back: back, count: n}
		won, got, err := b.st.append(claimName(s, v.logNext), rec.encode())
		if err != nil {
			return 0, err
		}
		from, to, err := b.applyRecord(s, got)
		if err != nil {
			return 0, err
		}
		if won {
			return to - from, nil
		}
	}
	return 0, nil
}
