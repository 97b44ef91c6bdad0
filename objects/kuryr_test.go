package objects_test

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// kuryrGolden is objects/testdata/kuryr/golden.json: primitives Python produced from kuryr's
// own class definitions (testdata/kuryr/kuryr_oracle.py re-declares them verbatim).
type kuryrGolden struct {
	Name      string          `json:"name"`
	Primitive json.RawMessage `json:"primitive"`
}

func loadKuryrGolden(t *testing.T) []kuryrGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/kuryr/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cs []kuryrGolden
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) < 5 {
		t.Fatalf("%d kuryr golden cases, want >= 5", len(cs))
	}
	return cs
}

// TestKuryrGolden decodes every primitive Python made from kuryr's classes and re-encodes it:
// the output must be the same primitive (changes compared as sets).
func TestKuryrGolden(t *testing.T) {
	for _, c := range loadKuryrGolden(t) {
		t.Run(c.Name, func(t *testing.T) {
			vif, err := objects.DecodeVIF(c.Primitive)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			out, err := objects.Encode(vif)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			compareJSON(t, c.Primitive, out, false)
		})
	}
}

// TestKuryrBuiltLikePython builds two of the golden objects in Go and compares them with what
// Python encoded.
func TestKuryrBuiltLikePython(t *testing.T) {
	cs := map[string]json.RawMessage{}
	for _, c := range loadKuryrGolden(t) {
		cs[c.Name] = c.Primitive
	}
	mac, _ := net.ParseMAC("fa:16:3e:00:00:01")
	dpdk := &objects.VIFDPDKNested{VIFName: objects.Set("tap3f1a0b62-8b")}
	dpdk.ID = objects.Set("3f1a0b62-8b1e-4d54-a4b3-2d0b5e0e7c90")
	dpdk.Address = objects.Set(mac)
	dpdk.Plugin = objects.Set("noop")
	dpdk.PCIAddress = objects.Set("0000:00:05.0")
	dpdk.DevDriver = objects.Set("vfio-pci")
	got, err := objects.Encode(dpdk)
	if err != nil {
		t.Fatal(err)
	}
	compareJSON(t, cs["dpdk_full"], got, false)

	vlan := &objects.VIFVlanNested{VLANID: objects.Set(4094)}
	vlan.ID = objects.Set("3f1a0b62-8b1e-4d54-a4b3-2d0b5e0e7c90")
	got, err = objects.Encode(vlan)
	if err != nil {
		t.Fatal(err)
	}
	compareJSON(t, cs["vlan_min"], got, false)
}

// TestKuryrClassesListed: the kuryr classes are listed by KuryrClasses, not by Classes (os-vif's
// set), with kuryr's versions and fields in serialisation order.
func TestKuryrClassesListed(t *testing.T) {
	ks := objects.KuryrClasses()
	want := map[string][]string{
		"VIFDPDKNested":    {"vif_name", "pci_address", "dev_driver", "id"},
		"VIFMacvlanNested": {"vif_name", "id"},
		"VIFVlanNested":    {"vif_name", "vlan_id", "id"},
		"VIFSriov":         {"physnet", "pod_name", "pod_link", "vif_name", "dev_address", "mode", "vlan_name", "id"},
	}
	if len(ks) != len(want) {
		t.Fatalf("KuryrClasses: %d, want %d", len(ks), len(want))
	}
	for _, k := range ks {
		w := want[k.Name]
		wantV := "1.0"
		if k.Name == "VIFSriov" {
			wantV = "1.1"
		}
		if k.Version != wantV || len(k.Fields) < len(w) {
			t.Fatalf("%s: version %s, %d fields", k.Name, k.Version, len(k.Fields))
		}
		for i, f := range w {
			if k.Fields[i].Name != f {
				t.Errorf("%s field %d = %s, want %s", k.Name, i, k.Fields[i].Name, f)
			}
		}
	}
	for _, c := range objects.Classes() {
		if _, ok := want[c.Name]; ok {
			t.Errorf("Classes() lists kuryr's %s", c.Name)
		}
	}
}

// TestKuryrInteropPython regenerates the cases with the live oracle (Debian's os-vif and
// oslo.versionedobjects) and feeds govif's encodings back to Python to decode and re-encode.
func TestKuryrInteropPython(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no Python")
	}
	py := testenv.RequirePythonModules(t, "os_vif", "oslo_versionedobjects")
	live, err := exec.CommandContext(t.Context(), py, "testdata/kuryr/kuryr_oracle.py").Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	var cs []kuryrGolden
	if err := json.Unmarshal(live, &cs); err != nil {
		t.Fatal(err)
	}
	var ours []json.RawMessage
	for _, c := range cs {
		vif, err := objects.DecodeVIF(c.Primitive)
		if err != nil {
			t.Fatalf("%s: decode: %v", c.Name, err)
		}
		b, err := objects.Encode(vif)
		if err != nil {
			t.Fatal(err)
		}
		ours = append(ours, b)
	}
	f := filepath.Join(t.TempDir(), "ours.json")
	b, _ := json.Marshal(ours)
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	back, err := exec.CommandContext(t.Context(), py, "testdata/kuryr/kuryr_oracle.py", f).Output()
	if err != nil {
		t.Fatalf("oracle decode: %v", err)
	}
	var res []struct {
		Output json.RawMessage `json:"output"`
		Error  string          `json:"error"`
	}
	if err := json.Unmarshal(back, &res); err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Error != "" {
			t.Errorf("%s: Python rejected govif's primitive: %s", cs[i].Name, r.Error)
			continue
		}
		compareJSON(t, ours[i], r.Output, false)
	}
}

// TestKuryrSriovBackport: kuryr's VIFSriov defines no obj_make_compatible, so Python keeps
// pod_name and pod_link (added in 1.1) in a 1.0 primitive; govif does the same.
func TestKuryrSriovBackport(t *testing.T) {
	var prim, py10 json.RawMessage
	for _, c := range loadKuryrGolden(t) {
		switch c.Name {
		case "sriov_full":
			prim = c.Primitive
		case "sriov_full_as_1.0":
			py10 = c.Primitive // what Python's obj_to_primitive(target_version='1.0') gave
		}
	}
	vif, err := objects.DecodeVIF(prim)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := vif.(*objects.VIFSriov)
	if !ok || s.Physnet.Or("") != "physnet1" || s.PodName.Or("") != "pod-a" || s.DevAddress.Or("") != "0000:05:00.1" {
		t.Fatalf("decoded %#v", vif)
	}
	out, err := objects.EncodeWith(vif, objects.EncodeOptions{TargetVersion: "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	compareJSON(t, py10, out, false)
}
