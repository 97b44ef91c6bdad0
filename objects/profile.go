package objects

import "net"

// PortProfile is implemented by every port profile class, VIFPortProfileBase included.
type PortProfile interface {
	Object
	ProfileBase() *VIFPortProfileBase
}

// OpenVSwitchProfile is implemented by VIFPortProfileOpenVSwitch and its two subclasses
// (VIFPortProfileFPOpenVSwitch, VIFPortProfileOVSRepresentor): the profiles the OVS plugin takes.
type OpenVSwitchProfile interface {
	PortProfile
	OVSProfile() *VIFPortProfileOpenVSwitch
}

// DatapathOffload is implemented by DatapathOffloadBase and DatapathOffloadRepresentor.
type DatapathOffload interface {
	Object
	OffloadBase() *DatapathOffloadBase
}

// VIFPortProfileBase is os-vif's VIFPortProfileBase 1.1 (1.1 added datapath_offload).
type VIFPortProfileBase struct {
	meta objMeta

	// DatapathOffload describes a switchdev offload. Wire: datapath_offload, nullable, since 1.1.
	DatapathOffload Field[DatapathOffload]
}

// VIFPortProfileOpenVSwitch is os-vif's VIFPortProfileOpenVSwitch 1.4 (upstream 4.3.0; Debian's
// os-vif 3.0.0 knows it up to 1.3). Versions: 1.0 interface_id, profile_id; 1.1 + datapath_type;
// 1.2 + datapath_offload; 1.3 + create_port; 1.4 + create_tap, multiqueue.
type VIFPortProfileOpenVSwitch struct {
	VIFPortProfileBase
	// InterfaceID goes to OVS external_ids:iface-id. Wire: interface_id, UUIDField.
	InterfaceID Field[string]
	// ProfileID is the OVS port profile. Wire: profile_id.
	ProfileID Field[string]
	// DatapathType is the bridge datapath ("system", "netdev"). Wire: datapath_type, nullable, since 1.1.
	DatapathType Field[string]
	// CreatePort: the plugin adds the port itself. Wire: create_port, since 1.3, default false.
	CreatePort Field[bool]
	// CreateTap: the plugin pre-creates the TAP. Wire: create_tap, since 1.4, default false.
	CreateTap Field[bool]
	// Multiqueue: create the TAP with IFF_MULTI_QUEUE. Wire: multiqueue, since 1.4, default false.
	Multiqueue Field[bool]
}

// VIFPortProfileFPOpenVSwitch is os-vif's fast-path OVS profile (1.4; versions follow its parent).
type VIFPortProfileFPOpenVSwitch struct {
	VIFPortProfileOpenVSwitch
	// BridgeName is the fast-path bridge. Wire: bridge_name.
	BridgeName Field[string]
	// HybridPlug: plug through a Linux bridge. Wire: hybrid_plug, default false.
	HybridPlug Field[bool]
}

// VIFPortProfileOVSRepresentor is os-vif's deprecated VIFPortProfileOVSRepresentor (1.4; versions
// follow its parent). Superseded by DatapathOffloadRepresentor.
type VIFPortProfileOVSRepresentor struct {
	VIFPortProfileOpenVSwitch
	// RepresentorName is the VF representor name. Wire: representor_name, nullable.
	RepresentorName Field[string]
	// RepresentorAddress is the VF PCI address. Wire: representor_address, PCIAddressField, nullable.
	RepresentorAddress Field[string]
}

// VIFPortProfileFPBridge is os-vif's VIFPortProfileFPBridge 1.1.
type VIFPortProfileFPBridge struct {
	VIFPortProfileBase
	// BridgeName is the fast-path Linux bridge. Wire: bridge_name.
	BridgeName Field[string]
}

// VIFPortProfileFPTap is os-vif's VIFPortProfileFPTap 1.1.
type VIFPortProfileFPTap struct {
	VIFPortProfileBase
	// MACAddress is the MAC of the host vhostuser port. Wire: mac_address, nullable.
	MACAddress Field[net.HardwareAddr]
}

// VIFPortProfile8021Qbg is os-vif's VIFPortProfile8021Qbg 1.1.
type VIFPortProfile8021Qbg struct {
	VIFPortProfileBase
	// ManagerID wire: manager_id (integer).
	ManagerID Field[int]
	// TypeID wire: type_id (integer).
	TypeID Field[int]
	// TypeIDVersion wire: type_id_version (integer).
	TypeIDVersion Field[int]
	// InstanceID wire: instance_id (UUID).
	InstanceID Field[string]
}

