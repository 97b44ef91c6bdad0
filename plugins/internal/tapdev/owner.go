package tapdev

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/policy"
)

// Ownership (docs/security.md, "Ownership", taps). A device named like a VIF's vif_name is
// the VIF's own tap only if
//
//   - it is a tap or tun device (anything else — a host NIC, a bridge, a veth — is not a tap
//     a plug made);
//   - it is not enslaved to a master other than an OVS datapath (kind openvswitch:
//     ovs-system, midonet's datapath): a tap in a Linux bridge or a bond is another VIF's
//     plumbing (a hybrid VIF's tap in its qbr, a linux_bridge VIF's tap in brq…);
//   - its MAC is one of the VIF's own: its address, the address with the first octet fe (the
//     host side libvirt gives a guest NIC's tap, and what Ensure gives a tap it creates when
//     the VIF asks for no MAC), or the MAC the port profile asks for (FPTap). A VIF that
//     carries no MAC at all cannot be told apart by its tap: only the two rules above apply.
//
// Anything else is a *NameConflictError: Ensure, Remove and Claim change nothing.

// Owner is what makes a tap a VIF's own.
type Owner struct {
	VIF   string             // the VIF's id (for the error)
	Class string             // the VIF's class, e.g. "VIFGeneric"
	Field string             // the field the name comes from, e.g. "vif_name"
	MACs  []net.HardwareAddr // the MACs the VIF's tap may carry (OwnerOf fills them)
}

// OwnerOf returns the Owner of a VIFGeneric's tap: its address, libvirt's fe: form of it, and
// extra (the port profile's MAC, when it sets one).
func OwnerOf(g *objects.VIFGeneric, extra net.HardwareAddr) Owner {
	o := Owner{VIF: g.ID.Value(), Class: "VIFGeneric", Field: "vif_name"}
	if a, ok := g.Address.Get(); ok && len(a) > 0 {
		o.MACs = append(o.MACs, a, LibvirtMAC(a))
	}
	if len(extra) > 0 {
		o.MACs = append(o.MACs, extra)
	}
	return o
}

// LibvirtMAC returns mac with its first octet fe: the MAC libvirt gives the host side (the
// tap) of a guest NIC whose MAC is mac.
func LibvirtMAC(mac net.HardwareAddr) net.HardwareAddr {
	if len(mac) == 0 {
		return nil
	}
	return append(net.HardwareAddr{0xfe}, mac[1:]...)
}

// NameConflictError is a VIF whose vif_name is carried by a device that is not its own tap
// (the rules above). Nothing was changed. errors.As finds in it a *policy.Violation with Code
// policy.CodeNameConflict (the daemon answers 409 name_conflict, the CLI exits 2) and a
// *netdev.ConflictError (the device exists and is not what the plug makes).
type NameConflictError struct {
	Owner
	Name   string // the device
	Reason string // what the device is, e.g. "a bridge device, not a tap"
}

func (e *NameConflictError) Error() string {
	return fmt.Sprintf("VIF %s: device %q (from %s.%s) is not this VIF's tap: %s", e.VIF, e.Name, e.Class, e.Field, e.Reason)
}

// As lets errors.As find the *policy.Violation the daemon and the CLI map to a refusal, and a
// *netdev.ConflictError.
func (e *NameConflictError) As(target any) bool {
	switch t := target.(type) {
	case **policy.Violation:
		*t = &policy.Violation{Code: policy.CodeNameConflict, Field: e.Class + "." + e.Field, Value: e.Name,
			Rule: "the device named for VIF " + e.VIF + " is not its own tap (" + e.Reason + ")"}
		return true
	case **netdev.ConflictError:
		*t = &netdev.ConflictError{Name: e.Name, Reason: e.Reason}
		return true
	}
	return false
}

// Claim returns the device name when it exists and is o's own tap, nil when it does not
// exist, and a *NameConflictError when it is not o's.
func (h *Host) Claim(ctx context.Context, name string, o Owner) (*netdev.Link, error) {
	l, err := h.Get(ctx, name)
	if err != nil || l == nil {
		return nil, err
	}
	why, err := h.foreign(ctx, l, o)
	if err != nil {
		return nil, err
	}
	if why != "" {
		return nil, &NameConflictError{Owner: o, Name: name, Reason: why}
	}
	return l, nil
}

// foreign says why l is not o's tap, or "".
func (h *Host) foreign(ctx context.Context, l *netdev.Link, o Owner) (string, error) {
	if l.Kind != "tap" && l.Kind != "tun" {
		kind := l.Kind
		if kind == "device" || kind == "" {
			kind = "network"
		}
		return "a " + kind + " device, not a tap", nil
	}
	if l.Master != "" {
		m, err := h.Get(ctx, l.Master)
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			// The master went away meanwhile or cannot be read: judge by its name.
			m = nil
		} else if err != nil {
			return "", err
		}
		if m == nil || m.Kind != "openvswitch" {
			return "a " + l.Kind + " enslaved to " + l.Master, nil
		}
	}
	if len(o.MACs) == 0 || l.MAC == nil {
		return "", nil
	}
	want := make([]string, 0, len(o.MACs))
	for _, m := range o.MACs {
		if m.String() == l.MAC.String() {
			return "", nil
		}
		want = append(want, m.String())
	}
	return fmt.Sprintf("a %s with MAC %s (this VIF's is %s)", l.Kind, l.MAC, strings.Join(want, " or ")), nil
}
