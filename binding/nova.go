package binding

import (
	"encoding/json"
	"fmt"
)

// NovaVIF is one VIF of Nova's network_info (nova.network.model.VIF) as Nova serialises it into the
// instance info cache. Decoding follows Nova's hydration: keys a model does not know move into its
// meta (so a top-level network "should_create_bridge" is read like the meta entry), missing keys
// take the model constructor's defaults (vnic_type "normal", details {}, booleans false).
type NovaVIF struct {
	ID               string         `json:"id"`
	Address          *string        `json:"address"`
	Network          *NovaNetwork   `json:"network"`
	Type             string         `json:"type"`
	Details          map[string]any `json:"details"`
	Devname          *string        `json:"devname"`
	OVSInterfaceID   *string        `json:"ovs_interfaceid"`
	QbhParams        any            `json:"qbh_params"`
	QbgParams        any            `json:"qbg_params"`
	Active           bool           `json:"active"`
	VNICType         string         `json:"vnic_type"`
	Profile          map[string]any `json:"profile"`
	PreserveOnDelete bool           `json:"preserve_on_delete"`
	DelegateCreate   bool           `json:"delegate_create"`
	Meta             map[string]any `json:"meta"`
}

// NovaNetwork is nova.network.model.Network. Meta holds injected, tenant_id, mtu,
// physical_network, tunneled and, for Linux bridge VIFs, should_create_bridge.
type NovaNetwork struct {
	ID      string         `json:"id"`
	Bridge  *string        `json:"bridge"`
	Label   *string        `json:"label"`
	Subnets []NovaSubnet   `json:"subnets"`
	Meta    map[string]any `json:"meta"`
}

// NovaSubnet is nova.network.model.Subnet. Meta holds dhcp_server and ipv6_address_mode, which
// os-vif does not carry.
type NovaSubnet struct {
	CIDR    *string        `json:"cidr"`
	DNS     []NovaIP       `json:"dns"`
	Gateway *NovaIP        `json:"gateway"`
	IPs     []NovaFixedIP  `json:"ips"`
	Routes  []NovaRoute    `json:"routes"`
	Version *int           `json:"version"`
	Meta    map[string]any `json:"meta"`
}

// NovaIP is nova.network.model.IP (type "fixed", "floating", "gateway" or "dns").
type NovaIP struct {
	Address *string        `json:"address"`
	Type    *string        `json:"type"`
	Version *int           `json:"version"`
	Meta    map[string]any `json:"meta"`
}

// NovaFixedIP is nova.network.model.FixedIP: an IP with its floating IPs.
type NovaFixedIP struct {
	NovaIP
	FloatingIPs []NovaIP `json:"floating_ips"`
}

// NovaRoute is nova.network.model.Route.
type NovaRoute struct {
	CIDR      *string        `json:"cidr"`
	Gateway   *NovaIP        `json:"gateway"`
	Interface *string        `json:"interface"`
	Meta      map[string]any `json:"meta"`
}

// ParseNovaVIF decodes one network_info VIF (a JSON object).
func ParseNovaVIF(data []byte) (*NovaVIF, error) {
	var v NovaVIF
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decoding network_info VIF: %w", err)
	}
	return &v, nil
}

