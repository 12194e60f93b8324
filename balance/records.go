package balance

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The records balance writes are short lines of text, so that a person can
// read the folder with cat. Every record a host appends carries its
// incarnation and a sequence number, which makes its content unique: that is
// what the read-back after a link compares.

// claimRecord is one entry of a share's claim log: the incarnation took
// count jobs from the front (its own share) or the back (a steal).
type claimRecord struct {
	inc   string
	seq   uint64
	back  bool
	count int
}

func (c claimRecord) encode() []byte {
	side := "front"
	if c.back {
		side = "back"
	}
	return fmt.Appendf(nil, "claim %s %d %s %d\n", c.inc, c.seq, side, c.count)
}

func parseClaim(b []byte) (claimRecord, error) {
	f := strings.Fields(string(b))
	if len(f) != 5 || f[0] != "claim" || (f[3] != "front" && f[3] != "back") {
		return claimRecord{}, fmt.Errorf("bad claim record %q", b)
	}
	seq, err1 := strconv.ParseUint(f[2], 10, 64)
	count, err2 := strconv.Atoi(f[4])
	if err1 != nil || err2 != nil || count < 0 {
		return claimRecord{}, fmt.Errorf("bad claim record %q", b)
	}
	return claimRecord{inc: f[1], seq: seq, back: f[3] == "back", count: count}, nil
}

// incRecord is one entry of a machine's incarnation log: a process that
// joined the sweep as that machine.
type incRecord struct {
	inc  string
	pid  int
	host string
	// lease is the incarnation's lease: status watches a heartbeat for a
	// fraction of it.
	lease time.Duration
}

func (r incRecord) encode() []byte {
	return fmt.Appendf(nil, "incarnation %s %d %s %d\n", r.inc, r.pid, sanitize(r.host), r.lease.Milliseconds())
}

func parseInc(b []byte) (incRecord, error) {
	f := strings.Fields(string(b))
	if len(f) != 5 || f[0] != "incarnation" {
		return incRecord{}, fmt.Errorf("bad incarnation record %q", b)
	}
	pid, err1 := strconv.Atoi(f[2])
	ms, err2 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil {
		return incRecord{}, fmt.Errorf("bad incarnation record %q", b)
	}
	return incRecord{inc: f[1], pid: pid, host: f[3], lease: time.Duration(ms) * time.Millisecond}, nil
}

// takeoverRecord names the heir of a dead incarnation and how many jobs it
// took over (for status).
type takeoverRecord struct {
	heir string
	seq  uint64
	jobs int
}

func (t takeoverRecord) encode() []byte {
	return fmt.Appendf(nil, "takeover %s %d %d\n", t.heir, t.seq, t.jobs)
}

func parseTakeover(b []byte) (takeoverRecord, error) {
	f := strings.Fields(string(b))
	if len(f) != 4 || f[0] != "takeover" {
		return takeoverRecord{}, fmt.Errorf("bad takeover record %q", b)
	}
	seq, err1 := strconv.ParseUint(f[2], 10, 64)
	jobs, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil {
		return takeoverRecord{}, fmt.Errorf("bad takeover record %q", b)
	}
	return takeoverRecord{heir: f[1], seq: seq, jobs: jobs}, nil
}

// pos is a job's place in the plan: its share and its index in that share.
type pos struct{ share, index int32 }

// beat is what a heartbeat says besides the fact that it changed: enough
// for the others to estimate the host's time left and to know when it holds
// nothing more.
type beat struct {
	seq         uint64
	inflight    int     // jobs handed out and not yet done
	backlog     int     // jobs it owns and has not finished, inflight included
	backlogCost float64 // their cost
	doneJobs    int
	doneCost    float64
	busy        float64 // seconds it worked for doneCost, on its own clock (see busySeconds)
	closed      bool    // it left the sweep (Close)
}

