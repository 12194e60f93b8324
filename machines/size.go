package machines

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

var sizeUnits = []struct {
	suffix string
	factor float64
}{
	// Longest suffixes first so that "KiB" is not read as "B".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
	{"B", 1},
}

// ParseSize reads a size such as "64MiB", "1.5GB", "512K" or "1000" (bytes).
// Binary suffixes (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (KB,
// MB, GB, TB) powers of 1000; a bare K, M, G or T is binary, as in GNU tools.
func ParseSize(s string) (int64, error) {
	text := strings.TrimSpace(s)
	factor := 1.0
	for _, u := range sizeUnits {
		if strings.HasSuffix(strings.ToUpper(text), strings.ToUpper(u.suffix)) {
			factor = u.factor
			text = strings.TrimSpace(text[:len(text)-len(u.suffix)])
			break
		}
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("bad size %q: want a number with an optional unit such as 512MiB or 1.5GB", s)
	}
	bytes := v * factor
	if bytes > math.MaxInt64/2 {
		return 0, fmt.Errorf("bad size %q: too large", s)
	}
	return int64(bytes), nil
}

// FormatSize writes a byte count with a binary unit, such as "1.5GiB".
func FormatSize(bytes int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, unit := float64(bytes), 0
	for v >= 1024 && unit < len(units)-1 {
		v /= 1024
		unit++
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + units[unit]
}
