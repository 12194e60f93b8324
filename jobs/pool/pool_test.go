package pool

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zeebo/blake3"
)

// poolJobs lists a pool as "id: v1 v2 ..." in id order.
func poolJobs(p *Pool) []string {
	out := make([]string, p.Len())
	for i := range out {
		j := p.Job(i)
		out[i] = j.ID + ": " + strings.Join(j.Values, " ")
	}
	return out
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		columns []string
		jobs    []string
	}{
		{"ids", "id,x,y\nb,1,2\na,3,4\n", []string{"x", "y"}, []string{"a: 3 4", "b: 1 2"}},
		{"id column last", "x,id\n1,b\n2,a\n", []string{"x"}, []string{"a: 2", "b: 1"}},
		{"ids may repeat values", "id,x\na,1\nb,1\n", []string{"x"}, []string{"a: 1", "b: 1"}},
		{"hashed ids", "x\n1\n2\n", []string{"x"}, []string{"6bd0caa8aead77fe: 2", "ef08a1529680f495: 1"}},
		{"CRLF", "id,x\r\nb,1\r\na,2\r\n", []string{"x"}, []string{"a: 2", "b: 1"}},
		{"byte order mark", "\xef\xbb\xbfid,x\nb,1\n", []string{"x"}, []string{"b: 1"}},
		{"no trailing newline", "id,x\nb,1", []string{"x"}, []string{"b: 1"}},
		{"blank lines skipped", "id,x\n\nb,1\n\n", []string{"x"}, []string{"b: 1"}},
		{"quoted fields", "id,x\n\"a,1\",\"say \"\"hi\"\"\"\n", []string{"x"}, []string{`a,1: say "hi"`}},
		{"newline in a quoted field", "id,x\na,\"two\r\nlines\"\n", []string{"x"}, []string{"a: two\nlines"}},
		{"spaces kept", "id,x\na, 1 \n", []string{"x"}, []string{"a:  1 "}},
		{"only an id column", "id\nb\na\n", nil, []string{"a: ", "b: "}},
		{"uppercase ID is a parameter", "ID,x\n1,2\n", []string{"ID", "x"}, []string{"eb87807beb9b2623: 1 2"}},
		{"cost is a parameter", "id,cost\na,2.5\n", []string{"cost"}, []string{"a: 2.5"}},
		{"unicode values", "id,x\nä,世界\n", []string{"x"}, []string{"ä: 世界"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadCSV(strings.NewReader(tt.in), "jobs.csv")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Columns, tt.columns) {
				t.Errorf("columns %q, want %q", p.Columns, tt.columns)
			}
			if got := poolJobs(p); !slices.Equal(got, tt.jobs) {
				t.Errorf("jobs %q, want %q", got, tt.jobs)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"duplicate ids", "id,x\na,1\nb,2\na,3\n", `jobs.csv: duplicate jobs: lines 2 and 4 have job id "a"`},
		{"several duplicate ids", "id,x\na,1\nb,2\na,3\nb,4\nc,5\nc,6\n", `jobs.csv: duplicate jobs: lines 2 and 4 have job id "a"; lines 3 and 5 have job id "b"; lines 6 and 7 have job id "c"`},
		{"thrice the same id", "id,x\na,1\na,2\na,3\n", `jobs.csv: duplicate jobs: lines 2 and 3 have job id "a"; lines 3 and 4 have job id "a"`},
		{"duplicate ids with CRLF and blank lines", "id,x\r\n\r\na,1\r\nb,2\r\n\r\na,3\r\n", `jobs.csv: duplicate jobs: lines 3 and 6 have job id "a"`},
		{"duplicate rows without ids", "x,y\n1,2\n3,4\n1,2\n", `jobs.csv: duplicate jobs: lines 2 and 4 have the same parameters`},
		{"duplicate rows in other column order", "x\n1\n2\n1\n", `jobs.csv: duplicate jobs: lines 2 and 4 have the same parameters`},
		{"short row", "x,y\n1,2\n3\n", `jobs.csv:3: row has 1 field but the header has 2`},
		{"long row", "x,y\n1,2,3\n", `jobs.csv:2: row has 3 fields but the header has 2`},
		{"duplicate header", "x,y,x\n1,2,3\n", `jobs.csv:1: column "x" appears twice in the header`},
		{"duplicate id header", "id,x,id\n1,2,3\n", `jobs.csv:1: column "id" appears twice in the header`},
		{"reserved column seed", "x,seed\n1,2\n", `jobs.csv:1: column "seed" is reserved by jobsplit: rename it`},
		{"reserved column job_id", "job_id\n1\n", `jobs.csv:1: column "job_id" is reserved by jobsplit: rename it`},
		{"empty column name", "x,,y\n1,2,3\n", `jobs.csv:1: empty column name`},
		{"column with a space", "x y\n1\n", `jobs.csv:1: column "x y": names may hold only ASCII letters, digits, '_', '-' and '.'`},
		{"column with a brace", "{x}\n1\n", `jobs.csv:1: column "{x}": names may hold only ASCII letters, digits, '_', '-' and '.'`},
		{"non-ASCII column", "ä\n1\n", `jobs.csv:1: column "ä": names may hold only ASCII letters, digits, '_', '-' and '.'`},
		{"invalid UTF-8 value", "x\nok\n\xff\n", `jobs.csv:3: not valid UTF-8`},
		{"invalid UTF-8 header", "x\xff\n1\n", `jobs.csv:1: not valid UTF-8`},
		{"empty file", "", `jobs.csv: empty file: want a header row naming the parameters, then one job per row`},
		{"only a byte order mark", "\xef\xbb\xbf", `jobs.csv: empty file: want a header row naming the parameters, then one job per row`},
		{"only blank lines", "\n\n", `jobs.csv: empty file: want a header row naming the parameters, then one job per row`},
		{"header only", "id,x\n", `jobs.csv: no jobs: the file has a header but no rows`},
		{"header and blank lines", "id,x\n\n\n", `jobs.csv: no jobs: the file has a header but no rows`},
		{"empty id", "id,x\n,1\n", `jobs.csv:2: empty job id`},
		{"id with a slash", "id,x\na/b,1\n", `jobs.csv:2: job id "a/b" must not contain a path separator or ".."`},
		{"id with a backslash", "id,x\na\\b,1\n", `jobs.csv:2: job id "a\\b" must not contain a path separator or ".."`},
		{"id dot dot", "id,x\n..,1\n", `jobs.csv:2: job id ".." must not contain a path separator or ".."`},
		{"id with a newline", "id,x\n\"a\nb\",1\n", `jobs.csv:2: job id "a\nb" must not contain control characters`},
		{"id too long", "id\n" + strings.Repeat("x", 201) + "\n", `jobs.csv:2: job id "` + strings.Repeat("x", 40) + `..." is longer than 200 bytes`},
		{"bare quote", "x\na\"b\n", `jobs.csv:2: bare " in a field that is not quoted`},
		{"unclosed quote", "x,y\n1,\"2\n", `jobs.csv:2: extraneous or missing " in a quoted field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadCSV(strings.NewReader(tt.in), "jobs.csv")
			if err == nil {
				t.Fatalf("no error, got %q", poolJobs(p))
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			var perr *PoolError
			if !errors.As(err, &perr) {
				t.Errorf("error %T is not a *PoolError", err)
			}
		})
	}
}

func TestReadLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		jobs []string
		err  string
	}{
		{"lines", "b\na\n", []string{"34cd58be3b20ba9f: b", "85f53b18ac124c38: a"}, ""},
		{"CRLF, blank lines, no final newline", "\r\na\r\n  \r\nb", []string{"34cd58be3b20ba9f: b", "85f53b18ac124c38: a"}, ""},
		{"byte order mark", "\xef\xbb\xbfa\n", []string{"85f53b18ac124c38: a"}, ""},
		{"spaces and commas kept", "a b, c \n", []string{"555604adcc5df6a5: a b, c "}, ""},
		{"duplicate lines", "a\nb\n\na\n", nil, "jobs.txt: duplicate jobs: lines 1 and 4 have the same parameters"},
		{"empty file", "", nil, "jobs.txt: no jobs: the file has no non-blank line"},
		{"blank lines only", "\n \n\t\n", nil, "jobs.txt: no jobs: the file has no non-blank line"},
		{"invalid UTF-8", "a\n\xff\n", nil, "jobs.txt:2: not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadLines(strings.NewReader(tt.in), "jobs.txt")
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := poolJobs(p); !slices.Equal(got, tt.jobs) || !slices.Equal(p.Columns, []string{"arg"}) {
				t.Errorf("jobs %q columns %q, want %q and [arg]", got, p.Columns, tt.jobs)
			}
		})
	}
}

// TestHashedIDFormat pins how an id is made from the parameters: the first
// 8 bytes of blake3 over name and value pairs, each length-prefixed, in
// name order. Changing it renames every job of every sweep.
func TestHashedIDFormat(t *testing.T) {
	p, err := ReadCSV(strings.NewReader("y,x\nvalue,1\n"), "jobs.csv")
	if err != nil {
		t.Fatal(err)
	}
	sum := blake3.Sum256([]byte("\x01x\x011\x01y\x05value"))
	if want := hex.EncodeToString(sum[:8]); p.Job(0).ID != want {
		t.Errorf("id %s, want %s", p.Job(0).ID, want)
	}
	long := strings.Repeat("v", 200)
	p, err = ReadCSV(strings.NewReader("x\n"+long+"\n"), "jobs.csv")
	if err != nil {
		t.Fatal(err)
	}
	// 200 is written as the varint c8 01.
	sum = blake3.Sum256([]byte("\x01x\xc8\x01" + long))
	if want := hex.EncodeToString(sum[:8]); p.Job(0).ID != want {
		t.Errorf("id %s, want %s", p.Job(0).ID, want)
	}
}

// TestHashedIDsIgnoreColumnOrder checks that a job's hashed id depends on
// its parameters by name, not on the column order of the file.
func TestHashedIDsIgnoreColumnOrder(t *testing.T) {
	a, err := ReadCSV(strings.NewReader("x,y\n1,2\n"), "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadCSV(strings.NewReader("y,x\n2,1\n"), "b.csv")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadCSV(strings.NewReader("x,y\n2,1\n"), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	if a.Job(0).ID != b.Job(0).ID {
		t.Errorf("ids %s and %s differ for the same parameters", a.Job(0).ID, b.Job(0).ID)
	}
	if a.Job(0).ID == c.Job(0).ID {
		t.Errorf("x=1,y=2 and x=2,y=1 share the id %s", a.Job(0).ID)
	}
}

func TestPoolLookups(t *testing.T) {
	p, err := ReadCSV(strings.NewReader("x,id,y\n1,c,2\n3,a,4\n5,b,6\n"), "jobs.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"a", "b", "c"} {
		if got := p.Index(id); got != i {
			t.Errorf("Index(%s) = %d, want %d", id, got, i)
		}
	}
	if got := p.Index("d"); got != -1 {
		t.Errorf("Index(d) = %d, want -1", got)
	}
	if v, ok := p.Value(1, "y"); !ok || v != "6" {
		t.Errorf("Value(1, y) = %q, %v; want 6", v, ok)
	}
	if _, ok := p.Value(1, "z"); ok {
		t.Error("Value(1, z) found a column")
	}
}

func TestReadPoolFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jobs.txt")
	if err := os.WriteFile(path, []byte("a,b\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err := ReadPoolFile(path, "lines")
	if err != nil || lines.Len() != 2 {
		t.Fatalf("lines format: %v, %v", lines, err)
	}
	_, err = ReadPoolFile(path, "csv")
	want := path + ":2: row has 1 field but the header has 2"
	if err == nil || err.Error() != want {
		t.Errorf("csv format: error %v, want %s", err, want)
	}
	_, err = ReadPoolFile(filepath.Join(dir, "none.csv"), "")
	want = "read jobs: open " + filepath.Join(dir, "none.csv") + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("missing file: error %v, want %s", err, want)
	}
}

func TestReadCSVManyRows(t *testing.T) {
	// More rows than one slab holds, so that values cross slab boundaries.
	var b strings.Builder
	b.WriteString("id,x,y\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "j%05d,%d,%d\n", 4999-i, i, 2*i)
	}
	p, err := ReadCSV(strings.NewReader(b.String()), "jobs.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1023, 1024, 2047, 4999} {
		j := p.Job(i)
		want := fmt.Sprintf("j%05d: %d %d", i, 4999-i, 2*(4999-i))
		if got := j.ID + ": " + strings.Join(j.Values, " "); got != want {
			t.Errorf("job %d = %q, want %q", i, got, want)
		}
	}
}

// FuzzReadCSV checks that no CSV pool panics the reader, that errors are
// *PoolError naming the file, and that an accepted pool is sorted by
// unique id with one value per column.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"id,alpha,n\n001,0.1,10\n002,0.1,20\n",
		"x,y\r\n1,\"a\r\nb\"\r\n3,4",
		"\xef\xbb\xbfx\n1\n1\n",
		"id,x\na,1\na,2\n",
		"x,seed\n1,2\n",
		"id\n..\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadCSV(strings.NewReader(string(data)), "jobs.csv")
		if err != nil {
			var perr *PoolError
			if !errors.As(err, &perr) {
				t.Fatalf("error %T is not a *PoolError: %v", err, err)
			}
			return
		}
		if p.Len() == 0 {
			t.Fatal("no error and no jobs")
		}
		for i := range p.Len() {
			j := p.Job(i)
			if len(j.Values) != len(p.Columns) {
				t.Fatalf("job %q has %d values for %d columns", j.ID, len(j.Values), len(p.Columns))
			}
			if err := checkID(j.ID); err != nil {
				t.Fatalf("accepted id: %v", err)
			}
			if i > 0 && p.Job(i-1).ID >= j.ID {
				t.Fatalf("ids not sorted and unique: %q then %q", p.Job(i-1).ID, j.ID)
			}
			if p.Index(j.ID) != i {
				t.Fatalf("Index(%q) = %d, want %d", j.ID, p.Index(j.ID), i)
			}
		}
	})
}
