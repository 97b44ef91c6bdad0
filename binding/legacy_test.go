package binding

import (
	"errors"
	"strings"
	"testing"

	"github.com/govif/govif/objects"
)

const legacyNet = `"network":{"id":"6a1c4c1e-0000-4000-8000-000000000001","bridge":null,"label":"n","subnets":[],"meta":{"mtu":1400}}`

func legacyVIF(t *testing.T, typ, vnic, details, profile string) *NovaVIF {
	t.Helper()
	js := `{"id":"2b3c0d2e-5a1b-4c8e-9f00-112233445566","type":"` + typ + `","vnic_type":"` + vnic +
		`","address":"fa:16:3e:11:22:33","details":` + details + `,"profile":` + profile + `,` + legacyNet + `}`
	v, err := ParseNovaVIF([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLegacyTypesNeedTheExtension(t *testing.T) {
	for _, typ := range []string{"tap", "midonet", "iovisor", "ib_hostdev", "hw_veb", "macvtap"} {
		v := legacyVIF(t, typ, "normal", `{}`, `{}`)
		if _, err := FromNovaVIF(v); !errors.Is(err, ErrLegacyVIFType) {
			t.Errorf("%s without GovifVIFTypes: %v, want ErrLegacyVIFType (Nova's None)", typ, err)
		}
	}
	// Nova's no-op legacy types stay unconverted even with the extension.
	for _, typ := range []string{"802.1qbg", "802.1qbh", "hostdev_physical", "dvs"} {
		v := legacyVIF(t, typ, "normal", `{}`, `{}`)
		if _, err := FromNovaVIFWith(v, NovaConfig{GovifVIFTypes: true}); !errors.Is(err, ErrLegacyVIFType) {
			t.Errorf("%s: %v, want ErrLegacyVIFType", typ, err)
		}
	}
}

func TestLegacyConversions(t *testing.T) {
	ext := NovaConfig{GovifVIFTypes: true}
	cases := []struct {
		name, typ, vnic, details, profile string
		cfg                               NovaConfig
		check                             func(t *testing.T, vif objects.VIF)
	}{
		{"tap with MAC", "tap", "normal", `{"mac_address":"00:61:fe:ed:ca:fe"}`, `{}`, ext, func(t *testing.T, vif objects.VIF) {
			g := vif.(*objects.VIFGeneric)
			p := g.PortProfile.Value().(*objects.VIFPortProfileFPTap)
			if g.Plugin.Value() != "tap" || g.VIFName.Value() != "nic2b3c0d2e-5a" || p.MACAddress.Value().String() != "00:61:fe:ed:ca:fe" {
				t.Errorf("got %+v / %+v", g, p)
			}
		}},
		{"tap plain", "tap", "normal", `{}`, `{}`, ext, func(t *testing.T, vif objects.VIF) {
			if _, ok := vif.(*objects.VIFGeneric).PortProfile.Get(); ok {
				t.Error("tap without MAC or multiqueue has a port profile")
			}
		}},
		{"tap multiqueue", "tap", "normal", `{}`, `{}`, NovaConfig{GovifVIFTypes: true, Multiqueue: true}, func(t *testing.T, vif objects.VIF) {
			p := vif.(*objects.VIFGeneric).PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch)
			if !p.CreateTap.Value() || !p.Multiqueue.Value() {
				t.Errorf("profile %+v", p)
			}
		}},
		{"midonet", "midonet", "normal", `{}`, `{}`, ext, func(t *testing.T, vif objects.VIF) {
			if g := vif.(*objects.VIFGeneric); g.Plugin.Value() != "midonet" || g.VIFName.Value() != "nic2b3c0d2e-5a" {
				t.Errorf("got %+v", g)
			}
		}},
		{"iovisor", "iovisor", "normal", `{}`, `{}`, ext, func(t *testing.T, vif objects.VIF) {
			if g := vif.(*objects.VIFGeneric); g.Plugin.Value() != "iovisor" {
				t.Errorf("got %+v", g)
			}
		}},
		{"ib_hostdev", "ib_hostdev", "direct", `{"physical_network":"fabric1"}`, `{"pci_slot":"0000:3b:00.2"}`, ext, func(t *testing.T, vif objects.VIF) {
			h := vif.(*objects.VIFHostDevice)
			if h.Plugin.Value() != "ib_hostdev" || h.DevAddress.Value() != "0000:3b:00.2" || h.DevType.Value() != objects.VIFHostDeviceDevTypeGeneric ||
				h.Network.Value().BridgeInterface.Value() != "fabric1" {
				t.Errorf("got %+v", h)
			}
		}},
		{"hw_veb macvtap", "hw_veb", "macvtap", `{"vlan":"100"}`, `{"pci_slot":"0000:3b:00.2"}`, ext, func(t *testing.T, vif objects.VIF) {
			d := vif.(*objects.VIFDirect)
			if d.Plugin.Value() != "sriov" || d.DevAddress.Value() != "0000:3b:00.2" || d.Mode.Value() != objects.VIFDirectModePassthrough ||
				d.Network.Value().VLAN.Value() != 100 {
				t.Errorf("got %+v", d)
			}
		}},
		{"hw_veb direct", "hw_veb", "direct", `{"vlan":0}`, `{"pci_slot":"0000:3b:00.2"}`, ext, func(t *testing.T, vif objects.VIF) {
			h := vif.(*objects.VIFHostDevice)
			if h.Plugin.Value() != "sriov" || h.DevType.Value() != objects.VIFHostDeviceDevTypeEthernet || h.Network.Value().VLAN.Value() != 0 {
				t.Errorf("got %+v", h)
			}
		}},
		{"macvtap with VLAN", "macvtap", "macvtap", `{"vlan":101,"macvtap_source":"eth1.101","macvtap_mode":"bridge","physical_interface":"eth1"}`, `{}`, ext, func(t *testing.T, vif objects.VIF) {
			d := vif.(*objects.VIFDirect)
			n := d.Network.Value()
			if d.Plugin.Value() != "sriov" || d.VLANName.Value() != "eth1.101" || d.Mode.Value() != objects.VIFDirectModeBridge ||
				n.VLAN.Value() != 101 || !n.ShouldProvideVLAN.Value() || n.BridgeInterface.Value() != "eth1" {
				t.Errorf("got %+v / %+v", d, n)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vif, err := FromNovaVIFWith(legacyVIF(t, tc.typ, tc.vnic, tc.details, tc.profile), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, vif)
			// Only os-vif 3.0.0 classes: the primitive decodes back to the same object.
			out, err := objects.Encode(vif)
			if err != nil {
				t.Fatal(err)
			}
			back, err := objects.Decode(out)
			if err != nil {
				t.Fatalf("re-decoding: %v", err)
			}
			again, _ := objects.Encode(back)
			if string(again) != string(out) {
				t.Errorf("round trip changed:\n%s\n%s", out, again)
			}
		})
	}
}

func TestLegacyBadInput(t *testing.T) {
	ext := NovaConfig{GovifVIFTypes: true}
	cases := []struct {
		name, typ, vnic, details, profile, field string
		cfg                                      NovaConfig
	}{
		{"tap bad MAC", "tap", "normal", `{"mac_address":"nope"}`, `{}`, "details.mac_address", ext},
		{"tap MAC and multiqueue", "tap", "normal", `{"mac_address":"00:61:fe:ed:ca:fe"}`, `{}`, "details.mac_address", NovaConfig{GovifVIFTypes: true, Multiqueue: true}},
		{"ib_hostdev no fabric", "ib_hostdev", "direct", `{}`, `{"pci_slot":"0000:3b:00.2"}`, "details.physical_network", ext},
		{"ib_hostdev no pci", "ib_hostdev", "direct", `{"physical_network":"f"}`, `{}`, "profile.pci_slot", ext},
		{"hw_veb no vlan", "hw_veb", "direct", `{}`, `{"pci_slot":"0000:3b:00.2"}`, "details.vlan", ext},
		{"hw_veb bad vlan", "hw_veb", "direct", `{"vlan":"4096"}`, `{"pci_slot":"0000:3b:00.2"}`, "details.vlan", ext},
		{"macvtap missing", "macvtap", "macvtap", `{"macvtap_mode":"bridge","physical_interface":"eth1"}`, `{}`, "details.macvtap_source", ext},
		{"macvtap bad mode", "macvtap", "macvtap", `{"macvtap_source":"eth1","macvtap_mode":"x","physical_interface":"eth1"}`, `{}`, "details.macvtap_mode", ext},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromNovaVIFWith(legacyVIF(t, tc.typ, tc.vnic, tc.details, tc.profile), tc.cfg)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("err %v, want *FieldError on %s", err, tc.field)
			}
		})
	}
	_, err := FromNovaVIFWith(legacyVIF(t, "hw_veb", "normal", `{"vlan":1}`, `{}`), ext)
	if !errors.Is(err, ErrUnsupportedVNICType) || !strings.Contains(err.Error(), "normal") {
		t.Errorf("hw_veb normal: %v", err)
	}
}

