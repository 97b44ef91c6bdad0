package binding

import (
	"github.com/govif/govif/objects"
)

// ovs is Nova's _nova_to_osvif_vif_ovs.
func (c converter) ovs() (objects.VIF, error) {
	profile, err := c.ovsProfile()
	if err != nil {
		return nil, err
	}
	switch c.v.VNICType {
	case VNICTypeDirect, VNICTypeVDPA:
		return c.offloadedHostDevice("ovs")
	case VNICTypeRemoteManaged:
		// The networking backend sets up the representor; the VIF goes to the noop plugin.
		return c.hostDevice("noop", nil)
	}
	b, err := c.base("ovs")
	if err != nil {
		return nil, err
	}
	b.PortProfile = objects.Set[objects.PortProfile](profile)
	if truthy(c.detail("ovs_hybrid_plug")) {
		return &objects.VIFBridge{
			VIFBase:    b,
			VIFName:    objects.Set(c.vifName()),
			BridgeName: objects.Set(c.hybridBridgeName()),
		}, nil
	}
	profile.CreatePort = objects.Set(c.v.DelegateCreate)
	// Nova after 26 (os-vif 4.x): the binding's ovs_create_tap has os-vif pre-create the tap,
	// multi-queue as the instance asks (VIFPortProfileOpenVSwitch 1.4). Only here: os-vif
	// refuses create_tap on the hybrid VIFBridge, where Nova HEAD also copies it.
	if truthy(c.detail("ovs_create_tap")) {
		profile.CreateTap = objects.Set(true)
		profile.Multiqueue = objects.Set(c.cfg.Multiqueue)
	}
	obj := &objects.VIFOpenVSwitch{VIFBase: b, VIFName: objects.Set(c.vifName())}
	if br, ok := c.networkBridge(); ok {
		obj.BridgeName = objects.Set(br)
	}
	return obj, nil
}

// offloadedHostDevice is the direct/vdpa branch shared by ovs and agilio_ovs: a VIFHostDevice with
// a representor profile and datapath offload.
func (c converter) offloadedHostDevice(plugin string) (objects.VIF, error) {
	profile, err := c.representorProfile()
	if err != nil {
		return nil, err
	}
	return c.hostDevice(plugin, profile)
}

// agilioOVS is Nova's _nova_to_osvif_vif_agilio_ovs.
func (c converter) agilioOVS() (objects.VIF, error) {
	switch c.v.VNICType {
	case VNICTypeDirect:
		return c.offloadedHostDevice("agilio_ovs")
	case VNICTypeVirtioForwarder:
		profile, err := c.representorProfile()
		if err != nil {
			return nil, err
		}
		return c.vhostUserVIF("agilio_ovs", profile, c.vifName())
	}
	return c.ovs()
}

// vhostuser is Nova's _nova_to_osvif_vif_vhostuser.
func (c converter) vhostuser() (objects.VIF, error) {
	var (
		plugin  string
		profile objects.PortProfile
		name    = c.vifName()
	)
	fpPlug, ovsPlug := truthy(c.detail("vhostuser_fp_plug")), truthy(c.detail("vhostuser_ovs_plug"))
	switch {
	case fpPlug && ovsPlug:
		plugin = "vhostuser_fp"
		ovs, err := c.ovsProfile()
		if err != nil {
			return nil, err
		}
		p := &objects.VIFPortProfileFPOpenVSwitch{VIFPortProfileOpenVSwitch: *ovs}
		if truthy(c.detail("ovs_hybrid_plug")) {
			p.BridgeName = objects.Set(c.hybridBridgeName())
			p.HybridPlug = objects.Set(true)
		} else {
			p.HybridPlug = objects.Set(false)
			if br, ok := c.networkBridge(); ok {
				p.BridgeName = objects.Set(br)
			}
		}
		profile = p
	case fpPlug:
		plugin = "vhostuser_fp"
		p := &objects.VIFPortProfileFPBridge{}
		if br, ok := c.networkBridge(); ok {
			p.BridgeName = objects.Set(br)
		}
		profile = p
	case ovsPlug:
		// Nova also sets obj.bridge_name, which VIFVHostUser does not have: it never reaches the wire.
		plugin = "ovs"
		ovs, err := c.ovsProfile()
		if err != nil {
			return nil, err
		}
		profile = ovs
		name = cutName("vhu" + c.v.ID)
	case truthy(c.detail("vhostuser_vrouter_plug")):
		plugin = "contrail_vrouter"
	default:
		plugin = "noop"
	}
	return c.vhostUserVIF(plugin, profile, name)
}

// vhostUserVIF builds the VIFVHostUser of plugin, with profile (nil: none) and vif_name name,
// and its vhost-user socket fields.
func (c converter) vhostUserVIF(plugin string, profile objects.PortProfile, name string) (objects.VIF, error) {
	b, err := c.base(plugin)
	if err != nil {
		return nil, err
	}
	if profile != nil {
		b.PortProfile = objects.Set(profile)
	}
	obj := &objects.VIFVHostUser{VIFBase: b, VIFName: objects.Set(name)}
	if err := c.setVHostUser(obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// ivs is Nova's _nova_to_osvif_vif_ivs.
func (c converter) ivs() (objects.VIF, error) {
	b, err := c.base("ivs")
	if err != nil {
		return nil, err
	}
	if truthy(c.detail("ovs_hybrid_plug")) {
		return &objects.VIFBridge{
			VIFBase:    b,
			VIFName:    objects.Set(c.vifName()),
			BridgeName: objects.Set(c.hybridBridgeName()),
		}, nil
	}
	return &objects.VIFGeneric{VIFBase: b, VIFName: objects.Set(c.vifName())}, nil
}

// bridge is Nova's _nova_to_osvif_vif_bridge (the linux_bridge plugin).
func (c converter) bridge() (objects.VIF, error) {
	b, err := c.base("linux_bridge")
	if err != nil {
		return nil, err
	}
	obj := &objects.VIFBridge{VIFBase: b, VIFName: objects.Set(c.vifName())}
	if br, ok := c.networkBridge(); ok {
		obj.BridgeName = objects.Set(br)
	}
	return obj, nil
}

// vrouter is Nova's _nova_to_osvif_vif_vrouter.
func (c converter) vrouter() (objects.VIF, error) {
	switch c.v.VNICType {
	case VNICTypeNormal:
		b, err := c.base("vrouter")
		if err != nil {
			return nil, err
		}
		return &objects.VIFGeneric{VIFBase: b, VIFName: objects.Set(c.vifName())}, nil
	case VNICTypeDirect:
		profile, err := c.offloadOnlyProfile()
		if err != nil {
			return nil, err
		}
		return c.hostDevice("vrouter", profile)
	case VNICTypeVirtioForwarder:
		profile, err := c.offloadOnlyProfile()
		if err != nil {
			return nil, err
		}
		return c.vhostUserVIF("vrouter", profile, c.vifName())
	}
	return nil, &VIFTypeError{VIFType: c.v.Type, VNICType: c.v.VNICType, Err: ErrUnsupportedVNICType}
}
