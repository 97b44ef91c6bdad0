package netdev

import (
	"context"
	"errors"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"
)

func TestRetryDump(t *testing.T) {
	ctx := context.Background()
	calls := 0
	flaky := func(failures int) func() ([]int, error) {
		calls = 0
		return func() ([]int, error) {
			calls++
			if calls <= failures {
				return []int{-1}, netlink.ErrDumpInterrupted // partial result: must not be used
			}
			return []int{1, 2}, nil
		}
	}
	got, err := retryDump(ctx, "list", "all devices", flaky(3))
	if err != nil || len(got) != 2 || calls != 4 {
		t.Errorf("after 3 interruptions: %v, %v, %d calls; want [1 2], nil, 4 calls", got, err, calls)
	}
	got, err = retryDump(ctx, "list", "all devices", flaky(maxDumpAttempts))
	if !errors.Is(err, netlink.ErrDumpInterrupted) || got != nil || calls != maxDumpAttempts {
		t.Errorf("always interrupted: %v, %v, %d calls; want nil, ErrDumpInterrupted, %d calls", got, err, calls, maxDumpAttempts)
	}
	_, err = retryDump(ctx, "list", "all devices", func() ([]int, error) { calls++; return nil, syscall.EPERM })
	var oe *OpError
	if !errors.As(err, &oe) || !errors.Is(err, syscall.EPERM) || oe.Op != "list" {
		t.Errorf("other error = %v, want *OpError wrapping EPERM", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := retryDump(cctx, "list", "x", flaky(0)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
