package main

import (
	"github.com/jobsplit/jobsplit/internal/golden"

	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
)

// gpuMachines declares GPUs on two of three machines.
const gpuMachines = `{"alpha": {"perf": 1, "cores": 4, "gpus": 2}, "beta": {"perf": 1, "cores": 8, "gpus": ["0", "1", "3"]}, "gamma": [1, 2]}`

// emitSweep writes a small sweep into a temporary folder.
func emitSweep(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"jobsplit.toml": "[job]\ncommand = \"./sim.sh {x}\"\n[pool]\nfile = \"jobs.csv\"\n",
		"machines.json": `{"alpha": [1, 2], "beta": [0.5, 2], "gamma": {"perf": 2, "cores": 4, "memory": "16GiB"}}`,
		"jobs.csv":      "id,x\nj1,1\nj2,2\nj3,3\nj4,4\nj5,5\nj6,6\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestEmitGolden compares each emitted script with testdata/emit/NAME.golden
// (regenerate with go test -run EmitGolden -update). The sweep's folder
// reads as /home/user/sweep.
func TestEmitGolden(t *testing.T) {
	tests := []struct {
		name string
		opts emitOptions
		// machines, when set, replaces the sweep's machines.json.
		machines string
	}{
		{"slurm", emitOptions{Scheduler: "slurm", Time: "2h", Partition: "debug"}, ""},
		{"slurm-shards", emitOptions{Scheduler: "slurm", Sweep: jobs.Options{Shards: 4}, Workers: 2, Time: "36:30:00"}, ""},
		{"pbs", emitOptions{Scheduler: "pbs", Time: "36h", Queue: "workq"}, ""},
		{"sge", emitOptions{Scheduler: "sge", Time: "90m", Queue: "all.q", PE: "smp"}, ""},
		{"sge-shards", emitOptions{Scheduler: "sge", Sweep: jobs.Options{Shards: 2}, PE: "smp"}, ""},
		{"lsf", emitOptions{Scheduler: "lsf", Time: "2h30m", Queue: "normal", Mem: "8GiB"}, ""},
		{"k8s", emitOptions{Scheduler: "k8s", Time: "1h", Image: "ghcr.io/lab/sweep:1", Claim: "sweep-data"}, ""},
		// Machines that declare GPUs: each task asks for the most of any.
		{"slurm-gpus", emitOptions{Scheduler: "slurm", Time: "2h"}, gpuMachines},
		{"pbs-gpus", emitOptions{Scheduler: "pbs", Time: "2h"}, gpuMachines},
		{"sge-gpus", emitOptions{Scheduler: "sge", Time: "2h", PE: "smp"}, gpuMachines},
		{"lsf-gpus", emitOptions{Scheduler: "lsf", Time: "2h"}, gpuMachines},
		{"k8s-gpus", emitOptions{Scheduler: "k8s", Time: "1h", Image: "ghcr.io/lab/sweep:1", Claim: "sweep-data"}, gpuMachines},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := emitSweep(t)
			if tt.machines != "" {
				writeFiles(t, dir, map[string]string{"machines.json": tt.machines})
			}
			opts := tt.opts
			opts.Sweep.Config = filepath.Join(dir, "jobsplit.toml")
			opts.Binary = "/opt/jobsplit/bin/jobsplit"
			opts.MaxArray = 1000
			var out, errOut bytes.Buffer
			if err := runEmit(&out, &errOut, opts); err != nil {
				t.Fatalf("emit: %v", err)
			}
			if st, err := os.Stat(filepath.Join(dir, "logs")); err != nil || !st.IsDir() {
				t.Errorf("emit did not make the logs folder for the scheduler's output: %v", err)
			}
			got := strings.ReplaceAll(out.String(), dir, "/home/user/sweep")
			golden.Check(t, filepath.Join("testdata", "emit", tt.name+".golden"), []byte(got))
		})
	}
}

