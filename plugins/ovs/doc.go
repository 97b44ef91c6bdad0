// Package ovs is govif's "ovs" plugin: it plugs os-vif VIFs into Open vSwitch the way
// os-vif's vif_plug_ovs does at upstream HEAD, with the bugs listed in
// docs/plugins-builtin.md fixed.
//
// Supported VIF types:
//
//   - VIFOpenVSwitch: the integration bridge is ensured; the port is created only when the
//     profile says create_port; with per_port_bridge a pb<id> bridge and an ibp/pbp patch pair
//     are made; with create_tap (profile 1.4) a persistent tap (optionally multiqueue) is made.
//   - VIFBridge ("hybrid plug"): a qbr Linux bridge, a qvb/qvo veth pair, qvo as an OVS port
//     with the os-vif external_ids, the MTU on every device and promiscuous mode on the veths. A
//     re-plug repairs whatever is missing (OVS port, veth, bridge membership).
//   - VIFVHostUser: dpdkvhostuser (mode client) or dpdkvhostuserclient (mode server, with
//     options:vhost-server-path), mtu_request, netdev datapath by default.
//   - VIFHostDevice: an SR-IOV VF's switchdev representor found through sysfs (system datapath)
//     or a DPDK representor port with dpdk-devargs (other datapaths).
//
// The plugin never talks to netlink or OVSDB itself: it takes the operations it needs as two
// small interfaces, Switch (Open_vSwitch rows) and Links (host network devices). Production
// code passes adapters over packages vswitch and netdev; unit tests pass fakes.
//
// Plug and unplug hold a per-VIF lock and, while ensuring a bridge, a per-bridge lock; there is
// no global lock. Every OVSDB and netlink error fails the plug with an *OpError naming the VIF,
// the step and the device (os-vif logs and swallows OVSDB errors), including an interface that
// ovs-vswitchd could not attach (*InterfaceFailedError); a failed plug rolls back what that
// plug created. Unplug is idempotent and removes only the devices, ports and QoS rows a plug
// makes (and, as in os-vif, a whole tbr- trunk bridge).
//
// Concurrent port changes are merged into one OVSDB transaction (VSwitchSwitch's group
// commit). PlugMany waits for ovs-vswitchd once for all its VIFs; UnplugMany deletes all their
// devices in one kernel batch. docs/plugins-builtin.md lists the differences from os-vif and
// the benchmark (scripts/bench-plug.sh).
package ovs
