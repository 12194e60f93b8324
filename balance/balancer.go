package balance

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// Share is one machine's planned share, as every host computes it.
type Share struct {
	Machine string
	// Weight is the machine's declared speed (perf x cores), used to
	// estimate its time left until it has finished jobs of its own.
	Weight float64
	// Jobs are the job ids in the order the plan runs them.
	Jobs []string
	// Costs are the jobs' expected costs, in the order of Jobs; nil means
	// every job costs 1.
	Costs []float64
}

// Options tune a Balancer; the zero value of each field means its default.
type Options struct {
	// Lease is how long a host's heartbeat may stay unchanged before the
	// others presume it dead and take over its work (default 60s).
	Lease time.Duration
	// ChunkDivisor sets the claim size: a claim takes 1/ChunkDivisor of
	// the jobs left in the share it claims from, at least one (default 8).
	ChunkDivisor int
	// Warn is told of what a user should know that does not stop the run,
	// such as this host finding its work taken over after a pause.
	Warn func(string)
}

// DefaultLease is the lease when Options.Lease is 0.
const DefaultLease = 60 * time.Second

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("balance: closed")

// Balancer hands one host its jobs: its own share first, then jobs stolen
// from others and taken over from dead hosts. It is safe for concurrent use
// by the run loop's workers.
type Balancer struct {
	st       *store
	opts     Options
	interval time.Duration // between heartbeats
	idle     time.Duration // the longest wait between looks at the others while idle
	self     int           // this host's share
	idPos    map[string]pos

	mu        sync.Mutex
	me        string // this host's current incarnation
	seq       uint64 // makes every record this process writes unique
	shares    []*shareView
	incs      map[string]*incView
	incNext   []int // per machine, the next incarnation record to read
	queue     []pos // jobs this host owns and has not handed out, next first
	inflight  map[pos]bool
	joined    time.Time
	busy      time.Duration // from joining to the latest Done
	doneJobs  int
	doneCost  float64
	stole     int
	inherited int
	beatSeq   uint64
	observed  time.Time // when the others' heartbeats were last read
	// lastBeat is when this host's heartbeat was last written, on the
	// uptime clock; beatGap is set when two heartbeats were half a lease
	// apart or more, until a look at the fate file clears it.
	lastBeat time.Duration
	beatGap  bool
	closed   bool

	// The done maps this host writes to, by share (see done.go).
	doneMu    sync.Mutex
	doneOut   []*os.File
	doneDirty bool // written since the last sync

	stop   chan struct{}
	kick   chan struct{} // asks for a heartbeat now
	bgDone chan struct{}
}

// Join enters the sweep with the given digest in the shared folder dir as
// machine self. Every host must pass the same shares in the same order (the
// plan); self must be one of their machines. A host that joins again after a
// crash takes over its own earlier incarnations at once: the run loop's
// lock on the machine's results has already proven them gone.
func Join(dir, digest, self string, shares []Share, opts Options) (*Balancer, error) {
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.ChunkDivisor <= 0 {
		opts.ChunkDivisor = 8
	}
	b := &Balancer{
		opts: opts, self: -1, incs: map[string]*incView{},
		inflight: map[pos]bool{}, incNext: make([]int, len(shares)),
		interval: max(opts.Lease/8, 20*time.Millisecond),
		idle:     min(max(opts.Lease/40, 10*time.Millisecond), 100*time.Millisecond),
		stop:     make(chan struct{}), bgDone: make(chan struct{}), kick: make(chan struct{}, 1),
	}
	b.doneOut = make([]*os.File, len(shares))
	var err error
	if b.shares, b.idPos, err = viewShares(shares); err != nil {
		return nil, err
	}
	for i, s := range shares {
		if s.Machine == self {
			b.self = i
		}
	}
	if b.self < 0 {
		return nil, fmt.Errorf("machine %q has no share in the plan", self)
	}
	st, err := openStore(dir, digest)
	if err != nil {
		return nil, fmt.Errorf("balance folder %s: %w", dir, err)
	}
	b.st = st
	if err := b.checkPlan(shares); err != nil {
		return nil, err
	}
	if err := b.doneMaps(); err != nil {
		return nil, fmt.Errorf("balance folder %s: %w", dir, err)
	}
	b.mu.Lock()
	err = b.enter()
	b.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("balance folder %s: %w", dir, err)
	}
	go b.heartbeats()
	return b, nil
}

