// Package netdev performs the host link operations os-vif's plugins need, through netlink
// (vishvananda/netlink), /proc/sys and sysfs: veth pairs, Linux bridges, persistent taps, MTU,
// admin state, promiscuous mode, MAC addresses, bridge ports, moving IPv4 addresses and
// gateway routes from a NIC to a bridge, sysctls, and the SR-IOV VF representor lookups of
// os-vif's vif_plug_ovs.linux_net.
//
// A Links value is bound to one network namespace (the caller's, or the one given with
// InNamespace): every netlink request goes through a handle opened in that namespace, and the
// operations that must run inside it (sysctl writes, /dev/net/tun) run on a locked OS thread
// switched into it, never on the caller's thread.
//
// Every operation takes a context first, is idempotent (ensure-style: creating what exists
// with the wanted shape, or deleting what is gone, succeeds), and validates device names
// against the kernel's rules (IFNAMSIZ, forbidden characters) before the kernel sees them,
// returning a *NameError. Errors name the operation and the device and wrap the cause:
//
//	netdev: set mtu 9000 on qvb1234: invalid argument
//
// IsNotFound reports a missing device. The SR-IOV lookups return *PCIDeviceNotFoundError and
// *RepresentorNotFoundError where os-vif raises PciDeviceNotFoundById and RepresentorNotFound.
//
// netdev knows nothing of VIFs, plugins or Open vSwitch: it works on device names only.
package netdev
