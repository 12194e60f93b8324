package logs

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// piece is one call of a LineSplitter's emit.
type piece struct {
	Line    string
	Partial bool
}

// split feeds input to a LineSplitter in writes of chunk bytes (all at once
// when chunk <= 0) and returns what it emitted.
func split(max int, input string, chunk int) []piece {
	var got []piece
	s := NewLineSplitter(max, func(line []byte, partial bool) {
		got = append(got, piece{string(line), partial})
	})
	if chunk <= 0 {
		chunk = len(input) + 1
	}
	for len(input) > 0 {
		n := min(chunk, len(input))
		s.Write([]byte(input[:n]))
		input = input[n:]
	}
	s.Close()
	return got
}

func TestLineSplitter(t *testing.T) {
	tests := []struct {
		name  string
		max   int
		input string
		want  []piece
	}{
		{"lines", 10, "a\nb\n", []piece{{"a", false}, {"b", false}}},
		{"crlf", 10, "a\r\nb\r\n", []piece{{"a", false}, {"b", false}}},
		{"lone cr kept", 10, "a\rb\n", []piece{{"a\rb", false}}},
		{"no final newline", 10, "a\nlast", []piece{{"a", false}, {"last", false}}},
		{"empty lines", 10, "\n\n", []piece{{"", false}, {"", false}}},
		{"empty input", 10, "", nil},
		{"cut long line", 4, "abcdefghij\n", []piece{{"abcd", true}, {"efgh", true}, {"ij", false}}},
		{"exactly max", 4, "abcd\nefgh", []piece{{"abcd", false}, {"efgh", false}}},
		{"exactly max crlf", 4, "abcd\r\n", []piece{{"abcd", false}}},
		{"max plus cr then text", 4, "abcd\rx\n", []piece{{"abcd", true}, {"\rx", false}}},
		{"twice max", 4, "abcdefgh\n", []piece{{"abcd", true}, {"efgh", false}}},
		{"long unterminated", 4, "abcdefghij", []piece{{"abcd", true}, {"efgh", true}, {"ij", false}}},
		{"binary", 10, "\x00\xff\xfe\n", []piece{{"\x00\xff\xfe", false}}},
		{"default max", 0, strings.Repeat("x", DefaultMaxLine+1), []piece{{strings.Repeat("x", DefaultMaxLine), true}, {"x", false}}},
	}
	for _, tt := range tests {
		for _, chunk := range []int{0, 1, 3} {
			t.Run(fmt.Sprintf("%s/chunk%d", tt.name, chunk), func(t *testing.T) {
				got := split(tt.max, tt.input, chunk)
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("got %+q\nwant %+q", fmt.Sprint(got), fmt.Sprint(tt.want))
				}
			})
		}
	}
}

// TestLineSplitterProperties checks, for any input, maximum and write sizes,
// that the pieces rebuild the input's lines and respect the maximum.
func TestLineSplitterProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		max := rapid.IntRange(1, 8).Draw(t, "max")
		input := rapid.StringOf(rapid.SampledFrom([]rune{'a', 'b', '\r', '\n', 'é'})).Draw(t, "input")
		chunk := rapid.IntRange(0, 10).Draw(t, "chunk")
		got := split(max, input, chunk)

		var want []string
		if input != "" {
			want = strings.Split(strings.TrimSuffix(input, "\n"), "\n")
			for i, l := range want {
				if i < len(want)-1 || strings.HasSuffix(input, "\n") {
					want[i] = strings.TrimSuffix(l, "\r")
				}
			}
		}
		var lines []string
		var cur strings.Builder
		for i, p := range got {
			if len(p.Line) > max || (p.Partial && len(p.Line) != max) {
				t.Fatalf("piece %d %q breaks max %d (partial %v)", i, p.Line, max, p.Partial)
			}
			cur.WriteString(p.Line)
			if !p.Partial {
				lines = append(lines, cur.String())
				cur.Reset()
			}
		}
		if cur.Len() > 0 {
			t.Fatalf("last piece is partial: %v", got)
		}
		if fmt.Sprintf("%q", lines) != fmt.Sprintf("%q", want) {
			t.Fatalf("lines %q, want %q", lines, want)
		}
	})
}

func TestLineSplitterWriteAfterClose(t *testing.T) {
	s := NewLineSplitter(0, func([]byte, bool) {})
	s.Close()
	if _, err := s.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

// TestHugeLine writes a 10 MiB line without a newline through a splitter into
// a Writer: memory must not grow with the line, and the log must hold it all.
func TestHugeLine(t *testing.T) {
	w, dir := openTest(t, "alpha", testOptions(nil))
	s := w.Lines("big", StreamStdout)
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	const total = 10 << 20
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for written := 0; written < total; written += len(chunk) {
		s.Write(chunk)
	}
	err := s.Close()
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if grew := after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc); grew > 4<<20 {
		t.Errorf("heap grew by %d bytes while logging a 10 MiB line", grew)
	}
	// Without any flush yet, members were closed as they reached
	// maxMemberBytes: a crash now would lose at most the last one.
	if early, _ := readGzipLines(t, w.Path()); len(early) < 2*maxMemberBytes/(DefaultMaxLine+200) {
		t.Errorf("only %d records on disk before the first flush", len(early))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := mustGzipLines(t, filepath.Join(dir, "alpha.jsonl.gz"))
	if len(lines) != total/DefaultMaxLine {
		t.Fatalf("got %d records, want %d pieces", len(lines), total/DefaultMaxLine)
	}
	var rebuilt int
	for i, line := range lines {
		rec := decodeJSON(t, line)
		rebuilt += len(rec["line"].(string))
		if last := i == len(lines)-1; rec["partial"] == last {
			t.Fatalf("record %d: partial = %v", i, rec["partial"])
		}
	}
	if rebuilt != total {
		t.Errorf("pieces hold %d bytes, want %d", rebuilt, total)
	}
}

func TestLinesReportsErrors(t *testing.T) {
	w, _ := openTest(t, "alpha", testOptions(nil))
	s := w.Lines("1", StreamStdout)
	w.Close()
	if _, err := s.Write([]byte("after close\n")); err != nil {
		t.Errorf("Write failed: %v; it must not stop the job", err)
	}
	if err := s.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("Close = %v, want ErrClosed", err)
	}
}
