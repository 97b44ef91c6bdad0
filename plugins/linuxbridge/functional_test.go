package linuxbridge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
)

// nsHost returns a fresh namespace and a govif Host whose linux_bridge plugin works in it
// (netdev and iptables bound to the namespace). wrap, if not nil, wraps the real IPTables.
func nsHost(t *testing.T, cfg *config.Config, wrap func(IPTables) IPTables) (*testenv.NetNS, *govif.Host) {
	return nsHostWith(t, cfg, wrap, nil)
}

// nsHostWith is nsHost, also wrapping the real NetOps with wrapNet when not nil.
func nsHostWith(t *testing.T, cfg *config.Config, wrap func(IPTables) IPTables, wrapNet func(NetOps) NetOps) (*testenv.NetNS, *govif.Host) {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireBinary(t, "iptables", "iptables")
	ns := testenv.NewNetNS(t)
	if cfg == nil {
		cfg = config.Default()
	}
	opts := []Option{InNamespace(ns.Handle()), WithLockDir(t.TempDir()), WithLogger(discard)}
	if wrap != nil {
		opts = append(opts, WithIPTables(wrap(NewIPTables(false, ns.Handle())), nil))
	}
	if wrapNet != nil {
		links, err := netdev.New(netdev.InNamespace(ns.Handle()), netdev.WithLogger(discard))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { links.Close() })
		opts = append(opts, WithNetOps(wrapNet(links)))
	}
	p, err := New(cfg.LinuxBridge, opts...)
	if err != nil {
		t.Fatal(err)
	}
	h, err := govif.NewHost(context.Background(), cfg, govif.WithPlugin(Name, p), govif.WithPlugins(Name),
		govif.WithoutExecPlugins(), govif.WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(); p.Close() })
	return ns, h
}

func TestFunctionalPlugUnplugFlat(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.FlatInterface = "lbeth0"
	ns, h := nsHost(t, cfg, nil)
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	ctx := context.Background()
	before := captureState(t, ns)

	vif := testVIF(nil)
	for i := range 2 {
		if err := h.Plug(ctx, vif, nil); err != nil {
			t.Fatalf("plug %d: %v", i+1, err)
		}
	}
	after := captureState(t, ns)
	want := []string{
		testBridge + " kind=bridge mtu=1450 up=true master=\"\" forward_delay=0s stp=false ageing=5m0s mcast_snooping=false disable_ipv6=1 arp_ignore=1 arp_announce=2 addrs=[192.0.2.10/24]",
		"lbeth0 kind=veth mtu=1450 up=true master=\"" + testBridge + "\" disable_ipv6=0 arp_ignore=0 arp_announce=0 addrs=[]",
		"lbeth0p kind=veth mtu=1500 up=true master=\"\" disable_ipv6=0 arp_ignore=0 arp_announce=0 addrs=[]",
	}
	if diff := cmp.Diff(want, after.Devices); diff != "" {
		t.Errorf("devices (-want +got):\n%s\nbefore:\n%s", diff, before)
	}
	wantRoutes := []string{
		"192.0.2.0/24 via <nil> dev " + testBridge,
		"198.51.100.0/24 via 192.0.2.1 dev " + testBridge,
	}
	if diff := cmp.Diff(wantRoutes, after.Routes); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	wantFilter := []string{
		":INPUT ACCEPT", ":FORWARD ACCEPT", ":OUTPUT ACCEPT",
		":nova-compute-FORWARD -", ":nova-compute-INPUT -", ":nova-compute-OUTPUT -", ":nova-compute-local -", ":nova-filter-top -",
		"-A INPUT -j nova-compute-INPUT",
		"-A FORWARD -j nova-filter-top",
		"-A FORWARD -j nova-compute-FORWARD",
		"-A OUTPUT -j nova-filter-top",
		"-A OUTPUT -j nova-compute-OUTPUT",
		"-A nova-compute-FORWARD -i " + testBridge + " -j ACCEPT",
		"-A nova-compute-FORWARD -o " + testBridge + " -j ACCEPT",
		"-A nova-filter-top -j nova-compute-local",
	}
	if diff := cmp.Diff(wantFilter, after.Filter); diff != "" {
		t.Errorf("filter table (-want +got):\n%s", diff)
	}

	// Unplug (twice) does nothing, as in os-vif.
	for i := range 2 {
		if err := h.Unplug(ctx, vif, nil); err != nil {
			t.Fatalf("unplug %d: %v", i+1, err)
		}
	}
	if diff := cmp.Diff(after.String(), captureState(t, ns).String()); diff != "" {
		t.Errorf("unplug changed the namespace (-plugged +now):\n%s", diff)
	}
}

