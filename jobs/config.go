package jobs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/machines"
	"github.com/jobsplit/jobsplit/split"
)

// Config is jobsplit.toml.
type Config struct {
	// Path is the absolute path the config was read from.
	Path string `toml:"-"`
	// Name is the config's path as the user gave it: messages name files
	// the way the user typed them.
	Name string `toml:"-"`
	// Dir is the config's directory; relative paths in it start there.
	Dir string `toml:"-"`

	Strategy string         `toml:"strategy"`
	Job      JobConfig      `toml:"job"`
	Pool     PoolConfig     `toml:"pool"`
	Machines MachineConfig  `toml:"machines"`
	Results  ResultConfig   `toml:"results"`
	Logs     LogConfig      `toml:"logs"`
	Balance  BalanceConfig  `toml:"balance"`
	Params   map[string]any `toml:"params"`

	// commandLine is the line of [job] command, for later messages.
	commandLine int
	// needs are [job] cores, gpus, resources and priority as read, with
	// their lines; nil when the config sets none of them.
	needs []needSpec
}

// JobConfig is the [job] table: what each job runs.
type JobConfig struct {
	// Command is a string run by sh -c, or an array of arguments run
	// without a shell.
	Command   any      `toml:"command"`
	Timeout   Duration `toml:"timeout"`
	Retries   int      `toml:"retries"`
	KillGrace Duration `toml:"kill_grace"`
	Memory    Size     `toml:"memory"`
	// Cores, GPUs, Resources and Priority are each a number, or a
	// placeholder "{column}" that takes it from the pool per job.
	Cores     any            `toml:"cores"`
	GPUs      any            `toml:"gpus"`
	Resources map[string]any `toml:"resources"`
	Priority  any            `toml:"priority"`
}

// PoolConfig is the [pool] table: where the jobs come from.
type PoolConfig struct {
	File   string         `toml:"file"`
	Format string         `toml:"format"`
	Grid   map[string]any `toml:"grid"`
}

// MachineConfig is the [machines] table.
type MachineConfig struct {
	File string `toml:"file"`
}

// ResultConfig is the [results] table.
type ResultConfig struct {
	Dir     string   `toml:"dir"`
	Columns []string `toml:"columns"`
}

// LogConfig is the [logs] table.
type LogConfig struct {
	Dir    string `toml:"dir"`
	PerJob bool   `toml:"per_job"`
}

// BalanceConfig is the [balance] table: a folder the hosts share, where
// they steal work from each other and take over dead hosts' work. It is
// not part of the digest: the plan is the same with or without it.
type BalanceConfig struct {
	Dir string `toml:"dir"`
	// Lease is how long a host's heartbeat may stand still before the
	// others presume it dead (default 60s).
	Lease Duration `toml:"lease"`
}

// Duration is a Go-style duration in the config ("90s", "2h").
type Duration struct{ time.Duration }

// UnmarshalText reads a duration such as "90s" or "2h30m".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil || v < 0 {
		return fmt.Errorf("bad duration %q: want a value such as 90s, 15m or 2h", text)
	}
	d.Duration = v
	return nil
}

// Size is a byte size in the config ("64MiB", "1.5GB").
type Size struct{ Bytes int64 }

// UnmarshalText reads a size such as "2GiB".
func (s *Size) UnmarshalText(text []byte) error {
	v, err := machines.ParseSize(string(text))
	if err != nil {
		return err
	}
	s.Bytes = v
	return nil
}

// ConfigError is a problem in jobsplit.toml, with the line when known.
type ConfigError struct {
	File    string
	Line    int
	Problem string

	cause error
}

// Unwrap returns the error behind the problem, if any.
func (e *ConfigError) Unwrap() error { return e.cause }

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Problem)
}

// LoadConfig reads and checks jobsplit.toml.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &MissingConfigError{Path: path, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(data, path)
}

// MissingConfigError is a config file that does not exist.
type MissingConfigError struct {
	Path string
	Err  error
}

func (e *MissingConfigError) Error() string { return "read config: " + e.Err.Error() }
func (e *MissingConfigError) Unwrap() error { return e.Err }

