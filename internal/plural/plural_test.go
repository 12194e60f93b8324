package plural

import "testing"

func TestOf(t *testing.T) {
	for n, want := range map[int]string{0: "0 jobs", 1: "1 job", 2: "2 jobs"} {
		if got := Of(n, "job"); got != want {
			t.Errorf("Of(%d) = %q, want %q", n, got, want)
		}
	}
}
