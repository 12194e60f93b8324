// Command jobsplit spreads a batch of independent jobs over every core of
// several machines of different speeds, with no coordinator: every host
// computes the same plan from the same files and runs its own share.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

// version is stamped by the Makefile with -ldflags.
var version = "dev"

// newApp is jobsplit's command line; hard ends at a second Ctrl-C.
func newApp(hard context.Context) *cli.App {
	return &cli.App{
		Name:    "jobsplit",
		Usage:   "spread independent jobs over several machines, no coordinator",
		Version: version,
		Description: "Every host hashes the same job pool and config into the same digest, " +
			"shuffles deterministically, takes its own share in proportion to speed x cores " +
			"from machines.json, and runs it.\n\n" + exitCodesHelp,
		Commands: []*cli.Command{
			newInitCommand(),
			newPlanCommand(),
			newRunCommand(hard),
			newCollectCommand(),
			newStatusCommand(),
			newMergeCommand(),
			newEmitCommand(),
			newPackCommand(),
			newBenchCommand(),
			newReportCommand(),
		},
		// A first word that is no command is a typo, not a help topic.
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return unknownCommand(c, c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		// Exit in exactly one place, main: errors come back from Run.
		ExitErrHandler:         func(*cli.Context, error) {},
		OnUsageError:           usageError,
		UseShortOptionHandling: true,
		HideHelpCommand:        true,
		Writer:                 os.Stdout,
		ErrWriter:              os.Stderr,
	}
}

func main() {
	ctx, hard := watchSignals()
	err := newApp(hard).RunContext(ctx, os.Args)
	code := exitCode(err)
	if err != nil {
		report(os.Stderr, err)
	}
	os.Exit(code)
}

// watchSignals turns SIGINT, SIGTERM and SIGHUP (a closed terminal, a
// lost ssh session) into two contexts: the first signal ends ctx, with
// errHangup or errInterrupted as its cause (no new jobs; running ones get
// SIGTERM, then SIGKILL after the grace period), the second ends hard
// (SIGKILL now; files are still closed properly), and a third gets the
// default handling: jobsplit dies at once. A SIGHUP that was ignored when
// jobsplit started (nohup) stays ignored.
func watchSignals() (ctx, hard context.Context) {
	ctx, soft := context.WithCancelCause(context.Background())
	hard, kill := context.WithCancel(context.Background())
	watched := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		watched = append(watched, syscall.SIGHUP)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, watched...)
	go func() {
		if <-signals == syscall.SIGHUP {
			soft(errHangup)
		} else {
			soft(errInterrupted)
		}
		<-signals
		kill()
		signal.Reset(watched...)
	}()
	return ctx, hard
}

// report prints an error as one line, and a hint line where the fix is known.
func report(w *os.File, err error) {
	if silent(err) {
		return
	}
	fmt.Fprintf(w, "jobsplit: %v\n", err)
	if hint := hintOf(err); hint != "" {
		fmt.Fprintf(w, "jobsplit: hint: %s\n", hint)
	}
}
