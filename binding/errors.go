package binding

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by *VIFTypeError; branch on them with errors.Is.
var (
	// ErrLegacyVIFType: Nova plugs this VIF type without os-vif (its legacy libvirt path):
	// dvs, iovisor, 802.1qbg, 802.1qbh, hw_veb, hostdev_physical, ib_hostdev, midonet, tap, macvtap.
	ErrLegacyVIFType = errors.New("VIF type has no os-vif conversion (Nova plugs it through its legacy libvirt path)")
	// ErrNotBound: the port is not bound to a host (binding_failed, unbound); there is nothing to plug.
	ErrNotBound = errors.New("port binding is not bound to a host")
	// ErrUnsupportedVIFType: Nova does not know the VIF type (hyperv, other, vif, anything else).
	ErrUnsupportedVIFType = errors.New("unsupported VIF type")
	// ErrUnsupportedVNICType: the VIF type does not support this vnic_type (vrouter with macvtap...).
	ErrUnsupportedVNICType = errors.New("unsupported vnic_type for this VIF type")
)

// VIFTypeError says that a binding's vif_type (and vnic_type) cannot be converted to an os-vif
// object. Err is one of the sentinel errors above.
type VIFTypeError struct {
	VIFType  string
	VNICType string
	Err      error
}

func (e *VIFTypeError) Error() string {
	if errors.Is(e.Err, ErrUnsupportedVNICType) {
		return fmt.Sprintf("binding:vif_type %q with binding:vnic_type %q: %v", e.VIFType, e.VNICType, e.Err)
	}
	return fmt.Sprintf("binding:vif_type %q: %v", e.VIFType, e.Err)
}

func (e *VIFTypeError) Unwrap() error { return e.Err }

// FieldError reports bad input: the field (a path such as "details.vhostuser_socket" or, from
// FromNeutronPort, "binding:vif_details.vhostuser_socket"), the offending value (nil when the field
// is missing) and why it is wrong.
type FieldError struct {
	Field  string
	Value  any
	Reason string
}

func (e *FieldError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("field %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("field %s = %#v: %s", e.Field, e.Value, e.Reason)
}

func fieldErr(field string, value any, format string, args ...any) error {
	return &FieldError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)}
}
