//go:build unix

package balance_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sweep is one test sweep: host processes sharing a folder, each through
// one of the views (one folder locally; two sshfs mounts of it).
type sweep struct {
	t       testing.TB
	views   []string // the shared folder as each host sees it
	records string   // where hosts write the rows of the jobs they ran
	env     []string
	jobs    int
	hosts   []*host
}

// host is one host process.
type host struct {
	machine string
	cmd     *exec.Cmd
	done    chan error
	stderr  *strings.Builder
}

// deadline bounds every wait of the tests: a correct sweep takes seconds.
const deadline = 60 * time.Second

func newSweep(t testing.TB, views []string, jobs int, env ...string) *sweep {
	s := &sweep{t: t, views: views, records: t.TempDir(), jobs: jobs}
	s.env = append([]string{"TEST_BALANCE_HOST=1", "BALANCE_RECORDS=" + s.records,
		fmt.Sprintf("BALANCE_JOBS=%d", jobs)}, env...)
	t.Cleanup(func() {
		for _, h := range s.hosts {
			select {
			case err := <-h.done: // exited
				h.done <- err
			default:
				_ = h.cmd.Process.Signal(syscall.SIGCONT)
				_ = h.cmd.Process.Kill()
				<-h.done
			}
		}
	})
	return s
}

// start starts a host process as machine m%3, through view i%len(views).
func (s *sweep) start(machine string, env ...string) *host {
	view := s.views[len(s.hosts)%len(s.views)]
	exe, err := os.Executable()
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(append(append(os.Environ(), s.env...), "BALANCE_DIR="+view, "BALANCE_MACHINE="+machine), env...)
	h := &host{machine: machine, cmd: cmd, done: make(chan error, 1), stderr: &strings.Builder{}}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	go func() { h.done <- cmd.Wait() }()
	s.hosts = append(s.hosts, h)
	return h
}

// wait waits for a host to exit and returns its exit code.
func (s *sweep) wait(h *host) int {
	s.t.Helper()
	select {
	case err := <-h.done:
		h.done <- err
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				return ee.ExitCode()
			}
			s.t.Fatalf("%s: %v", h.machine, err)
		}
		return 0
	case <-time.After(deadline):
		s.t.Fatalf("%s did not finish within %v; stderr:\n%s", h.machine, deadline, h.stderr)
	}
	return -1
}

// waitOK waits for every host still running to exit with status 0.
func (s *sweep) waitOK(hosts ...*host) {
	s.t.Helper()
	for _, h := range hosts {
		if code := s.wait(h); code != 0 {
			s.t.Fatalf("%s exited %d; stderr:\n%s", h.machine, code, h.stderr)
		}
	}
}

// runs maps each job id to the hosts (machine.pid) that ran it.
func (s *sweep) runs() map[string][]string {
	s.t.Helper()
	out := map[string][]string{}
	files, _ := filepath.Glob(filepath.Join(s.records, "*.rows"))
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			s.t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			host := strings.TrimSuffix(filepath.Base(name), ".rows")
			out[sc.Text()] = append(out[sc.Text()], host)
		}
		f.Close()
	}
	return out
}

// checkRuns checks that every job ran, and only the jobs in twice ran more
// than once (at most twice).
func (s *sweep) checkRuns(twice ...string) map[string][]string {
	s.t.Helper()
	runs := s.runs()
	allowed := map[string]bool{}
	for _, id := range twice {
		allowed[id] = true
	}
	for j := range s.jobs {
		id := fmt.Sprintf("j%04d", j)
		switch n := len(runs[id]); {
		case n == 0:
			s.t.Errorf("job %s never ran", id)
		case n == 2 && allowed[id]:
		case n > 1:
			s.t.Errorf("job %s ran %d times: %v", id, n, runs[id])
		}
	}
	if len(runs) != s.jobs {
		s.t.Errorf("%d distinct jobs ran, want %d", len(runs), s.jobs)
	}
	return runs
}

// rowCount is how many rows the hosts wrote so far.
func (s *sweep) rowCount() int {
	n := 0
	for _, hosts := range s.runs() {
		n += len(hosts)
	}
	return n
}

// waitFor polls a condition until it holds, failing the test at the
// deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s after %v", what, deadline)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
	}
}

// fileExists reports whether a file exists.
func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
