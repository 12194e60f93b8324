package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSlurm submits the script of 'jobsplit emit slurm' to a real Slurm
// cluster (scripts/slurm-up.sh makes one on this machine), waits for the
// array to finish, and checks with collect-results that every job ran ok
// exactly once. Without Slurm it is skipped, unless JOBSPLIT_TEST_SLURM=1
// asks for it: then it fails.
func TestSlurm(t *testing.T) {
	start := time.Now()
	dir, bin := slurmBinary(t)
	sweep, jobsplit := slurmSweep(t, dir, bin, map[string]string{
		"jobsplit.toml": "[job]\ncommand = [\"./job.sh\", \"{x}\"]\n[pool]\ngrid.x = {from = 1, to = 12}\n[results]\ncolumns = [\"square\"]\n",
		"machines.json": `{"alpha": [1, 1], "beta": [1, 1], "gamma": [2, 1]}`,
		"job.sh":        "#!/bin/sh\nprintf '{\"square\": %d}\\n' $(($1 * $1)) >\"$JOBSPLIT_RESULT\"\n",
	})

	script, err := jobsplit("emit", "slurm", "--binary", bin, "--time", "5m")
	if err != nil {
		t.Fatalf("emit slurm: %v\n%s", err, script)
	}
	if !strings.Contains(script, "#SBATCH --array=0-2\n") {
		t.Fatalf("the script is not an array of 3 tasks:\n%s", script)
	}
	jobID := submitArray(t, dir, script, start)

	// Slurm's own account of the tasks, while it still keeps them (MinJobAge).
	if out, err := slurmCommand("scontrol", "--oneliner", "show", "job", jobID); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.Contains(line, " JobState=COMPLETED ") || !strings.Contains(line, " ExitCode=0:0 ") {
				t.Errorf("a task did not complete with exit code 0: %s", line)
			}
		}
	}

	// Each task ran its machine and wrote its output file.
	for i, machine := range []string{"alpha", "beta", "gamma"} {
		path := filepath.Join(sweep, "logs", fmt.Sprintf("slurm-%s_%d.out", jobID, i))
		text, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("task %d: %v", i, err)
			continue
		}
		if !strings.Contains(string(text), "machine "+machine+", ") {
			t.Errorf("task %d did not run machine %s:\n%s", i, machine, text)
		}
	}
	out, err := jobsplit("collect-results", "-o", filepath.Join(dir, "all.csv"))
	if err != nil {
		t.Fatalf("collect-results: %v\n%s", err, out)
	}
	if !strings.Contains(out, "total") {
		t.Errorf("collect-results printed no summary:\n%s", out)
	}

	// Every job ok exactly once across the hosts' result files, with its result.
	ok := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(sweep, "results", "*.csv"))
	if len(files) != 3 {
		t.Errorf("results files %v, want one per machine", files)
	}
	for _, f := range files {
		for _, row := range readCSV(t, f) {
			if row["status"] == "ok" {
				ok[row["job_id"]]++
			}
		}
	}
	all := readCSV(t, filepath.Join(dir, "all.csv"))
	if len(all) != 12 || len(ok) != 12 {
		t.Errorf("%d rows in the joined table and %d jobs ok, want 12 and 12", len(all), len(ok))
	}
	for _, row := range all {
		if n := ok[row["job_id"]]; n != 1 || row["status"] != "ok" {
			t.Errorf("job %s (x=%s): status %s, ok %d times, want ok once", row["job_id"], row["x"], row["status"], n)
		}
		if want := squareOf(row["x"]); row["square"] != want {
			t.Errorf("job %s: square %q, want %q", row["job_id"], row["square"], want)
		}
	}
	t.Logf("checked after %v", time.Since(start).Round(time.Millisecond))
}

// slurmBinary skips the test without a Slurm cluster (fails it when
// JOBSPLIT_TEST_SLURM=1 asks for one) and builds jobsplit into a temporary
// folder, which it returns with the binary's path.
func slurmBinary(t *testing.T) (dir, bin string) {
	t.Helper()
	if err := slurmReady(); err != nil {
		if os.Getenv("JOBSPLIT_TEST_SLURM") == "1" {
			t.Fatalf("JOBSPLIT_TEST_SLURM=1 but Slurm is not usable: %v (start it with: sudo scripts/slurm-up.sh)", err)
		}
		t.Skipf("no Slurm cluster (%v); set JOBSPLIT_TEST_SLURM=1 to make this a failure", err)
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "bin", "jobsplit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir, bin
}

// slurmSweep writes a sweep's files into dir/sweep (job.sh executable)
// and returns the folder and a function that runs bin there, as a user
// with no JOBSPLIT_MACHINE would.
func slurmSweep(t *testing.T, dir, bin string, files map[string]string) (string, func(args ...string) (string, error)) {
	t.Helper()
	sweep := filepath.Join(dir, "sweep")
	writeFiles(t, sweep, files)
	if _, ok := files["job.sh"]; ok {
		if err := os.Chmod(filepath.Join(sweep, "job.sh"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return sweep, func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = sweep
		cmd.Env = append(os.Environ(), "JOBSPLIT_MACHINE=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}

// submitArray submits an emitted script to Slurm and waits, bounded and
// polling, until its array has left the queue; it returns the job id.
func submitArray(t *testing.T, dir, script string, start time.Time) string {
	t.Helper()
	scriptPath := filepath.Join(dir, "sweep.sbatch")
	if err := os.WriteFile(scriptPath, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := slurmCommand("sbatch", "--parsable", scriptPath)
	if err != nil {
		t.Fatalf("sbatch: %v\n%s", err, out)
	}
	jobID, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	finished := false
	t.Cleanup(func() {
		if !finished {
			slurmCommand("scancel", jobID)
		}
	})
	t.Logf("submitted array job %s after %v", jobID, time.Since(start).Round(time.Millisecond))
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out, err := slurmCommand("squeue", "--noheader", "--array", "--jobs", jobID, "--format", "%i %T %r")
		if err == nil && strings.TrimSpace(out) == "" || err != nil && strings.Contains(out, "Invalid job id") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("array job %s still queued after 2 minutes:\n%s", jobID, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
	finished = true
	t.Logf("array job %s finished after %v", jobID, time.Since(start).Round(time.Millisecond))
	return jobID
}

// slurmReady reports why Slurm cannot run a job here, or nil.
func slurmReady() error {
	for _, tool := range []string{"sbatch", "squeue", "sinfo", "scancel"} {
		if _, err := exec.LookPath(tool); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	raw, err := exec.CommandContext(ctx, "sinfo", "--noheader", "--responding", "--format", "%T").CombinedOutput()
	out := string(raw)
	if err != nil {
		return fmt.Errorf("sinfo: %v: %s", err, strings.TrimSpace(out))
	}
	for _, state := range strings.Fields(out) {
		switch strings.TrimRight(state, "*~#!%$@^-") {
		case "idle", "mixed", "allocated", "completing":
			return nil
		}
	}
	return fmt.Errorf("no node is up: sinfo says %q", strings.TrimSpace(out))
}

// slurmCommand runs a Slurm client, bounded so that a dead controller
// cannot hang the test.
func slurmCommand(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readCSV reads a CSV file with a header into rows keyed by column.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range records[0] {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func squareOf(x string) string {
	var n int
	fmt.Sscan(x, &n)
	return fmt.Sprint(n * n)
}
