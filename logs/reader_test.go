package logs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// sampleLines are records as three lines of JSON, newline-terminated.
func sampleLines(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"time":"2026-11-21T10:00:%02d.000000Z","level":"info","machine":"alpha","event":"output","job":"%d","line":"l%d"}`, i, i, i)
	}
	return lines
}

func zstdBytes(t *testing.T, data string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write([]byte(data))
	zw.Close()
	return buf.Bytes()
}

func TestReaderFormats(t *testing.T) {
	lines := sampleLines(5)
	text := strings.Join(lines, "\n") + "\n"
	files := map[string][]byte{
		"plain.jsonl":      []byte(text),
		"crlf.jsonl":       []byte(strings.ReplaceAll(text, "\n", "\r\n")),
		"blank.jsonl":      []byte("\n" + strings.ReplaceAll(text, "\n", "\n\n")),
		"members.jsonl.gz": gzipMembers(lines[0]+"\n"+lines[1]+"\n", lines[2]+"\n", lines[3]+"\n"+lines[4]+"\n"),
		"frame.jsonl.zst":  zstdBytes(t, text),
		"no-newline.jsonl": []byte(strings.TrimSuffix(text, "\n")),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			got, warnings, err := readAll(t, writeFile(t, t.TempDir(), name, data))
			if err != nil || len(warnings) > 0 {
				t.Fatalf("err %v, warnings %q", err, warnings)
			}
			for i := range got {
				got[i] = strings.TrimSuffix(got[i], "\r")
			}
			if !reflect.DeepEqual(got, lines) {
				t.Errorf("got %q\nwant %q", got, lines)
			}
		})
	}
}

func TestReaderNotALog(t *testing.T) {
	tests := []struct{ name, data, wantErr string }{
		{"text.jsonl.gz", "hello\n", "not a gzip file"},
		{"text.jsonl.zst", "hello\n", "not a zstd file"},
		{"prose.jsonl", "hello world\n" + sampleLines(1)[0] + "\n", "not a log"},
		{"no-time.jsonl", `{"level":"info"}` + "\n", "not a log"},
		{"csv.jsonl", "job_id,machine\n1,alpha\n", "not a log"},
		{"binary.jsonl", "\x7fELF\x02\x01\x00\x00", "not a log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), tt.name, []byte(tt.data))
			got, _, err := readAll(t, path)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want %q naming %s", err, tt.wantErr, path)
			}
			if len(got) > 0 {
				t.Errorf("returned records from a file that is not a log: %q", got)
			}
		})
	}
}

func TestReaderDamage(t *testing.T) {
	lines := sampleLines(4)
	text := strings.Join(lines, "\n") + "\n"
	zst := zstdBytes(t, text)
	tests := []struct {
		name, file  string
		data        []byte
		want        int
		wantWarning string
	}{
		{"torn last line", "a.jsonl", []byte(text[:len(text)-10]), 3, "truncated tail after record 3"},
		{"torn gzip", "a.jsonl.gz", gzipMembers(text)[:40], 0, "truncated tail"},
		{"torn zstd", "a.jsonl.zst", zst[:len(zst)-6], 0, "truncated tail"},
		{"bad middle line", "a.jsonl", []byte(lines[0] + "\n{oops\n" + lines[1] + "\n"), 2, "skipped 1 lines that are not log records (first: line 2"},
		{"huge middle line", "a.jsonl", []byte(lines[0] + "\n{" + strings.Repeat("x", MaxRecordBytes) + "\n" + lines[1] + "\n"), 2, "longer than"},
		{"empty gzip", "a.jsonl.gz", nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), tt.file, tt.data)
			got, warnings, err := readAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) < tt.want || !isPrefix(got, lines) || (tt.want == 0 && tt.wantWarning == "" && len(got) > 0) {
				t.Errorf("got %d records, want at least %d and a prefix", len(got), tt.want)
			}
			joined := strings.Join(warnings, "\n")
			if tt.wantWarning == "" && joined != "" || !strings.Contains(joined, tt.wantWarning) || (joined != "" && !strings.Contains(joined, path)) {
				t.Errorf("warnings %q, want %q naming the file", warnings, tt.wantWarning)
			}
		})
	}
}

func TestFindLogs(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.jsonl.gz", "a.jsonl", "c.jsonl.zst", "notes.txt", "a.csv"} {
		writeFile(t, dir, name, nil)
	}
	os.Mkdir(filepath.Join(dir, "b"), 0o755)
	writeFile(t, filepath.Join(dir, "b"), "1.log", nil)
	extra := writeFile(t, t.TempDir(), "x.log", nil)
	got, err := FindLogs([]string{dir, extra, filepath.Join(dir, "a.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl.gz"), filepath.Join(dir, "c.jsonl.zst"), extra}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, err := FindLogs([]string{filepath.Join(dir, "missing")}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing path: err = %v", err)
	}
}
