package ovs

import (
	"context"
	"net"
	"time"

	"github.com/govif/govif/netdev"
)

// NetdevLinks adapts *netdev.Links to Links.
type NetdevLinks struct{ L *netdev.Links }

var _ Links = NetdevLinks{}

// Exists implements Links.
func (n NetdevLinks) Exists(ctx context.Context, dev string) (bool, error) {
	return n.L.Exists(ctx, dev)
}

// EnsureHybridBridge implements Links with ageing 0 (os-vif's hybrid plug bridge).
func (n NetdevLinks) EnsureHybridBridge(ctx context.Context, name string) (bool, error) {
	zero := time.Duration(0)
	return n.L.EnsureBridgeCreated(ctx, name, netdev.BridgeOptions{AgeingTime: &zero})
}

// EnsureHybridVeth implements Links.
func (n NetdevLinks) EnsureHybridVeth(ctx context.Context, a, b, bridge string, mtu int) (bool, error) {
	return n.L.EnsureVeth(ctx, a, b, netdev.VethOptions{MTU: mtu, Promisc: true, Master: bridge})
}

// SetUp implements Links.
func (n NetdevLinks) SetUp(ctx context.Context, dev string) error { return n.L.SetUp(ctx, dev) }

// SetDown implements Links.
func (n NetdevLinks) SetDown(ctx context.Context, dev string) error { return n.L.SetDown(ctx, dev) }

// SetMTU implements Links.
func (n NetdevLinks) SetMTU(ctx context.Context, dev string, mtu int) error {
	return n.L.SetMTU(ctx, dev, mtu)
}

// SetPromisc implements Links.
func (n NetdevLinks) SetPromisc(ctx context.Context, dev string, on bool) error {
	return n.L.SetPromisc(ctx, dev, on)
}

// SetMaster implements Links.
func (n NetdevLinks) SetMaster(ctx context.Context, dev, bridge string) error {
	return n.L.AddToBridge(ctx, dev, bridge)
}

// CreateTap implements Links.
func (n NetdevLinks) CreateTap(ctx context.Context, name, mac string, mtu int, multiqueue bool) (bool, error) {
	opts := netdev.TapOptions{MTU: mtu, Multiqueue: multiqueue}
	if mac != "" {
		hw, err := net.ParseMAC(mac)
		if err != nil {
			return false, err
		}
		opts.MAC = hw
	}
	return n.L.EnsureTap(ctx, name, opts)
}

// Delete implements Links.
func (n NetdevLinks) Delete(ctx context.Context, dev string) error { return n.L.Delete(ctx, dev) }

// Remove implements Links.
func (n NetdevLinks) Remove(ctx context.Context, dev string) (bool, error) {
	return n.L.Remove(ctx, dev)
}

// VFNumber implements Links.
func (n NetdevLinks) VFNumber(ctx context.Context, vf string) (int, error) {
	return n.L.VFNumber(ctx, vf)
}

// SwitchdevPF implements Links.
func (n NetdevLinks) SwitchdevPF(ctx context.Context, vf string) (string, error) {
	return n.L.PFName(ctx, vf)
}

// Representor implements Links.
func (n NetdevLinks) Representor(ctx context.Context, pf string, vf int) (string, error) {
	return n.L.VFRepresentor(ctx, pf, vf)
}

// PFAddress implements Links.
func (n NetdevLinks) PFAddress(ctx context.Context, vf string) (string, error) {
	return n.L.PFPCIAddress(ctx, vf)
}
