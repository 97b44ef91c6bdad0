package plugin

import (
	"context"
	"errors"
	"fmt"

	"github.com/govif/govif/objects"
)

// Drift is one difference between what plugging a VIF makes on the host and what the host has
// now: a missing device or OVS port, a wrong MTU, a lost bridge membership, ...
type Drift struct {
	// Object names the host object: "device qvo1234abcd-ef", "ovs port br-int/qvo1234abcd-ef",
	// "iptables filter nova-compute-FORWARD".
	Object string `json:"object"`
	// Field is what differs: "exists", "mtu", "up", "promisc", "master", "type",
	// "external_ids:iface-id", "options:vhost-server-path", "rule", ...
	Field string `json:"field"`
	// Want is what the plug makes; Got what the host has ("" for absent).
	Want string `json:"want"`
	Got  string `json:"got"`
}

// String returns "<object>: <field> want <want>, got <got>".
func (d Drift) String() string {
	return fmt.Sprintf("%s: %s want %q, got %q", d.Object, d.Field, d.Want, d.Got)
}

// OVSPort names a port on an Open vSwitch bridge.
type OVSPort struct {
	Bridge string `json:"bridge"`
	Port   string `json:"port"`
}

// Objects are the host objects plugging a VIF makes or uses. They are recorded with the VIF in
// the inventory, so that later checks (and garbage collection) know what the VIF owns.
type Objects struct {
	// Devices are the network devices the plug creates for this VIF alone (qbr/qvb/qvo, a
	// pre-created tap, ...).
	Devices []string `json:"devices,omitempty"`
	// Bridge is the bridge the VIF is attached to (the OVS integration bridge, or the Linux
	// bridge of a linux_bridge VIF); it may be shared with other VIFs.
	Bridge string `json:"bridge,omitempty"`
	// OVSPorts are the OVS ports the plug creates for this VIF.
	OVSPorts []OVSPort `json:"ovs_ports,omitempty"`
	// OVSBridges are OVS bridges made for this VIF alone (per-port bridges).
	OVSBridges []string `json:"ovs_bridges,omitempty"`
	// InterfaceID is the external_ids:iface-id the VIF's OVS interface carries, if any.
	InterfaceID string `json:"interface_id,omitempty"`
}

// ErrNotCheckable is returned (wrapped, with the reason) by a Checker's Check for a VIF whose
// plug makes nothing on the host that govif can read: for example a VIF whose plug only runs a
// vendor agent's tool (ebrctl, vrouter-port-control), whose result is the agent's state. The
// caller reports such a VIF as unchecked with the reason, never as intact.
var ErrNotCheckable = errors.New("nothing govif can check")

// Checker is implemented by plugins that can compare the host with what plugging a VIF makes.
// It is optional: VIFs of plugins without it are reported as not checkable.
type Checker interface {
	// Objects returns the host objects plugging vif makes (no host access).
	Objects(vif objects.VIF, inst *objects.InstanceInfo) (Objects, error)
	// Check reads the host and returns every difference from what Plug(vif, inst) makes; none
	// means the VIF's plumbing is intact. It changes nothing. An error means the host could not
	// be read (not that the plumbing differs), or, wrapping ErrNotCheckable, that the plug
	// makes nothing govif can check.
	Check(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) ([]Drift, error)
}

// Keep is what garbage collection must leave alone: the VIF ids (and interface ids) of plugged
// or live VIFs, and the host objects recorded for them.
type Keep struct {
	// IDs are VIF ids and interface ids (Neutron port ids) still in use.
	IDs map[string]bool
	// Names are device, port and bridge names recorded as owned by a plugged VIF.
	Names map[string]bool
}

// KeepsName reports whether name is recorded as owned, or is a name derived (os-vif style:
// prefix + the id cut to the device name length) from an id in use: name is prefix+p where p is
// a prefix of at least 8 characters of a kept id.
func (k Keep) KeepsName(prefix, name string) bool {
	if k.Names[name] {
		return true
	}
	if len(name) < len(prefix)+8 || name[:len(prefix)] != prefix {
		return false
	}
	p := name[len(prefix):]
	for id := range k.IDs {
		if len(id) >= len(p) && id[:len(p)] == p {
			return true
		}
	}
	return false
}

// Stale is one piece of plugin-made plumbing on the host that no plugged VIF accounts for.
type Stale struct {
	// Kind is "device", "ovs-port", "ovs-bridge" or "qos".
	Kind string `json:"kind"`
	// Name is the device, port or bridge name, or the QoS row's uuid.
	Name string `json:"name"`
	// Bridge is the OVS bridge of an "ovs-port".
	Bridge string `json:"bridge,omitempty"`
	// IfaceID is the VIF id the object carries (external_ids:iface-id), if any.
	IfaceID string `json:"iface_id,omitempty"`
	// Reason says why it looks like plugin plumbing.
	Reason string `json:"reason"`
}

// Collector is implemented by plugins that can find and remove the plumbing they make that is
// left over (a crashed Nova, an unplug that never came). It is optional.
type Collector interface {
	// Stale lists the plumbing of the kinds the plugin makes that keep does not account for.
	// It changes nothing.
	Stale(ctx context.Context, keep Keep) ([]Stale, error)
	// RemoveStale removes exactly the listed objects (each one only if it is still there and
	// still unaccounted for by keep) and returns one error per object that could not be
	// removed.
	RemoveStale(ctx context.Context, stale []Stale, keep Keep) error
}
