package process

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// child is a started job process. Its output pipes and its pidfd (which
// becomes readable when it ends) sit in an epoll instance of its own, and
// that one file is what the runtime's poller watches: the worker that
// started the job forwards its output and sees it end, alone. A goroutine
// per stream and a wait in the poller for the end cost three wake-ups per
// job and most of what os/exec adds to a start; for short jobs that was a
// good part of jobsplit's own time.
type child struct {
	pid   int
	pidfd int // -1 where the kernel has no pidfds (before 5.3)
	*poller
	out   [2]stream // stdout, stderr; fd -1 once closed
	buf   *[32 << 10]byte
	code  int // the exit code, once reaped
	ended bool
}

// poller is an epoll instance in the runtime's poller. One is made for a
// job and, empty again at its end, kept for the next: making one costs
// five system calls.
type poller struct {
	epfd     int // File.Fd would make ep blocking again: the number is kept apart
	ep       *os.File
	conn     syscall.RawConn
	deadline bool // a read deadline is set on ep
}

// pollers are the pollers of finished jobs. One that the pool drops is
// closed by its File's cleanup.
var pollers sync.Pool

// stream is the read end of an output pipe and where its bytes go.
type stream struct {
	fd  int
	dst io.Writer
}

// launch starts the program at path as spec says, in a process group of
// its own, its stdout and stderr piped to spec's writers (or /dev/null).
func launch(path string, spec Spec) (c *child, err error) {
	c = &child{pidfd: -1, out: [2]stream{{-1, spec.Stdout}, {-1, spec.Stderr}}}
	var theirs []int // the job's ends of its files, closed once it has them
	defer func() {
		for _, fd := range theirs {
			syscall.Close(fd)
		}
		if err != nil {
			c.close()
		}
	}()
	if err := c.openEpoll(); err != nil {
		return c, err
	}
	devNull := -1
	null := func() (uintptr, error) {
		if devNull < 0 {
			fd, err := syscall.Open(os.DevNull, syscall.O_RDWR|syscall.O_CLOEXEC, 0)
			if err != nil {
				return 0, &os.PathError{Op: "open", Path: os.DevNull, Err: err}
			}
			devNull, theirs = fd, append(theirs, fd)
		}
		return uintptr(devNull), nil
	}
	files := make([]uintptr, 3)
	if spec.Stdin != nil {
		files[0] = spec.Stdin.Fd()
	} else if files[0], err = null(); err != nil {
		return c, err
	}
	for k := range c.out {
		if c.out[k].dst == nil {
			if files[k+1], err = null(); err != nil {
				return c, err
			}
			continue
		}
		w, err := c.pipe(&c.out[k])
		if w >= 0 {
			theirs, files[k+1] = append(theirs, w), uintptr(w)
		}
		if err != nil {
			return c, err
		}
	}
	env := spec.Env
	if env == nil {
		env = os.Environ()
	}
	if !spec.EnvUnique {
		env = dedupEnv(env)
	}
	c.pid, err = syscall.ForkExec(path, spec.Args, &syscall.ProcAttr{
		Dir: spec.Dir, Env: env, Files: files,
		Sys: &syscall.SysProcAttr{Setpgid: true, PidFD: &c.pidfd},
	})
	if err != nil {
		c.pidfd = -1
		return c, &os.PathError{Op: "fork/exec", Path: path, Err: err}
	}
	if c.pidfd >= 0 && c.watch(c.pidfd) != nil {
		syscall.Close(c.pidfd) // wait looks for the end without it
		c.pidfd = -1
	}
	c.buf = copyBuffers.Get().(*[32 << 10]byte)
	return c, nil
}

// openEpoll gives the child an empty epoll instance in the runtime's
// poller: a finished job's, or a new one.
func (c *child) openEpoll() error {
	if p, ok := pollers.Get().(*poller); ok {
		c.poller = p
		return nil
	}
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("epoll_create1", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return os.NewSyscallError("fcntl", err)
	}
	p := &poller{epfd: fd, ep: os.NewFile(uintptr(fd), "epoll")}
	if p.conn, err = p.ep.SyscallConn(); err != nil {
		p.ep.Close()
		return err
	}
	c.poller = p
	return nil
}

// setDeadline bounds the next waits for the epoll instance.
func (p *poller) setDeadline(t time.Time) {
	_ = p.ep.SetReadDeadline(t)
	p.deadline = true
}

