package python

import "fmt"

// Nova network_info VIFs (nova.network.model.VIF dicts, as Neutron's port binding fills them)
// for every VIF type Nova hands to os-vif's ovs, linux_bridge and noop plugins. The ids differ
// in their first 8 hex digits so that the device names Nova derives (tap/qbr/qvb/qvo/vhu + 11
// characters of the id) differ. datapath_type is netdev: the sandbox's ovs-vswitchd runs the
// userspace datapath.
const (
	idHybrid     = "a1b2c3d4-1111-4222-8333-444455556666"
	idPlain      = "b1b2c3d4-1111-4222-8333-444455556666"
	idVhuServer  = "c1b2c3d4-1111-4222-8333-444455556666"
	idVhuClient  = "e1b2c3d4-1111-4222-8333-444455556666"
	idLinuxBr    = "d1b2c3d4-1111-4222-8333-444455556666"
	idNoop       = "f1b2c3d4-1111-4222-8333-444455556666"
	testNetID    = "0f6c1e2a-9d3b-4c55-8e77-1234567890ab"
	testTenantID = "3f1e2d4c5b6a49880123456789abcdef"
)

// novaVIF is one VIF and the os-vif plugin Nova's os_vif_util picks for it.
type novaVIF struct {
	name   string
	plugin string
	vif    map[string]any
}

func network(bridge string, extraMeta map[string]any) map[string]any {
	meta := map[string]any{"injected": false, "mtu": 1450, "physical_network": nil,
		"tenant_id": testTenantID, "tunneled": true}
	for k, v := range extraMeta {
		meta[k] = v
	}
	return map[string]any{
		"id": testNetID, "bridge": bridge, "label": "private", "meta": meta,
		"subnets": []any{map[string]any{
			"cidr": "10.0.0.0/24", "dns": []any{}, "routes": []any{}, "version": 4,
			"gateway": map[string]any{"address": "10.0.0.1", "meta": map[string]any{}, "type": "gateway", "version": 4},
			"ips":     []any{map[string]any{"address": "10.0.0.5", "floating_ips": []any{}, "meta": map[string]any{}, "type": "fixed", "version": 4}},
			"meta":    map[string]any{"dhcp_server": "10.0.0.2"},
		}},
	}
}

func vifDict(id, mac, vifType string, net map[string]any, details map[string]any, delegate bool) map[string]any {
	return map[string]any{
		"id": id, "address": mac, "type": vifType, "details": details, "network": net,
		"devname": ("tap" + id)[:14], "ovs_interfaceid": id, "qbh_params": nil, "qbg_params": nil,
		"active": true, "vnic_type": "normal", "profile": map[string]any{}, "preserve_on_delete": false,
		"delegate_create": delegate, "meta": map[string]any{},
	}
}

func ovsDetails(hybrid bool) map[string]any {
	return map[string]any{"bridge_name": "br-int", "connectivity": "l2", "datapath_type": "netdev",
		"ovs_hybrid_plug": hybrid, "port_filter": true}
}

// novaVIFs returns hybrid OVS, plain OVS, vhost-user (server and client mode) through OVS, a
// Linux bridge VIF, and a vhost-user VIF with no OVS plug (os-vif's noop plugin).
func novaVIFs(vhuDir string) []novaVIF {
	vhu := func(id, mac, mode string, ovsPlug bool) map[string]any {
		d := map[string]any{"datapath_type": "netdev", "port_filter": false, "vhostuser_mode": mode,
			"vhostuser_socket": fmt.Sprintf("%s/vhu%s", vhuDir, id[:11])}
		if ovsPlug {
			d["bridge_name"] = "br-int"
			d["ovs_hybrid_plug"] = false
			d["vhostuser_ovs_plug"] = true
		}
		return vifDict(id, mac, "vhostuser", network("br-int", nil), d, false)
	}
	return []novaVIF{
		{"ovs hybrid (VIFBridge)", "ovs", vifDict(idHybrid, "fa:16:3e:12:34:56", "ovs", network("br-int", nil), ovsDetails(true), false)},
		{"ovs plain (VIFOpenVSwitch)", "ovs", vifDict(idPlain, "fa:16:3e:12:34:57", "ovs", network("br-int", nil), ovsDetails(false), true)},
		{"vhost-user server through OVS (VIFVHostUser)", "ovs", vhu(idVhuServer, "fa:16:3e:12:34:58", "server", true)},
		{"vhost-user client through OVS (VIFVHostUser)", "ovs", vhu(idVhuClient, "fa:16:3e:12:34:59", "client", true)},
		{"linux bridge (VIFBridge)", "linux_bridge", vifDict(idLinuxBr, "fa:16:3e:12:34:5a", "bridge",
			network("brq0f6c1e2a-9d", map[string]any{"should_create_bridge": true}),
			map[string]any{"connectivity": "l2", "port_filter": true}, false)},
		{"vhost-user without OVS (noop)", "noop", vhu(idNoop, "fa:16:3e:12:34:5b", "client", false)},
	}
}
