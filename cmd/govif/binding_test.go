package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bindingGolden returns one part ("nova_vif" or "neutron") of a binding golden case as JSON.
func bindingGolden(t *testing.T, name, part string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "binding", "testdata", "golden", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return string(c[part])
}

func primitiveName(t *testing.T, out string) (string, map[string]any) {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	name, _ := p["versioned_object.name"].(string)
	data, _ := p["versioned_object.data"].(map[string]any)
	return name, data
}

func TestBindingConvertForms(t *testing.T) {
	var port map[string]json.RawMessage
	doc := bindingGolden(t, "ovs-hybrid", "neutron")
	if err := json.Unmarshal([]byte(doc), &port); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, input string
		args        []string
		wantBridge  string
	}{
		{"network_info VIF", bindingGolden(t, "ovs-hybrid", "nova_vif"), nil, "qbra1b2c3d4-11"},
		{"Neutron document", doc, nil, "qbra1b2c3d4-11"},
		{"bare Neutron port", string(port["port"]), []string{"--from", "neutron"}, "qbra1b2c3d4-11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runGovif(t, tc.input, append([]string{"binding", "convert"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			name, data := primitiveName(t, out)
			if name != "VIFBridge" || data["bridge_name"] != tc.wantBridge || data["plugin"] != "ovs" {
				t.Errorf("got %s %v", name, data)
			}
		})
	}
}

func TestBindingConvertOVSBridgeOption(t *testing.T) {
	doc := bindingGolden(t, "ovs-no-details", "neutron")
	out, stderr, code := runGovif(t, doc, "binding", "convert", "--ovs-bridge", "br-custom")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, data := primitiveName(t, out); data["bridge_name"] != "br-custom" {
		t.Errorf("bridge_name = %v, want br-custom", data["bridge_name"])
	}
}

// TestBindingConvertReadsConfig checks that --config (a nova.conf) gives [neutron] ovs_bridge
// and that --ovs-bridge overrides it.
func TestBindingConvertReadsConfig(t *testing.T) {
	doc := bindingGolden(t, "ovs-no-details", "neutron")
	conf := filepath.Join(t.TempDir(), "nova.conf")
	if err := os.WriteFile(conf, []byte("[DEFAULT]\nflat_injected = true\n[neutron]\novs_bridge = br-fromconf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runGovif(t, doc, "binding", "convert", "--config", conf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, data := primitiveName(t, out); data["bridge_name"] != "br-fromconf" {
		t.Errorf("bridge_name = %v, want br-fromconf from --config", data["bridge_name"])
	}
	out, _, _ = runGovif(t, doc, "binding", "convert", "--config", conf, "--ovs-bridge", "br-flag")
	if _, data := primitiveName(t, out); data["bridge_name"] != "br-flag" {
		t.Errorf("bridge_name = %v, want br-flag (the flag wins)", data["bridge_name"])
	}
	if err := os.WriteFile(conf, []byte("[DEFAULT]\nflat_injected = maybe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runGovif(t, doc, "binding", "convert", "--config", conf); code != 2 || !strings.Contains(stderr, "flat_injected") {
		t.Errorf("bad flat_injected: exit %d %q, want 2 naming it", code, stderr)
	}
}

func TestBindingConvertBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, input, want string
		args              []string
	}{
		{"legacy vif_type as Nova 26", bindingGolden(t, "legacy-hw_veb", "nova_vif"), `"hw_veb": VIF type has no os-vif conversion`, []string{"--govif-vif-types=false"}},
		{"missing socket", bindingGolden(t, "vhostuser-no-socket", "neutron"), "binding:vif_details.vhostuser_socket", nil},
		{"bad MAC", bindingGolden(t, "bad-mac", "neutron"), "mac_address", nil},
		{"unknown form", `{"x": 1}`, "cannot tell the form", nil},
		{"not JSON", `nope`, "want a JSON object", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runGovif(t, tc.input, append([]string{"binding", "convert"}, tc.args...)...)
			if code != 2 || out != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q: want one line naming %s", stderr, tc.want)
			}
		})
	}
}

