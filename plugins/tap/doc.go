// Package tap is govif's "tap" plugin: what Nova 26's LibvirtGenericVIFDriver.plug_tap and
// unplug_tap do for vif_type "tap" (networking-calico and other routed backends), for the
// VIFGeneric objects binding builds for that type (docs/binding.md, govif's extension).
//
// Plug ensures a persistent tap named vif_name, up, with the MAC of a VIFPortProfileFPTap
// (Nova: vif_details.mac_address), the network's MTU, and IFF_MULTI_QUEUE when a
// VIFPortProfileOpenVSwitch 1.4 asks for create_tap and multiqueue (Nova: the flavor's or
// image's hw:vif_multiqueue_enabled). Unplug deletes the tap. Devices are made through netlink
// and /dev/net/tun (netdev), not with `ip tuntap`; a plug failing after creating the tap
// deletes it; only taps are ever deleted.
package tap