// hydrate decodes data into the struct behind dst (a pointer to an alias type without methods),
// then moves every key the struct does not know into the meta map, as Nova's Model._set_meta does.
func hydrate(data []byte, dst any, meta *map[string]any, known ...string) error {
	if err := json.Unmarshal(data, dst); err != nil {
		return err
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if *meta == nil {
		*meta = map[string]any{}
	}
	isKnown := make(map[string]bool, len(known)+1)
	isKnown["meta"] = true
	for _, k := range known {
		isKnown[k] = true
	}
	for k, v := range raw {
		if !isKnown[k] {
			(*meta)[k] = v
		}
	}
	return nil
}

// UnmarshalJSON decodes a VIF with Nova's hydration and constructor defaults.
func (v *NovaVIF) UnmarshalJSON(data []byte) error {
	type plain NovaVIF
	p := plain{VNICType: "normal"}
	if err := hydrate(data, &p, &p.Meta, "id", "address", "network", "type", "details", "devname",
		"ovs_interfaceid", "qbh_params", "qbg_params", "active", "vnic_type", "profile",
		"preserve_on_delete", "delegate_create"); err != nil {
		return err
	}
	if p.Details == nil {
		p.Details = map[string]any{}
	}
	*v = NovaVIF(p)
	return nil
}

// UnmarshalJSON decodes a network; unknown keys (such as should_create_bridge) move into Meta.
func (n *NovaNetwork) UnmarshalJSON(data []byte) error {
	type plain NovaNetwork
	var p plain
	if err := hydrate(data, &p, &p.Meta, "id", "bridge", "label", "subnets"); err != nil {
		return err
	}
	*n = NovaNetwork(p)
	return nil
}

// UnmarshalJSON decodes a subnet; unknown keys move into Meta.
func (s *NovaSubnet) UnmarshalJSON(data []byte) error {
	type plain NovaSubnet
	var p plain
	if err := hydrate(data, &p, &p.Meta, "cidr", "dns", "gateway", "ips", "routes", "version"); err != nil {
		return err
	}
	*s = NovaSubnet(p)
	return nil
}

// UnmarshalJSON decodes an IP; unknown keys move into Meta.
func (ip *NovaIP) UnmarshalJSON(data []byte) error {
	type plain NovaIP
	var p plain
	if err := hydrate(data, &p, &p.Meta, "address", "type", "version"); err != nil {
		return err
	}
	*ip = NovaIP(p)
	return nil
}

// UnmarshalJSON decodes a fixed IP and its floating IPs; unknown keys move into Meta.
func (f *NovaFixedIP) UnmarshalJSON(data []byte) error {
	var p struct {
		FloatingIPs []NovaIP `json:"floating_ips"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	type plainIP NovaIP
	var ip plainIP
	if err := hydrate(data, &ip, &ip.Meta, "address", "type", "version", "floating_ips"); err != nil {
		return err
	}
	*f = NovaFixedIP{NovaIP: NovaIP(ip), FloatingIPs: p.FloatingIPs}
	return nil
}

// MarshalJSON writes the fixed IP flat, as Nova does (the embedded IP's own MarshalJSON must not
// take over).
func (f NovaFixedIP) MarshalJSON() ([]byte, error) {
	fips := f.FloatingIPs
	if fips == nil {
		fips = []NovaIP{}
	}
	return json.Marshal(struct {
		Address     *string        `json:"address"`
		Type        *string        `json:"type"`
		Version     *int           `json:"version"`
		Meta        map[string]any `json:"meta"`
		FloatingIPs []NovaIP       `json:"floating_ips"`
	}{f.Address, f.Type, f.Version, nonNilMeta(f.Meta), fips})
}

// UnmarshalJSON decodes a route; unknown keys move into Meta.
func (r *NovaRoute) UnmarshalJSON(data []byte) error {
	type plain NovaRoute
	var p plain
	if err := hydrate(data, &p, &p.Meta, "cidr", "gateway", "interface"); err != nil {
		return err
	}
	*r = NovaRoute(p)
	return nil
}

func nonNilMeta(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// metaValue returns meta[key] and whether it is present and not null (Nova's get_meta(key) is not None).
func (n *NovaNetwork) metaValue(key string) (any, bool) {
	v, ok := n.Meta[key]
	return v, ok && v != nil
}

// truthy is Python's truth value of a JSON-decoded value, which is how Nova and os-vif read the
// boolean vif_details flags (port_filter, ovs_hybrid_plug, vhostuser_*_plug) and meta booleans.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0
	case json.Number:
		f, err := x.Float64()
		return err != nil || f != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	case int:
		return x != 0
	default:
		return true
	}
}