// ParseConfig reads jobsplit.toml content; path names it in errors and
// anchors its relative paths.
func ParseConfig(data []byte, path string) (*Config, error) {
	fail := func(line int, format string, args ...any) error {
		return &ConfigError{File: path, Line: line, Problem: fmt.Sprintf(format, args...)}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fail(1+bytes.Count(data[:pool.FirstInvalid(string(data))], []byte("\n")), "not valid UTF-8")
	}
	text := string(data)
	cfg := &Config{Path: abs, Dir: filepath.Dir(abs), Name: path}
	md, err := toml.Decode(text, cfg)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, fail(perr.Position.Line, "%s", parseProblem(perr))
		}
		if line, problem, ok := typeError(err); ok {
			return nil, fail(line, "%s", problem)
		}
		return nil, fail(0, "%s", strings.TrimPrefix(err.Error(), "toml: "))
	}
	// BurntSushi/toml silently skips a non-table where a map is wanted, and
	// takes a table where any value will do as keys nobody decoded.
	for _, want := range []struct {
		key   toml.Key
		types []string
		what  string
	}{
		{toml.Key{"params"}, []string{"Hash"}, "a table"},
		{toml.Key{"pool", "grid"}, []string{"Hash"}, "a table"},
		{toml.Key{"job", "command"}, []string{"String", "Array"}, "a string or an array of strings"},
		{toml.Key{"job", "resources"}, []string{"Hash"}, "a table such as {license = 1}"},
		{toml.Key{"job", "cores"}, []string{"Integer", "Float", "String"}, needWant},
		{toml.Key{"job", "gpus"}, []string{"Integer", "Float", "String"}, needWant},
		{toml.Key{"job", "priority"}, []string{"Integer", "Float", "String"}, needWant},
	} {
		if typ := md.Type(want.key...); typ != "" && !slices.Contains(want.types, typ) {
			return nil, fail(keyLine(text, want.key), "%s must be %s, not %s", want.key, want.what, tomlTypeNames[typ])
		}
	}
	cfg.commandLine = keyLine(text, toml.Key{"job", "command"})
	for _, key := range md.Undecoded() {
		if !isFreeForm(key) {
			return nil, fail(keyLine(text, key), "unknown key %q", key.String())
		}
	}
	if err := cfg.check(); err != nil {
		var kerr *keyError
		if errors.As(err, &kerr) {
			return nil, fail(keyLine(text, kerr.key), "%s", err)
		}
		return nil, fail(0, "%s", err)
	}
	if cfg.needs, err = cfg.readNeeds(text); err != nil {
		return nil, err
	}
	return cfg, nil
}

// keyError is a problem with the value of one key, whose line the config
// error then names.
type keyError struct {
	key toml.Key
	err error
}

func (e *keyError) Error() string { return e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }

func atKey(err error, key ...string) error {
	if err == nil {
		return nil
	}
	return &keyError{key: key, err: err}
}

// parseProblem is a TOML syntax error's message in jobsplit's style: the
// library's sentences become lowercase phrases without a final period, and
// a value that one of our types refused names its key.
func parseProblem(perr toml.ParseError) string {
	msg := perr.Message
	for _, r := range tomlRewrites {
		if r.pattern.MatchString(msg) {
			msg = r.pattern.ReplaceAllString(msg, r.format)
			if r.value && perr.LastKey != "" {
				msg = perr.LastKey + ": " + msg
			}
			return msg
		}
	}
	msg = strings.TrimSuffix(msg, ".")
	if len(msg) > 1 && msg[0] >= 'A' && msg[0] <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z' {
		msg = strings.ToLower(msg[:1]) + msg[1:]
	}
	// Our own Duration and Size refuse values without knowing their key.
	if perr.LastKey != "" && (strings.HasPrefix(msg, "bad duration ") || strings.HasPrefix(msg, "bad size ")) {
		msg = perr.LastKey + ": " + msg
	}
	return msg
}

// tomlRewrites are BurntSushi/toml messages that read better rewritten.
// value marks the messages about a value, which then name its key.
var tomlRewrites = []struct {
	pattern *regexp.Regexp
	format  string
	value   bool
}{
	{regexp.MustCompile(`^Key '(.*)' has already been defined\.$`), "$1 is defined twice", false},
	{regexp.MustCompile(`^Key '(.*)' was already created as a hash\.$`), "$1 is already a table", false},
	{regexp.MustCompile(`^Key '(.*)' was already created and cannot be used as an array\.$`), "$1 is already defined: it cannot also be an array of tables", false},
	{regexp.MustCompile(`^(.*) is out of range for u?int(?:8|16|32|64)?$`), "$1 is out of the range of an integer", true},
	{regexp.MustCompile(`^(.*) is out of the safe float(?:32|64) range$`), "$1 is out of the range of a float", true},
	{regexp.MustCompile(`^files cannot contain NULL bytes.*$`), "not a text file: it holds NUL bytes", false},
}

// isFreeForm reports whether key lies inside a table whose keys are the
// user's own: [params] and [pool.grid].
func isFreeForm(key toml.Key) bool {
	return len(key) > 0 && key[0] == "params" ||
		len(key) > 1 && key[0] == "pool" && key[1] == "grid"
}

