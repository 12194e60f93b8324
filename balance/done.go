package balance

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Done jobs are marked in one file per share, done/<share>: a byte per job
// of the share, 1 once it is done. The file has its final size from the
// start, so that a reader never holds a stale length (sshfs and NFS cache
// sizes), and marking a job is one write of one byte, a cost per job that
// creating a file per job (milliseconds on a journalling disk, more on
// sshfs) would not allow.

// doneMaps makes sure every share's done map exists: the first host writes
// each one in full under a temporary name and links it into place; a host
// that finds it made by another checks its size.
func (b *Balancer) doneMaps() error {
	for s, v := range b.shares {
		if len(v.ids) == 0 {
			continue
		}
		name := doneFile(s)
		size := int64(len(v.ids))
		if fi, err := os.Stat(b.st.path(name)); err == nil && fi.Size() == size {
			continue
		}
		tmp, err := b.st.writeTemp(nil)
		if err != nil {
			return err
		}
		err = os.Truncate(tmp, size)
		if err == nil {
			err = os.Link(tmp, b.st.path(name))
		}
		os.Remove(tmp)
		fi, statErr := os.Stat(b.st.path(name))
		if statErr != nil {
			return errors.Join(err, statErr)
		}
		if fi.Size() != size {
			return fmt.Errorf("%s has %d bytes, want one for each of the share's %d jobs", b.st.path(name), fi.Size(), size)
		}
	}
	return nil
}

// markDone writes the done bytes of jobs, opening the shares' maps once.
func (b *Balancer) markDone(ps []pos) error {
	b.doneMu.Lock()
	defer b.doneMu.Unlock()
	for _, p := range ps {
		f := b.doneOut[p.share]
		if f == nil {
			var err error
			if f, err = os.OpenFile(b.st.path(doneFile(int(p.share))), os.O_WRONLY, 0); err != nil {
				return err
			}
			b.doneOut[p.share] = f
		}
		if _, err := f.WriteAt([]byte{1}, int64(p.index)); err != nil {
			return err
		}
		b.doneDirty = true
	}
	return nil
}

// syncDone pushes the done bytes written since the last heartbeat to the
// file server: an NFS client may hold them back until then.
func (b *Balancer) syncDone() error {
	b.doneMu.Lock()
	defer b.doneMu.Unlock()
	if !b.doneDirty {
		return nil
	}
	b.doneDirty = false
	var errs []error
	for _, f := range b.doneOut {
		if f != nil {
			errs = append(errs, f.Sync())
		}
	}
	return errors.Join(errs...)
}

// closeDone closes the shares' done maps.
func (b *Balancer) closeDone() error {
	b.doneMu.Lock()
	defer b.doneMu.Unlock()
	var errs []error
	for i, f := range b.doneOut {
		if f != nil {
			errs = append(errs, f.Close())
			b.doneOut[i] = nil
		}
	}
	return errors.Join(errs...)
}

// readAllDone reads which claimed jobs are done, from the done maps. Only
// the part of each share between its first and last claimed job not yet
// known done is read: at the end of a sweep that is a few bytes.
func (b *Balancer) readAllDone() error {
	lo := make([]int32, len(b.shares))
	hi := make([]int32, len(b.shares))
	for s := range lo {
		lo[s], hi[s] = -1, -1
	}
	for _, inc := range b.incs {
		for k := range inc.claims {
			sp := &inc.claims[k]
			v := b.shares[sp.share]
			from, to := sp.pending(v)
			for i := from; i < to; i++ {
				if !v.done[i] {
					if lo[sp.share] < 0 || i < lo[sp.share] {
						lo[sp.share] = i
					}
					hi[sp.share] = max(hi[sp.share], i+1)
				}
			}
		}
	}
	for s, v := range b.shares {
		if lo[s] < 0 {
			continue
		}
		buf, err := readRange(b.st.path(doneFile(s)), int64(lo[s]), int(hi[s]-lo[s]))
		if err != nil {
			return err
		}
		for i, c := range buf {
			if c != 0 {
				v.done[int(lo[s])+i] = true
			}
		}
	}
	return nil
}

// readRange reads n bytes at off from a file opened afresh, which is what
// makes NFS and sshfs fetch what other clients wrote.
func readRange(name string, off int64, n int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	got, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:got], nil
}
