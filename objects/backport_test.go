package objects

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func mustDecode(t testing.TB, b []byte) Object {
	t.Helper()
	o, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return o
}

func mustEncodeWith(t testing.TB, o Object, opts EncodeOptions) []byte {
	t.Helper()
	b, err := EncodeWith(o, opts)
	if err != nil {
		t.Fatalf("EncodeWith(%+v): %v", opts, err)
	}
	return b
}

// The backport ladders Python produced without a manifest.
func TestBackportLadders(t *testing.T) {
	for _, c := range []struct{ file, top string }{
		{"port_profile_ovs.backport_ladder.json", "1.3"},
		{"vif_vhostuser.backport_ladder.json", "1.1"},
	} {
		ladder := readUnitMap(t, c.file)
		o := mustDecode(t, ladder[c.top])
		for v, want := range ladder {
			t.Run(c.file+"/"+v, func(t *testing.T) {
				assertSamePrimitive(t, mustEncodeWith(t, o, EncodeOptions{TargetVersion: v}), want)
			})
		}
	}
}

func allOnes() map[string]string {
	m := map[string]string{}
	for _, c := range Classes() {
		m[c.Name] = "1.0"
	}
	return m
}

// The "oldest" examples: target 1.0 with every class at 1.0 in the manifest. Nested objects keep
// the changes lists of their un-backported form, as Python's do.
func TestBackportOldestExamples(t *testing.T) {
	for _, c := range []struct {
		cur, old string
		manifest map[string]string
	}{
		{"vif_openvswitch.current.json", "vif_openvswitch.oldest.json", allOnes()},
		{"vif_bridge.current.json", "vif_bridge.oldest.json", allOnes()},
		{"host_info.current.json", "host_info.oldest.json", map[string]string{"HostPluginInfo": "1.0", "HostVIFInfo": "1.0"}},
		// Python raises KeyError with this manifest; govif just does it.
		{"host_info.current.json", "host_info.oldest.json", map[string]string{"HostPluginInfo": "1.0", "HostVIFInfo": "1.0", "HostPortProfileInfo": "1.0"}},
	} {
		t.Run(c.old, func(t *testing.T) {
			o := mustDecode(t, readUnit(t, c.cur))
			got := mustEncodeWith(t, o, EncodeOptions{TargetVersion: "1.0", Manifest: c.manifest})
			assertSamePrimitive(t, got, readUnit(t, c.old))
		})
	}
	// Without a manifest nested objects are not lowered (Python: identical to the current form).
	o := mustDecode(t, readUnit(t, "vif_openvswitch.current.json"))
	assertSamePrimitive(t, mustEncodeWith(t, o, EncodeOptions{TargetVersion: "1.0"}), readUnit(t, "vif_openvswitch.current.json"))
}

// dropKey removes data[key] from the object at the JSON path given by keys (data keys only).
func dropKey(t *testing.T, in []byte, key string, path ...string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(in, &m); err != nil {
		t.Fatal(err)
	}
	cur := m
	for _, p := range path {
		cur = cur[keyData].(map[string]any)[p].(map[string]any)
	}
	delete(cur[keyData].(map[string]any), key)
	out, _ := json.Marshal(m)
	return out
}

