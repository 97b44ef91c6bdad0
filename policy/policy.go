// Package policy is govif's admission policy for VIFs: the rules that keep a caller of the
// daemon (an "allowed caller", typically the nova-compute user) to the plumbing of its own
// VIFs. os-vif runs inside privsep, where the caller is already root-equivalent; govif's daemon
// is a privilege boundary, so every name a VIF carries that becomes a host device, bridge,
// OVS port, iptables chain argument or socket path is checked before any plugin runs:
//
//   - every device or bridge name is a valid, harmless interface name (1–15 bytes of
//     [A-Za-z0-9._-], not "." or ".."; so no "+" or "*" iptables wildcards, no "/", NUL or
//     whitespace);
//   - a VIF's own device name is the one Nova derives from the VIF id: a configured prefix
//     ("tap", "nic", "vhu" by default) followed by the id, cut to 14 characters as Nova's
//     NIC_NAME_LEN does; a hybrid plug's Linux bridge is "qbr" + the id likewise;
//   - an OVS bridge a VIF names is one the configuration allows ([govif]
//     allowed_ovs_bridges, default br-int) or a trunk bridge ("tbr-" prefix); a Linux bridge is
//     Neutron's "brq" + network id or one in [govif] allowed_linux_bridges;
//   - a physical interface enters a bridge only if the configuration names it: [os_vif_linux_bridge]
//     flat_interface / vlan_interface (as os-vif reads them) or [govif] allowed_physical_interfaces;
//   - a vhost-user socket lives in a configured directory ([govif] vhostuser_socket_dirs).
//
// Refusals are *Violation errors with a stable Code, the field path, the value and the rule.
// docs/security.md is the threat model and lists each rule with its test.
package policy

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
)

// Stable violation codes (the daemon returns them as the API error's "rule").
const (
	// CodeInvalidName: a device or bridge name is empty, too long or has characters outside
	// [A-Za-z0-9._-].
	CodeInvalidName = "invalid_name"
	// CodeNotDerived: a VIF's own device name is not the one derived from its id.
	CodeNotDerived = "name_not_derived"
	// CodeBridgeNotAllowed: the VIF names a bridge the configuration does not allow.
	CodeBridgeNotAllowed = "bridge_not_allowed"
	// CodeInterfaceNotAllowed: the VIF would put a physical interface the configuration does
	// not name into a bridge.
	CodeInterfaceNotAllowed = "interface_not_allowed"
	// CodePathNotAllowed: a vhost-user socket path outside the configured directories.
	CodePathNotAllowed = "path_not_allowed"
	// CodeNameConflict: the name belongs to another VIF or to a bridge.
	CodeNameConflict = "name_conflict"
)

// Violation is a VIF refused by the policy. It is the caller's fault (4xx): nothing was changed.
type Violation struct {
	Code  string // one of the Code constants
	Field string // full field path, e.g. "VIFOpenVSwitch.vif_name"
	Value string // the refused value
	Rule  string // the rule, in words
}

// Error returns "policy: <field>: <value quoted>: <rule> (<code>)".
func (v *Violation) Error() string {
	return fmt.Sprintf("policy: %s: %q: %s (%s)", v.Field, v.Value, v.Rule, v.Code)
}

// NicNameLen is Nova's NIC_NAME_LEN: derived device names are cut to 14 characters.
const NicNameLen = 14

// ifNameMax is the longest interface name the kernel takes (IFNAMSIZ - 1).
const ifNameMax = 15

// Rules is the policy of one host. The zero value allows no bridge, no physical interface and
// no socket directory; use FromConfig.
type Rules struct {
	// DevicePrefixes are the prefixes a VIF's own device name may have before its id.
	DevicePrefixes []string
	// OVSBridges are the OVS bridges a VIF may name (besides trunk bridges, "tbr-…").
	OVSBridges []string
	// LinuxBridges are the Linux bridges a VIF may name besides Neutron's "brq" + network id.
	LinuxBridges []string
	// PhysicalInterfaces are the host interfaces that may be added to a Linux bridge.
	PhysicalInterfaces []string
	// SocketDirs are the directories vhost-user sockets may live in.
	SocketDirs []string
}

// FromConfig returns the rules a configuration sets (see package doc for the options).
func FromConfig(cfg *config.Config) Rules {
	if cfg == nil {
		cfg = config.Default()
	}
	r := Rules{
		DevicePrefixes:     slices.Clone(cfg.Govif.DeviceNamePrefixes),
		OVSBridges:         slices.Clone(cfg.Govif.AllowedOVSBridges),
		LinuxBridges:       slices.Clone(cfg.Govif.AllowedLinuxBridges),
		PhysicalInterfaces: slices.Clone(cfg.Govif.AllowedPhysicalInterfaces),
		SocketDirs:         slices.Clone(cfg.Govif.VHostUserSocketDirs),
	}
	for _, n := range []string{cfg.LinuxBridge.FlatInterface, cfg.LinuxBridge.VLANInterface} {
		if n != "" && !slices.Contains(r.PhysicalInterfaces, n) {
			r.PhysicalInterfaces = append(r.PhysicalInterfaces, n)
		}
	}
	return r
}

