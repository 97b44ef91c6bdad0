package binding

import (
	"net"

	"github.com/govif/govif/objects"
)

// The vif_type values Nova 26 knows (nova.network.model.VIF_TYPE_*).
const (
	VIFTypeOVS           = "ovs"
	VIFTypeIVS           = "ivs"
	VIFTypeDVS           = "dvs"
	VIFTypeIOVisor       = "iovisor"
	VIFTypeBridge        = "bridge"
	VIFType8021Qbg       = "802.1qbg"
	VIFType8021Qbh       = "802.1qbh"
	VIFTypeHWVEB         = "hw_veb"
	VIFTypeHyperV        = "hyperv"
	VIFTypeHostdev       = "hostdev_physical"
	VIFTypeIBHostdev     = "ib_hostdev"
	VIFTypeMidonet       = "midonet"
	VIFTypeVHostUser     = "vhostuser"
	VIFTypeVRouter       = "vrouter"
	VIFTypeOther         = "other"
	VIFTypeTap           = "tap"
	VIFTypeMacvtap       = "macvtap"
	VIFTypeAgilioOVS     = "agilio_ovs"
	VIFTypeBindingFailed = "binding_failed"
	VIFTypeVIF           = "vif"
	VIFTypeUnbound       = "unbound"
)

// The binding:vnic_type values that change the conversion (nova.network.model.VNIC_TYPE_*).
const (
	VNICTypeNormal          = "normal"
	VNICTypeDirect          = "direct"
	VNICTypeMacvtap         = "macvtap"
	VNICTypeDirectPhysical  = "direct-physical"
	VNICTypeVirtioForwarder = "virtio-forwarder"
	VNICTypeVDPA            = "vdpa"
	VNICTypeRemoteManaged   = "remote-managed"
)

// legacyVIFTypes are Nova's LEGACY_VIFS: plugged by libvirt itself, no os-vif object.
var legacyVIFTypes = map[string]bool{
	VIFTypeDVS: true, VIFTypeIOVisor: true, VIFType8021Qbg: true, VIFType8021Qbh: true,
	VIFTypeHWVEB: true, VIFTypeHostdev: true, VIFTypeIBHostdev: true, VIFTypeMidonet: true,
	VIFTypeTap: true, VIFTypeMacvtap: true,
}

// FromNovaVIFJSON decodes one network_info VIF and converts it (see FromNovaVIF).
func FromNovaVIFJSON(data []byte) (objects.VIF, error) {
	v, err := ParseNovaVIF(data)
	if err != nil {
		return nil, err
	}
	return FromNovaVIF(v)
}

// FromNovaVIF converts one network_info VIF to its os-vif object, like Nova 26's
// nova_to_osvif_vif: the object class, plugin name, port profile and every field as Nova sets them.
// Where Nova returns None (legacy or unbound VIF types) or raises, it returns a *VIFTypeError or a
// *FieldError. v is not modified.
func FromNovaVIF(v *NovaVIF) (objects.VIF, error) { return FromNovaVIFWith(v, NovaConfig{}) }

// FromNovaVIFWith is FromNovaVIF with Nova's configuration. With cfg.GovifVIFTypes, the VIF
// types Nova 26 plugs itself (tap, midonet, iovisor, ib_hostdev, hw_veb, macvtap) convert to
// objects for govif's plugins of those names (sriov for hw_veb and macvtap) instead of giving
// ErrLegacyVIFType; see docs/binding.md. Every other type converts exactly as without it.
func FromNovaVIFWith(v *NovaVIF, cfg NovaConfig) (objects.VIF, error) {
	if v == nil {
		return nil, fieldErr("vif", nil, "missing")
	}
	switch {
	case legacyVIFTypes[v.Type]:
		if cfg.GovifVIFTypes {
			if obj, ok, err := (converter{v: v, cfg: cfg}).legacy(cfg); ok {
				return obj, err
			}
		}
		return nil, &VIFTypeError{VIFType: v.Type, VNICType: v.VNICType, Err: ErrLegacyVIFType}
	case v.Type == VIFTypeBindingFailed || v.Type == VIFTypeUnbound:
		return nil, &VIFTypeError{VIFType: v.Type, VNICType: v.VNICType, Err: ErrNotBound}
	}
	c := converter{v: v, cfg: cfg}
	switch v.Type {
	case VIFTypeOVS:
		return c.ovs()
	case VIFTypeIVS:
		return c.ivs()
	case VIFTypeBridge:
		return c.bridge()
	case VIFTypeAgilioOVS:
		return c.agilioOVS()
	case VIFTypeVHostUser:
		return c.vhostuser()
	case VIFTypeVRouter:
		return c.vrouter()
	}
	return nil, &VIFTypeError{VIFType: v.Type, VNICType: v.VNICType, Err: ErrUnsupportedVIFType}
}

// converter holds the VIF being converted; its methods are the per-type functions of os_vif_util.
type converter struct {
	v   *NovaVIF
	cfg NovaConfig
}

// vifName is Nova's _get_vif_name: devname, or "nic"+id cut to 14.
func (c converter) vifName() string {
	if c.v.Devname != nil {
		return *c.v.Devname
	}
	return cutName("nic" + c.v.ID)
}

// hybridBridgeName is Nova's _get_hybrid_bridge_name: "qbr"+id cut to 14.
func (c converter) hybridBridgeName() string { return cutName("qbr" + c.v.ID) }

func (c converter) detail(key string) any { return c.v.Details[key] }

func (c converter) interfaceID() string {
	if c.v.OVSInterfaceID != nil && *c.v.OVSInterfaceID != "" {
		return *c.v.OVSInterfaceID
	}
	return c.v.ID
}

