package ovs

import (
	"fmt"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// toSpec reduces vif to what the plugin acts on, applying os-vif's defaults (MTU, datapath
// type, vhost-user mode) and checking the port profile like os-vif's plug()/unplug().
func (p *Plugin) toSpec(vif objects.VIF, inst *objects.InstanceInfo, forPlug bool) (*vifSpec, error) {
	if vif == nil {
		return nil, fmt.Errorf("ovs: nil VIF: %w", plugin.ErrUnsupportedVIFType)
	}
	b := vif.Base()
	s := &vifSpec{id: b.ID.Value()}
	pp, _ := b.PortProfile.Get()
	if pp == nil {
		return nil, fmt.Errorf("ovs: VIF %s: %w", s.id, plugin.ErrMissingPortProfile)
	}
	ovsp, ok := pp.(objects.OpenVSwitchProfile)
	if !ok {
		return nil, fmt.Errorf("ovs: VIF %s: %w", s.id, &plugin.WrongPortProfileError{Profile: pp.ObjName()})
	}
	prof := ovsp.OVSProfile()
	s.interfaceID = prof.InterfaceID.Value()
	s.createPort = prof.CreatePort.Or(false)
	s.createTap = prof.CreateTap.Or(false)
	s.multiqueue = prof.Multiqueue.Or(false)
	if dp := prof.DatapathType.Value(); dp != "" {
		s.datapath, s.dpExplicit = dp, true
	}
	if mac, ok := b.Address.Get(); ok && mac != nil {
		s.mac = mac.String()
	}
	net, _ := b.Network.Get()
	if net == nil {
		return nil, &InvalidVIFError{VIF: s.id, Field: "network", Value: "<unset>", Reason: "the ovs plugin needs the network (its bridge)"}
	}
	s.netBridge = net.Bridge.Value()
	s.mtu = p.opts.NetworkDeviceMTU
	if m := net.MTU.Value(); m > 0 {
		s.mtu = m
	}
	defaultDP := DatapathSystem
	switch v := vif.(type) {
	case *objects.VIFOpenVSwitch:
		s.kind, s.vifName = kindOpenVSwitch, v.VIFName.Value()
	case *objects.VIFBridge:
		s.kind, s.vifName, s.bridgeName = kindBridge, v.VIFName.Value(), v.BridgeName.Value()
	case *objects.VIFVHostUser:
		s.kind, s.vifName, s.vhostPath = kindVHostUser, v.VIFName.Value(), v.Path.Value()
		s.vhostMode = string(v.Mode.Or(objects.VIFVHostUserModeServer))
		defaultDP = DatapathNetdev
	case *objects.VIFHostDevice:
		s.kind, s.devAddress = kindHostDevice, v.DevAddress.Value()
	default:
		return nil, fmt.Errorf("ovs: VIF %s (%s): %w", s.id, vif.ObjName(), plugin.ErrUnsupportedVIFType)
	}
	if !s.dpExplicit {
		s.datapath = defaultDP
	}
	if inst != nil {
		s.instanceUUID = inst.UUID.Value()
	}
	if forPlug {
		if s.mac == "" {
			return nil, &InvalidVIFError{VIF: s.id, Field: "address", Value: "<unset>", Reason: "the MAC address goes to external_ids:attached-mac"}
		}
		if s.instanceUUID == "" {
			return nil, &InvalidVIFError{VIF: s.id, Field: "instance_info.uuid", Value: "<unset>", Reason: "it goes to external_ids:vm-uuid"}
		}
		if s.interfaceID == "" {
			return nil, &InvalidVIFError{VIF: s.id, Field: "port_profile.interface_id", Value: "<unset>", Reason: "it goes to external_ids:iface-id"}
		}
	}
	return s, nil
}
