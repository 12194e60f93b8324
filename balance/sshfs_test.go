//go:build unix

package balance_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSSHFS runs the cases with the hosts split over two sshfs mounts of one
// folder, served by an sshd of the test's own on 127.0.0.1: each mount has
// its own attribute cache, as two NFS clients do. It needs sshd, sshfs and
// /dev/fuse; without them it is skipped, unless JOBSPLIT_TEST_SSHFS=1 asks
// for it (CI): then it fails.
func TestSSHFS(t *testing.T) {
	server := sshfsServer(t)
	runCases(t, func(t *testing.T) ([]string, string) {
		backing, err := os.MkdirTemp(server.root, "case")
		if err != nil {
			t.Fatal(err)
		}
		return []string{server.mount(t, backing), server.mount(t, backing)}, backing
	})
}

// sshServer is a throwaway sshd serving one folder.
type sshServer struct {
	root, key, user string
	port            int
}

// sshfsServer starts sshd with a fresh host key and user key on a free port
// of 127.0.0.1, or skips (fails with JOBSPLIT_TEST_SSHFS=1) when it cannot.
func sshfsServer(t testing.TB) *sshServer {
	s, err := startSSHD(t)
	if err != nil {
		if os.Getenv("JOBSPLIT_TEST_SSHFS") == "1" {
			t.Fatalf("JOBSPLIT_TEST_SSHFS=1 but no sshfs: %v (install openssh-server and sshfs; run as root)", err)
		}
		t.Skipf("no sshfs (%v); set JOBSPLIT_TEST_SSHFS=1 to make this a failure", err)
	}
	return s
}

func startSSHD(t testing.TB) (*sshServer, error) {
	for _, tool := range []string{"/usr/sbin/sshd", "sshfs", "ssh-keygen", "fusermount"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		return nil, err
	}
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	tmp := t.TempDir()
	s := &sshServer{root: filepath.Join(tmp, "data"), key: filepath.Join(tmp, "user_key"), user: u.Username}
	if err := os.Mkdir(s.root, 0o777); err != nil {
		return nil, err
	}
	for _, key := range []string{"host_key", "user_key"} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(tmp, key)).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("ssh-keygen: %v: %s", err, out)
		}
	}
	pub, err := os.ReadFile(s.key + ".pub")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "authorized_keys"), pub, 0o600); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	config := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s/host_key
AuthorizedKeysFile %s/authorized_keys
PidFile %s/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
LogLevel ERROR
`, s.port, tmp, tmp, tmp)
	if err := os.WriteFile(filepath.Join(tmp, "sshd_config"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // its privilege separation folder
		return nil, err
	}
	sshd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", filepath.Join(tmp, "sshd_config"))
	var log strings.Builder // shown only when sshd fails
	sshd.Stderr = &log
	if err := sshd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- sshd.Wait() }()
	t.Cleanup(func() {
		_ = sshd.Process.Kill()
		<-exited
	})
	for end := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
		if err == nil {
			c.Close()
			return s, nil
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("sshd exited: %v: %s", err, log.String())
		default:
		}
		if time.Now().After(end) {
			return nil, fmt.Errorf("sshd does not listen on port %d: %v", s.port, err)
		}
		time.Sleep(20 * time.Millisecond) // polling for sshd to listen, with a deadline
	}
}

// mount mounts folder (under the server's root) with sshfs on a new mount
// point, unmounted when the test ends.
func (s *sshServer) mount(t testing.TB, folder string) string {
	mnt, err := os.MkdirTemp("", "balance-sshfs")
	if err != nil {
		t.Fatal(err)
	}
	opts := fmt.Sprintf("IdentityFile=%s,StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,port=%d,LogLevel=ERROR", s.key, s.port)
	if out, err := exec.Command("sshfs", "-o", opts, fmt.Sprintf("%s@127.0.0.1:%s", s.user, folder), mnt).CombinedOutput(); err != nil {
		os.Remove(mnt)
		t.Fatalf("sshfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("fusermount", "-u", mnt).CombinedOutput(); err != nil {
			t.Errorf("fusermount -u %s: %v: %s", mnt, err, out)
			return
		}
		os.Remove(mnt)
	})
	return mnt
}
