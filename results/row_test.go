package results

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestParseStatus(t *testing.T) {
	for _, s := range []string{"ok", "failed", "timeout", "interrupted"} {
		if got, err := ParseStatus(s); err != nil || string(got) != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "OK", "done", "ok "} {
		if _, err := ParseStatus(s); err == nil {
			t.Errorf("ParseStatus(%q) accepted", s)
		}
	}
}

func TestSecondsFormat(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.000"},
		{1234 * time.Millisecond, "1.234"},
		{1234567 * time.Microsecond, "1.235"},
		{5 * time.Millisecond, "0.005"},
		{90 * time.Minute, "5400.000"},
		{-1500 * time.Millisecond, "-1.500"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := formatSeconds(tt.d)
			if got != tt.want {
				t.Fatalf("formatSeconds(%v) = %q, want %q", tt.d, got, tt.want)
			}
			if tt.d < 0 {
				return
			}
			back, err := parseSeconds(got)
			if err != nil || back != tt.d.Round(time.Millisecond) {
				t.Fatalf("parseSeconds(%q) = %v, %v", got, back, err)
			}
		})
	}
	for _, bad := range []string{"", "x", "NaN", "-1", "1e300", "Inf"} {
		if _, err := parseSeconds(bad); err == nil {
			t.Errorf("parseSeconds(%q) accepted", bad)
		}
	}
}

func TestTimeFormat(t *testing.T) {
	local := time.FixedZone("X", 3*3600)
	tm := time.Date(2026, 11, 21, 13, 0, 0, 123_456_789, local)
	if got, want := formatTime(tm), "2026-11-21T10:00:00.123Z"; got != want {
		t.Fatalf("formatTime = %q, want %q", got, want)
	}
	ns, err := parseTime("2026-11-21T10:00:00.123Z")
	if err != nil || ns != time.Date(2026, 11, 21, 10, 0, 0, 123e6, time.UTC).UnixNano() {
		t.Fatalf("parseTime = %d, %v", ns, err)
	}
	if _, err := parseTime("yesterday"); err == nil {
		t.Fatal("parseTime accepted yesterday")
	}
}

func TestResultCells(t *testing.T) {
	obj := `{"s":"text, with \"quotes\"","n":1.50,"i":-3,"e":1e3,"t":true,"f":false,"z":null,
		"o":{"a": [1, 2], "b": "x"},"a":[ 1 , "two" ],"u":"\u00e9\n"}`
	tests := []struct{ col, want string }{
		{"s", `text, with "quotes"`},
		{"n", "1.50"},
		{"i", "-3"},
		{"e", "1e3"},
		{"t", "true"},
		{"f", "false"},
		{"z", ""},
		{"o", `{"a":[1,2],"b":"x"}`},
		{"a", `[1,"two"]`},
		{"u", "é\n"},
		{"missing", ""},
	}
	var cols []string
	for _, tt := range tests {
		cols = append(cols, tt.col)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		t.Fatal(err)
	}
	fromMap := ResultCells(m, cols)
	fromBytes, err := DecodeResultCells([]byte(obj), cols)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		t.Run(tt.col, func(t *testing.T) {
			if fromMap[i] != tt.want || fromBytes[i] != tt.want {
				t.Fatalf("cell %q = %q / %q, want %q", tt.col, fromMap[i], fromBytes[i], tt.want)
			}
		})
	}
}

func TestDecodeResultCellsBad(t *testing.T) {
	cols := []string{"a", "b"}
	tests := []struct {
		name, data string
		wantErr    bool
		notObject  bool
	}{
		{"empty", "", false, false},
		{"blank", " \n\t", false, false},
		{"array", "[1,2]", true, true},
		{"null", "null", true, true},
		{"number", "42", true, true},
		{"truncated", `{"a": 1`, true, false},
		{"two objects", `{"a":1}{"b":2}`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cells, err := DecodeResultCells([]byte(tt.data), cols)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if errors.Is(err, ErrResultNotObject) != tt.notObject {
				t.Fatalf("err = %v, want ErrResultNotObject %v", err, tt.notObject)
			}
			if !slices.Equal(cells, []string{"", ""}) {
				t.Fatalf("cells = %q, want two empty cells", cells)
			}
		})
	}
}

// TestQuotingRoundTrip writes hostile values and checks that a strict CSV
// reader, ReadDone and Collect give them back unchanged.
func TestQuotingRoundTrip(t *testing.T) {
	values := []string{
		"a,b", `say "hi"`, "line1\nline2", "-rf /", "$(touch pwned); x", "`id`", "; rm -rf ~",
		" leading space", "trailing space ", "'single'", `\.`, "tab\there", "=1+2", "", `"`, "\"\n,", "é ü 中",
		"lone\rcr",
	}
	params := []string{"p"}
	resultCols := []string{"r"}
	path := filepath.Join(t.TempDir(), "results", "alpha.csv")
	plan := Plan{Digest: "d1", Params: params}
	var rows []Row
	for i, v := range values {
		id := v + "#" + string(rune('a'+i)) // ids are hostile too, and distinct
		rows = append(rows, row(id, "alpha", StatusOK, 1, time.Duration(i)*time.Second, []string{v}, v))
		plan.Jobs = append(plan.Jobs, PlannedJob{ID: id, Machine: "alpha", Params: []string{v}})
	}
	writeRows(t, path, params, resultCols, rows...)

	recs := readCSV(t, mustRead(t, path))
	if len(recs) != len(values)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(values)+1)
	}
	for i, v := range values {
		rec := recs[i+1]
		if rec[0] != rows[i].JobID || rec[8] != v || rec[9] != v {
			t.Errorf("value %q came back as id %q param %q result %q", v, rec[0], rec[8], rec[9])
		}
	}
	var pool idList
	for _, r := range rows {
		pool = append(pool, r.JobID)
	}
	done, err := ReadDone(path, pool)
	if err != nil || done.Len() != len(values) || done.Outside != 0 {
		t.Fatalf("ReadDone: %d jobs, %v", done.Len(), err)
	}
	c, err := Collect(plan, []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Summary.Complete {
		t.Fatalf("collect not complete: %+v", c.Summary.Total)
	}
}
