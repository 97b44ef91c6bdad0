package binding

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// goldenVIF converts one golden case's network_info VIF.
func goldenVIF(t *testing.T, name string) objects.VIF {
	t.Helper()
	vif, err := FromNovaVIFJSON(readGolden(t, name).NovaVIF)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return vif
}

func pythonHostInfo(t *testing.T, file string) *objects.HostInfo {
	t.Helper()
	data, err := os.ReadFile("testdata/hostinfo/" + file)
	if err != nil {
		t.Fatal(err)
	}
	hi, err := objects.DecodeHostInfo(data)
	if err != nil {
		t.Fatalf("decoding %s: %v", file, err)
	}
	return hi
}

// prim decodes a primitive into nested maps for assertions.
func prim(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func data(m map[string]any) map[string]any { return m["versioned_object.data"].(map[string]any) }

// govifHost builds a HostInfo the way a govif host describes itself: one plugin, one VIF class,
// one profile class, with the given version ranges.
func govifHost(plugin, vifClass, vifMin, vifMax, profileClass, profMin, profMax string) *objects.HostInfo {
	vi := &objects.HostVIFInfo{
		VIFObjectName: objects.Set(vifClass), MinVersion: objects.Set(vifMin), MaxVersion: objects.Set(vifMax),
	}
	if profileClass != "" {
		vi.SupportedPortProfiles = objects.Set([]*objects.HostPortProfileInfo{{
			ProfileObjectName: objects.Set(profileClass), MinVersion: objects.Set(profMin), MaxVersion: objects.Set(profMax),
		}})
	}
	return &objects.HostInfo{PluginInfo: objects.Set([]*objects.HostPluginInfo{{
		PluginName: objects.Set(plugin), VIFInfo: objects.Set([]*objects.HostVIFInfo{vi}),
	}})}
}

func TestNegotiatePythonHostBackportsProfileTo10(t *testing.T) {
	host := pythonHostInfo(t, "os-vif-3.0.0.json")
	n, err := Negotiate(host, goldenVIF(t, "ovs-plain"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Plugin != "ovs" || n.Version != "1.0" || n.Index != 0 {
		t.Errorf("plugin %q version %q index %d; want ovs 1.0 0", n.Plugin, n.Version, n.Index)
	}
	if d := cmp.Diff(map[string]string{"VIFPortProfileOpenVSwitch": "1.0"}, n.Manifest); d != "" {
		t.Errorf("manifest (-want +got):\n%s", d)
	}
	p := data(prim(t, n.Primitive))["port_profile"].(map[string]any)
	if v := p["versioned_object.version"]; v != "1.0" {
		t.Errorf("profile version %v, want 1.0 (os-vif 3.0.0 advertises max 1.0)", v)
	}
	pd := data(p)
	if _, ok := pd["create_port"]; ok {
		t.Errorf("profile 1.0 carries create_port: %v", pd)
	}
	if _, ok := pd["datapath_type"]; ok {
		t.Errorf("profile 1.0 carries datapath_type: %v", pd)
	}
	if pd["interface_id"] != "a1b2c3d4-1111-4222-8333-444455556666" {
		t.Errorf("interface_id lost: %v", pd)
	}
}

func TestNegotiateVHostUserLoweredTo10(t *testing.T) {
	host := pythonHostInfo(t, "os-vif-3.0.0.json")
	n, err := Negotiate(host, goldenVIF(t, "vhostuser-ovs"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != "1.0" {
		t.Fatalf("version %q, want 1.0", n.Version)
	}
	d := data(prim(t, n.Primitive))
	if _, ok := d["vif_name"]; ok {
		t.Errorf("VIFVHostUser 1.0 carries vif_name (added in 1.1)")
	}
	if d["path"] != "/var/run/openvswitch/vhua1b2c3d4-11" {
		t.Errorf("path = %v", d["path"])
	}
}

func TestNegotiatePicksFirstSupported(t *testing.T) {
	host := pythonHostInfo(t, "os-vif-3.0.0.json")
	// agilio_ovs is not a plugin of this host; the Linux bridge VIF is.
	n, err := Negotiate(host, goldenVIF(t, "agilio-direct"), goldenVIF(t, "bridge"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Index != 1 || n.Plugin != "linux_bridge" || n.VIF.ObjName() != "VIFBridge" {
		t.Errorf("chose %d %s %s, want 1 linux_bridge VIFBridge", n.Index, n.Plugin, n.VIF.ObjName())
	}
}

func TestNegotiateNoMatchSaysWhyPerCandidate(t *testing.T) {
	host := pythonHostInfo(t, "os-vif-3.0.0-ovs-only.json")
	fp := goldenVIF(t, "ovs-plain").(*objects.VIFOpenVSwitch)
	fp.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileFPOpenVSwitch{})
	_, err := Negotiate(host, goldenVIF(t, "vhostuser-vrouter"), goldenVIF(t, "ovs-hybrid"), fp)
	var nm *NoMatchError
	if !errors.As(err, &nm) || len(nm.Mismatches) != 3 {
		t.Fatalf("want a *NoMatchError with 3 mismatches, got %v", err)
	}
	var noPlugin *objects.NoMatchingPluginError
	if !errors.As(nm.Mismatches[0].Err, &noPlugin) || noPlugin.PluginName != "contrail_vrouter" {
		t.Errorf("candidate 0: want NoMatchingPluginError(contrail_vrouter), got %v", nm.Mismatches[0].Err)
	}
	var noClass *objects.NoMatchingVIFClassError
	if !errors.As(nm.Mismatches[1].Err, &noClass) || noClass.Name != "VIFBridge" {
		t.Errorf("candidate 1: want NoMatchingVIFClassError(VIFBridge), got %v", nm.Mismatches[1].Err)
	}
	var noProfile *objects.NoMatchingPortProfileClassError
	if !errors.As(nm.Mismatches[2].Err, &noProfile) || noProfile.Name != "VIFPortProfileFPOpenVSwitch" {
		t.Errorf("candidate 2: want NoMatchingPortProfileClassError, got %v", nm.Mismatches[2].Err)
	}
}

func TestNegotiateGovifHost(t *testing.T) {
	vif := goldenVIF(t, "ovs-plain")
	t.Run("profile at 1.3 keeps create_port", func(t *testing.T) {
		host := govifHost("ovs", "VIFOpenVSwitch", "1.0", "1.0", "VIFPortProfileOpenVSwitch", "1.0", "1.3")
		n, err := Negotiate(host, vif)
		if err != nil {
			t.Fatal(err)
		}
		p := data(prim(t, n.Primitive))["port_profile"].(map[string]any)
		if p["versioned_object.version"] != "1.3" || data(p)["create_port"] != true {
			t.Errorf("profile %v", p)
		}
	})
	t.Run("host newer than us gets our current version", func(t *testing.T) {
		host := govifHost("ovs", "VIFOpenVSwitch", "1.0", "1.9", "VIFPortProfileOpenVSwitch", "1.0", "1.9")
		n, err := Negotiate(host, vif)
		if err != nil {
			t.Fatal(err)
		}
		cur, _ := objects.CurrentVersion("VIFPortProfileOpenVSwitch")
		if n.Version != "1.0" || n.Manifest["VIFPortProfileOpenVSwitch"] != cur {
			t.Errorf("version %s manifest %v, want 1.0 and profile %s", n.Version, n.Manifest, cur)
		}
	})
	t.Run("profile range we cannot meet", func(t *testing.T) {
		host := govifHost("ovs", "VIFOpenVSwitch", "1.0", "1.0", "VIFPortProfileOpenVSwitch", "1.5", "1.9")
		_, err := Negotiate(host, vif)
		var nv *objects.NoSupportedVersionError
		if !errors.As(err, &nv) || nv.Kind != "PortProfile" || nv.MinVersion != "1.5" {
			t.Fatalf("want NoSupportedVersionError for the profile, got %v", err)
		}
	})
	t.Run("VIF range we cannot meet", func(t *testing.T) {
		host := govifHost("ovs", "VIFOpenVSwitch", "2.0", "2.1", "VIFPortProfileOpenVSwitch", "1.0", "1.3")
		_, err := Negotiate(host, vif)
		var nv *objects.NoSupportedVersionError
		if !errors.As(err, &nv) || nv.Kind != "VIF" || nv.Name != "VIFOpenVSwitch" {
			t.Fatalf("want NoSupportedVersionError for the VIF, got %v", err)
		}
	})
	t.Run("HostVIFInfo 1.0 lists no profiles: ours is sent", func(t *testing.T) {
		host := pythonHostInfo(t, "os-vif-3.0.0-hostvifinfo-1.0.json")
		n, err := Negotiate(host, vif)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := n.Manifest["VIFPortProfileOpenVSwitch"]; ok {
			t.Errorf("manifest %v names the profile; the host did not list any", n.Manifest)
		}
	})
	t.Run("manifest caps nested classes", func(t *testing.T) {
		host := govifHost("ovs", "VIFOpenVSwitch", "1.0", "1.0", "VIFPortProfileOpenVSwitch", "1.0", "1.3")
		n, err := NegotiateWith(host, NegotiateOptions{Manifest: map[string]string{"Network": "1.0"}}, vif)
		if err != nil {
			t.Fatal(err)
		}
		net := data(prim(t, n.Primitive))["network"].(map[string]any)
		if _, ok := data(net)["mtu"]; ok || net["versioned_object.version"] != "1.0" {
			t.Errorf("network not lowered to 1.0: %v", net)
		}
	})
	t.Run("nil host", func(t *testing.T) {
		var fe *FieldError
		if _, err := Negotiate(nil, vif); !errors.As(err, &fe) {
			t.Errorf("want a *FieldError, got %v", err)
		}
	})
	t.Run("no candidates", func(t *testing.T) {
		var nm *NoMatchError
		if _, err := Negotiate(govifHost("ovs", "VIFOpenVSwitch", "1.0", "1.0", "", "", "")); !errors.As(err, &nm) {
			t.Errorf("want a *NoMatchError, got %v", err)
		}
	})
}

func TestNegotiateVersionRanges(t *testing.T) {
	vif := goldenVIF(t, "vhostuser-ovs")
	for _, tc := range []struct {
		min, max, want string
	}{
		{"1.0", "1.0", "1.0"},
		{"1.0", "1.1", "1.1"},
		{"1.0", "1.10", "1.1"}, // integer tuples, not strings
		{"1", "1.0", "1.0"},    // (1,) < (1,0)
		{"1.1", "1.0", ""},
		{"1.2", "1.9", ""},
		{"x", "1.1", ""},
	} {
		host := govifHost("ovs", "VIFVHostUser", tc.min, tc.max, "VIFPortProfileOpenVSwitch", "1.0", "1.3")
		n, err := Negotiate(host, vif)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("[%s, %s]: negotiated %s, want an error", tc.min, tc.max, n.Version)
		case tc.want != "" && err != nil:
			t.Errorf("[%s, %s]: %v", tc.min, tc.max, err)
		case tc.want != "" && n.Version != tc.want:
			t.Errorf("[%s, %s]: version %s, want %s", tc.min, tc.max, n.Version, tc.want)
		}
	}
}

// TestNegotiatedAcceptedByPythonOSVIF hands the negotiated primitives to Debian's os-vif 3.0.0,
// which must hydrate each at the negotiated version and re-serialise it unchanged.
func TestNegotiatedAcceptedByPythonOSVIF(t *testing.T) {
	py := testenv.RequirePythonModules(t, "os_vif")
	pyHost := pythonHostInfo(t, "os-vif-3.0.0.json")
	// A host that advertises what Debian's os-vif 3.0.0 really implements (profile 1.3,
	// VIFVHostUser 1.1): the negotiated objects keep every field.
	realHost := func(class, max string) *objects.HostInfo {
		return govifHost("ovs", class, "1.0", max, "VIFPortProfileOpenVSwitch", "1.0", "1.3")
	}
	var prims []json.RawMessage
	var negs []*Negotiated
	for _, tc := range []struct {
		host *objects.HostInfo
		vif  string
	}{
		{pyHost, "ovs-plain"}, {pyHost, "ovs-hybrid"}, {pyHost, "vhostuser-ovs"}, {pyHost, "ovs-direct"},
		{pyHost, "bridge"}, {pyHost, "vhostuser-plain"},
		{realHost("VIFOpenVSwitch", "1.0"), "ovs-plain"}, {realHost("VIFVHostUser", "1.1"), "vhostuser-ovs"},
	} {
		n, err := Negotiate(tc.host, goldenVIF(t, tc.vif))
		if err != nil {
			t.Fatalf("%s: %v", tc.vif, err)
		}
		prims, negs = append(prims, n.Primitive), append(negs, n)
	}
	if negs[6].Manifest["VIFPortProfileOpenVSwitch"] != "1.3" || negs[7].Version != "1.1" {
		t.Fatalf("real-version host: manifest %v, VIFVHostUser version %s", negs[6].Manifest, negs[7].Version)
	}
	in, err := json.Marshal(prims)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "testdata/py_accept.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("py_accept.py: %v\n%s", err, stderr.String())
	}
	var results []struct {
		Name      string          `json:"name"`
		Version   string          `json:"version"`
		Primitive json.RawMessage `json:"primitive"`
		Error     string          `json:"error"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for i, r := range results {
		n := negs[i]
		if r.Error != "" {
			t.Errorf("%s: os-vif rejects the negotiated primitive: %s", n.VIF.ObjName(), r.Error)
			continue
		}
		if r.Name != n.VIF.ObjName() || r.Version != n.Version {
			t.Errorf("os-vif hydrated %s %s, want %s %s", r.Name, r.Version, n.VIF.ObjName(), n.Version)
		}
		// Nested objects lowered through a manifest keep their unfiltered changes list, as
		// os-vif's own emitter does; a receiver filters it to the data it got.
		if d := cmp.Diff(filterChanges(normJSON(t, n.Primitive)), filterChanges(normJSON(t, r.Primitive))); d != "" {
			t.Errorf("%s: os-vif re-serialises differently (-govif +os-vif):\n%s", n.VIF.ObjName(), d)
		}
	}
}

// filterChanges drops names from every versioned_object.changes list that are not keys of the
// object's data.
func filterChanges(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if d, ok := x["versioned_object.data"].(map[string]any); ok {
			if ch, ok := x["versioned_object.changes"].([]any); ok {
				kept := []any{}
				for _, c := range ch {
					if _, in := d[c.(string)]; in {
						kept = append(kept, c)
					}
				}
				x["versioned_object.changes"] = kept
			}
		}
		for _, y := range x {
			filterChanges(y)
		}
	case []any:
		for _, y := range x {
			filterChanges(y)
		}
	}
	return v
}
