//go:build linux

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name          string
		stat          string
		own, children float64
		wantErr       bool
	}{
		{"plain", "4242 (jobsplit) Z 1 4242 4242 0 -1 4194828 100 200 0 0 120 30 450 75 20 0 9 0 100 0 0", 1.5, 5.25, false},
		{"name with spaces and parentheses", "7 (a (b) c) S 1 7 7 0 -1 0 0 0 0 0 7 3 1 1 20 0 1 0 5 0 0", 0.1, 0.02, false},
		{"no name", "7 jobsplit S 1", 0, 0, true},
		{"cut short", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 7 3", 0, 0, true},
		{"not a number", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 7 x 1 1 20 0 1", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, children, err := parseStat([]byte(tt.stat))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if own != tt.own || children != tt.children {
				t.Errorf("own %v children %v, want %v %v", own, children, tt.own, tt.children)
			}
		})
	}
}

// TestMeasureExitStatus checks that the report comes with the command's own
// exit status, which the benchmark scripts rely on.
func TestMeasureExitStatus(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	line, code, err := measure([]string{sh, "-c", "exit 3"})
	if err != nil {
		t.Fatal(err)
	}
	if code != 3 {
		t.Errorf("exit status %d, want 3", code)
	}
	if n := len(strings.Fields(line)); n != 4 {
		t.Errorf("report %q has %d fields, want 4", line, n)
	}
	if _, _, err := measure([]string{os.DevNull + "/none"}); err == nil {
		t.Error("a command that cannot start gave no error")
	}
}
