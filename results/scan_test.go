package results

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCollectReadsAnyCSV: the same rows written the ways other CSV tools
// write them (CRLF, every field quoted, blank lines, a byte order mark,
// fields longer than the read buffer, quoted newlines) collect into the same
// table and summary as jobsplit's own file.
func TestCollectReadsAnyCSV(t *testing.T) {
	long := strings.Repeat("x", 3*seqChunk*4+17)
	rows := []Row{
		row("1", "alpha", StatusOK, 1, 0, []string{"0.1", "one"}, "0.11", "plain"),
		row("2", "alpha", StatusFailed, 1, time.Second, []string{"0.2", "two"}, "", `say "hi", twice`),
		row("2", "alpha", StatusOK, 2, 2*time.Second, []string{"0.2", "two"}, "0.22", "line one\nline two"),
		row("10", "alpha", StatusOK, 1, 3*time.Second, []string{"1.0", "ten"}, "1.1", long),
		row("4", "beta", StatusTimeout, 1, 4*time.Second, []string{"0.4", "four"}, "", " leading space"),
	}
	var canonical bytes.Buffer
	cw := csv.NewWriter(&canonical)
	cw.Write(append(append(FixedColumns(), fixtureParams...), fixtureResults...))
	for _, r := range rows {
		rec, err := appendRecord(nil, r, len(fixtureParams), len(fixtureResults))
		if err != nil {
			t.Fatal(err)
		}
		cw.Write(rec)
	}
	cw.Flush()
	quoteAll := func(text string) string {
		recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, rec := range recs {
			for i, f := range rec {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	forms := map[string]string{
		"crlf":        strings.ReplaceAll(canonical.String(), "\n", "\r\n"),
		"quoted":      quoteAll(canonical.String()),
		"blank lines": strings.Replace(strings.ReplaceAll(canonical.String(), "\n1,", "\n\n\n1,"), "\n4,", "\n\n4,", 1),
		"bom":         "\ufeff" + canonical.String(),
	}
	collect := func(text string) (string, Summary) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "alpha.csv"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Collect(fixturePlan, []string{dir}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := c.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		return b.String(), c.Summary
	}
	want, wantSummary := collect(canonical.String())
	if !strings.Contains(want, long) || !strings.Contains(want, `"line one`+"\n"+`line two"`) || wantSummary.Total.OK != 3 {
		t.Fatalf("canonical table lacks rows:\n%.300s\n%+v", want, wantSummary.Total)
	}
	for name, text := range forms {
		t.Run(name, func(t *testing.T) {
			got, summary := collect(text)
			if got != want {
				t.Errorf("table differs:\n%.500s\nwant\n%.500s", got, want)
			}
			if summary.Total != wantSummary.Total {
				t.Errorf("summary %+v, want %+v", summary.Total, wantSummary.Total)
			}
		})
	}
}

// TestCollectFileChanged: a file rewritten between Collect and WriteTable is
// an error naming it, never a table of wrong rows.
func TestCollectFileChanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alpha.csv")
	p := []string{"0.1", "one"}
	writeRows(t, path, fixtureParams, fixtureResults, row("1", "alpha", StatusOK, 1, 0, p, "0.11", ""), row("2", "alpha", StatusOK, 1, 0, p, "0.22", ""))
	c, err := Collect(fixturePlan, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	writeRows(t, path, fixtureParams, fixtureResults, row("6", "alpha", StatusOK, 1, 0, p, "0.66", ""), row("7", "alpha", StatusOK, 1, 0, p, "0.77", ""))
	err = c.WriteTable(&bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("WriteTable = %v, want an error saying %s changed", err, path)
	}
}

// TestRowReaderPrefix: with a prefix, a reader splits only the leading
// fields of a plain record and counts the rest, so a row with a field too
// many or too few is still refused at its line; a quoted record is split
// in full.
func TestRowReaderPrefix(t *testing.T) {
	const header = "a,b,c,d\n"
	tests := []struct {
		name, rows string
		want       [][]string
		line       int // of the error, 0 for none
		mention    string
	}{
		{"plain", "1,2,3,4\n5,6,,\n", [][]string{{"1", "2"}, {"5", "6"}}, 0, ""},
		{"quoted", "1,2,\"x,y\",4\n\"5\",6,7,8\n", [][]string{{"1", "2", "x,y", "4"}, {"5", "6", "7", "8"}}, 0, ""},
		{"a field too many", "1,2,3,4\n1,2,3,4,5\n", [][]string{{"1", "2"}}, 3, "row has 5 fields but the header has 4"},
		{"a field too few", "1,2,3\n", nil, 2, "row has 3 fields but the header has 4"},
		{"fewer fields than the prefix", "1\n", nil, 2, "row has 1 field but the header has 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "alpha.csv")
			text := header + tt.rows
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rf := &resultsFile{path: path, f: f, size: int64(len(text)), endsNL: true, header: []string{"a", "b", "c", "d"}}
			rr := newRowReader(rf, seqChunk)
			rr.prefix = 2
			rr.seek(int64(len(header)), 2)
			var got [][]string
			for {
				rec, err := rr.next()
				if err == io.EOF {
					break
				}
				var ie *InputError
				if errors.As(err, &ie) {
					if ie.Line != tt.line || !strings.Contains(err.Error(), tt.mention) {
						t.Fatalf("error %v at line %d, want %q at line %d", err, ie.Line, tt.mention, tt.line)
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, slices.Clone(rec))
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Fatalf("records %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRowReaderSpecialsAcrossChunks: rows with quotes, quoted newlines and
// carriage returns here and there, read in chunks smaller than a row or a
// few rows, read as encoding/csv reads them, whichever way their records
// go (split in place, quoted, or through encoding/csv) as the buffer moves
// on.
func TestRowReaderSpecialsAcrossChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var text strings.Builder
	text.WriteString("a,b,c\n")
	for i := range 5000 {
		fields := []string{strconv.Itoa(i), strings.Repeat("x", r.IntN(40)), "y"}
		switch r.IntN(40) {
		case 0:
			fields[1] = `"q,""uo""te` + "\nd\""
		case 1:
			fields[2] = `"z"`
		case 2:
			fields[2] = "y\r" // a CRLF line
		}
		text.WriteString(strings.Join(fields, ",") + "\n")
	}
	path := filepath.Join(t.TempDir(), "alpha.csv")
	if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := csv.NewReader(strings.NewReader(text.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{64, 100, 4096} {
		rf := &resultsFile{path: path, f: f, size: int64(text.Len()), endsNL: true, header: want[0]}
		rr := newRowReader(rf, chunk)
		rr.seek(int64(len("a,b,c\n")), 2)
		rr.chunk = chunk // seek chose its own
		var got [][]string
		for {
			rec, err := rr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("chunk %d: %v", chunk, err)
			}
			rec = slices.Clone(rec)
			for k := range rec {
				rec[k] = strings.Clone(rec[k]) // a view into the reader's buffer
			}
			got = append(got, rec)
		}
		if !slices.EqualFunc(got, want[1:], slices.Equal) {
			for i := range min(len(got), len(want)-1) {
				if !slices.Equal(got[i], want[i+1]) {
					t.Fatalf("chunk %d: record %d is %q, want %q", chunk, i, got[i], want[i+1])
				}
			}
			t.Fatalf("chunk %d: %d records, want %d", chunk, len(got), len(want)-1)
		}
	}
}