// beatSize is the fixed size of a heartbeat file: it is rewritten in place,
// and a fixed size means no reader ever holds a stale length.
const beatSize = 192

func (h beat) encode() []byte {
	closed := 0
	if h.closed {
		closed = 1
	}
	b := fmt.Appendf(make([]byte, 0, beatSize), "beat %d %d %d %g %d %g %g %d",
		h.seq, h.inflight, h.backlog, h.backlogCost, h.doneJobs, h.doneCost, h.busy, closed)
	for len(b) < beatSize-1 {
		b = append(b, ' ')
	}
	return append(b[:beatSize-1], '\n')
}

func parseBeat(b []byte) (beat, bool) {
	f := strings.Fields(string(b))
	if len(f) != 9 || f[0] != "beat" {
		return beat{}, false
	}
	var h beat
	var err [8]error
	h.seq, err[0] = strconv.ParseUint(f[1], 10, 64)
	h.inflight, err[1] = strconv.Atoi(f[2])
	h.backlog, err[2] = strconv.Atoi(f[3])
	h.backlogCost, err[3] = strconv.ParseFloat(f[4], 64)
	h.doneJobs, err[4] = strconv.Atoi(f[5])
	h.doneCost, err[5] = strconv.ParseFloat(f[6], 64)
	h.busy, err[6] = strconv.ParseFloat(f[7], 64)
	h.closed = f[8] == "1"
	for _, e := range err {
		if e != nil {
			return beat{}, false
		}
	}
	return h, true
}

// planRecord is the share layout, written once by the first host to join,
// so that status can read the sweep from the folder alone.
func encodePlan(shares []Share) []byte {
	b := []byte("jobsplit balance 1\n")
	for _, s := range shares {
		b = fmt.Appendf(b, "share %d %g %g %s\n", len(s.Jobs), s.Weight, totalCost(s), strconv.Quote(s.Machine))
	}
	return b
}

// plannedShare is a share as the plan record gives it.
type plannedShare struct {
	machine string
	jobs    int
	weight  float64
	cost    float64
}

func parsePlan(b []byte) ([]plannedShare, error) {
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) == 0 || lines[0] != "jobsplit balance 1" {
		return nil, fmt.Errorf("not a balance plan of this version")
	}
	var out []plannedShare
	for _, line := range lines[1:] {
		f := strings.SplitN(line, " ", 5)
		if len(f) != 5 || f[0] != "share" {
			return nil, fmt.Errorf("bad plan line %q", line)
		}
		jobs, err1 := strconv.Atoi(f[1])
		weight, err2 := strconv.ParseFloat(f[2], 64)
		cost, err3 := strconv.ParseFloat(f[3], 64)
		name, err4 := strconv.Unquote(f[4])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return nil, fmt.Errorf("bad plan line %q", line)
		}
		out = append(out, plannedShare{machine: name, jobs: jobs, weight: weight, cost: cost})
	}
	return out, nil
}

// fateSize is the fixed size of a fate file. An incarnation learns that it
// was taken over from the content of this file, which always exists: a
// lookup of a name that may not exist yet could be answered from an NFS
// client's cache of missing names.
const fateSize = 96

// encodeFate is "alive", or the takeover that ended the incarnation.
func encodeFate(t *takeoverRecord) []byte {
	b := []byte("alive")
	if t != nil {
		b = fmt.Appendf(nil, "taken %s %d", t.heir, t.jobs)
	}
	for len(b) < fateSize-1 {
		b = append(b, ' ')
	}
	return append(b[:fateSize-1], '\n')
}

// parseFate returns the takeover a fate file records, or nil.
func parseFate(b []byte) *takeoverRecord {
	f := strings.Fields(string(b))
	if len(f) != 3 || f[0] != "taken" {
		return nil
	}
	jobs, err := strconv.Atoi(f[2])
	if err != nil {
		return nil
	}
	return &takeoverRecord{heir: f[1], jobs: jobs}
}
