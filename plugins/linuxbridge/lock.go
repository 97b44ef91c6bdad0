package linuxbridge

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultLockDir is where the lock files live unless WithLockDir says otherwise.
const DefaultLockDir = "/run/govif/locks"

// Lock names, after os-vif's oslo.concurrency external locks. os-vif takes one global
// "nova-lock_bridge" (and "nova-lock_vlan") for every bridge; govif suffixes the device name so
// that plugs into different bridges run in parallel.
const (
	lockBridgePrefix = "nova-lock_bridge-" // + bridge name
	lockVLANPrefix   = "nova-lock_vlan-"   // + VLAN device name (vlan<N>)
	lockIptables     = "nova-iptables"     // the iptables tables are one shared resource
)

// locker hands out named locks that exclude both other goroutines of this process (a
// semaphore per name) and other processes (an open-file-description lock, F_OFD_SETLK, on
// <dir>/<name>). OFD locks conflict with the POSIX record locks oslo.concurrency takes
// (fasteners uses lockf), so a govif and a Python nova-compute sharing the lock directory
// also exclude each other on a lock of the same name.
type locker struct {
	dir string

	mu   sync.Mutex
	sems map[string]*namedSem
}

type namedSem struct {
	ch   chan struct{}
	refs int
}

func newLocker(dir string) *locker {
	return &locker{dir: dir, sems: map[string]*namedSem{}}
}

// lock blocks until it holds the lock called name, or ctx ends. The returned function
// releases it and must be called exactly once.
func (l *locker) lock(ctx context.Context, name string) (func(), error) {
	if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
		return nil, fmt.Errorf("linux_bridge: invalid lock name %q", name)
	}
	s := l.acquireSem(name)
	select {
	case s.ch <- struct{}{}:
	case <-ctx.Done():
		l.releaseSem(name, s, false)
		return nil, fmt.Errorf("linux_bridge: wait for lock %s: %w", name, ctx.Err())
	}
	f, err := l.lockFile(ctx, name)
	if err != nil {
		l.releaseSem(name, s, true)
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			// Closing the only descriptor of the open file description drops the OFD lock.
			f.Close()
			l.releaseSem(name, s, true)
		})
	}, nil
}

func (l *locker) acquireSem(name string) *namedSem {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.sems[name]
	if s == nil {
		s = &namedSem{ch: make(chan struct{}, 1)}
		l.sems[name] = s
	}
	s.refs++
	return s
}

func (l *locker) releaseSem(name string, s *namedSem, held bool) {
	if held {
		<-s.ch
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s.refs--
	if s.refs == 0 {
		delete(l.sems, name)
	}
}

// lockFile opens <dir>/<name> and takes a whole-file OFD write lock on it, polling while
// another process holds it (a blocking F_OFD_SETLKW cannot be interrupted by ctx).
func (l *locker) lockFile(ctx context.Context, name string) (*os.File, error) {
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return nil, fmt.Errorf("linux_bridge: lock directory: %w", err)
	}
	path := filepath.Join(l.dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("linux_bridge: open lock file: %w", err)
	}
	flk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	wait := time.Millisecond
	for {
		err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &flk)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EACCES) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, fmt.Errorf("linux_bridge: lock %s: %w", path, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, fmt.Errorf("linux_bridge: wait for lock %s: %w", path, ctx.Err())
		}
		if wait < 50*time.Millisecond {
			wait *= 2
		}
	}
}
