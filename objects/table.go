package objects

// The class table: every os-vif class, its version history and its fields in os-vif's
// serialisation order (own fields first, then inherited ones), with the version each field
// appeared in for that class.

func vifBase(o Object) *VIFBase                       { return o.(VIF).Base() }
func profBase(o Object) *VIFPortProfileBase           { return o.(PortProfile).ProfileBase() }
func ovsProf(o Object) *VIFPortProfileOpenVSwitch     { return o.(OpenVSwitchProfile).OVSProfile() }
func offloadRep(o Object) *DatapathOffloadRepresentor { return o.(*DatapathOffloadRepresentor) }

func vifBaseFields() []*fieldDesc {
	return []*fieldDesc{
		fd("id", kUUID, "1.0", func(o Object) any { return &vifBase(o).ID }),
		fd("address", kMAC, "1.0", func(o Object) any { return &vifBase(o).Address }).null(),
		fd("network", kObject, "1.0", func(o Object) any { return &vifBase(o).Network }).null().of("Network"),
		fd("plugin", kString, "1.0", func(o Object) any { return &vifBase(o).Plugin }),
		fd("active", kBool, "1.0", func(o Object) any { return &vifBase(o).Active }),
		fd("preserve_on_delete", kBool, "1.0", func(o Object) any { return &vifBase(o).PreserveOnDelete }),
		fd("has_traffic_filtering", kBool, "1.0", func(o Object) any { return &vifBase(o).HasTrafficFiltering }),
		fd("port_profile", kObject, "1.0", func(o Object) any { return &vifBase(o).PortProfile }).of("VIFPortProfileBase"),
	}
}

func profileBaseFields(since string) []*fieldDesc {
	return []*fieldDesc{
		fd("datapath_offload", kObject, since, func(o Object) any { return &profBase(o).DatapathOffload }).null().of("DatapathOffloadBase"),
	}
}

func ovsProfileFields() []*fieldDesc {
	return append([]*fieldDesc{
		fd("interface_id", kUUID, "1.0", func(o Object) any { return &ovsProf(o).InterfaceID }),
		fd("profile_id", kString, "1.0", func(o Object) any { return &ovsProf(o).ProfileID }),
		fd("datapath_type", kString, "1.1", func(o Object) any { return &ovsProf(o).DatapathType }).null(),
		fd("create_port", kBool, "1.3", func(o Object) any { return &ovsProf(o).CreatePort }),
		fd("create_tap", kBool, "1.4", func(o Object) any { return &ovsProf(o).CreateTap }),
		fd("multiqueue", kBool, "1.4", func(o Object) any { return &ovsProf(o).Multiqueue }),
	}, profileBaseFields("1.2")...)
}

var (
	v10     = []string{"1.0"}
	v11     = []string{"1.0", "1.1"}
	v14     = []string{"1.0", "1.1", "1.2", "1.3", "1.4"}
	vifName = func(get func(Object) *Field[string]) *fieldDesc {
		return fd("vif_name", kString, "1.0", func(o Object) any { return get(o) })
	}
	stringFld = func(name string, get func(Object) *Field[string]) *fieldDesc {
		return fd(name, kString, "1.0", func(o Object) any { return get(o) })
	}
)

