package logs

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stepClock returns the given offsets from t0 in turn, then keeps advancing.
func stepClock(offsets ...time.Duration) func() time.Time {
	i := 0
	return func() time.Time {
		if i < len(offsets) {
			i++
			return t0.Add(offsets[i-1])
		}
		i++
		return t0.Add(time.Duration(i) * time.Hour)
	}
}

// goldenHosts writes the logs of three hosts as jobsplit run would: alpha
// runs a few jobs, beta's clock steps back, gamma was killed mid-write.
func goldenHosts(t *testing.T) (dir string, files []string) {
	dir = t.TempDir()
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }

	opts := testOptions(nil)
	opts.Now = stepClock(0, ms(10), ms(20), ms(30), ms(30), ms(31), ms(40), ms(55), ms(60), ms(70), ms(80), ms(1500))
	a, err := Open(dir, "alpha", opts)
	if err != nil {
		t.Fatal(err)
	}
	a.RunStart(RunStart{Version: "0.1.0", Digest: "3f2a9c1e", Share: 2, Workers: 2})
	a.JobStart("042", 1)
	a.Output("042", StreamStdout, []byte("step 1 of 2\tok"), false)
	a.Output("042", StreamStderr, []byte("warning: \x1b[31mred\x1b[0m \xff\xfe"), false)
	a.Output("042", StreamStdout, []byte("a long line cut "), true)
	a.Output("042", StreamStdout, []byte("in two"), false)
	a.Progress("042", 0.5)
	a.JobStart("043", 1)
	a.JobEnd(JobEnd{Job: "042", Attempt: 1, Status: "ok", Duration: ms(70)})
	a.JobEnd(JobEnd{Job: "043", Attempt: 1, Status: "failed", ExitCode: 1, Duration: ms(30), Error: "exit status 1"})
	log := a.Logger()
	log.Warn().Str("path", "results/alpha.csv").Int("rows", 2).Bool("synced", true).Interface("cfg", map[string]int{"j": 2}).Msg("disk almost full")
	a.RunEnd(RunEnd{Total: 2, OK: 1, Failed: 1, Duration: 1500 * time.Millisecond})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Now = stepClock(ms(5), ms(30), ms(15), ms(50))
	b, err := Open(dir, "beta", opts)
	if err != nil {
		t.Fatal(err)
	}
	b.JobStart("007", 1)
	b.Output("007", StreamStdout, []byte("before the clock stepped back"), false)
	b.Output("007", StreamStdout, []byte("after the clock stepped back"), false)
	b.JobEnd(JobEnd{Job: "007", Attempt: 1, Status: "timeout", ExitCode: -1, Duration: 2 * time.Second})
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Now = stepClock(ms(1), ms(31), ms(90))
	g, err := Open(dir, "gamma", opts)
	if err != nil {
		t.Fatal(err)
	}
	g.JobStart("100", 1)
	g.Output("100", StreamStdout, []byte("gamma's only complete line"), false)
	g.Flush()
	g.Output("100", StreamStdout, []byte("this record was being written when gamma was killed"), false)
	g.Close()
	gamma := filepath.Join(dir, "gamma.jsonl.gz")
	data, err := os.ReadFile(gamma)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "gamma.jsonl.gz", data[:len(data)-12])

	return dir, []string{filepath.Join(dir, "alpha.jsonl.gz"), filepath.Join(dir, "beta.jsonl.gz"), gamma}
}

func TestMergeGolden(t *testing.T) {
	dir, files := goldenHosts(t)
	for _, format := range []Format{FormatText, FormatJSONL} {
		t.Run(string(format), func(t *testing.T) {
			var out bytes.Buffer
			warnings, err := Merge(&out, files, MergeOptions{Format: format})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "merge."+string(format)+".golden", out.Bytes())
			report := strings.ReplaceAll(strings.Join(warnings, "\n")+"\n", dir, "logs")
			golden(t, "merge.warnings.golden", []byte(report))
		})
	}
}

func TestTextEscapes(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"no body", `{"time":"2026-11-21T10:00:00Z","machine":"a"}`, "2026-11-21T10:00:00.000Z a"},
		{"message only", `{"time":"2026-11-21T10:00:00Z","machine":"a","msg":"hi"}`, "2026-11-21T10:00:00.000Z a  hi"},
		{"quoted values", `{"time":"2026-11-21T10:00:00Z","machine":"a","k":"two words","e":"","q":"a=b"}`,
			`2026-11-21T10:00:00.000Z a  k="two words" e="" q="a=b"`},
		{"control in header", `{"time":"2026-11-21T10:00:00Z","machine":"a\u001b]0;x","job":"j\nk"}`,
			`2026-11-21T10:00:00.000Z a\x1b]0;x job=j\x0ak`},
		{"C1 and DEL in line", `{"time":"2026-11-21T10:00:00Z","machine":"a","event":"output","line":"\u009b2J\u007f"}`,
			`2026-11-21T10:00:00.000Z a  \u009b2J\x7f`},
		{"line without event", `{"time":"2026-11-21T10:00:00+01:00","machine":"a","stream":"stdout","line":"x","extra":1}`,
			"2026-11-21T09:00:00.000Z a stdout  x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := ParseRecord([]byte(tt.line))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(appendText(nil, &rec, rec.Machine)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
