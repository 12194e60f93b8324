package process

import (
	"context"
	"runtime"
	"syscall"
	"testing"
)

// TestWaitWithoutPidfd: where the kernel gives no pidfd, the end of a job
// is still seen (by looking every few milliseconds) and its output read.
func TestWaitWithoutPidfd(t *testing.T) { eachWait(t, testWaitWithoutPidfd) }

func testWaitWithoutPidfd(t *testing.T) {
	var stdout lockedBuffer
	c, err := launch("/bin/sh", Spec{Args: []string{"sh", "-c", "sleep 0.05; echo done; exit 7"}, Stdout: &stdout})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	if c.pidfd < 0 {
		t.Fatal("this kernel gave no pidfd: the test cannot take it away")
	}
	syscall.Close(c.pidfd) // as if there was none
	c.pidfd = -1
	if code := c.wait(); code != 7 {
		t.Errorf("exit code %d, want 7", code)
	}
	c.drain()
	if stdout.String() != "done\n" {
		t.Errorf("stdout %q", stdout.String())
	}
}

// TestRunEnvironment: of two variables of the same name the job is given
// only the last (a job's own variables come after what jobsplit inherited
// and must win), as its /proc environ shows before any shell tidies it;
// no environment given means jobsplit's own.
func TestRunEnvironment(t *testing.T) {
	t.Setenv("JOBSPLIT_TEST_INHERITED", "inherited")
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"last wins", []string{"X=first", "Y=y", "X=last"}, "last y |X=last\n"},
		{"inherited", nil, "  inherited|"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout lockedBuffer
			out := Run(context.Background(), Spec{
				Args: []string{"sh", "-c", `printf '%s %s %s|' "$X" "$Y" "$JOBSPLIT_TEST_INHERITED"; tr '\0' '\n' </proc/$$/environ | grep ^X=`},
				Env:  tc.env, Stdout: &stdout,
			})
			if stdout.String() != tc.want {
				t.Errorf("ended %+v with %q, want %q (the environment the job was given)", out, stdout.String(), tc.want)
			}
		})
	}
}

// TestFastWaitOutlastsSpan: a job that runs longer than a fast wait lasts
// is awaited in the runtime's poller for the rest, its output still read;
// then the epoll instance leaves the runtime's poller and the fast wait is
// free again.
func TestFastWaitOutlastsSpan(t *testing.T) {
	release := ReserveFastWaits(1)
	defer release()
	var stdout lockedBuffer
	c, err := launch("/bin/sh", Spec{Args: []string{"sh", "-c", "echo early; sleep 0.2; echo late; exit 3"}, Stdout: &stdout})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	if code := c.wait(); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	c.drain()
	if stdout.String() != "early\nlate\n" {
		t.Errorf("stdout %q", stdout.String())
	}
	if c.ep != nil {
		t.Error("the epoll instance is still in the runtime's poller")
	}
	if free := fast.free.Load(); free != 1 {
		t.Errorf("%d fast waits free, want 1", free)
	}
}

// TestReserveFastWaits: each fast wait reserved adds a P, whoever reserves
// it and in whatever order they give them back; giving back twice gives
// back once.
func TestReserveFastWaits(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	first := ReserveFastWaits(2)
	second := ReserveFastWaits(1)
	if got := runtime.GOMAXPROCS(0); got != procs+3 {
		t.Errorf("GOMAXPROCS %d with 3 fast waits, want %d", got, procs+3)
	}
	first()
	first()
	if got, free := runtime.GOMAXPROCS(0), fast.free.Load(); got != procs+1 || free != 1 {
		t.Errorf("GOMAXPROCS %d and %d free, want %d and 1", got, free, procs+1)
	}
	second()
	if got, free := runtime.GOMAXPROCS(0), fast.free.Load(); got != procs || free != 0 {
		t.Errorf("GOMAXPROCS %d and %d free, want %d and 0", got, free, procs)
	}
}
