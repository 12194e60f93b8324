package jobs

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func knownNames(names ...string) func(string) bool {
	return func(n string) bool { return slices.Contains(names, n) }
}

func TestTemplateExpand(t *testing.T) {
	values := map[string]string{
		"x":     "1",
		"evil":  "$(touch pwned); x",
		"quote": `it's "quoted"`,
		"dash":  "-rf",
		"space": "a b",
		"nl":    "line1\nline2",
		"empty": "",
	}
	lookup := func(name string) (string, bool) { v, ok := values[name]; return v, ok }
	known := knownNames("x", "evil", "quote", "dash", "space", "nl", "empty")
	tests := []struct {
		name  string
		args  []string
		shell bool
		want  []string
	}{
		{"plain", []string{"./sim {x}"}, true, []string{"./sim 1"}},
		{"injection quoted", []string{"echo {evil}"}, true, []string{`echo '$(touch pwned); x'`}},
		{"single quotes", []string{"echo {quote}"}, true, []string{`echo 'it'\''s "quoted"'`}},
		{"leading dash stays an argument", []string{"echo {dash}"}, true, []string{"echo -rf"}},
		{"empty value is an empty word", []string{"echo {empty}"}, true, []string{"echo ''"}},
		{"newline quoted", []string{"echo {nl}"}, true, []string{"echo 'line1\nline2'"}},
		{"shell braces left alone", []string{`awk '{print $1}' ${HOME} {x}`}, true, []string{`awk '{print $1}' ${HOME} 1`}},
		{"escaped braces", []string{"echo {{x}} {x}"}, true, []string{"echo {x} 1"}},
		{"array no quoting", []string{"echo", "{evil}", "--n={x}", "{space}"}, false, []string{"echo", "$(touch pwned); x", "--n=1", "a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := ParseTemplate(tt.args, tt.shell, known)
			if err != nil {
				t.Fatal(err)
			}
			if got := tmpl.Expand(lookup); !slices.Equal(got, tt.want) {
				t.Errorf("Expand = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTemplateUnknownPlaceholder(t *testing.T) {
	_, err := ParseTemplate([]string{"./sim {alpah}"}, true, knownNames("alpha"))
	if err == nil || err.Error() != "[job] command: unknown placeholder {alpah}" {
		t.Fatalf("err = %v", err)
	}
}

// TestShellQuoteReachesJobLiterally runs sh for real: every hostile value
// must arrive as exactly one argument, unchanged.
func TestShellQuoteReachesJobLiterally(t *testing.T) {
	for _, v := range []string{"$(touch pwned)", "`id`", "a;b", `"`, "'", "-n", "two words", "x\ny", "", "*", "~", "$HOME"} {
		out, err := exec.Command("sh", "-c", "printf '%s|' "+ShellQuote(v)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSuffix(string(out), "|"); got != v {
			t.Errorf("value %q arrived as %q", v, got)
		}
	}
}

func TestDirect(t *testing.T) {
	tests := []struct {
		script string
		want   []string
	}{
		{"true 1", []string{"true", "1"}},
		{"./sim --alpha=0.1 x", []string{"./sim", "--alpha=0.1", "x"}},
		{"echo 'a b'", nil},
		{"A=1 ./sim", nil},
		{"cd /tmp", nil},
		{"exit 3", nil},
		{"echo a  b", nil},
		{"echo $HOME", nil},
		{"ls *", nil},
		{"a && b", nil},
	}
	for _, tt := range tests {
		got, ok := Direct(tt.script)
		if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
			t.Errorf("Direct(%q) = %q, %v; want %q", tt.script, got, ok, tt.want)
		}
	}
}
