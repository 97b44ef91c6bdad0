package linuxbridge

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/config"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
)

const testBridge = "brq0f6c1e2a-9d"

var discard = slog.New(slog.DiscardHandler)

// testVIF is the VIFBridge Nova builds for a Neutron linux bridge port (spec example
// nova-linuxbridge.osvif.json), without traffic filtering so the plugin adds its rules.
func testVIF(mod func(*objects.VIFBridge, *objects.Network)) *objects.VIFBridge {
	n := &objects.Network{
		ID:                  objects.Set("0f6c1e2a-9d3b-4c55-8e77-1234567890ab"),
		Bridge:              objects.Set(testBridge),
		MTU:                 objects.Set(1450),
		MultiHost:           objects.Set(false),
		ShouldProvideBridge: objects.Set(true),
		ShouldProvideVLAN:   objects.Set(false),
		BridgeInterface:     objects.Null[string](),
	}
	v := &objects.VIFBridge{
		VIFBase: objects.VIFBase{
			ID:                  objects.Set("a1b2c3d4-1111-4222-8333-444455556666"),
			Network:             objects.Set(n),
			Plugin:              objects.Set("linux_bridge"),
			HasTrafficFiltering: objects.Set(false),
		},
		VIFName:    objects.Set("tapa1b2c3d4-11"),
		BridgeName: objects.Set(testBridge),
	}
	if mod != nil {
		mod(v, n)
	}
	return v
}

func defaultCfg() config.LinuxBridge { return config.Default().LinuxBridge }

func newTestPlugin(t *testing.T, cfg config.LinuxBridge, net *fakeNet, ipt *fakeIPT) *Plugin {
	t.Helper()
	p, err := New(cfg, WithNetOps(net), WithIPTables(ipt, nil), WithLockDir(t.TempDir()),
		WithLogger(discard))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// pythonFilterRules is the filter table Python os-vif 3.0.0 leaves after plugging testVIF
// into an empty namespace (iptables-save), minus its stray "-o <bridge> -j DROP".
var pythonFilterRules = []string{
	"-A INPUT -j nova-compute-INPUT",
	"-A FORWARD -j nova-filter-top",
	"-A FORWARD -j nova-compute-FORWARD",
	"-A OUTPUT -j nova-filter-top",
	"-A OUTPUT -j nova-compute-OUTPUT",
	"-A nova-filter-top -j nova-compute-local",
	"-A nova-compute-FORWARD -i " + testBridge + " -j ACCEPT",
	"-A nova-compute-FORWARD -o " + testBridge + " -j ACCEPT",
}

func rulesOf(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "-A ") {
			out = append(out, l)
		}
	}
	return out
}

// sortedByChain orders rules as iptables-save does: by chain, in chain order, built-ins first.
func sortedByChain(rules []string, chains []string) []string {
	var out []string
	for _, c := range chains {
		for _, r := range rules {
			if strings.HasPrefix(r, "-A "+c+" ") {
				out = append(out, r)
			}
		}
	}
	return out
}

func TestDescribe(t *testing.T) {
	p := newTestPlugin(t, defaultCfg(), newFakeNet(), newFakeIPT())
	info := p.Describe()
	vifs := info.VIFInfo.Value()
	if info.PluginName.Value() != "linux_bridge" || len(vifs) != 1 || vifs[0].VIFObjectName.Value() != "VIFBridge" ||
		vifs[0].MinVersion.Value() != "1.0" || vifs[0].MaxVersion.Value() != "1.0" ||
		!vifs[0].SupportedPortProfiles.HasValue() || len(vifs[0].SupportedPortProfiles.Value()) != 0 {
		t.Errorf("Describe = %+v", info)
	}
}

