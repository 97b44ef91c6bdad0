package linuxbridge

import (
	"context"
	"errors"
	"fmt"

	"github.com/govif/govif/netdev"
)

// apply makes the host match pl, under the VLAN lock (VLAN networks) and the bridge's lock,
// taken in that order. Every change is journaled; if a step fails, the journal is rolled
// back before the locks are released, so no other plug sees (or builds on) a half-made
// bridge.
func (p *Plugin) apply(ctx context.Context, pl plan) (err error) {
	var j journal
	defer func() {
		if err != nil {
			if rerr := j.rollback(context.WithoutCancel(ctx)); rerr != nil {
				err = errors.Join(err, rerr)
			}
			err = fmt.Errorf("linux_bridge: plug VIF %s into bridge %s: %w", pl.vifID, pl.bridge, err)
		}
	}()
	iface := pl.iface
	if pl.vlan != 0 {
		unlock, err := p.locks.lock(ctx, lockVLANPrefix+pl.vlanDev())
		if err != nil {
			return err
		}
		defer unlock()
		if err := p.ensureVLAN(ctx, pl, &j); err != nil {
			return err
		}
		iface = pl.vlanDev()
	}
	unlock, err := p.locks.lock(ctx, lockBridgePrefix+pl.bridge)
	if err != nil {
		return err
	}
	defer unlock()
	if err := p.ensureBridge(ctx, pl, iface, &j); err != nil {
		return err
	}
	if pl.filtering {
		undo, err := p.fw.ensureBridge(ctx, pl.bridge)
		if err != nil {
			return err
		}
		j.add(undo)
	}
	return nil
}

// ensureVLAN is os-vif's _ensure_vlan_privileged: the device vlan<N> on the parent, up, with
// the MTU. os-vif sets these only when it creates the device, despite its comment saying "set
// mtu every time"; govif sets them every time.
func (p *Plugin) ensureVLAN(ctx context.Context, pl plan, j *journal) error {
	dev := pl.vlanDev()
	existing, err := p.getIfExists(ctx, dev)
	if err != nil {
		return err
	}
	if existing == nil {
		if err := p.net.CreateVLAN(ctx, dev, pl.iface, pl.vlan); err != nil {
			return fmt.Errorf("create VLAN device %s on %s (%s): %w", dev, pl.iface, pl.ifaceFrom, err)
		}
		p.log.InfoContext(ctx, "linux_bridge: created VLAN device", "dev", dev, "parent", pl.iface, "vlan", pl.vlan)
		j.add(func(ctx context.Context) error { return p.net.Delete(ctx, dev) })
	} else if existing.Kind != "vlan" {
		return &OwnershipError{VIF: pl.vifID, Field: "VIFBridge.network.vlan", Name: dev, Reason: "exists as " + existing.Kind + ", not a VLAN device"}
	}
	return p.upWithMTU(ctx, dev, existing, pl.mtu, j)
}

