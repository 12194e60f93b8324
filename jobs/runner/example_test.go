package runner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/runner"
	"github.com/jobsplit/jobsplit/results"
)

// eventCounter counts a run's events; runner.Nop gives the rest.
type eventCounter struct {
	runner.Nop
	started, ok, lines atomic.Int64
}

func (c *eventCounter) JobStarted(runner.JobStart) { c.started.Add(1) }
func (c *eventCounter) JobOutput(runner.Output)    { c.lines.Add(1) }
func (c *eventCounter) JobEnded(e runner.JobEnd) {
	if e.Status == results.StatusOK {
		c.ok.Add(1)
	}
}

// A Go program plans a sweep with package jobs (which cuts it with package
// split) and runs one machine's share, listening to the run's events.
func Example() {
	dir, err := os.MkdirTemp("", "jobsplit-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"jobsplit.toml": "[job]\ncommand = [\"sh\", \"-c\", \"echo {x}\"]\n[pool.grid]\nx = {from = 1, to = 6}\n",
		"machines.json": `{"fast": [2, 2], "slow": [1, 1]}`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			panic(err)
		}
	}

	sweep, err := jobs.Load(jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")})
	if err != nil {
		panic(err)
	}
	for _, share := range sweep.Plan.Shares {
		fmt.Printf("%s: %d of %d jobs\n", share.Machine, len(share.Jobs), sweep.Pool.Len())
	}

	events := &eventCounter{}
	run, err := runner.New(sweep, runner.Options{Machine: "fast", Events: events})
	if err != nil {
		panic(err)
	}
	summary, err := run.Run(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Printf("started %d, ok %d, output lines %d, summary ok %d\n",
		events.started.Load(), events.ok.Load(), events.lines.Load(), summary.OK)
	// Output:
	// fast: 5 of 6 jobs
	// slow: 1 of 6 jobs
	// started 5, ok 5, output lines 5, summary ok 5
}
