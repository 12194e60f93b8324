package logs

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// threeMembers returns a gzip log of three members of 20 records each, the
// records, and where each member starts.
func threeMembers() (data []byte, lines []string, starts []int) {
	lines = sampleLines(60)
	for m := range 3 {
		starts = append(starts, len(data))
		data = append(data, gzipMembers(strings.Join(lines[m*20:m*20+20], "\n")+"\n")...)
	}
	return data, lines, starts
}

// TestReaderResyncs damages the middle member of a log in the ways a disk or
// a careless copy does: the records of the intact members are all kept, in
// order, nothing that was not written comes out, and the warning names the
// file, the damaged member's offset and the bytes skipped.
func TestReaderResyncs(t *testing.T) {
	data, lines, starts := threeMembers()
	first, last := lines[:20], lines[40:]
	second, third := starts[1], starts[2]
	tests := []struct {
		name    string
		damage  func(d []byte) []byte
		warning string // a regular expression
	}{
		{"bytes flipped mid-member", func(d []byte) []byte {
			for i := second + 30; i < second+40; i++ {
				d[i] ^= 0xff
			}
			return d
		}, fmt.Sprintf(`damaged gzip member at byte %d \(.*\): skipped %d bytes to the next intact member at byte %d; every intact record after it is kept$`, second, third-second, third)},
		{"member cut short", func(d []byte) []byte {
			return slices.Concat(d[:second+(third-second)/2], d[third:])
		}, fmt.Sprintf(`damaged gzip member at byte %d \(.*\): skipped %d bytes to the next intact member at byte %d`, second, (third-second)/2, second+(third-second)/2)},
		{"checksum wrong", func(d []byte) []byte {
			d[third-6] ^= 1
			return d
		}, fmt.Sprintf(`damaged gzip member at byte %d \(gzip: invalid checksum\): skipped %d bytes`, second, third-second)},
		{"garbage between members", func(d []byte) []byte {
			return slices.Concat(d[:second], []byte("\x1f\x8b\x08garbage"), d[second:])
		}, fmt.Sprintf(`damaged gzip member at byte %d \(.*\): skipped 10 bytes to the next intact member at byte %d`, second, second+10)},
		{"zeros over the member", func(d []byte) []byte {
			clear(d[second:third])
			return d
		}, fmt.Sprintf(`damaged gzip member at byte %d \(.*\): skipped %d bytes`, second, third-second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := readBytes("logs/alpha.jsonl.gz", tt.damage(bytes.Clone(data)))
			if err != nil {
				t.Fatal(err)
			}
			if !isSubsequence(got, lines) {
				t.Errorf("records not a subsequence of those written:\n%s", strings.Join(got, "\n"))
			}
			if !slices.Equal(got[:20], first) || !slices.Equal(got[len(got)-20:], last) {
				t.Errorf("lost records of the intact members: got %d records", len(got))
			}
			// What the damaged member decoded to may also show as
			// skipped lines that are not records.
			if len(warnings) == 0 || !regexp.MustCompile(`^read log logs/alpha\.jsonl\.gz: `+tt.warning).MatchString(warnings[0]) ||
				len(warnings) > 2 || len(warnings) == 2 && !strings.Contains(warnings[1], "lines that are not log records") {
				t.Errorf("warnings %q, want one matching %q", warnings, tt.warning)
			}
		})
	}
}

