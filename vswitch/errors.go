package vswitch

import (
	"context"
	"errors"
	"fmt"
)

// BridgeNotFoundError is an operation on a bridge that does not exist.
type BridgeNotFoundError struct{ Bridge string }

// Error implements error.
func (e *BridgeNotFoundError) Error() string {
	return fmt.Sprintf("vswitch: no bridge named %q", e.Bridge)
}

// DatapathConflictError is EnsureBridge on an existing bridge whose datapath_type differs from
// the one asked for. The bridge is left as it is.
type DatapathConflictError struct{ Bridge, Have, Want string }

// Error implements error.
func (e *DatapathConflictError) Error() string {
	return fmt.Sprintf("vswitch: bridge %q exists with datapath_type %q, not %q (left unchanged)", e.Bridge, e.Have, e.Want)
}

// NotFoundError is an operation on a Port, Interface or QoS row that does not exist.
type NotFoundError struct{ Table, Name string }

// Error implements error.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("vswitch: no %s named %q", e.Table, e.Name)
}

// PortConflictError is a port that exists on another bridge than the one named (ovs-vsctl
// refuses "--may-exist add-port" and "del-port" across bridges too).
type PortConflictError struct{ Port, Bridge, OtherBridge string }

// Error implements error.
func (e *PortConflictError) Error() string {
	return fmt.Sprintf("vswitch: port %q is on bridge %q, not %q", e.Port, e.OtherBridge, e.Bridge)
}

// InterfaceError is an interface ovs-vswitchd failed to set up (its error column, or ofport -1).
type InterfaceError struct{ Interface, Err string }

// Error implements error.
func (e *InterfaceError) Error() string {
	return fmt.Sprintf("vswitch: interface %q failed: %s", e.Interface, e.Err)
}

// InvalidArgumentError is a bad argument, caught before anything is sent.
type InvalidArgumentError struct {
	Field string
	Value any
	Why   string
}

// Error implements error.
func (e *InvalidArgumentError) Error() string {
	return fmt.Sprintf("vswitch: invalid %s %v: %s", e.Field, e.Value, e.Why)
}

func checkName(field, v string) error {
	if v == "" {
		return &InvalidArgumentError{field, `""`, "must not be empty"}
	}
	return nil
}

// OutcomeUnknownError is a write whose transaction went out but whose reply never came (the
// connection dropped, or the caller's context ended while it was in flight): it may or may
// not have committed. Only a read-back can tell; a caller rolling back must look for what it
// may have created (see Writer.DelPortIfOwned) rather than assume either way.
type OutcomeUnknownError struct {
	// MayHaveCreated lists the ports the transaction creates if it committed (ports it would
	// only have updated are not listed: they existed before).
	MayHaveCreated []string
	Err            error
	settled        <-chan struct{} // closed when the write is no longer in flight (nil: it is not)
	final          *writeRes       // its result, once settled
}

// Error implements error.
func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("vswitch: outcome unknown (may have created %v): %v", e.MayHaveCreated, e.Err)
}

// Unwrap returns the cause (a context or connection error).
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Settle waits until the write is no longer in flight (its transaction answered or failed),
// or ctx ends. known reports whether its outcome is now known, and created lists the ports it
// created then; when known is false only a read-back can tell (Writer.DelPortIfOwned).
func (e *OutcomeUnknownError) Settle(ctx context.Context) (created []string, known bool) {
	if e.settled == nil {
		return nil, false
	}
	select {
	case <-e.settled:
	case <-ctx.Done():
		return nil, false
	}
	if e.final == nil {
		return nil, false
	}
	var ue *OutcomeUnknownError
	if errors.As(e.final.err, &ue) {
		return nil, false
	}
	for name, ok := range e.final.created {
		if ok {
			created = append(created, name)
		}
	}
	return created, true
}
