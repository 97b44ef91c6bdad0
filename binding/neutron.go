package binding

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/govif/govif/objects"
)

// FromNeutronPort builds the network_info VIF Nova would build for port (BuildNovaVIF) and converts
// it (FromNovaVIF). A *FieldError names the Neutron field: "binding:vif_details.x",
// "binding:profile.x", "mac_address"...
func FromNeutronPort(port NeutronPort, opts NeutronOptions) (objects.VIF, error) {
	v, err := BuildNovaVIF(port, opts)
	if err != nil {
		return nil, err
	}
	obj, err := FromNovaVIFWith(v, opts.Config)
	if err != nil {
		return nil, neutronFieldNames(err)
	}
	return obj, nil
}

// neutronFieldNames renames network_info field paths in a *FieldError to the Neutron names.
func neutronFieldNames(err error) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	renamed := *fe
	for from, to := range map[string]string{
		"details": "binding:vif_details", "profile": "binding:profile", "address": "mac_address",
		"vnic_type": "binding:vnic_type",
	} {
		if renamed.Field == from || strings.HasPrefix(renamed.Field, from+".") {
			renamed.Field = to + strings.TrimPrefix(renamed.Field, from)
			break
		}
	}
	return &renamed
}

// BuildNovaVIF is Nova's _build_vif_model followed by the hydration of _get_instance_nw_info: the
// network_info VIF for port.
func BuildNovaVIF(port NeutronPort, opts NeutronOptions) (*NovaVIF, error) {
	if port.ID == "" {
		return nil, fieldErr("id", port.ID, "missing: a port needs its id")
	}
	if port.NetworkID == "" {
		return nil, fieldErr("network_id", port.NetworkID, "missing: a port needs its network_id")
	}
	ips, err := portFixedIPs(port, opts)
	if err != nil {
		return nil, err
	}
	subnets, err := portSubnets(port, opts, ips)
	if err != nil {
		return nil, err
	}
	network, ovsInterfaceID := buildNetwork(port, opts, subnets)
	vnic := VNICTypeNormal
	if port.VNICType != nil {
		vnic = *port.VNICType
	}
	profile := port.Profile
	if profile == nil {
		profile = map[string]any{}
	}
	details := port.VIFDetails
	if details == nil {
		details = map[string]any{}
	}
	devname := cutName("tap" + port.ID)
	mac := port.MACAddress
	return &NovaVIF{
		ID:               port.ID,
		Address:          &mac,
		Network:          network,
		Type:             port.VIFType,
		Details:          details,
		Devname:          &devname,
		OVSInterfaceID:   ovsInterfaceID,
		Active:           (port.AdminStateUp != nil && !*port.AdminStateUp) || port.Status == "ACTIVE",
		VNICType:         vnic,
		Profile:          profile,
		PreserveOnDelete: opts.PreserveOnDelete,
		DelegateCreate:   true,
		Meta:             map[string]any{},
	}, nil
}

// novaIP is nova.network.model.IP: the version comes from the address.
func novaIP(field, addr, typ string) (NovaIP, error) {
	a, err := parseIP(field, addr)
	if err != nil {
		return NovaIP{}, err
	}
	version := 4
	if a.Is6() {
		version = 6
	}
	return NovaIP{Address: &addr, Type: &typ, Version: &version, Meta: map[string]any{}}, nil
}

