package main

import (
	"net"

	"github.com/govif/govif/objects"
)

// The demo's example objects: what Nova would hand os-vif for one instance with four ports.
const (
	demoInstanceUUID = "9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c1d"
	demoOVSNetID     = "5b7d9f1a-3c5e-4f7a-9b1d-3f5a7c9e1b3d"
	demoLBNetID      = "7c9e1b3d-5f7a-4b9c-8d1e-5a7c9e1b3d5f"
	demoIntBridge    = "br-int"
	demoMTU          = 1450

	demoPlainID   = "a1111111-2222-4333-8444-555555555555"
	demoHybridAID = "b1111111-2222-4333-8444-555555555555"
	demoHybridBID = "c1111111-2222-4333-8444-555555555555"
	demoLBID      = "d1111111-2222-4333-8444-555555555555"
)

func demoInstance() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set(demoInstanceUUID), Name: objects.Set("instance-00000001"),
		ProjectID: objects.Set("e0f1a2b3c4d54e6f8a9b0c1d2e3f4a5b")}
}

func demoMAC(last byte) net.HardwareAddr { return net.HardwareAddr{0xfa, 0x16, 0x3e, 0x00, 0x00, last} }

// devName is Nova's device naming: prefix + port id, cut to 14 characters.
func devName(prefix, id string) string { return (prefix + id)[:14] }

func demoOVSNetwork() *objects.Network {
	return &objects.Network{ID: objects.Set(demoOVSNetID), Bridge: objects.Set(demoIntBridge), Label: objects.Set("demo-net"),
		MTU: objects.Set(demoMTU), Subnets: objects.Set(&objects.SubnetList{Objects: objects.Set([]*objects.Subnet{})})}
}

func demoOVSProfile(id string) *objects.VIFPortProfileOpenVSwitch {
	return &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(id), DatapathType: objects.Set("netdev")}
}

// demoPlainVIF is a VIFOpenVSwitch: the tap goes straight onto br-int. With create_port the
// plugin adds the OVS port itself, and with create_tap it also makes the tap (as for
// vhost-net with the userspace datapath) rather than waiting for libvirt to.
func demoPlainVIF() *objects.VIFOpenVSwitch {
	prof := demoOVSProfile(demoPlainID)
	prof.CreatePort = objects.Set(true)
	prof.CreateTap = objects.Set(true)
	return &objects.VIFOpenVSwitch{
		VIFBase: objects.VIFBase{ID: objects.Set(demoPlainID), Address: objects.Set(demoMAC(0x10)), Network: objects.Set(demoOVSNetwork()),
			Plugin: objects.Set("ovs"), Active: objects.Set(false), PreserveOnDelete: objects.Set(false),
			HasTrafficFiltering: objects.Set(true), PortProfile: objects.Set[objects.PortProfile](prof)},
		VIFName: objects.Set(devName("tap", demoPlainID)), BridgeName: objects.Set(demoIntBridge),
	}
}

// demoHybridVIF is a VIFBridge for the ovs plugin ("hybrid plug"): the guest's tap sits on a
// per-port Linux bridge qbr, joined to br-int by the veth pair qvb/qvo.
func demoHybridVIF(id string, mac net.HardwareAddr) *objects.VIFBridge {
	return &objects.VIFBridge{
		VIFBase: objects.VIFBase{ID: objects.Set(id), Address: objects.Set(mac), Network: objects.Set(demoOVSNetwork()),
			Plugin: objects.Set("ovs"), Active: objects.Set(false), PreserveOnDelete: objects.Set(false),
			HasTrafficFiltering: objects.Set(false), PortProfile: objects.Set[objects.PortProfile](demoOVSProfile(id))},
		VIFName: objects.Set(devName("tap", id)), BridgeName: objects.Set(devName("qbr", id)),
	}
}

// demoLBVIF is a VIFBridge for the linux_bridge plugin: a flat network whose bridge (brq +
// network id) the plugin provides.
func demoLBVIF() *objects.VIFBridge {
	bridge := devName("brq", demoLBNetID)
	n := &objects.Network{ID: objects.Set(demoLBNetID), Bridge: objects.Set(bridge), Label: objects.Set("demo-lb-net"),
		MTU: objects.Set(demoMTU), MultiHost: objects.Set(false), ShouldProvideBridge: objects.Set(true),
		ShouldProvideVLAN: objects.Set(false), BridgeInterface: objects.Null[string](),
		Subnets: objects.Set(&objects.SubnetList{Objects: objects.Set([]*objects.Subnet{})})}
	return &objects.VIFBridge{
		VIFBase: objects.VIFBase{ID: objects.Set(demoLBID), Address: objects.Set(demoMAC(0x40)), Network: objects.Set(n),
			Plugin: objects.Set("linux_bridge"), Active: objects.Set(false), PreserveOnDelete: objects.Set(false),
			HasTrafficFiltering: objects.Set(false)},
		VIFName: objects.Set(devName("tap", demoLBID)), BridgeName: objects.Set(bridge),
	}
}