func TestPlugFlatNewBridge(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	p := newTestPlugin(t, defaultCfg(), net, ipt)
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	if diff := cmp.Diff([]string{"EnsureBridge " + testBridge}, net.mutating()); diff != "" {
		t.Errorf("link calls (-want +got):\n%s", diff)
	}
	got := rulesOf(ipt.save())
	if diff := cmp.Diff(sortedByChain(pythonFilterRules, ipt.chains), got); diff != "" {
		t.Errorf("filter rules (-want +got):\n%s", diff)
	}
	wantChains := []string{"INPUT", "FORWARD", "OUTPUT", "nova-filter-top", "nova-compute-local",
		"nova-compute-INPUT", "nova-compute-OUTPUT", "nova-compute-FORWARD"}
	if diff := cmp.Diff(wantChains, ipt.chains); diff != "" {
		t.Errorf("chains (-want +got):\n%s", diff)
	}

	// Plug twice = plug once: nothing more is created or added.
	net.calls, ipt.calls = nil, nil
	before := ipt.save()
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatalf("second Plug: %v", err)
	}
	if m := net.mutating(); len(m) != 0 {
		t.Errorf("second plug changed links: %v", m)
	}
	// Everything is found in the one listing of the table.
	if diff := cmp.Diff([]string{"ListTable"}, ipt.calls); diff != "" {
		t.Errorf("second plug iptables calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, ipt.save()); diff != "" {
		t.Errorf("second plug changed the table:\n%s", diff)
	}
}

func TestPlugFlatInterface(t *testing.T) {
	net := newFakeNet(netdev.Link{Name: "eth1", Kind: "device", MTU: 1500})
	net.addrs["eth1"] = []string{"192.0.2.10/24"}
	ipt := newFakeIPT()
	cfg := defaultCfg()
	cfg.FlatInterface = "eth1"
	p := newTestPlugin(t, cfg, net, ipt)
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	want := []string{
		"EnsureBridge " + testBridge,
		"AddToBridge eth1 " + testBridge,
		"SetUp eth1",
		"SetMTU eth1 1450",
		"MoveAddressesAndRoutes eth1 " + testBridge,
		"SetMTU " + testBridge + " 1450",
	}
	if diff := cmp.Diff(want, net.mutating()); diff != "" {
		t.Errorf("link calls (-want +got):\n%s", diff)
	}
	wantState := testBridge + " kind=bridge mtu=1450 up=true master=\"\" addrs=[192.0.2.10/24]\n" +
		"eth1 kind=device mtu=1450 up=true master=\"" + testBridge + "\" addrs=[]\n"
	if diff := cmp.Diff(wantState, net.snapshot()); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
}

func TestPlugInterfaceFromNetworkAndMTUDefault(t *testing.T) {
	net := newFakeNet(netdev.Link{Name: "eth2", Kind: "device", MTU: 9000, Up: true})
	p := newTestPlugin(t, defaultCfg(), net, newFakeIPT())
	vif := testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
		n.BridgeInterface = objects.Set("eth2")
		n.MTU = objects.Null[int]()
	})
	if err := p.Plug(context.Background(), vif, nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	want := []string{
		"EnsureBridge " + testBridge,
		"AddToBridge eth2 " + testBridge,
		"SetMTU eth2 1500", // network_device_mtu
		"MoveAddressesAndRoutes eth2 " + testBridge,
	} // the new bridge already has 1500
	if diff := cmp.Diff(want, net.mutating()); diff != "" {
		t.Errorf("link calls (-want +got):\n%s", diff)
	}
}

func TestPlugMissingInterfaceIsSkipped(t *testing.T) {
	net := newFakeNet()
	cfg := defaultCfg()
	cfg.FlatInterface = "eth9"
	p := newTestPlugin(t, cfg, net, newFakeIPT())
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	if diff := cmp.Diff([]string{"EnsureBridge " + testBridge}, net.mutating()); diff != "" {
		t.Errorf("link calls (-want +got):\n%s", diff)
	}
}

