package jobs

import (
	"fmt"
	"strings"
)

// Template is a job command with {name} placeholders. In a shell string
// every substituted value is shell-quoted; in an argument array values are
// substituted into arguments with no shell at all. "{{" and "}}" are literal
// braces, and "${" is left to the shell, as is any brace pair that does not
// enclose a placeholder name.
type Template struct {
	shell bool
	args  [][]piece
}

// piece is literal text or a placeholder.
type piece struct {
	text        string
	placeholder bool
}

// PlaceholderError is a placeholder the command uses but no column,
// parameter or built-in value fills.
type PlaceholderError struct {
	Name string
	// Known are the placeholders that exist, when the caller knows them.
	Known []string
}

func (e *PlaceholderError) Error() string {
	return fmt.Sprintf("[job] command: unknown placeholder {%s}", e.Name)
}

// Lookup gives a placeholder's value for one job.
type Lookup func(name string) (string, bool)

// ParseTemplate reads the command. known reports which placeholder names
// exist; an unknown one is an error before anything runs.
func ParseTemplate(args []string, shell bool, known func(string) bool) (*Template, error) {
	t := &Template{shell: shell}
	for _, arg := range args {
		pieces, err := parsePieces(arg, known)
		if err != nil {
			return nil, err
		}
		t.args = append(t.args, pieces)
	}
	return t, nil
}

func parsePieces(s string, known func(string) bool) ([]piece, error) {
	var pieces []piece
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			lit.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			lit.WriteByte('}')
			i++
		case c == '{' && (i == 0 || s[i-1] != '$'):
			end := strings.IndexByte(s[i+1:], '}')
			if end < 0 || !isPlaceholderName(s[i+1:i+1+end]) {
				lit.WriteByte(c)
				continue
			}
			name := s[i+1 : i+1+end]
			if !known(name) {
				return nil, &PlaceholderError{Name: name}
			}
			if lit.Len() > 0 {
				pieces = append(pieces, piece{text: lit.String()})
				lit.Reset()
			}
			pieces = append(pieces, piece{text: name, placeholder: true})
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 || len(pieces) == 0 {
		pieces = append(pieces, piece{text: lit.String()})
	}
	return pieces, nil
}

func isPlaceholderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Shell reports whether the command runs under sh -c.
func (t *Template) Shell() bool { return t.shell }

// Expand returns the argument list for one job: for a shell command, the
// one script string with every value quoted.
func (t *Template) Expand(lookup Lookup) []string {
	out := make([]string, len(t.args))
	var b strings.Builder
	for i, pieces := range t.args {
		b.Reset()
		for _, p := range pieces {
			if !p.placeholder {
				b.WriteString(p.text)
				continue
			}
			v, _ := lookup(p.text)
			if t.shell {
				v = ShellQuote(v)
			}
			b.WriteString(v)
		}
		out[i] = b.String()
	}
	return out
}

// ShellQuote quotes s for a POSIX shell: plain words stay as they are,
// anything else is wrapped in single quotes.
func ShellQuote(s string) string {
	if s != "" && isPlainWord(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isPlainWord reports whether s means the same to sh whether quoted or not.
func isPlainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_./=:,+@%", c) >= 0) {
			return false
		}
	}
	return true
}

// shellBuiltins are words that mean something else to sh than to exec.
var shellBuiltins = map[string]bool{
	".": true, "alias": true, "break": true, "cd": true, "command": true, "continue": true,
	"eval": true, "exec": true, "exit": true, "export": true, "getopts": true, "hash": true,
	"local": true, "read": true, "readonly": true, "return": true, "set": true, "shift": true,
	"source": true, "times": true, "trap": true, "type": true, "ulimit": true, "umask": true,
	"unalias": true, "unset": true, "wait": true,
}

// Direct returns the arguments of a shell script that needs no shell: plain
// words separated by single spaces, not starting with a builtin or a
// variable assignment, run exactly the same when executed directly, and a
// fork of sh is saved per job.
func Direct(script string) ([]string, bool) {
	words := strings.Split(script, " ")
	if shellBuiltins[words[0]] || strings.Contains(words[0], "=") {
		return nil, false
	}
	for _, w := range words {
		if w == "" || !isPlainWord(w) {
			return nil, false
		}
	}
	return words, true
}
