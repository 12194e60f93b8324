package pool

// AppendIDs appends the ids of the jobs idx (positions in id order) to
// dst, appending to ends where each id ends in dst. It is AppendID for
// many jobs at once: reading one job's id is a cache miss for its record
// and another for its row, one after the other, and on millions of jobs
// that is most of the time; here the records of a batch are read first,
// then the rows, in loops whose misses overlap.
func (p *Pool) AppendIDs(dst []byte, ends []int, idx []int32) ([]byte, []int) {
	if p.hashed() || p.idColumn != 0 || p.kind != csvPool {
		for _, i := range idx {
			dst = p.AppendID(dst, int(i))
			ends = append(ends, len(dst))
		}
		return dst, ends
	}
	const batch = 64
	var at [batch]uint32
	var first [batch]byte
	for len(idx) > 0 {
		n := min(len(idx), batch)
		for k, i := range idx[:n] {
			at[k] = p.refs[i].at
		}
		for k := range n {
			if int(at[k]) < len(p.text) {
				first[k] = p.text[at[k]]
			}
		}
		for k, i := range idx[:n] {
			if int(at[k]) < len(p.text) && first[k] != '"' {
				dst = p.AppendID(dst, int(i)) // its record and row are in the cache now
			} else {
				dst = append(dst, p.ids[p.refs[i].key]...)
			}
			ends = append(ends, len(dst))
		}
		idx = idx[n:]
	}
	return dst, ends
}
