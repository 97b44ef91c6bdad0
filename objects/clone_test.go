package objects

import (
	"net/netip"
	"testing"
)

func TestCloneAndEqual(t *testing.T) {
	for _, f := range []string{"vif_openvswitch.current.json", "vif_openvswitch.oldest.json", "host_info.current.json", "nova-ovs-direct-offload.osvif.json"} {
		o := mustDecode(t, readUnit(t, f))
		c := Clone(o)
		if !Equal(o, c) {
			t.Errorf("%s: clone differs", f)
		}
		a, _ := Encode(o)
		b, _ := Encode(c)
		if string(a) != string(b) {
			t.Errorf("%s: clone encodes differently (changes or version lost)", f)
		}
	}
	vif := exampleOVS()
	c := Clone(vif)
	// Deep: changing the copy leaves the original alone.
	c.Address.Value()[5] = 0xff
	c.Network.Value().Subnets.Value().Objects.Value()[0].DNS.Value()[0] = netip.MustParseAddr("1.1.1.1")
	c.PortProfile.Value().(*VIFPortProfileOpenVSwitch).CreatePort.Set(false)
	if vif.Address.Value()[5] == 0xff || vif.Network.Value().Subnets.Value().Objects.Value()[0].DNS.Value()[0].String() != "8.8.8.8" ||
		!vif.PortProfile.Value().(*VIFPortProfileOpenVSwitch).CreatePort.Value() {
		t.Error("Clone is shallow")
	}
	if Equal(vif, c) {
		t.Error("Equal missed differences")
	}
	// Unset and null differ; built and decoded objects with the same data are equal.
	if Equal(&Network{MTU: Null[int]()}, &Network{}) {
		t.Error("null equals unset")
	}
	back := mustDecode(t, mustEncodeWith(t, vif, EncodeOptions{}))
	if !Equal(vif, back) {
		t.Error("decoded copy not equal to the Go-built object")
	}
	if Equal(&VIFBridge{}, &VIFOpenVSwitch{}) || !Equal(nil, nil) || Equal(&VIFBridge{}, nil) {
		t.Error("Equal on classes / nil")
	}
}

func TestFieldString(t *testing.T) {
	var f Field[int]
	if f.String() != "<unset>" || Null[int]().String() != "null" || Set(1450).String() != "1450" ||
		Set(mac("fa:16:3e:00:00:01")).String() != "fa:16:3e:00:00:01" {
		t.Errorf("Field.String: %s %s %s", f, Null[int](), Set(1450))
	}
}
