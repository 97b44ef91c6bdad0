// Package vendor holds govif's plugins for the vendor-backed VIF types: midonet, iovisor and
// ib_hostdev (which Nova 26 plugs itself, in LibvirtGenericVIFDriver and nova.privsep.libvirt),
// and vrouter, contrail_vrouter (Tungsten Fabric's vif_plug_vrouter), vhostuser_fp (6WIND's
// vif_plug_vhostuser_fp) and agilio_ovs (Netronome's vif_plug_agilio_ovs), which live outside
// os-vif. Each registers under its VIF type's plugin
// name.
//
// Device work (the taps of midonet and iovisor, vhostuser_fp's bridge port, MTU and link state)
// is done natively through netdev, agilio_ovs' representor port through OVSDB. The vendor
// control tools (mm-ctl, ifc_ctl, ebrctl, vrouter-port-control, fp-vdev, agilio-vf-mgr.py) are run with exactly the argv Nova or the vendor plugin uses,
// as an argv list (package hosttool): found on PATH (vrouter also in /opt/plugin/bin, as its
// plugin adds; vhostuser_fp also fp-vdev-remote) or at [os_vif_<plugin>] <tool>_path (mm_ctl_path,
// ifc_ctl_path, ebrctl_path, vrouter_port_control_path, fp_vdev_path, agilio_vf_mgr_path).
// Where Nova logs a failing tool and carries on, govif fails the plug with the tool's standard
// error and undoes what it added; see docs/plugins-builtin.md.
package vendor
