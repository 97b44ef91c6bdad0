package binding

import (
	"fmt"
	"net/netip"

	"github.com/govif/govif/objects"
)

// convertNetwork is Nova's _nova_to_osvif_network.
func convertNetwork(n *NovaNetwork) (*objects.Network, error) {
	if n == nil {
		return nil, fieldErr("network", nil, "missing: a VIF needs its network")
	}
	subnets, err := convertSubnets(n.Subnets)
	if err != nil {
		return nil, err
	}
	out := &objects.Network{
		ID:      objects.Set(n.ID),
		Subnets: objects.Set(subnets),
	}
	if bi, ok := n.metaValue("bridge_interface"); ok {
		s, err := stringValue("network.meta.bridge_interface", bi)
		if err != nil {
			return nil, err
		}
		out.BridgeInterface = objects.Set(s)
	} else {
		out.BridgeInterface = objects.Null[string]()
	}
	if n.Bridge != nil {
		out.Bridge = objects.Set(*n.Bridge)
	}
	if n.Label != nil {
		out.Label = objects.Set(*n.Label)
	}
	if v, ok := n.metaValue("mtu"); ok {
		mtu, err := intValue("network.meta.mtu", v)
		if err != nil {
			return nil, err
		}
		out.MTU = objects.Set(mtu)
	}
	if v, ok := n.metaValue("multi_host"); ok {
		out.MultiHost = objects.Set(truthy(v))
	}
	// Nova's _build_vif_model puts should_create_bridge at the top level of the network and relies
	// on NetworkInfo.hydrate to move it into meta; decoding does the same, so it is always here.
	if v, ok := n.metaValue("should_create_bridge"); ok {
		out.ShouldProvideBridge = objects.Set(truthy(v))
	}
	if v, ok := n.metaValue("should_create_vlan"); ok {
		out.ShouldProvideVLAN = objects.Set(truthy(v))
		vlan, hasVLAN := n.metaValue("vlan")
		switch {
		case hasVLAN:
			id, err := intValue("network.meta.vlan", vlan)
			if err != nil {
				return nil, err
			}
			out.VLAN = objects.Set(id)
		case truthy(v):
			// Nova raises even when should_create_vlan is false; we only need a VLAN id to provide one.
			return nil, fieldErr("network.meta.vlan", nil, "missing while should_create_vlan is true")
		}
	}
	out.SetDefaults()
	return out, nil
}

func convertSubnets(in []NovaSubnet) (*objects.SubnetList, error) {
	list := make([]*objects.Subnet, 0, len(in))
	for i := range in {
		s, err := convertSubnet(fmt.Sprintf("network.subnets[%d]", i), &in[i])
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return &objects.SubnetList{Objects: objects.Set(list)}, nil
}

// convertSubnet is Nova's _nova_to_osvif_subnet. dhcp_server stays unset, as in Nova.
func convertSubnet(path string, s *NovaSubnet) (*objects.Subnet, error) {
	dns := make([]netip.Addr, 0, len(s.DNS))
	for i, d := range s.DNS {
		a, err := requiredIP(fmt.Sprintf("%s.dns[%d].address", path, i), d.Address)
		if err != nil {
			return nil, err
		}
		dns = append(dns, a)
	}
	ips := make([]*objects.FixedIP, 0, len(s.IPs))
	for i := range s.IPs {
		ip, err := convertFixedIP(fmt.Sprintf("%s.ips[%d]", path, i), &s.IPs[i])
		if err != nil {
			return nil, err
		}
		ips = append(ips, ip)
	}
	routes := make([]*objects.Route, 0, len(s.Routes))
	for i := range s.Routes {
		r, err := convertRoute(fmt.Sprintf("%s.routes[%d]", path, i), &s.Routes[i])
		if err != nil {
			return nil, err
		}
		routes = append(routes, r)
	}
	out := &objects.Subnet{
		DNS:    objects.Set(dns),
		IPs:    objects.Set(&objects.FixedIPList{Objects: objects.Set(ips)}),
		Routes: objects.Set(&objects.RouteList{Objects: objects.Set(routes)}),
	}
	if s.CIDR != nil {
		p, err := parsePrefix(path+".cidr", *s.CIDR)
		if err != nil {
			return nil, err
		}
		out.CIDR = objects.Set(p)
	}
	if s.Gateway != nil && s.Gateway.Address != nil {
		gw, err := parseIP(path+".gateway.address", *s.Gateway.Address)
		if err != nil {
			return nil, err
		}
		out.Gateway = objects.Set(gw)
	}
	return out, nil
}

func requiredIP(field string, s *string) (netip.Addr, error) {
	if s == nil {
		return netip.Addr{}, fieldErr(field, nil, "missing (null)")
	}
	return parseIP(field, *s)
}

// convertFixedIP is Nova's _nova_to_osvif_ip.
func convertFixedIP(path string, ip *NovaFixedIP) (*objects.FixedIP, error) {
	addr, err := requiredIP(path+".address", ip.Address)
	if err != nil {
		return nil, err
	}
	floats := make([]netip.Addr, 0, len(ip.FloatingIPs))
	for i, f := range ip.FloatingIPs {
		a, err := requiredIP(fmt.Sprintf("%s.floating_ips[%d].address", path, i), f.Address)
		if err != nil {
			return nil, err
		}
		floats = append(floats, a)
	}
	return &objects.FixedIP{Address: objects.Set(addr), FloatingIPs: objects.Set(floats)}, nil
}

// convertRoute is Nova's _nova_to_osvif_route.
func convertRoute(path string, r *NovaRoute) (*objects.Route, error) {
	if r.CIDR == nil {
		return nil, fieldErr(path+".cidr", nil, "missing (null)")
	}
	cidr, err := parsePrefix(path+".cidr", *r.CIDR)
	if err != nil {
		return nil, err
	}
	out := &objects.Route{CIDR: objects.Set(cidr)}
	if r.Interface != nil {
		out.Interface = objects.Set(*r.Interface)
	}
	if r.Gateway != nil && r.Gateway.Address != nil {
		gw, err := parseIP(path+".gateway.address", *r.Gateway.Address)
		if err != nil {
			return nil, err
		}
		out.Gateway = objects.Set(gw)
	}
	return out, nil
}
