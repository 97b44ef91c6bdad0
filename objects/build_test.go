package objects

import (
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"testing"
)

func mac(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func addrs(ss ...string) []netip.Addr {
	out := []netip.Addr{}
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// exampleOVS builds vif_openvswitch.current.json in Go, the way the Python generator built it.
func exampleOVS() *VIFOpenVSwitch {
	subnet := &Subnet{
		CIDR:    Set(netip.MustParsePrefix("10.0.0.0/24")),
		DNS:     Set(addrs("8.8.8.8", "8.8.4.4")),
		Gateway: Set(netip.MustParseAddr("10.0.0.1")),
		IPs: Set(&FixedIPList{Objects: Set([]*FixedIP{
			{Address: Set(netip.MustParseAddr("10.0.0.5")), FloatingIPs: Set(addrs("172.24.4.10"))},
			{Address: Set(netip.MustParseAddr("10.0.0.6")), FloatingIPs: Set(addrs())},
		})}),
		Routes: Set(&RouteList{Objects: Set([]*Route{
			{CIDR: Set(netip.MustParsePrefix("192.168.100.0/24")), Gateway: Set(netip.MustParseAddr("10.0.0.254")), Interface: Set("eth0")},
			{CIDR: Set(netip.MustParsePrefix("0.0.0.0/0")), Gateway: Set(netip.MustParseAddr("10.0.0.1")), Interface: Set("eth0")},
		})}),
		DHCPServer: Set(netip.MustParseAddr("10.0.0.2")),
	}
	network := (&Network{
		ID:              Set("3f5c1e4a-9b2d-4c7e-8a1f-0d2e3c4b5a69"),
		Bridge:          Set("br-int"),
		Label:           Set("private"),
		Subnets:         Set(&SubnetList{Objects: Set([]*Subnet{subnet})}),
		BridgeInterface: Null[string](),
		VLAN:            Null[int](),
		MTU:             Set(1450),
	}).SetDefaults()
	return &VIFOpenVSwitch{
		VIFBase: VIFBase{
			ID:                  Set("b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21"),
			Address:             Set(mac("FA:16:3E:4B:2C:1D")),
			Network:             Set(network),
			Plugin:              Set("ovs"),
			Active:              Set(false),
			PreserveOnDelete:    Set(false),
			HasTrafficFiltering: Set(true),
			PortProfile: Set[PortProfile](&VIFPortProfileOpenVSwitch{
				InterfaceID:  Set("b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21"),
				ProfileID:    Set(""),
				DatapathType: Set("system"),
				CreatePort:   Set(true),
			}),
		},
		VIFName:    Set("tapb8f9d1c2-6a"),
		BridgeName: Set("br-int"),
	}
}

// A VIF built in Go encodes exactly like the one Python built: same data, changes = the fields
// set. Only the profile version differs (govif's current is 1.4, Python 3.0.0's 1.3), so the
// comparison uses the Debian manifest.
func TestBuildInGoEqualsPython(t *testing.T) {
	vif := exampleOVS()
	out, err := EncodeWith(vif, EncodeOptions{Manifest: map[string]string{"VIFPortProfileOpenVSwitch": "1.3"}})
	if err != nil {
		t.Fatal(err)
	}
	assertSamePrimitive(t, out, readUnit(t, "vif_openvswitch.current.json"))

	// Plain Encode: current versions.
	out, err = Encode(vif)
	if err != nil {
		t.Fatal(err)
	}
	back := mustDecode(t, out).(*VIFOpenVSwitch)
	if ObjVersion(back.PortProfile.Value()) != "1.4" {
		t.Errorf("profile version %s, want 1.4", ObjVersion(back.PortProfile.Value()))
	}
	if !back.Network.Value().BridgeInterface.IsNull() || back.Network.Value().VLAN.IsSet() == false {
		t.Errorf("null fields not kept")
	}
	if got := back.Address.Value().String(); got != "fa:16:3e:4b:2c:1d" {
		t.Errorf("MAC %s", got)
	}
}

func TestEmptyObjectEncodesEmptyData(t *testing.T) {
	for _, c := range Classes() {
		o, err := New(c.Name)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Encode(o)
		if err != nil {
			t.Fatal(err)
		}
		assertSamePrimitive(t, out, []byte(env(c.Name, c.Version, "{}")))
	}
	if _, err := New("VIFFoo"); !isType[*UnsupportedObjectError](err) {
		t.Errorf("New(VIFFoo): %v", err)
	}
}

func TestValidateGoValues(t *testing.T) {
	vif := func(mod func(v *VIFOpenVSwitch)) *VIFOpenVSwitch { v := exampleOVS(); mod(v); return v }
	cases := []struct {
		name string
		o    Object
		msg  string
	}{
		{"null in non-nullable", vif(func(v *VIFOpenVSwitch) { v.Plugin.SetNull() }), "VIFOpenVSwitch.plugin: cannot be null"},
		{"null port_profile", vif(func(v *VIFOpenVSwitch) { v.PortProfile.SetNull() }), "VIFOpenVSwitch.port_profile: cannot be null"},
		{"short MAC", vif(func(v *VIFOpenVSwitch) { v.Address.Set(net.HardwareAddr{1, 2}) }),
			`VIFOpenVSwitch.address: malformed MAC address (want 6 octets) "01:02"`},
		{"invalid addr", vif(func(v *VIFOpenVSwitch) {
			v.Network.Value().Subnets.Value().Objects.Value()[0].IPs.Value().Objects.Value()[1].Address.Set(netip.Addr{})
		}), `VIFOpenVSwitch.network.subnets.objects[0].ips.objects[1].address: malformed IP address "invalid IP"`},
		{"nil network", vif(func(v *VIFOpenVSwitch) { v.Network.Set(nil) }),
			"VIFOpenVSwitch.network: holds a nil Network (use objects.Null for JSON null)"},
		{"nil profile pointer", vif(func(v *VIFOpenVSwitch) { v.PortProfile.Set((*VIFPortProfileOpenVSwitch)(nil)) }),
			"VIFOpenVSwitch.port_profile: holds a nil VIFPortProfileBase (use objects.Null for JSON null)"},
		{"nil list element", vif(func(v *VIFOpenVSwitch) { v.Network.Value().Subnets.Value().Objects.Set([]*Subnet{nil}) }),
			"VIFOpenVSwitch.network.subnets.objects[0]: holds a nil Subnet"},
		{"zone", vif(func(v *VIFOpenVSwitch) {
			v.Network.Value().Subnets.Value().Objects.Value()[0].DNS.Set([]netip.Addr{netip.MustParseAddr("fe80::1%eth0")})
		}), `VIFOpenVSwitch.network.subnets.objects[0].dns[0]: malformed IP address "fe80::1%eth0"`},
		{"bad enum", &VIFDirect{Mode: Set(VIFDirectMode("VEPA"))}, `VIFDirect.mode: must be one of vepa, passthrough, bridge, not "VEPA"`},
		{"bad PCI", &VIFHostDevice{DevAddress: Set("0000:0a:00")}, `VIFHostDevice.dev_address: malformed PCI address "0000:0a:00"`},
		{"bad prefix", &Route{CIDR: Set(netip.Prefix{})}, `Route.cidr: malformed IP network "invalid Prefix"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.o)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want *FieldError, got %v", err)
			}
			if err.Error() != c.msg {
				t.Errorf("\n got: %s\nwant: %s", err, c.msg)
			}
			if _, err := Encode(c.o); err == nil {
				t.Error("Encode accepted what Validate rejects")
			}
		})
	}
	if err := Validate(exampleOVS()); err != nil {
		t.Errorf("valid VIF: %v", err)
	}
	// PCI addresses are emitted lower-case.
	out, err := Encode(&VIFHostDevice{DevAddress: Set("0000:0A:1F.7")})
	if err != nil || !json.Valid(out) {
		t.Fatal(err)
	}
	want := `{"versioned_object.name":"VIFHostDevice","versioned_object.namespace":"os_vif","versioned_object.version":"1.0",` +
		`"versioned_object.data":{"dev_address":"0000:0a:1f.7"},"versioned_object.changes":["dev_address"]}`
	assertSamePrimitive(t, out, []byte(want))
}

func TestPrimitiveJSON(t *testing.T) {
	type request struct {
		VIF      Primitive  `json:"vif"`
		Instance *Primitive `json:"instance"`
	}
	in := request{VIF: Primitive{exampleOVS()}, Instance: &Primitive{&InstanceInfo{UUID: Set("u"), Name: Set("vm")}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out request
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if v, ok := out.VIF.Object.(*VIFOpenVSwitch); !ok || v.VIFName.Value() != "tapb8f9d1c2-6a" {
		t.Errorf("VIF lost: %#v", out.VIF.Object)
	}
	if i, ok := out.Instance.Object.(*InstanceInfo); !ok || i.Name.Value() != "vm" {
		t.Errorf("instance lost: %#v", out.Instance.Object)
	}
	var bad request
	err = json.Unmarshal([]byte(`{"vif":`+env("VIFBridge", "1.0", `{"address":"x"}`)+`}`), &bad)
	if !isType[*FieldError](err) {
		t.Errorf("bad primitive: %v", err)
	}
}

func TestDecodeHelpers(t *testing.T) {
	if _, err := DecodeVIF(readUnit(t, "vif_bridge.current.json")); err != nil {
		t.Error(err)
	}
	if _, err := DecodeVIF(readUnit(t, "host_info.current.json")); err == nil || err.Error() != "HostInfo: an object of type VIFBase is required, not a HostInfo" {
		t.Errorf("DecodeVIF(HostInfo): %v", err)
	}
	if _, err := DecodeHostInfo(readUnit(t, "host_info.current.json")); err != nil {
		t.Error(err)
	}
	if _, err := DecodeInstanceInfo(readUnit(t, "nova-instance-info.osvif.json")); err != nil {
		t.Error(err)
	}
}

func TestClasses(t *testing.T) {
	cs := Classes()
	if len(cs) != 31 {
		t.Fatalf("%d classes, want 31", len(cs))
	}
	want := map[string]string{"VIFPortProfileOpenVSwitch": "1.4", "VIFVHostUser": "1.1", "Network": "1.1", "HostVIFInfo": "1.1",
		"VIFPortProfileBase": "1.1", "VIFPortProfileFPTap": "1.1", "VIFBridge": "1.0", "HostInfo": "1.0"}
	for _, c := range cs {
		if w, ok := want[c.Name]; ok && c.Version != w {
			t.Errorf("%s version %s, want %s", c.Name, c.Version, w)
		}
		if v, _ := CurrentVersion(c.Name); v != c.Version {
			t.Errorf("CurrentVersion(%s) = %s", c.Name, v)
		}
	}
	for _, c := range cs {
		if c.Name != "VIFPortProfileOpenVSwitch" {
			continue
		}
		got := map[string][]string{}
		for _, h := range c.History {
			got[h.Version] = h.Added
		}
		if len(c.History) != 5 || len(got["1.2"]) != 1 || got["1.2"][0] != "datapath_offload" || len(got["1.4"]) != 2 {
			t.Errorf("history %+v", c.History)
		}
	}
}