func TestFunctionalBadInputChangesNothing(t *testing.T) {
	ns, h := nsHost(t, nil, nil)
	before := captureState(t, ns)
	for _, vif := range []*objects.VIFBridge{
		testVIF(func(v *objects.VIFBridge, _ *objects.Network) { v.BridgeName = objects.Set("brq0123456789abcdef") }),
		testVIF(func(_ *objects.VIFBridge, n *objects.Network) { n.MTU = objects.Set(20) }),
	} {
		err := h.Plug(context.Background(), vif, nil)
		var fe *objects.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("Plug: err = %v, want a *objects.FieldError", err)
		}
	}
	if diff := cmp.Diff(before.String(), captureState(t, ns).String()); diff != "" {
		t.Errorf("namespace changed (-before +after):\n%s", diff)
	}
}

func TestFunctionalParallelPlugs(t *testing.T) {
	ns, h := nsHost(t, nil, nil)
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vif := testVIF(func(v *objects.VIFBridge, _ *objects.Network) {
				v.ID = objects.Set(fmt.Sprintf("a1b2c3d4-1111-4222-8333-%012d", i))
				v.VIFName = objects.Set(fmt.Sprintf("tapa1b2c3d4-%02d", i))
			})
			errs[i] = h.Plug(context.Background(), vif, nil)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("parallel plugs: %v", err)
	}
	st := captureState(t, ns)
	if len(st.Devices) != 1 || !strings.HasPrefix(st.Devices[0], testBridge+" kind=bridge") {
		t.Errorf("devices: %v", st.Devices)
	}
	seen := map[string]bool{}
	for _, r := range st.Filter {
		if seen[r] {
			t.Errorf("duplicate rule after parallel plugs: %s", r)
		}
		seen[r] = true
	}
	if len(st.Filter) != 16 {
		t.Errorf("filter table has %d lines, want 16:\n%s", len(st.Filter), strings.Join(st.Filter, "\n"))
	}
}

// failingIPT makes the real IPTables fail to append the rule for traffic out of the bridge.
type failingIPT struct{ IPTables }

func (f failingIPT) Append(ctx context.Context, table, chain string, rulespec ...string) error {
	if len(rulespec) > 0 && rulespec[0] == "-o" {
		return fmt.Errorf("append %v: %w", rulespec, errInjected)
	}
	return f.IPTables.Append(ctx, table, chain, rulespec...)
}

// A plug failing at its last step, after the bridge was made, the NIC enslaved with a new
// MTU, its addresses and routes moved, the chains made and one rule added, leaves the
// namespace as it was.
func TestFunctionalFailedPlugLeavesNothing(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.FlatInterface = "lbeth0"
	ns, h := nsHost(t, cfg, func(real IPTables) IPTables { return failingIPT{real} })
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	before := captureState(t, ns)
	err := h.Plug(context.Background(), testVIF(nil), nil)
	if !errors.Is(err, errInjected) {
		t.Fatalf("Plug: err = %v, want the injected failure", err)
	}
	if diff := cmp.Diff(before.String(), captureState(t, ns).String()); diff != "" {
		t.Errorf("failed plug left changes (-before +after):\n%s", diff)
	}
}

// failAfterMove moves the addresses and routes for real, then reports a failure.
type failAfterMove struct{ NetOps }

