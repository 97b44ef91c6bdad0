package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
)

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "objects", "testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestObjectConvertSameVersion(t *testing.T) {
	in := readGolden(t, "bench/vif_openvswitch.json")
	out, stderr, code := runGovif(t, in, "object", "convert")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got, want map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	_ = json.Unmarshal([]byte(in), &want)
	if got["versioned_object.version"] != "1.0" || got["versioned_object.name"] != "VIFOpenVSwitch" {
		t.Fatalf("envelope changed: %v", got)
	}
	gd, wd := got["versioned_object.data"].(map[string]any), want["versioned_object.data"].(map[string]any)
	if len(gd) != len(wd) || gd["address"] != "fa:16:3e:4b:2c:1d" {
		t.Fatalf("data changed:\n got %v\nwant %v", gd, wd)
	}
}

func TestObjectConvertBackport(t *testing.T) {
	in := readGolden(t, "bench/vif_openvswitch.json")
	dir := t.TempDir()
	man := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(man, []byte(`{"Network":"1.0","VIFPortProfileOpenVSwitch":"1.0"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "vif.json")
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runGovif(t, "", "object", "convert", "--target-version", "1.0", "--manifest", man, file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Data struct {
			Network struct {
				Version string         `json:"versioned_object.version"`
				Data    map[string]any `json:"versioned_object.data"`
			} `json:"network"`
			Profile struct {
				Version string         `json:"versioned_object.version"`
				Data    map[string]any `json:"versioned_object.data"`
			} `json:"port_profile"`
		} `json:"versioned_object.data"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Data.Network.Version != "1.0" || got.Data.Network.Data["mtu"] != nil {
		t.Errorf("network not backported to 1.0 (mtu must go): %+v", got.Data.Network)
	}
	if _, ok := got.Data.Network.Data["mtu"]; ok {
		t.Errorf("network 1.0 still has mtu")
	}
	if got.Data.Profile.Version != "1.0" {
		t.Errorf("profile version %q, want 1.0", got.Data.Profile.Version)
	}
	for _, k := range []string{"datapath_type", "create_port"} {
		if _, ok := got.Data.Profile.Data[k]; ok {
			t.Errorf("profile 1.0 still has %s", k)
		}
	}
}

func TestObjectConvertBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string // in stderr
	}{
		{"not json", "{", nil, "govif:"},
		{"bad ip deep", strings.Replace(readGolden(t, "bench/vif_openvswitch.json"), `"10.0.0.5"`, `"10.0.0.300"`, 1), nil,
			"network.subnets.objects[0].ips.objects[0].address"},
		{"bad mac", `{"versioned_object.name":"VIFBridge","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"address":"zz"}}`, nil, "address"},
		{"unknown class", `{"versioned_object.name":"VIFFoo","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{}}`, nil, "Unsupported object type VIFFoo"},
		{"target too new", `{"versioned_object.name":"VIFBridge","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{}}`,
			[]string{"--target-version", "1.5"}, "Invalid target version 1.5"},
		{"missing file", "", []string{"/nonexistent/vif.json"}, "/nonexistent/vif.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runGovif(t, tc.stdin, append([]string{"object", "convert"}, tc.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stdout %q stderr %q", code, out, stderr)
			}
			if out != "" {
				t.Errorf("stdout not empty on error: %q", out)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr must be one line naming %q, got %q", tc.want, stderr)
			}
		})
	}
}

func TestObjectValidate(t *testing.T) {
	out, stderr, code := runGovif(t, readGolden(t, "bench/vif_openvswitch.json"), "object", "validate", "-")
	if code != 0 || out != "VIFOpenVSwitch 1.0: valid\n" {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, stderr)
	}
	bad := `{"versioned_object.name":"VIFDirect","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"mode":"VEPA"}}`
	out, stderr, code = runGovif(t, bad, "object", "validate")
	if code != 2 || out != "" || !strings.Contains(stderr, "mode") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("bad enum: exit %d stdout %q stderr %q", code, out, stderr)
	}
}

func TestObjectList(t *testing.T) {
	out, stderr, code := runGovif(t, "", "object", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	classes := 0
	for _, l := range strings.Split(out, "\n") {
		if l != "" && !strings.HasPrefix(l, " ") {
			classes++
		}
	}
	if classes != 31 {
		t.Errorf("%d classes listed, want 31:\n%s", classes, out)
	}
	for _, want := range []string{"VIFPortProfileOpenVSwitch 1.4", "  1.4: create_tap, multiqueue", "Network 1.1", "  1.1: mtu", "VIFVHostUser 1.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	out, _, code = runGovif(t, "", "object", "list", "-o", "json")
	var v []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || len(v) != 31 {
		t.Errorf("list -o json: exit %d, %d classes", code, len(v))
	}
}

// TestObjectConvertPythonAccepts feeds the CLI's backported output to the real Python os-vif
// 3.0.0, which must decode it: a 1.4 OVS profile lowered to 1.3 through --manifest, as a govif
// host would send it to a Debian compute node.
func TestObjectConvertPythonAccepts(t *testing.T) {
	py := testenv.RequirePythonModules(t, "os_vif")
	in := `{"versioned_object.name":"VIFOpenVSwitch","versioned_object.namespace":"os_vif","versioned_object.version":"1.0",
	"versioned_object.data":{"id":"b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21","vif_name":"tapb8f9d1c2-6a","bridge_name":"br-int","plugin":"ovs",
	"port_profile":{"versioned_object.name":"VIFPortProfileOpenVSwitch","versioned_object.namespace":"os_vif","versioned_object.version":"1.4",
	"versioned_object.data":{"interface_id":"b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21","profile_id":"","create_port":true,"create_tap":true,"multiqueue":true}}}}`
	dir := t.TempDir()
	man := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(man, []byte(`{"VIFPortProfileOpenVSwitch":"1.3"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runGovif(t, in, "object", "convert", "--manifest", man)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	const script = `import json, sys, warnings
warnings.simplefilter("ignore")
from os_vif import objects
objects.register_all()
o = objects.base.VersionedObject.obj_from_primitive(json.load(sys.stdin))
p = o.port_profile
print(o.obj_name(), p.VERSION, p.create_port, "create_tap" in p.obj_to_primitive()["versioned_object.data"])`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", script)
	cmd.Stdin = strings.NewReader(out)
	res, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Python os-vif rejects govif's output: %v\n%s\n%s", err, res, out)
	}
	if got := strings.TrimSpace(string(res)); got != "VIFOpenVSwitch 1.3 True False" {
		t.Errorf("Python read %q, want %q", got, "VIFOpenVSwitch 1.3 True False")
	}
}
