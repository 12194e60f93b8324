//go:build unix

package balance_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/balance"
)

// BenchmarkJob is what balance adds to each job (Next, then Done) for
// trivial jobs: one host running its own share, and a host that has none
// and steals everything from a second. ns/op is per job. The sshfs runs
// need sshd and sshfs (see TestSSHFS); make bench runs them.
func BenchmarkJob(b *testing.B) {
	folders := map[string]func(b *testing.B) string{
		"local": func(b *testing.B) string { return b.TempDir() },
		"sshfs": func(b *testing.B) string {
			server := sshfsServer(b)
			backing, err := os.MkdirTemp(server.root, "bench")
			if err != nil {
				b.Fatal(err)
			}
			return server.mount(b, backing)
		},
	}
	for _, fs := range []string{"local", "sshfs"} {
		for _, stealing := range []bool{false, true} {
			name := fs + "/own"
			if stealing {
				name = fs + "/stolen"
			}
			b.Run(name, func(b *testing.B) {
				if fs == "sshfs" && os.Getenv("JOBSPLIT_TEST_SSHFS") != "1" {
					b.Skip("set JOBSPLIT_TEST_SSHFS=1 for the sshfs benchmark")
				}
				benchJobs(b, folders[fs](b), stealing)
			})
		}
	}
}

// benchJobs runs b.N trivial jobs of machine m0 through balance: on m0, or
// on m1, whose share is empty, so that every claim is a steal.
func benchJobs(b *testing.B, dir string, stealing bool) {
	shares := []balance.Share{{Machine: "m0", Weight: 1}, {Machine: "m1", Weight: 1}}
	for j := range b.N {
		shares[0].Jobs = append(shares[0].Jobs, fmt.Sprintf("j%d", j))
	}
	self := "m0"
	if stealing {
		self = "m1"
	}
	b.ResetTimer()
	bal, err := balance.Join(dir, "bench", self, shares, balance.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 2 { // two workers, as on a two-core host
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id, ok, err := bal.Next(context.Background())
				if err != nil {
					b.Error(err)
					return
				}
				if !ok {
					return
				}
				if err := bal.Done(id); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := bal.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSlowHost is the case of two hosts declared equal, one of
// them really 4x slower. It reports in seconds the makespan with balance
// (real host processes on a local folder, from the first Join to the last
// Close), the static plan's (computed: the slow host's whole share) and the
// ideal (total work over the hosts' total real speed, as measured in the
// jobs they ran), and balanced/ideal, whose target is 1.15 or less.
func BenchmarkSlowHost(b *testing.B) {
	const jobs, jobTime, slow = 200, 10 * time.Millisecond, 4
	var balanced, ideal, static float64
	for range b.N {
		s := newSweep(b, []string{b.TempDir()}, jobs, "BALANCE_MACHINES=2", "BALANCE_NO_SYNC=1",
			fmt.Sprintf("BALANCE_JOB_US=%d", jobTime.Microseconds()))
		s.waitOK(s.start("m0", fmt.Sprintf("BALANCE_SLOW=%d", slow)), s.start("m1"))
		s.checkRuns()
		speed := map[string]float64{} // jobs per second in jobs, by machine
		var first, last int64
		files, _ := filepath.Glob(filepath.Join(s.records, "*.busy"))
		for _, name := range files {
			var n int
			var secs float64
			var joined, closed int64
			raw, err := os.ReadFile(name)
			if _, err2 := fmt.Sscan(string(raw), &n, &secs, &joined, &closed); err != nil || err2 != nil || secs <= 0 {
				b.Fatalf("%s: %q %v %v", name, raw, err, err2)
			}
			speed[strings.SplitN(filepath.Base(name), ".", 2)[0]] = float64(n) / secs
			if first == 0 || joined < first {
				first = joined
			}
			last = max(last, closed)
		}
		balanced += time.Duration(last - first).Seconds()
		ideal += jobs / (speed["m0"] + speed["m1"])
		static += jobs / 2 / speed["m0"]
	}
	n := float64(b.N)
	b.ReportMetric(balanced/n, "balanced-s")
	b.ReportMetric(static/n, "static-s")
	b.ReportMetric(ideal/n, "ideal-s")
	b.ReportMetric(balanced/ideal, "balanced/ideal")
}
