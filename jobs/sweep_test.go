package jobs

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// describeSweep writes what a sweep plans, as the golden files hold it.
func describeSweep(s *Sweep) string {
	var b strings.Builder
	p := s.Plan
	fmt.Fprintf(&b, "digest %s\nseed key %s\nstrategy %s\njobs %d\ncolumns %s\n",
		p.Digest, s.SeedKey, p.Strategy, p.Total, strings.Join(s.Pool.Columns, " "))
	fmt.Fprintf(&b, "command %q shell %v\n", s.Command, s.Shell)
	for _, param := range s.Params {
		fmt.Fprintf(&b, "param %s = %q\n", param.Name, param.Value)
	}
	for i, share := range p.Shares {
		m := s.Machines[i]
		fmt.Fprintf(&b, "machine %s perf %s cores %d weight %s jobs %d", m.Name, m.Perf.RatString(), m.Cores, share.Weight.RatString(), len(share.Jobs))
		if p.Strategy == "cost" {
			fmt.Fprintf(&b, " finish %s", strconv.FormatFloat(share.Finish, 'g', -1, 64))
		}
		b.WriteString(":")
		for _, j := range share.Jobs {
			b.WriteString(" " + s.Pool.Job(int(j)).ID)
		}
		b.WriteString("\n")
	}
	if p.Strategy == "cost" {
		fmt.Fprintf(&b, "ideal %s makespan %s\n", strconv.FormatFloat(p.Ideal, 'g', -1, 64), strconv.FormatFloat(p.Makespan(), 'g', -1, 64))
		for i, c := range s.Costs {
			fmt.Fprintf(&b, "cost %s %s\n", s.Pool.Job(i).ID, strconv.FormatFloat(c, 'g', -1, 64))
		}
	}
	if p.Classes > 0 {
		describeClasses(&b, s)
	}
	for i := range min(3, s.Pool.Len()) {
		j := s.Pool.Job(i)
		fmt.Fprintf(&b, "job %s %q seed %d\n", j.ID, j.Values, s.Seed(j.ID))
	}
	return b.String()
}

// describeClasses writes a planned sweep's classes, each machine's jobs per
// class and each job's needs and priority.
func describeClasses(b *strings.Builder, s *Sweep) {
	for c, class := range s.Classes {
		fmt.Fprintf(b, "class %d %s machines %v\n", c, class.Label(), class.Machines)
	}
	for _, share := range s.Plan.Shares {
		fmt.Fprintf(b, "machine %s per class %v\n", share.Machine, share.PerClass)
	}
	for i := range s.Pool.Len() {
		n, p := s.JobNeeds(i)
		fmt.Fprintf(b, "needs %s %s priority %d\n", s.Pool.ID(i), n, p)
	}
}

// TestGoldenSweep loads every sweep under testdata/sweep (jobsplit.toml,
// machines and pool; costs.csv when present) and compares the whole plan
// with testdata/sweep/NAME.golden. Regenerate with
// go test ./jobs -run Golden -update.
func TestGoldenSweep(t *testing.T) {
	dirs, err := filepath.Glob("testdata/sweep/*/jobsplit.toml")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no sweeps in testdata/sweep: %v", err)
	}
	for _, config := range dirs {
		dir := filepath.Dir(config)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			opts := Options{Config: config}
			if _, err := os.Stat(filepath.Join(dir, "costs.csv")); err == nil {
				opts.Costs = filepath.Join(dir, "costs.csv")
			}
			s, err := Load(opts)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, dir+".golden", []byte(describeSweep(s)))
		})
	}
}

// sweepSpec is a sweep drawn by the property tests, rendered into files in
// many equivalent ways.
type sweepSpec struct {
	columns  []string
	hasID    bool
	ids      []string
	rows     [][]string
	command  string
	params   [][2]string // name, TOML value
	machines []machineSpec
}

type machineSpec struct {
	name  string
	perf  string
	cores int
}

// rendering is one way of writing a sweepSpec: none of it may matter.
type rendering struct {
	rowOrder    []int
	columnOrder []int // positions into the file's columns (id included)
	crlf        bool
	bom         bool
	noFinalEOL  bool
	tableOrder  []int
	keyOrder    [][]int
	dotted      bool
	objectForm  bool
	resultsDir  string
	logsDir     string
}

