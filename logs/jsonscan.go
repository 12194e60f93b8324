package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// maxDepth bounds nesting like encoding/json does, so that hostile input
// cannot exhaust the stack.
const maxDepth = 10000

var (
	errSyntax   = errors.New("not valid JSON")
	errNotObj   = errors.New("not a JSON object")
	errTooDeep  = errors.New("JSON nested too deeply")
	errTrailing = errors.New("data after the JSON object")
)

// jsonScanner validates JSON and reports the top-level members of an object
// without decoding values it is not asked for; it accepts exactly what
// encoding/json.Valid accepts.
type jsonScanner struct {
	b []byte
	i int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

// objectMembers iterates over the top-level members of one JSON object,
// validating the whole text as it goes: after the last member, err tells
// whether the text was exactly one valid JSON object.
type objectMembers struct {
	s     jsonScanner
	state int // 0 before '{', 1 after a member, 2 done
	err   error
}

func newObjectMembers(b []byte) objectMembers { return objectMembers{s: jsonScanner{b: b}} }

// next returns the next key (unescaped when needed) and raw value, or ok
// false at the end of the object or at the first error.
func (m *objectMembers) next() (key, value []byte, ok bool) {
	s := &m.s
	switch m.state {
	case 0:
		s.skipSpace()
		if s.i == len(s.b) || s.b[s.i] != '{' {
			m.err = errSyntax
			if s.i < len(s.b) && s.value(0) == nil {
				m.err = errNotObj
			}
			m.state = 2
			return nil, nil, false
		}
		s.i++
		s.skipSpace()
		if s.i < len(s.b) && s.b[s.i] == '}' {
			m.finish()
			return nil, nil, false
		}
	case 1:
		s.skipSpace()
		if s.i < len(s.b) && s.b[s.i] == '}' {
			m.finish()
			return nil, nil, false
		}
		if s.i >= len(s.b) || s.b[s.i] != ',' {
			return m.fail(errSyntax)
		}
		s.i++
		s.skipSpace()
	default:
		return nil, nil, false
	}
	m.state = 1
	start := s.i
	if s.i >= len(s.b) || s.b[s.i] != '"' || s.str() != nil {
		return m.fail(errSyntax)
	}
	key = s.b[start+1 : s.i-1]
	if bytes.IndexByte(key, '\\') >= 0 {
		key = []byte(decodeString(s.b[start:s.i]))
	}
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return m.fail(errSyntax)
	}
	s.i++
	s.skipSpace()
	vstart := s.i
	if err := s.value(1); err != nil {
		return m.fail(err)
	}
	return key, s.b[vstart:s.i], true
}

func (m *objectMembers) fail(err error) ([]byte, []byte, bool) {
	m.err, m.state = err, 2
	return nil, nil, false
}

// finish consumes the closing brace and checks that nothing follows.
func (m *objectMembers) finish() {
	m.state = 2
	m.s.i++
	m.s.skipSpace()
	if m.s.i != len(m.s.b) {
		m.err = errTrailing
	}
}

// value skips one JSON value starting at s.i.
func (s *jsonScanner) value(depth int) error {
	if s.i >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{' || c == '[':
		return s.container(depth + 1)
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if end := s.i + len(lit); end <= len(s.b) && string(s.b[s.i:end]) == lit {
				s.i = end
				return nil
			}
		}
		return errSyntax
	}
}

// container skips an object or array.
func (s *jsonScanner) container(depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	closing := byte(']')
	isObj := s.b[s.i] == '{'
	if isObj {
		closing = '}'
	}
	s.i++
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == closing {
		s.i++
		return nil
	}
	for {
		s.skipSpace()
		if isObj {
			if s.i >= len(s.b) || s.b[s.i] != '"' || s.str() != nil {
				return errSyntax
			}
			s.skipSpace()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return errSyntax
			}
			s.i++
			s.skipSpace()
		}
		if err := s.value(depth); err != nil {
			return err
		}
		s.skipSpace()
		if s.i >= len(s.b) {
			return errSyntax
		}
		if s.b[s.i] == closing {
			s.i++
			return nil
		}
		if s.b[s.i] != ',' {
			return errSyntax
		}
		s.i++
	}
}

// plainStringByte marks the bytes a JSON string holds as they are: not the
// quote, the backslash or a control character.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str skips a string starting at the opening quote at s.i.
func (s *jsonScanner) str() error {
	b := s.b
	i := s.i + 1
	for {
		for i < len(b) && plainStringByte[b[i]] {
			i++
		}
		if i >= len(b) || b[i] < 0x20 {
			s.i = i
			return errSyntax
		}
		if b[i] == '"' {
			s.i = i + 1
			return nil
		}
		// A backslash escape.
		i++
		if i >= len(b) {
			s.i = i
			return errSyntax
		}
		switch b[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			if i+4 >= len(b) {
				s.i = i
				return errSyntax
			}
			for _, h := range b[i+1 : i+5] {
				if !isHex(h) {
					s.i = i
					return errSyntax
				}
			}
			i += 5
		default:
			s.i = i
			return errSyntax
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number skips a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) number() error {
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.digits() == 0:
		return errSyntax
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return errSyntax
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return errSyntax
		}
	}
	return nil
}

func (s *jsonScanner) digits() int {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}

// decodeString returns the value of a JSON string token (quotes included),
// with invalid UTF-8 replaced by U+FFFD as encoding/json does.
func decodeString(tok []byte) string {
	inner := tok[1 : len(tok)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	if json.Unmarshal(tok, &s) != nil {
		return string(bytes.ToValidUTF8(inner, []byte("\uFFFD")))
	}
	return s
}
