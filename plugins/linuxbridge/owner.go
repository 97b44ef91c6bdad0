package linuxbridge

import (
	"fmt"

	"github.com/govif/govif/policy"
)

// OwnershipError is a plug refused because it would take over a device that is not the
// plug's to change (docs/security.md, "Ownership", linux_bridge): the interface to enslave
// (the configured physical interface, network.bridge_interface or the vlan<N> device) is
// already enslaved to another master (another network's bridge, an OVS datapath, a bond), or
// a device named like the bridge or the VLAN device is of another kind. Nothing is changed
// (what the plug had made before finding it is rolled back). errors.As finds in it a
// *policy.Violation with Code policy.CodeNameConflict: the daemon answers 409, the CLI exits 2.
type OwnershipError struct {
	VIF    string // the VIF's id
	Field  string // the field the device comes from, e.g. "VIFBridge.network.bridge_interface"
	Name   string // the device
	Reason string // e.g. `enslaved to "brq0f6c1e2a-9d", not to this VIF's bridge "brqnet2"`
}

func (e *OwnershipError) Error() string {
	return fmt.Sprintf("VIF %s: device %q (from %s) is not this plug's to change: %s", e.VIF, e.Name, e.Field, e.Reason)
}

// As lets errors.As find the *policy.Violation the daemon and the CLI map to a refusal.
func (e *OwnershipError) As(target any) bool {
	pv, ok := target.(**policy.Violation)
	if !ok {
		return false
	}
	*pv = &policy.Violation{Code: policy.CodeNameConflict, Field: e.Field, Value: e.Name,
		Rule: "a plug never takes over a device that belongs to something else (" + e.Reason + ")"}
	return true
}

// ifaceField is the field the interface a plan enslaves comes from.
func (pl plan) ifaceField() string {
	switch {
	case pl.vlan != 0:
		return "VIFBridge.network.vlan"
	case pl.ifaceFrom == "network.bridge_interface":
		return "VIFBridge.network.bridge_interface"
	default:
		// The configured flat interface: what the VIF chooses is the bridge it goes into.
		return "VIFBridge.bridge_name"
	}
}