func (c *Config) check() error {
	if c.Job.Command == nil {
		return errors.New("[job] command is missing: add command = \"./sim {alpha}\" or an array of arguments")
	}
	if _, _, err := c.CommandArgs(); err != nil {
		return atKey(err, "job", "command")
	}
	if c.Job.Retries < 0 || c.Job.Retries > 1000 {
		return atKey(fmt.Errorf("[job] retries must be from 0 to 1000, got %d", c.Job.Retries), "job", "retries")
	}
	if _, err := split.ParseStrategy(c.Strategy); err != nil {
		return atKey(err, "strategy")
	}
	hasFile, hasGrid := c.Pool.File != "", len(c.Pool.Grid) > 0
	switch {
	case hasFile && hasGrid:
		return atKey(errors.New("[pool] has both file and grid: keep one"), "pool", "file")
	case !hasFile && !hasGrid:
		return errors.New("[pool] needs file = \"jobs.csv\" or a [pool.grid] table")
	}
	switch c.Pool.Format {
	case "", "csv", "lines":
	default:
		return atKey(fmt.Errorf("[pool] format must be \"csv\" or \"lines\", got %q", c.Pool.Format), "pool", "format")
	}
	for _, col := range c.Results.Columns {
		if col == "" {
			return atKey(errors.New("[results] columns has an empty name"), "results", "columns")
		}
	}
	return nil
}

// CommandArgs returns the command as an argument list and whether it is a
// shell string (one element, run by sh -c).
func (c *Config) CommandArgs() (args []string, shell bool, err error) {
	switch v := c.Job.Command.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, false, errors.New("[job] command is empty")
		}
		return []string{v}, true, nil
	case []any:
		if len(v) == 0 {
			return nil, false, errors.New("[job] command is an empty array")
		}
		for _, a := range v {
			s, ok := a.(string)
			if !ok {
				return nil, false, fmt.Errorf("[job] command array must hold only strings, not %s", pool.KindOf(a))
			}
			args = append(args, s)
		}
		return args, false, nil
	}
	return nil, false, fmt.Errorf("[job] command must be a string or an array of strings, not %s", pool.KindOf(c.Job.Command))
}

// Input resolves a file the config names for reading now: relative to the
// config's directory, but written the way the user named the config, so
// that messages show a relative path where the user typed one.
func (c *Config) Input(path, def string) string {
	if path == "" {
		path = def
	}
	if c.Name == "" || filepath.IsAbs(path) {
		return c.Resolve(path, def)
	}
	return filepath.Join(filepath.Dir(c.Name), path)
}

// Resolve makes a config-relative path absolute, or returns def resolved
// when path is empty.
func (c *Config) Resolve(path, def string) string {
	if path == "" {
		path = def
	}
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(c.Dir, path)
}

// keyLine finds the line on which a dotted key is set, or 0.
func keyLine(text string, key toml.Key) int {
	table := ""
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			header, _, _ := strings.Cut(line, "#")
			table = strings.Trim(header, "[] ")
			if table == strings.Join(key, ".") {
				return i + 1
			}
			continue
		}
		name, _, found := strings.Cut(line, "=")
		if !found {
			continue
		}
		full := strings.Trim(strings.TrimSpace(name), `"`)
		if table != "" {
			full = table + "." + full
		}
		if full == key.String() {
			return i + 1
		}
	}
	return 0
}

// tomlTypeError matches BurntSushi/toml's type errors, which carry the line
// and the key only in their text.
var tomlTypeError = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "(.*)"\): (?:incompatible types: TOML value has type (.+); destination has type (.+)|type mismatch for .+: expected (table) but found (.+))$`)

// tomlTypeNames are the type names in those errors, as a user knows them.
var tomlTypeNames = map[string]string{
	"string": "a string", "int64": "an integer", "integer": "an integer",
	"float64": "a float", "float": "a float", "bool": "a boolean", "boolean": "a boolean",
	"[]any": "an array", "slice": "an array", "map[string]any": "a table", "map": "a table",
	"table": "a table", "[]map[string]any": "an array of tables", "time.Time": "a date",
	"primitive (string-like)": "a string",
	// MetaData.Type's names.
	"Integer": "an integer", "Float": "a float", "Datetime": "a date", "String": "a string",
	"Bool": "a boolean", "Array": "an array", "ArrayHash": "an array of tables", "Hash": "a table",
}

// typeError turns a TOML type error into its line and one plain sentence:
// "results.columns must be an array, not a string".
func typeError(err error) (line int, problem string, ok bool) {
	m := tomlTypeError.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, "", false
	}
	line, _ = strconv.Atoi(m[1])
	want, got := m[4]+m[5], m[3]+m[6]
	name := func(t string) string {
		if n, ok := tomlTypeNames[t]; ok {
			return n
		}
		return t
	}
	return line, fmt.Sprintf("%s must be %s, not %s", m[2], name(want), name(got)), true
}
