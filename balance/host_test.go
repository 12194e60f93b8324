package balance_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/balance"
)

// The tests run each host as a separate process: this test binary again,
// told by TEST_BALANCE_HOST to be a host. A host runs the sweep's jobs as a
// run loop would: Next, run (a sleep), write the result row durably, Done.
func TestMain(m *testing.M) {
	if os.Getenv("TEST_BALANCE_HOST") == "1" {
		os.Exit(hostMain())
	}
	os.Exit(m.Run())
}

// hostConfig is what a host process reads from its environment.
type hostConfig struct {
	dir, digest, machine, records string
	jobs, machines, workers       int
	lease                         time.Duration
	jobTime                       time.Duration
	holdAt, exitAfter             int
	// noSync leaves out the fsync of each row, so that a benchmark's job
	// takes the time it is told to.
	noSync bool
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func readHostConfig() hostConfig {
	return hostConfig{
		dir: os.Getenv("BALANCE_DIR"), digest: "d1", machine: os.Getenv("BALANCE_MACHINE"),
		records: os.Getenv("BALANCE_RECORDS"), jobs: envInt("BALANCE_JOBS", 90),
		machines: envInt("BALANCE_MACHINES", 3), workers: envInt("BALANCE_WORKERS", 1),
		lease:   time.Duration(envInt("BALANCE_LEASE_MS", 60000)) * time.Millisecond,
		jobTime: time.Duration(envInt("BALANCE_JOB_US", 0)*envInt("BALANCE_SLOW", 1)) * time.Microsecond,
		holdAt:  envInt("BALANCE_HOLD_AT", 0), exitAfter: envInt("BALANCE_EXIT_AFTER", 0),
		noSync: os.Getenv("BALANCE_NO_SYNC") == "1",
	}
}

// testPlan deals jobs j0000... round robin to machines m0, m1, ... of equal
// weight, in id order.
func testPlan(jobs, machines int) []balance.Share {
	shares := make([]balance.Share, machines)
	for m := range shares {
		shares[m] = balance.Share{Machine: fmt.Sprintf("m%d", m), Weight: 1}
	}
	for j := range jobs {
		s := &shares[j%machines]
		s.Jobs = append(s.Jobs, fmt.Sprintf("j%04d", j))
	}
	return shares
}

func hostMain() int {
	c := readHostConfig()
	name := fmt.Sprintf("%s.%d", c.machine, os.Getpid())
	warnings, err := os.Create(filepath.Join(c.records, name+".warn"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rows, err := os.Create(filepath.Join(c.records, name+".rows"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var mu sync.Mutex
	opts := balance.Options{Lease: c.lease, Warn: func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(warnings, msg)
		warnings.Sync()
	}}
	joined := time.Now()
	b, err := balance.Join(c.dir, c.digest, c.machine, testPlan(c.jobs, c.machines), opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "join:", err)
		return 1
	}
	var wg sync.WaitGroup
	var count int
	var busy time.Duration // time spent in jobs, for the benchmark's ideal
	errs := make(chan error, c.workers)
	for range c.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id, ok, err := b.Next(context.Background())
				if err != nil {
					errs <- err
					return
				}
				if !ok {
					return
				}
				mu.Lock()
				count++
				n := count
				mu.Unlock()
				if n == c.holdAt {
					hold(c, id)
				}
				began := time.Now()
				time.Sleep(c.jobTime) // the job
				mu.Lock()
				busy += time.Since(began)
				fmt.Fprintln(rows, id)
				if !c.noSync {
					err = rows.Sync()
				}
				mu.Unlock()
				if err == nil {
					err = b.Done(id)
				}
				if err != nil {
					errs <- err
					return
				}
				if n == c.exitAfter {
					os.Exit(3) // a crash: no Close
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fmt.Fprintln(os.Stderr, "run:", err)
		return 1
	}
	if err := b.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close:", err)
		return 1
	}
	speed := fmt.Sprintf("%d %f %d %d\n", count, busy.Seconds(), joined.UnixNano(), time.Now().UnixNano())
	if err := os.WriteFile(filepath.Join(c.records, name+".busy"), []byte(speed), 0o666); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// hold announces the job it holds and waits until the test releases it.
func hold(c hostConfig, id string) {
	if err := os.WriteFile(filepath.Join(c.records, c.machine+".holding"), []byte(id), 0o666); err != nil {
		panic(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(c.records, "release")); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond) // polling for the test's signal
	}
}