func (f failAfterMove) MoveAddressesAndRoutes(ctx context.Context, from, to string) error {
	if err := f.NetOps.MoveAddressesAndRoutes(ctx, from, to); err != nil {
		return err
	}
	if strings.HasPrefix(to, "brq") {
		return fmt.Errorf("after moving %s to %s: %w", from, to, errInjected)
	}
	return nil
}

// A netdev failure after the bridge was made, the NIC enslaved with a new MTU and its
// addresses and routes moved leaves the namespace as it was.
func TestFunctionalFailedNetdevStepLeavesNothing(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.FlatInterface = "lbeth0"
	ns, h := nsHostWith(t, cfg, nil, func(real NetOps) NetOps { return failAfterMove{real} })
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	before := captureState(t, ns)
	if err := h.Plug(context.Background(), testVIF(nil), nil); !errors.Is(err, errInjected) {
		t.Fatalf("Plug: err = %v, want the injected failure", err)
	}
	if diff := cmp.Diff(before.String(), captureState(t, ns).String()); diff != "" {
		t.Errorf("failed plug left changes (-before +after):\n%s", diff)
	}
}

// The VLAN path works where the kernel has 8021q; this kernel may not.
func TestFunctionalVLAN(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.VLANInterface = "lbeth0"
	ns, h := nsHost(t, cfg, nil)
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	requireVLANSupport(t)
	vif := testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
		n.ShouldProvideVLAN = objects.Set(true)
		n.VLAN = objects.Set(100)
	})
	for range 2 {
		if err := h.Plug(context.Background(), vif, nil); err != nil {
			t.Fatalf("Plug: %v", err)
		}
	}
	st := captureState(t, ns)
	var vlanLine string
	for _, d := range st.Devices {
		if strings.HasPrefix(d, "vlan100 ") {
			vlanLine = d
		}
	}
	if !strings.Contains(vlanLine, "kind=vlan mtu=1450 up=true master=\""+testBridge+"\"") {
		t.Errorf("vlan100: %q\n%s", vlanLine, st)
	}
}

// os-vif leaves an existing bridge as it is, even down, and then fails re-adding the NIC's
// gateway routes through it (with the routes already deleted). govif brings it up.
func TestFunctionalExistingDownBridge(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.FlatInterface = "lbeth0"
	ns, h := nsHost(t, cfg, nil)
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	addBridge(t, ns, testBridge)
	setDown(t, ns, testBridge)
	if err := h.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	st := captureState(t, ns)
	want := testBridge + " kind=bridge mtu=1450 up=true master=\"\" forward_delay=15s stp=false ageing=5m0s mcast_snooping=true disable_ipv6=0 arp_ignore=0 arp_announce=0 addrs=[192.0.2.10/24]"
	if st.Devices[0] != want {
		t.Errorf("bridge:\n got %s\nwant %s", st.Devices[0], want)
	}
	if !slices.Contains(st.Routes, "198.51.100.0/24 via 192.0.2.1 dev "+testBridge) {
		t.Errorf("gateway route not moved: %v", st.Routes)
	}
}

// On a kernel without 8021q, creating vlan<N> fails; the plug fails naming the device and
// leaves nothing behind.
func TestFunctionalVLANUnsupportedFailsCleanly(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.VLANInterface = "lbeth0"
	ns, h := nsHost(t, cfg, nil)
	if vlanSupported(t) {
		t.Skip("skipping: this kernel can create VLAN devices (TestFunctionalVLAN covers the path)")
	}
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	before := captureState(t, ns)
	vif := testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
		n.ShouldProvideVLAN = objects.Set(true)
		n.VLAN = objects.Set(100)
	})
	err := h.Plug(context.Background(), vif, nil)
	if err == nil || !strings.Contains(err.Error(), "vlan100") {
		t.Fatalf("Plug: err = %v, want a failure naming vlan100", err)
	}
	if diff := cmp.Diff(before.String(), captureState(t, ns).String()); diff != "" {
		t.Errorf("failed plug left changes (-before +after):\n%s", diff)
	}
}
