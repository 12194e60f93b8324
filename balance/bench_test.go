package balance_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

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
