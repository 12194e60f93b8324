package balance

import "time"

// readIncs reads the new records of a machine's incarnation log.
func (b *Balancer) readIncs(m int) error {
	for {
		raw, ok, err := b.st.read(incName(m, b.incNext[m]))
		if err != nil || !ok {
			return err
		}
		rec, err := parseInc(raw)
		if err != nil {
			return err
		}
		b.incNext[m]++
		b.incOf(rec.inc)
	}
}

// incOf is the view of an incarnation, made on first sight: its first
// observation starts its lease on this host's clock.
func (b *Balancer) incOf(id string) *incView {
	inc, ok := b.incs[id]
	if !ok {
		inc = &incView{id: id, machine: incMachine(id), changed: time.Now()}
		b.incs[id] = inc
	}
	return inc
}

// readClaims reads the new records of a share's claim log.
func (b *Balancer) readClaims(s int) error {
	for {
		raw, ok, err := b.st.read(claimName(s, b.shares[s].logNext))
		if err != nil || !ok {
			return err
		}
		if _, _, err := b.applyRecord(s, raw); err != nil {
			return err
		}
	}
}

// applyRecord replays the next record of share s's claim log, and queues
// the jobs it took when they are this host's.
func (b *Balancer) applyRecord(s int, raw []byte) (from, to int, err error) {
	rec, err := parseClaim(raw)
	if err != nil {
		return 0, 0, err
	}
	v := b.shares[s]
	v.logNext++
	from, to = applyClaim(v, rec)
	if from == to {
		return from, to, nil
	}
	inc := b.incOf(rec.inc)
	inc.claims = append(inc.claims, span{int32(s), int32(from), int32(to)})
	if b.resolve(inc.id) == b.me {
		for i := from; i < to; i++ {
			b.queue = append(b.queue, pos{int32(s), int32(i)})
		}
	}
	return from, to, nil
}

// resolve follows takeovers from an incarnation to the one that now owns
// its claims.
func (b *Balancer) resolve(id string) string {
	for range len(b.incs) + 1 {
		inc, ok := b.incs[id]
		if !ok || inc.heir == "" {
			return id
		}
		id = inc.heir
	}
	return id
}

// probeTakeover reads whether inc was taken over, and by whom.
func (b *Balancer) probeTakeover(inc *incView) error {
	if inc.heir != "" {
		return nil
	}
	raw, ok, err := b.st.read(takeoverName(inc.id))
	if err != nil || !ok {
		return err
	}
	rec, err := parseTakeover(raw)
	if err != nil {
		return err
	}
	b.settle(inc, rec)
	// An heir that died between its takeover and the rewrite of the fate
	// file would leave the incarnation thinking itself alive: anyone who
	// finds the takeover writes the same fate.
	if fate, ok, err := b.st.read(fateName(inc.id)); err == nil && ok && parseFate(fate) == nil {
		return b.st.rewrite(fateName(inc.id), encodeFate(&rec))
	}
	return nil
}

// settle records a takeover.
func (b *Balancer) settle(inc *incView, rec takeoverRecord) {
	inc.heir, inc.takenJobs = rec.heir, rec.jobs
	b.incOf(rec.heir)
}

// backlog lists the jobs claimed by inc, or by incarnations it inherited
// from, that the done maps do not show finished. It reads the maps, which
// only an idle host does.
func (b *Balancer) backlog(inc *incView) ([]pos, error) {
	if err := b.readAllDone(); err != nil {
		return nil, err
	}
	return b.knownBacklog(inc), nil
}

// knownBacklog is backlog as far as the done lists read so far show.
func (b *Balancer) knownBacklog(inc *incView) []pos {
	var out []pos
	for _, m := range b.incs {
		if b.resolve(m.id) != inc.id {
			continue
		}
		for k := range m.claims {
			sp := &m.claims[k]
			v := b.shares[sp.share]
			from, to := sp.pending(v)
			for i := from; i < to; i++ {
				if !v.done[i] {
					out = append(out, pos{sp.share, i})
				}
			}
		}
	}
	return out
}

// takeOver claims a dead incarnation's unfinished jobs with one link of
// takeover/<inc>: of several survivors, exactly one becomes its heir.
func (b *Balancer) takeOver(inc *incView) error {
	jobs, err := b.backlog(inc)
	if err != nil {
		return err
	}
	b.seq++
	rec := takeoverRecord{heir: b.me, seq: b.seq, jobs: len(jobs)}
	won, raw, err := b.st.append(takeoverName(inc.id), rec.encode())
	if err != nil {
		return err
	}
	got, err := parseTakeover(raw)
	if err != nil {
		return err
	}
	b.settle(inc, got)
	if won {
		// Tell the incarnation, should it wake up, before running any of
		// its jobs.
		if err := b.st.rewrite(fateName(inc.id), encodeFate(&got)); err != nil {
			return err
		}
		b.queue = append(b.queue, jobs...)
		b.inherited += len(jobs)
	}
	return nil
}

// takeOverDead takes over the first dead incarnation that holds unfinished
// jobs and that nobody took over yet. It reports whether this host got jobs.
func (b *Balancer) takeOverDead() (bool, error) {
	for _, inc := range b.incs {
		if inc.id == b.me || inc.heir != "" || !b.dead(inc) {
			continue
		}
		if err := b.probeTakeover(inc); err != nil || inc.heir != "" {
			if err != nil {
				return false, err
			}
			continue
		}
		jobs, err := b.backlog(inc)
		if err != nil {
			return false, err
		}
		if len(jobs) == 0 {
			continue
		}
		before := len(b.queue)
		if err := b.takeOver(inc); err != nil {
			return false, err
		}
		if len(b.queue) > before {
			return true, nil
		}
	}
	return false, nil
}

// finished reports whether nothing is left that this host might yet have to
// run: no unclaimed job anywhere, and every claimed job of every other host
// shown done. A host's own word that it holds nothing is not enough: it
// may have claimed since, and die before it runs what it claimed.
func (b *Balancer) finished() (bool, error) {
	for _, v := range b.shares {
		if v.unclaimed() > 0 {
			return false, nil
		}
	}
	if err := b.readAllDone(); err != nil {
		return false, err
	}
	for _, inc := range b.incs {
		if inc.id != b.me && inc.heir == "" && len(b.knownBacklog(inc)) > 0 {
			return false, nil
		}
	}
	return true, nil
}