func TestBackportManifestQuirks(t *testing.T) {
	q := readUnitMap(t, "manifest_and_hydration_quirks.json")
	var tree map[string]string
	if err := json.Unmarshal(q["obj_tree_get_versions(VIFOpenVSwitch)"], &tree); err != nil {
		t.Fatal(err)
	}
	// The same VIF with the profile at its current version (1.3 in Python).
	pyTree := q["VIFOpenVSwitch.obj_to_primitive(target_version=1.0, version_manifest=obj_tree_get_versions)"]
	vif := mustDecode(t, pyTree).(*VIFOpenVSwitch)
	prof := vif.PortProfile.Value().(*VIFPortProfileOpenVSwitch)
	prof.CreatePort.Set(true)
	SetObjVersion(prof, "1.3")

	t.Run("declared-name fallback", func(t *testing.T) {
		// Only VIFPortProfileBase is named: like Python, the profile goes to 1.1. Unlike Python,
		// datapath_offload (which the OVS profile only has from 1.2) is dropped.
		got := mustEncodeWith(t, vif, EncodeOptions{TargetVersion: "1.0", Manifest: tree})
		assertSamePrimitive(t, got, dropKey(t, pyTree, "datapath_offload", "port_profile"))
	})
	t.Run("concrete name wins", func(t *testing.T) {
		m := map[string]string{"VIFPortProfileBase": "1.1", "VIFPortProfileOpenVSwitch": "1.3"}
		var got map[string]any
		if err := json.Unmarshal(mustEncodeWith(t, vif, EncodeOptions{Manifest: m}), &got); err != nil {
			t.Fatal(err)
		}
		pp := got[keyData].(map[string]any)["port_profile"].(map[string]any)
		if pp[keyVersion] != "1.3" || pp[keyData].(map[string]any)["create_port"] != true {
			t.Errorf("profile not kept at 1.3 with create_port: %v", pp)
		}
	})
	t.Run("base 1.0 drops offload", func(t *testing.T) {
		pyBase := q["VIFOpenVSwitch.obj_to_primitive(target_version=1.0, version_manifest={VIFPortProfileBase: 1.0})"]
		got := mustEncodeWith(t, vif, EncodeOptions{TargetVersion: "1.0", Manifest: map[string]string{"VIFPortProfileBase": "1.0"}})
		assertSamePrimitive(t, got, dropKey(t, pyBase, "datapath_offload", "port_profile"))
	})
	t.Run("Network 1.0 hydrated with the constructor's 1.0 defaults", func(t *testing.T) {
		// Python's obj_from_primitive runs Network(): subnets, multi_host, should_provide_*
		// appear on re-encoding, as in Python's own output; its "mtu": null (a 1.1 field in a
		// 1.0 primitive) is the one part govif leaves out.
		out, err := Encode(mustDecode(t, q["input: Network 1.0 primitive"]))
		if err != nil {
			t.Fatal(err)
		}
		assertSamePrimitive(t, out, dropKey(t, q["output: obj_from_primitive(input).obj_to_primitive()"], "mtu"))
	})
}

// Backports os-vif raises on ("No rule for ..."), which govif performs.
func TestBackportWhatPythonCannot(t *testing.T) {
	vif := mustDecode(t, readUnit(t, "vif_openvswitch.current.json")).(*VIFOpenVSwitch)
	net := vif.Network.Value()
	out := mustEncodeWith(t, net, EncodeOptions{TargetVersion: "1.0"})
	if strings.Contains(string(out), `"mtu"`) || !strings.Contains(string(out), `"subnets"`) {
		t.Errorf("Network 1.0 without manifest: %s", out)
	}
	vhu := &VIFVHostUser{VIFBase: VIFBase{ID: Set("d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70"), Network: Set(net),
		PortProfile: Set[PortProfile](&VIFPortProfileOpenVSwitch{InterfaceID: Set("x"), CreateTap: Set(true)})},
		VIFName: Set("vhu0"), Path: Set("/s"), Mode: Set(VIFVHostUserModeClient)}
	out = mustEncodeWith(t, vhu, EncodeOptions{TargetVersion: "1.0", Manifest: map[string]string{"VIFPortProfileOpenVSwitch": "1.3"}})
	back := mustDecode(t, out).(*VIFVHostUser)
	if back.VIFName.IsSet() || ObjVersion(back) != "1.0" {
		t.Errorf("vif_name kept at 1.0: %s", out)
	}
	p := back.PortProfile.Value().(*VIFPortProfileOpenVSwitch)
	if p.CreateTap.IsSet() || ObjVersion(p) != "1.3" || back.Network.Value().MTU.Value() != 1450 {
		t.Errorf("nested objects wrong: %s", out)
	}
}

func TestBackportInvalidTargets(t *testing.T) {
	prof := &VIFPortProfileOpenVSwitch{InterfaceID: Set("x")}
	for _, v := range []string{"1.5", "2.0", "0.9", "x", "1.a"} {
		_, err := EncodeWith(prof, EncodeOptions{TargetVersion: v})
		var ite *InvalidTargetVersionError
		if !errors.As(err, &ite) || ite.Version != v {
			t.Errorf("target %q: got %v", v, err)
		}
	}
	vif := &VIFOpenVSwitch{VIFBase: VIFBase{PortProfile: Set[PortProfile](prof)}}
	_, err := EncodeWith(vif, EncodeOptions{Manifest: map[string]string{"VIFPortProfileOpenVSwitch": "1.9"}})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "VIFOpenVSwitch.port_profile" || !isType[*InvalidTargetVersionError](err) {
		t.Errorf("manifest 1.9: got %v", err)
	}
	// A manifest entry for the top-level class is its target when none is given.
	out := mustEncodeWith(t, prof, EncodeOptions{Manifest: map[string]string{"VIFPortProfileOpenVSwitch": "1.0"}})
	if !strings.Contains(string(out), `"versioned_object.version":"1.0"`) {
		t.Errorf("manifest entry for the top class ignored: %s", out)
	}
}
