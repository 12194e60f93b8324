package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var updateScripts = flag.Bool("update-scripts", false, "rewrite the expected output in testdata/script")

// scriptPrograms are the programs the scripts run as commands of their
// own; scriptCmds are commands run inside the test. Files for one system
// add theirs (script_linux_test.go).
var (
	scriptPrograms = map[string]func(){"jobsplit": main}
	scriptCmds     = map[string]func(*testscript.TestScript, bool, []string){
		"exits": cmdExits,
		"fail":  cmdFail,
	}
)

func TestMain(m *testing.M) {
	testscript.Main(m, scriptPrograms)
}

// TestScripts runs the end-to-end scripts in testdata/script: the real
// binary, typed the way a user types it.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *updateScripts,
		Cmds:                scriptCmds,
		Condition:           scriptCondition,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			env.Setenv("TZ", "UTC")
			env.Setenv("JOBSPLIT_MACHINE", "")
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
	})
}

// cmdExits runs a command and checks its exit status: "exits 2 jobsplit plan"
// asserts the documented status, not merely a failure.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits STATUS command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("exits: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// scriptCondition adds the scripts' conditions: [root] when the tests run
// as root, and [env:NAME] when the variable NAME of the test's own
// environment (not the script's) is set and not "0", such as
// JOBSPLIT_TEST_DISKFULL in CI.
func scriptCondition(cond string) (bool, error) {
	switch {
	case cond == "root":
		return os.Geteuid() == 0, nil
	case strings.HasPrefix(cond, "env:"):
		v := os.Getenv(strings.TrimPrefix(cond, "env:"))
		return v != "" && v != "0", nil
	}
	return false, errors.New("unknown condition " + strconv.Quote(cond))
}

// cmdFail fails the script with a message: "[cond] fail 'why'".
func cmdFail(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: fail message...")
	}
	ts.Fatalf("%s", strings.Join(args, " "))
}