// By default the VIF types Nova plugs itself convert for govif's plugins; --target-version and
// --manifest backport the result as `object convert` does.
func TestBindingConvertExtensionAndVersions(t *testing.T) {
	tap := `{"id": "2b3c0d2e-5a1b-4c8e-9f00-112233445566", "type": "tap", "address": "fa:16:3e:11:22:33",
		"details": {}, "network": {"id": "6a1c4c1e-0000-4000-8000-000000000001", "subnets": [], "meta": {"mtu": 1400}}}`
	out, stderr, code := runGovif(t, tap, "binding", "convert", "--multiqueue")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if name, data := primitiveName(t, out); name != "VIFGeneric" || data["plugin"] != "tap" {
		t.Errorf("tap: got %s %v", name, data)
	}
	if !strings.Contains(out, `"multiqueue":true`) || !strings.Contains(out, `"create_tap":true`) {
		t.Errorf("tap --multiqueue: no multi-queue profile in %s", out)
	}

	manifest := filepath.Join(t.TempDir(), "m.json")
	if err := os.WriteFile(manifest, []byte(`{"VIFPortProfileOpenVSwitch": "1.3", "Network": "1.0"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = runGovif(t, bindingGolden(t, "ovs-hybrid", "nova_vif"), "binding", "convert", "--manifest", manifest)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"VIFPortProfileOpenVSwitch","versioned_object.namespace":"os_vif","versioned_object.version":"1.3"`) ||
		!strings.Contains(out, `"Network","versioned_object.namespace":"os_vif","versioned_object.version":"1.0"`) {
		t.Errorf("--manifest not applied: %s", out)
	}
	vhu := bindingGolden(t, "vhostuser-ovs", "nova_vif")
	out, stderr, code = runGovif(t, vhu, "binding", "convert", "--target-version", "1.0", "--manifest", manifest)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if name, data := primitiveName(t, out); name != "VIFVHostUser" || data["vif_name"] != nil || !strings.Contains(out, `"versioned_object.version":"1.0","versioned_object.data":{"path"`) {
		t.Errorf("--target-version 1.0: %s %v", name, data)
	}
	if _, stderr, code = runGovif(t, vhu, "binding", "convert", "--target-version", "7.0"); code != 2 || !strings.Contains(stderr, "7.0") {
		t.Errorf("--target-version 7.0: exit %d, %s", code, stderr)
	}
}

func TestNegotiateCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	convert := func(golden string) string {
		out, stderr, code := runGovif(t, bindingGolden(t, golden, "nova_vif"), "binding", "convert")
		if code != 0 {
			t.Fatalf("convert %s: exit %d: %s", golden, code, stderr)
		}
		return write(golden+".json", out)
	}
	host := filepath.Join("..", "..", "binding", "testdata", "hostinfo", "os-vif-3.0.0-ovs-only.json")
	bridge, plain := convert("bridge"), convert("ovs-plain")

	out, stderr, code := runGovif(t, "", "negotiate", "--host-info", host, "--vif", bridge, "--vif", plain)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Index     int               `json:"index"`
		Plugin    string            `json:"plugin"`
		Version   string            `json:"version"`
		Manifest  map[string]string `json:"manifest"`
		Primitive map[string]any    `json:"primitive"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Index != 1 || got.Plugin != "ovs" || got.Version != "1.0" || got.Manifest["VIFPortProfileOpenVSwitch"] != "1.0" {
		t.Errorf("got %+v", got)
	}

	// Standard input: the HostInfo or one candidate, as a pipeline gives it.
	hostJSON, err := os.ReadFile(host)
	if err != nil {
		t.Fatal(err)
	}
	plainJSON, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--host-info", "-", "--vif", bridge, "--vif", plain},
		{"--host-info", host, "--vif", bridge, "--vif", "-"},
	} {
		stdin := string(hostJSON)
		if args[1] != "-" {
			stdin = string(plainJSON)
		}
		out2, stderr, code := runGovif(t, stdin, append([]string{"negotiate"}, args...)...)
		if code != 0 || out2 != out {
			t.Errorf("negotiate %v from stdin: exit %d %s\n%s\nwant the same as from files:\n%s", args, code, stderr, out2, out)
		}
	}
	_, stderr, code = runGovif(t, "", "negotiate", "--host-info", "-", "--vif", "-")
	if code != 2 || !strings.Contains(stderr, "standard input") {
		t.Errorf("two readers of stdin: exit %d, stderr %q, want 2", code, stderr)
	}

	_, stderr, code = runGovif(t, "", "negotiate", "--host-info", host, "--vif", bridge)
	if code != 1 || !strings.Contains(stderr, "linux_bridge") {
		t.Errorf("no match: exit %d, stderr %q; want 1 naming the missing plugin", code, stderr)
	}
	_, stderr, code = runGovif(t, "", "negotiate", "--vif", bridge)
	if code != 2 || !strings.Contains(stderr, "--host-info") {
		t.Errorf("missing --host-info: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runGovif(t, "", "negotiate", "--host-info", host, "--vif", write("bad.json", `{"versioned_object.name": "Nope"}`))
	if code != 2 || !strings.Contains(stderr, "--vif") {
		t.Errorf("bad VIF: exit %d, stderr %q", code, stderr)
	}
}
