//go:build unix

package balance_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jobsplit/jobsplit/balance"
)

// TestLocalFolder runs the cases with every host on one local folder.
func TestLocalFolder(t *testing.T) {
	dir := t.TempDir()
	runCases(t, func(t *testing.T) ([]string, string) {
		d := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
		return []string{d}, d
	})
}

// runCases runs every case on fresh folders from folders: the views the
// hosts use, and the folder itself, for the test to look into.
func runCases(t *testing.T, folders func(t *testing.T) (views []string, backing string)) {
	cases := []struct {
		name string
		run  func(t *testing.T, views []string, backing string)
	}{
		{"one host alone runs its plan as without balance", aloneHost},
		{"every job claimed exactly once by 3 hosts", exactlyOnce},
		{"a 4x slower host is stolen from", slowHost},
		{"kill -9 of a host: its work is taken over", killedHost},
		{"a host paused past its lease notices and stops", pausedHost},
		{"the heir of a dead host dies too", deadHeir},
		{"a host that starts when the others are half done", lateHost},
		{"a restarted host skips what is done anywhere", restartedHost},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			views, backing := folders(t)
			c.run(t, views, backing)
		})
	}
}

func aloneHost(t *testing.T, views []string, _ string) {
	s := newSweep(t, views, 50, "BALANCE_MACHINES=1")
	h := s.start("m0")
	s.waitOK(h)
	runs := s.checkRuns()
	rows, err := os.ReadFile(filepath.Join(s.records, "m0."+strconv.Itoa(h.cmd.Process.Pid)+".rows"))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for j := range s.jobs {
		fmt.Fprintln(&want, jobID(j))
	}
	if string(rows) != want.String() || len(runs) != s.jobs {
		t.Errorf("alone, m0 ran in this order:\n%s\nwant the plan's order", rows)
	}
}

func exactlyOnce(t *testing.T, views []string, _ string) {
	s := newSweep(t, views, 600, "BALANCE_JOB_US=200", "BALANCE_WORKERS=2")
	s.waitOK(s.start("m0"), s.start("m1"), s.start("m2"))
	s.checkRuns()
}

func slowHost(t *testing.T, views []string, backing string) {
	s := newSweep(t, views, 150, "BALANCE_JOB_US=5000")
	s.waitOK(s.start("m0", "BALANCE_SLOW=4"), s.start("m1"), s.start("m2"))
	runs := s.checkRuns()
	stolen := 0
	for j := 0; j < s.jobs; j += 3 { // m0's share
		if h := runs[jobID(j)]; len(h) == 1 && !strings.HasPrefix(h[0], "m0.") {
			stolen++
		}
	}
	if stolen == 0 {
		t.Errorf("the fast hosts stole none of the slow host's 50 jobs")
	}
	st, err := balance.ReadStatus(context.Background(), backing, "d1", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Machines[0].StolenFrom; got != stolen {
		t.Errorf("status says %d jobs stolen from m0, the rows say %d", got, stolen)
	}
	for _, m := range st.Machines {
		if m.Unclaimed != 0 || m.Running != 0 || m.Queued != 0 {
			t.Errorf("status of %s after the sweep: %+v", m.Machine, m)
		}
	}
}

func killedHost(t *testing.T, views []string, _ string) {
	s := newSweep(t, views, 90, "BALANCE_JOB_US=20000", "BALANCE_LEASE_MS=2000")
	victim := s.start("m1", "BALANCE_HOLD_AT=5")
	others := []*host{s.start("m0"), s.start("m2")}
	waitFor(t, "m1 to hold its fifth job", func() bool { return fileExists(filepath.Join(s.records, "m1.holding")) })
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.waitOK(others...)
	s.checkRuns()
}

func pausedHost(t *testing.T, views []string, backing string) {
	s := newSweep(t, views, 90, "BALANCE_JOB_US=20000", "BALANCE_LEASE_MS=2000")
	victim := s.start("m1", "BALANCE_HOLD_AT=5")
	others := []*host{s.start("m0"), s.start("m2")}
	holding := filepath.Join(s.records, "m1.holding")
	waitFor(t, "m1 to hold its fifth job", func() bool { return fileExists(holding) })
	if err := victim.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a takeover of m1", func() bool {
		taken, _ := filepath.Glob(filepath.Join(backing, "d1", "takeover", "1.*"))
		return len(taken) > 0
	})
	s.waitOK(others...)
	if err := os.WriteFile(filepath.Join(s.records, "release"), nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := victim.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	s.waitOK(victim)
	held, err := os.ReadFile(holding)
	if err != nil {
		t.Fatal(err)
	}
	s.checkRuns(string(held))
	warned, _ := filepath.Glob(filepath.Join(s.records, "m1.*.warn"))
	if len(warned) != 1 {
		t.Fatalf("want one warnings file of m1, have %v", warned)
	}
	if text, _ := os.ReadFile(warned[0]); !strings.Contains(string(text), "took over") {
		t.Errorf("m1 did not report that its work was taken over; it said: %q", text)
	}
}

