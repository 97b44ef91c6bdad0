package linuxbridge

import (
	"errors"
	"fmt"

	"github.com/govif/govif/config"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

const (
	minMTU  = 68
	maxMTU  = 65535
	minVLAN = 1
	maxVLAN = 4094
)

// plan is what one plug must make on the host, computed and checked before anything changes.
type plan struct {
	vifID     string
	skip      string // non-empty: nothing to do, and why
	bridge    string
	iface     string // flat: the NIC to enslave; VLAN: the VLAN device's parent; may be ""
	ifaceFrom string // where iface came from, for messages
	vlan      int    // 0: flat network
	filtering bool   // add the gateway iptables rules
	mtu       int
}

// vlanDev is os-vif's VLAN device name, vlan<N>.
func (pl plan) vlanDev() string { return fmt.Sprintf("vlan%d", pl.vlan) }

// planFor checks vif and the options and returns the plan of os-vif's plug(). Errors about the
// VIF are *objects.FieldError naming the field (VIFBridge.bridge_name, ...) and the value.
func (p *Plugin) planFor(vif objects.VIF) (plan, error) {
	if vif == nil {
		return plan{}, fmt.Errorf("linux_bridge: nil VIF: %w", plugin.ErrUnsupportedVIFType)
	}
	br, ok := vif.(*objects.VIFBridge)
	if !ok {
		return plan{}, fmt.Errorf("linux_bridge: %s: %w", vif.ObjName(), plugin.ErrUnsupportedVIFType)
	}
	pl := plan{vifID: br.ID.Value()}
	bad := func(field string, value any, reason string) error {
		return &objects.FieldError{Path: "VIFBridge." + field, Value: value, Reason: reason}
	}
	// os-vif reads vif.bridge_name before deciding anything, so a VIF without one always fails.
	name, ok := br.BridgeName.Get()
	if !ok || name == "" {
		return plan{}, bad("bridge_name", nil, "is required")
	}
	if err := netdev.ValidateName(name); err != nil {
		return plan{}, bad("bridge_name", name, nameReason(err))
	}
	pl.bridge = name
	network, ok := br.Network.Get()
	if !ok || network == nil {
		return plan{}, bad("network", nil, "is required")
	}
	if network.MultiHost.Or(false) {
		pl.skip = "network is multi_host"
		return pl, nil
	}
	if !network.ShouldProvideBridge.Or(false) {
		pl.skip = "network.should_provide_bridge is false"
		return pl, nil
	}
	pl.mtu = p.cfg.NetworkDeviceMTU
	if mtu, ok := network.MTU.Get(); ok && mtu != 0 {
		if mtu < minMTU || mtu > maxMTU {
			return plan{}, bad("network.mtu", mtu, fmt.Sprintf("must be between %d and %d", minMTU, maxMTU))
		}
		pl.mtu = mtu
	}
	// As in os-vif's flat path: the VIF's own filtering makes the plugin's rules unneeded.
	pl.filtering = !br.HasTrafficFiltering.Or(false)
	ifaceOpt := p.cfg.FlatInterface
	optName := "flat_interface"
	if network.ShouldProvideVLAN.Or(false) {
		ifaceOpt, optName = p.cfg.VLANInterface, "vlan_interface"
		vlan, ok := network.VLAN.Get()
		if !ok {
			return plan{}, bad("network.vlan", nil, "is required when should_provide_vlan is true")
		}
		if vlan < minVLAN || vlan > maxVLAN {
			return plan{}, bad("network.vlan", vlan, fmt.Sprintf("must be between %d and %d", minVLAN, maxVLAN))
		}
		pl.vlan = vlan
	}
	if ifaceOpt != "" {
		pl.iface, pl.ifaceFrom = ifaceOpt, fmt.Sprintf("[%s] %s", config.SectionLinuxBridge, optName)
	} else if bi, ok := network.BridgeInterface.Get(); ok && bi != "" {
		if err := netdev.ValidateName(bi); err != nil {
			return plan{}, bad("network.bridge_interface", bi, nameReason(err))
		}
		pl.iface, pl.ifaceFrom = bi, "network.bridge_interface"
	}
	if pl.vlan != 0 && pl.iface == "" {
		return plan{}, bad("network.bridge_interface", nil,
			fmt.Sprintf("is required for a VLAN network when [%s] vlan_interface is unset", config.SectionLinuxBridge))
	}
	if pl.iface != "" && pl.iface == pl.bridge {
		return plan{}, bad("bridge_name", pl.bridge, "names the interface to enslave into it ("+pl.ifaceFrom+")")
	}
	return pl, nil
}

// nameReason returns why netdev rejects a device name.
func nameReason(err error) string {
	var ne *netdev.NameError
	if errors.As(err, &ne) {
		return "is not a valid device name: " + ne.Reason
	}
	return err.Error()
}

// optionError reports a bad [os_vif_linux_bridge] option value.
func optionError(option, value, reason string) error {
	return &config.ValueError{Section: config.SectionLinuxBridge, Option: option, Value: value, Reason: reason}
}
