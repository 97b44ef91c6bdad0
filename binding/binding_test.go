package binding

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/objects"
)

func goldenNeutron(t testing.TB, name string) *NeutronDocument {
	t.Helper()
	return readGolden(t, name).Neutron
}

// readGolden reads the golden case testdata/golden/<name>.json.
func readGolden(t testing.TB, name string) goldenCase {
	t.Helper()
	data, err := os.ReadFile("testdata/golden/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var c goldenCase
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNovaVIFDecodeHydrates(t *testing.T) {
	v, err := ParseNovaVIF([]byte(`{"id": "p1", "type": "bridge", "address": null,
		"network": {"id": "n1", "bridge": "brq1", "should_create_bridge": true, "meta": {"mtu": 1400},
		            "subnets": [{"cidr": "10.0.0.0/24", "dhcp_server": "10.0.0.2", "gateway": null,
		                         "ips": [{"address": "10.0.0.5", "label": "x"}]}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if v.VNICType != VNICTypeNormal || v.Details == nil || v.Active || v.DelegateCreate {
		t.Errorf("constructor defaults not applied: %+v", v)
	}
	if v.Network.Meta["should_create_bridge"] != true || v.Network.Meta["mtu"] != float64(1400) {
		t.Errorf("network meta %v: want should_create_bridge moved in, mtu kept", v.Network.Meta)
	}
	if v.Network.Subnets[0].Meta["dhcp_server"] != "10.0.0.2" || v.Network.Subnets[0].IPs[0].Meta["label"] != "x" {
		t.Errorf("unknown subnet/IP keys not moved into meta: %+v", v.Network.Subnets[0])
	}
	vif, err := FromNovaVIF(v)
	if err != nil {
		t.Fatal(err)
	}
	b := vif.(*objects.VIFBridge)
	if !b.Address.IsNull() || !b.Network.Value().ShouldProvideBridge.Value() || b.Network.Value().MTU.Value() != 1400 {
		t.Errorf("got address null %v, should_provide_bridge %v, mtu %v", b.Address.IsNull(),
			b.Network.Value().ShouldProvideBridge.Value(), b.Network.Value().MTU.Value())
	}
}

// TestLinuxBridgeWithoutHydrationRoundTrip: Nova only gets should_provide_bridge=true because
// NetworkInfo.hydrate moves the top-level key into meta; govif's Neutron path gives it directly.
func TestLinuxBridgeWithoutHydrationRoundTrip(t *testing.T) {
	doc := goldenNeutron(t, "bridge")
	nv, err := BuildNovaVIF(doc.Port, doc.Options(NovaConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	vif, err := FromNovaVIF(nv) // no JSON round trip
	if err != nil {
		t.Fatal(err)
	}
	if !vif.Base().Network.Value().ShouldProvideBridge.Value() {
		t.Error("should_provide_bridge is false: the linux_bridge plugin would not create the bridge")
	}
}

func TestFromNeutronPortNamesNeutronFields(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(d *NeutronDocument)
		field string
		value any
	}{
		{"no socket", func(d *NeutronDocument) {
			d.Port.VIFType, d.Port.VIFDetails = "vhostuser", map[string]any{"vhostuser_ovs_plug": true}
		}, "binding:vif_details.vhostuser_socket", nil},
		{"bad vhostuser mode", func(d *NeutronDocument) {
			d.Port.VIFType = "vhostuser"
			d.Port.VIFDetails = map[string]any{"vhostuser_socket": "/s", "vhostuser_mode": "both"}
		}, "binding:vif_details.vhostuser_mode", "both"},
		{"no pci_slot", func(d *NeutronDocument) {
			direct := "direct"
			d.Port.VNICType, d.Port.Profile = &direct, nil
		}, "binding:profile.pci_slot", nil},
		{"bad pci_slot", func(d *NeutronDocument) {
			direct := "direct"
			d.Port.VNICType, d.Port.Profile = &direct, map[string]any{"pci_slot": "0000:3b:00"}
		}, "binding:profile.pci_slot", "0000:3b:00"},
		{"datapath_type not a string", func(d *NeutronDocument) {
			d.Port.VIFDetails = map[string]any{"datapath_type": 7.0}
		}, "binding:vif_details.datapath_type", 7.0},
		{"bad MAC", func(d *NeutronDocument) { d.Port.MACAddress = "fa:16:3e:zz:34:56" }, "mac_address", "fa:16:3e:zz:34:56"},
		{"unknown subnet", func(d *NeutronDocument) { d.Port.FixedIPs[0].SubnetID = "nope" }, "fixed_ips[0].subnet_id", "nope"},
		{"bad fixed IP", func(d *NeutronDocument) { d.Port.FixedIPs[1].IPAddress = "fd00::1/64" }, "fixed_ips[1].ip_address", "fd00::1/64"},
		{"bad subnet CIDR", func(d *NeutronDocument) { d.Subnets[0].CIDR = "10.0.0.0/33" }, "subnets[0].cidr", "10.0.0.0/33"},
		{"bad route", func(d *NeutronDocument) { d.Subnets[0].HostRoutes[0].Nexthop = "x" }, "subnets[0].host_routes[0].nexthop", "x"},
		{"no id", func(d *NeutronDocument) { d.Port.ID = "" }, "id", ""},
		{"no network_id", func(d *NeutronDocument) { d.Port.NetworkID = "" }, "network_id", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := goldenNeutron(t, "ovs-plain")
			tc.edit(d)
			_, err := FromNeutronPort(d.Port, d.Options(NovaConfig{}))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FieldError, got %T %v", err, err)
			}
			if fe.Field != tc.field || !cmp.Equal(fe.Value, tc.value) {
				t.Errorf("field %q value %#v; want %q %#v", fe.Field, fe.Value, tc.field, tc.value)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("message %q does not name %s", err, tc.field)
			}
		})
	}
}

func TestVIFTypeErrors(t *testing.T) {
	for _, tc := range []struct {
		vifType, vnic string
		want          error
	}{
		{"hw_veb", "direct", ErrLegacyVIFType},
		{"macvtap", "macvtap", ErrLegacyVIFType},
		{"tap", "normal", ErrLegacyVIFType},
		{"binding_failed", "normal", ErrNotBound},
		{"unbound", "normal", ErrNotBound},
		{"hyperv", "normal", ErrUnsupportedVIFType},
		{"", "normal", ErrUnsupportedVIFType},
		{"vrouter", "direct-physical", ErrUnsupportedVNICType},
	} {
		d := goldenNeutron(t, "ovs-plain")
		d.Port.VIFType, d.Port.VNICType = tc.vifType, &tc.vnic
		_, err := FromNeutronPort(d.Port, d.Options(NovaConfig{}))
		var te *VIFTypeError
		if !errors.Is(err, tc.want) || !errors.As(err, &te) || te.VIFType != tc.vifType {
			t.Errorf("%s/%s: got %v, want a *VIFTypeError wrapping %v", tc.vifType, tc.vnic, err, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), `"`+tc.vifType+`"`) {
			t.Errorf("%s: message %q does not name the vif_type", tc.vifType, err)
		}
	}
}

func TestConversionLeavesInputAlone(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.json")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		var c goldenCase
		if err := json.Unmarshal(data, &c); err != nil || c.NovaVIF == nil {
			continue
		}
		v, err := ParseNovaVIF(c.NovaVIF)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := json.Marshal(v)
		_, _ = FromNovaVIF(v)
		after, _ := json.Marshal(v)
		if string(before) != string(after) {
			t.Errorf("%s: FromNovaVIF modified its input", c.Name)
		}
	}
}

func TestTruthy(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{nil, false}, {false, false}, {true, true}, {0.0, false}, {1.0, true}, {"", false},
		{"False", true}, {[]any{}, false}, {[]any{1.0}, true}, {map[string]any{}, false},
	} {
		if got := truthy(tc.v); got != tc.want {
			t.Errorf("truthy(%#v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	if m, err := parseMAC("address", "FA-16-3E-12-34-56"); err != nil || m.String() != "fa:16:3e:12:34:56" {
		t.Errorf("parseMAC dashes/upper: %v %v", m, err)
	}
	for _, bad := range []string{"fa:16:3e:12:34", "fa16.3e12.3456", "fa:16:3e:12:34:56:78:9a"} {
		if _, err := parseMAC("address", bad); err == nil {
			t.Errorf("parseMAC(%q) accepted", bad)
		}
	}
	if p, err := parsePrefix("cidr", "10.0.0.5/24"); err != nil || p.String() != "10.0.0.5/24" {
		t.Errorf("host bits must be kept: %v %v", p, err)
	}
	if p, err := parsePrefix("cidr", "FD00::1"); err != nil || p.String() != "fd00::1/128" {
		t.Errorf("address without prefix: %v %v", p, err)
	}
	for _, bad := range []string{"fe80::1%eth0", "10.1", "10.0.0.0/33"} {
		if _, err := parsePrefix("cidr", bad); err == nil {
			t.Errorf("parsePrefix(%q) accepted", bad)
		}
	}
	if s, err := parsePCI("pci", "0000:3B:00.2"); err != nil || s != "0000:3b:00.2" {
		t.Errorf("parsePCI: %q %v", s, err)
	}
	if _, err := parsePCI("pci", "0000:0a:1fx7"); err == nil {
		t.Error("parsePCI accepted an unescaped-dot address")
	}
}

// FuzzFromNovaVIFJSON: any input either fails with an error or gives a VIF that encodes.
func FuzzFromNovaVIFJSON(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.json")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		var c goldenCase
		if json.Unmarshal(data, &c) == nil && c.NovaVIF != nil {
			f.Add([]byte(c.NovaVIF))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vif, err := FromNovaVIFJSON(data)
		if err != nil {
			return
		}
		if _, err := objects.Encode(vif); err != nil {
			t.Fatalf("converted VIF does not encode: %v\ninput: %s", err, data)
		}
	})
}

func BenchmarkFromNeutronPort(b *testing.B) {
	d := goldenNeutron(b, "ovs-hybrid")
	opts := d.Options(NovaConfig{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromNeutronPort(d.Port, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzFromNeutronDocument: any Neutron document either fails with an error or gives a VIF that
// encodes.
func FuzzFromNeutronDocument(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.json")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		var c map[string]json.RawMessage
		if json.Unmarshal(data, &c) == nil && c["neutron"] != nil {
			f.Add([]byte(c["neutron"]))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d NeutronDocument
		if json.Unmarshal(data, &d) != nil {
			return
		}
		vif, err := FromNeutronPort(d.Port, d.Options(NovaConfig{}))
		if err != nil {
			return
		}
		if _, err := objects.Encode(vif); err != nil {
			t.Fatalf("converted VIF does not encode: %v\ninput: %s", err, data)
		}
	})
}
