package netdev

import (
	"context"
	"errors"

	"github.com/vishvananda/netlink"
)

// maxDumpAttempts bounds the retries of a dump the kernel reports as interrupted
// (NLM_F_DUMP_INTR: the table changed while it was being read).
const maxDumpAttempts = 10

// retryDump runs dump until it returns a result the kernel did not flag as interrupted, at
// most maxDumpAttempts times. netlink returns partial results with ErrDumpInterrupted;
// they are never used. Other errors are returned at once, as an *OpError for op on dev.
func retryDump[T any](ctx context.Context, op, dev string, dump func() ([]T, error)) ([]T, error) {
	var err error
	for range maxDumpAttempts {
		if cerr := live(ctx, op, dev); cerr != nil {
			return nil, cerr
		}
		var out []T
		out, err = dump()
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return nil, opErr(op, dev, err)
		}
	}
	return nil, opErr(op, dev, err)
}