// Check returns a *Violation for the first rule vif breaks, or nil. op is "plug" or "unplug":
// the rules are the same for both (an unplug deletes what the names name). The VIF is
// expected to have passed objects.Validate.
func (r Rules) Check(op string, vif objects.VIF) error {
	if vif == nil || vif.Base() == nil {
		return nil
	}
	c := checker{r: r, cls: vif.ObjName(), id: vif.Base().ID.Value(), plugin: vif.Base().Plugin.Value()}
	b := vif.Base()
	var net *objects.Network
	if n, ok := b.Network.Get(); ok && n != nil {
		net = n
	}
	switch v := vif.(type) {
	case *objects.VIFOpenVSwitch:
		c.ownDevice("vif_name", v.VIFName)
		c.ovsBridge("bridge_name", v.BridgeName)
		c.ovsNetwork(net)
		c.notABridge("vif_name", v.VIFName, v.BridgeName, net)
	case *objects.VIFBridge:
		c.ownDevice("vif_name", v.VIFName)
		switch c.plugin {
		case "ovs":
			// Hybrid plug: bridge_name is the per-VIF Linux bridge os-vif makes and deletes.
			c.derived("bridge_name", v.BridgeName, "qbr")
			c.ovsNetwork(net)
		case "linux_bridge":
			c.linuxBridge("bridge_name", v.BridgeName, net)
			c.linuxNetwork(net)
		default:
			c.name("bridge_name", v.BridgeName)
			c.anyNetwork(net)
		}
		c.notABridge("vif_name", v.VIFName, v.BridgeName, net)
	case *objects.VIFVHostUser:
		c.ownDevice("vif_name", v.VIFName)
		c.socketPath("path", v.Path)
		if c.plugin == "ovs" {
			c.ovsNetwork(net)
		} else {
			c.anyNetwork(net)
		}
	case *objects.VIFGeneric:
		c.ownDevice("vif_name", v.VIFName)
		c.anyNetwork(net)
	case *objects.VIFDirect:
		c.name("vif_name", v.VIFName)
		c.name("vlan_name", v.VLANName)
		c.anyNetwork(net)
	default:
		c.anyNetwork(net)
	}
	if pp, ok := b.PortProfile.Get(); ok && pp != nil {
		if rep, ok := pp.(*objects.VIFPortProfileOVSRepresentor); ok {
			c.name("port_profile.representor_name", rep.RepresentorName)
		}
		if off, ok := pp.ProfileBase().DatapathOffload.Get(); ok {
			if rep, ok := off.(*objects.DatapathOffloadRepresentor); ok {
				c.name("port_profile.datapath_offload.representor_name", rep.RepresentorName)
			}
		}
		if fp, ok := pp.(*objects.VIFPortProfileFPOpenVSwitch); ok {
			c.name("port_profile.bridge_name", fp.BridgeName)
		}
		if fb, ok := pp.(*objects.VIFPortProfileFPBridge); ok {
			c.name("port_profile.bridge_name", fb.BridgeName)
		}
	}
	if c.err == nil {
		return nil
	}
	return c.err
}

type checker struct {
	r      Rules
	cls    string
	id     string
	plugin string
	err    *Violation
}

func (c *checker) fail(code, field, value, rule string) {
	if c.err == nil {
		c.err = &Violation{Code: code, Field: c.cls + "." + field, Value: value, Rule: rule}
	}
}

// ValidName reports why name is not a harmless interface name, or "" if it is.
func ValidName(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > ifNameMax:
		return fmt.Sprintf("must be at most %d bytes (IFNAMSIZ)", ifNameMax)
	case name == "." || name == "..":
		return "must not be . or .."
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return fmt.Sprintf("may only contain [A-Za-z0-9._-] (byte %d is %q)", i, rune(ch))
		}
	}
	return ""
}

// name checks a set name is a valid interface name.
func (c *checker) name(field string, f objects.Field[string]) {
	if v, ok := f.Get(); ok {
		if why := ValidName(v); why != "" {
			c.fail(CodeInvalidName, field, v, why)
		}
	}
}

// Derive returns Nova's device name for a VIF id with prefix: (prefix + id) cut to 14.
func Derive(prefix, id string) string {
	n := prefix + id
	if len(n) > NicNameLen {
		n = n[:NicNameLen]
	}
	return n
}

