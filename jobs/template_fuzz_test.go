package jobs

import (
	"errors"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// hostileValues are parameter values that try to escape their argument.
var hostileValues = []string{
	"$(touch pwned)", "`touch pwned`", "a; touch pwned", "a && b", "a | b", `"`, "'", `'\''`,
	"-rf", "--help", "two words", "line1\nline2", "", " ", "*", "?", "~", "$HOME", "${HOME}",
	"{x}", "{{x}}", "\\", "a\tb", "é", "#comment", "a>b", "<b", "!", "%s",
}

// FuzzParseTemplate checks that no command and set of known names panics
// the template parser, and that expansion inserts each value whole: in a
// shell command as one quoted word, in an array command as it is, with
// nothing else of the command changed.
func FuzzParseTemplate(f *testing.F) {
	for _, seed := range []struct {
		command, known, value string
		shell                 bool
	}{
		{"./sim {alpha} {n} {seed}", "alpha,n,seed", "1", true},
		{"echo {evil}", "evil", "$(touch pwned); x", true},
		{"awk '{print $1}' ${HOME} {x} {{x}} }}{{", "x", "it's", true},
		{"--n={x}", "x", "-rf", false},
		{"{unknown}", "x", "", true},
		{"{", "", "", false},
		{"{x}{x}{x}", "x", "'\n'", true},
		{"${x} {x}", "x", "a b", true},
		{"{a.b-c_d}", "a.b-c_d", "é", false},
	} {
		f.Add(seed.command, seed.known, seed.value, seed.shell)
	}
	f.Fuzz(func(t *testing.T, command, knownList, value string, shell bool) {
		known := strings.Split(knownList, ",")
		tmpl, err := ParseTemplate([]string{command}, shell, knownNames(known...))
		if err != nil {
			var unknown *PlaceholderError
			if !errors.As(err, &unknown) || slices.Contains(known, unknown.Name) || !strings.Contains(command, "{"+unknown.Name+"}") {
				t.Fatalf("error %v for %q with %q known", err, command, known)
			}
			return
		}
		if !strings.ContainsAny(command, "{}") {
			if got := tmpl.Expand(nil); len(got) != 1 || got[0] != command {
				t.Fatalf("a command without braces changed: %q became %q", command, got)
			}
		}
		placeholders := 0
		for _, p := range tmpl.args[0] {
			if p.placeholder {
				placeholders++
				if !slices.Contains(known, p.text) {
					t.Fatalf("placeholder {%s} is not known", p.text)
				}
			}
		}
		empty := tmpl.Expand(func(string) (string, bool) { return "", true })
		full := tmpl.Expand(func(string) (string, bool) { return value, true })
		if len(empty) != 1 || len(full) != 1 {
			t.Fatalf("Expand gave %d and %d arguments for one", len(empty), len(full))
		}
		inserted, none := value, ""
		if shell {
			inserted, none = ShellQuote(value), ShellQuote("")
			checkOneShellWord(t, value, inserted)
		}
		if want := len(empty[0]) + placeholders*(len(inserted)-len(none)); len(full[0]) != want {
			t.Fatalf("%q with value %q expanded to %q: %d bytes, want %d", command, value, full[0], len(full[0]), want)
		}
	})
}

// checkOneShellWord checks, without a shell, that quoted is one word that
// sh reads back as value: a plain word, or single quotes around the value
// with each ' written as '\”.
func checkOneShellWord(t *testing.T, value, quoted string) {
	t.Helper()
	if value != "" && isPlainWord(value) {
		if quoted != value {
			t.Fatalf("plain word %q quoted as %q", value, quoted)
		}
		return
	}
	if len(quoted) < 2 || quoted[0] != '\'' || quoted[len(quoted)-1] != '\'' {
		t.Fatalf("%q quoted as %q: not in single quotes", value, quoted)
	}
	parts := strings.Split(quoted[1:len(quoted)-1], `'\''`)
	for _, part := range parts {
		if strings.Contains(part, "'") {
			t.Fatalf("%q quoted as %q: a bare ' ends the quotes", value, quoted)
		}
	}
	if strings.Join(parts, "'") != value {
		t.Fatalf("%q quoted as %q reads back as %q", value, quoted, strings.Join(parts, "'"))
	}
}

// TestExpandedCommandReachesJobLiterally expands a shell command holding
// every hostile value, runs it under sh -c for real, and checks that each
// value arrived as one argument, unchanged; an array command gets them as
// they are.
func TestExpandedCommandReachesJobLiterally(t *testing.T) {
	names := make([]string, len(hostileValues))
	script := "printf '<%s>' {{literal}}"
	want := "<{literal}>"
	for i, v := range hostileValues {
		names[i] = "v" + strconv.Itoa(i)
		script += " {" + names[i] + "}"
		want += "<" + v + ">"
	}
	lookup := func(name string) (string, bool) {
		i := slices.Index(names, name)
		if i < 0 {
			return "", false
		}
		return hostileValues[i], true
	}
	tmpl, err := ParseTemplate([]string{script}, true, knownNames(names...))
	if err != nil {
		t.Fatal(err)
	}
	args := tmpl.Expand(lookup)
	if _, direct := Direct(args[0]); direct {
		t.Fatalf("a script with quoted values would run without sh: %q", args[0])
	}
	out, err := exec.Command("sh", "-c", args[0]).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", args[0], err)
	}
	if string(out) != want {
		t.Errorf("the job received\n%q\nwant\n%q", out, want)
	}

	array := append([]string{"prog"}, make([]string, len(names))...)
	for i, name := range names {
		array[i+1] = "{" + name + "}"
	}
	tmpl, err = ParseTemplate(array, false, knownNames(names...))
	if err != nil {
		t.Fatal(err)
	}
	if got := tmpl.Expand(lookup); !slices.Equal(got[1:], hostileValues) {
		t.Errorf("array command got %q, want %q", got[1:], hostileValues)
	}
}
