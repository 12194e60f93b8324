package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/jobsplit/jobsplit/balance"
	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/ui"
)

// balanceStatusOptions are what status --balance-dir needs.
type balanceStatusOptions struct {
	Sweep jobs.Options
	Dir   string
	JSON  bool
}

// runStatus prints the summary of collect-results and, when the config
// has a [balance] dir, the live state of the shared folder after it.
func runStatus(ctx context.Context, stdout, stderr io.Writer, opts collectOptions) error {
	err := runCollect(stdout, stderr, opts)
	// The config alone says whether there is a folder: loading the sweep
	// again would hold a second copy of the pool.
	cfg, cfgErr := jobs.LoadConfig(opts.Sweep.Config)
	if cfgErr != nil || opts.JSON {
		return err
	}
	dir := jobs.PathsOf(cfg).Balance
	if dir == "" {
		return err
	}
	if _, statErr := os.Stat(dir); statErr != nil {
		return err
	}
	fmt.Fprintf(stderr, "\nbalance folder %s:\n", dir)
	if bErr := runBalanceStatus(ctx, stderr, balanceStatusOptions{Sweep: opts.Sweep}); bErr != nil {
		return errors.Join(err, bErr)
	}
	return err
}

// runBalanceStatus prints the live state of a balanced sweep from the
// shared folder alone, from any machine that sees it: per machine its
// planned, done, running and left jobs and what was stolen or taken over,
// and per host its heartbeat's age, alive or presumed dead.
func runBalanceStatus(ctx context.Context, stdout io.Writer, opts balanceStatusOptions) error {
	s, err := loadSweep(opts.Sweep)
	if err != nil {
		return err
	}
	dir := opts.Dir
	if dir == "" {
		dir = s.Paths.Balance
	}
	if dir == "" {
		return errNoBalance
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return withHint(fmt.Errorf("balance folder %s: not a folder", dir), "name the folder the hosts share: jobsplit status --balance-dir DIR")
	}
	st, err := balance.ReadStatus(ctx, dir, s.Plan.Digest.String(), 0)
	if err != nil {
		return fmt.Errorf("balance folder %s: %w", dir, err)
	}
	if opts.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(balanceJSON(st))
	}
	return writeBalanceStatus(stdout, st)
}

// writeBalanceStatus writes the folder's state as two tables.
func writeBalanceStatus(w io.Writer, st *balance.Status) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "machine\tplanned\tdone\trunning\tleft\tstolen_from\ttaken_over_from\tstole\t")
	var total balance.MachineStatus
	for _, m := range st.Machines {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", m.Machine, m.Planned, m.Done, m.Running, m.Left(), m.StolenFrom, m.TakenOver, m.Stole)
		total.Planned += m.Planned
		total.Done += m.Done
		total.Running += m.Running
		total.Unclaimed += m.Unclaimed
		total.Queued += m.Queued
		total.StolenFrom += m.StolenFrom
		total.TakenOver += m.TakenOver
		total.Stole += m.Stole
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", total.Planned, total.Done, total.Running, total.Left(), total.StolenFrom, total.TakenOver, total.Stole)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "machine\thost\tpid\tstate\theartbeat")
	for _, m := range st.Machines {
		for _, h := range m.Hosts {
			age := ui.Duration(h.HeartbeatAge) + " ago"
			if h.AgeAtLeast {
				age = "at least " + age
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", m.Machine, h.Host, h.PID, h.State, age)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "(heartbeats watched for %s)\n", ui.Duration(st.Watched.Round(time.Millisecond)))
	return nil
}

// errNoBalance is status --balance-dir without a folder anywhere.
var errNoBalance = errors.New("no balance folder: pass --balance-dir DIR or set [balance] dir in the config")

// balanceStatusJSON is the folder's state as status --balance-dir --json
// prints it.
type balanceStatusJSON struct {
	Machines []machineBalanceJSON `json:"machines"`
	WatchedS float64              `json:"watched_s"`
}

type machineBalanceJSON struct {
	Machine       string            `json:"machine"`
	Planned       int               `json:"planned"`
	Done          int               `json:"done"`
	Running       int               `json:"running"`
	Left          int               `json:"left"`
	StolenFrom    int               `json:"stolen_from"`
	TakenOverFrom int               `json:"taken_over_from"`
	Stole         int               `json:"stole"`
	Hosts         []hostBalanceJSON `json:"hosts"`
}

type hostBalanceJSON struct {
	Host          string  `json:"host"`
	PID           int     `json:"pid"`
	State         string  `json:"state"`
	HeartbeatAgeS float64 `json:"heartbeat_age_s"`
	AgeAtLeast    bool    `json:"age_at_least"`
}

func balanceJSON(st *balance.Status) balanceStatusJSON {
	out := balanceStatusJSON{WatchedS: st.Watched.Seconds(), Machines: []machineBalanceJSON{}}
	for _, m := range st.Machines {
		mj := machineBalanceJSON{
			Machine: m.Machine, Planned: m.Planned, Done: m.Done, Running: m.Running, Left: m.Left(),
			StolenFrom: m.StolenFrom, TakenOverFrom: m.TakenOver, Stole: m.Stole, Hosts: []hostBalanceJSON{},
		}
		for _, h := range m.Hosts {
			mj.Hosts = append(mj.Hosts, hostBalanceJSON{Host: h.Host, PID: h.PID, State: fmt.Sprint(h.State),
				HeartbeatAgeS: h.HeartbeatAge.Seconds(), AgeAtLeast: h.AgeAtLeast})
		}
		out.Machines = append(out.Machines, mj)
	}
	return out
}
