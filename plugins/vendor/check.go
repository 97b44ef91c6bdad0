package vendor

import (
	"context"
	"fmt"
	"strconv"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// The checks of this package compare the host with the device work govif itself does for a
// VIF: the taps of midonet and iovisor, the fast-path device and its bridge of vhostuser_fp.
// What the vendor tools did (the MidoNet binding, the PLUMgrid gateway port, the vRouter
// agent's port, the InfiniBand fabric's port, the fast path's own state) is the vendor agent's
// state: govif cannot read it and does not check it. A VIF whose plug is only a vendor tool
// (ib_hostdev, vrouter, contrail_vrouter, vhostuser_fp with VIFPortProfileFPTap) is answered
// with plugin.ErrNotCheckable, so that `govif check` reports it unchecked, never intact.

var (
	_ plugin.Checker = (*Midonet)(nil)
	_ plugin.Checker = (*IOVisor)(nil)
	_ plugin.Checker = (*IBHostdev)(nil)
	_ plugin.Checker = (*VRouter)(nil)
	_ plugin.Checker = (*VHostUserFP)(nil)
)

// Objects implements plugin.Checker: the VIF's tap.
func (p *Midonet) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	dev, _, err := p.spec(vif)
	if err != nil {
		return plugin.Objects{}, err
	}
	return plugin.Objects{Devices: []string{dev}}, nil
}

// Check implements plugin.Checker: the tap exists, is a tap, is up and not multiqueue (Nova's
// create_tap_dev without MAC or MTU). The MidoNet binding (mm-ctl) is not checked.
func (p *Midonet) Check(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	dev, _, err := p.spec(vif)
	if err != nil {
		return nil, err
	}
	return p.host.Check(ctx, dev, netdev.TapOptions{})
}

// Objects implements plugin.Checker: the VIF's tap.
func (p *IOVisor) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	_, dev, err := p.dev(vif)
	if err != nil {
		return plugin.Objects{}, err
	}
	return plugin.Objects{Devices: []string{dev}}, nil
}

// Check implements plugin.Checker: as Midonet's. The PLUMgrid gateway port (ifc_ctl) is not
// checked.
func (p *IOVisor) Check(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	_, dev, err := p.dev(vif)
	if err != nil {
		return nil, err
	}
	return p.host.Check(ctx, dev, netdev.TapOptions{})
}

// Objects implements plugin.Checker: none (ebrctl's port is the fabric's).
func (p *IBHostdev) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	_, _, _, err := p.spec(vif)
	return plugin.Objects{}, err
}

// Check implements plugin.Checker: the plug only runs ebrctl, so there is nothing govif can
// check (plugin.ErrNotCheckable).
func (p *IBHostdev) Check(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	if _, _, _, err := p.spec(vif); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("ib_hostdev: the plug only runs ebrctl add-port; the port is the InfiniBand fabric's state: %w", plugin.ErrNotCheckable)
}

// Objects implements plugin.Checker: none (the vRouter agent makes the devices).
func (p *VRouter) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	_, err := p.port(vif)
	return plugin.Objects{}, err
}

// Check implements plugin.Checker: the plug only runs vrouter-port-control and the vRouter
// agent makes the devices, so there is nothing govif can check (plugin.ErrNotCheckable).
func (p *VRouter) Check(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	if _, err := p.port(vif); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%s: the plug only runs vrouter-port-control; the port and its devices are the vRouter agent's state: %w", p.name, plugin.ErrNotCheckable)
}

// Objects implements plugin.Checker: for VIFPortProfileFPBridge the fast-path device (the
// bridge is shared and stays after unplug); for VIFPortProfileFPTap nothing.
func (p *VHostUserFP) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	s, err := p.spec(vif)
	if err != nil || s.nothing {
		return plugin.Objects{}, err
	}
	return plugin.Objects{Devices: []string{s.dev}, Bridge: s.bridge}, nil
}

// Check implements plugin.Checker, for VIFPortProfileFPBridge: the bridge exists, is a bridge
// and is up; the fast-path device exists, is up, has the MTU and is in the bridge. Its kind
// and the fast path's own state (fp-vdev) are not checked. A VIFPortProfileFPTap VIF, for
// which the plug does nothing, gives plugin.ErrNotCheckable.
func (p *VHostUserFP) Check(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	s, err := p.spec(vif)
	if err != nil {
		return nil, err
	}
	if s.nothing {
		return nil, fmt.Errorf("vhostuser_fp: the plug does nothing for VIFPortProfileFPTap: %w", plugin.ErrNotCheckable)
	}
	var d []plugin.Drift
	add := func(obj, field, want, got string) {
		d = append(d, plugin.Drift{Object: "device " + obj, Field: field, Want: want, Got: got})
	}
	br, err := p.host.Get(ctx, s.bridge)
	if err != nil {
		return nil, fmt.Errorf("vhostuser_fp: check %s: %w", s.dev, err)
	}
	switch {
	case br == nil:
		add(s.bridge, "exists", "yes", "no")
	case br.Kind != "bridge":
		add(s.bridge, "kind", "bridge", br.Kind)
	case !br.Up:
		add(s.bridge, "up", "yes", "no")
	}
	l, err := p.host.Get(ctx, s.dev)
	if err != nil {
		return nil, fmt.Errorf("vhostuser_fp: check %s: %w", s.dev, err)
	}
	if l == nil {
		add(s.dev, "exists", "yes", "no")
		return d, nil
	}
	if l.Master != s.bridge {
		add(s.dev, "master", s.bridge, l.Master)
	}
	if !l.Up {
		add(s.dev, "up", "yes", "no")
	}
	if l.MTU != s.mtu {
		add(s.dev, "mtu", strconv.Itoa(s.mtu), strconv.Itoa(l.MTU))
	}
	return d, nil
}
