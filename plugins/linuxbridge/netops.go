package linuxbridge

import (
	"context"

	"github.com/govif/govif/netdev"
)

// NetOps is the set of host link operations the plugin uses; *netdev.Links is the real one.
// Unit tests hand the plugin a fake.
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

var _ NetOps = (*netdev.Links)(nil)
