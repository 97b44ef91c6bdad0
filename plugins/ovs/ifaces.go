package ovs

import (
	"context"

	"github.com/govif/govif/vswitch"
)

// Switch is the Open_vSwitch database work the plugin needs; *vswitch.Writer implements it
// (batching concurrent writes into few transactions, remembering ensured bridges). Every
// method surfaces every error the database returns.
type Switch interface {
	// EnsureBridge creates the bridge (with its internal port) if it is missing and reports
	// whether it did; an existing bridge whose datapath_type b does not accept is a
	// *vswitch.DatapathConflictError. The Switch remembers the bridge (KnowsBridge).
	EnsureBridge(ctx context.Context, b vswitch.BridgeSpec) (created bool, err error)
	// KnowsBridge reports whether the Switch remembers bridge b.Name with a datapath_type b
	// accepts (a hint: AddPortToKnownBridge re-checks it in its transaction).
	KnowsBridge(b vswitch.BridgeSpec) bool
	// AddPortToKnownBridge adds p in one transaction requiring the remembered bridge; see
	// vswitch.Writer.AddPortToKnownBridge. known=false: nothing changed, take the full path.
	AddPortToKnownBridge(ctx context.Context, b vswitch.BridgeSpec, wait vswitch.Wait, p vswitch.PortSpec) (known, created bool, err error)
	// PortExists reports whether a Port named port exists on any bridge.
	PortExists(ctx context.Context, port string) (bool, error)
	// AddPorts creates the ports that are missing and merges external_ids and options (key by
	// key) and mtu_request into all of them, in one transaction, and returns the ports it
	// created, also when it then fails waiting for ovs-vswitchd. A missing bridge is an error;
	// an unanswered transaction is a *vswitch.OutcomeUnknownError.
	AddPorts(ctx context.Context, wait vswitch.Wait, ports ...vswitch.PortSpec) (created []string, err error)
	// DelPort removes port from bridge if it is there, with the QoS rows os-vif made for it.
	DelPort(ctx context.Context, bridge, port string) error
	// DelPortIfOwned is DelPort only when the port's Interface external_ids hold ids.
	DelPortIfOwned(ctx context.Context, bridge, port string, ids map[string]string) error
	// DelBridge removes bridge and all its ports if it exists.
	DelBridge(ctx context.Context, name string) error
	// Sync waits until ovs-vswitchd has applied every change made so far (a no-op for a
	// Switch that does not wait for ovs-vswitchd).
	Sync(ctx context.Context) error
	// InterfaceError returns why ovs-vswitchd could not set up the interface ("" when it did,
	// or when the Switch does not wait for ovs-vswitchd and cannot know yet).
	InterfaceError(ctx context.Context, name string) (string, error)
}

var _ Switch = (*vswitch.Writer)(nil)

// Links is the host network device work the plugin needs. Operations other than Exists and
// Delete fail on a missing device; the plugin checks Exists first where os-vif tolerates
// absence.
type Links interface {
	// Exists reports whether a network device named dev exists.
	Exists(ctx context.Context, dev string) (bool, error)
	// EnsureHybridBridge creates a Linux bridge with forward_delay 0, STP off, multicast
	// snooping off and MAC ageing 0 if it is missing, and reports whether it created it (true
	// also with an error when a step after the creation failed). On
	// every call it writes disable_ipv6=1, arp_ignore=1, arp_announce=2 for it (where the
	// kernel has those sysctls) and sets it up.
	EnsureHybridBridge(ctx context.Context, name string) (created bool, err error)
	// EnsureHybridVeth creates the veth pair a/b if it is missing (a veth a whose peer is not
	// b is an error), with both ends up, promiscuous and at mtu, and a enslaved to bridge;
	// it repairs an existing pair, and reports whether it created the pair (true also with
	// an error when a step after the creation failed).
	EnsureHybridVeth(ctx context.Context, a, b, bridge string, mtu int) (created bool, err error)
	SetUp(ctx context.Context, dev string) error
	SetDown(ctx context.Context, dev string) error
	SetMTU(ctx context.Context, dev string, mtu int) error
	// CreateTap creates a persistent tap (multi_queue when asked, no owner or group, no
	// descriptor kept) with the MAC, up, MTU set, and reports whether it created it (true also
	// with an error when a step after the creation failed).
	CreateTap(ctx context.Context, name, mac string, mtu int, multiqueue bool) (created bool, err error)
	// Delete removes dev; a missing device is not an error.
	Delete(ctx context.Context, dev string) error
	// Remove is Delete reporting whether dev existed.
	Remove(ctx context.Context, dev string) (removed bool, err error)

	// VFNumber returns the VF number of the PCI device vfAddr under its physical function.
	VFNumber(ctx context.Context, vfAddr string) (int, error)
	// SwitchdevPF returns the PF uplink representor netdev of the VF at vfAddr.
	SwitchdevPF(ctx context.Context, vfAddr string) (string, error)
	// Representor returns the representor netdev of VF vf of the PF netdev pf.
	Representor(ctx context.Context, pf string, vf int) (string, error)
	// PFAddress returns the PCI address of the physical function of the VF at vfAddr.
	PFAddress(ctx context.Context, vfAddr string) (string, error)
}