func (c converter) networkBridge() (string, bool) {
	if c.v.Network == nil || c.v.Network.Bridge == nil {
		return "", false
	}
	return *c.v.Network.Bridge, true
}

// base is Nova's _get_vif_instance: the fields every VIF class gets.
func (c converter) base(plugin string) (objects.VIFBase, error) {
	b := objects.VIFBase{
		ID:                  objects.Set(c.v.ID),
		Plugin:              objects.Set(plugin),
		HasTrafficFiltering: objects.Set(truthy(c.detail("port_filter"))),
		PreserveOnDelete:    objects.Set(c.v.PreserveOnDelete),
		Active:              objects.Set(c.v.Active),
	}
	if c.v.Address == nil {
		b.Address = objects.Null[net.HardwareAddr]()
	} else {
		mac, err := parseMAC("address", *c.v.Address)
		if err != nil {
			return b, err
		}
		b.Address = objects.Set(mac)
	}
	network, err := convertNetwork(c.v.Network)
	if err != nil {
		return b, err
	}
	b.Network = objects.Set(network)
	return b, nil
}

// pciSlot reads profile.pci_slot, which the SR-IOV and offload conversions require.
func (c converter) pciSlot() (string, error) {
	if c.v.Profile == nil {
		return "", fieldErr("profile", nil, "missing (null) but vnic_type %q needs profile.pci_slot", c.v.VNICType)
	}
	raw, ok := c.v.Profile["pci_slot"]
	if !ok || raw == nil {
		return "", fieldErr("profile.pci_slot", nil, "missing but vnic_type %q needs it", c.v.VNICType)
	}
	return stringValue("profile.pci_slot", raw)
}

// ovsProfile is the VIFPortProfileOpenVSwitch Nova builds for ovs and vhostuser-ovs VIFs.
func (c converter) ovsProfile() (*objects.VIFPortProfileOpenVSwitch, error) {
	dp, err := nullableString(c.v.Details, "details.", "datapath_type")
	if err != nil {
		return nil, err
	}
	return &objects.VIFPortProfileOpenVSwitch{
		InterfaceID:  objects.Set(c.interfaceID()),
		DatapathType: dp,
	}, nil
}

// representorProfile is Nova's _get_ovs_representor_port_profile plus
// _set_representor_datapath_offload_settings for the VIF's profile.pci_slot: a
// VIFPortProfileOVSRepresentor whose datapath_offload repeats the representor name and address.
func (c converter) representorProfile() (*objects.VIFPortProfileOVSRepresentor, error) {
	pci, err := c.pciSlot()
	if err != nil {
		return nil, err
	}
	addr, err := parsePCI("profile.pci_slot", pci)
	if err != nil {
		return nil, err
	}
	p := &objects.VIFPortProfileOVSRepresentor{
		RepresentorName:    objects.Set(c.vifName()),
		RepresentorAddress: objects.Set(addr),
	}
	p.InterfaceID = objects.Set(c.interfaceID())
	p.DatapathOffload = objects.Set[objects.DatapathOffload](c.offload(pci))
	return p, nil
}

// offloadOnlyProfile is the bare VIFPortProfileBase carrying only the datapath offload of the
// VIF's profile.pci_slot (Nova's vrouter offload branches).
func (c converter) offloadOnlyProfile() (*objects.VIFPortProfileBase, error) {
	pci, err := c.pciSlot()
	if err != nil {
		return nil, err
	}
	profile := &objects.VIFPortProfileBase{}
	profile.DatapathOffload = objects.Set[objects.DatapathOffload](c.offload(pci))
	return profile, nil
}

// offload is the DatapathOffloadRepresentor Nova attaches to offloaded VIFs. Its address is a plain
// string field in os-vif, kept as given.
func (c converter) offload(pci string) *objects.DatapathOffloadRepresentor {
	return &objects.DatapathOffloadRepresentor{
		RepresentorName:    objects.Set(c.vifName()),
		RepresentorAddress: objects.Set(pci),
	}
}

// hostDevice is Nova's _get_vnic_direct_vif_instance: a VIFHostDevice for an SR-IOV VF.
func (c converter) hostDevice(plugin string, profile objects.PortProfile) (*objects.VIFHostDevice, error) {
	pci, err := c.pciSlot()
	if err != nil {
		return nil, err
	}
	dev, err := parsePCI("profile.pci_slot", pci)
	if err != nil {
		return nil, err
	}
	b, err := c.base(plugin)
	if err != nil {
		return nil, err
	}
	if profile != nil {
		b.PortProfile = objects.Set(profile)
	}
	return &objects.VIFHostDevice{
		VIFBase:    b,
		DevAddress: objects.Set(dev),
		DevType:    objects.Set(objects.VIFHostDeviceDevTypeEthernet),
	}, nil
}

// setVHostUser is Nova's _set_vhostuser_settings: mode (default server) and the required socket path.
func (c converter) setVHostUser(obj *objects.VIFVHostUser) error {
	mode := objects.VIFVHostUserModeServer
	if raw, ok := c.v.Details["vhostuser_mode"]; ok {
		s, err := stringValue("details.vhostuser_mode", raw)
		if err != nil {
			return err
		}
		mode = objects.VIFVHostUserMode(s)
		if !mode.Valid() {
			return fieldErr("details.vhostuser_mode", s, "must be %q or %q",
				objects.VIFVHostUserModeClient, objects.VIFVHostUserModeServer)
		}
	}
	obj.Mode = objects.Set(mode)
	raw := c.detail("vhostuser_socket")
	if !truthy(raw) {
		return fieldErr("details.vhostuser_socket", raw, "missing: a vhostuser VIF needs its socket path")
	}
	path, err := stringValue("details.vhostuser_socket", raw)
	if err != nil {
		return err
	}
	obj.Path = objects.Set(path)
	return nil
}
