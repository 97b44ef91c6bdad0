package linuxbridge

import (
	"context"
	"errors"
)

// journal records how to undo each host change a plug made, so a plug that fails midway can
// leave the host as it found it.
type journal struct {
	undo []func(context.Context) error
}

// add records the undo of a change just made.
func (j *journal) add(fn func(context.Context) error) { j.undo = append(j.undo, fn) }

// rollback undoes every recorded change, newest first, and forgets them. It keeps going past
// failures and returns them all.
func (j *journal) rollback(ctx context.Context) error {
	var errs []error
	for i := len(j.undo) - 1; i >= 0; i-- {
		if err := j.undo[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	j.undo = nil
	if len(errs) > 0 {
		return errors.Join(append([]error{errors.New("linux_bridge: rollback incomplete")}, errs...)...)
	}
	return nil
}
