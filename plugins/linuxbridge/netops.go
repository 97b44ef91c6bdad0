package linuxbridge

import (
	"context"
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/govif/govif/netdev"
)

// NetOps is the set of host link operations the plugin uses. *netdev.Links provides all but
// CreateVLAN; NewNetOps wraps one into a NetOps. Unit tests hand the plugin a fake.
type NetOps interface {
	// Exists reports whether the device exists.
	Exists(ctx context.Context, dev string) (bool, error)
	// Get describes an existing device (kind, MTU, up, master).
	Get(ctx context.Context, dev string) (*netdev.Link, error)
	// EnsureBridge creates the bridge (forward delay 0, STP off, multicast snooping off,
	// kernel-default ageing), writes disable_ipv6=1, arp_ignore=1, arp_announce=2 for it and
	// sets it up.
	EnsureBridge(ctx context.Context, name string) error
	// CreateVLAN creates the 802.1Q device name with VLAN id on parent, down.
	CreateVLAN(ctx context.Context, name, parent string, id int) error
	// AddToBridge enslaves dev to bridge.
	AddToBridge(ctx context.Context, dev, bridge string) error
	// RemoveFromBridge releases dev from bridge.
	RemoveFromBridge(ctx context.Context, dev, bridge string) error
	SetUp(ctx context.Context, dev string) error
	SetDown(ctx context.Context, dev string) error
	SetMTU(ctx context.Context, dev string, mtu int) error
	// Addresses lists the device's IP addresses.
	Addresses(ctx context.Context, dev string) ([]netdev.Address, error)
	// MoveAddressesAndRoutes moves from's primary global IPv4 addresses and its gateway
	// routes to to, as os-vif's _update_bridge_routes does.
	MoveAddressesAndRoutes(ctx context.Context, from, to string) error
	// Delete deletes the device; a missing device is not an error.
	Delete(ctx context.Context, dev string) error
}

// netdevOps is the real NetOps: a *netdev.Links, plus CreateVLAN, which netdev does not
// offer, done here through a netlink handle in the same namespace.
type netdevOps struct {
	*netdev.Links
	ns netns.NsHandle
}

// NewNetOps returns the NetOps of links, which is bound to the network namespace ns
// (netns.None() for the caller's). CreateVLAN uses a netlink socket opened in ns.
func NewNetOps(links *netdev.Links, ns netns.NsHandle) NetOps {
	return &netdevOps{Links: links, ns: ns}
}

// CreateVLAN creates the 802.1Q device name with VLAN id on parent (down), like os-vif's
// ip.add(name, 'vlan', link=parent, vlan_id=id). A kernel without the 8021q module fails
// with EOPNOTSUPP.
func (n *netdevOps) CreateVLAN(ctx context.Context, name, parent string, id int) error {
	if err := netdev.ValidateName(name); err != nil {
		return err
	}
	if err := netdev.ValidateName(parent); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	h, err := netlink.NewHandleAt(n.ns)
	if err != nil {
		return fmt.Errorf("netlink socket: %w", err)
	}
	defer h.Close()
	pl, err := h.LinkByName(parent)
	if err != nil {
		var lnf netlink.LinkNotFoundError
		if errors.As(err, &lnf) {
			err = netdev.ErrNotFound
		}
		return &netdev.OpError{Op: "create vlan " + name, Dev: parent, Err: err}
	}
	attrs := netlink.NewLinkAttrs()
	attrs.Name = name
	attrs.ParentIndex = pl.Attrs().Index
	if err := h.LinkAdd(&netlink.Vlan{LinkAttrs: attrs, VlanId: id}); err != nil {
		return &netdev.OpError{Op: fmt.Sprintf("create vlan %d on %s", id, parent), Dev: name, Err: err}
	}
	return nil
}
