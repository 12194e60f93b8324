package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/pool"
)

func newPackCommand() *cli.Command {
	return &cli.Command{
		Name:      "pack",
		Usage:     "gather what each host needs into DIR: binaries, inputs and a README.txt",
		ArgsUsage: "DIR",
		Description: "Copies the jobsplit binaries (from --dist, which 'make dist' fills, or one --binary), " +
			"the config, machines.json, the job pool, the files the command names that sit next to the " +
			"config (such as ./sim.sh, mode kept), and writes README.txt with the two lines each host " +
			"types and the digest they check. Never overwrites a file.\n\n" + exitCodesHelp,
		Flags: append(sweepFlags(),
			&cli.StringFlag{Name: "dist", Value: "dist", Usage: "take every jobsplit-OS-ARCH binary from `DIR`"},
			&cli.StringFlag{Name: "binary", Usage: "pack only this jobsplit binary `FILE` instead of --dist"},
		),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return withHint(errors.New("pack takes one directory"), "jobsplit pack DIR")
			}
			if c.IsSet("dist") && c.IsSet("binary") {
				return withHint(errors.New("pack: --dist and --binary: pass one of them"), "jobsplit pack --binary FILE DIR")
			}
			return runPack(c.App.ErrWriter, packOptions{
				Sweep:  sweepOptions(c),
				Dir:    c.Args().First(),
				Dist:   c.String("dist"),
				Binary: c.String("binary"),
			})
		},
	}
}

type packOptions struct {
	Sweep  jobs.Options
	Dir    string
	Dist   string
	Binary string
}

// packFile is one file to copy into the pack.
type packFile struct {
	src  string
	dest string // slash-separated, relative to the pack's directory
	mode fs.FileMode
}

// pack is what goes into the directory, and the arguments every host
// passes so that it reads the same inputs under their packed names.
type pack struct {
	files    []packFile
	binaries []string
	args     []string
}

func runPack(w io.Writer, opts packOptions) error {
	s, err := loadSweep(opts.Sweep)
	if err != nil {
		return err
	}
	p := &pack{}
	if err := p.addBinaries(opts); err != nil {
		return err
	}
	if err := p.addInputs(s, opts.Sweep); err != nil {
		return err
	}
	readme := packReadme(s, p)
	for _, f := range p.files {
		if f.dest == "README.txt" {
			return fmt.Errorf("pack: %s would be packed as README.txt, which pack writes", f.src)
		}
	}
	for _, dest := range append(p.dests(), "README.txt") {
		path := filepath.Join(opts.Dir, filepath.FromSlash(dest))
		if _, err := os.Lstat(path); err == nil {
			return withHint(fmt.Errorf("pack: %s already exists; nothing written", path),
				"pack into a new directory, or remove %s first", opts.Dir)
		}
	}
	var written []string
	fail := func(err error) error {
		for _, path := range written {
			os.Remove(path)
		}
		return fmt.Errorf("pack: %w", err)
	}
	for _, f := range p.files {
		path := filepath.Join(opts.Dir, filepath.FromSlash(f.dest))
		if err := copyNew(f.src, path, f.mode); err != nil {
			return fail(err)
		}
		written = append(written, path)
	}
	readmePath := filepath.Join(opts.Dir, "README.txt")
	if err := writeNew(readmePath, []byte(readme), 0o644); err != nil {
		return fail(err)
	}
	for _, dest := range append(p.dests(), "README.txt") {
		fmt.Fprintf(w, "wrote %s\n", filepath.Join(opts.Dir, filepath.FromSlash(dest)))
	}
	fmt.Fprintf(w, "digest %s: copy %s to each host and follow its README.txt\n", s.Plan.Digest.Short(), opts.Dir)
	return nil
}

func (p *pack) dests() []string {
	dests := make([]string, len(p.files))
	for i, f := range p.files {
		dests[i] = f.dest
	}
	return dests
}

// add adds a file once; two different files under one name are an error.
func (p *pack) add(src, dest string, mode fs.FileMode) error {
	for _, f := range p.files {
		if f.dest == dest {
			if sameFile(f.src, src) {
				return nil
			}
			return fmt.Errorf("pack: %s and %s would both be packed as %s", f.src, src, dest)
		}
	}
	p.files = append(p.files, packFile{src: src, dest: dest, mode: mode})
	return nil
}

