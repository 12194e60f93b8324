package jobs

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/jobs/resources"
)

// minimalConfig is the smallest valid config; tests append to it.
const minimalConfig = "[job]\ncommand = \"echo {x}\"\n[pool]\nfile = \"jobs.csv\"\n"

func TestParseConfig(t *testing.T) {
	in := `# a comment
strategy = "cost"

[job]
command = ["./sim", "{alpha}"]
timeout = "1m30s"
retries = 2
kill_grace = "5s"
memory = "1.5GiB"

[pool]
file = "jobs.txt"
format = "lines"

[machines]
file = "hosts.json"

[results]
dir = "out"
columns = ["score", "steps"]

[logs]
dir = "log"
per_job = true

[params]
model = "toy"
depth = 3
rate = 0.5
nested = {a = 1, b = [true, false]}
`
	cfg, err := ParseConfig([]byte(in), "/sweep/jobsplit.toml")
	if err != nil {
		t.Fatal(err)
	}
	args, shell, err := cfg.CommandArgs()
	if err != nil || shell || !slices.Equal(args, []string{"./sim", "{alpha}"}) {
		t.Errorf("CommandArgs = %q, %v, %v", args, shell, err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"strategy", cfg.Strategy, "cost"},
		{"timeout", cfg.Job.Timeout.Duration, 90 * time.Second},
		{"retries", cfg.Job.Retries, 2},
		{"kill_grace", cfg.Job.KillGrace.Duration, 5 * time.Second},
		{"memory", cfg.Job.Memory.Bytes, int64(1.5 * (1 << 30))},
		{"pool file", cfg.Pool.File, "jobs.txt"},
		{"pool format", cfg.Pool.Format, "lines"},
		{"machines file", cfg.Machines.File, "hosts.json"},
		{"results dir", cfg.Results.Dir, "out"},
		{"results columns", strings.Join(cfg.Results.Columns, ","), "score,steps"},
		{"logs dir", cfg.Logs.Dir, "log"},
		{"per job", cfg.Logs.PerJob, true},
		{"dir", cfg.Dir, "/sweep"},
		{"resolve relative", cfg.Resolve(cfg.Machines.File, "machines.json"), "/sweep/hosts.json"},
		{"resolve default", cfg.Resolve("", "machines.json"), "/sweep/machines.json"},
		{"resolve absolute", cfg.Resolve("/etc/m.json", "machines.json"), "/etc/m.json"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	params, err := cfg.ParamList()
	if err != nil {
		t.Fatal(err)
	}
	want := []Param{{"depth", "3"}, {"model", "toy"}, {"nested", `{"a":1,"b":[true,false]}`}, {"rate", "0.5"}}
	if !slices.Equal(params, want) {
		t.Errorf("ParamList = %v, want %v", params, want)
	}
}

func TestParseConfigShellCommand(t *testing.T) {
	cfg, err := ParseConfig([]byte("\xef\xbb\xbf"+minimalConfig), "jobsplit.toml")
	if err != nil {
		t.Fatal(err)
	}
	args, shell, err := cfg.CommandArgs()
	if err != nil || !shell || !slices.Equal(args, []string{"echo {x}"}) {
		t.Errorf("CommandArgs = %q, %v, %v; want the string run by sh -c", args, shell, err)
	}
}

// TestParseConfigErrors asserts each message exactly: the user reads them.
func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"unknown key", "[job]\ncommand = \"x\"\n\n# timeout\n[pool]\nfile = \"j.csv\"\n[job]\n", `jobsplit.toml:7: job is defined twice`},
		{"misspelled key", "[job]\ncommand = \"echo\"\n[pool]\nfile = \"j.csv\"\n\n[job.x]\n", `jobsplit.toml:6: unknown key "job.x"`},
		{"misspelled key line 7", "strategy = \"proportional\"\n\n[pool]\nfile = \"j.csv\"\n\n[job]\ntimout = \"1m\"\ncommand = \"x\"\n", `jobsplit.toml:7: unknown key "job.timout"`},
		{"unknown key after params table", minimalConfig + "[params]\nx = {a = 1}\n[logs]\ndri = \"x\"\n", `jobsplit.toml:8: unknown key "logs.dri"`},
		{"unknown key after a grid range", "[job]\ncommand = \"x\"\n[pool.grid]\nn = {from = 1, to = 3}\n[results]\ncolums = [\"a\"]\n", `jobsplit.toml:6: unknown key "results.colums"`},
		{"unknown key with CRLF", "[job]\r\ncommand = \"x\"\r\ntimout = 1\r\n", `jobsplit.toml:3: unknown key "job.timout"`},
		{"unknown key under a commented header", "[job] # what runs\ncommand = \"x\"\ntimout = 1\n", `jobsplit.toml:3: unknown key "job.timout"`},
		{"unknown key dotted", "job.command = \"x\"\njob.timout = 1\n", `jobsplit.toml:2: unknown key "job.timout"`},
		{"unknown key quoted", "[job]\n\"timout\" = 1\ncommand = \"x\"\n", `jobsplit.toml:2: unknown key "job.timout"`},
		{"unknown key in an inline table", "job = {command = \"x\", timout = 1}\n", `jobsplit.toml: unknown key "job.timout"`},
		{"unknown table", minimalConfig + "[extra]\na = 1\n", `jobsplit.toml:5: unknown key "extra"`},
		{"unknown array of tables", minimalConfig + "[[extra]]\na = 1\n", `jobsplit.toml:5: unknown key "extra"`},
		{"top-level key inside a table", minimalConfig + "strategy = \"cost\"\n", `jobsplit.toml:5: unknown key "pool.strategy"`},
		{"missing command", "[job]\ntimeout = \"1m\"\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml: [job] command is missing: add command = "./sim {alpha}" or an array of arguments`},
		{"no job table", "[pool]\nfile = \"j.csv\"\n", `jobsplit.toml: [job] command is missing: add command = "./sim {alpha}" or an array of arguments`},
		{"empty command", "[job]\ncommand = \"  \"\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:2: [job] command is empty`},
		{"empty command array", "[job]\ncommand = []\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:2: [job] command is an empty array`},
		{"command array of numbers", "[job]\ncommand = [\"x\", 2]\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:2: [job] command array must hold only strings, not an integer`},
		{"command number", "[job]\ncommand = 5\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:2: job.command must be a string or an array of strings, not an integer`},
		{"command table", "[job]\ncommand = {a = 1}\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:2: job.command must be a string or an array of strings, not a table`},
		{"both file and grid", minimalConfig + "[pool.grid]\nx = [1, 2]\n", `jobsplit.toml:4: [pool] has both file and grid: keep one`},
		{"no pool", "[job]\ncommand = \"x\"\n", `jobsplit.toml: [pool] needs file = "jobs.csv" or a [pool.grid] table`},
		{"empty grid", "[job]\ncommand = \"x\"\n[pool.grid]\n", `jobsplit.toml: [pool] needs file = "jobs.csv" or a [pool.grid] table`},
		{"bad format", minimalConfig + "format = \"tsv\"\n", `jobsplit.toml:5: [pool] format must be "csv" or "lines", got "tsv"`},
		{"bad strategy", "strategy = \"fastest\"\n" + minimalConfig, `jobsplit.toml:1: unknown strategy "fastest": want "proportional" or "cost"`},
		{"empty result column", minimalConfig + "[results]\ncolumns = [\"a\", \"\"]\n", `jobsplit.toml:6: [results] columns has an empty name`},
		{"negative retries", "[job]\ncommand = \"x\"\nretries = -1\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: [job] retries must be from 0 to 1000, got -1`},
		{"too many retries", "[job]\ncommand = \"x\"\nretries = 1001\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: [job] retries must be from 0 to 1000, got 1001`},
		{"retries past int64", "[job]\ncommand = \"x\"\nretries = 99999999999999999999\n", `jobsplit.toml:3: job.retries: 99999999999999999999 is out of the range of an integer`},
		{"bad duration", "[job]\ncommand = \"x\"\ntimeout = \"90x\"\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: job.timeout: bad duration "90x": want a value such as 90s, 15m or 2h`},
		{"negative duration", "[job]\ncommand = \"x\"\nkill_grace = \"-1s\"\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: job.kill_grace: bad duration "-1s": want a value such as 90s, 15m or 2h`},
		{"duration without unit", "[job]\ncommand = \"x\"\ntimeout = 90\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: job.timeout: bad duration "90": want a value such as 90s, 15m or 2h`},
		{"bad size", "[job]\ncommand = \"x\"\nmemory = \"lots\"\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: job.memory: bad size "lots": want a number with an optional unit such as 512MiB or 1.5GB`},
		{"negative size", "[job]\ncommand = \"x\"\nmemory = \"-1GB\"\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: job.memory: bad size "-1GB": want a number with an optional unit such as 512MiB or 1.5GB`},
		{"empty size", "[job]\ncommand = \"x\"\nmemory = \"\"\n[pool]\nfile = \"j.csv\"\n", `jobsplit.toml:3: job.memory: bad size "": want a number with an optional unit such as 512MiB or 1.5GB`},
		{"duration array", "[job]\ncommand = \"x\"\ntimeout = [\"1s\"]\n", `jobsplit.toml:3: job.timeout must be a string, not an array`},
		{"string for integer", "[job]\ncommand = \"x\"\nretries = \"2\"\n", `jobsplit.toml:3: job.retries must be an integer, not a string`},
		{"float for integer", "[job]\ncommand = \"x\"\nretries = 1.5\n", `jobsplit.toml:3: job.retries must be an integer, not a float`},
		{"string for array", minimalConfig + "[results]\ncolumns = \"a\"\n", `jobsplit.toml:6: results.columns must be an array, not a string`},
		{"integer for string", minimalConfig + "[machines]\nfile = 5\n", `jobsplit.toml:6: machines.file must be a string, not an integer`},
		{"string for boolean", minimalConfig + "[logs]\nper_job = \"yes\"\n", `jobsplit.toml:6: logs.per_job must be a boolean, not a string`},
		{"integer for table", "job = 5\n", `jobsplit.toml:1: job must be a table, not an integer`},
		{"array of tables for table", "[[job]]\ncommand = \"x\"\n", `jobsplit.toml:1: job must be a table, not an array of tables`},
		{"grid not a table", "[job]\ncommand = \"x\"\n[pool]\ngrid = [1, 2]\n", `jobsplit.toml:4: pool.grid must be a table, not an array`},
		{"params not a table", "params = 1\n" + minimalConfig, `jobsplit.toml:1: params must be a table, not an integer`},
		{"duplicate key", "[job]\ncommand = \"x\"\ncommand = \"y\"\n", `jobsplit.toml:3: job.command is defined twice`},
		{"table then array of tables", minimalConfig + "[[job]]\n", `jobsplit.toml:5: job is already defined: it cannot also be an array of tables`},
		{"invalid integer", "[job]\ncommand = \"x\"\nretries = 01\n", `jobsplit.toml:3: invalid integer "01": cannot have leading zeroes`},
		{"unclosed table", "[job\ncommand = \"x\"\n", `jobsplit.toml:2: expected '.' or ']' to end table name, but got '\n' instead`},
		{"unclosed string", "[job]\ncommand = \"x\n", `jobsplit.toml:2: strings cannot contain newlines`},
		{"invalid UTF-8", "\xff" + minimalConfig, `jobsplit.toml:1: not valid UTF-8`},
		{"invalid UTF-8 on line 3", "[job]\n\n\xfe", `jobsplit.toml:3: not valid UTF-8`},
		{"binary", "\x00\x01\x02\x03", `jobsplit.toml:1: not a text file: it holds NUL bytes`},
		{"control character", "[job]\ncommand = \"x\"\x01\n", `jobsplit.toml:2: TOML files cannot contain control characters: '0x01'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(tt.in), "jobsplit.toml")
			if err == nil {
				t.Fatalf("no error, got %+v", cfg)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			var cerr *ConfigError
			if !errors.As(err, &cerr) {
				t.Errorf("error %T is not a *ConfigError", err)
			}
		})
	}
}

func TestParamListErrors(t *testing.T) {
	tests := []struct {
		name   string
		params string
		want   string
	}{
		{"reserved name", "seed = 1", `[params] key "seed" is reserved by jobsplit: rename it`},
		{"name with a space", "\"a b\" = 1", `[params] key "a b": names may hold only ASCII letters, digits, '_', '-' and '.'`},
		{"NaN", "x = nan", `[params] x: nan is not a finite number`},
		{"infinity", "x = inf", `[params] x: inf is not a finite number`},
		{"minus infinity", "x = -inf", `[params] x: -inf is not a finite number`},
		{"NaN in a table", "x = {y = nan}", `[params] x: nan inside a table is not a finite number`},
		{"infinity in an array", "x = [1, [2, -inf]]", `[params] x: -inf inside an array is not a finite number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(minimalConfig+"[params]\n"+tt.params+"\n"), "jobsplit.toml")
			if err != nil {
				t.Fatal(err)
			}
			_, err = cfg.ParamList()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error:\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestLoadConfigMissing(t *testing.T) {
	_, err := LoadConfig("testdata/none/jobsplit.toml")
	if err == nil || err.Error() != "read config: open testdata/none/jobsplit.toml: no such file or directory" {
		t.Errorf("error %v", err)
	}
}

// FuzzParseConfig checks that no jobsplit.toml panics the config reader,
// and that every error is one line.
func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		minimalConfig,
		minimalConfig + "[params]\nx = {a = [1, 2.5, \"s\", 2024-01-01]}\n[results]\ncolumns = [\"a\"]\n",
		"strategy = \"cost\"\n[job]\ncommand = [\"a\", \"{x}\"]\ntimeout = \"1m\"\nmemory = \"2GiB\"\n[pool.grid]\nx = {from = 1, to = 9, step = 2}\n",
		"job.command = 5\n[[pool]]\n",
		"[job] # c\n\"timout\" = 1\n",
		"[job]\ncommand = \"t\"\ncores = \"{c}\"\ngpus = 0.5\nresources = {license = 1, \"a b\" = \"{x}\"}\npriority = -3\n[pool]\nfile = \"j.csv\"\n",
		"[job]\ncommand = \"t\"\ngpus = 1.5\n[job.resources]\nlicense = [1]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data, "jobsplit.toml")
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(err.Error(), "'\\n'") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if _, _, err := cfg.CommandArgs(); err != nil {
			t.Fatalf("accepted a config whose command is bad: %v", err)
		}
		_, _ = cfg.ParamList()
		for _, spec := range cfg.needs {
			if spec.column == "" && spec.kind == needGPUs && (spec.fixed < 0 || spec.fixed > resources.GPUUnit && spec.fixed%resources.GPUUnit != 0) {
				t.Fatalf("accepted a GPU need of %d units", spec.fixed)
			}
			if spec.column == "" && spec.kind == needCores && spec.fixed < 1 {
				t.Fatalf("accepted %d cores", spec.fixed)
			}
		}
	})
}
