package results

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestWrittenTimeAgrees: the fast reading of started_at gives what
// time.Parse gives, for times as written and for near misses, which it
// leaves to time.Parse.
func TestWrittenTimeAgrees(t *testing.T) {
	cases := []string{
		"2026-11-21T10:00:00.123Z", "2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
		"1900-01-01T00:00:00.000Z", "2200-12-31T23:59:59.999Z", "1899-12-31T23:59:59.999Z", "2201-01-01T00:00:00.000Z",
		"2026-13-01T00:00:00.000Z", "2026-00-01T00:00:00.000Z", "2026-01-00T00:00:00.000Z", "2026-01-01T24:00:00.000Z",
		"2026-01-01T00:60:00.000Z", "2026-01-01T00:00:60.000Z", "2026-01-01T00:00:00.000z", "2026-01-01t00:00:00.000Z",
		"2026-01-01T00:00:00,000Z", "2026-01-01T00:00:00.0a0Z", "2026-1-01T00:00:00.0000Z", "+026-01-01T00:00:00.000Z",
		"2024-02-30T00:00:00.000Z", "2100-02-29T00:00:00.000Z", "2000-02-29T00:00:00.000Z", "2026-06-31T00:00:00.000Z",
		"2026-09-31T00:00:00.000Z", "2026-11-31T00:00:00.000Z", "2026-12-31T23:59:59.999Z", "2026-08-31T12:00:00.000Z",
		"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.123456789Z", "2026-01-01T00:00:00.123+02:00", "", "yesterday",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		ts := time.Date(1890+r.IntN(330), time.Month(1+r.IntN(12)), 1+r.IntN(31), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000)*1e6, time.UTC)
		cases = append(cases, formatTime(ts))
	}
	for _, s := range cases {
		want, wantErr := time.Parse(time.RFC3339, s)
		ns, ok := parseWrittenTime(s)
		if ok && (wantErr != nil || ns != want.UnixNano()) {
			t.Fatalf("parseWrittenTime(%q) = %d, time.Parse gives %v, %v", s, ns, want.UnixNano(), wantErr)
		}
		if !ok && wantErr == nil && s == formatTime(want) && want.Year() >= 1900 && want.Year() <= 2200 {
			t.Fatalf("parseWrittenTime(%q) left a time as written to time.Parse", s)
		}
	}
}

// TestHourCacheAgrees: reading times through an hourCache, one after the
// other, gives what parseTime gives, errors included, whatever hour the
// time before was in.
func TestHourCacheAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	hour := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	// Near misses within the hour before, and times of other hours.
	near := []string{"60:00.000Z", "00:60.000Z", "0a:00.000Z", "00:00.00aZ", "00:00,000Z", "00:00.000z", "00-00.000Z",
		"00:00.0000Z", "00:00Z", "59:59.999+01:00", "00:00.000Z ", "", "5:00.000Z", "59:59.999Z", "00:00.000Z"}
	other := []string{"2026-11-21T11:00:00.000Z", "2026-11-21T09:59:59.999Z", "2026-11-22T10:00:00.000Z", "1900-01-01T00:00:00.000Z", "yesterday"}
	var c hourCache
	for i := range 50000 {
		var s string
		switch r.IntN(10) {
		case 0:
			s = formatTime(hour)[:14] + near[r.IntN(len(near))]
		case 1:
			s = other[r.IntN(len(other))]
		case 2:
			hour = hour.Add(time.Duration(r.IntN(100)-50) * time.Hour)
			fallthrough
		default:
			s = formatTime(hour.Add(time.Duration(r.Int64N(int64(time.Hour)))).Truncate(time.Millisecond))
		}
		got, gotErr := c.parse(s)
		want, wantErr := parseTime(s)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("time %d, %q: hourCache gives %d, %v; parseTime %d, %v", i, s, got, gotErr, want, wantErr)
		}
	}
}

// TestWrittenSecondsAgrees: the fast reading of duration_s gives what
// strconv.ParseFloat and rounding to milliseconds give.
func TestWrittenSecondsAgrees(t *testing.T) {
	cases := []string{"0", "0.000", "1.234", "1.5", "1.05", "007.250", "999999999.999", "1000000000.000", "1.", ".5",
		"1.2345", "-1.000", "+1.000", "1e3", "1_000", "0x10", "Inf", "NaN", "", " 1.000", "1.000 ", "1..0", "12a.0"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		cases = append(cases, formatSeconds(time.Duration(r.Int64N(1e12))*time.Millisecond), strconv.FormatFloat(r.Float64()*1e6, 'f', r.IntN(4), 64))
	}
	for _, s := range cases {
		f, err := strconv.ParseFloat(s, 64)
		ms, ok := parseWrittenSeconds(s)
		if !ok {
			if err == nil && f >= 0 && f < 1e9 && s == formatSeconds(time.Duration(math.Round(f*1000))*time.Millisecond) {
				t.Fatalf("parseWrittenSeconds(%q) left seconds as written to ParseFloat", s)
			}
			continue
		}
		if err != nil || ms != int64(math.Round(f*1000)) {
			t.Fatalf("parseWrittenSeconds(%q) = %d ms, ParseFloat gives %v, %v", s, ms, f, err)
		}
	}
}
