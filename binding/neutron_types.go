package binding

// NeutronPort is the part of a Neutron port body (GET /v2.0/ports/{id}, "port") that Nova reads.
type NeutronPort struct {
	ID           string           `json:"id"`
	NetworkID    string           `json:"network_id"`
	TenantID     string           `json:"tenant_id"`
	MACAddress   string           `json:"mac_address"`
	AdminStateUp *bool            `json:"admin_state_up"`
	Status       string           `json:"status"`
	DeviceOwner  string           `json:"device_owner"`
	DeviceID     string           `json:"device_id"`
	FixedIPs     []NeutronFixedIP `json:"fixed_ips"`
	VIFType      string           `json:"binding:vif_type"`
	VIFDetails   map[string]any   `json:"binding:vif_details"`
	VNICType     *string          `json:"binding:vnic_type"`
	Profile      map[string]any   `json:"binding:profile"`
}

// NeutronFixedIP is one entry of a port's fixed_ips.
type NeutronFixedIP struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// NeutronNetwork is the part of a Neutron network body Nova reads.
type NeutronNetwork struct {
	ID                      string  `json:"id"`
	Name                    *string `json:"name"`
	TenantID                string  `json:"tenant_id"`
	MTU                     *int    `json:"mtu"`
	ProviderPhysicalNetwork *string `json:"provider:physical_network"`
	ProviderNetworkType     *string `json:"provider:network_type"`
}

// NeutronSubnet is the part of a Neutron subnet body Nova reads.
type NeutronSubnet struct {
	ID              string             `json:"id"`
	NetworkID       string             `json:"network_id"`
	CIDR            string             `json:"cidr"`
	GatewayIP       *string            `json:"gateway_ip"`
	EnableDHCP      bool               `json:"enable_dhcp"`
	IPv6AddressMode *string            `json:"ipv6_address_mode"`
	DNSNameservers  []string           `json:"dns_nameservers"`
	HostRoutes      []NeutronHostRoute `json:"host_routes"`
}

// NeutronHostRoute is one entry of a subnet's host_routes.
type NeutronHostRoute struct {
	Destination string `json:"destination"`
	Nexthop     string `json:"nexthop"`
}

// NeutronFloatingIP is the part of a Neutron floating IP body Nova reads.
type NeutronFloatingIP struct {
	FloatingIPAddress string `json:"floating_ip_address"`
	FixedIPAddress    string `json:"fixed_ip_address"`
	PortID            string `json:"port_id"`
}

// NovaConfig holds the Nova options the conversion reads.
type NovaConfig struct {
	// OVSBridge is [neutron] ovs_bridge, the integration bridge used when the binding names none.
	// Empty means Nova's default, "br-int".
	OVSBridge string
	// FlatInjected is [DEFAULT] flat_injected; it only lands in network meta (os-vif ignores it).
	FlatInjected bool
	// GovifVIFTypes turns on govif's extension of os_vif_util: the VIF types Nova 26 plugs
	// itself (tap, midonet, iovisor, ib_hostdev, hw_veb, macvtap) convert to objects for govif's
	// plugins instead of giving ErrLegacyVIFType. Off, the conversion is Nova 26's exactly.
	GovifVIFTypes bool
	// Multiqueue is Nova's multiqueue decision for the instance (hw:vif_multiqueue_enabled of
	// the flavor or image, with the virtio model), which network_info does not carry. It goes
	// into the VIFPortProfileOpenVSwitch 1.4 of an OVS VIF whose binding asks for
	// ovs_create_tap (as Nova after 26), and of a tap VIF (with GovifVIFTypes).
	Multiqueue bool
}

// DefaultOVSBridge is Nova's default for [neutron] ovs_bridge.
const DefaultOVSBridge = "br-int"

// NeutronOptions is what FromNeutronPort needs besides the port: the bodies Nova would fetch from
// Neutron and Nova's configuration.
type NeutronOptions struct {
	// Network is the port's network; nil (or another network's body) makes Nova fall back to the
	// port's tenant and leave the label and MTU empty.
	Network *NeutronNetwork
	// Subnets are the subnets of the port's fixed IPs. With nil, the VIF gets no subnets (as when
	// Neutron lists none); when given, every fixed IP's subnet must be among them.
	Subnets []NeutronSubnet
	// DHCPPorts are the network's ports with device_owner network:dhcp (they give dhcp_server).
	DHCPPorts []NeutronPort
	// FloatingIPs are floating IPs; those whose port_id and fixed_ip_address match are attached.
	FloatingIPs []NeutronFloatingIP
	// PreserveOnDelete: the port was created outside Nova (Nova's preexisting port ids).
	PreserveOnDelete bool
	// Config holds Nova's options.
	Config NovaConfig
}

// NeutronDocument is the JSON form of a port with the bodies that go with it, as the CLI and the
// golden corpus take it: {"port": {...}, "network": {...}, "subnets": [...], "dhcp_ports": [...],
// "floatingips": [...], "preserve_on_delete": false}.
type NeutronDocument struct {
	Port             NeutronPort         `json:"port"`
	Network          *NeutronNetwork     `json:"network"`
	Subnets          []NeutronSubnet     `json:"subnets"`
	DHCPPorts        []NeutronPort       `json:"dhcp_ports"`
	FloatingIPs      []NeutronFloatingIP `json:"floatingips"`
	PreserveOnDelete bool                `json:"preserve_on_delete"`
}

// Options returns the NeutronOptions for d with the given Nova configuration.
func (d *NeutronDocument) Options(cfg NovaConfig) NeutronOptions {
	return NeutronOptions{
		Network: d.Network, Subnets: d.Subnets, DHCPPorts: d.DHCPPorts, FloatingIPs: d.FloatingIPs,
		PreserveOnDelete: d.PreserveOnDelete, Config: cfg,
	}
}
