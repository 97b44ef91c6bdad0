package objects

import (
	"encoding/json"
	"errors"
	"testing"
)

func limitFixture() *HostInfo {
	prof := func(name, lo, hi string) *HostPortProfileInfo {
		return &HostPortProfileInfo{ProfileObjectName: Set(name), MinVersion: Set(lo), MaxVersion: Set(hi)}
	}
	vif := func(name, lo, hi string, p ...*HostPortProfileInfo) *HostVIFInfo {
		if p == nil {
			p = []*HostPortProfileInfo{}
		}
		return &HostVIFInfo{VIFObjectName: Set(name), MinVersion: Set(lo), MaxVersion: Set(hi), SupportedPortProfiles: Set(p)}
	}
	return &HostInfo{PluginInfo: Set([]*HostPluginInfo{
		{PluginName: Set("ovs"), VIFInfo: Set([]*HostVIFInfo{
			vif("VIFOpenVSwitch", "1.0", "1.0", prof("VIFPortProfileOpenVSwitch", "1.0", "1.4"), prof("VIFPortProfileFuture", "1.2", "1.2")),
			vif("VIFVHostUser", "1.1", "1.1", prof("VIFPortProfileOpenVSwitch", "1.0", "1.4")),
			vif("VIFBridge", "1.0", "1.0"),
		})},
		{PluginName: Set("noop"), VIFInfo: Set([]*HostVIFInfo{vif("VIFVHostUser", "1.1", "1.1")})},
	})}
}

func TestHostInfoLimitVersions(t *testing.T) {
	h := limitFixture()
	known := map[string]string{
		"VIFOpenVSwitch":            "1.0",
		"VIFPortProfileOpenVSwitch": "1.3", // os-vif 3.0.0
		"VIFPortProfileFuture":      "1.1", // below the host's minimum: removed
		"VIFVHostUser":              "1.0", // below the host's minimum: removed
	}
	if err := h.LimitVersions(known); err != nil {
		t.Fatal(err)
	}
	type entry struct{ Plugin, Class, Min, Max string }
	var got []entry
	for _, p := range h.PluginInfo.Value() {
		if len(p.VIFInfo.Value()) == 0 {
			got = append(got, entry{Plugin: p.PluginName.Value()})
		}
		for _, v := range p.VIFInfo.Value() {
			got = append(got, entry{p.PluginName.Value(), v.VIFObjectName.Value(), v.MinVersion.Value(), v.MaxVersion.Value()})
			for _, pp := range v.SupportedPortProfiles.Value() {
				got = append(got, entry{p.PluginName.Value(), v.VIFObjectName.Value() + "/" + pp.ProfileObjectName.Value(), pp.MinVersion.Value(), pp.MaxVersion.Value()})
			}
		}
	}
	want := []entry{
		{"ovs", "VIFOpenVSwitch", "1.0", "1.0"},
		{"ovs", "VIFOpenVSwitch/VIFPortProfileOpenVSwitch", "1.0", "1.3"},
		{"ovs", "VIFBridge", "1.0", "1.0"}, // not in known: unchanged
		{Plugin: "noop"},                   // kept, with no VIF class left
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("LimitVersions:\n got %s\nwant %s", gj, wj)
	}
	// The result still encodes (changed fields are marked) and round-trips.
	b, err := Encode(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeHostInfo(b); err != nil {
		t.Fatalf("decode limited HostInfo: %v\n%s", err, b)
	}
}

func TestHostInfoLimitVersionsBadManifest(t *testing.T) {
	h := limitFixture()
	before, _ := Encode(h)
	err := h.LimitVersions(map[string]string{"VIFPortProfileOpenVSwitch": "1.3", "VIFVHostUser": "one"})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "manifest.VIFVHostUser" || fe.Value != "one" {
		t.Fatalf("want a FieldError for manifest.VIFVHostUser, got %v", err)
	}
	after, _ := Encode(h)
	if string(before) != string(after) {
		t.Error("a refused manifest changed the HostInfo")
	}
}
