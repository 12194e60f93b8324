package logs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var recordTime = regexp.MustCompile(`^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",`)

func TestWriterRecords(t *testing.T) {
	w, dir := openTest(t, "alpha", testOptions(nil))
	log := w.Logger()
	steps := []struct {
		name  string
		write func() error
		want  map[string]any
	}{
		{"run start", func() error {
			return w.RunStart(RunStart{Version: "1.2.3", Digest: "abc123", Share: 250, Workers: 4})
		}, map[string]any{"level": "info", "event": "run_start", "version": "1.2.3", "digest": "abc123", "share": 250.0, "workers": 4.0}},
		{"job start", func() error { return w.JobStart("042", 1) },
			map[string]any{"level": "info", "event": "job_start", "job": "042", "attempt": 1.0}},
		{"output", func() error { return w.Output("042", StreamStderr, []byte(`say "hi"`+"\t\\"), false) },
			map[string]any{"level": "info", "event": "output", "job": "042", "stream": "stderr", "line": "say \"hi\"\t\\"}},
		{"partial output", func() error { return w.Output("042", StreamStdout, []byte("abc"), true) },
			map[string]any{"level": "info", "event": "output", "job": "042", "stream": "stdout", "line": "abc", "partial": true}},
		{"progress", func() error { return w.Progress("042", 0.25) },
			map[string]any{"level": "debug", "event": "progress", "job": "042", "progress": 0.25}},
		{"progress NaN", func() error { return w.Progress("042", nanValue()) },
			map[string]any{"level": "debug", "event": "progress", "job": "042", "progress": nil}},
		{"job end ok", func() error {
			return w.JobEnd(JobEnd{Job: "042", Attempt: 1, Status: "ok", Duration: 1500 * time.Millisecond})
		}, map[string]any{"level": "info", "event": "job_end", "job": "042", "attempt": 1.0, "status": "ok", "exit_code": 0.0, "duration_s": 1.5}},
		{"job end failed", func() error {
			return w.JobEnd(JobEnd{Job: "043", Attempt: 2, Status: "failed", ExitCode: 3, Duration: time.Second, Error: "exit status 3"})
		}, map[string]any{"level": "error", "event": "job_end", "job": "043", "attempt": 2.0, "status": "failed", "exit_code": 3.0, "duration_s": 1.0, "error": "exit status 3"}},
		{"job end interrupted", func() error { return w.JobEnd(JobEnd{Job: "044", Attempt: 1, Status: "interrupted", ExitCode: -1}) },
			map[string]any{"level": "warn", "event": "job_end", "job": "044", "attempt": 1.0, "status": "interrupted", "exit_code": -1.0, "duration_s": 0.0}},
		{"run end", func() error {
			return w.RunEnd(RunEnd{Total: 3, OK: 1, Failed: 1, Interrupted: 1, Skipped: 7, Duration: time.Minute})
		}, map[string]any{"level": "info", "event": "run_end", "total": 3.0, "ok": 1.0, "failed": 1.0, "timeout": 0.0, "interrupted": 1.0, "skipped": 7.0, "duration_s": 60.0}},
		{"zerolog", func() error { log.Warn().Str("k", "v").Msg("disk nearly full"); return nil },
			map[string]any{"level": "warn", "k": "v", "message": "disk nearly full"}},
	}
	for _, s := range steps {
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := mustGzipLines(t, filepath.Join(dir, "alpha.jsonl.gz"))
	if len(lines) != len(steps) {
		t.Fatalf("got %d records, want %d:\n%s", len(lines), len(steps), strings.Join(lines, "\n"))
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if !recordTime.MatchString(lines[i]) {
				t.Errorf("record does not start with a microsecond UTC time: %s", lines[i])
			}
			got := decodeJSON(t, lines[i])
			wantTime := t0.Add(time.Duration(i) * time.Millisecond).Format(timeLayout)
			if got["time"] != wantTime {
				t.Errorf("time = %v, want %v", got["time"], wantTime)
			}
			want := map[string]any{"time": wantTime, "machine": "alpha"}
			for k, v := range s.want {
				want[k] = v
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("record:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestWriterAfterClose(t *testing.T) {
	w, _ := openTest(t, "alpha", testOptions(nil))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.JobStart("1", 1); !errors.Is(err, ErrClosed) {
		t.Errorf("JobStart after Close = %v, want ErrClosed", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestWriterAppendsAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	for run := 1; run <= 3; run++ {
		w, err := Open(dir, "beta", testOptions(nil))
		if err != nil {
			t.Fatal(err)
		}
		if w.Repaired() != "" {
			t.Errorf("run %d: intact file reported repaired: %s", run, w.Repaired())
		}
		for i := 0; i < 3; i++ {
			w.JobStart(fmt.Sprintf("r%d-%d", run, i), run)
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "beta.jsonl.gz")
	lines := mustGzipLines(t, path)
	if len(lines) != 9 {
		t.Fatalf("got %d records after three runs, want 9", len(lines))
	}
	if got := decodeJSON(t, lines[8])["job"]; got != "r3-2" {
		t.Errorf("last record job = %v, want r3-2", got)
	}
	if zcat, err := exec.LookPath("zcat"); err == nil {
		out, err := exec.Command(zcat, path).Output()
		if err != nil {
			t.Fatalf("zcat: %v", err)
		}
		if n := strings.Count(string(out), "\n"); n != 9 {
			t.Errorf("zcat read %d records, want 9", n)
		}
	}
}

// TestWriterFlushIsReadable reads the file while the Writer is still open,
// as after a kill -9: everything flushed must decode without error.
func TestWriterFlushIsReadable(t *testing.T) {
	tick := make(chan time.Time)
	w, dir := openTest(t, "alpha", testOptions(tick))
	path := filepath.Join(dir, "alpha.jsonl.gz")
	w.JobStart("1", 1)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	w.JobStart("2", 1)
	// Two ticks: the second is received only after the first flush returned.
	tick <- time.Now()
	tick <- time.Now()
	// The second tick was taken after the first flush ended; no record was
	// written since, so the file is complete whatever the second flush does.
	if got := mustGzipLines(t, path); len(got) != 2 {
		t.Errorf("read %d records from the open log, want the 2 flushed", len(got))
	}
}

func TestWriterRejectsBadMachineNames(t *testing.T) {
	for _, name := range []string{"", ".", "..", "../x", "a/b", `a\b`, "a\x00b", "a\nb", "x..y", "\xff"} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Open(filepath.Join(dir, "logs"), name, testOptions(nil)); !errors.Is(err, ErrBadName) {
				t.Errorf("Open with machine %q = %v, want ErrBadName", name, err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Open created files for a refused name: %v", entries)
			}
		})
	}
}

// TestWriterPerJobOddIDs is issue 10's bug: the output of a job whose id is
// not a file name (".", "..", "a/b") was dropped from both logs, silently.
// Now it reaches the log and a per-job file inside logs/<machine>/.
func TestWriterPerJobOddIDs(t *testing.T) {
	ids := []string{".", "..", "../x", "a/b", `a\b`, "a\x00b", "a\nb", "x..y", "\xff", "", "%2E", "CON"}
	opts := testOptions(nil)
	opts.PerJob = true
	w, dir := openTest(t, "alpha", opts)
	for i, id := range ids {
		if err := w.Output(id, StreamStdout, []byte(fmt.Sprint("line ", i)), false); err != nil {
			t.Fatalf("Output for job %q: %v", id, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := mustGzipLines(t, filepath.Join(dir, "alpha.jsonl.gz"))
	if len(lines) != len(ids) {
		t.Fatalf("log holds %d records, want %d", len(lines), len(ids))
	}
	entries, err := os.ReadDir(filepath.Join(dir, "alpha"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(ids) {
		t.Errorf("logs/alpha holds %d files, want one per id (%d): %v", len(entries), len(ids), entries)
	}
	for i, id := range ids {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			if rec := decodeJSON(t, lines[i]); rec["job"] != strings.ToValidUTF8(id, "\ufffd") {
				t.Errorf("record job = %q, want %q", rec["job"], id)
			}
			got, err := os.ReadFile(filepath.Join(dir, "alpha", JobLogName(id)))
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprint("line ", i, "\n"); string(got) != want {
				t.Errorf("per-job log = %q, want %q", got, want)
			}
		})
	}
	// The log, its checked note and the per-job folder; nothing else.
	if top, _ := os.ReadDir(dir); len(top) != 3 {
		t.Errorf("files outside logs/alpha: %v", top)
	}
}

func TestWriterPerJob(t *testing.T) {
	opts := testOptions(nil)
	opts.PerJob = true
	w, dir := openTest(t, "alpha", opts)
	garbage := []byte("bin\xff\xfe\x00\x1b[31m")
	w.Output("7", StreamStdout, []byte("out 1"), false)
	w.Output("7", StreamStderr, []byte("err 1"), false)
	w.Output("8", StreamStdout, []byte("other job"), false)
	w.Output("7", StreamStdout, []byte("long "), true)
	w.Output("7", StreamStdout, []byte("line"), false)
	w.Output("7", StreamStderr, garbage, false)
	if err := w.JobEnd(JobEnd{Job: "7", Attempt: 1, Status: "ok"}); err != nil {
		t.Fatal(err)
	}
	w.Output("7", StreamStdout, []byte("attempt 2"), false)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "alpha", "7.log"))
	if err != nil {
		t.Fatal(err)
	}
	want := "out 1\nerr 1\nlong line\n" + string(garbage) + "\nattempt 2\n"
	if string(got) != want {
		t.Errorf("per-job log = %q, want %q", got, want)
	}
	lines := mustGzipLines(t, filepath.Join(dir, "alpha.jsonl.gz"))
	if rec := decodeJSON(t, lines[5]); rec["line"] != "bin\ufffd\ufffd\x00\x1b[31m" {
		t.Errorf("garbage line decoded as %q", rec["line"])
	}
}

// TestWriterConcurrent runs writers, flushes and zerolog loggers at once;
// under -race it also proves the Writer serializes them.
func TestWriterConcurrent(t *testing.T) {
	tick := make(chan time.Time)
	opts := testOptions(tick)
	opts.PerJob = true
	w, dir := openTest(t, "alpha", opts)
	const workers, each = 8, 300
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job := fmt.Sprint(g)
			log := w.Logger()
			for i := 0; i < each; i++ {
				switch i % 3 {
				case 0:
					w.Output(job, StreamStdout, []byte(fmt.Sprintf("%d", i)), false)
				case 1:
					log.Info().Str("job", job).Int("i", i).Send()
				default:
					w.Progress(job, float64(i))
				}
				if i%50 == 0 {
					w.Flush()
				}
			}
		}()
	}
	stopTicks := make(chan struct{})
	go func() {
		for i := 0; i < 20; i++ {
			select {
			case tick <- time.Now():
			case <-stopTicks:
				return
			}
		}
	}()
	wg.Wait()
	close(stopTicks)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := mustGzipLines(t, filepath.Join(dir, "alpha.jsonl.gz"))
	if len(lines) != workers*each {
		t.Fatalf("got %d records, want %d", len(lines), workers*each)
	}
	next := map[string]float64{}
	prev := ""
	for _, line := range lines {
		rec := decodeJSON(t, line)
		if ts := rec["time"].(string); ts <= prev {
			t.Fatalf("times not increasing in file order: %s after %s", ts, prev)
		} else {
			prev = ts
		}
		job := rec["job"].(string)
		var i float64
		switch {
		case rec["line"] != nil:
			fmt.Sscan(rec["line"].(string), &i)
		case rec["i"] != nil:
			i = rec["i"].(float64)
		default:
			i = rec["progress"].(float64)
		}
		if i != next[job] {
			t.Fatalf("job %s: record %v out of order, want %v", job, i, next[job])
		}
		next[job]++
	}
}
