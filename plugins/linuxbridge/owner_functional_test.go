package linuxbridge

import (
	"context"
	"errors"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/policy"
)

// A plug never takes over a device that belongs to something else (docs/security.md,
// "Ownership", linux_bridge): the configured flat interface already in another network's
// bridge is not moved into the VIF's bridge (os-vif moves it); a device named like the bridge that is not a bridge is refused.
// Each refusal is a name_conflict naming the field, and the namespace (devices, masters,
// addresses, routes, iptables) is exactly as before: the bridge the plug had created is
// removed again. The owner of the interface still plugs; unplug deletes nothing.
func TestFunctionalNeverTakesOverAnotherMastersDevice(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.FlatInterface = "lbeth0"
	ns, h := nsHost(t, cfg, nil)
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	addBridge(t, ns, "brqothernet-00")
	nl := ns.Netlink(t)
	enslave := func(dev, master string) {
		d, err := nl.LinkByName(dev)
		if err != nil {
			t.Fatal(err)
		}
		m, err := nl.LinkByName(master)
		if err != nil {
			t.Fatal(err)
		}
		if err := nl.LinkSetMaster(d, m); err != nil {
			t.Fatal(err)
		}
	}
	enslave("lbeth0", "brqothernet-00")
	// A veth named like the bridge a VIF asks for.
	attrs := netlink.NewLinkAttrs()
	attrs.Name = "brqnotabridge"
	if err := nl.LinkAdd(&netlink.Veth{LinkAttrs: attrs, PeerName: "brqnotabridgep"}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before := captureState(t, ns)
	for _, a := range []struct {
		what, field, value string
		vif                *objects.VIFBridge
	}{
		{"flat interface of another network's bridge", "VIFBridge.bridge_name", "lbeth0", testVIF(nil)},
		{"bridge_name of a veth", "VIFBridge.bridge_name", "brqnotabridge", testVIF(func(v *objects.VIFBridge, n *objects.Network) {
			v.BridgeName = objects.Set("brqnotabridge")
			n.Bridge = objects.Set("brqnotabridge")
		})},
	} {
		err := h.Plug(ctx, a.vif, nil)
		var pv *policy.Violation
		if !errors.As(err, &pv) || pv.Code != policy.CodeNameConflict || pv.Field != a.field || pv.Value != a.value {
			t.Errorf("plug with %s: %v, want name_conflict on %s=%s", a.what, err, a.field, a.value)
		}
		if after := captureState(t, ns); after.String() != before.String() {
			t.Errorf("plug with %s changed the host:\nbefore:\n%s\nafter:\n%s", a.what, before, after)
		}
	}
	// The network that owns the interface plugs (the interface stays where it is), and
	// unplug deletes nothing: the bridge is shared by the network's VIFs.
	own := testVIF(func(v *objects.VIFBridge, n *objects.Network) {
		v.BridgeName = objects.Set("brqothernet-00")
		n.Bridge = objects.Set("brqothernet-00")
	})
	if err := h.Plug(ctx, own, nil); err != nil {
		t.Fatalf("plug into the interface's own bridge: %v", err)
	}
	if err := h.Unplug(ctx, own, nil); err != nil {
		t.Fatal(err)
	}
	st := captureState(t, ns)
	if !containsPrefix(st.Devices, "brqothernet-00 kind=bridge") || !containsPrefix(st.Devices, `lbeth0 kind=veth`) {
		t.Errorf("after the owner's plug and unplug: %s", st)
	}
}

func containsPrefix(lines []string, p string) bool {
	for _, l := range lines {
		if len(l) >= len(p) && l[:len(p)] == p {
			return true
		}
	}
	return false
}

// The refusal names the field the enslaved interface comes from.
func TestIfaceField(t *testing.T) {
	for _, c := range []struct {
		pl   plan
		want string
	}{
		{plan{vlan: 100, ifaceFrom: "network.bridge_interface"}, "VIFBridge.network.vlan"},
		{plan{ifaceFrom: "network.bridge_interface"}, "VIFBridge.network.bridge_interface"},
		{plan{ifaceFrom: "[os_vif_linux_bridge] flat_interface"}, "VIFBridge.bridge_name"},
	} {
		if got := c.pl.ifaceField(); got != c.want {
			t.Errorf("%+v: %s, want %s", c.pl, got, c.want)
		}
	}
}