// Nova after 26: ovs_create_tap puts create_tap (and the instance's multiqueue) into the OVS
// profile of a VIFOpenVSwitch (1.4 fields, so a peer at 1.3 sees Nova 26's object); never into
// the hybrid VIFBridge, which os-vif refuses.
func TestOVSCreateTap(t *testing.T) {
	mk := func(details string) *NovaVIF {
		return legacyVIF(t, "ovs", "normal", details, `{}`)
	}
	vif, err := FromNovaVIFWith(mk(`{"ovs_create_tap": true}`), NovaConfig{Multiqueue: true})
	if err != nil {
		t.Fatal(err)
	}
	p := vif.(*objects.VIFOpenVSwitch).PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch)
	if !p.CreateTap.Value() || !p.Multiqueue.Value() {
		t.Errorf("profile %+v, want create_tap and multiqueue", p)
	}
	out, err := objects.EncodeWith(vif, objects.EncodeOptions{Manifest: map[string]string{"VIFPortProfileOpenVSwitch": "1.3"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), `"create_tap":`) || strings.Contains(string(out), `"multiqueue":`) { // (nested changes lists stay unfiltered, as in os-vif)
		t.Errorf("1.4 fields sent at 1.3: %s", out)
	}
	vif, err = FromNovaVIF(mk(`{"ovs_create_tap": false}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := vif.(*objects.VIFOpenVSwitch).PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch); p.CreateTap.IsSet() {
		t.Errorf("create_tap set without ovs_create_tap: %+v", p)
	}
	vif, err = FromNovaVIF(mk(`{"ovs_create_tap": true, "ovs_hybrid_plug": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := vif.(*objects.VIFBridge).PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch); p.CreateTap.IsSet() {
		t.Errorf("hybrid VIFBridge got create_tap: %+v", p)
	}
}
