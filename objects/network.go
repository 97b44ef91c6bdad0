package objects

import "net/netip"

// Network is os-vif's Network 1.1 (1.1 added mtu). Python's constructor sets subnets (an empty
// SubnetList), multi_host, should_provide_bridge, should_provide_vlan (false) and mtu (null) when
// not given; a Go literal sets nothing. Call SetDefaults to get Python's constructor behaviour.
type Network struct {
	meta objMeta

	// ID is the network UUID. Wire: id.
	ID Field[string]
	// Bridge is the bridge name the network uses. Wire: bridge.
	Bridge Field[string]
	// Label is the network name. Wire: label.
	Label Field[string]
	// Subnets wire: subnets, ObjectField('SubnetList'), not nullable.
	Subnets Field[*SubnetList]
	// MultiHost wire: multi_host.
	MultiHost Field[bool]
	// ShouldProvideBridge wire: should_provide_bridge.
	ShouldProvideBridge Field[bool]
	// ShouldProvideVLAN wire: should_provide_vlan.
	ShouldProvideVLAN Field[bool]
	// BridgeInterface is the physical interface for a provider bridge. Wire: bridge_interface, nullable.
	BridgeInterface Field[string]
	// VLAN is the VLAN id. Wire: vlan, nullable.
	VLAN Field[int]
	// MTU wire: mtu, nullable, since 1.1.
	MTU Field[int]
}

// SubnetList is os-vif's SubnetList 1.0.
type SubnetList struct {
	meta objMeta
	// Objects wire: objects.
	Objects Field[[]*Subnet]
}

// Subnet is os-vif's Subnet 1.0. All fields are non-nullable.
type Subnet struct {
	meta objMeta

	// CIDR wire: cidr, IPNetworkField (host bits kept).
	CIDR Field[netip.Prefix]
	// DNS wire: dns, a list of IP addresses.
	DNS Field[[]netip.Addr]
	// Gateway wire: gateway.
	Gateway Field[netip.Addr]
	// IPs wire: ips, ObjectField('FixedIPList').
	IPs Field[*FixedIPList]
	// Routes wire: routes, ObjectField('RouteList').
	Routes Field[*RouteList]
	// DHCPServer wire: dhcp_server.
	DHCPServer Field[netip.Addr]
}

// FixedIPList is os-vif's FixedIPList 1.0.
type FixedIPList struct {
	meta objMeta
	// Objects wire: objects.
	Objects Field[[]*FixedIP]
}

// FixedIP is os-vif's FixedIP 1.0.
type FixedIP struct {
	meta objMeta
	// Address wire: address.
	Address Field[netip.Addr]
	// FloatingIPs wire: floating_ips, a list of IP addresses.
	FloatingIPs Field[[]netip.Addr]
}

// RouteList is os-vif's RouteList 1.0.
type RouteList struct {
	meta objMeta
	// Objects wire: objects.
	Objects Field[[]*Route]
}

// Route is os-vif's Route 1.0.
type Route struct {
	meta objMeta
	// CIDR is the destination. Wire: cidr.
	CIDR Field[netip.Prefix]
	// Gateway wire: gateway.
	Gateway Field[netip.Addr]
	// Interface wire: interface (Nova never sets it).
	Interface Field[string]
}

// InstanceInfo is os-vif's InstanceInfo 1.0, passed to plug and unplug.
type InstanceInfo struct {
	meta objMeta
	// UUID is the instance UUID. Wire: uuid.
	UUID Field[string]
	// Name is the Nova instance name. Wire: name.
	Name Field[string]
	// ProjectID wire: project_id.
	ProjectID Field[string]
}

// SetDefaults applies Python's Network constructor defaults to the fields that are unset:
// subnets = empty SubnetList, multi_host = should_provide_bridge = should_provide_vlan = false,
// mtu = null. It returns n.
func (n *Network) SetDefaults() *Network {
	if !n.Subnets.IsSet() {
		n.Subnets = Set(&SubnetList{Objects: Set([]*Subnet{})})
	}
	for _, f := range []*Field[bool]{&n.MultiHost, &n.ShouldProvideBridge, &n.ShouldProvideVLAN} {
		if !f.IsSet() {
			f.Set(false)
		}
	}
	if !n.MTU.IsSet() {
		n.MTU.SetNull()
	}
	return n
}

// hydrateDefaults is what Python's Network constructor does to every Network os-vif decodes
// (obj_from_primitive builds the object with Network() first): subnets becomes an empty
// SubnetList when absent (reported changed, since the new list's objects field is), and
// multi_host, should_provide_bridge, should_provide_vlan (false) and mtu (null) take their
// defaults without being reported changed; so re-encoding matches Python's. mtu (1.1) is
// filled only when the Network was received at 1.1 or later: os-vif re-emits a 1.0 Network with
// "mtu": null, a field 1.0 does not have, which govif does not invent (docs/wire-format.md).
func (n *Network) hydrateDefaults() {
	if !n.Subnets.IsSet() {
		n.Subnets = Set(&SubnetList{Objects: Set([]*Subnet{})})
		if f := registry["Network"].field([]byte("subnets")); f != nil {
			n.meta.changes |= f.bit
		}
	}
	for _, f := range []*Field[bool]{&n.MultiHost, &n.ShouldProvideBridge, &n.ShouldProvideVLAN} {
		if !f.IsSet() {
			f.Set(false)
		}
	}
	if v, ok := parseTarget(n.meta.version); ok && !n.MTU.IsSet() && !v.less(ver{1, 1}) {
		n.MTU.SetNull()
	}
}

func (o *Network) objMeta() *objMeta      { return &o.meta }
func (o *SubnetList) objMeta() *objMeta   { return &o.meta }
func (o *Subnet) objMeta() *objMeta       { return &o.meta }
func (o *FixedIPList) objMeta() *objMeta  { return &o.meta }
func (o *FixedIP) objMeta() *objMeta      { return &o.meta }
func (o *RouteList) objMeta() *objMeta    { return &o.meta }
func (o *Route) objMeta() *objMeta        { return &o.meta }
func (o *InstanceInfo) objMeta() *objMeta { return &o.meta }

// ObjName returns "Network".
func (*Network) ObjName() string { return "Network" }

// ObjName returns "SubnetList".
func (*SubnetList) ObjName() string { return "SubnetList" }

// ObjName returns "Subnet".
func (*Subnet) ObjName() string { return "Subnet" }

// ObjName returns "FixedIPList".
func (*FixedIPList) ObjName() string { return "FixedIPList" }

// ObjName returns "FixedIP".
func (*FixedIP) ObjName() string { return "FixedIP" }

// ObjName returns "RouteList".
func (*RouteList) ObjName() string { return "RouteList" }

// ObjName returns "Route".
func (*Route) ObjName() string { return "Route" }

// ObjName returns "InstanceInfo".
func (*InstanceInfo) ObjName() string { return "InstanceInfo" }