func TestEmitRefuses(t *testing.T) {
	tests := []struct {
		name string
		opts emitOptions
		want string
	}{
		{"array too large", emitOptions{Scheduler: "slurm", Sweep: jobs.Options{Shards: 1002}, MaxArray: 1001}, "1002 shards would need an array of 1002 tasks, more than 1001"},
		{"lsf limit", emitOptions{Scheduler: "lsf", MaxArray: 2}, "3 machines would need an array of 3 tasks, more than 2, the limit of LSF arrays"},
		{"unknown scheduler", emitOptions{Scheduler: "condor"}, `unknown scheduler "condor"`},
		{"bad time", emitOptions{Scheduler: "slurm", Time: "1:5:00"}, `--time "1:5:00" is not a time limit`},
		{"bad mem", emitOptions{Scheduler: "slurm", Mem: "lots"}, `--mem "lots" is not a size`},
		{"bad name", emitOptions{Scheduler: "slurm", Name: "my sweep"}, `--name "my sweep" cannot name a Slurm job`},
		{"k8s upper case", emitOptions{Scheduler: "k8s", Name: "Sweep"}, `--name "Sweep" cannot name a Kubernetes job`},
		{"bad partition", emitOptions{Scheduler: "slurm", Partition: "a;b"}, `--partition "a;b" has a character`},
		{"negative workers", emitOptions{Scheduler: "slurm", Workers: -1}, "--workers must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Sweep.Config = filepath.Join(emitSweep(t), "jobsplit.toml")
			opts.Binary = "/bin/jobsplit"
			var out, errOut bytes.Buffer
			err := runEmit(&out, &errOut, opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if hintOf(err) == "" {
				t.Errorf("no hint with %v", err)
			}
			if out.Len() > 0 {
				t.Errorf("wrote a script despite the error:\n%s", out.String())
			}
		})
	}
}

func TestEmitTimeLimits(t *testing.T) {
	tests := []struct {
		in                   string
		d                    time.Duration
		slurm, hms, lsf, bad string
	}{
		{in: "2h", d: 2 * time.Hour, slurm: "2:00:00", hms: "02:00:00", lsf: "2:00"},
		{in: "90s", d: 90 * time.Second, slurm: "0:01:30", hms: "00:01:30", lsf: "0:02"},
		{in: "1.5s", d: 1500 * time.Millisecond, slurm: "0:00:02", hms: "00:00:02", lsf: "0:01"},
		{in: "36:30:00", d: 36*time.Hour + 30*time.Minute, slurm: "1-12:30:00", hms: "36:30:00", lsf: "36:30"},
		{in: "0:00:59", d: 59 * time.Second, slurm: "0:00:59", hms: "00:00:59", lsf: "0:01"},
		{in: "1:60:00", bad: "not a time limit"},
		{in: "-1h", bad: "not a time limit"},
		{in: "0s", bad: "not a time limit"},
		{in: "0:00:00", bad: "not a time limit"},
		{in: "2 hours", bad: "not a time limit"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := parseTimeLimit(tt.in)
			if tt.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("parseTimeLimit(%q) = %v, %v; want an error", tt.in, d, err)
				}
				if !strings.Contains(err.Error(), tt.in) {
					t.Errorf("error %q does not quote %q", err, tt.in)
				}
				return
			}
			if err != nil || d != tt.d {
				t.Fatalf("parseTimeLimit(%q) = %v, %v; want %v", tt.in, d, err, tt.d)
			}
			job := &arrayJob{Time: d}
			if job.SlurmTime() != tt.slurm || job.HMS() != tt.hms || job.LSFTime() != tt.lsf {
				t.Errorf("%v: slurm %s, hms %s, lsf %s; want %s, %s, %s", d, job.SlurmTime(), job.HMS(), job.LSFTime(), tt.slurm, tt.hms, tt.lsf)
			}
		})
	}
}