func sameFile(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// addBinaries adds --binary, or every jobsplit-* binary of --dist and its
// SHA256SUMS.
func (p *pack) addBinaries(opts packOptions) error {
	if opts.Binary != "" {
		info, err := os.Stat(opts.Binary)
		if err != nil || !info.Mode().IsRegular() {
			return withHint(fmt.Errorf("pack: --binary %s is not a file", opts.Binary), "pass the path of a jobsplit binary")
		}
		p.binaries = append(p.binaries, filepath.Base(opts.Binary))
		return p.add(opts.Binary, filepath.Base(opts.Binary), 0o755)
	}
	entries, err := os.ReadDir(opts.Dist)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pack: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), "jobsplit-") {
			p.binaries = append(p.binaries, e.Name())
		}
	}
	if len(p.binaries) == 0 {
		return withHint(fmt.Errorf("pack: no jobsplit-OS-ARCH binaries in %s", opts.Dist),
			"run 'make dist' to build them, or pass --binary FILE to pack one binary")
	}
	slices.SortStableFunc(p.binaries, func(a, b string) int { return platformRank(a) - platformRank(b) })
	for _, name := range p.binaries {
		if err := p.add(filepath.Join(opts.Dist, name), name, 0o755); err != nil {
			return err
		}
	}
	sums := filepath.Join(opts.Dist, "SHA256SUMS")
	if info, err := os.Stat(sums); err == nil && info.Mode().IsRegular() {
		return p.add(sums, "SHA256SUMS", 0o644)
	}
	return nil
}

// addInputs adds the config, machines.json, the pool, the costs and the
// files the command names, and the arguments that name them where their
// packed name differs from what the config says.
func (p *pack) addInputs(s *jobs.Sweep, opts jobs.Options) error {
	cfg := s.Config
	configName := filepath.Base(cfg.Path)
	if configName != "jobsplit.toml" {
		p.args = append(p.args, "--config", configName)
	}
	if err := p.addFile(cfg.Path, configName); err != nil {
		return err
	}
	// input adds a file the config names (flag empty) or a flag names.
	input := func(flag, flagPath, configPath, def string) error {
		if flagPath == "" && configPath == "" && def == "" {
			return nil
		}
		if flagPath != "" {
			p.args = append(p.args, flag, filepath.Base(flagPath))
			return p.addFile(flagPath, filepath.Base(flagPath))
		}
		if configPath == "" {
			configPath = def
		}
		if rel := filepath.Clean(configPath); filepath.IsLocal(rel) {
			return p.addFile(cfg.Resolve(configPath, def), filepath.ToSlash(rel))
		}
		// An absolute path or one outside the config's directory: pack it
		// by its name and point every host at it.
		p.args = append(p.args, flag, filepath.Base(configPath))
		return p.addFile(cfg.Resolve(configPath, def), filepath.Base(configPath))
	}
	if s.Shards > 0 {
		p.args = append(p.args, "--shards", strconv.Itoa(s.Shards))
	} else if err := input("--machines", opts.Machines, cfg.Machines.File, "machines.json"); err != nil {
		return err
	}
	if opts.Jobs != "" || cfg.Pool.File != "" {
		if err := input("--jobs", opts.Jobs, cfg.Pool.File, ""); err != nil {
			return err
		}
		// A re-plan's parent file travels with its pool, under its name.
		for _, f := range p.files {
			if s.Pool.ParentFile != "" && sameFile(f.src, s.Pool.Source) {
				if err := p.addFile(s.Pool.ParentFile, pool.ParentFile(f.dest)); err != nil {
					return err
				}
				break
			}
		}
	}
	if err := input("--costs", opts.Costs, "", ""); err != nil {
		return err
	}
	if opts.Strategy != "" {
		p.args = append(p.args, "--strategy", opts.Strategy)
	}
	if opts.AllowLarge {
		p.args = append(p.args, "--allow-large")
	}
	for _, word := range commandWords(s) {
		rel := filepath.Clean(filepath.FromSlash(word))
		if !filepath.IsLocal(rel) {
			continue
		}
		path := filepath.Join(cfg.Dir, rel)
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
			if err := p.add(path, filepath.ToSlash(rel), info.Mode().Perm()); err != nil {
				return err
			}
		}
	}
	return nil
}

// addFile adds an input, keeping its mode.
func (p *pack) addFile(src, dest string) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("pack: %w", err)
	}
	return p.add(src, dest, info.Mode().Perm())
}

