package linuxbridge

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// parityCase is one input given to both Python os-vif's linux_bridge plugin and govif's.
type parityCase struct {
	name   string
	config map[string]any // [os_vif_linux_bridge] options, as in nova.conf
	setup  func(t *testing.T, ns *testenv.NetNS)
	vif    *objects.VIFBridge
}

func withNIC(t *testing.T, ns *testenv.NetNS) {
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
}

func parityCases() []parityCase {
	return []parityCase{
		{name: "neutron port without filtering", vif: testVIF(nil)},
		{name: "neutron port with filtering", vif: testVIF(func(v *objects.VIFBridge, _ *objects.Network) {
			v.HasTrafficFiltering = objects.Set(true)
		})},
		{name: "flat_interface with address and route", config: map[string]any{"flat_interface": "lbeth0"}, setup: withNIC, vif: testVIF(nil)},
		{name: "network bridge_interface, network_device_mtu", config: map[string]any{"network_device_mtu": 1400}, setup: withNIC,
			vif: testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
				n.BridgeInterface = objects.Set("lbeth0")
				n.MTU = objects.Null[int]()
			})},
		{name: "forward_bridge_interface list, drop action", config: map[string]any{
			"forward_bridge_interface": []string{"eth0", "eth1"}, "iptables_drop_action": "REJECT"}, vif: testVIF(nil)},
		{name: "existing bridge and NIC", config: map[string]any{"flat_interface": "lbeth0"},
			setup: func(t *testing.T, ns *testenv.NetNS) { withNIC(t, ns); addBridge(t, ns, testBridge) }, vif: testVIF(nil)},
		{name: "top and bottom regex", config: map[string]any{
			"iptables_top_regex": "-i lbeth9 ", "iptables_bottom_regex": "-o lbeth9 "},
			setup: func(t *testing.T, ns *testenv.NetNS) {
				iptablesRun(t, ns, "-A", "FORWARD", "-o", "lbeth9", "-j", "DROP")
				iptablesRun(t, ns, "-A", "FORWARD", "-s", "10.9.0.0/16", "-j", "ACCEPT")
				iptablesRun(t, ns, "-A", "FORWARD", "-i", "lbeth9", "-j", "ACCEPT")
				iptablesRun(t, ns, "-A", "INPUT", "-i", "lbeth9", "-j", "ACCEPT")
			}, vif: testVIF(nil)},
		{name: "use_ipv6", config: map[string]any{"use_ipv6": true}, vif: testVIF(nil)},
		{name: "multi_host", vif: testVIF(func(_ *objects.VIFBridge, n *objects.Network) { n.MultiHost = objects.Set(true) })},
	}
}

