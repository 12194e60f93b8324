package jobs

import (
	"testing"

	"github.com/jobsplit/jobsplit/internal/golden"
)

// checkGolden compares got with the golden file at path (see package golden).
func checkGolden(t *testing.T, path string, got []byte) { golden.Check(t, path, got) }