// portFixedIPs is Nova's _nw_info_get_ips: the port's fixed IPs with their floating IPs.
func portFixedIPs(port NeutronPort, opts NeutronOptions) ([]NovaFixedIP, error) {
	out := make([]NovaFixedIP, 0, len(port.FixedIPs))
	for i, fip := range port.FixedIPs {
		ip, err := novaIP(fmt.Sprintf("fixed_ips[%d].ip_address", i), fip.IPAddress, "fixed")
		if err != nil {
			return nil, err
		}
		fixed := NovaFixedIP{NovaIP: ip, FloatingIPs: []NovaIP{}}
		for j, fl := range opts.FloatingIPs {
			if fl.FixedIPAddress != fip.IPAddress || fl.PortID != port.ID {
				continue
			}
			f, err := novaIP(fmt.Sprintf("floatingips[%d].floating_ip_address", j), fl.FloatingIPAddress, "floating")
			if err != nil {
				return nil, err
			}
			if !containsIP(fixed.FloatingIPs, f) {
				fixed.FloatingIPs = append(fixed.FloatingIPs, f)
			}
		}
		out = append(out, fixed)
	}
	return out, nil
}

func containsIP(list []NovaIP, ip NovaIP) bool {
	for _, x := range list {
		if *x.Address == *ip.Address && *x.Type == *ip.Type {
			return true
		}
	}
	return false
}