func TestPlugVLAN(t *testing.T) {
	net := newFakeNet(netdev.Link{Name: "eth1", Kind: "device", MTU: 9000, Up: true})
	ipt := newFakeIPT()
	cfg := defaultCfg()
	cfg.VLANInterface = "eth1"
	cfg.FlatInterface = "eth7" // not used for VLAN networks
	p := newTestPlugin(t, cfg, net, ipt)
	vif := testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
		n.ShouldProvideVLAN = objects.Set(true)
		n.VLAN = objects.Set(100)
		n.BridgeInterface = objects.Set("eth5") // vlan_interface wins
	})
	if err := p.Plug(context.Background(), vif, nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	want := []string{
		"CreateVLAN vlan100 eth1 100",
		"SetUp vlan100",
		"SetMTU vlan100 1450",
		"EnsureBridge " + testBridge,
		"AddToBridge vlan100 " + testBridge,
		"MoveAddressesAndRoutes vlan100 " + testBridge,
		"SetMTU " + testBridge + " 1450",
	}
	if diff := cmp.Diff(want, net.mutating()); diff != "" {
		t.Errorf("link calls (-want +got):\n%s", diff)
	}
	if got := rulesOf(ipt.save()); len(got) != len(pythonFilterRules) {
		t.Errorf("VLAN plug rules = %v", got)
	}
	// Again: the VLAN device exists; nothing changes (the address move, idempotent, runs on
	// every plug as in os-vif).
	net.calls = nil
	before := net.snapshot()
	if err := p.Plug(context.Background(), vif, nil); err != nil {
		t.Fatalf("second Plug: %v", err)
	}
	if diff := cmp.Diff([]string{"MoveAddressesAndRoutes vlan100 " + testBridge}, net.mutating()); diff != "" {
		t.Errorf("second plug link calls (-want +got):\n%s", diff)
	}
	if after := net.snapshot(); after != before {
		t.Errorf("second plug changed links:\n%s\nwas\n%s", after, before)
	}
}

func TestPlugNothingToDo(t *testing.T) {
	for name, mod := range map[string]func(*objects.VIFBridge, *objects.Network){
		"multi_host":                  func(_ *objects.VIFBridge, n *objects.Network) { n.MultiHost = objects.Set(true) },
		"should_provide_bridge false": func(_ *objects.VIFBridge, n *objects.Network) { n.ShouldProvideBridge = objects.Set(false) },
		"should_provide_bridge unset": func(_ *objects.VIFBridge, n *objects.Network) { n.ShouldProvideBridge = objects.Unset[bool]() },
	} {
		t.Run(name, func(t *testing.T) {
			net, ipt := newFakeNet(), newFakeIPT()
			p := newTestPlugin(t, defaultCfg(), net, ipt)
			if err := p.Plug(context.Background(), testVIF(mod), nil); err != nil {
				t.Fatalf("Plug: %v", err)
			}
			if len(net.calls)+len(ipt.calls) != 0 {
				t.Errorf("calls: %v %v", net.calls, ipt.calls)
			}
		})
	}
}

func TestPlugWithTrafficFilteringAddsNoRules(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	p := newTestPlugin(t, defaultCfg(), net, ipt)
	vif := testVIF(func(v *objects.VIFBridge, _ *objects.Network) { v.HasTrafficFiltering = objects.Set(true) })
	if err := p.Plug(context.Background(), vif, nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	if len(ipt.calls) != 0 {
		t.Errorf("iptables calls: %v", ipt.calls)
	}
	if len(net.mutating()) != 1 {
		t.Errorf("link calls: %v", net.calls)
	}
}

func TestUnplugDoesNothing(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	p := newTestPlugin(t, defaultCfg(), net, ipt)
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatal(err)
	}
	before, beforeIPT := net.snapshot(), ipt.save()
	net.calls, ipt.calls = nil, nil
	for range 2 {
		if err := p.Unplug(context.Background(), testVIF(nil), nil); err != nil {
			t.Fatalf("Unplug: %v", err)
		}
	}
	if len(net.calls)+len(ipt.calls) != 0 || net.snapshot() != before || !cmp.Equal(beforeIPT, ipt.save()) {
		t.Errorf("unplug touched the host: %v %v", net.calls, ipt.calls)
	}
}

// network_device_mtu 0 (possible when a Config is built in Go) and no network MTU: like
// os-vif's _set_device_mtu with a falsy MTU, no MTU is set anywhere.
func TestPlugWithoutMTU(t *testing.T) {
	net := newFakeNet(netdev.Link{Name: "eth1", Kind: "device", MTU: 9000, Up: true})
	cfg := defaultCfg()
	cfg.NetworkDeviceMTU = 0
	cfg.FlatInterface = "eth1"
	p := newTestPlugin(t, cfg, net, newFakeIPT())
	vif := testVIF(func(_ *objects.VIFBridge, n *objects.Network) { n.MTU = objects.Set(0) })
	if err := p.Plug(context.Background(), vif, nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	for _, c := range net.mutating() {
		if strings.HasPrefix(c, "SetMTU") {
			t.Errorf("MTU set: %s", c)
		}
	}
}
