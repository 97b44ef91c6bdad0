// Package linuxbridge is os-vif 3.0.0's linux_bridge plugin (vif_plug_linux_bridge) in Go,
// registered as "linux_bridge".
//
// Plugging a VIFBridge whose network asks the host to provide the bridge
// (should_provide_bridge, not multi_host) ensures the Linux bridge named by the VIF's
// bridge_name: created with forward delay 0, STP and multicast snooping off, IPv6 disabled,
// arp_ignore=1 and arp_announce=2, and up; the NIC of a flat network ([os_vif_linux_bridge]
// flat_interface, else network.bridge_interface) or the device vlan<N> of a VLAN network
// (on vlan_interface, else network.bridge_interface) enslaved to it with the network's MTU,
// the NIC's primary IPv4 addresses and gateway routes moved onto the bridge; and, unless the
// VIF has traffic filtering, os-vif's iptables rules letting the bridge forward, in os-vif's
// chains (nova-filter-top, nova-compute-FORWARD, ...). Unplug does nothing, as in os-vif.
//
// Where govif differs from os-vif 3.0.0 on purpose (see docs/plugins-builtin.md): the VLAN
// path works (os-vif's raises a TypeError); the stray "-o <bridge> -j DROP" rule os-vif adds
// after the gateway rules is not added; rules are added one by one with coreos/go-iptables
// (so they survive a restart and only the filter tables are touched); locks are per bridge
// and per VLAN device rather than global; a failed plug is rolled back.
//
// The plugin reaches the host only through two small interfaces, NetOps (links, through the
// netdev package) and IPTables (coreos/go-iptables), so unit tests hand it fakes. It knows
// nothing of Open vSwitch.
package linuxbridge
