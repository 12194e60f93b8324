package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var fixturePlan = Plan{Digest: "d1", Params: fixtureParams, Jobs: []PlannedJob{
	{ID: "1", Machine: "alpha", Params: []string{"0.1", "one"}},
	{ID: "2", Machine: "alpha", Params: []string{"0.2", "two"}},
	{ID: "10", Machine: "alpha", Params: []string{"1.0", "ten"}},
	{ID: "4", Machine: "beta", Params: []string{"0.4", "four"}},
	{ID: "5", Machine: "beta", Params: []string{"0.5", "five, with comma"}},
	{ID: "6", Machine: "gamma", Params: []string{"0.6", "six"}},
	{ID: "7", Machine: "gamma", Params: []string{"0.7", "-seven"}},
}}

// writeFixture writes three hosts' files: a retried job, a job run on two
// hosts, a missing job, a row not in the plan, an extra result column and a
// torn last line. It returns the folder.
func writeFixture(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "results")
	p := func(id string) []string {
		for _, j := range fixturePlan.Jobs {
			if j.ID == id {
				return j.Params
			}
		}
		return []string{"9", "nine"}
	}
	s := time.Second
	writeRows(t, filepath.Join(dir, "alpha.csv"), fixtureParams, fixtureResults,
		row("1", "alpha", StatusOK, 1, 0, p("1"), "0.11", ""),
		row("2", "alpha", StatusFailed, 1, 1*s, p("2"), "", "crashed"),
		row("2", "alpha", StatusOK, 2, 2*s, p("2"), "0.22", ""),
		row("10", "alpha", StatusTimeout, 1, 3*s, p("10")))
	dup := row("1", "beta", StatusOK, 1, 5*s, p("1"), "0.111", "rerun on beta")
	dup.Duration = 90 * time.Second
	writeRows(t, filepath.Join(dir, "beta.csv"), fixtureParams, fixtureResults,
		row("4", "beta", StatusOK, 1, 0, p("4"), "0.44", ""),
		dup,
		row("99", "beta", StatusOK, 1, 6*s, p("99"), "0.99", "not planned"))
	gamma := filepath.Join(dir, "gamma.csv")
	writeRows(t, gamma, fixtureParams, append(fixtureResults, "gpu"),
		row("6", "gamma", StatusOK, 1, 0, p("6"), "0.66", "a, \"b\"\nc", "A100"),
		row("7", "gamma", StatusFailed, 1, 1*s, p("7"), "", "", ""),
		row("7", "gamma", StatusInterrupted, 2, 2*s, p("7"), "", "", ""))
	f, err := os.OpenFile(gamma, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("5,gamma,ok,0,1,2026-11-21T10:0") // a host killed mid-write
	f.Close()
	return dir
}

func TestCollectGolden(t *testing.T) {
	dir := writeFixture(t)
	c, err := Collect(fixturePlan, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var table, text, missing bytes.Buffer
	if err := c.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	golden(t, "collect_table.golden.csv", table.Bytes())
	if err := c.Summary.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	golden(t, "collect_summary.golden.txt", text.Bytes())
	js, err := json.MarshalIndent(c.Summary, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "collect_summary.golden.json", append(js, '\n'))
	if err := c.WriteMissing(&missing); err != nil {
		t.Fatal(err)
	}
	golden(t, "collect_missing.golden.csv", missing.Bytes())
	var notOK bytes.Buffer
	if err := c.WriteNotOK(&notOK, 10); err != nil {
		t.Fatal(err)
	}
	golden(t, "collect_notok.golden.txt", notOK.Bytes())

	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "gamma.csv") || !strings.Contains(c.Warnings[0], "torn") {
		t.Errorf("warnings = %q, want one about gamma.csv's torn line", c.Warnings)
	}
	var back Summary
	if err := json.Unmarshal(js, &back); err != nil || !slices.Equal(back.Machines, c.Summary.Machines) || back.Total != c.Summary.Total {
		t.Errorf("summary JSON does not round-trip: %v\n%+v", err, back)
	}
	var outcomes []string
	for _, o := range c.NotOK() {
		outcomes = append(outcomes, o.ID+":"+string(o.Status)+":"+o.RanOn)
	}
	if want := []string{"10:timeout:alpha", "5::", "7:interrupted:gamma"}; !slices.Equal(outcomes, want) {
		t.Errorf("NotOK = %q, want %q", outcomes, want)
	}
}