// commandWords are the command's words that may name an input file: an
// array's elements, or a shell string's words, without placeholders,
// operators or the targets of redirections.
func commandWords(s *jobs.Sweep) []string {
	words := s.Command
	if s.Shell {
		words = strings.Fields(s.Command[0])
	}
	var files []string
	output := false
	for _, w := range words {
		w = strings.Trim(w, `'"`)
		switch {
		case output:
			// What a redirection writes is the job's, not an input.
			output = false
		case strings.TrimLeft(w, "0123456789&") == ">" || strings.TrimLeft(w, "0123456789&") == ">>":
			output = true
		case w != "" && !strings.ContainsAny(w, "{}$`*?;|&<>()"):
			files = append(files, w)
		}
	}
	return files
}

// copyNew copies src to a new file dst with the given mode, creating
// dst's directory.
func copyNew(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// The umask may have narrowed the mode; a script must stay executable.
	if err := out.Chmod(mode); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// platforms names the systems of make dist's binaries, in README order.
var platforms = []struct{ suffix, label string }{
	{"linux-amd64", "Linux, x86-64"},
	{"linux-arm64", "Linux, ARM 64-bit"},
	{"linux-386", "Linux, 32-bit x86"},
	{"darwin-arm64", "macOS, Apple silicon"},
	{"darwin-amd64", "macOS, Intel"},
	{"windows-amd64.exe", "Windows, x86-64 (PowerShell or cmd)"},
}

func platformRank(binary string) int {
	for i, pl := range platforms {
		if binary == "jobsplit-"+pl.suffix {
			return i
		}
	}
	return len(platforms)
}

func platformLabel(binary string) string {
	if i := platformRank(binary); i < len(platforms) {
		return platforms[i].label
	}
	return "With " + binary
}

// packReadme is README.txt: what the person at each host types.
func packReadme(s *jobs.Sweep, p *pack) string {
	short := s.Plan.Digest.Short()
	var b strings.Builder
	fmt.Fprintf(&b, "jobsplit sweep %s: %d jobs over %d machines\n\n", short, s.Plan.Total, len(s.Machines))
	b.WriteString(wrap("Copy this whole folder to each machine of the sweep. There, open a terminal " +
		"in the folder and type the two lines for the machine's system. The first shows the plan " +
		"and its digest; the second runs this machine's share of the jobs, and refuses to start " +
		"unless the digest begins with " + short + ", so that no machine runs with files that differ " +
		"from the others'."))
	args := strings.Join(p.args, " ")
	if args != "" {
		args = " " + args
	}
	for _, binary := range p.binaries {
		run := "./" + binary
		if strings.HasSuffix(binary, ".exe") {
			run = `.\` + binary
		}
		fmt.Fprintf(&b, "\n%s:\n    %s plan%s\n    %s run%s --expect-digest %s --yes\n",
			platformLabel(binary), run, args, run, args, short)
	}
	b.WriteString("\n")
	names := s.Machines.Names()
	if s.Shards > 0 {
		b.WriteString(wrap(fmt.Sprintf("The %d shards are shard-0 to shard-%d: add --shard I to the "+
			"second line, I from 0 to %d, a different one on each machine.", s.Shards, s.Shards-1, s.Shards-1)))
	} else {
		b.WriteString(wrap("The machines: " + strings.Join(names, ", ") + ". jobsplit knows which one " +
			"it is on from the host name when it is one of these; otherwise it asks, or add " +
			"--machine NAME to the second line."))
	}
	b.WriteString("\n")
	b.WriteString(wrap("Run the second line again after a crash or a reboot: it skips every job " +
		"already done. When it has finished, send back the folders results/ and logs/."))
	b.WriteString("\n")
	if hasSums(p) {
		b.WriteString("To check the binaries: sha256sum -c SHA256SUMS (macOS: shasum -a 256 -c SHA256SUMS)\n")
	}
	if slices.ContainsFunc(p.binaries, func(name string) bool { return strings.HasPrefix(name, "jobsplit-darwin-") }) {
		b.WriteString("\n" + wrap("On macOS, if the system refuses to open the binary, clear its "+
			"download quarantine first: xattr -d com.apple.quarantine jobsplit-darwin-*"))
	}
	fmt.Fprintf(&b, "\ndigest %s\n", s.Plan.Digest)
	return b.String()
}

func hasSums(p *pack) bool {
	return slices.ContainsFunc(p.files, func(f packFile) bool { return f.dest == "SHA256SUMS" })
}

// wrap fills text into lines of at most 72 columns.
func wrap(text string) string {
	var b strings.Builder
	width := 0
	for _, word := range strings.Fields(text) {
		if width > 0 && width+1+len(word) > 72 {
			b.WriteString("\n")
			width = 0
		} else if width > 0 {
			b.WriteString(" ")
			width++
		}
		b.WriteString(word)
		width += len(word)
	}
	b.WriteString("\n")
	return b.String()
}
