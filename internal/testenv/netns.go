package testenv

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// NetNS is a fresh, unnamed network namespace owned by one test. Its loopback is up.
// It is closed (and so destroyed once nothing else holds it) when the test ends.
type NetNS struct {
	handle netns.NsHandle
}

// NewNetNS creates a fresh network namespace for t, or skips t when not root.
func NewNetNS(t testing.TB) *NetNS {
	t.Helper()
	RequireRoot(t)
	ns, err := newNetNS()
	if err != nil {
		t.Fatalf("testenv: create network namespace: %v", err)
	}
	t.Cleanup(func() { ns.handle.Close() })
	return ns
}

func newNetNS() (*NetNS, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return nil, fmt.Errorf("get current netns: %w", err)
	}
	defer orig.Close()
	h, err := netns.New() // unshare(CLONE_NEWNET) on this thread, and switch to it
	if err != nil {
		return nil, fmt.Errorf("unshare netns: %w", err)
	}
	defer func() {
		// Put this thread back; if that fails the thread must not be reused.
		if err := netns.Set(orig); err != nil {
			panic(fmt.Sprintf("testenv: cannot restore network namespace: %v", err))
		}
	}()
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("find lo: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		h.Close()
		return nil, fmt.Errorf("set lo up: %w", err)
	}
	return &NetNS{handle: h}, nil
}

// Handle returns the namespace handle, for netlink.NewHandleAt and the netdev package's
// namespace option. The handle stays owned by the NetNS.
func (n *NetNS) Handle() netns.NsHandle { return n.handle }

// Path returns a /proc path that names the namespace while the test runs (for tools that take a
// namespace path).
func (n *NetNS) Path() string {
	return fmt.Sprintf("/proc/%d/fd/%d", pidSelf(), int(n.handle))
}

// Do runs fn on an OS thread that has entered the namespace, and puts the thread back
// afterwards. Processes started from fn (exec.Cmd.Start) are born in the namespace; goroutines
// started from fn are NOT (they run on other threads).
func (n *NetNS) Do(fn func() error) error {
	return Do(n.handle, fn)
}

// Do runs fn on an OS thread switched into ns (see NetNS.Do).
func Do(ns netns.NsHandle, fn func() error) error {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("get current netns: %w", err)
	}
	defer orig.Close()
	if err := netns.Set(ns); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter netns: %w", err)
	}
	ferr := fn()
	if err := netns.Set(orig); err != nil {
		// Leave the thread locked: the runtime then destroys it when the goroutine exits,
		// instead of reusing a thread stuck in the wrong namespace.
		return fmt.Errorf("restore netns: %w (fn: %v)", err, ferr)
	}
	runtime.UnlockOSThread()
	return ferr
}

func pidSelf() int { return os.Getpid() }