// TestParityWithPythonOSVIF plugs the same VIF twice and unplugs it twice with Python os-vif
// 3.0.0 (in one fresh namespace) and with govif (in another) and compares devices, bridge settings, sysctls,
// addresses, routes and the iptables and ip6tables filter tables. The one expected difference
// is os-vif's stray "-A <b>-FORWARD -o <bridge> -j <drop>" rule, which govif does not add
// (docs/plugins-builtin.md). One Python process runs every case, each in its namespace.
// A last case shows os-vif 3.0.0's VLAN path raising its TypeError.
func TestParityWithPythonOSVIF(t *testing.T) {
	testenv.RequireRoot(t)
	py := testenv.RequirePythonModules(t, "os_vif", "vif_plug_linux_bridge", "oslo_privsep")
	testenv.RequireBinary(t, "iptables", "iptables")
	testenv.RequireBinary(t, "ip", "iproute2")
	script, err := filepath.Abs("../../scripts/python-osvif/linux_bridge_plug.py")
	if err != nil {
		t.Fatal(err)
	}
	cases := parityCases()
	wires := make([][]byte, len(cases))
	pyNS := make([]*testenv.NetNS, len(cases))
	var pyCases []pyCase
	for i, c := range cases {
		if wires[i], err = objects.Encode(c.vif); err != nil {
			t.Fatalf("%s: encode VIF: %v", c.name, err)
		}
		pyNS[i] = testenv.NewNetNS(t)
		if c.setup != nil {
			c.setup(t, pyNS[i])
		}
		pyCases = append(pyCases, newPyCase(pyNS[i], c.config, wires[i], "plug", "plug", "unplug", "unplug"))
	}
	// os-vif's VLAN path, with a veth standing in for vlan100 (os-vif only checks that the
	// name exists, and this kernel may lack 8021q).
	vlanNS := testenv.NewNetNS(t)
	withNIC(t, vlanNS)
	addVethWithAddress(t, vlanNS, "vlan100", "192.0.2.99/32", "203.0.113.0/24", "192.0.2.99")
	vlanWire, err := objects.Encode(testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
		n.ShouldProvideVLAN = objects.Set(true)
		n.VLAN = objects.Set(100)
		n.BridgeInterface = objects.Set("lbeth0")
	}))
	if err != nil {
		t.Fatal(err)
	}
	pyCases = append(pyCases, newPyCase(vlanNS, nil, vlanWire, "plug"))

	results := runPythonCases(t, py, script, pyCases)

	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for n, r := range results[i] {
				if !r.OK {
					t.Fatalf("python os-vif op %d failed: %s", n+1, r.Error)
				}
			}
			pyState := captureState(t, pyNS[i])

			goNS, h := nsHost(t, goConfig(t, c.config), nil)
			if c.setup != nil {
				c.setup(t, goNS)
			}
			vif, err := objects.DecodeVIF(wires[i])
			if err != nil {
				t.Fatalf("decode VIF: %v", err)
			}
			for range 2 {
				if err := h.Plug(context.Background(), vif, nil); err != nil {
					t.Fatalf("govif plug: %v", err)
				}
			}
			for range 2 {
				if err := h.Unplug(context.Background(), vif, nil); err != nil {
					t.Fatalf("govif unplug: %v", err)
				}
			}
			goState := captureState(t, goNS)

			want := pyState
			want.Filter = withoutStrayDrop(pyState.Filter, c.vif.BridgeName.Value(), dropAction(c.config))
			if c.config["use_ipv6"] == true && !slices.Contains(pyState.Filter6, "-A FORWARD -j nova-compute-FORWARD") {
				t.Errorf("Python os-vif did not fill the ip6tables filter table:\n%s", strings.Join(pyState.Filter6, "\n"))
			}
			if slices.Contains(pyState.Filter, ":nova-filter-top -") && len(want.Filter) == len(pyState.Filter) {
				t.Errorf("Python os-vif did not add its stray drop rule; the documented difference is gone:\n%s",
					strings.Join(pyState.Filter, "\n"))
			}
			if diff := cmp.Diff(want.String(), goState.String()); diff != "" {
				t.Errorf("govif differs from Python os-vif (-python +govif):\n%s", diff)
			}
		})
	}
	// govif's VLAN path is tested in TestPlugVLAN and TestFunctionalVLAN.
	t.Run("os-vif VLAN path raises TypeError", func(t *testing.T) {
		r := results[len(cases)][0]
		if r.OK || r.ErrorType != "PlugException" || !strings.Contains(r.Error, "required positional argument: 'gateway'") {
			t.Errorf("Python os-vif VLAN plug: %+v, want the TypeError about 'gateway'", r)
		}
		for _, d := range captureState(t, vlanNS).Devices {
			if strings.HasPrefix(d, testBridge) {
				t.Errorf("Python os-vif made the bridge after all: %s", d)
			}
		}
	})
}

// addBridge creates a bridge with the kernel's defaults (STP off, forward delay 15 s), up.
func addBridge(t *testing.T, ns *testenv.NetNS, name string) {
	t.Helper()
	h := ns.Netlink(t)
	attrs := netlink.NewLinkAttrs()
	attrs.Name = name
	br := &netlink.Bridge{LinkAttrs: attrs}
	if err := h.LinkAdd(br); err != nil {
		t.Fatalf("add bridge %s: %v", name, err)
	}
	if err := h.LinkSetUp(br); err != nil {
		t.Fatal(err)
	}
}