// deadHeir kills a host, then the host that took over its work: the last
// one takes over both, and still every job runs exactly once. The
// survivors run two workers, one of which waits, holding a job, until the
// end, so that the other is the one that takes over.
func deadHeir(t *testing.T, views []string, backing string) {
	s := newSweep(t, views, 90, "BALANCE_JOB_US=20000", "BALANCE_LEASE_MS=2000")
	first := s.start("m1", "BALANCE_HOLD_AT=5")
	hosts := map[string]*host{
		"0": s.start("m0", "BALANCE_HOLD_AT=8", "BALANCE_WORKERS=2"),
		"2": s.start("m2", "BALANCE_HOLD_AT=8", "BALANCE_WORKERS=2"),
	}
	waitFor(t, "m1 to hold its fifth job", func() bool { return fileExists(filepath.Join(s.records, "m1.holding")) })
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	heirOf := func(machine string) string {
		taken, _ := filepath.Glob(filepath.Join(backing, "d1", "takeover", machine+".*"))
		if len(taken) == 0 {
			return ""
		}
		raw, _ := os.ReadFile(taken[0])
		if f := strings.Fields(string(raw)); len(f) == 4 {
			return strings.SplitN(f[1], ".", 2)[0]
		}
		return ""
	}
	var heir string
	waitFor(t, "a takeover of m1", func() bool { heir = heirOf("1"); return heir != "" })
	if err := hosts[heir].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a takeover of m"+heir, func() bool { return heirOf(heir) != "" })
	if err := os.WriteFile(filepath.Join(s.records, "release"), nil, 0o666); err != nil {
		t.Fatal(err)
	}
	survivor := hosts[map[string]string{"0": "2", "2": "0"}[heir]]
	s.waitOK(survivor)
	s.checkRuns()
}

func lateHost(t *testing.T, views []string, _ string) {
	s := newSweep(t, views, 120, "BALANCE_JOB_US=10000")
	early := []*host{s.start("m0"), s.start("m1")}
	waitFor(t, "half the jobs done", func() bool { return s.rowCount() >= s.jobs/2 })
	late := s.start("m2")
	s.waitOK(append(early, late)...)
	s.checkRuns()
}

func restartedHost(t *testing.T, views []string, _ string) {
	s := newSweep(t, views, 90, "BALANCE_JOB_US=10000", "BALANCE_LEASE_MS=2000")
	crashed := s.start("m0", "BALANCE_EXIT_AFTER=5")
	others := []*host{s.start("m1"), s.start("m2")}
	if code := s.wait(crashed); code != 3 {
		t.Fatalf("m0 exited %d, want its crash (3); stderr:\n%s", code, crashed.stderr)
	}
	s.waitOK(append(others, s.start("m0"))...)
	s.checkRuns()
	// Once all is done, a host started again runs nothing.
	again := s.start("m1")
	s.waitOK(again)
	rows, err := os.ReadFile(filepath.Join(s.records, "m1."+strconv.Itoa(again.cmd.Process.Pid)+".rows"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 0 {
		t.Errorf("m1 started after the sweep ran jobs again: %q", rows)
	}
}

func jobID(j int) string { return fmt.Sprintf("j%04d", j) }