func init() {
	// VIFs (os_vif/objects/vif.py).
	register("VIFBase", "", v10, func() Object { return &VIFBase{} }, vifBaseFields())
	register("VIFGeneric", "VIFBase", v10, func() Object { return &VIFGeneric{} },
		[]*fieldDesc{vifName(func(o Object) *Field[string] { return &o.(*VIFGeneric).VIFName })}, vifBaseFields())
	register("VIFBridge", "VIFBase", v10, func() Object { return &VIFBridge{} }, []*fieldDesc{
		vifName(func(o Object) *Field[string] { return &o.(*VIFBridge).VIFName }),
		stringFld("bridge_name", func(o Object) *Field[string] { return &o.(*VIFBridge).BridgeName }),
	}, vifBaseFields())
	register("VIFOpenVSwitch", "VIFBase", v10, func() Object { return &VIFOpenVSwitch{} }, []*fieldDesc{
		vifName(func(o Object) *Field[string] { return &o.(*VIFOpenVSwitch).VIFName }),
		stringFld("bridge_name", func(o Object) *Field[string] { return &o.(*VIFOpenVSwitch).BridgeName }),
	}, vifBaseFields())
	register("VIFDirect", "VIFBase", v10, func() Object { return &VIFDirect{} }, []*fieldDesc{
		vifName(func(o Object) *Field[string] { return &o.(*VIFDirect).VIFName }),
		fd("dev_address", kPCI, "1.0", func(o Object) any { return &o.(*VIFDirect).DevAddress }),
		fd("mode", kEnum, "1.0", func(o Object) any { return &o.(*VIFDirect).Mode }).enum("VIFDirectModeField"),
		stringFld("vlan_name", func(o Object) *Field[string] { return &o.(*VIFDirect).VLANName }),
	}, vifBaseFields())
	register("VIFVHostUser", "VIFBase", v11, func() Object { return &VIFVHostUser{} }, []*fieldDesc{
		fd("vif_name", kString, "1.1", func(o Object) any { return &o.(*VIFVHostUser).VIFName }),
		stringFld("path", func(o Object) *Field[string] { return &o.(*VIFVHostUser).Path }),
		fd("mode", kEnum, "1.0", func(o Object) any { return &o.(*VIFVHostUser).Mode }).enum("VIFVHostUserModeField"),
	}, vifBaseFields())
	register("VIFHostDevice", "VIFBase", v10, func() Object { return &VIFHostDevice{} }, []*fieldDesc{
		fd("dev_type", kEnum, "1.0", func(o Object) any { return &o.(*VIFHostDevice).DevType }).enum("VIFHostDeviceDevTypeField"),
		fd("dev_address", kPCI, "1.0", func(o Object) any { return &o.(*VIFHostDevice).DevAddress }),
	}, vifBaseFields())
	registerExt("VIFHostDevice", fd(ExtKeyTrusted, kBool, "1.0", func(o Object) any { return &o.(*VIFHostDevice).Trusted }))
	register("VIFNestedDPDK", "VIFBase", v10, func() Object { return &VIFNestedDPDK{} }, []*fieldDesc{
		stringFld("pci_address", func(o Object) *Field[string] { return &o.(*VIFNestedDPDK).PCIAddress }),
		stringFld("dev_driver", func(o Object) *Field[string] { return &o.(*VIFNestedDPDK).DevDriver }),
	}, vifBaseFields())

	// Datapath offloads.
	register("DatapathOffloadBase", "", v10, func() Object { return &DatapathOffloadBase{} })
	register("DatapathOffloadRepresentor", "DatapathOffloadBase", v10, func() Object { return &DatapathOffloadRepresentor{} }, []*fieldDesc{
		fd("representor_name", kString, "1.0", func(o Object) any { return &offloadRep(o).RepresentorName }).null(),
		fd("representor_address", kString, "1.0", func(o Object) any { return &offloadRep(o).RepresentorAddress }).null(),
	})

	// Port profiles.
	register("VIFPortProfileBase", "", v11, func() Object { return &VIFPortProfileBase{} }, profileBaseFields("1.1"))
	register("VIFPortProfileOpenVSwitch", "VIFPortProfileBase", v14, func() Object { return &VIFPortProfileOpenVSwitch{} }, ovsProfileFields())
	register("VIFPortProfileFPOpenVSwitch", "VIFPortProfileOpenVSwitch", v14, func() Object { return &VIFPortProfileFPOpenVSwitch{} }, []*fieldDesc{
		stringFld("bridge_name", func(o Object) *Field[string] { return &o.(*VIFPortProfileFPOpenVSwitch).BridgeName }),
		fd("hybrid_plug", kBool, "1.0", func(o Object) any { return &o.(*VIFPortProfileFPOpenVSwitch).HybridPlug }),
	}, ovsProfileFields())
	register("VIFPortProfileOVSRepresentor", "VIFPortProfileOpenVSwitch", v14, func() Object { return &VIFPortProfileOVSRepresentor{} }, []*fieldDesc{
		fd("representor_name", kString, "1.0", func(o Object) any { return &o.(*VIFPortProfileOVSRepresentor).RepresentorName }).null(),
		fd("representor_address", kPCI, "1.0", func(o Object) any { return &o.(*VIFPortProfileOVSRepresentor).RepresentorAddress }).null(),
	}, ovsProfileFields())
	register("VIFPortProfileFPBridge", "VIFPortProfileBase", v11, func() Object { return &VIFPortProfileFPBridge{} }, []*fieldDesc{
		stringFld("bridge_name", func(o Object) *Field[string] { return &o.(*VIFPortProfileFPBridge).BridgeName }),
	}, profileBaseFields("1.1"))
	register("VIFPortProfileFPTap", "VIFPortProfileBase", v11, func() Object { return &VIFPortProfileFPTap{} }, []*fieldDesc{
		fd("mac_address", kMAC, "1.0", func(o Object) any { return &o.(*VIFPortProfileFPTap).MACAddress }).null(),
	}, profileBaseFields("1.1"))
	register("VIFPortProfile8021Qbg", "VIFPortProfileBase", v11, func() Object { return &VIFPortProfile8021Qbg{} }, []*fieldDesc{
		fd("manager_id", kInt, "1.0", func(o Object) any { return &o.(*VIFPortProfile8021Qbg).ManagerID }),
		fd("type_id", kInt, "1.0", func(o Object) any { return &o.(*VIFPortProfile8021Qbg).TypeID }),
		fd("type_id_version", kInt, "1.0", func(o Object) any { return &o.(*VIFPortProfile8021Qbg).TypeIDVersion }),
		fd("instance_id", kUUID, "1.0", func(o Object) any { return &o.(*VIFPortProfile8021Qbg).InstanceID }),
	}, profileBaseFields("1.1"))
	register("VIFPortProfile8021Qbh", "VIFPortProfileBase", v11, func() Object { return &VIFPortProfile8021Qbh{} }, []*fieldDesc{
		stringFld("profile_id", func(o Object) *Field[string] { return &o.(*VIFPortProfile8021Qbh).ProfileID }),
	}, profileBaseFields("1.1"))
	register("VIFPortProfileK8sDPDK", "VIFPortProfileBase", v11, func() Object { return &VIFPortProfileK8sDPDK{} }, []*fieldDesc{
		fd("l3_setup", kBool, "1.0", func(o Object) any { return &o.(*VIFPortProfileK8sDPDK).L3Setup }),
		stringFld("selflink", func(o Object) *Field[string] { return &o.(*VIFPortProfileK8sDPDK).SelfLink }),
		stringFld("resourceversion", func(o Object) *Field[string] { return &o.(*VIFPortProfileK8sDPDK).ResourceVersion }),
	}, profileBaseFields("1.1"))

	// Network model.
	register("Network", "", v11, func() Object { return &Network{} }, []*fieldDesc{
		fd("id", kUUID, "1.0", func(o Object) any { return &o.(*Network).ID }),
		stringFld("bridge", func(o Object) *Field[string] { return &o.(*Network).Bridge }),
		stringFld("label", func(o Object) *Field[string] { return &o.(*Network).Label }),
		fd("subnets", kObject, "1.0", func(o Object) any { return &o.(*Network).Subnets }).of("SubnetList"),
		fd("multi_host", kBool, "1.0", func(o Object) any { return &o.(*Network).MultiHost }),
		fd("should_provide_bridge", kBool, "1.0", func(o Object) any { return &o.(*Network).ShouldProvideBridge }),
		fd("should_provide_vlan", kBool, "1.0", func(o Object) any { return &o.(*Network).ShouldProvideVLAN }),
		fd("bridge_interface", kString, "1.0", func(o Object) any { return &o.(*Network).BridgeInterface }).null(),
		fd("vlan", kInt, "1.0", func(o Object) any { return &o.(*Network).VLAN }).null(),
		fd("mtu", kInt, "1.1", func(o Object) any { return &o.(*Network).MTU }).null(),
	})
	register("Subnet", "", v10, func() Object { return &Subnet{} }, []*fieldDesc{
		fd("cidr", kCIDR, "1.0", func(o Object) any { return &o.(*Subnet).CIDR }),
		fd("dns", kIPList, "1.0", func(o Object) any { return &o.(*Subnet).DNS }),
		fd("gateway", kIP, "1.0", func(o Object) any { return &o.(*Subnet).Gateway }),
		fd("ips", kObject, "1.0", func(o Object) any { return &o.(*Subnet).IPs }).of("FixedIPList"),
		fd("routes", kObject, "1.0", func(o Object) any { return &o.(*Subnet).Routes }).of("RouteList"),
		fd("dhcp_server", kIP, "1.0", func(o Object) any { return &o.(*Subnet).DHCPServer }),
	})
	register("SubnetList", "", v10, func() Object { return &SubnetList{} }, []*fieldDesc{
		fd("objects", kObjectList, "1.0", func(o Object) any { return &o.(*SubnetList).Objects }).of("Subnet"),
	})
	register("FixedIP", "", v10, func() Object { return &FixedIP{} }, []*fieldDesc{
		fd("address", kIP, "1.0", func(o Object) any { return &o.(*FixedIP).Address }),
		fd("floating_ips", kIPList, "1.0", func(o Object) any { return &o.(*FixedIP).FloatingIPs }),
	})
	register("FixedIPList", "", v10, func() Object { return &FixedIPList{} }, []*fieldDesc{
		fd("objects", kObjectList, "1.0", func(o Object) any { return &o.(*FixedIPList).Objects }).of("FixedIP"),
	})
	register("Route", "", v10, func() Object { return &Route{} }, []*fieldDesc{
		fd("cidr", kCIDR, "1.0", func(o Object) any { return &o.(*Route).CIDR }),
		fd("gateway", kIP, "1.0", func(o Object) any { return &o.(*Route).Gateway }),
		stringFld("interface", func(o Object) *Field[string] { return &o.(*Route).Interface }),
	})
	register("RouteList", "", v10, func() Object { return &RouteList{} }, []*fieldDesc{
		fd("objects", kObjectList, "1.0", func(o Object) any { return &o.(*RouteList).Objects }).of("Route"),
	})
	register("InstanceInfo", "", v10, func() Object { return &InstanceInfo{} }, []*fieldDesc{
		fd("uuid", kUUID, "1.0", func(o Object) any { return &o.(*InstanceInfo).UUID }),
		stringFld("name", func(o Object) *Field[string] { return &o.(*InstanceInfo).Name }),
		stringFld("project_id", func(o Object) *Field[string] { return &o.(*InstanceInfo).ProjectID }),
	})

	// Host information.
	register("HostPortProfileInfo", "", v10, func() Object { return &HostPortProfileInfo{} }, []*fieldDesc{
		stringFld("profile_object_name", func(o Object) *Field[string] { return &o.(*HostPortProfileInfo).ProfileObjectName }),
		stringFld("min_version", func(o Object) *Field[string] { return &o.(*HostPortProfileInfo).MinVersion }),
		stringFld("max_version", func(o Object) *Field[string] { return &o.(*HostPortProfileInfo).MaxVersion }),
	})
	register("HostVIFInfo", "", v11, func() Object { return &HostVIFInfo{} }, []*fieldDesc{
		stringFld("vif_object_name", func(o Object) *Field[string] { return &o.(*HostVIFInfo).VIFObjectName }),
		stringFld("min_version", func(o Object) *Field[string] { return &o.(*HostVIFInfo).MinVersion }),
		stringFld("max_version", func(o Object) *Field[string] { return &o.(*HostVIFInfo).MaxVersion }),
		fd("supported_port_profiles", kObjectList, "1.1", func(o Object) any { return &o.(*HostVIFInfo).SupportedPortProfiles }).of("HostPortProfileInfo"),
	})
	register("HostPluginInfo", "", v10, func() Object { return &HostPluginInfo{} }, []*fieldDesc{
		stringFld("plugin_name", func(o Object) *Field[string] { return &o.(*HostPluginInfo).PluginName }),
		fd("vif_info", kObjectList, "1.0", func(o Object) any { return &o.(*HostPluginInfo).VIFInfo }).of("HostVIFInfo"),
	})
	register("HostInfo", "", v10, func() Object { return &HostInfo{} }, []*fieldDesc{
		fd("plugin_info", kObjectList, "1.0", func(o Object) any { return &o.(*HostInfo).PluginInfo }).of("HostPluginInfo"),
	})
}
