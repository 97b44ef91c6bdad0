package nsthread

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/vishvananda/netns"
)

// Do runs fn on a fresh goroutine whose OS thread has entered ns, waits for it and returns
// fn's error. Sockets opened and processes started (exec.Cmd.Start) from fn belong to ns;
// goroutines started from fn do not (they run on other threads). The calling goroutine's own
// thread never changes namespace.
//
// If the thread cannot be put back into its original namespace, it stays locked, so the runtime
// discards it when the goroutine ends instead of reusing it; the error then joins fn's error
// (still matchable with errors.Is) and the restore failure.
func Do(ns netns.NsHandle, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("get current network namespace: %w", err)
			return
		}
		defer orig.Close()
		if err := netns.Set(ns); err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("enter network namespace: %w", err)
			return
		}
		ferr := fn()
		if err := netns.Set(orig); err != nil {
			done <- errors.Join(ferr, fmt.Errorf("restore network namespace: %w", err))
			return // the thread stays locked and ends with this goroutine
		}
		runtime.UnlockOSThread()
		done <- ferr
	}()
	return <-done
}
