package process

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// child is a started job process. Its output pipes and its pidfd (which
// becomes readable when it ends) sit in an epoll instance of its own, so
// that the worker that started the job forwards its output and sees it end
// with one wait, alone. A goroutine per stream and a wait in the runtime's
// poller for the end cost three wake-ups per job and most of what os/exec
// adds to a start; for short jobs that was a good part of jobsplit's own
// time.
type child struct {
	pid   int
	pidfd int // -1 where the kernel has no pidfds (before 5.3)
	*poller
	out   [2]stream // stdout, stderr; fd -1 once closed
	buf   *[32 << 10]byte
	code  int // the exit code, once reaped
	ended bool
}

// poller is an epoll instance. One is made for a job and, empty again at
// its end, kept for the next.
type poller struct {
	epfd int
	// ep is a duplicate of epfd that the runtime's poller watches while a
	// worker waits there (see await); nil otherwise.
	ep   *os.File
	conn syscall.RawConn
}

// idle holds the pollers of finished jobs: making one costs a system call.
// It never shrinks: it holds as many as jobs ever ran at once, one file
// each, for the life of the run.
var idle struct {
	sync.Mutex
	pollers []*poller
}

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

// openEpoll gives the child an empty epoll instance: a finished job's, or
// a new one.
func (c *child) openEpoll() error {
	idle.Lock()
	if n := len(idle.pollers); n > 0 {
		c.poller = idle.pollers[n-1]
		idle.pollers = idle.pollers[:n-1]
	}
	idle.Unlock()
	if c.poller != nil {
		return nil
	}
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("epoll_create1", err)
	}
	c.poller = &poller{epfd: fd}
	return nil
}

// inRuntime puts the instance in the runtime's poller: a duplicate of it,
// made non-blocking, which epoll_wait does not mind.
func (p *poller) inRuntime() error {
	fd, err := unix.FcntlInt(uintptr(p.epfd), syscall.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return os.NewSyscallError("fcntl", err)
	}
	ep := os.NewFile(uintptr(fd), "epoll")
	conn, err := ep.SyscallConn()
	if err != nil {
		ep.Close()
		return err
	}
	p.ep, p.conn = ep, conn
	return nil
}

// outOfRuntime takes the instance out of the runtime's poller again, so
// that a fast wait on it later wakes nobody else.
func (p *poller) outOfRuntime() {
	p.ep.Close()
	p.ep, p.conn = nil, nil
}

// pipe makes the pipe of an output stream and returns its write end, or
// -1. The read end is jobsplit's, watched and never blocking; the write end
// is the job's stream and blocks, as a program expects. (Both ends are made
// non-blocking, and the write end set back: one call fewer than the other
// way round.)
func (c *child) pipe(s *stream) (int, error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		return -1, os.NewSyscallError("pipe2", err)
	}
	s.fd = p[0]
	if _, err := unix.FcntlInt(uintptr(p[1]), unix.F_SETFL, 0); err != nil {
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
	ended := func() bool { return c.ended }
	for !c.ended {
		var deadline time.Time
		if c.pidfd < 0 {
			deadline = time.Now().Add(noPidfdPoll)
			c.reap()
		}
		if !c.await(deadline, ended) {
			// The runtime cannot poll the epoll file: look every few
			// milliseconds, still reading the output so that the job
			// never blocks on a full pipe.
			time.Sleep(noPidfdPoll)
			c.take(0)
			c.reap()
		}
	}
	return c.code
}

// drain forwards what is left of the output until both pipes are closed,
// or for drainTimeout at most.
func (c *child) drain() {
	closed := func() bool { return c.out[0].fd < 0 && c.out[1].fd < 0 }
	if !closed() {
		c.await(time.Now().Add(drainTimeout), closed)
	}
}

// await takes the instance's events until done holds or the deadline (the
// zero time: none) passes. A worker that holds a fast wait (see
// ReserveFastWaits) waits in epoll_wait for up to fastSpan without giving
// up its scheduler slot, and so starts its next job the moment this one
// ends; others, and jobs that outlast the span, wait in the runtime's
// poller, which wakes the worker through the scheduler. It returns false
// if the runtime could not poll the instance.
func (c *child) await(deadline time.Time, done func() bool) bool {
	if fast.take() {
		until := time.Now().Add(fastSpan)
		if !deadline.IsZero() && deadline.Before(until) {
			until = deadline
		}
		for !done() {
			left := time.Until(until)
			if left <= 0 {
				break
			}
			c.take(int((left + time.Millisecond - 1) / time.Millisecond))
		}
		fast.put()
		if done() || !deadline.IsZero() && !time.Now().Before(deadline) {
			return true
		}
	}
	if c.inRuntime() != nil {
		return false
	}
	defer c.outOfRuntime()
	if !deadline.IsZero() {
		_ = c.ep.SetReadDeadline(deadline)
	}
	err := c.conn.Read(func(uintptr) bool {
		c.take(0)
		return done()
	})
	return err == nil || errors.Is(err, os.ErrDeadlineExceeded)
}

// take takes the events the instance holds, after a fast wait of up to
// wait milliseconds for the first (0: no wait): output is forwarded, a pipe
// at its end closed, an ended process reaped. The runtime's poller watches
// the instance edge-triggered, so it is emptied before a worker parks
// there again. A signal ends a fast wait early: that is how the runtime
// preempts a worker that waits without telling it.
func (c *child) take(wait int) {
	var events [4]syscall.EpollEvent
	for {
		var n int
		var err error
		if wait > 0 {
			n, err = rawEpollWait(c.epfd, events[:], wait)
		} else {
			n, err = syscall.EpollWait(c.epfd, events[:], 0)
		}
		if err == syscall.EINTR {
			if wait != 0 {
				return
			}
			continue
		}
		wait = 0
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
// is kept for the next job.
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
		idle.Lock()
		idle.pollers = append(idle.pollers, p)
		idle.Unlock()
		c.poller = nil
	}
	if c.buf != nil {
		copyBuffers.Put(c.buf)
		c.buf = nil
	}
}
