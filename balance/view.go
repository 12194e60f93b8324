package balance

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// shareView is what this host knows of one machine's planned share: which
// jobs nobody has claimed yet (front to back), how far its claim log has
// been read, and which jobs are known to be done.
type shareView struct {
	machine string
	weight  float64
	ids     []string
	// prefix[i] is the cost of the share's first i jobs.
	prefix      []float64
	front, back int // the unclaimed jobs are [front, back)
	logNext     int // the next claim record to read
	done        []bool
}

func (s *shareView) unclaimed() int { return s.back - s.front }

func (s *shareView) cost(from, to int) float64 { return s.prefix[to] - s.prefix[from] }

// viewShares makes the views of the planned shares, and the index from job
// id to place.
func viewShares(shares []Share) ([]*shareView, map[string]pos, error) {
	views := make([]*shareView, len(shares))
	idPos := map[string]pos{}
	for i, s := range shares {
		if s.Costs != nil && len(s.Costs) != len(s.Jobs) {
			return nil, nil, fmt.Errorf("share of %s: %d costs for %d jobs", s.Machine, len(s.Costs), len(s.Jobs))
		}
		v := &shareView{machine: s.Machine, weight: s.Weight, ids: s.Jobs, back: len(s.Jobs),
			prefix: make([]float64, len(s.Jobs)+1), done: make([]bool, len(s.Jobs))}
		for j, id := range s.Jobs {
			if _, dup := idPos[id]; dup {
				return nil, nil, fmt.Errorf("job %q is planned twice", id)
			}
			idPos[id] = pos{int32(i), int32(j)}
			c := 1.0
			if s.Costs != nil {
				c = s.Costs[j]
			}
			v.prefix[j+1] = v.prefix[j] + c
		}
		views[i] = v
	}
	return views, idPos, nil
}

// span is a run of a share's jobs that one claim took.
type span struct{ share, from, to int32 }

// pending moves a span's start past the jobs known done, which are most of
// them in the order claims run, so that an idle host's looks at the claims
// cost little more than the jobs still open.
func (sp *span) pending(v *shareView) (from, to int32) {
	for sp.from < sp.to && v.done[sp.from] {
		sp.from++
	}
	return sp.from, sp.to
}

// incView is what this host knows of one incarnation: a process that
// joined the sweep as some machine.
type incView struct {
	id      string
	machine int
	claims  []span
	// heir is the incarnation that took this one over, once known.
	heir      string
	takenJobs int

	// What its heartbeat showed, and when (on this host's clock) its
	// content last changed.
	last    []byte
	changed time.Time
	info    beat
	infoOK  bool
}

// incID names an incarnation: its machine's index and a random nonce.
func incID(machine int, n string) string { return strconv.Itoa(machine) + "." + n }

// incMachine is the machine index inside an incarnation's name, or -1.
func incMachine(id string) int {
	m, _, ok := strings.Cut(id, ".")
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(m)
	if err != nil {
		return -1
	}
	return i
}

func claimName(share, n int) string {
	return path.Join(claimDir, strconv.Itoa(share), strconv.Itoa(n))
}
func incName(machine, n int) string {
	return path.Join(incDir, strconv.Itoa(machine), strconv.Itoa(n))
}
func doneFile(share int) string      { return path.Join(doneDir, strconv.Itoa(share)) }
func beatName(inc string) string     { return path.Join(beatDir, inc) }
func takeoverName(inc string) string { return path.Join(takeoverDir, inc) }
func fateName(inc string) string     { return path.Join(fateDir, inc) }

// applyClaim replays one claim record on a share: the same records in the
// same order give every host the same answer to who took which jobs.
func applyClaim(s *shareView, rec claimRecord) (from, to int) {
	n := min(rec.count, s.unclaimed())
	if rec.back {
		from, to = s.back-n, s.back
		s.back -= n
	} else {
		from, to = s.front, s.front+n
		s.front += n
	}
	return from, to
}
