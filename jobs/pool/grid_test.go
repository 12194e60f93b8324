package pool

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func decodeGrid(t *testing.T, text string) map[string]any {
	t.Helper()
	var grid map[string]any
	if _, err := toml.Decode(text, &grid); err != nil {
		t.Fatalf("decode %q: %v", text, err)
	}
	return grid
}

// gridValues lists a pool's parameter tuples, sorted, ignoring ids.
func gridValues(p *Pool) []string {
	out := make([]string, p.Len())
	for i := range out {
		out[i] = strings.Join(p.Job(i).Values, " ")
	}
	slices.Sort(out)
	return out
}

func TestGridPool(t *testing.T) {
	tests := []struct {
		name    string
		grid    string
		columns []string
		values  []string
	}{
		{"list", `a = ["x", "y"]`, []string{"a"}, []string{"x", "y"}},
		{"range", `n = {from = 1, to = 3}`, []string{"n"}, []string{"1", "2", "3"}},
		{"range with step", `n = {from = -5, to = 5, step = 4}`, []string{"n"}, []string{"-1", "-5", "3"}},
		{"range of one", `n = {from = 7, to = 7}`, []string{"n"}, []string{"7"}},
		{"step past the end", `n = {from = 1, to = 2, step = 10}`, []string{"n"}, []string{"1"}},
		{"product, columns by name", "z = [1, 2]\na = {from = 10, to = 11}", []string{"a", "z"},
			[]string{"10 1", "10 2", "11 1", "11 2"}},
		{"three axes", "a = [1, 2]\nb = [\"p\", \"q\"]\nc = [true]", []string{"a", "b", "c"},
			[]string{"1 p true", "1 q true", "2 p true", "2 q true"}},
		{"floats as written", `f = [1.5, 2.0, 1e100, 0.1, -0.0]`, []string{"f"}, []string{"-0.0", "0.1", "1.5", "1e+100", "2.0"}},
		{"arrays and tables as JSON", `v = [[1, "a"], {y = 2, x = 1}]`, []string{"v"}, []string{`[1,"a"]`, `{"x":1,"y":2}`}},
		{"dates and times as written", `d = [2024-01-02T03:04:05Z, 2024-01-02T03:04:05+01:00, 2024-01-02T03:04:05.5, 2024-01-02, 03:04:05]`, []string{"d"},
			[]string{"03:04:05", "2024-01-02", "2024-01-02T03:04:05+01:00", "2024-01-02T03:04:05.5", "2024-01-02T03:04:05Z"}},
		{"dates inside a table", `d = [{on = 2024-01-02}]`, []string{"d"}, []string{`{"on":"2024-01-02"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := GridPool(decodeGrid(t, tt.grid), "jobsplit.toml", false)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Columns, tt.columns) {
				t.Errorf("columns %q, want %q", p.Columns, tt.columns)
			}
			if got := gridValues(p); !slices.Equal(got, tt.values) {
				t.Errorf("values %q, want %q", got, tt.values)
			}
			for i := 1; i < p.Len(); i++ {
				if p.Job(i-1).ID >= p.Job(i).ID {
					t.Errorf("ids not sorted: %s, %s", p.Job(i-1).ID, p.Job(i).ID)
				}
			}
		})
	}
}

func TestGridPoolErrors(t *testing.T) {
	tests := []struct {
		name       string
		grid       string
		allowLarge bool
		want       string
	}{
		{"empty list", `a = []`, false, `jobsplit.toml: [pool.grid] a: no values`},
		{"not a list", `a = 5`, false, `jobsplit.toml: [pool.grid] a: want a list of values or {from = 1, to = 10, step = 1}, not an integer`},
		{"duplicate value", `a = [1, 2, 1]`, false, `jobsplit.toml: [pool.grid] a: value "1" is listed twice`},
		{"duplicate value across types", `a = [1, "1"]`, false, `jobsplit.toml: [pool.grid] a: value "1" is listed twice`},
		{"NaN", `a = [nan]`, false, `jobsplit.toml: [pool.grid] a: nan is not a finite number`},
		{"NaN in an array value", `a = [[1, nan]]`, false, `jobsplit.toml: [pool.grid] a: nan inside an array is not a finite number`},
		{"misspelled range key", `a = {from = 1, to = 3, stpe = 1}`, false, `jobsplit.toml: [pool.grid] a: unknown range key "stpe": want from, to and step`},
		{"range without to", `a = {from = 1}`, false, `jobsplit.toml: [pool.grid] a: a range needs whole numbers: {from = 1, to = 10, step = 1}`},
		{"float range", `a = {from = 1.0, to = 3}`, false, `jobsplit.toml: [pool.grid] a: a range needs whole numbers: {from = 1, to = 10, step = 1}`},
		{"backwards range", `a = {from = 3, to = 1}`, false, `jobsplit.toml: [pool.grid] a: a range needs from <= to and step >= 1, got from=3 to=1 step=1`},
		{"zero step", `a = {from = 1, to = 3, step = 0}`, false, `jobsplit.toml: [pool.grid] a: a range needs from <= to and step >= 1, got from=1 to=3 step=0`},
		{"negative step", `a = {from = 1, to = 3, step = -1}`, false, `jobsplit.toml: [pool.grid] a: a range needs from <= to and step >= 1, got from=1 to=3 step=-1`},
		{"reserved name", `seed = [1]`, false, `jobsplit.toml: [pool.grid] key "seed" is reserved by jobsplit: rename it`},
		{"bad name", `"a b" = [1]`, false, `jobsplit.toml: [pool.grid] key "a b": names may hold only ASCII letters, digits, '_', '-' and '.'`},
		{"just over the limit", "a = {from = 1, to = 100000}\nb = {from = 1, to = 101}", false,
			`jobsplit.toml: [pool.grid] makes 10100000 jobs, more than 10000000: pass --allow-large if that is meant`},
		// Refused before a billion values are allocated.
		{"one huge range", `a = {from = 1, to = 1000000000}`, false,
			`jobsplit.toml: [pool.grid] makes 1000000000 jobs, more than 10000000: pass --allow-large if that is meant`},
		{"product past what a plan holds", "a = {from = 1, to = 1000000}\nb = {from = 1, to = 1000000}\nc = [1, 2]", false,
			`jobsplit.toml: [pool.grid] makes more than 2147483647 jobs, the most one plan can hold`},
		{"past what a plan holds, even when allowed", "a = {from = 1, to = 100000}\nb = {from = 1, to = 100000}", true,
			`jobsplit.toml: [pool.grid] makes more than 2147483647 jobs, the most one plan can hold`},
		{"widest range", `a = {from = -9223372036854775808, to = 9223372036854775807}`, true,
			`jobsplit.toml: [pool.grid] makes more than 2147483647 jobs, the most one plan can hold`},
		{"widest range with a step", `a = {from = -9223372036854775808, to = 9223372036854775807, step = 2}`, true,
			`jobsplit.toml: [pool.grid] makes more than 2147483647 jobs, the most one plan can hold`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := GridPool(decodeGrid(t, tt.grid), "jobsplit.toml", tt.allowLarge)
			if err == nil {
				t.Fatalf("no error, got %d jobs", p.Len())
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

// TestFormatValueLocalTimes checks that a local date or time is written as
// written, whatever offset the TOML decoder gave it from the host's zone:
// hosts in different zones must compute the same jobs and digest.
func TestFormatValueLocalTimes(t *testing.T) {
	for _, offset := range []int{0, 3600, -5 * 3600, 5*3600 + 45*60} {
		tests := []struct {
			zone string
			want string
		}{
			{"datetime-local", "2024-03-04T05:06:07.5"},
			{"date-local", "2024-03-04"},
			{"time-local", "05:06:07.5"},
		}
		for _, tt := range tests {
			v := time.Date(2024, 3, 4, 5, 6, 7, 500_000_000, time.FixedZone(tt.zone, offset))
			if got, err := FormatValue(v); err != nil || got != tt.want {
				t.Errorf("%s at offset %d: %q, %v; want %q", tt.zone, offset, got, err, tt.want)
			}
			if got, err := FormatValue([]any{v}); err != nil || got != `["`+tt.want+`"]` {
				t.Errorf("%s at offset %d in an array: %q, %v", tt.zone, offset, got, err)
			}
		}
	}
	v := time.Date(2024, 3, 4, 5, 6, 7, 0, time.FixedZone("", 3600))
	if got, _ := FormatValue(v); got != "2024-03-04T05:06:07+01:00" {
		t.Errorf("offset datetime: %q", got)
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"text", "text"},
		{int64(-42), "-42"},
		{3.0, "3.0"},
		{0.1, "0.1"},
		{1e21, "1e+21"},
		{100000000.0, "1e+08"},
		{true, "true"},
		{[]any{int64(1), "a", 1.5}, `[1,"a",1.5]`},
		{map[string]any{"b": int64(1), "a": []any{}}, `{"a":[],"b":1}`},
		{map[string]any{"html": "<&>"}, `{"html":"\u003c\u0026\u003e"}`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			if got, err := FormatValue(tt.in); err != nil || got != tt.want {
				t.Errorf("FormatValue(%v) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
