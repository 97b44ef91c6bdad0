package objects

// kuryr-kubernetes' VIF classes (kuryr_kubernetes/objects/vif.py, last release before the
// project was retired, plus VIFSriov from before kuryr dropped SR-IOV). They subclass os-vif's
// classes, so their primitives carry versioned_object.namespace "os_vif"; each adds its own
// fields in front of the inherited ones, as oslo.versionedobjects serialises them.

// VIFVlanNested is kuryr's VIFVlanNested 1.0: a pod interface that is a VLAN sub-interface of
// the VM's trunk port interface.
type VIFVlanNested struct {
	VIFBase
	// VIFName is the name of the device to create. Wire: vif_name.
	VIFName Field[string]
	// VLANID is the VLAN id allocated to this VIF. Wire: vlan_id, IntegerField.
	VLANID Field[int]
}

// VIFMacvlanNested is kuryr's VIFMacvlanNested 1.0: a pod interface that is a macvlan on the
// VM's interface, with the Neutron port's MAC (an allowed-address pair).
type VIFMacvlanNested struct {
	VIFBase
	// VIFName is the name of the device to create. Wire: vif_name.
	VIFName Field[string]
}

// VIFDPDKNested is kuryr's VIFDPDKNested 1.0, os-vif's VIFNestedDPDK with a vif_name.
type VIFDPDKNested struct {
	VIFNestedDPDK
	// VIFName is the name of the VIF. Wire: vif_name.
	VIFName Field[string]
}

// VIFSriov is kuryr's VIFSriov 1.1 (os-vif's VIFDirect plus the physnet and, since 1.1, the
// pod's name and link). kuryr removed SR-IOV support in 2022 ("Remove SR-IOV support",
// 04d44396); the class is here so that primitives from releases before that decode.
type VIFSriov struct {
	VIFDirect
	// Physnet is the physical network of the VF. Wire: physnet.
	Physnet Field[string]
	// PodName is the pod's name. Wire: pod_name, since 1.1.
	PodName Field[string]
	// PodLink is the pod's API link. Wire: pod_link, since 1.1.
	PodLink Field[string]
}

// ObjName returns "VIFSriov".
func (*VIFSriov) ObjName() string { return "VIFSriov" }

// ObjName returns "VIFVlanNested".
func (*VIFVlanNested) ObjName() string { return "VIFVlanNested" }

// ObjName returns "VIFMacvlanNested".
func (*VIFMacvlanNested) ObjName() string { return "VIFMacvlanNested" }

// ObjName returns "VIFDPDKNested".
func (*VIFDPDKNested) ObjName() string { return "VIFDPDKNested" }

func init() {
	registerKuryr("VIFVlanNested", "VIFBase", v10, func() Object { return &VIFVlanNested{} }, []*fieldDesc{
		vifName(func(o Object) *Field[string] { return &o.(*VIFVlanNested).VIFName }),
		fd("vlan_id", kInt, "1.0", func(o Object) any { return &o.(*VIFVlanNested).VLANID }),
	}, vifBaseFields())
	registerKuryr("VIFMacvlanNested", "VIFBase", v10, func() Object { return &VIFMacvlanNested{} }, []*fieldDesc{
		vifName(func(o Object) *Field[string] { return &o.(*VIFMacvlanNested).VIFName }),
	}, vifBaseFields())
	registerKuryr("VIFSriov", "VIFDirect", v11, func() Object { return &VIFSriov{} }, []*fieldDesc{
		stringFld("physnet", func(o Object) *Field[string] { return &o.(*VIFSriov).Physnet }),
		// pod_name and pod_link came with 1.1, but kuryr defines no obj_make_compatible, so
		// oslo keeps them in a 1.0 primitive: govif must not drop them either (since "1.0").
		fd("pod_name", kString, "1.0", func(o Object) any { return &o.(*VIFSriov).PodName }),
		fd("pod_link", kString, "1.0", func(o Object) any { return &o.(*VIFSriov).PodLink }),
		vifName(func(o Object) *Field[string] { return &o.(*VIFSriov).VIFName }),
		fd("dev_address", kPCI, "1.0", func(o Object) any { return &o.(*VIFSriov).DevAddress }),
		fd("mode", kEnum, "1.0", func(o Object) any { return &o.(*VIFSriov).Mode }).enum("VIFDirectModeField"),
		stringFld("vlan_name", func(o Object) *Field[string] { return &o.(*VIFSriov).VLANName }),
	}, vifBaseFields())
	registerKuryr("VIFDPDKNested", "VIFNestedDPDK", v10, func() Object { return &VIFDPDKNested{} }, []*fieldDesc{
		vifName(func(o Object) *Field[string] { return &o.(*VIFDPDKNested).VIFName }),
		stringFld("pci_address", func(o Object) *Field[string] { return &o.(*VIFDPDKNested).PCIAddress }),
		stringFld("dev_driver", func(o Object) *Field[string] { return &o.(*VIFDPDKNested).DevDriver }),
	}, vifBaseFields())
}
