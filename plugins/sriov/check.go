package sriov

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

var _ plugin.Checker = (*Plugin)(nil)

// Objects implements plugin.Checker. A VF is the hardware's and stays after unplug (which only
// resets it), and the VLAN device of vif_type macvtap is shared and stays too, so a sriov VIF
// owns no device: nothing is recorded.
func (p *Plugin) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	switch vif.(type) {
	case *objects.VIFHostDevice, *objects.VIFDirect:
		return plugin.Objects{}, nil
	}
	return plugin.Objects{}, fmt.Errorf("sriov: %s: %w (want VIFDirect or VIFHostDevice)", vif.ObjName(), plugin.ErrUnsupportedVIFType)
}

// Check implements plugin.Checker.
//
//   - VIFDirect with dev_address (hw_veb, vnic_type macvtap): the VF as its PF reports it
//     through netlink (MAC and VLAN), and the VF's netdev (exists, MAC, up for a VLAN > 0,
//     down for VLAN 0). A PCI address sysfs no longer has (the VFs were not re-created after
//     a reboot) is drift on "pci device <address>".
//   - VIFDirect without dev_address (vif_type macvtap) with should_provide_vlan: the VLAN
//     device exists, is a vlan and is up. Without should_provide_vlan the plug does nothing:
//     plugin.ErrNotCheckable.
//   - VIFHostDevice (hw_veb, vnic_type direct) with Trusted true: the VF's trust as its PF
//     reports it. Otherwise the plug does nothing: plugin.ErrNotCheckable.
func (p *Plugin) Check(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	switch v := vif.(type) {
	case *objects.VIFHostDevice:
		if !v.Trusted.Value() {
			return nil, fmt.Errorf("sriov: the plug does nothing for a VIFHostDevice without govif_trusted true: %w", plugin.ErrNotCheckable)
		}
		vf, err := p.hostDeviceVF(ctx, v)
		var nf *netdev.PCIDeviceNotFoundError
		if errors.As(err, &nf) {
			return []plugin.Drift{{Object: "pci device " + v.DevAddress.Value(), Field: "exists", Want: "yes", Got: "no"}}, nil
		}
		if err != nil {
			return nil, err
		}
		st, err := p.ops.VF(ctx, vf.PF, vf.Num)
		if err != nil {
			return nil, fmt.Errorf("sriov: check VF %d of %s (%s): %w", vf.Num, vf.PF, vf.PCI, err)
		}
		if !st.Trust {
			return []plugin.Drift{{Object: fmt.Sprintf("vf %d of %s (%s)", vf.Num, vf.PF, vf.PCI), Field: "trust", Want: "on", Got: "off"}}, nil
		}
		return nil, nil
	case *objects.VIFDirect:
		if pci, ok := v.DevAddress.Get(); ok && pci != "" {
			mac, ok := v.Address.Get()
			if !ok || len(mac) == 0 {
				return nil, &objects.FieldError{Path: "VIFDirect.address", Reason: "required: the MAC the VF gets"}
			}
			return p.checkVF(ctx, pci, mac.String(), networkVLAN(&v.VIFBase))
		}
		return p.checkVLAN(ctx, v)
	}
	return nil, fmt.Errorf("sriov: %s: %w (want VIFDirect or VIFHostDevice)", vif.ObjName(), plugin.ErrUnsupportedVIFType)
}

func (p *Plugin) checkVF(ctx context.Context, pci, mac string, vlan int) ([]plugin.Drift, error) {
	vf, err := p.LookupVF(ctx, pci)
	var nf *netdev.PCIDeviceNotFoundError
	if errors.As(err, &nf) {
		return []plugin.Drift{{Object: "pci device " + pci, Field: "exists", Want: "yes", Got: "no"}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sriov: check %s: %w", pci, err)
	}
	var d []plugin.Drift
	add := func(obj, field, want, got string) {
		d = append(d, plugin.Drift{Object: obj, Field: field, Want: want, Got: got})
	}
	st, err := p.ops.VF(ctx, vf.PF, vf.Num)
	if err != nil {
		return nil, fmt.Errorf("sriov: check VF %d of %s (%s): %w", vf.Num, vf.PF, pci, err)
	}
	obj := fmt.Sprintf("vf %d of %s (%s)", vf.Num, vf.PF, pci)
	if st.MAC.String() != mac {
		add(obj, "mac", mac, st.MAC.String())
	}
	if st.VLAN != vlan {
		add(obj, "vlan", strconv.Itoa(vlan), strconv.Itoa(st.VLAN))
	}
	l, err := p.ops.Link(ctx, vf.Name)
	if err != nil {
		return nil, fmt.Errorf("sriov: check VF netdev %s (%s): %w", vf.Name, pci, err)
	}
	obj = "device " + vf.Name
	if l == nil {
		add(obj, "exists", "yes", "no")
		return d, nil
	}
	if l.MAC.String() != mac {
		add(obj, "mac", mac, l.MAC.String())
	}
	yn := map[bool]string{true: "yes", false: "no"}
	if l.Up != (vlan > 0) {
		add(obj, "up", yn[vlan > 0], yn[l.Up])
	}
	return d, nil
}

func (p *Plugin) checkVLAN(ctx context.Context, v *objects.VIFDirect) ([]plugin.Drift, error) {
	n, ok := v.Network.Get()
	if !ok || n == nil || !n.ShouldProvideVLAN.Value() {
		return nil, fmt.Errorf("sriov: the plug does nothing for a macvtap VIFDirect without should_provide_vlan: %w", plugin.ErrNotCheckable)
	}
	name := v.VLANName.Value()
	if err := netdev.ValidateName(name); err != nil {
		return nil, &objects.FieldError{Path: "VIFDirect.vlan_name", Value: name, Reason: err.Error(), Err: err}
	}
	l, err := p.ops.Link(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("sriov: check %s: %w", name, err)
	}
	obj := "device " + name
	switch {
	case l == nil:
		return []plugin.Drift{{Object: obj, Field: "exists", Want: "yes", Got: "no"}}, nil
	case l.Kind != "vlan":
		return []plugin.Drift{{Object: obj, Field: "kind", Want: "vlan", Got: l.Kind}}, nil
	case !l.Up:
		return []plugin.Drift{{Object: obj, Field: "up", Want: "yes", Got: "no"}}, nil
	}
	return nil, nil
}
