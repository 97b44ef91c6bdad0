package netdev

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/vishvananda/netlink"
)

// ErrNotFound is wrapped by errors about a network device that does not exist.
var ErrNotFound = errors.New("no such network device")

// NameError reports a device name the kernel would reject (or that would not name one
// device). It is returned before anything is sent to the kernel.
type NameError struct {
	Name   string // the name as given
	Reason string // why it is invalid
}

// Error implements error.
func (e *NameError) Error() string {
	return fmt.Sprintf("netdev: invalid device name %q: %s", e.Name, e.Reason)
}

// InvalidInput reports that the error is the caller's (nothing was sent to the kernel); callers
// that map errors to "bad request" test for this method.
func (e *NameError) InvalidInput() bool { return true }

// ValueError reports an invalid argument other than a device name (an MTU, a MAC address, a
// PCI address, a sysctl path). It is returned before anything on the host changes.
type ValueError struct {
	Field  string // the argument, e.g. "mtu"
	Value  any    // the value as given
	Reason string // why it is invalid
}

// Error implements error.
func (e *ValueError) Error() string {
	return fmt.Sprintf("netdev: invalid %s %v: %s", e.Field, e.Value, e.Reason)
}

// InvalidInput reports that the error is the caller's (nothing on the host changed).
func (e *ValueError) InvalidInput() bool { return true }

// ConflictError reports a device that exists but with another shape than the one asked for:
// another kind (a bridge where a veth is wanted), or a veth whose peer has another name.
// netdev never deletes such a device to make room.
type ConflictError struct {
	Name   string // the existing device
	Reason string // what differs, e.g. "exists as bridge, want veth"
	Err    error  // the underlying kernel error, if any
}

// Error implements error.
func (e *ConflictError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("netdev: %s: %s: %v", e.Name, e.Reason, e.Err)
	}
	return fmt.Sprintf("netdev: %s: %s", e.Name, e.Reason)
}

// Unwrap returns the underlying error.
func (e *ConflictError) Unwrap() error { return e.Err }

// OpError is an operation on a device that failed in the kernel (or in /proc, /sys).
// Its message reads "netdev: <op> on <dev>: <cause>".
type OpError struct {
	Op  string // what was attempted, e.g. "set mtu 9000"
	Dev string // the device it was attempted on
	Err error  // the cause (a syscall.Errno, ErrNotFound, ...)
}

// Error implements error.
func (e *OpError) Error() string {
	return fmt.Sprintf("netdev: %s on %s: %v", e.Op, e.Dev, e.Err)
}

// Unwrap returns the underlying error.
func (e *OpError) Unwrap() error { return e.Err }

// RepresentorNotFoundError reports that no switchdev representor netdev was found for VF
// number VF of the physical function netdev PF (os-vif's RepresentorNotFound).
type RepresentorNotFoundError struct {
	PF     string
	VF     int
	Reason string
}

// Error implements error.
func (e *RepresentorNotFoundError) Error() string {
	return fmt.Sprintf("netdev: no representor for VF %d of PF %s: %s", e.VF, e.PF, e.Reason)
}

// PCIDeviceNotFoundError reports that a PCI device, or the netdev or VF number that belongs
// to it, was not found in sysfs (os-vif's PciDeviceNotFoundById).
type PCIDeviceNotFoundError struct {
	Address string // the PCI address looked up, e.g. "0000:03:00.2"
	Reason  string
	Err     error // the underlying file system error, if any
}

// Error implements error.
func (e *PCIDeviceNotFoundError) Error() string {
	msg := fmt.Sprintf("netdev: PCI device %s: %s", e.Address, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *PCIDeviceNotFoundError) Unwrap() error { return e.Err }

// IsNotFound reports whether err says a network device does not exist: ErrNotFound,
// netlink's LinkNotFoundError, or the kernel's ENODEV.
func IsNotFound(err error) bool {
	if err == nil {
		return false
	}
	var lnf netlink.LinkNotFoundError
	return errors.Is(err, ErrNotFound) || errors.As(err, &lnf) || errors.Is(err, syscall.ENODEV)
}

// opErr wraps err as an *OpError, mapping netlink's "not found" to ErrNotFound.
func opErr(op, dev string, err error) error {
	var lnf netlink.LinkNotFoundError
	if errors.As(err, &lnf) {
		err = ErrNotFound
	}
	return &OpError{Op: op, Dev: dev, Err: err}
}

// isExist reports EEXIST from the kernel (or from the file system).
func isExist(err error) bool {
	return errors.Is(err, syscall.EEXIST) || errors.Is(err, fs.ErrExist)
}
