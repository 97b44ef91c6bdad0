package objects

import "testing"

// Expected strings are Python os-vif 3.0.0's repr() of the same objects (plus the 1.4 profile
// fields create_tap and multiqueue, which 3.0.0 does not have).
func TestRepr(t *testing.T) {
	cases := []struct {
		o    Object
		want string
	}{
		{mustDecode(t, readUnit(t, "vif_openvswitch.current.json")),
			"VIFOpenVSwitch(active=False,address=fa:16:3e:4b:2c:1d,bridge_name='br-int',has_traffic_filtering=True," +
				"id=b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21,network=Network(3f5c1e4a-9b2d-4c7e-8a1f-0d2e3c4b5a69),plugin='ovs'," +
				"port_profile=VIFPortProfileOpenVSwitch,preserve_on_delete=False,vif_name='tapb8f9d1c2-6a')"},
		{mustDecode(t, readUnit(t, "host_info.filtered_VIFOpenVSwitch.json")), "HostInfo(plugin_info=[HostPluginInfo])"},
		{mustDecode(t, readUnitMap(t, "port_profile_ovs.backport_ladder.json")["1.3"]),
			"VIFPortProfileOpenVSwitch(create_port=True,create_tap=<?>,datapath_offload=DatapathOffloadRepresentor,datapath_type='netdev'," +
				"interface_id=b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21,multiqueue=<?>,profile_id='')"},
		{&VIFDirect{VIFBase: VIFBase{Address: Set(mac("aa:bb:cc:dd:ee:ff")), Network: Null[*Network](), PreserveOnDelete: Set(false)},
			Mode: Set(VIFDirectModeVEPA), DevAddress: Set("0000:0a:00.1")},
			"VIFDirect(active=<?>,address=aa:bb:cc:dd:ee:ff,dev_address=0000:0a:00.1,has_traffic_filtering=<?>,id=<?>,mode='vepa'," +
				"network=None,plugin=<?>,port_profile=<?>,preserve_on_delete=False,vif_name=<?>,vlan_name=<?>)"},
		{&InstanceInfo{UUID: Set("u"), Name: Set("n")}, "InstanceInfo(name='n',project_id=<?>,uuid=u)"},
		{mustDecode(t, []byte(env("Subnet", "1.0", `{"cidr":"10.0.0.5/24","dns":["8.8.8.8"],"gateway":"10.0.0.1"}`))),
			"Subnet(cidr=10.0.0.5/24,dhcp_server=<?>,dns=[8.8.8.8],gateway=10.0.0.1,ips=<?>,routes=<?>)"},
	}
	for _, c := range cases {
		if got := Repr(c.o); got != c.want {
			t.Errorf("\n got: %s\nwant: %s", got, c.want)
		}
	}
}
