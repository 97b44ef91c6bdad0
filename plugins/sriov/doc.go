// Package sriov is govif's "sriov" plugin: what Nova 26's LibvirtGenericVIFDriver does itself
// for vif_type hw_veb (plug_hw_veb / unplug_hw_veb) and macvtap (plug_macvtap), for the objects
// binding builds for those types (docs/binding.md, govif's extension).
//
//   - VIFDirect with dev_address (hw_veb, vnic_type macvtap): the VF's PF netdev and the VF's own
//     netdev are found through sysfs from the PCI address (<sysfs>/bus/pci/devices/<pci>/physfn/net,
//     .../net, and the PF's virtfnN link to the VF); through netlink on the PF the VF gets the
//     VIF's MAC and the network's VLAN (Nova: `ip link set <pf> vf <n> mac <mac> vlan <vlan>`),
//     then the VF netdev gets the MAC and goes up (down for VLAN 0). Unplug resets the VF as
//     Nova does: MAC 00:00:00:00:00:00, VLAN 0, VF netdev down.
//   - VIFHostDevice (hw_veb, vnic_type direct): the VF's trust, as Nova's set_vf_trusted, from
//     VIFHostDevice.Trusted (govif's extension key govif_trusted; no os-vif class carries
//     binding:profile.trusted): on at plug when true, off at unplug when set. Without it,
//     nothing. See docs/plugins-builtin.md.
//   - VIFDirect without dev_address (vif_type macvtap): with should_provide_vlan, the VLAN device
//     vlan_name with the network's VLAN on bridge_interface is ensured and brought up (Nova's
//     ensure_vlan); unplug does nothing, as Nova.
//
// The host is reached through the HostOps interface (netlink and netdev in the real one), so
// the logic is tested with a fake sysfs tree and recorded requests; the real VF calls need
// SR-IOV hardware and the VLAN device the 8021q module, neither of which CI has.
package sriov
