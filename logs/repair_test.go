package logs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// flushedLog writes records in several flushes and returns the file's bytes,
// the records, and for each flush the file size and record count after it.
func flushedLog(t *testing.T) (data []byte, records []string, ends []int, counts []int) {
	t.Helper()
	w, dir := openTest(t, "alpha", testOptions(nil))
	for member := 0; member < 6; member++ {
		for i := 0; i <= member; i++ {
			w.Output(fmt.Sprint(member), StreamStdout, []byte(strings.Repeat("x", 20*i)), false)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(w.Path())
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, int(st.Size()))
		counts = append(counts, (member+1)*(member+2)/2)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "alpha.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	return data, mustGzipLines(t, filepath.Join(dir, "alpha.jsonl.gz")), ends, counts
}

// completeAt returns how many records the complete members before cut hold,
// and whether cut falls exactly on a member boundary.
func completeAt(cut int, ends, counts []int) (int, bool) {
	n, boundary := 0, cut == 0
	for i, end := range ends {
		if end <= cut {
			n = counts[i]
		}
		boundary = boundary || end == cut
	}
	return n, boundary
}

// TestKillSafety cuts a flushed log at every byte offset, as a kill -9 or a
// full disk could, and checks that the reader keeps every complete record and
// warns, and that a new Writer repairs the file so that it decodes completely.
func TestKillSafety(t *testing.T) {
	data, records, ends, counts := flushedLog(t)
	dir := t.TempDir()
	for cut := 0; cut <= len(data); cut++ {
		complete, boundary := completeAt(cut, ends, counts)
		name := fmt.Sprintf("cut%d.jsonl.gz", cut)
		got, warnings, err := readBytes(name, data[:cut])
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if len(got) < complete || !isPrefix(got, records) {
			t.Fatalf("cut at %d: read %d records, want a prefix of at least %d", cut, len(got), complete)
		}
		if boundary != (len(warnings) == 0) {
			t.Fatalf("cut at %d (member boundary %v): warnings %q", cut, boundary, warnings)
		}
		if !boundary && !strings.Contains(warnings[0], name) {
			t.Fatalf("cut at %d: warning does not name the file: %q", cut, warnings[0])
		}

		if cut%13 != 0 && !nearBoundary(cut, ends) {
			continue // repairing is slower: every 13th offset and the edges of members
		}
		path := writeFile(t, dir, "alpha.jsonl.gz", data[:cut])
		w, err := Open(dir, "alpha", testOptions(nil))
		if err != nil {
			t.Fatalf("cut at %d: reopen: %v", cut, err)
		}
		if boundary != (w.Repaired() == "") {
			t.Fatalf("cut at %d (member boundary %v): Repaired() = %q", cut, boundary, w.Repaired())
		}
		w.JobStart("after-restart", 2)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		lines := mustGzipLines(t, path)
		if len(lines) < complete+1 || !isPrefix(lines[:len(lines)-1], records) ||
			!strings.Contains(lines[len(lines)-1], "after-restart") {
			t.Fatalf("cut at %d: repaired log has %d records, want the %d+ kept then the new one", cut, len(lines), complete)
		}
		if len(lines)-1 != len(got) {
			t.Fatalf("cut at %d: repair kept %d records, the reader %d", cut, len(lines)-1, len(got))
		}
	}
}

func nearBoundary(cut int, ends []int) bool {
	for _, end := range ends {
		if cut >= end-8 && cut <= end+8 {
			return true
		}
	}
	return cut <= 8
}

func isPrefix(got, all []string) bool {
	if len(got) > len(all) {
		return false
	}
	for i := range got {
		if got[i] != all[i] {
			return false
		}
	}
	return true
}

func TestRepairZcat(t *testing.T) {
	zcat, err := exec.LookPath("zcat")
	if err != nil {
		t.Skip("no zcat")
	}
	data, records, ends, _ := flushedLog(t)
	dir := t.TempDir()
	writeFile(t, dir, "alpha.jsonl.gz", data[:ends[3]+(ends[4]-ends[3])/2])
	w, err := Open(dir, "alpha", testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Repaired(), "killed") {
		t.Errorf("Repaired() = %q", w.Repaired())
	}
	w.JobStart("new", 1)
	w.Close()
	out, err := exec.Command(zcat, filepath.Join(dir, "alpha.jsonl.gz")).Output()
	if err != nil {
		t.Fatalf("zcat of a repaired log: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if !isPrefix(lines[:len(lines)-1], records) || len(lines) < 11 {
		t.Errorf("zcat read %d records", len(lines))
	}
}

func TestRepairRefuses(t *testing.T) {
	intact := gzipMembers(`{"time":"2026-11-21T10:00:00Z"}`+"\n", `{"time":"2026-11-21T10:00:01Z"}`+"\n")
	second := len(gzipMembers(`{"time":"2026-11-21T10:00:00Z"}` + "\n"))
	damaged := append([]byte{}, intact...)
	damaged[second/2] ^= 0xff // corrupt the first member's data
	tests := []struct {
		name string
		data []byte
	}{
		{"not gzip", []byte("hello, this is not a log\n")},
		{"garbage after members", append(append([]byte{}, intact...), "garbage"...)},
		{"damaged member before an intact one", damaged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "alpha.jsonl.gz", tt.data)
			if w, err := Open(dir, "alpha", testOptions(nil)); err == nil {
				w.Close()
				t.Fatal("Open appended to a file it cannot repair safely")
			} else if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			if got, _ := os.ReadFile(path); string(got) != string(tt.data) {
				t.Error("Open changed a file it refused")
			}
		})
	}
}

func TestRepairZeroTail(t *testing.T) {
	intact := gzipMembers(`{"time":"2026-11-21T10:00:00Z"}` + "\n")
	dir := t.TempDir()
	path := writeFile(t, dir, "alpha.jsonl.gz", append(append([]byte{}, intact...), make([]byte, 4096)...))
	w, err := Open(dir, "alpha", testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	if w.Repaired() == "" {
		t.Error("a zeroed tail was not reported")
	}
	w.Close()
	lines, err := readGzipLines(t, path)
	if err != nil && !errors.Is(err, io.EOF) || len(lines) != 1 {
		t.Errorf("after repair: %d records, %v", len(lines), err)
	}
}
