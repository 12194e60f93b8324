package machines

import (
	"errors"
	"math/big"
	"strings"
	"testing"
)

// machine is a wanted machine in the tests: perf as an exact rational.
type machine struct {
	name   string
	perf   string
	cores  int
	memory int64
}

func checkList(t *testing.T, got List, want []machine) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d machines %v, want %d", len(got), got.Names(), len(want))
	}
	for i, w := range want {
		g := got[i]
		perf, _ := new(big.Rat).SetString(w.perf)
		if g.Name != w.name || g.Perf.Cmp(perf) != 0 || g.Cores != w.cores || g.Memory != w.memory {
			t.Errorf("machine %d = {%s %s %d %d}, want {%s %s %d %d}",
				i, g.Name, g.Perf.RatString(), g.Cores, g.Memory, w.name, perf.RatString(), w.cores, w.memory)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []machine
	}{
		{"pair form", `{"alpha": [1.5, 8]}`, []machine{{"alpha", "3/2", 8, 0}}},
		{"object form", `{"alpha": {"perf": 2, "cores": 4, "memory": "16GiB"}}`, []machine{{"alpha", "2", 4, 16 << 30}}},
		{"object form without memory", `{"alpha": {"cores": 4, "perf": 0.5}}`, []machine{{"alpha", "1/2", 4, 0}}},
		{"both forms, file order kept", `{"zeta": [1, 2], "alpha": {"perf": 0.3333, "cores": 3}, "mid": [2.5, 1]}`,
			[]machine{{"zeta", "1", 2, 0}, {"alpha", "3333/10000", 3, 0}, {"mid", "5/2", 1, 0}}},
		{"perf exact, not float", `{"a": [0.1, 1]}`, []machine{{"a", "1/10", 1, 0}}},
		{"perf at the limit", `{"a": [1e6, 1]}`, []machine{{"a", "1000000", 1, 0}}},
		{"perf as exponent", `{"a": [15e-1, 1]}`, []machine{{"a", "3/2", 1, 0}}},
		{"whole cores written as float", `{"a": [1, 8.0]}`, []machine{{"a", "1", 8, 0}}},
		{"cores as exponent", `{"a": [1, 1e3]}`, []machine{{"a", "1", 1000, 0}}},
		{"cores at the limit", `{"a": [1, 1048576]}`, []machine{{"a", "1", 1 << 20, 0}}},
		{"byte order mark", "\xef\xbb\xbf{\"a\": [1, 2]}", []machine{{"a", "1", 2, 0}}},
		{"whitespace and newlines", "\n\t{\r\n \"a\" : [ 1 , 2 ] \r\n}\n\n", []machine{{"a", "1", 2, 0}}},
		{"unicode name", `{"rechner-ä": [1, 2]}`, []machine{{"rechner-ä", "1", 2, 0}}},
		{"name with dots and colon", `{"node1.lab:2": [1, 2]}`, []machine{{"node1.lab:2", "1", 2, 0}}},
		{"escaped name", `{"\u0061lpha": [1, 2]}`, []machine{{"alpha", "1", 2, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in), "machines.json")
			if err != nil {
				t.Fatal(err)
			}
			checkList(t, got, tt.want)
		})
	}
}