// ownDevice checks the VIF's own device name is a configured prefix + its id.
func (c *checker) ownDevice(field string, f objects.Field[string]) {
	v, ok := f.Get()
	if !ok {
		return
	}
	if why := ValidName(v); why != "" {
		c.fail(CodeInvalidName, field, v, why)
		return
	}
	var want []string
	for _, p := range c.r.DevicePrefixes {
		d := Derive(p, c.id)
		if v == d {
			return
		}
		want = append(want, d)
	}
	c.fail(CodeNotDerived, field, v, "must be the name derived from the VIF id "+c.id+" (one of "+strings.Join(want, ", ")+")")
}

// derived checks a name is exactly prefix + the VIF id, cut to 14.
func (c *checker) derived(field string, f objects.Field[string], prefix string) {
	v, ok := f.Get()
	if !ok {
		return
	}
	if d := Derive(prefix, c.id); v != d {
		c.fail(CodeNotDerived, field, v, "must be "+d+", the name derived from the VIF id")
	}
}

func (c *checker) ovsBridge(field string, f objects.Field[string]) {
	v, ok := f.Get()
	if !ok {
		return
	}
	if why := ValidName(v); why != "" {
		c.fail(CodeInvalidName, field, v, why)
		return
	}
	if slices.Contains(c.r.OVSBridges, v) || strings.HasPrefix(v, "tbr-") {
		return
	}
	c.fail(CodeBridgeNotAllowed, field, v, "must be an allowed OVS bridge ([govif] allowed_ovs_bridges: "+
		strings.Join(c.r.OVSBridges, ", ")+") or a trunk bridge tbr-…")
}

func (c *checker) ovsNetwork(net *objects.Network) {
	if net == nil {
		return
	}
	c.ovsBridge("network.bridge", net.Bridge)
	c.physical(net)
}

func (c *checker) linuxBridge(field string, f objects.Field[string], net *objects.Network) {
	v, ok := f.Get()
	if !ok {
		return
	}
	if why := ValidName(v); why != "" {
		c.fail(CodeInvalidName, field, v, why)
		return
	}
	if slices.Contains(c.r.LinuxBridges, v) {
		return
	}
	if net != nil {
		if id, ok := net.ID.Get(); ok && v == Derive("brq", id) {
			return
		}
	}
	c.fail(CodeBridgeNotAllowed, field, v, "must be brq + the network id cut to 14, or an allowed Linux bridge ([govif] allowed_linux_bridges: "+
		strings.Join(c.r.LinuxBridges, ", ")+")")
}

func (c *checker) linuxNetwork(net *objects.Network) {
	if net == nil {
		return
	}
	c.linuxBridge("network.bridge", net.Bridge, net)
	c.physical(net)
}

func (c *checker) anyNetwork(net *objects.Network) {
	if net == nil {
		return
	}
	c.name("network.bridge", net.Bridge)
	c.physical(net)
}

// physical checks network.bridge_interface names a configured physical interface.
func (c *checker) physical(net *objects.Network) {
	v, ok := net.BridgeInterface.Get()
	if !ok || v == "" {
		return
	}
	if why := ValidName(v); why != "" {
		c.fail(CodeInvalidName, "network.bridge_interface", v, why)
		return
	}
	if !slices.Contains(c.r.PhysicalInterfaces, v) {
		c.fail(CodeInterfaceNotAllowed, "network.bridge_interface", v,
			"a physical interface enters a bridge only if the configuration names it ([os_vif_linux_bridge] flat_interface / vlan_interface or [govif] allowed_physical_interfaces: "+
				strings.Join(c.r.PhysicalInterfaces, ", ")+")")
	}
}

// notABridge refuses a device name equal to a bridge's (the bridge's own port).
func (c *checker) notABridge(field string, f objects.Field[string], bridge objects.Field[string], net *objects.Network) {
	v, ok := f.Get()
	if !ok {
		return
	}
	names := []string{bridge.Value()}
	if net != nil {
		names = append(names, net.Bridge.Value())
	}
	names = append(names, c.r.OVSBridges...)
	if slices.Contains(names, v) {
		c.fail(CodeNameConflict, field, v, "must not be the name of a bridge (its own port)")
	}
}

func (c *checker) socketPath(field string, f objects.Field[string]) {
	v, ok := f.Get()
	if !ok {
		return
	}
	if !filepath.IsAbs(v) || filepath.Clean(v) != v || strings.ContainsAny(v, "\x00\n") {
		c.fail(CodePathNotAllowed, field, v, "must be an absolute, clean path")
		return
	}
	dir := filepath.Dir(v)
	if slices.Contains(c.r.SocketDirs, dir) {
		return
	}
	c.fail(CodePathNotAllowed, field, v, "must be a socket in an allowed directory ([govif] vhostuser_socket_dirs: "+
		strings.Join(c.r.SocketDirs, ", ")+")")
}
