// Package golden compares test output with files under testdata that pin
// exact output (plans, job scripts, report figures), and rewrites them when
// the tests run with -update (never by hand). Only tests import it.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Update is the -update flag of the test binaries that import this package.
var Update = flag.Bool("update", false, "rewrite the golden files under testdata (never edit them by hand)")

// Check compares got with the golden file at path, or rewrites the file
// when -update is given. For a plan, a difference means what a given input
// plans changed, which must bump split.Version.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it if the change is meant; a plan's change must bump split.Version)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
