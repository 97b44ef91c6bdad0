package nsthread_test

import (
	"errors"
	"os"
	"runtime"
	"testing"

	"github.com/govif/govif/internal/nsthread"
	"github.com/govif/govif/internal/sandbox"
	"github.com/vishvananda/netns"
)

func newNS(t *testing.T) netns.NsHandle {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root (creates a network namespace); CI runs it as root")
	}
	ns, err := sandbox.NewNetNS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	return ns.Handle()
}

func TestDoRunsInsideAndLeavesCallerOutside(t *testing.T) {
	h := newNS(t)
	before, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer before.Close()
	var inside bool
	err = nsthread.Do(h, func() error {
		cur, err := netns.Get()
		if err != nil {
			return err
		}
		defer cur.Close()
		inside = cur.Equal(h)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !inside {
		t.Error("fn did not run inside the namespace")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	after, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	if !after.Equal(before) {
		t.Error("caller's thread left its namespace")
	}
}

func TestDoReturnsFnError(t *testing.T) {
	h := newNS(t)
	want := errors.New("boom")
	if err := nsthread.Do(h, func() error { return want }); !errors.Is(err, want) {
		t.Fatalf("Do = %v, want %v", err, want)
	}
}

func TestDoBadHandleDoesNotRunFn(t *testing.T) {
	ran := false
	err := nsthread.Do(netns.None(), func() error { ran = true; return nil })
	if err == nil || ran {
		t.Fatalf("Do(None) = %v, ran=%v; want an enter error and fn not run", err, ran)
	}
}
