package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/urfave/cli/v2"
)

// The exit codes, documented in --help.
const (
	exitOK          = 0
	exitJobsFailed  = 1
	exitBadInput    = 2
	exitIncomplete  = 3
	exitHangup      = 129
	exitInterrupted = 130
)

const exitCodesHelp = `Exit status: 0 ok; 1 some jobs failed, or the run stopped (--halt, a full disk), or merge-logs --strict met damage; ` +
	`2 bad usage or input; 3 incomplete (collect found missing work); 129 hung up (SIGHUP); 130 interrupted.`

// Errors that decide the exit status.
var (
	errJobsFailed  = errors.New("some jobs failed")
	errIncomplete  = errors.New("some jobs are missing or failed")
	errInterrupted = errors.New("interrupted")
	// errHangup is a run stopped by SIGHUP: its terminal closed.
	errHangup = errors.New("hung up")
	// errRunStopped is a run that stopped before its share was done: the
	// halt policy, or work it could not record (a full disk).
	errRunStopped = errors.New("run stopped")
	// errStrict is damage in a log that merge-logs --strict turns into a failure.
	errStrict = errors.New("--strict")
)

// hinted is an error with a line telling the user how to fix it.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

func withHint(err error, format string, args ...any) error {
	return &hinted{err: err, hint: fmt.Sprintf(format, args...)}
}

func hintOf(err error) string {
	var h *hinted
	if errors.As(err, &h) {
		return h.hint
	}
	return ""
}

// quiet is an error whose message was already shown to the user.
type quiet struct{ err error }

func (q quiet) Error() string { return q.err.Error() }
func (q quiet) Unwrap() error { return q.err }

func silent(err error) bool {
	var q quiet
	return errors.As(err, &q)
}

// exitCode maps an error to the documented exit status.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHangup):
		return exitHangup
	case errors.Is(err, errInterrupted), errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, errJobsFailed), errors.Is(err, errRunStopped), errors.Is(err, errStrict):
		return exitJobsFailed
	case errors.Is(err, errIncomplete):
		return exitIncomplete
	}
	return exitBadInput
}

// usageError turns urfave/cli's usage complaints into one line and a hint,
// with the flag the user most likely meant.
func usageError(c *cli.Context, err error, _ bool) error {
	// The flag package ends a bad value with ": parse error", which says
	// nothing the rest of the line does not.
	if m := badFlagValue.FindStringSubmatch(err.Error()); m != nil {
		err = fmt.Errorf("invalid value %s for -%s", m[1], m[2])
	}
	suggestion := ""
	if m := unknownFlag.FindStringSubmatch(err.Error()); m != nil {
		suggestion = didYouMean(m[1], flagNames(c.Command.Flags), "--%s")
	}
	return withHint(err, "%ssee 'jobsplit %s --help'", suggestion, c.Command.FullName())
}

// The flag package's words for a bad value and an unknown flag.
var (
	badFlagValue = regexp.MustCompile(`^invalid value (".*") for flag -([^ :]+): parse error$`)
	unknownFlag  = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
)
