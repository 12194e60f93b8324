package resources_test

import (
	"fmt"

	"github.com/jobsplit/jobsplit/jobs/resources"
	"github.com/jobsplit/jobsplit/machines"
)

// The run loop's side of admission: a ledger of the machine, a queue of
// its share, then Next until nothing more fits, and Release when a job
// ends.
func ExampleQueue() {
	m := machines.Machine{Name: "ws1", Cores: 4, GPUs: []string{"0", "2"}}
	ledger := resources.NewLedger(resources.CapacityOf(m))
	kinds := []resources.Needs{{Cores: 1, GPUs: 500}, {Cores: 2, GPUs: 2000}}
	queue, err := resources.NewQueue(ledger, kinds, m.Cores)
	if err != nil {
		fmt.Println(err)
		return
	}
	for job, kind := range []int{0, 0, 1, 0} {
		queue.Push(resources.Item{Job: job, Kind: kind})
	}
	var running []resources.Grant
	for {
		it, grant, ok := queue.Next()
		if !ok {
			break
		}
		fmt.Printf("job %d on GPUs %s: %v\n", it.Job, grant.GPUList(), grant.Env(nil)[2:4])
		running = append(running, grant)
	}
	fmt.Println("waiting:", queue.Len())
	for _, g := range running {
		ledger.Release(g)
	}
	it, grant, _ := queue.Next()
	fmt.Printf("job %d on GPUs %s with %d cores\n", it.Job, grant.GPUList(), grant.Cores)
	// Output:
	// job 0 on GPUs 0: [JOBSPLIT_GPUS=0 CUDA_VISIBLE_DEVICES=0]
	// job 1 on GPUs 0: [JOBSPLIT_GPUS=0 CUDA_VISIBLE_DEVICES=0]
	// job 3 on GPUs 2: [JOBSPLIT_GPUS=2 CUDA_VISIBLE_DEVICES=2]
	// waiting: 1
	// job 2 on GPUs 0,2 with 2 cores
}