func TestCollectSort(t *testing.T) {
	dir := writeFixture(t)
	tests := []struct {
		sort SortOrder
		want []string
	}{
		{"", []string{"1", "2", "10", "4", "6", "7"}},
		{SortPlan, []string{"1", "2", "10", "4", "6", "7"}},
		{SortID, []string{"1", "2", "4", "6", "7", "10"}},
		{SortStarted, []string{"4", "6", "2", "7", "10", "1"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.sort), func(t *testing.T) {
			c, err := Collect(fixturePlan, []string{dir}, Options{Sort: tt.sort})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			c.WriteTable(&b)
			var ids []string
			for _, rec := range readCSV(t, b.Bytes())[1:] {
				ids = append(ids, rec[0])
			}
			if !slices.Equal(ids, tt.want) {
				t.Fatalf("order %q, want %q", ids, tt.want)
			}
		})
	}
	if _, err := Collect(fixturePlan, []string{dir}, Options{Sort: "size"}); err == nil {
		t.Fatal("Collect accepted sort order size")
	}
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"b", "10", "a10", "job10", "9", "010", "a9", "", "1", "1a", "job2", "-1"}
	slices.SortFunc(ids, compareIDs)
	if want := []string{"", "-1", "1", "1a", "9", "010", "10", "a9", "a10", "b", "job2", "job10"}; !slices.Equal(ids, want) {
		t.Fatalf("sorted %q, want %q", ids, want)
	}
	rapid.Check(t, func(t *rapid.T) {
		id := rapid.StringMatching(`[019a-]{0,5}`)
		a, b, c := id.Draw(t, "a"), id.Draw(t, "b"), id.Draw(t, "c")
		if compareIDs(a, b) != -compareIDs(b, a) || (compareIDs(a, b) == 0) != (a == b) {
			t.Fatalf("not antisymmetric on %q, %q", a, b)
		}
		if compareIDs(a, b) <= 0 && compareIDs(b, c) <= 0 && compareIDs(a, c) > 0 {
			t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", a, b, c, a, c)
		}
	})
}

