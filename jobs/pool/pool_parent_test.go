package pool

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadPoolParent reads a re-plan's parent digest from the parent file
// beside the pool, from the comment line older releases wrote, or both.
func TestReadPoolParent(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	const pool = "id,x\n1,1\n2,2\n"
	tests := []struct {
		name, comment, parentFile string
		want, wantErr             string
	}{
		{name: "ordinary pool"},
		{name: "parent file", parentFile: ParentFileText(a), want: a},
		{name: "parent file with CRLF", parentFile: "jobsplit re-plan of digest " + a + "\r\n", want: a},
		{name: "parent file without newline", parentFile: "jobsplit re-plan of digest " + a, want: a},
		{name: "old comment line", comment: "# jobsplit: re-plan of digest " + a + "\n", want: a},
		{name: "both agree", comment: "# jobsplit: re-plan of digest " + a + "\n", parentFile: ParentFileText(a), want: a},
		{name: "both disagree", comment: "# jobsplit: re-plan of digest " + a + "\n", parentFile: ParentFileText(b),
			wantErr: "names the parent sweep " + b + " but"},
		{name: "garbage", parentFile: "hello\n", wantErr: "not a re-plan marker"},
		{name: "short digest", parentFile: ParentFileText("abc"), wantErr: "not a re-plan marker"},
		{name: "two lines", parentFile: ParentFileText(a) + ParentFileText(a), wantErr: "not a re-plan marker"},
		{name: "empty", parentFile: "\x00", wantErr: "not a re-plan marker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "left.csv")
			if err := os.WriteFile(path, []byte(tt.comment+pool), 0o644); err != nil {
				t.Fatal(err)
			}
			if tt.parentFile != "" {
				if err := os.WriteFile(path+".jobsplit", []byte(tt.parentFile), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, err := ReadPoolFile(path, "csv")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), path+".jobsplit: ") {
					t.Fatalf("error %v, want %s: ...%q...", err, path+".jobsplit", tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Parent != tt.want {
				t.Errorf("Parent = %q, want %q", p.Parent, tt.want)
			}
			if wantFile := tt.parentFile != ""; (p.ParentFile != "") != wantFile || wantFile && p.ParentFile != path+".jobsplit" {
				t.Errorf("ParentFile = %q", p.ParentFile)
			}
			if p.Len() != 2 {
				t.Errorf("%d jobs, want 2", p.Len())
			}
		})
	}
}

// TestPoolAppendID: AppendID gives every job's ID, whichever way the pool
// holds it (first column or not, quoted, CRLF, hashed, a grid, lines).
func TestPoolAppendID(t *testing.T) {
	pools := map[string]string{
		"id first":         "id,x\nb,2\na,1\nc,3",
		"id first, crlf":   "id,x\r\nb,2\r\na,1\r\n",
		"id only":          "id\nb\na\r\nc",
		"quoted ids":       "id,x\n\"b,1\",2\n\"a\"\"q\",1\nplain,3\n",
		"id last":          "x,id\n2,b\n1,a\n",
		"id middle, crlf":  "x,id,y\r\n2,b,0\r\n1,a,0\r\n",
		"hashed":           "x,y\n1,2\n3,4\n",
		"blank lines, bom": "\ufeffid,x\n\nb,2\n\na,1\n",
	}
	for name, text := range pools {
		t.Run(name, func(t *testing.T) {
			p, err := ReadCSV(strings.NewReader(text), "jobs.csv")
			if err != nil {
				t.Fatal(err)
			}
			var buf []byte
			for i := range p.Len() {
				if buf = p.AppendID(buf[:0], i); string(buf) != p.ID(i) {
					t.Errorf("job %d: AppendID %q, ID %q", i, buf, p.ID(i))
				}
			}
		})
	}
	grid, err := GridPool(map[string]any{"x": []any{int64(1), int64(2)}}, "jobsplit.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := ReadLines(strings.NewReader("a\nb\n"), "jobs.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*Pool{grid, lines} {
		for i := range p.Len() {
			if got := string(p.AppendID(nil, i)); got != p.ID(i) {
				t.Errorf("%s job %d: AppendID %q, ID %q", p.Source, i, got, p.ID(i))
			}
		}
	}
}
