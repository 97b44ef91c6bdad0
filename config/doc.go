// Package config reads nova.conf-style INI files into the typed options of the built-in
// plugins and of govif itself.
//
// The option names, types, defaults and deprecated [DEFAULT] aliases are os-vif 3.0.0's
// (plus default_qos_type from os-vif 3.2.0):
//
//	[os_vif_ovs]            network_device_mtu, ovs_vsctl_timeout, ovsdb_connection,
//	                        ovsdb_interface, isolate_vif, per_port_bridge, default_qos_type,
//	                        ssl_key_file, ssl_cert_file, ssl_ca_cert_file (govif extensions)
//	[os_vif_linux_bridge]   use_ipv6, iptables_top_regex, iptables_bottom_regex,
//	                        iptables_drop_action, forward_bridge_interface (multi),
//	                        vlan_interface, flat_interface, network_device_mtu
//	[govif]                 plugin_dirs, exec_plugin_timeout
//
// The file syntax is oslo.config's: "key = value" or "key: value", lines starting with # or ;
// are comments, an indented line continues the previous value, a value wrapped in matching
// quotes loses them, a key repeated in a section keeps its last value (every value for a
// multi-valued option), and section names are case-insensitive except DEFAULT. Unknown options
// in the sections above come back as warnings; a value of the wrong type is an error naming the
// section, option and value (*ValueError).
// Sections govif does not know (for example [os_vif_<name>] of an external plugin) are kept
// raw and reachable through Config.Section; their owners report unknown options with
// Config.UnknownOptions, and Config.UnknownSections lists govif-like sections nobody owns.
//
// The package knows nothing about VIFs, plugins or the host.
package config
