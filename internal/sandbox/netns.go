package sandbox

import (
	"fmt"
	"os"
	"runtime"

	"github.com/govif/govif/internal/nsthread"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// NetNS is a fresh, unnamed network namespace with its loopback up. It lives while its handle
// is open or a process runs in it; Close drops the handle.
type NetNS struct {
	handle netns.NsHandle
}

// NewNetNS creates a fresh network namespace (needs CAP_SYS_ADMIN) and brings its lo up.
func NewNetNS() (*NetNS, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return nil, fmt.Errorf("sandbox: get current netns: %w", err)
	}
	defer orig.Close()
	h, err := netns.New() // unshare(CLONE_NEWNET) on this thread, which now sits in it
	if err != nil {
		return nil, fmt.Errorf("sandbox: create network namespace: %w", err)
	}
	defer func() {
		if err := netns.Set(orig); err != nil {
			panic(fmt.Sprintf("sandbox: cannot restore network namespace: %v", err))
		}
	}()
	lo, err := netlink.LinkByName("lo")
	if err == nil {
		err = netlink.LinkSetUp(lo)
	}
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("sandbox: bring lo up in new namespace: %w", err)
	}
	return &NetNS{handle: h}, nil
}

// Handle returns the namespace handle (for netlink.NewHandleAt and netdev.InNamespace). It
// stays owned by the NetNS.
func (n *NetNS) Handle() netns.NsHandle { return n.handle }

// ID returns the namespace's identity as the kernel names it, "net:[<inode>]" (what
// /proc/<pid>/ns/net links to), so that callers can look for processes still inside it.
func (n *NetNS) ID() string {
	id, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", int(n.handle)))
	if err != nil {
		return "net:[?]"
	}
	return id
}

// Do runs fn on an OS thread switched into the namespace (see Do).
func (n *NetNS) Do(fn func() error) error { return Do(n.handle, fn) }

// Close releases the handle. The namespace disappears once no process runs in it and no
// other handle or device refers to it.
func (n *NetNS) Close() error {
	if n == nil || !n.handle.IsOpen() {
		return nil
	}
	err := n.handle.Close()
	n.handle = netns.None()
	return err
}

// Do runs fn on an OS thread that has entered ns, and puts the thread back afterwards.
// Sockets opened and processes started (exec.Cmd.Start) from fn belong to ns; goroutines
// started from fn do not (they run on other threads).
func Do(ns netns.NsHandle, fn func() error) error { return nsthread.Do(ns, fn) }

// ProcessesIn returns the pids of processes whose network namespace is id (as NetNS.ID
// returns it). It reads /proc, so it sees only what this process may see.
func ProcessesIn(id string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil || fmt.Sprint(pid) != e.Name() {
			continue
		}
		if l, err := os.Readlink("/proc/" + e.Name() + "/ns/net"); err == nil && l == id {
			pids = append(pids, pid)
		}
	}
	return pids
}