// iptablesRun runs iptables with args in ns.
func iptablesRun(t *testing.T, ns *testenv.NetNS, args ...string) {
	t.Helper()
	bin := testenv.RequireBinary(t, "iptables", "iptables")
	var out []byte
	err := ns.Do(func() error {
		var err error
		out, err = exec.Command(bin, append([]string{"-w"}, args...)...).CombinedOutput()
		return err
	})
	if err != nil {
		t.Fatalf("iptables %v: %v: %s", args, err, out)
	}
}

type pyResult struct {
	OK        bool   `json:"ok"`
	Error     string `json:"error"`
	ErrorType string `json:"error_type"`
}

// pyCase is one case of scripts/python-osvif/linux_bridge_plug.py.
type pyCase struct {
	NetNS  string         `json:"netns"`
	Config map[string]any `json:"config"`
	Ops    []any          `json:"ops"`
}

// newPyCase runs ops ("plug", "unplug") on wire in ns.
func newPyCase(ns *testenv.NetNS, cfg map[string]any, wire []byte, ops ...string) pyCase {
	c := pyCase{NetNS: ns.Path(), Config: cfg}
	for _, op := range ops {
		c.Ops = append(c.Ops, map[string]any{"op": op, "vif": json.RawMessage(wire)})
	}
	return c
}

// runPythonCases runs the cases in one Python os-vif process (which enters each case's
// namespace) and returns each case's results.
func runPythonCases(t *testing.T, py, script string, cases []pyCase) [][]pyResult {
	t.Helper()
	input, err := json.Marshal(map[string]any{
		"lock_path": t.TempDir(), "binary_name": DefaultChainPrefix, "cases": cases,
	})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(py, script)
	cmd.Stdin = bytes.NewReader(input)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
	if err := cmd.Run(); err != nil {
		t.Fatalf("python os-vif: %v\n%s", err, stderr.String())
	}
	var out struct {
		Cases []struct {
			Results []pyResult `json:"results"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("python os-vif output %q: %v\n%s", stdout.String(), err, stderr.String())
	}
	if len(out.Cases) != len(cases) {
		t.Fatalf("python os-vif returned %d cases, want %d", len(out.Cases), len(cases))
	}
	res := make([][]pyResult, len(cases))
	for i, c := range out.Cases {
		if len(c.Results) != len(cases[i].Ops) {
			t.Fatalf("python os-vif case %d: %d results, want %d", i, len(c.Results), len(cases[i].Ops))
		}
		res[i] = c.Results
	}
	return res
}

// goConfig turns the case's options into a govif configuration through the INI parser, as
// nova.conf would be read.
func goConfig(t *testing.T, opts map[string]any) *config.Config {
	t.Helper()
	var b strings.Builder
	b.WriteString("[os_vif_linux_bridge]\n")
	for _, k := range slices.Sorted(mapsKeys(opts)) {
		switch v := opts[k].(type) {
		case []string:
			for _, s := range v {
				b.WriteString(k + " = " + s + "\n")
			}
		default:
			b.WriteString(k + " = " + toString(v) + "\n")
		}
	}
	cfg, err := config.Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("config %q: %v", b.String(), err)
	}
	return cfg
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

func dropAction(cfg map[string]any) string {
	if d, ok := cfg["iptables_drop_action"].(string); ok {
		return d
	}
	return "DROP"
}

// withoutStrayDrop removes the last "-A nova-compute-FORWARD -o <bridge> -j <drop>" line: the
// rule os-vif's _ensure_bridge_filtering adds after the gateway rules.
func withoutStrayDrop(filter []string, bridge, drop string) []string {
	prefix := "-A " + DefaultChainPrefix + "-FORWARD -o " + bridge + " -j " + drop
	for i := len(filter) - 1; i >= 0; i-- {
		if filter[i] == prefix || strings.HasPrefix(filter[i], prefix+" ") {
			return slices.Delete(slices.Clone(filter), i, i+1)
		}
	}
	return filter
}
