package pool

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

// A re-plan's link to its parent sweep travels in a parent file next to the
// pool: left.csv.jobsplit beside left.csv. The pool itself stays a plain CSV
// that any CSV tool reads; the parent file's name keeps the pool's whole name
// so that it lists beside it, and does not end in .csv so that neither a
// *.csv glob nor collect-results takes it for a table.

// ParentSuffix is what a pool's name gains to name its parent file.
const ParentSuffix = ".jobsplit"

// ParentFile returns the path of the parent file of the pool at path.
func ParentFile(pool string) string { return pool + ParentSuffix }

// ParentFileText is the content of a parent file naming the sweep whose
// digest is given: one line.
func ParentFileText(digest string) string {
	return "jobsplit re-plan of digest " + digest + "\n"
}

// parentFileLine is what ParentFileText writes, line ending aside.
var parentFileLine = regexp.MustCompile(`^jobsplit re-plan of digest ([0-9a-f]{64})$`)

// maxParentFile bounds what is read of a parent file: one line.
const maxParentFile = 4 << 10

// readParentFile reads the parent file at path, if there is one, into
// p.Parent. A pool that also names a parent in an old comment line must
// name the same one.
func (p *Pool) readParentFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read jobs: %w", err)
	}
	defer f.Close()
	buf := make([]byte, maxParentFile+1)
	n, err := f.Read(buf)
	if err != nil && n == 0 {
		return &PoolError{File: path, Problem: fmt.Sprintf("read the re-plan marker: %v", err)}
	}
	text := strings.TrimSuffix(strings.TrimSuffix(string(buf[:n]), "\n"), "\r")
	m := parentFileLine.FindStringSubmatch(text)
	if m == nil || n > maxParentFile {
		return &PoolError{File: path, Problem: fmt.Sprintf("not a re-plan marker: want the one line %q that collect-results --missing writes beside %s, "+
			"or remove it to plan %s as a sweep of its own", strings.TrimSpace(ParentFileText("<digest>")), p.Source, p.Source)}
	}
	if p.Parent != "" && p.Parent != m[1] {
		return &PoolError{File: path, Problem: fmt.Sprintf("names the parent sweep %s but %s names %s in its first line: remove one of them",
			m[1], p.Source, p.Parent)}
	}
	p.Parent, p.ParentFile = m[1], path
	return nil
}