// portSubnets is Nova's _get_subnets_from_port plus _nw_info_get_subnets: the subnets of the
// port's fixed IPs in the order given, each with dhcp_server, DNS, routes and its fixed IPs.
func portSubnets(port NeutronPort, opts NeutronOptions, ips []NovaFixedIP) ([]NovaSubnet, error) {
	if len(port.FixedIPs) == 0 || opts.Subnets == nil {
		return []NovaSubnet{}, nil
	}
	wanted := map[string]bool{}
	for _, f := range port.FixedIPs {
		wanted[f.SubnetID] = true
	}
	for i, f := range port.FixedIPs {
		found := false
		for _, s := range opts.Subnets {
			found = found || s.ID == f.SubnetID
		}
		if !found {
			return nil, fieldErr(fmt.Sprintf("fixed_ips[%d].subnet_id", i), f.SubnetID, "no such subnet among the subnets given")
		}
	}
	out := []NovaSubnet{}
	for i, s := range opts.Subnets {
		if !wanted[s.ID] {
			continue
		}
		sub, err := novaSubnet(fmt.Sprintf("subnets[%d]", i), s, opts.DHCPPorts, ips)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}

func novaSubnet(path string, s NeutronSubnet, dhcpPorts []NeutronPort, ips []NovaFixedIP) (NovaSubnet, error) {
	prefix, err := parsePrefix(path+".cidr", s.CIDR)
	if err != nil {
		return NovaSubnet{}, err
	}
	cidr := s.CIDR
	version := 4
	if prefix.Addr().Is6() {
		version = 6
	}
	gwType := "gateway"
	gw := &NovaIP{Address: s.GatewayIP, Type: &gwType, Meta: map[string]any{}}
	if s.GatewayIP != nil {
		g, err := novaIP(path+".gateway_ip", *s.GatewayIP, "gateway")
		if err != nil {
			return NovaSubnet{}, err
		}
		gw = &g
	}
	meta := map[string]any{}
	if s.IPv6AddressMode != nil && *s.IPv6AddressMode != "" {
		meta["ipv6_address_mode"] = *s.IPv6AddressMode
	}
	for _, p := range dhcpPorts {
		if p.NetworkID != s.NetworkID || p.DeviceOwner != "network:dhcp" {
			continue
		}
		for _, ip := range p.FixedIPs {
			if ip.SubnetID == s.ID {
				meta["dhcp_server"] = ip.IPAddress // the last DHCP port wins, as in Nova
				break
			}
		}
	}
	if _, ok := meta["dhcp_server"]; !ok && s.EnableDHCP {
		if s.GatewayIP != nil {
			meta["dhcp_server"] = *s.GatewayIP
		} else {
			meta["dhcp_server"] = nil
		}
	}
	out := NovaSubnet{CIDR: &cidr, Gateway: gw, Version: &version, Meta: meta,
		DNS: []NovaIP{}, IPs: []NovaFixedIP{}, Routes: []NovaRoute{}}
	for i, d := range s.DNSNameservers {
		ip, err := novaIP(fmt.Sprintf("%s.dns_nameservers[%d]", path, i), d, "dns")
		if err != nil {
			return NovaSubnet{}, err
		}
		if !containsIP(out.DNS, ip) {
			out.DNS = append(out.DNS, ip)
		}
	}
	for i, r := range s.HostRoutes {
		hop, err := novaIP(fmt.Sprintf("%s.host_routes[%d].nexthop", path, i), r.Nexthop, "gateway")
		if err != nil {
			return NovaSubnet{}, err
		}
		dest := r.Destination
		route := NovaRoute{CIDR: &dest, Gateway: &hop, Meta: map[string]any{}}
		dup := false
		for _, x := range out.Routes {
			dup = dup || (*x.CIDR == dest && *x.Gateway.Address == *hop.Address)
		}
		if !dup {
			out.Routes = append(out.Routes, route)
		}
	}
	for _, ip := range ips {
		if a, err := netip.ParseAddr(*ip.Address); err == nil && prefix.Masked().Contains(a) {
			out.IPs = append(out.IPs, ip)
		}
	}
	return out, nil
}

// l3NetworkTypes are Nova's L3_NETWORK_TYPES: tunnelled network types.
var l3NetworkTypes = map[string]bool{"vxlan": true, "gre": true, "geneve": true}

// buildNetwork is Nova's _nw_info_build_network: the bridge by vif_type, the meta, and the OVS
// interface id.
func buildNetwork(port NeutronPort, opts NeutronOptions, subnets []NovaSubnet) (*NovaNetwork, *string) {
	var label *string
	var mtu any
	tenant := port.TenantID
	if n := opts.Network; n != nil && n.ID == port.NetworkID {
		label, tenant = n.Name, n.TenantID
		if n.MTU != nil {
			mtu = *n.MTU
		}
	}
	ovsBridge := opts.Config.OVSBridge
	if ovsBridge == "" {
		ovsBridge = DefaultOVSBridge
	}
	details := port.VIFDetails
	detailBridge := func(def string) string {
		if s, ok := details["bridge_name"].(string); ok {
			return s
		}
		return def
	}
	var bridge, ovsIfaceID *string
	var shouldCreateBridge bool
	id := port.ID
	switch {
	case port.VIFType == VIFTypeOVS || port.VIFType == VIFTypeAgilioOVS:
		b := detailBridge(ovsBridge)
		bridge, ovsIfaceID = &b, &id
	case port.VIFType == VIFTypeBridge:
		b := detailBridge("brq" + port.NetworkID)
		bridge, shouldCreateBridge = &b, true
	case port.VIFType == VIFTypeDVS:
		b := port.NetworkID
		bridge = &b
	case port.VIFType == VIFTypeVHostUser && truthy(details["vhostuser_ovs_plug"]):
		b := detailBridge(ovsBridge)
		bridge, ovsIfaceID = &b, &id
	case port.VIFType == VIFTypeVHostUser && truthy(details["vhostuser_fp_plug"]):
		b := detailBridge("brq" + port.NetworkID)
		bridge = &b
	}
	if bridge != nil && port.VIFType != VIFTypeDVS {
		b := cutName(*bridge)
		bridge = &b
	}
	var physnet any
	tunneled := false
	if n := opts.Network; n != nil {
		if n.ProviderPhysicalNetwork != nil {
			physnet = *n.ProviderPhysicalNetwork
		}
		tunneled = n.ProviderNetworkType != nil && l3NetworkTypes[*n.ProviderNetworkType]
	}
	meta := map[string]any{
		"injected": opts.Config.FlatInjected, "tenant_id": tenant, "mtu": mtu,
		"physical_network": physnet, "tunneled": tunneled,
	}
	if shouldCreateBridge {
		meta["should_create_bridge"] = true
	}
	return &NovaNetwork{ID: port.NetworkID, Bridge: bridge, Label: label, Subnets: subnets, Meta: meta}, ovsIfaceID
}
