package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSlurmBalance submits a balanced sweep as a Slurm array on the real
// one-node cluster: task b is 8x slower than machines.json says, and task
// a, done with its own share, takes b's work through the shared folder
// that emit passes to the tasks. Every job ends ok exactly once. Skipped
// without Slurm unless JOBSPLIT_TEST_SLURM=1.
func TestSlurmBalance(t *testing.T) {
	start := time.Now()
	dir, bin := slurmBinary(t)
	sweep, jobsplit := slurmSweep(t, dir, bin, map[string]string{
		"jobsplit.toml": "[job]\ncommand = [\"./job.sh\"]\n[pool]\ngrid.x = {from = 1, to = 24}\n" +
			"[balance]\ndir = \"shared\"\nlease = \"20s\"\n",
		"machines.json": `{"a": [1, 1], "b": [1, 1]}`,
		"job.sh":        "#!/bin/sh\nif [ \"$JOBSPLIT_MACHINE\" = b ]; then sleep 0.8; else sleep 0.1; fi\n",
	})
	if err := os.Mkdir(filepath.Join(sweep, "shared"), 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := jobsplit("emit", "slurm", "--binary", bin, "--time", "5m")
	if err != nil {
		t.Fatalf("emit slurm: %v\n%s", err, script)
	}
	if !strings.Contains(script, "--balance-dir "+filepath.Join(sweep, "shared")) {
		t.Fatalf("the script does not pass the balance folder:\n%s", script)
	}
	submitArray(t, dir, script, start)

	out, err := jobsplit("collect-results", "-o", filepath.Join(dir, "all.csv"))
	if err != nil {
		t.Fatalf("collect-results: %v\n%s", err, out)
	}
	ok := map[string]int{}
	stolen := 0
	for _, machine := range []string{"a", "b"} {
		for _, row := range readCSV(t, filepath.Join(sweep, "results", machine+".csv")) {
			if row["status"] == "ok" {
				ok[row["job_id"]]++
			}
			if machine == "a" && row["planned_machine"] == "b" {
				stolen++
			}
		}
	}
	if len(ok) != 24 {
		t.Errorf("%d jobs ok, want 24", len(ok))
	}
	for id, n := range ok {
		if n != 1 {
			t.Errorf("job %s ok %d times, want once", id, n)
		}
	}
	if stolen == 0 {
		t.Errorf("task a ran none of slow b's jobs:\n%s", out)
	}
	t.Logf("a stole %d of b's jobs; checked after %v", stolen, time.Since(start).Round(time.Millisecond))
}