var specValueGen = rapid.OneOf(
	rapid.StringMatching(`[a-z0-9.]{1,4}`),
	rapid.SampledFrom([]string{"1", "1.0", "0.1", " 1", "a,b", `say "hi"`, "two\nlines", "ä", "{x}", "-", "'"}),
)

func drawSpec(t *rapid.T) sweepSpec {
	s := sweepSpec{hasID: rapid.Bool().Draw(t, "hasID")}
	s.columns = rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"alpha", "beta", "n", "model", "x.y", "a-b", "Z"}), 1, 4, rapid.ID[string]).Draw(t, "columns")
	n := rapid.IntRange(1, 25).Draw(t, "rows")
	seen := map[string]bool{}
	for range n {
		row := make([]string, len(s.columns))
		for k := range row {
			row[k] = specValueGen.Draw(t, "value")
		}
		key := strings.Join(row, "\x00")
		if !s.hasID && seen[key] {
			continue
		}
		seen[key] = true
		s.rows = append(s.rows, row)
	}
	if s.hasID {
		s.ids = rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z0-9_-]{1,6}`), len(s.rows), len(s.rows), rapid.ID[string]).Draw(t, "ids")
	}
	// Only a sweep that can run: its placeholders are columns, and no
	// [params] key is also a column.
	s.command = rapid.SampledFrom([]string{"echo {" + s.columns[0] + "}", "./sim", "python3 run.py"}).Draw(t, "command")
	for _, name := range rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"model", "depth", "rate", "tags", "nested"}), 0, 4, rapid.ID[string]).Draw(t, "params") {
		value := rapid.SampledFrom([]string{`"toy"`, `3`, `0.5`, `["a", "b"]`, `{k = 1, j = "x"}`, `true`, `2024-01-02`}).Draw(t, "param value")
		if slices.Contains(s.columns, name) {
			continue
		}
		s.params = append(s.params, [2]string{name, value})
	}
	for i, name := range rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z]{1,5}`), 1, 4, rapid.ID[string]).Draw(t, "machines") {
		s.machines = append(s.machines, machineSpec{
			name:  name,
			perf:  rapid.SampledFrom([]string{"1", "0.5", "1.5", "2", "0.3333", "3"}).Draw(t, fmt.Sprintf("perf %d", i)),
			cores: rapid.IntRange(1, 16).Draw(t, fmt.Sprintf("cores %d", i)),
		})
	}
	return s
}

// plainRendering writes the spec in file order, LF, tables in a fixed order.
func plainRendering(s sweepSpec) rendering {
	r := rendering{rowOrder: identityOrder(len(s.rows)), columnOrder: identityOrder(len(s.fileColumns())), tableOrder: identityOrder(len(specTables))}
	for _, keys := range s.tables() {
		r.keyOrder = append(r.keyOrder, identityOrder(len(keys)))
	}
	return r
}

// drawRendering draws an equivalent way of writing the spec.
func drawRendering(t *rapid.T, s sweepSpec) rendering {
	r := rendering{
		rowOrder:    rapid.Permutation(identityOrder(len(s.rows))).Draw(t, "row order"),
		columnOrder: rapid.Permutation(identityOrder(len(s.fileColumns()))).Draw(t, "column order"),
		crlf:        rapid.Bool().Draw(t, "crlf"),
		bom:         rapid.Bool().Draw(t, "bom"),
		noFinalEOL:  rapid.Bool().Draw(t, "no final newline"),
		tableOrder:  rapid.Permutation(identityOrder(len(specTables))).Draw(t, "table order"),
		dotted:      rapid.Bool().Draw(t, "dotted keys"),
		objectForm:  rapid.Bool().Draw(t, "machines object form"),
	}
	for _, keys := range s.tables() {
		r.keyOrder = append(r.keyOrder, rapid.Permutation(identityOrder(len(keys))).Draw(t, "key order"))
	}
	return r
}