// TestReaderResyncsTwiceThenTorn damages two members and tears the tail.
func TestReaderResyncsTwiceThenTorn(t *testing.T) {
	data, lines, starts := threeMembers()
	more := []string{`{"time":"2026-11-21T10:01:00Z","job":"60"}`, `{"time":"2026-11-21T10:01:01Z","job":"61"}`}
	m4, m5 := gzipMembers(more[0]+"\n"), gzipMembers(more[1]+"\n")
	m3 := len(data) - starts[2]
	data = slices.Concat(data[:starts[0]+5], []byte("xx"), data[starts[1]:starts[2]+7], data[starts[2]+9:], m4, m5[:12])
	got, warnings, err := readBytes("a.jsonl.gz", data)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(lines[20:40:40], more[0]); !slices.Equal(got, want) {
		t.Errorf("got %d records, want the %d of the intact members", len(got), len(want))
	}
	want := []string{`damaged gzip member at byte 0 .*: skipped 7 bytes to the next intact member at byte 7;`,
		fmt.Sprintf(`damaged gzip member at byte %d .*: skipped %d bytes`, 7+starts[2]-starts[1], m3-2),
		`truncated tail after record 21 \(the last 12 bytes, from byte \d+: `}
	if len(warnings) != len(want) {
		t.Fatalf("warnings %q, want %d", warnings, len(want))
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(warnings[i]) {
			t.Errorf("warning %q, want %q", warnings[i], w)
		}
	}
}

// isSubsequence reports whether got appears in want in order.
func isSubsequence(got, want []string) bool {
	i := 0
	for _, g := range got {
		for i < len(want) && want[i] != g {
			i++
		}
		if i == len(want) {
			return false
		}
		i++
	}
	return true
}

// TestMergeDamaged merges an intact log and one with a damaged middle
// member: every intact record is in the output, and Strict turns the damage
// into an ErrDamaged error naming the file, after the output was written.
func TestMergeDamaged(t *testing.T) {
	data, lines, starts := threeMembers()
	clear(data[starts[1]+20 : starts[1]+30])
	dir := t.TempDir()
	bad := writeFile(t, dir, "alpha.jsonl.gz", data)
	good := writeFile(t, dir, "beta.jsonl", []byte(`{"time":"2026-11-21T10:00:30.5Z","machine":"beta"}`+"\n"))
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%v", strict), func(t *testing.T) {
			var out bytes.Buffer
			warnings, err := Merge(&out, []string{bad, good}, MergeOptions{Strict: strict})
			if strict != errors.Is(err, ErrDamaged) || strict && !strings.Contains(err.Error(), bad) || !strict && err != nil {
				t.Errorf("err = %v, want ErrDamaged naming %s: %v", err, bad, strict)
			}
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			want := slices.Concat(lines[:20], lines[40:])
			if !isSubsequence(want, got) || len(got) < len(want)+1 {
				t.Errorf("merged %d records, want every intact one (%d) and beta's", len(got), len(want))
			}
			if len(warnings) == 0 || !strings.Contains(warnings[0], fmt.Sprintf("damaged gzip member at byte %d", starts[1])) {
				t.Errorf("warnings %q", warnings)
			}
		})
	}
	var out bytes.Buffer
	if _, err := Merge(&out, []string{good}, MergeOptions{Strict: true}); err != nil {
		t.Errorf("an intact log under Strict: %v", err)
	}
}

// FuzzReaderDamage puts any bytes between two intact members of a gzip log:
// reading never fails or hangs, the first member's records come first, and
// when the bytes hold no gzip header to mistake, every record of the last
// member is read too.
func FuzzReaderDamage(f *testing.F) {
	f.Add([]byte("garbage"))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add(gzipMembers("not a record\n"))
	f.Add(gzipMembers(sampleLines(3)[2] + "\n")[:15])
	lines := sampleLines(4)
	first, last := gzipMembers(lines[0]+"\n"+lines[1]+"\n"), gzipMembers(lines[2]+"\n"+lines[3]+"\n")
	f.Fuzz(func(t *testing.T, damage []byte) {
		got, _, err := readBytes("a.jsonl.gz", slices.Concat(first, damage, last))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 2 || !slices.Equal(got[:2], lines[:2]) {
			t.Fatalf("first member's records not first: %q", got)
		}
		if !bytes.Contains(damage, []byte{0x1f}) && !slices.Equal(got[len(got)-2:], lines[2:]) {
			t.Fatalf("last member's records lost: %q", got)
		}
	})
}
