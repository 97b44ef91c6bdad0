package policy

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
)

// novaVIFs returns every VIF python3-nova's os_vif_util produced in binding's golden corpus
// (binding/testdata/golden): what Nova really sends must pass the default rules.
func novaVIFs(t *testing.T) map[string]objects.VIF {
	t.Helper()
	files, err := filepath.Glob("../binding/testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("golden corpus: %v (%d files)", err, len(files))
	}
	out := map[string]objects.VIF{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Result struct {
				OSVIF json.RawMessage `json:"osvif"`
			} `json:"result"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(c.Result.OSVIF) == 0 || string(c.Result.OSVIF) == "null" {
			continue
		}
		vif, err := objects.DecodeVIF(c.Result.OSVIF)
		if err != nil {
			continue // InstanceInfo cases and the like
		}
		out[filepath.Base(f)] = vif
	}
	if len(out) < 30 {
		t.Fatalf("only %d Nova VIFs in the golden corpus", len(out))
	}
	return out
}

// customBridges are the golden cases whose Neutron binding names a bridge other than the
// defaults (br-int, brq + network id): an operator who uses such bridges lists them.
var customBridges = map[string]bool{"ovs-option-bridge.json": true, "ovs-long-bridge-name.json": true,
	"nova-vlan-bridge.json": true, "bridge-named.json": true}

func TestNovaVIFsPassRules(t *testing.T) {
	def := FromConfig(config.Default())
	cfg, err := config.Parse([]byte("[os_vif_linux_bridge]\nvlan_interface = eth1\n[govif]\nallowed_ovs_bridges = br-int, br-integration, br-tenant-0123\nallowed_linux_bridges = brq100, brq-custom\n"))
	if err != nil {
		t.Fatal(err)
	}
	custom := FromConfig(cfg)
	for name, vif := range novaVIFs(t) {
		for _, op := range []string{"plug", "unplug"} {
			err := def.Check(op, vif)
			if customBridges[name] {
				var v *Violation
				if !errors.As(err, &v) || v.Code != CodeBridgeNotAllowed {
					t.Errorf("%s: %s with the default rules: want bridge_not_allowed, got %v", name, op, err)
				}
				err = custom.Check(op, vif)
			}
			if err != nil {
				t.Errorf("%s: %s refused: %v", name, op, err)
			}
		}
	}
}

// attack is one way an allowed caller could reach host plumbing that is not its VIF's.
type attack struct {
	name   string
	base   string // golden file whose VIF is altered
	mutate func(objects.VIF)
	code   string
	field  string
}

// Attacks is shared with the daemon's functional test, which repeats each one through the API.
var attacks = []attack{
	{"linux_bridge unplug of host NIC as bridge_name", "bridge.json", func(v objects.VIF) {
		v.(*objects.VIFBridge).BridgeName = objects.Set("eth0")
	}, CodeBridgeNotAllowed, "VIFBridge.bridge_name"},
	{"linux_bridge unplug of host bridge br0", "bridge.json", func(v objects.VIF) {
		v.(*objects.VIFBridge).BridgeName = objects.Set("br0")
		v.Base().Network.Value().Bridge = objects.Set("br0")
	}, CodeBridgeNotAllowed, "VIFBridge.bridge_name"},
	{"hybrid unplug of host NIC as qbr", "ovs-hybrid.json", func(v objects.VIF) {
		v.(*objects.VIFBridge).BridgeName = objects.Set("eth0")
	}, CodeNotDerived, "VIFBridge.bridge_name"},
	{"ovs unplug of host NIC as vif_name", "ovs-plain.json", func(v objects.VIF) {
		v.(*objects.VIFOpenVSwitch).VIFName = objects.Set("eth0")
	}, CodeNotDerived, "VIFOpenVSwitch.vif_name"},
	{"ovs unplug of the integration bridge's own port", "ovs-plain.json", func(v objects.VIF) {
		v.(*objects.VIFOpenVSwitch).VIFName = objects.Set("br-int")
	}, CodeNotDerived, "VIFOpenVSwitch.vif_name"},
	{"ovs unplug of another VM's tap", "ovs-plain.json", func(v objects.VIF) {
		v.(*objects.VIFOpenVSwitch).VIFName = objects.Set("tap99999999-99")
	}, CodeNotDerived, "VIFOpenVSwitch.vif_name"},
	{"ovs plug onto a bridge that is not allowed", "ovs-plain.json", func(v objects.VIF) {
		v.Base().Network.Value().Bridge = objects.Set("br-ex")
	}, CodeBridgeNotAllowed, "VIFOpenVSwitch.network.bridge"},
	{"linux_bridge iptables wildcard bridge", "bridge.json", func(v objects.VIF) {
		v.(*objects.VIFBridge).BridgeName = objects.Set("+")
		v.Base().Network.Value().Bridge = objects.Set("+")
	}, CodeInvalidName, "VIFBridge.bridge_name"},
	{"linux_bridge moves a host NIC into a bridge", "bridge.json", func(v objects.VIF) {
		v.Base().Network.Value().BridgeInterface = objects.Set("eth0")
	}, CodeInterfaceNotAllowed, "VIFBridge.network.bridge_interface"},
	{"name with a slash", "ovs-hybrid.json", func(v objects.VIF) {
		v.(*objects.VIFBridge).VIFName = objects.Set("tap/../eth0")
	}, CodeInvalidName, "VIFBridge.vif_name"},
	{"name too long", "ovs-plain.json", func(v objects.VIF) {
		v.(*objects.VIFOpenVSwitch).VIFName = objects.Set("tapa1b2c3d4-1111")
	}, CodeInvalidName, "VIFOpenVSwitch.vif_name"},
	{"vhost-user socket outside the socket dirs", "vhostuser-ovs-client.json", func(v objects.VIF) {
		v.(*objects.VIFVHostUser).Path = objects.Set("/etc/shadow")
	}, CodePathNotAllowed, "VIFVHostUser.path"},
	{"vhost-user socket path escaping its dir", "vhostuser-ovs-client.json", func(v objects.VIF) {
		v.(*objects.VIFVHostUser).Path = objects.Set("/run/openvswitch/../../etc/x")
	}, CodePathNotAllowed, "VIFVHostUser.path"},
}

func TestAttacksRefused(t *testing.T) {
	vifs := novaVIFs(t)
	r := FromConfig(config.Default())
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			base, ok := vifs[a.base]
			if !ok {
				t.Fatalf("no golden VIF %s", a.base)
			}
			vif := objects.Clone(base)
			if err := r.Check("plug", vif); err != nil {
				t.Fatalf("unaltered %s refused: %v", a.base, err)
			}
			a.mutate(vif)
			for _, op := range []string{"plug", "unplug"} {
				err := r.Check(op, vif)
				var v *Violation
				if !errors.As(err, &v) {
					t.Fatalf("%s: want a *Violation, got %v", op, err)
				}
				if v.Code != a.code || v.Field != a.field {
					t.Errorf("%s: got code %s field %s, want %s %s (%v)", op, v.Code, v.Field, a.code, a.field, err)
				}
				if !strings.Contains(err.Error(), v.Value) || v.Rule == "" {
					t.Errorf("%s: error %q does not name the value and the rule", op, err)
				}
			}
		})
	}
}

func TestConfiguredInterfacesAndBridgesAllowed(t *testing.T) {
	cfg, err := config.Parse([]byte("[os_vif_linux_bridge]\nflat_interface = eth1\n[govif]\nallowed_physical_interfaces = bond0\nallowed_linux_bridges = br100\nallowed_ovs_bridges = br-int, br-ex\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := FromConfig(cfg)
	vifs := novaVIFs(t)
	for _, iface := range []string{"eth1", "bond0"} {
		v := objects.Clone(vifs["bridge.json"])
		v.Base().Network.Value().BridgeInterface = objects.Set(iface)
		if err := r.Check("plug", v); err != nil {
			t.Errorf("configured interface %s refused: %v", iface, err)
		}
	}
	v := objects.Clone(vifs["bridge.json"])
	v.(*objects.VIFBridge).BridgeName = objects.Set("br100")
	v.Base().Network.Value().Bridge = objects.Set("br100")
	if err := r.Check("plug", v); err != nil {
		t.Errorf("allowed Linux bridge refused: %v", err)
	}
	o := objects.Clone(vifs["ovs-plain.json"])
	o.Base().Network.Value().Bridge = objects.Set("br-ex")
	if err := r.Check("plug", o); err != nil {
		t.Errorf("allowed OVS bridge refused: %v", err)
	}
	// The default rules still refuse them.
	if err := FromConfig(config.Default()).Check("plug", o); err == nil {
		t.Error("default rules allowed br-ex")
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"tap0", "br-int", "qbra1b2c3d4-11", "a.b_c-1", "123456789012345"} {
		if why := ValidName(ok); why != "" {
			t.Errorf("ValidName(%q) = %q, want ok", ok, why)
		}
	}
	for _, bad := range []string{"", ".", "..", "+", "eth*", "a/b", "a b", "a\x00b", "tab\t", "1234567890123456", "é"} {
		if ValidName(bad) == "" {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
}

func TestDerive(t *testing.T) {
	if got := Derive("tap", "a1b2c3d4-1111-4222-8333-444455556666"); got != "tapa1b2c3d4-11" {
		t.Errorf("Derive = %q", got)
	}
	if got := Derive("qbr", "ab"); got != "qbrab" {
		t.Errorf("Derive short id = %q", got)
	}
}