// checkPlan writes the share layout if this host is the first, and
// otherwise checks that the folder's layout is this host's.
func (b *Balancer) checkPlan(shares []Share) error {
	for i := range shares {
		if err := b.st.mkdir(claimName(i, 0) + "/.."); err != nil {
			return err
		}
		if err := b.st.mkdir(incName(i, 0) + "/.."); err != nil {
			return err
		}
	}
	want := encodePlan(shares)
	_, got, err := b.st.append(planFile, want)
	if err != nil {
		return fmt.Errorf("balance plan: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("balance folder %s holds another plan for this digest", b.st.root)
	}
	return nil
}

// enter reads the folder, registers a new incarnation of this host, and
// takes over this host's earlier incarnations.
func (b *Balancer) enter() error {
	b.joined = time.Now()
	for m := range b.shares {
		if err := b.readIncs(m); err != nil {
			return err
		}
	}
	for s := range b.shares {
		if err := b.readClaims(s); err != nil {
			return err
		}
	}
	if err := b.register(); err != nil {
		return err
	}
	for _, inc := range b.incs {
		if inc.machine != b.self || inc.id == b.me || inc.heir != "" {
			continue
		}
		// One that closed with nothing left needs no heir.
		raw, _, err := b.st.read(beatName(inc.id))
		if err != nil {
			return err
		}
		jobs, err := b.backlog(inc)
		if err != nil {
			return err
		}
		if h, ok := parseBeat(raw); ok && h.closed && len(jobs) == 0 {
			continue
		}
		if err := b.takeOver(inc); err != nil {
			return err
		}
	}
	return nil
}

// register makes a new incarnation of this host: its heartbeat first, so
// that every incarnation the others find has one, then its record.
func (b *Balancer) register() error {
	b.me = incID(b.self, nonce())
	b.queue = nil
	if err := b.st.publish(fateName(b.me), encodeFate(nil)); err != nil {
		return err
	}
	if err := b.st.publish(beatName(b.me), b.beatLocked().encode()); err != nil {
		return err
	}
	b.lastBeat, b.beatGap = uptime(), false
	host, _ := os.Hostname()
	rec := incRecord{inc: b.me, pid: os.Getpid(), host: host, lease: b.opts.Lease}.encode()
	for {
		won, _, err := b.st.append(incName(b.self, b.incNext[b.self]), rec)
		if err != nil {
			return err
		}
		if err := b.readIncs(b.self); err != nil {
			return err
		}
		if won {
			return nil
		}
	}
}

// Done records that the jobs finished (call it once their results are
// durable), so that no host runs them again, failed or not: one write of a
// byte per job.
func (b *Balancer) Done(ids ...string) error {
	ps := make([]pos, 0, len(ids))
	b.mu.Lock()
	now := time.Since(b.joined)
	for _, id := range ids {
		p, ok := b.idPos[id]
		if !ok {
			b.mu.Unlock()
			return fmt.Errorf("job %q is not in the plan", id)
		}
		v := b.shares[p.share]
		delete(b.inflight, p)
		if !v.done[p.index] {
			v.done[p.index] = true
			b.doneJobs++
			b.doneCost += v.cost(int(p.index), int(p.index)+1)
		}
		ps = append(ps, p)
	}
	b.busy = now
	idle := len(b.queue) == 0 && len(b.inflight) == 0
	b.mu.Unlock()
	err := b.markDone(ps)
	if idle {
		b.beatSoon()
	}
	return err
}

// Close stops the heartbeat and marks this host as gone: whatever it still
// held (an interrupted run) is taken over by the others at once.
func (b *Balancer) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	close(b.stop)
	<-b.bgDone
	err := errors.Join(b.syncDone(), b.closeDone())
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.beatLocked()
	h.closed = true
	return errors.Join(err, b.st.rewrite(beatName(b.me), h.encode()))
}

// Counts are what this host did through balance, for the run's summary.
type Counts struct {
	Done     int // jobs it marked done
	Stole    int // jobs it claimed from other machines' shares
	TookOver int // unfinished jobs it inherited from dead hosts (or its own earlier runs)
}

// Counts returns what this host did so far.
func (b *Balancer) Counts() Counts {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Counts{Done: b.doneJobs, Stole: b.stole, TookOver: b.inherited}
}

// PlannedMachine is the machine the plan gave a job to, for the results'
// planned_machine column.
func (b *Balancer) PlannedMachine(id string) (string, bool) {
	p, ok := b.idPos[id]
	if !ok {
		return "", false
	}
	return b.shares[p.share].machine, true
}

func (b *Balancer) machineOf(inc string) string {
	if m := incMachine(inc); m >= 0 && m < len(b.shares) {
		return b.shares[m].machine
	}
	return inc
}

func (b *Balancer) warn(msg string) {
	if b.opts.Warn != nil {
		b.opts.Warn(msg)
	}
}
