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

func newApp() *cli.App {
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
			newRunCommand(),
			newCollectCommand(),
			newStatusCommand(),
			newMergeCommand(),
			newEmitCommand(),
			newPackCommand(),
			newBenchCommand(),
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C cancels the run gently; restoring the default
	// handling then lets a second one stop jobsplit at once.
	context.AfterFunc(ctx, stop)
	err := newApp().RunContext(ctx, os.Args)
	stop()
	code := exitCode(err)
	if err != nil {
		report(os.Stderr, err)
	}
	os.Exit(code)
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
