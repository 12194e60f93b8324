package runner

import "testing"

func TestParseHalt(t *testing.T) {
	tests := []struct {
		in   string
		want Halt
		err  bool
	}{
		{"", Halt{When: HaltNever}, false},
		{"never", Halt{When: HaltNever}, false},
		{"soon,fail=3", Halt{When: HaltSoon, Count: 3}, false},
		{"now,fail=1", Halt{When: HaltNow, Count: 1}, false},
		{"soon,fail=10%", Halt{When: HaltSoon, Percent: 10}, false},
		{"now,fail=0", Halt{}, true},
		{"later,fail=1", Halt{}, true},
		{"soon", Halt{}, true},
		{"soon,fail=150%", Halt{}, true},
		{"soon,success=1", Halt{}, true},
	}
	for _, tt := range tests {
		got, err := ParseHalt(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseHalt(%q) = %+v, %v", tt.in, got, err)
		}
		if err == nil && tt.in != "" {
			if again, _ := ParseHalt(got.String()); again != got {
				t.Errorf("%q does not round-trip: %q", tt.in, got.String())
			}
		}
	}
}

func TestHaltTriggered(t *testing.T) {
	tests := []struct {
		h                Halt
		failed, finished int
		want             bool
	}{
		{Halt{When: HaltNever}, 100, 100, false},
		{Halt{When: HaltSoon, Count: 2}, 1, 10, false},
		{Halt{When: HaltSoon, Count: 2}, 2, 10, true},
		{Halt{When: HaltNow, Percent: 50}, 1, 1, false},
		{Halt{When: HaltNow, Percent: 50}, 2, 4, true},
		{Halt{When: HaltNow, Percent: 50}, 1, 3, false},
	}
	for _, tt := range tests {
		if got := tt.h.triggered(tt.failed, tt.finished); got != tt.want {
			t.Errorf("%v.triggered(%d, %d) = %v", tt.h, tt.failed, tt.finished, got)
		}
	}
}
