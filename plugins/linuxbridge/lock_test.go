package linuxbridge

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Two lockers on one directory stand for two processes: OFD locks taken through different
// open file descriptions exclude each other even inside one process.
func TestLockExcludesOtherLocker(t *testing.T) {
	dir := t.TempDir()
	a, b := newLocker(dir), newLocker(dir)
	unlock, err := a.lock(context.Background(), "nova-lock_bridge-br0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.lock(ctx, "nova-lock_bridge-br0"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second locker got the held lock: err = %v", err)
	}
	// Another name is independent.
	u2, err := b.lock(context.Background(), "nova-lock_bridge-br1")
	if err != nil {
		t.Fatalf("other lock: %v", err)
	}
	u2()
	unlock()
	u3, err := b.lock(context.Background(), "nova-lock_bridge-br0")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	u3()
	if _, err := os.Stat(filepath.Join(dir, "nova-lock_bridge-br0")); err != nil {
		t.Errorf("lock file: %v", err)
	}
}

func TestLockInProcessWaitsAndCancels(t *testing.T) {
	l := newLocker(t.TempDir())
	unlock, err := l.lock(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() {
		_, err := l.lock(ctx, "x")
		got <- err
	}()
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting lock: err = %v, want context.Canceled", err)
	}
	unlock()
	if len(l.sems) != 0 {
		t.Errorf("semaphores leaked: %v", l.sems)
	}
}

// A POSIX record lock held by another process, taken with fcntl.lockf as oslo.concurrency
// (fasteners) takes its external locks, blocks ours.
func TestLockExcludesPOSIXLockOfOtherProcess(t *testing.T) {
	py, err := exec.LookPath("/usr/bin/python3")
	if err != nil {
		t.Skip("skipping: /usr/bin/python3 not found")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "nova-iptables")
	cmd := exec.Command(py, "-c", `import fcntl,sys
f=open(sys.argv[1],"a")
fcntl.lockf(f, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()`, path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("helper: %q %v", line, err)
	}
	l := newLocker(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.lock(ctx, "nova-iptables"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got the lock oslo.concurrency-style holder has: err = %v", err)
	}
	stdin.Close() // helper exits, releasing its lock
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	unlock, err := l.lock(context.Background(), "nova-iptables")
	if err != nil {
		t.Fatalf("after the helper exited: %v", err)
	}
	unlock()
}

func TestLockRejectsBadName(t *testing.T) {
	l := newLocker(t.TempDir())
	for _, n := range []string{"", "a/b", "..", "."} {
		if _, err := l.lock(context.Background(), n); err == nil {
			t.Errorf("lock(%q) succeeded", n)
		}
	}
}