func identityOrder(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func (s sweepSpec) fileColumns() []string {
	if s.hasID {
		return append([]string{"id"}, s.columns...)
	}
	return s.columns
}

var specTables = []string{"job", "pool", "machines", "results", "logs", "params"}

// tables gives each table's keys and TOML values, in specTables order.
func (s sweepSpec) tables() [][][2]string {
	return [][][2]string{
		{{"command", strconv.Quote(s.command)}, {"timeout", `"1m"`}, {"retries", "1"}},
		{{"file", `"jobs.csv"`}, {"format", `"csv"`}},
		{{"file", `"machines.json"`}},
		{{"dir", `"results"`}, {"columns", `["score"]`}},
		{{"dir", `"logs"`}},
		s.params,
	}
}

// render writes the sweep's three files into dir.
func (s sweepSpec) render(t *rapid.T, dir string, r rendering) {
	var csvText bytes.Buffer
	w := csv.NewWriter(&csvText)
	w.UseCRLF = r.crlf
	cols := s.fileColumns()
	header := make([]string, len(cols))
	for i, k := range r.columnOrder {
		header[i] = cols[k]
	}
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	for _, ri := range r.rowOrder {
		full := s.rows[ri]
		if s.hasID {
			full = append([]string{s.ids[ri]}, s.rows[ri]...)
		}
		rec := make([]string, len(cols))
		for i, k := range r.columnOrder {
			rec[i] = full[k]
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	data := csvText.Bytes()
	if r.noFinalEOL {
		data = bytes.TrimSuffix(bytes.TrimSuffix(data, []byte("\n")), []byte("\r"))
	}
	if r.bom {
		data = append([]byte("\xef\xbb\xbf"), data...)
	}
	writeSpecFile(t, filepath.Join(dir, "jobs.csv"), data)

	var toml strings.Builder
	tables := s.tables()
	for _, ti := range r.tableOrder {
		name, keys := specTables[ti], tables[ti]
		if name == "results" && r.resultsDir != "" {
			keys = [][2]string{{"dir", strconv.Quote(r.resultsDir)}, keys[1]}
		}
		if name == "logs" && r.logsDir != "" {
			keys = [][2]string{{"dir", strconv.Quote(r.logsDir)}}
		}
		if !r.dotted {
			fmt.Fprintf(&toml, "[%s]\n", name)
		}
		for _, ki := range r.keyOrder[ti] {
			if r.dotted {
				fmt.Fprintf(&toml, "%s.", name)
			}
			fmt.Fprintf(&toml, "%s = %s\n", keys[ki][0], keys[ki][1])
		}
		toml.WriteString("\n")
	}
	tomlText := toml.String()
	if r.crlf {
		tomlText = strings.ReplaceAll(tomlText, "\n", "\r\n")
	}
	if r.bom {
		tomlText = "\ufeff" + tomlText
	}
	writeSpecFile(t, filepath.Join(dir, "jobsplit.toml"), []byte(tomlText))

	var m strings.Builder
	m.WriteString("{")
	for i, ms := range s.machines {
		if i > 0 {
			m.WriteString(",\n")
		}
		if r.objectForm {
			fmt.Fprintf(&m, "%q: {\"cores\": %d, \"perf\": %s}", ms.name, ms.cores, ms.perf)
		} else {
			fmt.Fprintf(&m, "%q: [%s, %d]", ms.name, ms.perf, ms.cores)
		}
	}
	m.WriteString("}\n")
	writeSpecFile(t, filepath.Join(dir, "machines.json"), []byte(m.String()))
}

func writeSpecFile(t *rapid.T, path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// loadSpec renders the spec into a fresh directory under root and loads it.
func loadSpec(t *rapid.T, root string, s sweepSpec, r rendering) *Sweep {
	dir, err := os.MkdirTemp(root, "sweep")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s.render(t, dir, r)
	sw, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml")})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return sw
}

// sharesByID is each machine's job ids in run order.
func sharesByID(s *Sweep) map[string][]string {
	out := map[string][]string{}
	for _, share := range s.Plan.Shares {
		ids := []string{}
		for _, j := range share.Jobs {
			ids = append(ids, s.Pool.Job(int(j)).ID)
		}
		out[share.Machine] = ids
	}
	return out
}

func sameShares(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestPropertySweepFormattingChangesNothing: permuting rows, reordering CSV
// columns, CRLF, a BOM, the final newline, reordering TOML tables and keys,
// dotted keys and either machines.json entry form give the same digest and
// the same shares by id.
func TestPropertySweepFormattingChangesNothing(t *testing.T) {
	root := t.TempDir()
	rapid.Check(t, func(t *rapid.T) {
		s := drawSpec(t)
		base := loadSpec(t, root, s, plainRendering(s))
		other := loadSpec(t, root, s, drawRendering(t, s))
		if base.Plan.Digest != other.Plan.Digest {
			t.Fatalf("digest %s became %s", base.Plan.Digest.Short(), other.Plan.Digest.Short())
		}
		if !sameShares(sharesByID(base), sharesByID(other)) {
			t.Fatalf("shares changed:\n%v\n%v", sharesByID(base), sharesByID(other))
		}
		if base.SeedKey != other.SeedKey {
			t.Fatal("seed key changed")
		}
	})
}

// TestPropertySweepOutputDirsChangeNothing: where results and logs go does
// not decide what runs where.
func TestPropertySweepOutputDirsChangeNothing(t *testing.T) {
	root := t.TempDir()
	rapid.Check(t, func(t *rapid.T) {
		s := drawSpec(t)
		r := plainRendering(s)
		base := loadSpec(t, root, s, r)
		r.resultsDir = rapid.SampledFrom([]string{"out", "/tmp/results", "../r"}).Draw(t, "results dir")
		r.logsDir = rapid.SampledFrom([]string{"log", "/var/log/sweep", "logs2"}).Draw(t, "logs dir")
		other := loadSpec(t, root, s, r)
		if base.Plan.Digest != other.Plan.Digest || !sameShares(sharesByID(base), sharesByID(other)) {
			t.Fatalf("output dirs changed the plan: %s, %s", base.Plan.Digest.Short(), other.Plan.Digest.Short())
		}
	})
}

// TestPropertySweepDigestChanges: changing what runs or where changes the
// digest.
func TestPropertySweepDigestChanges(t *testing.T) {
	changes := []struct {
		name   string
		change func(t *rapid.T, s *sweepSpec)
	}{
		{"one parameter value", func(t *rapid.T, s *sweepSpec) {
			row := rapid.IntRange(0, len(s.rows)-1).Draw(t, "row")
			col := rapid.IntRange(0, len(s.columns)-1).Draw(t, "column")
			s.rows[row] = slices.Clone(s.rows[row])
			// specValueGen never draws "é", so the row stays unique.
			s.rows[row][col] += "é"
		}},
		{"the command", func(t *rapid.T, s *sweepSpec) { s.command += " --verbose" }},
		{"a params value", func(t *rapid.T, s *sweepSpec) {
			if len(s.params) == 0 {
				s.params = [][2]string{{"extra", `"x"`}}
				return
			}
			i := rapid.IntRange(0, len(s.params)-1).Draw(t, "param")
			s.params = slices.Clone(s.params)
			s.params[i][1] = `"changed"`
		}},
		{"a machine's perf", func(t *rapid.T, s *sweepSpec) {
			i := rapid.IntRange(0, len(s.machines)-1).Draw(t, "machine")
			s.machines = slices.Clone(s.machines)
			s.machines[i].perf += "1"
		}},
		{"a machine's cores", func(t *rapid.T, s *sweepSpec) {
			i := rapid.IntRange(0, len(s.machines)-1).Draw(t, "machine")
			s.machines = slices.Clone(s.machines)
			s.machines[i].cores++
		}},
		{"a machine's name", func(t *rapid.T, s *sweepSpec) {
			i := rapid.IntRange(0, len(s.machines)-1).Draw(t, "machine")
			s.machines = slices.Clone(s.machines)
			s.machines[i].name += "Z"
		}},
		{"one job fewer", func(t *rapid.T, s *sweepSpec) {
			if len(s.rows) == 1 {
				s.rows = append(s.rows, []string{})
				for range s.columns {
					s.rows[1] = append(s.rows[1], "é")
				}
				if s.hasID {
					s.ids = append(slices.Clone(s.ids), "new-id-é")
				}
				return
			}
			s.rows = s.rows[1:]
			if s.hasID {
				s.ids = s.ids[1:]
			}
		}},
	}
	root := t.TempDir()
	rapid.Check(t, func(t *rapid.T) {
		s := drawSpec(t)
		base := loadSpec(t, root, s, plainRendering(s))
		c := changes[rapid.IntRange(0, len(changes)-1).Draw(t, "change")]
		c.change(t, &s)
		changed := loadSpec(t, root, s, plainRendering(s))
		if base.Plan.Digest == changed.Plan.Digest {
			t.Fatalf("changing %s kept the digest %s", c.name, base.Plan.Digest.Short())
		}
	})
}

// TestPropertySweepGridOrderChangesNothing: the order of grid keys and of
// the values in a list decide nothing.
func TestPropertySweepGridOrderChangesNothing(t *testing.T) {
	root := t.TempDir()
	rapid.Check(t, func(t *rapid.T) {
		names := rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"a", "b", "c", "d"}), 1, 3, rapid.ID[string]).Draw(t, "keys")
		axes := make([][]string, len(names))
		for i := range axes {
			axes[i] = rapid.SliceOfNDistinct(rapid.SampledFrom([]string{`1`, `2`, `"x"`, `0.5`, `true`, `[1, 2]`}), 1, 4, rapid.ID[string]).Draw(t, "values")
		}
		grid := func(keyOrder []int, valueOrders [][]int) string {
			var b strings.Builder
			b.WriteString("[job]\ncommand = \"x\"\n[pool.grid]\n")
			for _, k := range keyOrder {
				values := make([]string, len(axes[k]))
				for i, v := range valueOrders[k] {
					values[i] = axes[k][v]
				}
				fmt.Fprintf(&b, "%s = [%s]\n", names[k], strings.Join(values, ", "))
			}
			return b.String()
		}
		orders := make([][]int, len(axes))
		shuffled := make([][]int, len(axes))
		for i := range axes {
			orders[i] = identityOrder(len(axes[i]))
			shuffled[i] = rapid.Permutation(orders[i]).Draw(t, "value order")
		}
		load := func(config string) *Sweep {
			dir, err := os.MkdirTemp(root, "grid")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			writeSpecFile(t, filepath.Join(dir, "jobsplit.toml"), []byte(config))
			writeSpecFile(t, filepath.Join(dir, "machines.json"), []byte(`{"m1": [1, 2], "m2": [1.5, 1]}`))
			s, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml")})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		base := load(grid(identityOrder(len(names)), orders))
		other := load(grid(rapid.Permutation(identityOrder(len(names))).Draw(t, "key order"), shuffled))
		if base.Plan.Digest != other.Plan.Digest || !sameShares(sharesByID(base), sharesByID(other)) {
			t.Fatalf("grid order changed the plan: %s, %s", base.Plan.Digest.Short(), other.Plan.Digest.Short())
		}
	})
}

// TestLoadErrors checks the errors of a whole sweep that no single file
// shows: the message names the file and the problem.
func TestLoadErrors(t *testing.T) {
	const machinesJSON = `{"m": [1, 1]}`
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  string // DIR stands for the sweep's directory
	}{
		{"missing machines file", map[string]string{"jobsplit.toml": minimalConfig, "jobs.csv": "x\n1\n"}, Options{},
			"read machines: open DIR/machines.json: no such file or directory"},
		{"missing pool file", map[string]string{"jobsplit.toml": minimalConfig, "machines.json": machinesJSON}, Options{},
			"read jobs: open DIR/jobs.csv: no such file or directory"},
		{"bad machines file", map[string]string{"jobsplit.toml": minimalConfig, "jobs.csv": "x\n1\n", "machines.json": `{"m": [1, 0]}`}, Options{},
			`DIR/machines.json: machine "m": cores must be a whole number from 1 to 1048576, got 0`},
		{"bad params", map[string]string{"jobsplit.toml": minimalConfig + "[params]\nseed = 1\n", "jobs.csv": "x\n1\n", "machines.json": machinesJSON}, Options{},
			`DIR/jobsplit.toml: [params] key "seed" is reserved by jobsplit: rename it`},
		{"bad strategy flag", map[string]string{"jobsplit.toml": minimalConfig, "jobs.csv": "x\n1\n", "machines.json": machinesJSON}, Options{Strategy: "fast"},
			`unknown strategy "fast": want "proportional" or "cost"`},
		{"cost strategy without costs", map[string]string{"jobsplit.toml": minimalConfig, "jobs.csv": "x\n1\n", "machines.json": machinesJSON}, Options{Strategy: "cost"},
			`DIR/jobs.csv: the cost strategy needs a cost column or --costs FILE (an earlier results CSV)`},
		{"negative cost", map[string]string{"jobsplit.toml": "strategy = \"cost\"\n" + minimalConfig, "jobs.csv": "id,cost\na,1\nb,-1\n", "machines.json": machinesJSON}, Options{},
			`DIR/jobs.csv: job "b": cost must be a number >= 0, got "-1"`},
		{"cost not a number", map[string]string{"jobsplit.toml": "strategy = \"cost\"\n" + minimalConfig, "jobs.csv": "id,cost\na,1h\n", "machines.json": machinesJSON}, Options{},
			`DIR/jobs.csv: job "a": cost must be a number >= 0, got "1h"`},
		{"cost NaN", map[string]string{"jobsplit.toml": "strategy = \"cost\"\n" + minimalConfig, "jobs.csv": "id,cost\na,NaN\n", "machines.json": machinesJSON}, Options{},
			`DIR/jobs.csv: job "a": cost must be a number >= 0, got "NaN"`},
		{"costs file missing", map[string]string{"jobsplit.toml": minimalConfig, "jobs.csv": "x\n1\n", "machines.json": machinesJSON}, Options{Strategy: "cost", Costs: "DIR/none.csv"},
			`read costs: open DIR/none.csv: no such file or directory`},
		{"costs file not results", map[string]string{"jobsplit.toml": minimalConfig, "jobs.csv": "x\n1\n", "machines.json": machinesJSON, "r.csv": "id,time\na,1\n"}, Options{Strategy: "cost", Costs: "DIR/r.csv"},
			`DIR/r.csv: not a jobsplit results CSV: want columns job_id, status and duration_s`},
		{"costs file empty", map[string]string{"jobsplit.toml": minimalConfig, "jobs.csv": "x\n1\n", "machines.json": machinesJSON, "r.csv": ""}, Options{Strategy: "cost", Costs: "DIR/r.csv"},
			`DIR/r.csv: not a jobsplit results CSV: no header`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := tt.opts
			opts.Config = filepath.Join(dir, "jobsplit.toml")
			opts.Costs = strings.ReplaceAll(opts.Costs, "DIR", dir)
			_, err := Load(opts)
			want := strings.ReplaceAll(tt.want, "DIR", dir)
			if err == nil || err.Error() != want {
				t.Errorf("error:\n got %v\nwant %s", err, want)
			}
		})
	}
}

// TestLoadOverrides checks that the options' paths and strategy win over
// the config's.
func TestLoadOverrides(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"jobsplit.toml": minimalConfig,
		"jobs.csv":      "id,x,cost\na,1,5\nb,2,1\nc,3,1\n",
		"other.csv":     "id,x\nd,4\n",
		"machines.json": `{"m": [1, 1]}`,
		"other.json":    `{"p": [1, 1], "q": [2, 1]}`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Load(Options{
		Config:   filepath.Join(dir, "jobsplit.toml"),
		Machines: filepath.Join(dir, "other.json"),
		Strategy: "cost",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Machines.Names(), ","); got != "p,q" || s.Plan.Strategy != "cost" || s.Pool.Len() != 3 {
		t.Errorf("machines %s, strategy %s, %d jobs; want p,q, cost, 3", got, s.Plan.Strategy, s.Pool.Len())
	}
	s2, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml"), Jobs: filepath.Join(dir, "other.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if s2.Pool.Len() != 1 || s2.Pool.Job(0).ID != "d" {
		t.Errorf("--jobs not read: %d jobs", s2.Pool.Len())
	}
	if s.Plan.Digest == s2.Plan.Digest {
		t.Error("two different sweeps share a digest")
	}
}

// TestSeedKeyIgnoresMachines checks that a job's seed depends on the work,
// not on where it runs: re-planning onto other machines keeps every seed.
func TestSeedKeyIgnoresMachines(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"jobsplit.toml": minimalConfig,
		"jobs.csv":      "id,x\na,1\n",
		"one.json":      `{"m": [1, 1]}`,
		"two.json":      `{"p": [1, 1], "q": [2, 1]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	one, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml"), Machines: filepath.Join(dir, "one.json")})
	if err != nil {
		t.Fatal(err)
	}
	two, err := Load(Options{Config: filepath.Join(dir, "jobsplit.toml"), Machines: filepath.Join(dir, "two.json")})
	if err != nil {
		t.Fatal(err)
	}
	if one.Plan.Digest == two.Plan.Digest {
		t.Error("other machines, same digest")
	}
	if one.Seed("a") != two.Seed("a") {
		t.Error("the seed of job a changed with the machines")
	}
}
