package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzResults feeds arbitrary bytes to the results reader: it must return
// figures or an error naming the file, never panic, and the page of
// whatever it read must render.
func FuzzResults(f *testing.F) {
	head := "job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,x\n"
	f.Add([]byte(head + "0,a,ok,0,1,2026-05-06T07:00:00.000Z,1.000,DIGEST,0\n"))
	f.Add([]byte(head + "1,b,failed,3,2,2026-05-06T07:00:01Z,0.5,DIGEST,1\n0,a,ok,0,1,2026-05-06T07:00:00.5+02:00,9,DIGEST,0\n"))
	f.Add([]byte(head + "0,a,ok,0,1,2026"))
	f.Add([]byte("\ufeff" + head + "\"0\",a,ok,0,1,2026-05-06T07:00:00.000Z,1e3,DIGEST,\"x\"\"y\"\n"))
	s := testSweep(f, 3, `{"a": [1, 2], "b": [2, 1]}`)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		data = bytes.ReplaceAll(data, []byte("DIGEST"), []byte(s.ResultDigest()))
		path := filepath.Join(dir, "fuzz.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Build(Source{Sweep: s, ResultFiles: []string{path}})
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := r.WriteHTML(&bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	})
}
