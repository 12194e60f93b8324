package balance

import (
	"bytes"
	"time"
)

// heartbeats runs until Close: every interval it rewrites this host's
// heartbeat, reads everyone else's, and reads the incarnation logs for
// hosts that joined.
func (b *Balancer) heartbeats() {
	defer close(b.bgDone)
	tick := time.NewTicker(b.interval)
	defer tick.Stop()
	for {
		b.beatOnce()
		select {
		case <-b.stop:
			return
		case <-tick.C:
		case <-b.kick:
		}
	}
}

// beatSoon asks for a heartbeat now rather than at the next tick: the
// hosts waiting for this one to finish learn it at once.
func (b *Balancer) beatSoon() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// beatOnce writes this host's heartbeat and watches the others'. Files are
// read and written without the lock, so that a slow file server delays no
// worker's Next.
func (b *Balancer) beatOnce() {
	b.mu.Lock()
	me := b.me
	h := b.beatLocked()
	b.mu.Unlock()
	if err := b.syncDone(); err != nil {
		b.warn("balance: done map: " + err.Error())
	}
	// The fate file is read with every heartbeat too, so that a takeover is
	// noticed within a beat even without a pause of this host's own (an
	// unreachable folder, or a second process started as this machine).
	if raw, _, err := b.st.read(fateName(me)); err == nil && parseFate(raw) != nil {
		b.mu.Lock()
		b.beatGap = true
		b.mu.Unlock()
	}
	if err := b.st.rewrite(beatName(me), h.encode()); err != nil {
		b.warn("balance: heartbeat: " + err.Error())
	} else {
		now := uptime()
		b.mu.Lock()
		if b.me == me {
			if now-b.lastBeat >= b.opts.Lease/2 {
				b.beatGap = true
			}
			b.lastBeat = now
		}
		b.mu.Unlock()
	}
	b.observe()
}

// observe reads the others' heartbeats, and the incarnation logs for
// hosts that joined.
func (b *Balancer) observe() {
	b.mu.Lock()
	me := b.me
	var watch []*incView
	for _, inc := range b.incs {
		if inc.id != me && inc.heir == "" && !(inc.infoOK && inc.info.closed) {
			watch = append(watch, inc)
		}
	}
	b.mu.Unlock()

	seen := make([][]byte, len(watch))
	for i, inc := range watch {
		seen[i], _, _ = b.st.read(beatName(inc.id))
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	// A host that was itself paused has not watched the others: their
	// silence since it last looked proves nothing, so their leases start
	// again.
	if !b.observed.IsZero() && now.Sub(b.observed) > b.opts.Lease/2 {
		for _, inc := range b.incs {
			inc.changed = now
		}
	}
	b.observed = now
	for i, inc := range watch {
		if seen[i] == nil || bytes.Equal(seen[i], inc.last) {
			continue
		}
		inc.last, inc.changed = seen[i], now
		inc.info, inc.infoOK = parseBeat(seen[i])
	}
	for m := range b.shares {
		if err := b.readIncs(m); err != nil {
			b.warn("balance: " + err.Error())
		}
	}
}

// beatLocked is this host's heartbeat as of now.
func (b *Balancer) beatLocked() beat {
	b.beatSeq++
	h := beat{seq: b.beatSeq, inflight: len(b.inflight), doneJobs: b.doneJobs, doneCost: b.doneCost, busy: b.busySeconds()}
	for _, p := range b.queue {
		v := b.shares[p.share]
		if !v.done[p.index] {
			h.backlog++
			h.backlogCost += v.cost(int(p.index), int(p.index)+1)
		}
	}
	for p := range b.inflight {
		h.backlog++
		h.backlogCost += b.shares[p.share].cost(int(p.index), int(p.index)+1)
	}
	return h
}

// dead reports whether an incarnation left the sweep, or its heartbeat has
// not changed for a lease as watched on this host's own clock.
func (b *Balancer) dead(inc *incView) bool {
	return (inc.infoOK && inc.info.closed) || time.Since(inc.changed) >= b.opts.Lease
}

// busySeconds is how long this host has worked for the cost it finished:
// up to now while it holds jobs, so that its rate falls while it is stuck
// on a long one, and up to its latest Done while it waits with none.
func (b *Balancer) busySeconds() float64 {
	if len(b.inflight) > 0 {
		return time.Since(b.joined).Seconds()
	}
	return b.busy.Seconds()
}