func TestCollectMixedDigest(t *testing.T) {
	dir := writeFixture(t)
	other := row("6", "delta", StatusOK, 1, time.Hour, []string{"0.6", "six"}, "0.666", "from an old plan")
	other.Digest = "d0"
	stray := row("42", "delta", StatusOK, 1, time.Hour, []string{"4.2", "x"})
	stray.Digest = "d0"
	writeRows(t, filepath.Join(dir, "delta.csv"), fixtureParams, fixtureResults, other, stray)

	_, err := Collect(fixturePlan, []string{dir}, Options{})
	var mixed *MixedDigestError
	if !errors.As(err, &mixed) {
		t.Fatalf("err = %v, want *MixedDigestError", err)
	}
	want := []ForeignFile{{Path: filepath.Join(dir, "delta.csv"), Digests: []string{"d0"}, Rows: 2}}
	if len(mixed.Files) != 1 || mixed.Files[0].Path != want[0].Path || !slices.Equal(mixed.Files[0].Digests, want[0].Digests) ||
		mixed.Files[0].Rows != 2 || !strings.Contains(err.Error(), "delta.csv has digest d0") {
		t.Fatalf("err = %v (%+v), want %+v", err, mixed.Files, want)
	}

	c, err := Collect(fixturePlan, []string{dir}, Options{AllowMixed: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Summary.Dropped != 2 || len(c.Warnings) != 2 {
		t.Fatalf("dropped %d warnings %q, want beta's 99 and delta's 42 dropped, two warnings", c.Summary.Dropped, c.Warnings)
	}
	// Job 6 ran ok on gamma, then later on delta, whose row is kept: delta
	// took it, and gamma's ok row is a duplicate.
	gamma := c.Summary.Machines[2]
	if gamma.Machine != "gamma" || gamma.Duplicates != 1 || gamma.OK != 0 || gamma.Failed != 1 {
		t.Fatalf("gamma = %+v, want job 6 a duplicate, job 7 failed", gamma)
	}
	delta := c.Summary.Machines[len(c.Summary.Machines)-1]
	if delta.Machine != "delta" || delta.Planned != 0 || delta.OK != 1 || delta.Taken != 1 || delta.Total != 1234*time.Millisecond {
		t.Fatalf("last machine = %+v, want delta with job 6 taken and one attempt's time", delta)
	}
}

func TestCollectBadInput(t *testing.T) {
	header := strings.Join(FixedColumns(), ",") + ",x,label\n"
	tests := []struct {
		name    string
		files   map[string]string // name -> content; "/" suffix makes a folder
		arg     string
		is      error
		line    int
		mention string
	}{
		{"missing path", nil, "nope.csv", os.ErrNotExist, 0, "nope.csv"},
		{"empty file", map[string]string{"a.csv": ""}, "a.csv", ErrEmpty, 0, "a.csv"},
		{"another tool", map[string]string{"a.csv": "name,score\nx,1\n"}, "a.csv", ErrNotResults, 1, "a.csv"},
		{"folder without csv", map[string]string{"r/notes.txt": "hi"}, "r", ErrNoFiles, 0, "r"},
		{"folder named csv", map[string]string{"r.csv/a.txt": "hi"}, "r.csv", ErrNoFiles, 0, "r.csv"},
		{"bad started_at", map[string]string{"a.csv": header + "1,alpha,ok,0,1,2026-11-21T10:00:00Z,1,d1,0.1,one\n" +
			"2,alpha,ok,0,1,noon,1,d1,0.2,two\n"}, "a.csv", nil, 3, "started_at"},
		{"bad attempt", map[string]string{"a.csv": header + "1,alpha,ok,0,-1,2026-11-21T10:00:00Z,1,d1,0.1,one\n"}, "a.csv", nil, 2, "attempt"},
		{"ragged row", map[string]string{"a.csv": header + "1,alpha,ok\n2,alpha,ok,0,1,2026-11-21T10:00:00Z,1,d1,0.2,two\n"}, "a.csv", nil, 2, "fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				path := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(path), 0o755)
				os.WriteFile(path, []byte(content), 0o644)
			}
			arg := filepath.Join(dir, tt.arg)
			_, err := Collect(fixturePlan, []string{arg}, Options{})
			if err == nil || !strings.Contains(err.Error(), arg) || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("err = %v, want an error naming %s", err, arg)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var ie *InputError
			if tt.line > 0 && (!errors.As(err, &ie) || ie.Line != tt.line) {
				t.Fatalf("err = %v, want an *InputError at line %d", err, tt.line)
			}
		})
	}
}

func TestCollectBadPlan(t *testing.T) {
	dir := writeFixture(t)
	bad := map[string]Plan{
		"duplicate id": {Jobs: []PlannedJob{{ID: "1"}, {ID: "1"}}},
		"empty id":     {Jobs: []PlannedJob{{ID: ""}}},
		"params":       {Params: []string{"x"}, Jobs: []PlannedJob{{ID: "1"}}},
	}
	for name, plan := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := Collect(plan, []string{dir}, Options{}); err == nil {
				t.Fatal("Collect accepted the plan")
			}
		})
	}
}

func TestResultFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.csv", "a.csv", ".hidden.csv", "notes.txt", ".a.csv.tmp-1"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "sub.csv"), 0o755)
	got, err := ResultFiles([]string{dir, filepath.Join(dir, "a.csv"), filepath.Join(dir, "notes.txt")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "notes.txt")}
	if !slices.Equal(got, want) {
		t.Fatalf("ResultFiles = %q, want %q", got, want)
	}
}
