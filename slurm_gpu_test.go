package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSlurmGPUs checks that Slurm accepts the script 'jobsplit emit slurm'
// writes for machines with GPUs: sbatch --test-only on the cluster of
// scripts/slurm-up.sh, whose node has two (fake) GPUs. Asking for three
// must be refused, which proves that Slurm read the --gres line. Without
// Slurm it is skipped, unless JOBSPLIT_TEST_SLURM=1: then it fails.
func TestSlurmGPUs(t *testing.T) {
	dir, bin := slurmBinary(t)
	for _, tt := range []struct {
		name     string
		gpus     string
		accepted bool
	}{
		{"two GPUs, as the node has", "2", true},
		{"GPU ids, two of them", `["0", "1"]`, true},
		{"three GPUs, more than the node has", "3", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sweep := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			writeFiles(t, sweep, map[string]string{
				"jobsplit.toml": "[job]\ncommand = \"echo {x}\"\ngpus = 1\n[pool]\ngrid.x = {from = 1, to = 4}\n",
				"machines.json": `{"alpha": {"perf": 1, "cores": 1, "gpus": ` + tt.gpus + `}, "beta": [1, 1]}`,
			})
			cmd := exec.Command(bin, "emit", "slurm", "--binary", bin, "--time", "5m")
			cmd.Dir = sweep
			script, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("emit slurm: %v\n%s", err, script)
			}
			if !strings.Contains(string(script), "\n#SBATCH --gres=gpu:") {
				t.Fatalf("the script asks for no GPUs:\n%s", script)
			}
			path := filepath.Join(sweep, "sweep.sbatch")
			if err := os.WriteFile(path, script, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := slurmCommand("sbatch", "--test-only", path)
			if tt.accepted && err != nil {
				t.Fatalf("sbatch --test-only refused the script: %v\n%s\n%s", err, out, script)
			}
			if !tt.accepted && err == nil {
				t.Fatalf("sbatch --test-only accepted more GPUs than the node has:\n%s", out)
			}
			t.Logf("sbatch --test-only: %s", strings.TrimSpace(out))
		})
	}
}
