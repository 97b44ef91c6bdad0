package objects

// kuryr-kubernetes' VIF classes (kuryr_kubernetes/objects/vif.py, last release before the
// project was retired). They subclass os-vif's classes, so their primitives carry
// versioned_object.namespace "os_vif"; each is at version 1.0 and adds its own fields in front
// of the inherited ones, as oslo.versionedobjects serialises them.

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
	registerKuryr("VIFDPDKNested", "VIFNestedDPDK", v10, func() Object { return &VIFDPDKNested{} }, []*fieldDesc{
		vifName(func(o Object) *Field[string] { return &o.(*VIFDPDKNested).VIFName }),
		stringFld("pci_address", func(o Object) *Field[string] { return &o.(*VIFDPDKNested).PCIAddress }),
		stringFld("dev_driver", func(o Object) *Field[string] { return &o.(*VIFDPDKNested).DevDriver }),
	}, vifBaseFields())
}
