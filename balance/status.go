package balance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Status is a sweep's live state as the shared folder alone shows it.
type Status struct {
	Machines []MachineStatus
	// Watched is how long the heartbeats were watched.
	Watched time.Duration
}

// MachineStatus is one machine of the plan.
type MachineStatus struct {
	Machine string
	Planned int // jobs the plan gave it
	// Unclaimed are jobs of its share that no host has claimed yet.
	Unclaimed int
	// StolenFrom are jobs of its share that other machines claimed.
	StolenFrom int
	// Stole are jobs of other shares that it claimed.
	Stole int
	// TakenOver are jobs that other machines took over from its dead or
	// paused incarnations.
	TakenOver int
	Done      int // jobs it finished, over all its incarnations
	Running   int // jobs its live incarnations are running
	Queued    int // jobs its live incarnations hold and have not started
	// Hosts are its incarnations, the processes that joined as it, oldest
	// first.
	Hosts []HostStatus
}

// Left is what remains of the machine's work: its unclaimed jobs and the
// ones it holds but has not started.
func (m MachineStatus) Left() int { return m.Unclaimed + m.Queued }

// HostState is what the watch of an incarnation's heartbeat showed.
type HostState string

// The host states.
const (
	Alive     HostState = "alive"      // its heartbeat changed while watched
	Silent    HostState = "silent"     // unchanged while watched, for less than its lease
	Dead      HostState = "dead"       // unchanged for at least its lease: presumed dead
	TakenOver HostState = "taken over" // another host took over its work
	Closed    HostState = "closed"     // it left the sweep
)

// HostStatus is one incarnation of a machine.
type HostStatus struct {
	Incarnation string
	PID         int
	Host        string
	State       HostState
	// HeartbeatAge is how long its heartbeat has been unchanged, observed on
	// this host's clock; when AgeAtLeast, it did not change while watched
	// and may be older.
	HeartbeatAge time.Duration
	AgeAtLeast   bool
}

// ReadStatus reads the state of the sweep with the given digest from the
// shared folder, writing nothing. It watches the heartbeats for watch (0:
// a quarter of the shortest lease, two heartbeats) to tell the live from
// the silent, since another host's clock is never compared with this one.
func ReadStatus(ctx context.Context, dir, digest string, watch time.Duration) (*Status, error) {
	st := &store{root: filepath.Join(dir, digest)}
	raw, ok, err := st.read(planFile)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: no balance state for digest %s", dir, digest)
	}
	plan, err := parsePlan(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", st.path(planFile), err)
	}
	out := &Status{Machines: make([]MachineStatus, len(plan))}
	type watched struct {
		m, h    int
		rec     incRecord
		first   []byte
		changed time.Time
		info    beat
	}
	var incs []*watched
	byInc := map[string]*watched{}
	var leaseMin time.Duration
	for m, p := range plan {
		out.Machines[m] = MachineStatus{Machine: p.machine, Planned: p.jobs, Unclaimed: p.jobs}
		for n := 0; ; n++ {
			raw, ok, err := st.read(incName(m, n))
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			rec, err := parseInc(raw)
			if err != nil {
				return nil, err
			}
			w := &watched{m: m, h: len(out.Machines[m].Hosts), rec: rec}
			incs, byInc[rec.inc] = append(incs, w), w
			out.Machines[m].Hosts = append(out.Machines[m].Hosts, HostStatus{Incarnation: rec.inc, PID: rec.pid, Host: rec.host})
			if leaseMin == 0 || rec.lease < leaseMin {
				leaseMin = rec.lease
			}
		}
	}
	if err := replayClaims(st, plan, out); err != nil {
		return nil, err
	}
	// Watch the heartbeats.
	if watch <= 0 {
		watch = max(leaseMin/4, 100*time.Millisecond)
	}
	start := time.Now()
	for i := 0; ; i++ {
		now := time.Now()
		for _, w := range incs {
			b, _, _ := st.read(beatName(w.rec.inc))
			if i == 0 || !bytes.Equal(b, w.first) {
				w.first = b
				if i > 0 {
					w.changed = now
				}
				w.info, _ = parseBeat(b)
			}
		}
		if now.Sub(start) >= watch {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(watch / 8):
		}
	}
	out.Watched = time.Since(start)
	for _, w := range incs {
		ms := &out.Machines[w.m]
		hs := &ms.Hosts[w.h]
		ms.Done += w.info.doneJobs
		if w.changed.IsZero() {
			hs.HeartbeatAge, hs.AgeAtLeast = out.Watched, true
		} else {
			hs.HeartbeatAge = time.Since(w.changed)
		}
		taken, err := readTakeover(st, w.rec.inc)
		if err != nil {
			return nil, err
		}
		switch {
		case taken != nil:
			hs.State = TakenOver
			if incMachine(taken.heir) != w.m { // a restart takes over its own
				ms.TakenOver += taken.jobs
			}
		case w.info.closed:
			hs.State = Closed
		case !w.changed.IsZero():
			hs.State = Alive
		case out.Watched >= w.rec.lease:
			hs.State = Dead
		default:
			hs.State = Silent
		}
		if hs.State == Alive || hs.State == Silent {
			ms.Running += w.info.inflight
			ms.Queued += max(0, w.info.backlog-w.info.inflight)
		}
	}
	return out, nil
}

// replayClaims replays every share's claim log into the counts of out.
func replayClaims(st *store, plan []plannedShare, out *Status) error {
	for s, p := range plan {
		v := &shareView{back: p.jobs}
		for n := 0; ; n++ {
			raw, ok, err := st.read(claimName(s, n))
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			rec, err := parseClaim(raw)
			if err != nil {
				return err
			}
			from, to := applyClaim(v, rec)
			if m := incMachine(rec.inc); m != s && m >= 0 && m < len(plan) {
				out.Machines[s].StolenFrom += to - from
				out.Machines[m].Stole += to - from
			}
		}
		out.Machines[s].Unclaimed = v.unclaimed()
	}
	return nil
}

func readTakeover(st *store, inc string) (*takeoverRecord, error) {
	raw, ok, err := st.read(takeoverName(inc))
	if err != nil || !ok {
		return nil, err
	}
	rec, err := parseTakeover(raw)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%s", st.path(takeoverName(inc))), err)
	}
	return &rec, nil
}
