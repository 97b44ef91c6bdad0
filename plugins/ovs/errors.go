package ovs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// OpError is a plug or unplug step that failed: which VIF, what was being done, on which
// device, port or bridge, and why (wrapped).
type OpError struct {
	VIF    string // VIF id
	Op     string // "plug" or "unplug"
	Step   string // e.g. "create veth pair", "add OVS port"
	Device string // the device, port or bridge the step worked on
	Err    error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("ovs: %s VIF %s: %s %s: %v", e.Op, e.VIF, e.Step, e.Device, e.Err)
}

func (e *OpError) Unwrap() error { return e.Err }

// undo is the rollback stack of one plug: each step that created something pushes its inverse.
type undo struct {
	steps []undoStep
}

type undoStep struct {
	what string
	fn   func(ctx context.Context) error
}

func (u *undo) push(what string, fn func(ctx context.Context) error) {
	u.steps = append(u.steps, undoStep{what, fn})
}

// run undoes in reverse order, on a context of its own bounded by timeout (the plug's own
// context may be done: it may be the reason for the failure), and returns the rollback errors
// joined.
func (u *undo) run(ctx context.Context, timeout time.Duration, log *slog.Logger) error {
	if len(u.steps) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var errs []error
	for i := len(u.steps) - 1; i >= 0; i-- {
		s := u.steps[i]
		if err := s.fn(ctx); err != nil {
			log.Warn("ovs: rollback step failed", "step", s.what, "err", err)
			errs = append(errs, fmt.Errorf("rollback %s: %w", s.what, err))
		}
	}
	return errors.Join(errs...)
}
