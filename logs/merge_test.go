package logs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// refRecord is a record as the reference merge sees it.
type refRecord struct {
	rec       Record
	machine   string
	file, pos int
}

// referenceMerge sorts every record of the files in memory: the order Merge
// must produce, computed the simplest way.
func referenceMerge(t testing.TB, files []string, keep func(Record, string) bool) []string {
	var all []refRecord
	for i, path := range files {
		raws, _, err := readAll(t, path)
		if err != nil {
			t.Fatal(err)
		}
		for pos, raw := range raws {
			rec, err := ParseRecord([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			machine := rec.Machine
			if machine == "" {
				machine = machineFromPath(path)
			}
			if keep == nil || keep(rec, machine) {
				all = append(all, refRecord{rec, machine, i, pos})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b refRecord) int {
		if c := a.rec.Time.Compare(b.rec.Time); c != 0 {
			return c
		}
		if c := strings.Compare(a.machine, b.machine); c != 0 {
			return c
		}
		if a.file != b.file {
			return a.file - b.file
		}
		return a.pos - b.pos
	})
	out := make([]string, len(all))
	for i, r := range all {
		out[i] = string(r.rec.Raw)
	}
	return out
}

func mergeLines(t *testing.T, files []string, opts MergeOptions) ([]string, []string) {
	t.Helper()
	var out bytes.Buffer
	warnings, err := Merge(&out, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() == 0 {
		return nil, warnings
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), warnings
}

// writeHostLog writes a log of records at the given offsets from t0, as
// plain JSON lines or gzip depending on the name.
func writeHostLog(t *testing.T, dir, name, machine string, offsets []time.Duration) string {
	var b strings.Builder
	for i, off := range offsets {
		field := ""
		if machine != "" {
			field = fmt.Sprintf(`,"machine":%q`, machine)
		}
		fmt.Fprintf(&b, `{"time":%q,"level":"info"%s,"event":"output","job":"%d","stream":"stdout","line":"%s #%d"}`+"\n",
			t0.Add(off).Format(time.RFC3339Nano), field, i%3, name, i)
	}
	data := []byte(b.String())
	if strings.HasSuffix(name, ".gz") {
		data = gzipMembers(b.String())
	}
	return writeFile(t, dir, name, data)
}

// TestMergeClockStep merges three hosts, one of whose clocks stepped back
// twice, with a sort memory so small that the stepped file is cut into more
// runs than are merged at once.
func TestMergeClockStep(t *testing.T) {
	dir := t.TempDir()
	var alpha, beta, gamma []time.Duration
	for i := 0; i < 300; i++ {
		alpha = append(alpha, time.Duration(i)*time.Second)
		gamma = append(gamma, time.Duration(i/2)*2*time.Second) // ties with alpha
		step := time.Duration(i) * time.Second
		if i >= 100 {
			step -= 90 * time.Second // the clock stepped back
		}
		if i >= 200 {
			step += 30 * time.Minute // and forward
		}
		if i >= 250 {
			step -= 40 * time.Minute // and back past its start
		}
		beta = append(beta, step)
	}
	files := []string{
		writeHostLog(t, dir, "gamma.jsonl.gz", "gamma", gamma),
		writeHostLog(t, dir, "beta.jsonl", "beta", beta),
		writeHostLog(t, dir, "alpha.jsonl", "", alpha),
	}
	want := referenceMerge(t, files, nil)
	for _, mem := range []int{0, 4 << 10, 1} {
		t.Run(fmt.Sprintf("sort memory %d", mem), func(t *testing.T) {
			tmp := t.TempDir()
			got, warnings := mergeLines(t, files, MergeOptions{SortMemory: mem, TempDir: tmp})
			if !slices.Equal(got, want) {
				t.Fatalf("merged %d records out of order (first difference at %d)", len(got), firstDiff(got, want))
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0], "beta.jsonl: records out of time order") {
				t.Errorf("warnings = %q", warnings)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestMergeProperties merges random hosts whose clocks wander back and forth
// and compares with the reference merge.
func TestMergeProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		dir := t.TempDir()
		var files []string
		for i, n := 0, rapid.IntRange(1, 4).Draw(rt, "hosts"); i < n; i++ {
			machine := rapid.SampledFrom([]string{"alpha", "beta", ""}).Draw(rt, "machine")
			offsets := rapid.SliceOf(rapid.IntRange(-3, 6)).Draw(rt, "steps")
			var at time.Duration
			var times []time.Duration
			for _, step := range offsets {
				at += time.Duration(step) * time.Millisecond
				times = append(times, at)
			}
			ext := rapid.SampledFrom([]string{".jsonl", ".jsonl.gz"}).Draw(rt, "ext")
			files = append(files, writeHostLog(t, dir, fmt.Sprintf("h%d%s", i, ext), machine, times))
		}
		mem := rapid.SampledFrom([]int{1, 300, 0}).Draw(rt, "memory")
		want := referenceMerge(t, files, nil)
		got, _ := mergeLines(t, files, MergeOptions{SortMemory: mem, TempDir: dir})
		if !slices.Equal(got, want) {
			rt.Fatalf("merge differs from the reference at record %d of %d", firstDiff(got, want), len(want))
		}
	})
}

func TestMergeFilters(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, "alpha", testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	w.RunStart(RunStart{Version: "1", Digest: "d", Share: 2, Workers: 1})
	w.JobStart("1", 1)
	w.Output("1", StreamStdout, []byte("hello"), false)
	w.Progress("1", 0.5)
	w.JobEnd(JobEnd{Job: "1", Attempt: 1, Status: "failed", ExitCode: 2})
	w.JobStart("2", 1)
	w.Output("2", StreamStderr, []byte("world"), false)
	w.JobEnd(JobEnd{Job: "2", Attempt: 1, Status: "ok"})
	w.Close()
	beta := writeHostLog(t, dir, "beta.jsonl", "beta", []time.Duration{0, 3 * time.Millisecond, 9 * time.Millisecond})
	files := []string{filepath.Join(dir, "alpha.jsonl.gz"), beta}
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	tests := []struct {
		name string
		opts MergeOptions
		keep func(Record, string) bool
	}{
		{"none", MergeOptions{}, nil},
		{"machine", MergeOptions{Machine: "beta"}, func(r Record, m string) bool { return m == "beta" }},
		{"job", MergeOptions{Job: "1"}, func(r Record, m string) bool { return r.Job == "1" }},
		{"level info", MergeOptions{Level: "info"}, func(r Record, m string) bool { return r.Event != "progress" }},
		{"level error", MergeOptions{Level: "error"}, func(r Record, m string) bool { return r.Level == "error" }},
		{"since until", MergeOptions{Since: at(3), Until: at(6)}, func(r Record, m string) bool {
			return !r.Time.Before(at(3)) && r.Time.Before(at(6))
		}},
		{"grep", MergeOptions{Grep: regexp.MustCompile(`"stream":"std(err|out)"`)}, func(r Record, m string) bool { return r.Stream != "" }},
		{"all", MergeOptions{Machine: "alpha", Job: "2", Level: "info", Grep: regexp.MustCompile("world")}, func(r Record, m string) bool {
			return m == "alpha" && r.Job == "2" && strings.Contains(string(r.Raw), "world")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := referenceMerge(t, files, tt.keep)
			got, _ := mergeLines(t, files, tt.opts)
			if !slices.Equal(got, want) {
				t.Errorf("got %d records:\n%s\nwant %d:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
			}
			if tt.keep != nil && len(want) == len(referenceMerge(t, files, nil)) {
				t.Error("the filter keeps every record: the test proves nothing")
			}
		})
	}
}

func TestMergeErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeHostLog(t, dir, "alpha.jsonl", "alpha", []time.Duration{0})
	notLog := writeFile(t, dir, "notes.jsonl", []byte("hello\n"))
	tests := []struct {
		name    string
		files   []string
		opts    MergeOptions
		wantErr string
	}{
		{"not a log", []string{good, notLog}, MergeOptions{}, notLog},
		{"missing", []string{good, filepath.Join(dir, "nope.jsonl")}, MergeOptions{}, "nope.jsonl"},
		{"bad format", []string{good}, MergeOptions{Format: "csv"}, `unknown format "csv"`},
		{"bad level", []string{good}, MergeOptions{Level: "loud"}, `unknown level "loud"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Merge(&out, tt.files, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantErr)
			}
			if out.Len() > 0 {
				t.Errorf("wrote output before failing: %q", out.String())
			}
		})
	}
}

// failingWriter fails every write after the first n bytes.
type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, fmt.Errorf("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

// TestMergeLargeRecords merges records larger than a read-ahead batch, then
// checks that a failing output stops the merge with an error.
func TestMergeLargeRecords(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, `{"time":%q,"machine":"big","line":"%s"}`+"\n",
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), strings.Repeat("x", i*5000))
	}
	files := []string{
		writeFile(t, dir, "big.jsonl", []byte(b.String())),
		writeHostLog(t, dir, "small.jsonl", "small", []time.Duration{time.Second, 20 * time.Second}),
	}
	got, _ := mergeLines(t, files, MergeOptions{})
	if want := referenceMerge(t, files, nil); !slices.Equal(got, want) {
		t.Fatalf("large records merged wrongly (first difference at %d)", firstDiff(got, want))
	}
	_, err := Merge(&failingWriter{n: 300 << 10}, files, MergeOptions{})
	if err == nil || !strings.Contains(err.Error(), "write merged log: disk full") {
		t.Errorf("merge into a full disk: err = %v", err)
	}
}
