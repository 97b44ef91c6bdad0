package binding

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/govif/govif/objects"
)

// The govif plugins that plug the VIF types Nova 26 plugs itself (its "legacy" libvirt path).
const (
	PluginTap       = "tap"
	PluginMidonet   = "midonet"
	PluginIOVisor   = "iovisor"
	PluginIBHostdev = "ib_hostdev"
	PluginSRIOV     = "sriov"
)

// The vif_details keys the legacy conversions read (nova.network.model.VIF_DETAILS_*).
const (
	detailTapMAC            = "mac_address"
	detailVLAN              = "vlan"
	detailMacvtapSource     = "macvtap_source"
	detailMacvtapMode       = "macvtap_mode"
	detailPhysInterface     = "physical_interface"
	detailPhysicalNetwork   = "physical_network"
	govifExtensionReference = "docs/binding.md, govif's extension"
)

// legacy converts the VIF types Nova 26 plugs without os-vif into objects for govif's own
// plugins (govif's extension of os_vif_util; NovaConfig.GovifVIFTypes). Only os-vif 3.0.0's
// classes are used, so every result also decodes in Python os-vif. It returns ok=false for the
// legacy types govif does not plug (dvs, 802.1qbg, 802.1qbh, hostdev_physical: Nova's no-ops).
func (c converter) legacy(cfg NovaConfig) (objects.VIF, bool, error) {
	var (
		vif objects.VIF
		err error
	)
	switch c.v.Type {
	case VIFTypeTap:
		vif, err = c.tap(cfg.Multiqueue)
	case VIFTypeMidonet:
		vif, err = c.generic(PluginMidonet)
	case VIFTypeIOVisor:
		vif, err = c.generic(PluginIOVisor)
	case VIFTypeIBHostdev:
		vif, err = c.ibHostdev()
	case VIFTypeHWVEB:
		vif, err = c.hwVEB()
	case VIFTypeMacvtap:
		vif, err = c.macvtap()
	default:
		return nil, false, nil
	}
	return vif, true, err
}

// generic is a VIFGeneric named like Nova's get_vif_devname (devname, else "nic"+id cut to 14).
func (c converter) generic(plugin string) (*objects.VIFGeneric, error) {
	b, err := c.base(plugin)
	if err != nil {
		return nil, err
	}
	return &objects.VIFGeneric{VIFBase: b, VIFName: objects.Set(c.vifName())}, nil
}

// tap is Nova's plug_tap as an object: a VIFGeneric for the tap plugin. The tap's own MAC
// (vif_details.mac_address, distinct from the guest's address) rides in a VIFPortProfileFPTap;
// multiqueue (Nova derives it from the flavor and image, which network_info does not carry)
// rides in a VIFPortProfileOpenVSwitch 1.4 with create_tap, the field Nova HEAD uses for the
// same decision. os-vif has no class carrying both, so asking for both is an error.
func (c converter) tap(multiqueue bool) (objects.VIF, error) {
	obj, err := c.generic(PluginTap)
	if err != nil {
		return nil, err
	}
	raw, hasMAC := c.v.Details[detailTapMAC]
	hasMAC = hasMAC && raw != nil
	switch {
	case hasMAC && multiqueue:
		return nil, fieldErr("details."+detailTapMAC, raw,
			"a tap MAC and multiqueue cannot both be carried by one os-vif port profile (%s)", govifExtensionReference)
	case hasMAC:
		s, err := stringValue("details."+detailTapMAC, raw)
		if err != nil {
			return nil, err
		}
		mac, err := parseMAC("details."+detailTapMAC, s)
		if err != nil {
			return nil, err
		}
		obj.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileFPTap{MACAddress: objects.Set(mac)})
	case multiqueue:
		obj.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
			InterfaceID: objects.Set(c.interfaceID()),
			CreateTap:   objects.Set(true),
			Multiqueue:  objects.Set(true),
		})
	}
	return obj, nil
}

// physicalNetwork is Nova's VIF.get_physical_network: network meta, else vif_details.
func (c converter) physicalNetwork() (string, error) {
	if c.v.Network != nil {
		if v, ok := c.v.Network.metaValue(detailPhysicalNetwork); ok && truthy(v) {
			return stringValue("network.meta."+detailPhysicalNetwork, v)
		}
	}
	v := c.detail(detailPhysicalNetwork)
	if !truthy(v) {
		return "", fieldErr("details."+detailPhysicalNetwork, v,
			"missing: an ib_hostdev VIF needs its physical network (network.meta.physical_network or details.physical_network), as Nova's NetworkMissingPhysicalNetwork")
	}
	return stringValue("details."+detailPhysicalNetwork, v)
}

// ibHostdev is Nova's plug_ib_hostdev as an object: a VIFHostDevice (dev_type generic, the
// <hostdev> Nova's get_config_ib_hostdev writes) for the ib_hostdev plugin, the fabric (the
// physical network) carried as the network's bridge_interface.
func (c converter) ibHostdev() (objects.VIF, error) {
	fabric, err := c.physicalNetwork()
	if err != nil {
		return nil, err
	}
	obj, err := c.hostDevice(PluginIBHostdev, nil)
	if err != nil {
		return nil, err
	}
	obj.DevType = objects.Set(objects.VIFHostDeviceDevTypeGeneric)
	if n, ok := obj.Network.Get(); ok && n != nil {
		n.BridgeInterface = objects.Set(fabric)
	}
	return obj, nil
}

