package jobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// needsMachines has a GPU machine with a licence and a plain one.
const needsMachines = `{"gpu": {"perf": 1, "cores": 8, "gpus": 2, "resources": {"license": 1}}, "cpu": [2, 4]}`

// needsConfig is a config with [job] lines added after the command.
func needsConfig(lines string) string {
	return "[job]\ncommand = \"echo {x}\"\n" + lines + "\n[pool]\nfile = \"jobs.csv\"\n"
}

// loadFiles writes files into a fresh directory and loads the sweep.
func loadFiles(t *testing.T, files map[string]string) (*Sweep, string, error) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml")})
	return s, dir, err
}

func TestNeedsErrors(t *testing.T) {
	tests := []struct {
		name, config, pool, want string
	}{
		{"negative cores", "cores = -2", "x\n1\n", `DIR/jobsplit.toml:3: [job] cores: cores must be a whole number from 1 to 1048576, got -2`},
		{"cores not a number", `cores = "many"`, "x\n1\n", `DIR/jobsplit.toml:3: [job] cores: want a number, got "many"`},
		{"cores a boolean", `cores = true`, "x\n1\n", `DIR/jobsplit.toml:3: job.cores must be a number or a placeholder such as "{gpus}", not a boolean`},
		{"fractional cores", "cores = 1.5", "x\n1\n", `DIR/jobsplit.toml:3: [job] cores: cores must be a whole number from 1 to 1048576, got 1.5`},
		{"gpus above 1 not whole", "gpus = 1.5", "x\n1\n", `DIR/jobsplit.toml:3: [job] gpus: a GPU need above 1 must be whole, got 1.5`},
		{"negative gpus", "gpus = -0.5", "x\n1\n", `DIR/jobsplit.toml:3: [job] gpus: gpus must not be negative, got -0.5`},
		{"gpus too fine", "gpus = 0.0001", "x\n1\n", `DIR/jobsplit.toml:3: [job] gpus: gpus must be a multiple of 0.001, got 0.0001`},
		{"resource no machine has", "resources = {port = 1}", "x\n1\n", `DIR/jobsplit.toml:3: [job] resources.port: no machine of DIR/machines.json has a resource "port"`},
		{"resources not a table", "resources = 2", "x\n1\n", `DIR/jobsplit.toml:3: job.resources must be a table such as {license = 1}, not an integer`},
		{"negative resource", "resources = {license = -1}", "x\n1\n", `DIR/jobsplit.toml:3: [job] resources.license: a resource need must be a whole number from 0 to 65536, got -1`},
		{"fractional priority", "priority = 0.5", "x\n1\n", `DIR/jobsplit.toml:3: [job] priority: priority must be a whole number from -1000000000 to 1000000000, got 0.5`},
		{"placeholder names no column", `gpus = "{g}"`, "x\n1\n", `DIR/jobsplit.toml:3: [job] gpus: placeholder {g} names no column of DIR/jobs.csv; the columns are x`},
		{"row value not a number", `gpus = "{g}"`, "id,x,g\na,1,1\nb,2,lots\n", `DIR/jobs.csv: job "b": column "g": want a number, got "lots"`},
		{"row value above 1 not whole", `gpus = "{g}"`, "id,x,g\na,1,1.5\n", `DIR/jobs.csv: job "a": column "g": a GPU need above 1 must be whole, got 1.5`},
		{"row priority negative is fine, cores not", `cores = "{c}"` + "\npriority = \"{p}\"", "id,x,c,p\na,1,1,-3\nb,1,-1,0\n", `DIR/jobs.csv: job "b": column "c": cores must be a whole number from 1 to 1048576, got -1`},
		{"no machine can run a job", `gpus = "{g}"`, "id,x,g\na,1,0\nb,1,4\n", `job "b" needs 1 core, 4 gpus: no machine of DIR/machines.json can run it; the largest is gpu (8 cores, 2 gpus, license 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dir, err := loadFiles(t, map[string]string{"jobsplit.toml": needsConfig(tt.config), "jobs.csv": tt.pool, "machines.json": needsMachines})
			want := strings.ReplaceAll(tt.want, "DIR", dir)
			if err == nil || err.Error() != want {
				t.Errorf("error:\n got %v\nwant %s", err, want)
			}
		})
	}
}

// TestNeedsDefaultsPlanAsBefore checks that needs that equal the defaults
// (written out, or from a column that holds them) keep the digest and the
// shares of the same sweep without them, also on machines with GPUs.
func TestNeedsDefaultsPlanAsBefore(t *testing.T) {
	pool := "id,x,c,g,p\na,1,1,0,0\nb,2,1,0,0\nc,3,1,0,0\nd,4,1,0,0\ne,5,1,0,0\n"
	plain, _, err := loadFiles(t, map[string]string{"jobsplit.toml": needsConfig(""), "jobs.csv": pool, "machines.json": needsMachines})
	if err != nil {
		t.Fatal(err)
	}
	for _, lines := range []string{
		"cores = 1\ngpus = 0\npriority = 0",
		"cores = \"{c}\"\ngpus = \"{g}\"\npriority = \"{p}\"\nresources = {license = 0}",
	} {
		s, _, err := loadFiles(t, map[string]string{"jobsplit.toml": needsConfig(lines), "jobs.csv": pool, "machines.json": needsMachines})
		if err != nil {
			t.Fatal(err)
		}
		if s.Plan.Digest != plain.Plan.Digest || !sameShares(sharesByID(s), sharesByID(plain)) || s.Classes != nil {
			t.Errorf("%q: digest %s, want %s; classes %v", lines, s.Plan.Digest.Short(), plain.Plan.Digest.Short(), s.Classes)
		}
	}
	s, _, err := loadFiles(t, map[string]string{"jobsplit.toml": needsConfig("priority = \"{p}\""), "jobs.csv": strings.Replace(pool, "e,5,1,0,0", "e,5,1,0,1", 1), "machines.json": needsMachines})
	if err != nil {
		t.Fatal(err)
	}
	if s.Plan.Digest == plain.Plan.Digest {
		t.Error("a priority left the digest unchanged")
	}
}

// TestNeedsPlanOnlyOnCapableMachines checks that GPU jobs never go to the
// machine without GPUs, and that the plain jobs still reach both.
func TestNeedsPlanOnlyOnCapableMachines(t *testing.T) {
	var pool strings.Builder
	pool.WriteString("id,x,g\n")
	for i := range 60 {
		g := "0"
		if i%3 == 0 {
			g = "0.5"
		}
		pool.WriteString("j" + string(rune('A'+i/26)) + string(rune('a'+i%26)) + ",1," + g + "\n")
	}
	s, _, err := loadFiles(t, map[string]string{"jobsplit.toml": needsConfig(`gpus = "{g}"`), "jobs.csv": pool.String(), "machines.json": needsMachines})
	if err != nil {
		t.Fatal(err)
	}
	cpu, _ := s.Plan.For("cpu")
	plainOnCPU := 0
	for _, j := range cpu.Jobs {
		needs, _ := s.JobNeeds(int(j))
		if needs.GPUs > 0 {
			t.Fatalf("GPU job %s planned on the machine without GPUs", s.Pool.ID(int(j)))
		}
		plainOnCPU++
	}
	// 40 plain jobs by perf x cores, 8 : 8: half each.
	if plainOnCPU != 20 {
		t.Errorf("cpu got %d plain jobs, want 20", plainOnCPU)
	}
}

// TestNeedsOnShards checks that uniform shards run any job: the scheduler,
// not machines.json, grants their GPUs and resources.
func TestNeedsOnShards(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "jobsplit.toml"), needsConfig("gpus = 2\nresources = {license = 1}"))
	writeTestFile(t, filepath.Join(dir, "jobs.csv"), "x\n1\n2\n3\n4\n")
	s, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml"), Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Classes) != 1 || len(s.Plan.Shares[0].Jobs) != 2 || len(s.Plan.Shares[1].Jobs) != 2 {
		t.Errorf("classes %v, shares of %d and %d jobs; want one class, 2 and 2", s.Classes, len(s.Plan.Shares[0].Jobs), len(s.Plan.Shares[1].Jobs))
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
