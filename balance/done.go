package balance

// writeDone puts finished jobs into this incarnation's next done list and
// returns once that list is published. While one list is being written,
// the jobs of concurrent calls gather and go out together in the next, so
// a slow shared folder costs one write per group, not per job.
func (b *Balancer) writeDone(ps []pos) error {
	b.doneMu.Lock()
	defer b.doneMu.Unlock()
	b.donePending = append(b.donePending, ps...)
	b.doneTicket++
	ticket := b.doneTicket
	for b.doneWritten < ticket {
		if b.doneWriting {
			b.doneCond.Wait()
			continue
		}
		b.doneWriting = true
		batch, upTo := b.donePending, b.doneTicket
		b.donePending = nil
		b.doneMu.Unlock()
		err := b.publishDone(batch)
		b.doneMu.Lock()
		b.doneWriting = false
		b.doneWritten = upTo
		if err != nil && b.doneErr == nil {
			b.doneErr = err
		}
		b.doneCond.Broadcast()
	}
	// A folder that failed one write is not trusted with the next: the
	// error sticks, and the run loop stops.
	return b.doneErr
}

// publishDone writes one done list of the current incarnation.
func (b *Balancer) publishDone(ps []pos) error {
	b.mu.Lock()
	name := doneName(b.me, b.doneOut)
	b.doneOut++
	b.mu.Unlock()
	return b.st.publish(name, encodeDone(ps))
}
