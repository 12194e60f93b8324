package process

import (
	"context"
	"syscall"
	"testing"
)

// TestWaitWithoutPidfd: where the kernel gives no pidfd, the end of a job
// is still seen (by looking every few milliseconds) and its output read.
func TestWaitWithoutPidfd(t *testing.T) {
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