// vlanDetail reads vif_details.vlan (a number or a numeric string, as Nova's int(vlan)).
func (c converter) vlanDetail(required bool) (int, bool, error) {
	raw, ok := c.v.Details[detailVLAN]
	if !ok || raw == nil {
		if required {
			return 0, false, fieldErr("details."+detailVLAN, nil, "missing: vif_type %q needs it", c.v.Type)
		}
		return 0, false, nil
	}
	var id int
	switch x := raw.(type) {
	case string:
		n := 0
		if x == "" {
			return 0, false, fieldErr("details."+detailVLAN, raw, "must be a VLAN id")
		}
		for _, r := range x {
			if r < '0' || r > '9' || n > 4095 {
				return 0, false, fieldErr("details."+detailVLAN, raw, "must be a VLAN id from 0 to 4095")
			}
			n = n*10 + int(r-'0')
		}
		id = n
	default:
		n, err := intValue("details."+detailVLAN, raw)
		if err != nil {
			return 0, false, err
		}
		id = n
	}
	if id < 0 || id > 4095 {
		return 0, false, fieldErr("details."+detailVLAN, raw, "must be a VLAN id from 0 to 4095")
	}
	return id, true, nil
}

// hwVEB is Nova's plug_hw_veb as an object for the sriov plugin: vnic_type macvtap gives a
// VIFDirect (mode passthrough, dev_address the VF) whose network carries the VLAN; direct gives
// a VIFHostDevice (ethernet). Other vnic_types are not SR-IOV VEB ports.
func (c converter) hwVEB() (objects.VIF, error) {
	vlan, _, err := c.vlanDetail(true)
	if err != nil {
		return nil, err
	}
	switch c.v.VNICType {
	case VNICTypeMacvtap:
		pci, err := c.pciSlot()
		if err != nil {
			return nil, err
		}
		dev, err := parsePCI("profile.pci_slot", pci)
		if err != nil {
			return nil, err
		}
		b, err := c.base(PluginSRIOV)
		if err != nil {
			return nil, err
		}
		setVLAN(&b, vlan, false)
		return &objects.VIFDirect{
			VIFBase:    b,
			VIFName:    objects.Set(c.vifName()),
			DevAddress: objects.Set(dev),
			Mode:       objects.Set(objects.VIFDirectModePassthrough),
		}, nil
	case VNICTypeDirect:
		obj, err := c.hostDevice(PluginSRIOV, nil)
		if err != nil {
			return nil, err
		}
		setVLAN(&obj.VIFBase, vlan, false)
		// Nova's plug_hw_veb: trust on when bool_from_string(profile.trusted); its unplug turns
		// it off when the key is there. Carried in govif's extension key (objects.ExtKeyTrusted).
		if raw, ok := c.v.Profile["trusted"]; ok {
			obj.Trusted = objects.Set(boolFromString(raw))
		}
		return obj, nil
	}
	return nil, &VIFTypeError{VIFType: c.v.Type, VNICType: c.v.VNICType, Err: ErrUnsupportedVNICType}
}

// boolFromString is oslo's strutils.bool_from_string(v) (strict=False, default False): a
// boolean as it is; anything else as its str(), stripped and lower-cased, true when one of 1, t,
// true, on, y, yes.
func boolFromString(v any) bool {
	var s string
	switch x := v.(type) {
	case bool:
		return x
	case string:
		s = x
	case json.Number:
		s = x.String()
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return false // str() of a float is never "1"
		}
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "on", "y", "yes":
		return true
	}
	return false
}

// setVLAN puts the VLAN of the binding into the VIF's network.
func setVLAN(b *objects.VIFBase, vlan int, provide bool) {
	if n, ok := b.Network.Get(); ok && n != nil {
		n.VLAN = objects.Set(vlan)
		n.ShouldProvideVLAN = objects.Set(provide)
	}
}

// macvtap is Nova's plug_macvtap and get_config_macvtap as an object for the sriov plugin: a
// VIFDirect with the macvtap source device (vlan_name) and mode; with a VLAN, the network
// carries it, should_provide_vlan and the physical interface (bridge_interface) the VLAN device
// goes on, as Nova's ensure_vlan.
func (c converter) macvtap() (objects.VIF, error) {
	var missing []string
	get := func(key string) string {
		v, ok := c.v.Details[key]
		if !ok || v == nil {
			missing = append(missing, key)
			return ""
		}
		s, _ := v.(string)
		return s
	}
	src, mode, phys := get(detailMacvtapSource), get(detailMacvtapMode), get(detailPhysInterface)
	if len(missing) > 0 {
		return nil, fieldErr("details."+missing[0], nil, "missing: a macvtap VIF needs macvtap_source, macvtap_mode and physical_interface (Nova's VifDetailsMissingMacvtapParameters)")
	}
	for key, s := range map[string]string{detailMacvtapSource: src, detailMacvtapMode: mode, detailPhysInterface: phys} {
		if s == "" {
			return nil, fieldErr("details."+key, c.v.Details[key], "must be a non-empty string")
		}
	}
	m := objects.VIFDirectMode(mode)
	if !m.Valid() {
		return nil, fieldErr("details."+detailMacvtapMode, mode, "must be %q, %q or %q",
			objects.VIFDirectModeVEPA, objects.VIFDirectModeBridge, objects.VIFDirectModePassthrough)
	}
	vlan, hasVLAN, err := c.vlanDetail(false)
	if err != nil {
		return nil, err
	}
	b, err := c.base(PluginSRIOV)
	if err != nil {
		return nil, err
	}
	if n, ok := b.Network.Get(); ok && n != nil {
		n.BridgeInterface = objects.Set(phys)
		// Nova's "if vlan:": VLAN 0 (or absent) creates nothing.
		if hasVLAN && vlan != 0 {
			setVLAN(&b, vlan, true)
		}
	}
	return &objects.VIFDirect{
		VIFBase:  b,
		VIFName:  objects.Set(c.vifName()),
		Mode:     objects.Set(m),
		VLANName: objects.Set(src),
	}, nil
}