// ensureBridge is os-vif's _ensure_bridge_privileged: create the bridge if missing (bridge
// settings, sysctls and up only then), and if the interface exists enslave it, bring it up,
// give it the MTU, move its addresses and gateway routes onto the bridge, then give the
// bridge the MTU (a bridge without ports keeps following its ports' MTU, as in os-vif).
func (p *Plugin) ensureBridge(ctx context.Context, pl plan, iface string, j *journal) error {
	existing, err := p.getIfExists(ctx, pl.bridge)
	if err != nil {
		return err
	}
	created := existing == nil
	if created {
		if err := p.net.EnsureBridge(ctx, pl.bridge); err != nil {
			// netdev may have made the device before failing: remove it.
			j.add(func(ctx context.Context) error { return p.net.Delete(ctx, pl.bridge) })
			return fmt.Errorf("create bridge %s: %w", pl.bridge, err)
		}
		p.log.InfoContext(ctx, "linux_bridge: created bridge", "bridge", pl.bridge)
		j.add(func(ctx context.Context) error { return p.net.Delete(ctx, pl.bridge) })
	} else if existing.Kind != "bridge" {
		return &OwnershipError{VIF: pl.vifID, Field: "VIFBridge.bridge_name", Name: pl.bridge, Reason: "exists as " + existing.Kind + ", not a bridge"}
	}
	if iface == "" {
		return nil
	}
	port, err := p.getIfExists(ctx, iface)
	if err != nil {
		return err
	}
	if port == nil {
		// os-vif skips a missing interface silently; say so at least.
		p.log.WarnContext(ctx, "linux_bridge: interface to enslave does not exist, skipped",
			"interface", iface, "from", pl.ifaceFrom, "bridge", pl.bridge)
		return nil
	}
	if port.Master != "" && port.Master != pl.bridge {
		// os-vif moves it (ip link set master): that takes another network's uplink (or
		// an OVS or bond member) away from it. Refused before anything on it changes; the
		// journal removes a bridge this plug created.
		return &OwnershipError{VIF: pl.vifID, Field: pl.ifaceField(), Name: iface,
			Reason: fmt.Sprintf("enslaved to %q, not to this VIF's bridge %q", port.Master, pl.bridge)}
	}
	if !created && !existing.Up {
		// os-vif leaves an existing bridge down, and then fails re-adding the NIC's gateway
		// routes through it, with the routes already deleted. A down bridge forwards
		// nothing: bring it up.
		if err := p.net.SetUp(ctx, pl.bridge); err != nil {
			return fmt.Errorf("set bridge %s up: %w", pl.bridge, err)
		}
		j.add(func(ctx context.Context) error { return p.net.SetDown(ctx, pl.bridge) })
	}
	if port.Master != pl.bridge {
		if err := p.net.AddToBridge(ctx, iface, pl.bridge); err != nil {
			return fmt.Errorf("add %s to bridge %s: %w", iface, pl.bridge, err)
		}
		j.add(func(ctx context.Context) error { return p.net.RemoveFromBridge(ctx, iface, pl.bridge) })
	}
	if err := p.upWithMTU(ctx, iface, port, pl.mtu, j); err != nil {
		return err
	}
	bridgeHadAddrs, err := p.hasGlobalIPv4(ctx, pl.bridge)
	if err != nil {
		return err
	}
	if !bridgeHadAddrs {
		// Journaled first, so that a move failing halfway is undone too. Moving back is only
		// right when everything on the bridge came from the interface.
		j.add(func(ctx context.Context) error { return p.net.MoveAddressesAndRoutes(ctx, pl.bridge, iface) })
	}
	if err := p.net.MoveAddressesAndRoutes(ctx, iface, pl.bridge); err != nil {
		return fmt.Errorf("move addresses and routes from %s to %s: %w", iface, pl.bridge, err)
	}
	brState := existing
	if created {
		if brState, err = p.net.Get(ctx, pl.bridge); err != nil {
			return err
		}
	}
	if pl.mtu != 0 && brState.MTU != pl.mtu { // 0: no MTU known, leave it (os-vif skips a falsy MTU)
		if err := p.net.SetMTU(ctx, pl.bridge, pl.mtu); err != nil {
			return fmt.Errorf("set MTU %d on bridge %s: %w", pl.mtu, pl.bridge, err)
		}
		if !created {
			old := brState.MTU
			j.add(func(ctx context.Context) error { return p.net.SetMTU(ctx, pl.bridge, old) })
		}
	}
	return nil
}

// upWithMTU sets dev up and gives it mtu, journaling how to restore the state it had before
// (before is nil when this plug created dev: deleting it undoes everything).
func (p *Plugin) upWithMTU(ctx context.Context, dev string, before *netdev.Link, mtu int, j *journal) error {
	if before == nil || !before.Up {
		if err := p.net.SetUp(ctx, dev); err != nil {
			return fmt.Errorf("set %s up: %w", dev, err)
		}
		if before != nil {
			j.add(func(ctx context.Context) error { return p.net.SetDown(ctx, dev) })
		}
	}
	if mtu != 0 && (before == nil || before.MTU != mtu) {
		if err := p.net.SetMTU(ctx, dev, mtu); err != nil {
			return fmt.Errorf("set MTU %d on %s: %w", mtu, dev, err)
		}
		if before != nil {
			old := before.MTU
			j.add(func(ctx context.Context) error { return p.net.SetMTU(ctx, dev, old) })
		}
	}
	return nil
}

// hasGlobalIPv4 reports whether dev has a global-scope IPv4 address.
func (p *Plugin) hasGlobalIPv4(ctx context.Context, dev string) (bool, error) {
	addrs, err := p.net.Addresses(ctx, dev)
	if err != nil {
		return false, fmt.Errorf("list addresses of %s: %w", dev, err)
	}
	for _, a := range addrs {
		if a.Prefix.Addr().Is4() && a.Scope == 0 { // RT_SCOPE_UNIVERSE
			return true, nil
		}
	}
	return false, nil
}

// getIfExists returns the device, or nil when it does not exist.
func (p *Plugin) getIfExists(ctx context.Context, dev string) (*netdev.Link, error) {
	l, err := p.net.Get(ctx, dev)
	if netdev.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", dev, err)
	}
	return l, nil
}
