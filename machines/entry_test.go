package machines

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormatPerf(t *testing.T) {
	tests := []struct {
		perf float64
		want string
	}{
		{1, "1.0"},
		{0.999, "1.0"},
		{1.04, "1.0"},
		{1.06, "1.1"},
		{0.87, "0.87"},
		{0.8649, "0.86"},
		{0.0654, "0.065"},
		{9.96, "10"},
		{12.4, "12"},
		{131, "130"},
		{2500.1, "2500"},
		{0.000123, "0.00012"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatPerf(tt.perf); got != tt.want {
				t.Errorf("FormatPerf(%g) = %q, want %q", tt.perf, got, tt.want)
			}
		})
	}
}

func TestEntryString(t *testing.T) {
	tests := []struct {
		entry Entry
		want  string
	}{
		{Entry{"alpha", 1.234, 8, 0}, `"alpha": [1.2, 8]`},
		{Entry{"node<1>&\"x\"", 0.5, 1, 0}, `"node<1>&\"x\"": [0.50, 1]`},
		{Entry{"rechner-ä", 20, 64, 0}, `"rechner-ä": [20, 64]`},
	}
	for _, tt := range tests {
		if got := tt.entry.String(); got != tt.want {
			t.Errorf("%+v: got %s, want %s", tt.entry, got, tt.want)
		}
	}
}

// TestUpdate checks that an update changes only the numbers of the machine
// measured, or adds it last, and keeps every other byte.
func TestUpdate(t *testing.T) {
	const sample = "{\n  \"alpha\": [1.0, 2],\n  \"beta\": [0.5, 2],\n  \"gamma\": {\"perf\": 2, \"cores\": 4, \"memory\": \"16GiB\"}\n}\n"
	tests := []struct {
		name  string
		in    string
		entry Entry
		want  string
	}{
		{"pair form keeps its place", sample, Entry{"beta", 0.87, 6, 0},
			"{\n  \"alpha\": [1.0, 2],\n  \"beta\": [0.87, 6],\n  \"gamma\": {\"perf\": 2, \"cores\": 4, \"memory\": \"16GiB\"}\n}\n"},
		{"object form keeps memory", sample, Entry{"gamma", 1.5, 16, 0},
			"{\n  \"alpha\": [1.0, 2],\n  \"beta\": [0.5, 2],\n  \"gamma\": {\"perf\": 1.5, \"cores\": 16, \"memory\": \"16GiB\"}\n}\n"},
		{"object with cores first", `{"a": {"cores": 4, "memory": "1GB", "perf": 2}}`, Entry{"a", 3, 5, 0},
			`{"a": {"cores": 5, "memory": "1GB", "perf": 3.0}}`},
		{"first machine", sample, Entry{"alpha", 2.26, 8, 0},
			"{\n  \"alpha\": [2.3, 8],\n  \"beta\": [0.5, 2],\n  \"gamma\": {\"perf\": 2, \"cores\": 4, \"memory\": \"16GiB\"}\n}\n"},
		{"new machine goes last, indented alike", sample, Entry{"delta", 1.1, 12, 0},
			"{\n  \"alpha\": [1.0, 2],\n  \"beta\": [0.5, 2],\n  \"gamma\": {\"perf\": 2, \"cores\": 4, \"memory\": \"16GiB\"},\n  \"delta\": [1.1, 12]\n}\n"},
		{"new machine on one line", `{"a": [1, 2], "b": [2, 4]}`, Entry{"c", 0.5, 1, 0},
			`{"a": [1, 2], "b": [2, 4], "c": [0.50, 1]}`},
		{"new machine after the only one, tabs", "{\n\t\"a\": [1, 2]\n}", Entry{"b", 1, 1, 0},
			"{\n\t\"a\": [1, 2],\n\t\"b\": [1.0, 1]\n}"},
		{"CRLF and odd spacing kept", "{\r\n  \"a\" : [ 1 ,  2 ] ,\r\n  \"b\":[2,4]\r\n}\r\n", Entry{"a", 0.25, 3, 0},
			"{\r\n  \"a\" : [ 0.25 ,  3 ] ,\r\n  \"b\":[2,4]\r\n}\r\n"},
		{"byte order mark kept", "\xef\xbb\xbf{\"a\": [1, 2]}", Entry{"a", 4, 4, 0},
			"\xef\xbb\xbf{\"a\": [4.0, 4]}"},
		{"empty object", "{}\n", Entry{"solo", 1, 2, 0}, "{\n  \"solo\": [1.0, 2]\n}\n"},
		{"escaped key found", `{"\u0061lpha": [1, 2]}`, Entry{"alpha", 3, 3, 0}, `{"\u0061lpha": [3.0, 3]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Update([]byte(tt.in), "machines.json", tt.entry)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestUpdateErrors(t *testing.T) {
	tests := []struct {
		name, in string
		entry    Entry
		want     string
	}{
		{"broken file", `{"a": [1, 2]`, Entry{"b", 1, 1, 0}, "invalid JSON"},
		{"bad other entry", `{"a": [0, 2]}`, Entry{"b", 1, 1, 0}, `machines.json: machine "a": perf must be`},
		{"not an object", `[1, 2]`, Entry{"b", 1, 1, 0}, "machines.json: not a JSON object"},
		{"bad name", `{"a": [1, 2]}`, Entry{"../x", 1, 1, 0}, `bad machine name "../x"`},
		{"no cores", `{"a": [1, 2]}`, Entry{"b", 1, 0, 0}, "perf and cores must be above 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Update([]byte(tt.in), "machines.json", tt.entry)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestUpdateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "machines.json")
	added, err := UpdateFile(path, Entry{"new", 1.5, 4, 0})
	if err != nil || !added {
		t.Fatalf("new file: added %v, err %v", added, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	added, err = UpdateFile(path, Entry{"new", 2, 8, 0})
	if err != nil || added {
		t.Fatalf("second update: added %v, err %v", added, err)
	}
	data, _ := os.ReadFile(path)
	if want := "{\n  \"new\": [2.0, 8]\n}\n"; string(data) != want {
		t.Errorf("file is %q, want %q", data, want)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600", info.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left %d files in the directory, want only machines.json", len(entries))
	}
}
