package balance

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// store is the sweep's folder, DIR/<digest>, and the three ways balance
// writes to it. None of them needs a lock, O_EXCL, or a rename over a name
// that may exist, so they hold on NFS, sshfs and the like:
//   - append: a fully written file of unique content is linked to a name;
//     whoever's content reads back from the name owns it. This is the one
//     arbitration, used for every claim, incarnation and takeover.
//   - publish: a fully written file is renamed to a name only its writer
//     uses, so readers see all of it or nothing (done lists).
//   - rewrite: a file of fixed size is overwritten in place (heartbeats,
//     fates, done maps), so a reader's cached size is never out of date.
type store struct {
	root string
	// tmpPrefix makes temporary names unique across hosts and processes:
	// host name, pid and random bytes.
	tmpPrefix string
	seq       atomic.Uint64
}

// The folders under root.
const (
	tmpDir      = "tmp"
	planFile    = "plan"
	incDir      = "inc"      // inc/<machine>/<n>: a machine's incarnations, in order
	beatDir     = "beat"     // beat/<inc>: an incarnation's heartbeat
	claimDir    = "claims"   // claims/<share>/<n>: the claims on a share, in order
	doneDir     = "done"     // done/<share>: a byte per job of the share, 1 once done
	takeoverDir = "takeover" // takeover/<inc>: the heir of a dead incarnation
	fateDir     = "fate"     // fate/<inc>: fixed size, "alive" until its heir rewrites it
)

func openStore(dir, digest string) (*store, error) {
	if digest == "" || filepath.Base(digest) != digest || digest == "." || digest == ".." {
		return nil, fmt.Errorf("digest %q is not a folder name", digest)
	}
	root := filepath.Join(dir, digest)
	for _, sub := range []string{tmpDir, incDir, beatDir, claimDir, doneDir, takeoverDir, fateDir} {
		if err := os.MkdirAll(filepath.Join(root, sub), 0o777); err != nil {
			return nil, err
		}
	}
	host, _ := os.Hostname()
	return &store{root: root, tmpPrefix: fmt.Sprintf("%s.%d.%s.", sanitize(host), os.Getpid(), nonce())}, nil
}

// nonce is 8 random bytes in hex: enough that no two incarnations or
// temporary files of a sweep ever share one.
func nonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sanitize keeps a host name usable inside a file name.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

func (st *store) path(name string) string { return filepath.Join(st.root, name) }

// writeTemp writes content to a new temporary file and closes it, so that
// on NFS its content reaches the server before any name points at it.
func (st *store) writeTemp(content []byte) (string, error) {
	tmp := st.path(filepath.Join(tmpDir, st.tmpPrefix+strconv.FormatUint(st.seq.Add(1), 10)))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		os.Remove(tmp)
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// append tries to make name hold content, which must be unique to the
// caller. It reports whether the caller won, and the content name holds
// either way. The link's own answer is never trusted alone: an NFS retry
// can report EEXIST for a link that succeeded, and sshfs reports no link
// counts, so the content read back decides.
func (st *store) append(name string, content []byte) (won bool, got []byte, err error) {
	tmp, err := st.writeTemp(content)
	if err != nil {
		return false, nil, err
	}
	defer os.Remove(tmp)
	linkErr := os.Link(tmp, st.path(name))
	got, ok, err := st.read(name)
	if err == nil && !ok && linkErr != nil {
		// An NFS client may still hold "no such file" for the name from an
		// earlier look; reading the folder makes it look again.
		_, _ = os.ReadDir(filepath.Dir(st.path(name)))
		got, ok, err = st.read(name)
	}
	if err != nil {
		return false, nil, err
	}
	if !ok {
		if linkErr == nil {
			linkErr = errors.New("linked name is missing")
		}
		return false, nil, fmt.Errorf("claim %s: %w", name, linkErr)
	}
	return bytes.Equal(got, content), got, nil
}

// publish makes name, which only the caller ever writes, hold content.
func (st *store) publish(name string, content []byte) error {
	tmp, err := st.writeTemp(content)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, st.path(name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// rewrite overwrites the start of an existing file in place; content must
// be as long as the file.
func (st *store) rewrite(name string, content []byte) error {
	f, err := os.OpenFile(st.path(name), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(content, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// read returns name's content, or false when it does not exist (yet).
func (st *store) read(name string) ([]byte, bool, error) {
	b, err := os.ReadFile(st.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// exists reports whether name exists.
func (st *store) exists(name string) (bool, error) {
	_, err := os.Lstat(st.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// mkdir makes a folder, which may exist already.
func (st *store) mkdir(name string) error {
	return os.MkdirAll(st.path(name), 0o777)
}
