//go:build unix

package main

import (
	"os/exec"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		program string
		ok      bool
	}{{"true", true}, {"false", false}} {
		path, err := exec.LookPath(tc.program)
		if err != nil {
			t.Fatal(err)
		}
		if err := run(path, []string{tc.program}); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok %v", tc.program, err, tc.ok)
		}
	}
}
