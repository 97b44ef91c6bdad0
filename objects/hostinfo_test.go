package objects

import (
	"errors"
	"testing"
)

func TestHostInfoHelpers(t *testing.T) {
	h, err := DecodeHostInfo(readUnit(t, "host_info.current.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !h.HasPlugin("ovs") || h.HasPlugin("OVS") {
		t.Error("HasPlugin is exact")
	}
	_, err = h.GetPlugin("nope")
	var npe *NoMatchingPluginError
	if !errors.As(err, &npe) || err.Error() != "No VIF plugin was found with the name nope" {
		t.Errorf("GetPlugin(nope): %v", err)
	}
	ovs, err := h.GetPlugin("ovs")
	if err != nil {
		t.Fatal(err)
	}
	if !ovs.HasVIF("VIFOpenVSwitch") || ovs.HasVIF("VIFGeneric") {
		t.Error("HasVIF")
	}
	_, err = ovs.GetVIF("VIFGeneric")
	if !isType[*NoMatchingVIFClassError](err) || err.Error() != "No VIF class was found with the name VIFGeneric" {
		t.Errorf("GetVIF: %v", err)
	}

	// VIFVHostUser 1.0..1.0 fails in os-vif (the class is 1.1); govif can backport, so 1.0.
	vhu, _ := ovs.GetVIF("VIFVHostUser")
	if v, err := vhu.CommonVersion(); err != nil || v != "1.0" {
		t.Errorf("VIFVHostUser common version %q %v", v, err)
	}
	for _, p := range vhu.SupportedPortProfiles.Value() {
		if v, err := p.CommonVersion(); err != nil || v != "1.0" {
			t.Errorf("%s common version %q %v", p.ProfileObjectName.Value(), v, err)
		}
	}
	cases := []struct {
		info      *HostVIFInfo
		want, msg string
	}{
		{&HostVIFInfo{VIFObjectName: Set("VIFVHostUser"), MinVersion: Set("1.0"), MaxVersion: Set("1.5")}, "1.1", ""},
		{&HostVIFInfo{VIFObjectName: Set("VIFBridge"), MinVersion: Set("1.1"), MaxVersion: Set("1.5")}, "",
			"VIF class VIFBridge versions 1.0 do not satisfy min=1.1 max=1.5"},
		{&HostVIFInfo{VIFObjectName: Set("VIFBridge"), MinVersion: Set("1"), MaxVersion: Set("1.0.0")}, "1.0", ""},
		{&HostVIFInfo{VIFObjectName: Set("Network"), MinVersion: Set("1.0"), MaxVersion: Set("1.1")}, "",
			"No VIF class was found with the name Network"},
		{&HostVIFInfo{VIFObjectName: Set("VIFBridge"), MinVersion: Set("x"), MaxVersion: Set("1.1")}, "",
			`HostVIFInfo.min_version: invalid version "x"`},
	}
	for _, c := range cases {
		v, err := c.info.CommonVersion()
		if c.msg == "" && (err != nil || v != c.want) {
			t.Errorf("%v: got %q %v, want %q", c.info.VIFObjectName.Value(), v, err, c.want)
		}
		if c.msg != "" && (err == nil || err.Error() != c.msg) {
			t.Errorf("%v: got %q %v, want error %q", c.info.VIFObjectName.Value(), v, err, c.msg)
		}
	}
	p := &HostPortProfileInfo{ProfileObjectName: Set("VIFPortProfileOpenVSwitch"), MinVersion: Set("1.0"), MaxVersion: Set("1.3")}
	if v, err := p.CommonVersion(); err != nil || v != "1.3" {
		t.Errorf("OVS profile up to 1.3 (Debian): %q %v", v, err)
	}
	p.ProfileObjectName.Set("VIFBridge")
	if _, err := p.CommonVersion(); !isType[*NoMatchingPortProfileClassError](err) {
		t.Errorf("VIFBridge as profile: %v", err)
	}
	p = &HostPortProfileInfo{ProfileObjectName: Set("VIFPortProfileFPTap"), MinVersion: Set("1.2"), MaxVersion: Set("1.3")}
	_, err = p.CommonVersion()
	var nsv *NoSupportedVersionError
	if !errors.As(err, &nsv) || err.Error() != "PortProfile class VIFPortProfileFPTap versions 1.0,1.1 do not satisfy min=1.2 max=1.3" {
		t.Errorf("FPTap: %v", err)
	}

	// Filtering matches Python's host_info(permitted_vif_type_names=['VIFOpenVSwitch']).
	h.FilterVIFTypes([]string{"VIFOpenVSwitch"})
	out, err := Encode(h)
	if err != nil {
		t.Fatal(err)
	}
	assertSamePrimitive(t, out, readUnit(t, "host_info.filtered_VIFOpenVSwitch.json"))
}
