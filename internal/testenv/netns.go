package testenv

import (
	"fmt"
	"os"
	"testing"

	"github.com/govif/govif/internal/sandbox"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// NetNS is a fresh, unnamed network namespace owned by one test. Its loopback is up.
// It is closed (and so destroyed once nothing else holds it) when the test ends. It wraps
// sandbox.NetNS.
type NetNS struct {
	ns *sandbox.NetNS
}

// NewNetNS creates a fresh network namespace for t, or skips t when not root.
func NewNetNS(t testing.TB) *NetNS {
	t.Helper()
	RequireRoot(t)
	ns, err := sandbox.NewNetNS()
	if err != nil {
		t.Fatalf("testenv: create network namespace: %v", err)
	}
	t.Cleanup(func() { ns.Close() })
	return &NetNS{ns: ns}
}

// Handle returns the namespace handle, for netlink.NewHandleAt and the netdev package's
// namespace option. The handle stays owned by the NetNS.
func (n *NetNS) Handle() netns.NsHandle { return n.ns.Handle() }

// Path returns a /proc path that names the namespace while the test runs (for tools that take a
// namespace path).
func (n *NetNS) Path() string {
	return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), int(n.Handle()))
}

// Do runs fn on an OS thread that has entered the namespace, and puts the thread back
// afterwards. Processes started from fn (exec.Cmd.Start) are born in the namespace; goroutines
// started from fn are NOT (they run on other threads).
func (n *NetNS) Do(fn func() error) error { return n.ns.Do(fn) }

// Do runs fn on an OS thread switched into ns (see NetNS.Do).
func Do(ns netns.NsHandle, fn func() error) error { return sandbox.Do(ns, fn) }

// Netlink returns a netlink handle bound to the namespace, closed when the test ends; it fails
// t if the handle cannot be made.
func (n *NetNS) Netlink(t testing.TB) *netlink.Handle {
	t.Helper()
	h, err := netlink.NewHandleAt(n.Handle())
	if err != nil {
		t.Fatalf("testenv: netlink handle in namespace: %v", err)
	}
	t.Cleanup(h.Close)
	return h
}
