// Package noop is os-vif's vif_plug_noop: a plugin for VIFs that need nothing done on the host
// (vhost-user sockets served by something other than Open vSwitch). It advertises VIFVHostUser
// 1.0 and its Plug and Unplug touch nothing. It registers itself as "noop".
package noop
