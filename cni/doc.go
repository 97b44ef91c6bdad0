// Package cni is govif's Container Network Interface front end: the logic of the govif-cni
// plugin binary (cmd/govif-cni), which plugs Kubernetes pods the way kuryr-kubernetes does with
// os-vif, in Go.
//
// Two modes share one code path:
//
//   - config mode (like ovs-cni): the network configuration names an OVS bridge and an IPAM
//     plugin; ADD creates a veth pair, moves one end into the pod's network namespace as
//     CNI_IFNAME with the MAC, MTU and the IPAM plugin's addresses and routes, and plugs the
//     other end into the bridge as an os-vif VIFOpenVSwitch (so the port carries os-vif's
//     external_ids: iface-id, attached-mac, iface-status, vm-uuid).
//   - VIF mode (like kuryr): runtimeConfig.vif (or args.cni.vif) carries an os-vif or kuryr
//     VIF primitive; VIFOpenVSwitch and VIFBridge get the same veth treatment with the VIF's
//     names, VIFMacvlanNested and VIFVlanNested become a macvlan or VLAN device on the
//     configured link interface, moved into the pod.
//
// The OVS side goes through govif.Interface — the in-process Host with the ovs plugin, or the
// govif daemon when the configuration names a "server" — so a pod's port is exactly the port
// os-vif would make for that VIF. The pod side uses containernetworking/plugins' ns, ip and
// ipam helpers. Every attachment is recorded in a small state file (stateDir), which DEL,
// CHECK and GC read; DEL also works without it, from names derived from the container id and
// interface name.
//
// Errors are *types.Error values with the CNI spec's codes (see errors.go); the plugin never
// lets a panic or a Go stack reach the runtime.
package cni
