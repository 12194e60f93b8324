//go:build unix

package balance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/balance"
)

// TestReadStatus reads the state of a sweep from the folder alone: one host
// that ran everything and left, one alive that was stolen from, and then a
// restart of the latter that took over its first incarnation.
func TestReadStatus(t *testing.T) {
	dir := t.TempDir()
	shares := []balance.Share{{Machine: "m0", Weight: 1}, {Machine: "m1", Weight: 1}}
	for j := range 12 {
		shares[j%2].Jobs = append(shares[j%2].Jobs, fmt.Sprintf("j%d", j))
	}
	opts := balance.Options{Lease: 400 * time.Millisecond}
	idle, err := balance.Join(dir, "d", "m1", shares, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	worker, err := balance.Join(dir, "d", "m0", shares, opts)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for {
		id, ok, err := worker.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if err := worker.Done(id); err != nil {
			t.Fatal(err)
		}
		ran++
	}
	if err := worker.Close(); err != nil {
		t.Fatal(err)
	}
	if ran != 12 {
		t.Fatalf("m0 ran %d jobs; with m1 idle it should have stolen all 6 of m1's", ran)
	}
	if c := worker.Counts(); c != (balance.Counts{Done: 12, Stole: 6}) {
		t.Errorf("m0's counts: %+v", c)
	}

	st := statusWhen(t, dir, func(st *balance.Status) bool { return st.Machines[1].Hosts[0].State == balance.Alive })
	m0, m1 := st.Machines[0], st.Machines[1]
	if m0.Planned != 6 || m0.Done != 12 || m0.Stole != 6 || m0.Unclaimed != 0 || m0.Left() != 0 {
		t.Errorf("m0: %+v", m0)
	}
	if m1.Planned != 6 || m1.Done != 0 || m1.StolenFrom != 6 || m1.Unclaimed != 0 {
		t.Errorf("m1: %+v", m1)
	}
	if len(m0.Hosts) != 1 || m0.Hosts[0].State != balance.Closed {
		t.Errorf("m0 hosts: %+v", m0.Hosts)
	}

	restarted, err := balance.Join(dir, "d", "m1", shares, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer restarted.Close()
	st = statusWhen(t, dir, func(st *balance.Status) bool {
		h := st.Machines[1].Hosts
		return len(h) == 2 && h[1].State == balance.Alive
	})
	if h := st.Machines[1].Hosts; h[0].State != balance.TakenOver || st.Machines[1].TakenOver != 0 {
		t.Errorf("after a restart of m1, its first incarnation: %+v; taken over from m1: %d (a restart's own takeover does not count)",
			h[0], st.Machines[1].TakenOver)
	}
}

// statusWhen reads the status until cond holds: whether a heartbeat changed
// while watched depends on the scheduler, so the test waits for it.
func statusWhen(t *testing.T, dir string, cond func(*balance.Status) bool) *balance.Status {
	t.Helper()
	var st *balance.Status
	waitFor(t, "the status", func() bool {
		var err error
		if st, err = balance.ReadStatus(context.Background(), dir, "d", 0); err != nil {
			t.Fatal(err)
		}
		return cond(st)
	})
	return st
}