// VIFPortProfile8021Qbh is os-vif's VIFPortProfile8021Qbh 1.1.
type VIFPortProfile8021Qbh struct {
	VIFPortProfileBase
	// ProfileID wire: profile_id.
	ProfileID Field[string]
}

// VIFPortProfileK8sDPDK is os-vif's VIFPortProfileK8sDPDK 1.1 (kuryr-kubernetes).
type VIFPortProfileK8sDPDK struct {
	VIFPortProfileBase
	// L3Setup wire: l3_setup.
	L3Setup Field[bool]
	// SelfLink wire: selflink.
	SelfLink Field[string]
	// ResourceVersion wire: resourceversion.
	ResourceVersion Field[string]
}

// DatapathOffloadBase is os-vif's DatapathOffloadBase 1.0 (no fields).
type DatapathOffloadBase struct {
	meta objMeta
}

// DatapathOffloadRepresentor is os-vif's DatapathOffloadRepresentor 1.0: a switchdev VF representor.
type DatapathOffloadRepresentor struct {
	DatapathOffloadBase
	// RepresentorName, if set, is the name to rename the representor to. Wire: representor_name, nullable.
	RepresentorName Field[string]
	// RepresentorAddress is the VF PCI address; a plain StringField in os-vif (not validated).
	// Wire: representor_address, nullable.
	RepresentorAddress Field[string]
}

// ProfileBase returns the shared profile fields; it makes every profile class satisfy PortProfile.
func (p *VIFPortProfileBase) ProfileBase() *VIFPortProfileBase { return p }

func (p *VIFPortProfileBase) objMeta() *objMeta { return &p.meta }

// OVSProfile returns the OpenVSwitch profile fields; it makes the OVS profile and its two
// subclasses satisfy OpenVSwitchProfile.
func (p *VIFPortProfileOpenVSwitch) OVSProfile() *VIFPortProfileOpenVSwitch { return p }

// OffloadBase returns the shared offload part; it makes both offload classes satisfy DatapathOffload.
func (d *DatapathOffloadBase) OffloadBase() *DatapathOffloadBase { return d }

func (d *DatapathOffloadBase) objMeta() *objMeta { return &d.meta }

// ObjName returns "VIFPortProfileBase".
func (*VIFPortProfileBase) ObjName() string { return "VIFPortProfileBase" }

// ObjName returns "VIFPortProfileOpenVSwitch".
func (*VIFPortProfileOpenVSwitch) ObjName() string { return "VIFPortProfileOpenVSwitch" }

// ObjName returns "VIFPortProfileFPOpenVSwitch".
func (*VIFPortProfileFPOpenVSwitch) ObjName() string { return "VIFPortProfileFPOpenVSwitch" }

// ObjName returns "VIFPortProfileOVSRepresentor".
func (*VIFPortProfileOVSRepresentor) ObjName() string { return "VIFPortProfileOVSRepresentor" }

// ObjName returns "VIFPortProfileFPBridge".
func (*VIFPortProfileFPBridge) ObjName() string { return "VIFPortProfileFPBridge" }

// ObjName returns "VIFPortProfileFPTap".
func (*VIFPortProfileFPTap) ObjName() string { return "VIFPortProfileFPTap" }

// ObjName returns "VIFPortProfile8021Qbg".
func (*VIFPortProfile8021Qbg) ObjName() string { return "VIFPortProfile8021Qbg" }

// ObjName returns "VIFPortProfile8021Qbh".
func (*VIFPortProfile8021Qbh) ObjName() string { return "VIFPortProfile8021Qbh" }

// ObjName returns "VIFPortProfileK8sDPDK".
func (*VIFPortProfileK8sDPDK) ObjName() string { return "VIFPortProfileK8sDPDK" }

// ObjName returns "DatapathOffloadBase".
func (*DatapathOffloadBase) ObjName() string { return "DatapathOffloadBase" }

// ObjName returns "DatapathOffloadRepresentor".
func (*DatapathOffloadRepresentor) ObjName() string { return "DatapathOffloadRepresentor" }
