package objects

import (
	"net"
)

// VIF is implemented by the eight VIF classes: VIFBase itself and its seven subclasses.
// Base gives access to the fields every VIF shares.
type VIF interface {
	Object
	Base() *VIFBase
}

// VIFBase is os-vif's VIFBase 1.0: the fields every VIF carries. It is registered and
// serialisable on its own, but normally used embedded in one of the subclasses.
type VIFBase struct {
	meta objMeta

	// ID is the VIF (Neutron port) UUID. Wire: id, UUIDField, not nullable.
	ID Field[string]
	// Address is the guest MAC. Wire: address, MACAddressField, nullable.
	Address Field[net.HardwareAddr]
	// Network is the attached network. Wire: network, ObjectField('Network'), nullable.
	Network Field[*Network]
	// Plugin names the os-vif plugin that handles the VIF (e.g. "ovs"). Wire: plugin, not nullable.
	Plugin Field[string]
	// Active: the VIF is initially online. Wire: active, not nullable, os-vif default true.
	Active Field[bool]
	// PreserveOnDelete: keep the host device on unplug. Not nullable, default false.
	PreserveOnDelete Field[bool]
	// HasTrafficFiltering: the network service already filters traffic. Not nullable, default false.
	HasTrafficFiltering Field[bool]
	// PortProfile is any port profile class. Wire: port_profile, not nullable (may be unset).
	PortProfile Field[PortProfile]
}

// VIFGeneric is os-vif's VIFGeneric 1.0 (libvirt type="ethernet": a bare TAP).
type VIFGeneric struct {
	VIFBase
	// VIFName is the host device name. Wire: vif_name.
	VIFName Field[string]
}

// VIFBridge is os-vif's VIFBridge 1.0 (libvirt type='bridge', a Linux bridge).
type VIFBridge struct {
	VIFBase
	// VIFName is the host device name. Wire: vif_name.
	VIFName Field[string]
	// BridgeName is the bridge to attach to. Wire: bridge_name.
	BridgeName Field[string]
}

// VIFOpenVSwitch is os-vif's VIFOpenVSwitch 1.0 (libvirt type='bridge' on an OVS bridge).
type VIFOpenVSwitch struct {
	VIFBase
	// VIFName is the host device name. Wire: vif_name.
	VIFName Field[string]
	// BridgeName is the OVS bridge (e.g. br-int). Wire: bridge_name.
	BridgeName Field[string]
}

// VIFDirect is os-vif's VIFDirect 1.0 (libvirt type='direct', macvtap).
type VIFDirect struct {
	VIFBase
	// VIFName is the host device name. Wire: vif_name.
	VIFName Field[string]
	// DevAddress is the PCI address of the parent device. Wire: dev_address, PCIAddressField.
	DevAddress Field[string]
	// Mode is the macvtap mode. Wire: mode, VIFDirectModeField.
	Mode Field[VIFDirectMode]
	// VLANName is the VLAN device name. Wire: vlan_name.
	VLANName Field[string]
}

// VIFVHostUser is os-vif's VIFVHostUser 1.1 (libvirt type='vhostuser'). vif_name was added in 1.1.
type VIFVHostUser struct {
	VIFBase
	// VIFName is the host device name. Wire: vif_name, since 1.1.
	VIFName Field[string]
	// Path is the vhost-user UNIX socket path. Wire: path.
	Path Field[string]
	// Mode says which side creates the socket. Wire: mode, VIFVHostUserModeField.
	Mode Field[VIFVHostUserMode]
}

// ExtKeyTrusted is the versioned_object.data key of VIFHostDevice.Trusted, govif's extension.
const ExtKeyTrusted = "govif_trusted"

// VIFHostDevice is os-vif's VIFHostDevice 1.0 (libvirt type='hostdev', SR-IOV passthrough).
type VIFHostDevice struct {
	VIFBase
	// DevType selects <interface type='hostdev'> (ethernet) or <hostdev> (generic). Wire: dev_type.
	DevType Field[VIFHostDeviceDevType]
	// DevAddress is the VF's PCI address. Wire: dev_address, PCIAddressField.
	DevAddress Field[string]
	// Trusted is govif's extension, not an os-vif field: Nova's binding:profile.trusted of an
	// SR-IOV VF (hw_veb, vnic direct), which no os-vif class carries. Wire: the key
	// "govif_trusted" (a boolean) in versioned_object.data, written only when set; os-vif peers
	// decode such a primitive and ignore the key (oslo reads only its fields' keys), and it is
	// never in versioned_object.changes. Unset: the binding had no trusted (Nova leaves the
	// trust alone); false: trust off on unplug; true: on at plug, off at unplug.
	Trusted Field[bool]
}

// VIFNestedDPDK is os-vif's VIFNestedDPDK 1.0 (kuryr-kubernetes nested DPDK).
type VIFNestedDPDK struct {
	VIFBase
	// PCIAddress is the device's PCI address. Wire: pci_address, a plain StringField in os-vif
	// (not validated as a PCI address).
	PCIAddress Field[string]
	// DevDriver is the driver the device is bound to. Wire: dev_driver.
	DevDriver Field[string]
}

// Base returns the shared VIF fields. It makes every VIF class satisfy VIF.
func (b *VIFBase) Base() *VIFBase { return b }

func (b *VIFBase) objMeta() *objMeta { return &b.meta }

// ObjName returns "VIFBase".
func (*VIFBase) ObjName() string { return "VIFBase" }

// ObjName returns "VIFGeneric".
func (*VIFGeneric) ObjName() string { return "VIFGeneric" }

// ObjName returns "VIFBridge".
func (*VIFBridge) ObjName() string { return "VIFBridge" }

// ObjName returns "VIFOpenVSwitch".
func (*VIFOpenVSwitch) ObjName() string { return "VIFOpenVSwitch" }

// ObjName returns "VIFDirect".
func (*VIFDirect) ObjName() string { return "VIFDirect" }

// ObjName returns "VIFVHostUser".
func (*VIFVHostUser) ObjName() string { return "VIFVHostUser" }

// ObjName returns "VIFHostDevice".
func (*VIFHostDevice) ObjName() string { return "VIFHostDevice" }

// ObjName returns "VIFNestedDPDK".
func (*VIFNestedDPDK) ObjName() string { return "VIFNestedDPDK" }