// pipe makes the pipe of an output stream and returns its write end, or
// -1. The read end is jobsplit's, watched and never blocking; the write end
// is the job's stream and blocks, as a program expects.
func (c *child) pipe(s *stream) (int, error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return -1, os.NewSyscallError("pipe2", err)
	}
	s.fd = p[0]
	if err := syscall.SetNonblock(p[0], true); err != nil {
		return p[1], os.NewSyscallError("fcntl", err)
	}
	return p[1], c.watch(p[0])
}

// watch adds a file descriptor to the child's epoll instance.
func (c *child) watch(fd int) error {
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	if err := syscall.EpollCtl(c.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// noPidfdPoll is how often the end of a job is looked for where the
// kernel cannot say it (no pidfd).
const noPidfdPoll = 5 * time.Millisecond

// wait forwards the output until the process ends, reaps it and returns
// its exit code, or 128+signal when a signal ended it.
func (c *child) wait() int {
	for !c.ended {
		if c.pidfd < 0 {
			c.setDeadline(time.Now().Add(noPidfdPoll))
			c.reap()
		}
		err := c.conn.Read(func(uintptr) bool {
			c.handle()
			return c.ended
		})
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			// The runtime cannot poll the epoll file: look every few
			// milliseconds, still reading the output so that the job
			// never blocks on a full pipe.
			time.Sleep(noPidfdPoll)
			c.handle()
			c.reap()
		}
	}
	return c.code
}

// drain forwards what is left of the output until both pipes are closed,
// or for drainTimeout at most.
func (c *child) drain() {
	if c.out[0].fd < 0 && c.out[1].fd < 0 {
		return
	}
	c.setDeadline(time.Now().Add(drainTimeout))
	_ = c.conn.Read(func(uintptr) bool {
		c.handle()
		return c.out[0].fd < 0 && c.out[1].fd < 0
	})
}

// handle takes the events the epoll instance holds: output is forwarded,
// a pipe at its end closed, an ended process reaped. The runtime's poller
// watches the instance edge-triggered, so it is emptied before the worker
// waits again.
func (c *child) handle() {
	var events [4]syscall.EpollEvent
	for {
		n, err := syscall.EpollWait(c.epfd, events[:], 0)
		if err == syscall.EINTR {
			continue
		}
		for _, ev := range events[:max(n, 0)] {
			if int(ev.Fd) == c.pidfd {
				c.reap()
				continue
			}
			for k := range c.out {
				if c.out[k].fd == int(ev.Fd) {
					c.forward(&c.out[k])
				}
			}
		}
		if n < len(events) {
			return // that was all it held
		}
	}
}

// forward copies what a pipe holds to its writer, and closes the pipe at
// its end.
func (c *child) forward(s *stream) {
	for {
		n, err := syscall.Read(s.fd, c.buf[:])
		switch {
		case n > 0:
			_, _ = s.dst.Write(c.buf[:n])
			continue
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return
		}
		syscall.Close(s.fd) // the end of the output, or a broken pipe
		s.fd = -1
		return
	}
}

// reap collects the process's exit status if it has ended.
func (c *child) reap() {
	c.waitFor(syscall.WNOHANG)
}

// waitFor reaps the process with wait4's options, if it has ended.
func (c *child) waitFor(options int) {
	if c.ended {
		return
	}
	var status syscall.WaitStatus
	pid, err := syscall.Wait4(c.pid, &status, options, nil)
	for err == syscall.EINTR {
		pid, err = syscall.Wait4(c.pid, &status, options, nil)
	}
	switch {
	case err != nil:
		c.ended, c.code = true, -1 // not ours to wait for: no status
	case pid == c.pid:
		c.ended, c.code = true, exitCode(status)
	default:
		return // still running
	}
	if c.pidfd >= 0 {
		syscall.Close(c.pidfd) // closing also takes it out of the epoll set
		c.pidfd = -1
	}
}

// close releases what the child holds: pipes and pidfd, which empties the
// epoll instance (no one else holds those files), and then the instance
// goes back to the pool.
func (c *child) close() {
	for k := range c.out {
		if c.out[k].fd >= 0 {
			syscall.Close(c.out[k].fd)
			c.out[k].fd = -1
		}
	}
	if c.pidfd >= 0 {
		syscall.Close(c.pidfd)
		c.pidfd = -1
	}
	if p := c.poller; p != nil {
		if p.deadline {
			p.setDeadline(time.Time{})
			p.deadline = false
		}
		pollers.Put(p)
		c.poller = nil
	}
	if c.buf != nil {
		copyBuffers.Put(c.buf)
		c.buf = nil
	}
}
