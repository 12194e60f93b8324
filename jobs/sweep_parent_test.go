package jobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobsplit/jobsplit/jobs/pool"
)

// TestParentFileKeepsDigest: a pool with a parent file plans exactly as the
// same pool with the old comment line, so files of the last release and new
// ones re-plan alike.
func TestParentFileKeepsDigest(t *testing.T) {
	digest := strings.Repeat("c", 64)
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	old := write("old.csv", "# jobsplit: re-plan of digest "+digest+"\nid,x\n1,1\n")
	cur := write("new.csv", "id,x\n1,1\n")
	write("new.csv.jobsplit", pool.ParentFileText(digest))
	plain := write("plain.csv", "id,x\n1,1\n")
	var digests []string
	for _, file := range []string{old, cur, plain} {
		s := loadTestSweep(t, dir, file)
		digests = append(digests, s.Plan.Digest.String())
		if file != plain && s.ResultDigest() != digest {
			t.Errorf("%s: ResultDigest %s, want the parent's", file, s.ResultDigest())
		}
	}
	if digests[0] != digests[1] {
		t.Errorf("parent file plans %s, comment line %s", digests[1], digests[0])
	}
	if digests[2] == digests[1] {
		t.Errorf("a pool without a parent plans like a re-plan: %s", digests[2])
	}
}

// loadTestSweep plans the pool file with a minimal config and one machine in dir.
func loadTestSweep(t *testing.T, dir, file string) *Sweep {
	t.Helper()
	for name, text := range map[string]string{"jobsplit.toml": minimalConfig, "one.json": `{"m": [1, 1]}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml"), Machines: filepath.Join(dir, "one.json"), Jobs: file})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
