package logs

import (
	"errors"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	// 2026-12-03 09:15:30 in Paris (UTC+1 in winter).
	now := time.Date(2026, 12, 3, 8, 15, 30, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-12-03T14:30:00Z", time.Date(2026, 12, 3, 14, 30, 0, 0, time.UTC)},
		{"2026-12-03T14:30:00.123+05:00", time.Date(2026, 12, 3, 9, 30, 0, 123e6, time.UTC)},
		{"2026-12-03", time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC)},
		{"2026-07-01", time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC)}, // summer time
		{"2026-12-03 14:30", time.Date(2026, 12, 3, 13, 30, 0, 0, time.UTC)},
		{"2026-12-03 14:30:05", time.Date(2026, 12, 3, 13, 30, 5, 0, time.UTC)},
		{"2026-12-03 14:30:05.5", time.Date(2026, 12, 3, 13, 30, 5, 5e8, time.UTC)},
		{"2026-12-03T14:30", time.Date(2026, 12, 3, 13, 30, 0, 0, time.UTC)},
		{"14:30", time.Date(2026, 12, 3, 13, 30, 0, 0, time.UTC)},
		{"14:30:05", time.Date(2026, 12, 3, 13, 30, 5, 0, time.UTC)},
		{"00:30", time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)},
		{" 14:30 ", time.Date(2026, 12, 3, 13, 30, 0, 0, time.UTC)},
		{"10m", now.Add(-10 * time.Minute)},
		{"2h", now.Add(-2 * time.Hour)},
		{"1h30m", now.Add(-90 * time.Minute)},
		{"0s", now},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in, now, paris)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseTime(%q) = %v, want %v", tt.in, got.UTC(), tt.want)
			}
		})
	}
}

// TestParseTimeDayInLocation takes a time of day on the day of now where the
// user is, not in UTC: at 00:30 in Tokyo it is still yesterday in UTC.
func TestParseTimeDayInLocation(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	now := time.Date(2026, 12, 2, 15, 30, 0, 0, time.UTC) // 00:30 on the 3rd in Tokyo
	got, err := ParseTime("00:10", now, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 2, 15, 10, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ParseTime(00:10) = %v, want %v", got.UTC(), want)
	}
}

func TestParseTimeRejects(t *testing.T) {
	for _, in := range []string{"", "yesterday", "-10m", "2026-13-01", "2026-12-03 25:00", "24:00", "14h30", "10", "12/03/2026", "2026-12-03T14:30:00 Z"} {
		t.Run(in, func(t *testing.T) {
			got, err := ParseTime(in, time.Now(), time.UTC)
			if !errors.Is(err, ErrBadTime) {
				t.Errorf("ParseTime(%q) = %v, %v; want ErrBadTime", in, got, err)
			}
		})
	}
}
