package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// t0 is the start of every fake clock.
var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// fakeClock returns a clock that advances by step on every reading, safe for
// concurrent use.
func fakeClock(start time.Time, step time.Duration) func() time.Time {
	var n atomic.Int64
	return func() time.Time { return start.Add(time.Duration(n.Add(1)-1) * step) }
}

// testOptions are Options for tests: a fake clock, no fsync, and a flush
// ticker that never ticks unless the test sends on tick.
func testOptions(tick chan time.Time) Options {
	if tick == nil {
		tick = make(chan time.Time)
	}
	return Options{Now: fakeClock(t0, time.Millisecond), NoSync: true, tick: tick}
}

// openTest opens a Writer in a fresh directory.
func openTest(t *testing.T, machine string, opts Options) (*Writer, string) {
	t.Helper()
	dir := t.TempDir()
	w, err := Open(dir, machine, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, dir
}

// readGzipLines decodes a gzip file with the standard library, an
// implementation independent of the one that wrote it, and returns its lines
// and the decoding error, if any.
func readGzipLines(t *testing.T, path string) ([]string, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return nil, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var lines []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

// mustGzipLines is readGzipLines for a file that must decode cleanly.
func mustGzipLines(t *testing.T, path string) []string {
	t.Helper()
	lines, err := readGzipLines(t, path)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return lines
}

// decodeJSON decodes a record with encoding/json, failing the test when it
// is not valid JSON.
func decodeJSON(t *testing.T, line string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("record is not valid JSON: %v\n%s", err, line)
	}
	return m
}

// readAll reads every record of a log file with Reader.
func readAll(t testing.TB, path string) (raws []string, warnings []string, err error) {
	t.Helper()
	r, err := OpenReader(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	return readRecords(r)
}

// readBytes reads every record of data, a log named name, with Reader.
func readBytes(name string, data []byte) (raws []string, warnings []string, err error) {
	r, err := NewReader(name, bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	return readRecords(r)
}

func readRecords(r *Reader) (raws []string, warnings []string, err error) {
	for r.Next() {
		raws = append(raws, string(r.Record().Raw))
	}
	return raws, r.Warnings(), r.Err()
}

// writeFile writes data to name in dir and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// gzipMembers compresses each chunk as its own gzip member.
func gzipMembers(chunks ...string) []byte {
	var buf bytes.Buffer
	for _, c := range chunks {
		zw := gzip.NewWriter(&buf)
		io.WriteString(zw, c)
		zw.Close()
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("golden file %s missing: run go test -run %s -update", path, t.Name())
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// nanValue is a NaN the compiler does not fold.
func nanValue() float64 {
	zero := 0.0
	return zero / zero
}