// TestParseErrors asserts each message exactly: they are the user's
// interface to a mistyped machines.json.
func TestParseErrors(t *testing.T) {
	const (
		wantPair  = `want [perf, cores], such as [1.5, 8]`
		wantEntry = `want [perf, cores] or {"perf": ..., "cores": ...}`
		badPerf   = `perf must be a number > 0 and <= 1000000, got `
		badCores  = `cores must be a whole number from 1 to 1048576, got `
	)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"duplicate name", `{"a": [1, 2], "b": [1, 1], "a": [2, 2]}`, `machines.json:1: machine "a": listed twice`},
		{"duplicate name on line 4", "{\n\"a\": [1, 2],\n\"b\": [1, 1],\n\"a\": [2, 2]}", `machines.json:4: machine "a": listed twice`},
		{"duplicate name by escape", `{"a": [1, 2], "\u0061": [1, 2]}`, `machines.json:1: machine "a": listed twice`},
		{"slash in name", `{"a/b": [1, 2]}`, `machines.json: bad machine name "a/b": must not contain a path separator`},
		{"backslash in name", `{"a\\b": [1, 2]}`, `machines.json: bad machine name "a\\b": must not contain a path separator`},
		{"dot dot", `{"..": [1, 2]}`, `machines.json: bad machine name "..": must not contain ".."`},
		{"dot dot inside", `{"a..b": [1, 2]}`, `machines.json: bad machine name "a..b": must not contain ".."`},
		{"dot", `{".": [1, 2]}`, `machines.json: bad machine name ".": must not be "."`},
		{"NUL in name", `{"a\u0000": [1, 2]}`, `machines.json: bad machine name "a\x00": must not contain control characters`},
		{"newline in name", `{"a\nb": [1, 2]}`, `machines.json: bad machine name "a\nb": must not contain control characters`},
		{"tab in name", `{"a\tb": [1, 2]}`, `machines.json: bad machine name "a\tb": must not contain control characters`},
		{"DEL in name", `{"a\u007f": [1, 2]}`, `machines.json: bad machine name "a\x7f": must not contain control characters`},
		{"empty name", `{"": [1, 2]}`, `machines.json: bad machine name: empty`},
		{"leading space", `{" a": [1, 2]}`, `machines.json: bad machine name " a": leading or trailing space`},
		{"long name", `{"` + strings.Repeat("x", 129) + `": [1, 2]}`, `machines.json: bad machine name "` + strings.Repeat("x", 129) + `": longer than 128 bytes`},
		{"perf zero", `{"a": [0, 2]}`, `machines.json: machine "a": ` + badPerf + `0`},
		{"perf negative", `{"a": [-1.5, 2]}`, `machines.json: machine "a": ` + badPerf + `-1.5`},
		{"perf huge", `{"a": [1e300, 2]}`, `machines.json: machine "a": ` + badPerf + `1e300`},
		{"perf just past the limit", `{"a": [1000000.0000001, 2]}`, `machines.json: machine "a": ` + badPerf + `1000000.0000001`},
		{"perf NaN as string", `{"a": ["NaN", 2]}`, `machines.json: machine "a": ` + badPerf + `"NaN"`},
		{"perf Infinity as string", `{"a": ["Infinity", 2]}`, `machines.json: machine "a": ` + badPerf + `"Infinity"`},
		{"perf number as string", `{"a": ["1", 2]}`, `machines.json: machine "a": ` + badPerf + `"1"`},
		{"perf number as string, long form", `{"a": {"perf": "1", "cores": 2}}`, `machines.json: machine "a": ` + badPerf + `"1"`},
		{"perf NaN bare", `{"a": [NaN, 2]}`, `machines.json:1: invalid JSON: invalid character 'N' looking for beginning of value`},
		{"perf NaN bare on line 3", "{\n\"a\": [1, 2],\n\"b\": [\nNaN, 2]}", `machines.json:4: invalid JSON: invalid character 'N' looking for beginning of value`},
		{"perf bool", `{"a": [true, 2]}`, `machines.json: machine "a": ` + badPerf + `true`},
		{"perf object zero", `{"a": {"perf": 0, "cores": 2}}`, `machines.json: machine "a": ` + badPerf + `0`},
		{"fractional cores", `{"a": [1, 2.5]}`, `machines.json: machine "a": ` + badCores + `2.5`},
		{"zero cores", `{"a": [1, 0]}`, `machines.json: machine "a": ` + badCores + `0`},
		{"negative cores", `{"a": [1, -4]}`, `machines.json: machine "a": ` + badCores + `-4`},
		{"too many cores", `{"a": [1, 2000000]}`, `machines.json: machine "a": ` + badCores + `2000000`},
		{"one number", `{"a": [1]}`, `machines.json: machine "a": ` + wantPair},
		{"three numbers", `{"a": [1, 2, 3]}`, `machines.json: machine "a": ` + wantPair},
		{"empty pair", `{"a": []}`, `machines.json: machine "a": ` + wantPair},
		{"missing cores", `{"a": {"perf": 1}}`, `machines.json: machine "a": want both "perf" and "cores"`},
		{"missing perf", `{"a": {"cores": 1}}`, `machines.json: machine "a": want both "perf" and "cores"`},
		{"null perf", `{"a": {"perf": null, "cores": 1}}`, `machines.json: machine "a": want both "perf" and "cores"`},
		{"unknown field", `{"a": {"perf": 1, "cores": 2, "gpu": 1}}`, `machines.json: machine "a": unknown key "gpu": the keys are perf, cores, memory, gpus and resources`},
		{"key twice", `{"a": {"perf": 1, "cores": 2, "perf": 3}}`, `machines.json: machine "a": "perf" is given twice`},
		{"empty memory", `{"a": {"perf": 1, "cores": 2, "memory": ""}}`, `machines.json: machine "a": memory: bad size "": want a number with an optional unit such as 512MiB or 1.5GB`},
		{"memory a number", `{"a": {"perf": 1, "cores": 2, "memory": 5}}`, `machines.json: machine "a": memory must be a size such as "16GiB", got 5`},
		{"bad memory", `{"a": {"perf": 1, "cores": 2, "memory": "lots"}}`, `machines.json: machine "a": memory: bad size "lots": want a number with an optional unit such as 512MiB or 1.5GB`},
		{"null entry", `{"a": null}`, `machines.json: machine "a": ` + wantEntry},
		{"number entry", `{"a": 5}`, `machines.json: machine "a": ` + wantEntry},
		{"string entry", `{"a": "fast"}`, `machines.json: machine "a": ` + wantEntry},
		{"empty file", ``, `machines.json: empty file: want an object such as {"alpha": [1.0, 8]}`},
		{"blank file", " \n\t\n", `machines.json: empty file: want an object such as {"alpha": [1.0, 8]}`},
		{"only a byte order mark", "\xef\xbb\xbf", `machines.json: empty file: want an object such as {"alpha": [1.0, 8]}`},
		{"array", `[["a", 1, 2]]`, `machines.json: not a JSON object of machines such as {"alpha": [1.0, 8]}`},
		{"string", `"a"`, `machines.json: not a JSON object of machines such as {"alpha": [1.0, 8]}`},
		{"null", `null`, `machines.json: not a JSON object of machines such as {"alpha": [1.0, 8]}`},
		{"not JSON", `alpha: [1, 2]`, `machines.json: not a JSON object of machines such as {"alpha": [1.0, 8]}`},
		{"empty object", `{}`, `machines.json: no machines listed`},
		{"trailing garbage", `{"a": [1, 2]} x`, `machines.json: unexpected content after the machines object`},
		{"second object", `{"a": [1, 2]}{"b": [1, 2]}`, `machines.json: unexpected content after the machines object`},
		{"closing brace twice", `{"a": [1, 2]}}`, `machines.json: unexpected content after the machines object`},
		{"truncated", `{"a": [1, 2]`, `machines.json:1: invalid JSON: unexpected end of file`},
		{"truncated after lines", "{\n\"a\": [1, 2]\n\n", `machines.json:2: invalid JSON: unexpected end of file`},
		{"missing colon", `{"a" [1, 2]}`, `machines.json:1: invalid JSON: invalid character '[' after object key`},
		{"trailing comma", `{"a": [1, 2],}`, `machines.json:1: invalid JSON: invalid character '}' looking for beginning of object key string`},
		{"trailing comma on line 3", "{\n\"a\": [1, 2],\n}", `machines.json:3: invalid JSON: invalid character '}' looking for beginning of object key string`},
		{"missing comma on line 2", "{\"a\": [1, 2]\n\"b\": [1, 2]}", `machines.json:2: invalid JSON: invalid character '"' after object key:value pair`},
		{"number key", `{1: [1, 2]}`, `machines.json:1: invalid JSON: invalid character '1' looking for beginning of object key string`},
		{"invalid UTF-8", "{\"a\xff\": [1, 2]}", `machines.json:1: not valid UTF-8`},
		{"invalid UTF-8 on line 2", "{\n\"a\xff\": [1, 2]}", `machines.json:2: not valid UTF-8`},
		{"second entry bad, first good", `{"a": [1, 2], "b": [1, "x"]}`, `machines.json: machine "b": ` + badCores + `"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := Parse([]byte(tt.in), "machines.json")
			if err == nil {
				t.Fatalf("no error, got %v", list.Names())
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			var entry *EntryError
			if !errors.As(err, &entry) {
				t.Errorf("error %T is not an *EntryError", err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	if _, err := Load("testdata/does-not-exist.json"); err == nil ||
		err.Error() != "read machines: open testdata/does-not-exist.json: no such file or directory" {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestCheckNameWrapsErrBadName(t *testing.T) {
	for _, name := range []string{"", "a/b", "..", ".", "a\x00", " a", "a\xff"} {
		if err := CheckName(name); !errors.Is(err, ErrBadName) {
			t.Errorf("CheckName(%q) = %v, want ErrBadName", name, err)
		}
	}
	for _, name := range []string{"a", "node-01.lab", "a.b", "世界", strings.Repeat("x", 128)} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", name, err)
		}
	}
}

func TestWeight(t *testing.T) {
	tests := []struct {
		in           string
		weight, perf string
		weightText   string
		perfText     string
	}{
		{`{"a": [1.5, 8]}`, "12", "3/2", "12", "1.5"},
		{`{"a": [0.3333, 3]}`, "9999/10000", "3333/10000", "0.9999", "0.3333"},
		{`{"a": [2, 4]}`, "8", "2", "8", "2"},
		{`{"a": [0.1, 3]}`, "3/10", "1/10", "0.3", "0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			l, err := Parse([]byte(tt.in), "m.json")
			if err != nil {
				t.Fatal(err)
			}
			m := l[0]
			if m.Weight().RatString() != tt.weight || m.Perf.RatString() != tt.perf ||
				m.WeightString() != tt.weightText || m.PerfString() != tt.perfText {
				t.Errorf("weight %s (%s), perf %s (%s); want %s (%s), %s (%s)",
					m.Weight().RatString(), m.WeightString(), m.Perf.RatString(), m.PerfString(),
					tt.weight, tt.weightText, tt.perf, tt.perfText)
			}
		})
	}
}

func TestListFind(t *testing.T) {
	l, err := Parse([]byte(`{"b": [1, 2], "a": [2, 1]}`), "m.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.Names(), ","); got != "b,a" {
		t.Errorf("Names = %s, want b,a", got)
	}
	if m, ok := l.Find("a"); !ok || m.Cores != 1 {
		t.Errorf("Find(a) = %v, %v", m, ok)
	}
	if _, ok := l.Find("c"); ok {
		t.Error("Find(c) found a machine")
	}
}

func TestParseSize(t *testing.T) {
	const bad = `: want a number with an optional unit such as 512MiB or 1.5GB`
	tests := []struct {
		in      string
		want    int64
		wantErr string
	}{
		{"64MiB", 64 << 20, ""},
		{"1.5GB", 1_500_000_000, ""},
		{"512K", 512 << 10, ""},
		{"1000", 1000, ""},
		{"64mib", 64 << 20, ""},
		{"64 MiB", 64 << 20, ""},
		{"2GiB", 2 << 30, ""},
		{"1TiB", 1 << 40, ""},
		{"3KB", 3000, ""},
		{"3kb", 3000, ""},
		{"5MB", 5_000_000, ""},
		{"2TB", 2_000_000_000_000, ""},
		{"5T", 5 << 40, ""},
		{"1G", 1 << 30, ""},
		{"7M", 7 << 20, ""},
		{"10B", 10, ""},
		{"0", 0, ""},
		{" 7 ", 7, ""},
		{"1.5", 1, ""},
		{"0.5KiB", 512, ""},
		{"1e3", 1000, ""},
		{"1e3KB", 1_000_000, ""},
		{"4000000TiB", 4_000_000 << 40, ""},
		{"bad", 0, `bad size "bad"` + bad},
		{"", 0, `bad size ""` + bad},
		{"GB", 0, `bad size "GB"` + bad},
		{"-1", 0, `bad size "-1"` + bad},
		{"-1KB", 0, `bad size "-1KB"` + bad},
		{"NaN", 0, `bad size "NaN"` + bad},
		{"Inf", 0, `bad size "Inf"` + bad},
		{"1.5.5G", 0, `bad size "1.5.5G"` + bad},
		{"5iB", 0, `bad size "5iB"` + bad},
		{"8EiB", 0, `bad size "8EiB"` + bad},
		{"5 GB GB", 0, `bad size "5 GB GB"` + bad},
		{"8000000TB", 0, `bad size "8000000TB": too large`},
		{"1e300", 0, `bad size "1e300": too large`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tt.want || gotErr != tt.wantErr {
				t.Errorf("ParseSize(%q) = %d, %q; want %d, %q", tt.in, got, gotErr, tt.want, tt.wantErr)
			}
		})
	}
}

// FuzzParse checks that no machines.json panics the parser, and that what
// it accepts keeps the documented rules.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"alpha": [1.0, 2], "beta": [0.5, 2], "gamma": {"perf": 2, "cores": 4, "memory": "16GiB"}}`,
		`{"a": [1e6, 1048576]}`,
		`{"a": [1, 2], "a": [1, 2]}`,
		`{"a/b": [1, 2.5]}`,
		"\xef\xbb\xbf{\"a\": {\"perf\": 0.3333, \"cores\": 3}}",
		`{"a": [1, 2]} x`,
		`{"g": {"perf": 1, "cores": 4, "gpus": ["0", "2"], "resources": {"license": 2, "port": ["p1", "p2"]}}}`,
		`{"g": {"perf": 1, "cores": 4, "gpus": 2.5}}`,
		`{"g": {"perf": 1, "cores": 4, "gpus": ["0", "0"]}}`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := Parse(data, "machines.json")
		if err != nil {
			var entry *EntryError
			if !errors.As(err, &entry) {
				t.Fatalf("error %T is not an *EntryError: %v", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if len(list) == 0 {
			t.Fatal("no error and no machines")
		}
		seen := map[string]bool{}
		for _, m := range list {
			if err := CheckName(m.Name); err != nil || seen[m.Name] {
				t.Fatalf("accepted bad or duplicate name %q", m.Name)
			}
			seen[m.Name] = true
			if m.Perf.Sign() <= 0 || m.Cores < 1 || m.Cores > maxCores || m.Memory < 0 {
				t.Fatalf("accepted %+v", m)
			}
			checkDevices(t, "gpus", m.GPUs)
			for i, r := range m.Resources {
				if CheckResourceName(r.Name) != nil || i > 0 && m.Resources[i-1].Name >= r.Name {
					t.Fatalf("accepted bad, unsorted or duplicate resource %q", r.Name)
				}
				if r.Count < 0 || r.IDs != nil && len(r.IDs) != r.Count {
					t.Fatalf("resource %q: count %d with ids %q", r.Name, r.Count, r.IDs)
				}
				checkDevices(t, r.Name, r.IDs)
			}
		}
	})
}

// checkDevices fails when ids hold an empty, duplicate or comma-bearing id.
func checkDevices(t *testing.T, what string, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if checkDeviceID(id) != "" || seen[id] {
			t.Fatalf("%s: accepted bad or duplicate device id %q in %q", what, id, ids)
		}
		seen[id] = true
	}
}
