package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteAll: files written together are all replaced, or, when
// any of them fails, none is and no temporary file is left.
func TestWriteAll(t *testing.T) {
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	boom := errors.New("boom")
	failing := func(w io.Writer) error { io.WriteString(w, "half"); return boom }
	tests := []struct {
		name       string
		pool, mark func(io.Writer) error
		wantErr    error
		wantPool   string
		wantMark   string
	}{
		{name: "both written", pool: text("id,x\n1,1\n"), mark: text("parent\n"), wantPool: "id,x\n1,1\n", wantMark: "parent\n"},
		{name: "first fails", pool: text("id,x\n1,1\n"), mark: failing, wantErr: boom, wantPool: "old pool", wantMark: "old mark"},
		{name: "last fails", pool: failing, mark: text("parent\n"), wantErr: boom, wantPool: "old pool", wantMark: "old mark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			pool, mark := filepath.Join(dir, "left.csv"), filepath.Join(dir, "left.csv.jobsplit")
			os.WriteFile(pool, []byte("old pool"), 0o644)
			os.WriteFile(mark, []byte("old mark"), 0o644)
			err := WriteAll(Pending{Path: mark, Write: tt.mark}, Pending{Path: pool, Write: tt.pool})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if got := string(mustRead(t, pool)); got != tt.wantPool {
				t.Errorf("pool %q, want %q", got, tt.wantPool)
			}
			if got := string(mustRead(t, mark)); got != tt.wantMark {
				t.Errorf("parent file %q, want %q", got, tt.wantMark)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 2 {
				t.Errorf("%d files in the folder, want 2: a temporary file left", len(entries))
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
