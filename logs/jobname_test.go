package logs

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestJobLogName(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct{ id, want string }{
		{"042", "042.log"},
		{"sp ace", "sp ace.log"},
		{".dot", ".dot.log"},
		{"-dash", "-dash.log"},
		{"ünï", "ünï.log"},
		{"x..y", "x..y.log"},
		{"", ".log"},
		{".", "%2E.log"},
		{"..", "%2E%2E.log"},
		{"...", "....log"},
		{"a/b", "a%2Fb.log"},
		{"../x", "..%2Fx.log"},
		{`a\b`, "a%5Cb.log"},
		{"a\x00b", "a%00b.log"},
		{"a\nb", "a%0Ab.log"},
		{"a\u0085b", "a%C2%85b.log"},
		{"\xff", "%FF.log"},
		{"%2E", "%252E.log"},
		{`x:1 <a> "b" |c? *`, "x%3A1 %3Ca%3E %22b%22 %7Cc%3F %2A.log"},
		{"CON", "%43ON.log"},
		{"nul.txt", "%6Eul.txt.log"},
		{"com7", "%63om7.log"},
		{"COM0", "COM0.log"},
		{"CONSOLE", "CONSOLE.log"},
		{long, strings.Repeat("x", 166) + "%%" + sha256Hex(long) + ".log"},
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.id), func(t *testing.T) {
			if got := JobLogName(tt.id); got != tt.want {
				t.Errorf("JobLogName(%q) = %q, want %q", tt.id, got, tt.want)
			}
		})
	}
}

// TestJobLogNameDistinct maps many ids made of the characters that need
// encoding, short and long, and checks that no two share a name, that every
// name is a plain file name, and that a short name decodes to its id.
func TestJobLogNameDistinct(t *testing.T) {
	alphabet := []string{"a", "A", ".", "/", `\`, "%", "%2", "2F", "\x00", "\n", ":", "é", "\xc3", "\xff", " ", "CON", "x"}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]string{}
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for n := rng.IntN(12); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		if i%10 == 0 {
			b.WriteString(strings.Repeat("é/", 60+rng.IntN(3)))
		}
		id := b.String()
		name := JobLogName(id)
		if other, dup := seen[name]; dup && other != id {
			t.Fatalf("ids %q and %q share the name %q", other, id, name)
		}
		seen[name] = id
		checkPlainName(t, id, name)
	}
}

// FuzzJobLogName checks JobLogName's promises on any id.
func FuzzJobLogName(f *testing.F) {
	for _, id := range []string{".", "..", "a/b", "%41", "CON", strings.Repeat("é", 150)} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) { checkPlainName(t, id, JobLogName(id)) })
}

// checkPlainName fails when name is not a safe file name for id, or when a
// name without the hash suffix does not decode back to id.
func checkPlainName(t *testing.T, id, name string) {
	t.Helper()
	if len(name) > maxJobNameBytes+4 || !utf8.ValidString(name) || name == ".log" && id != "" {
		t.Fatalf("JobLogName(%q) = %q: too long, not UTF-8 or empty", id, name)
	}
	for _, r := range name {
		if unsafeInName(r) && r != '%' {
			t.Fatalf("JobLogName(%q) = %q holds %q", id, name, r)
		}
	}
	stem := strings.TrimSuffix(name, ".log")
	if strings.Contains(stem, "%%") {
		if !strings.HasSuffix(stem, "%%"+sha256Hex(id)) {
			t.Fatalf("JobLogName(%q) = %q: a long name must end with the id's hash", id, name)
		}
		return
	}
	if got := decodePercent(t, stem); got != id {
		t.Fatalf("JobLogName(%q) = %q decodes to %q", id, name, got)
	}
}

func decodePercent(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		c, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			t.Fatalf("bad escape in %q: %v", s, err)
		}
		b.WriteByte(byte(c))
		i += 2
	}
	return b.String()
}

// TestJobLogNameCreates creates every name in one folder of the real file
// system: each is a file of its own there.
func TestJobLogNameCreates(t *testing.T) {
	dir := t.TempDir()
	ids := []string{".", "..", "a/b", "../../x", `a\b`, "a\x00b", "\xff\xfe", "", "CON", strings.Repeat("/", 200), strings.Repeat("/", 199) + "."}
	for _, id := range ids {
		path := filepath.Join(dir, JobLogName(id))
		if filepath.Dir(path) != dir {
			t.Fatalf("id %q names %s, outside %s", id, path, dir)
		}
		if err := os.WriteFile(path, []byte(id), 0o644); err != nil {
			t.Fatalf("id %q: %v", id, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(ids) {
		t.Errorf("%d ids made %d files", len(ids), len(entries))
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%x", sum[:16])
}
