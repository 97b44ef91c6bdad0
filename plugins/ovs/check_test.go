package ovs

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

func driftStrings(d []plugin.Drift) []string {
	var out []string
	for _, x := range d {
		out = append(out, x.Object+" "+x.Field+" want "+x.Want+" got "+x.Got)
	}
	slices.Sort(out)
	return out
}

// TestCheckNeedsReadableHost: a plugin on fakes cannot read the host and says so.
func TestCheckNeedsReadableHost(t *testing.T) {
	p := New(newFakeSwitch(), newFakeLinks(), DefaultOptions(), nil)
	if _, err := p.Check(t.Context(), ovsVIF("br-int", "netdev", 1450), testInstance()); !errors.Is(err, ErrCannotRead) {
		t.Fatalf("Check on fakes = %v, want ErrCannotRead", err)
	}
	// Bad input is refused before anything is read.
	bad := ovsVIF("br int", "netdev", 1450)
	var ive *InvalidVIFError
	if _, err := p.Check(t.Context(), bad, testInstance()); !errors.As(err, &ive) {
		t.Fatalf("Check of an invalid VIF = %v", err)
	}
}

func TestObjects(t *testing.T) {
	p := New(newFakeSwitch(), newFakeLinks(), DefaultOptions(), nil)
	o, err := p.Objects(hybridVIF(tID, tMAC, "netdev", 1450), testInstance())
	if err != nil {
		t.Fatal(err)
	}
	qvb, qvo := vethNames(tID)
	if !slices.Equal(o.Devices, []string{("qbr" + tID)[:14], qvb, qvo}) || o.Bridge != "br-int" || o.InterfaceID != tID ||
		len(o.OVSPorts) != 1 || o.OVSPorts[0] != (plugin.OVSPort{Bridge: "br-int", Port: qvo}) {
		t.Fatalf("hybrid Objects = %+v", o)
	}
	pp := New(newFakeSwitch(), newFakeLinks(), Options{NetworkDeviceMTU: 1500, PerPortBridge: true}, nil)
	o, err = pp.Objects(ovsVIF("br-int", "netdev", 1450), testInstance())
	if err != nil {
		t.Fatal(err)
	}
	pb := portName(prefixPortBridge, tID, nicNameLen)
	if !slices.Equal(o.OVSBridges, []string{pb}) || len(o.OVSPorts) != 3 {
		t.Fatalf("per-port bridge Objects = %+v", o)
	}
}

// TestFunctionalCheckOVS plugs a vhost-user, a per-port-bridge and a plain VIF into a real
// OVS, checks they are clean, damages them by hand and checks that Check names exactly that.
func TestFunctionalCheckOVS(t *testing.T) {
	r := newRig(t, true)
	ctx := r.ctx

	t.Run("vhostuser", func(t *testing.T) {
		p := r.plugin(DefaultOptions())
		vif := &objects.VIFVHostUser{VIFBase: testBase(testNetwork("br-int", 9000), testProfile("")),
			Mode: objects.Set(objects.VIFVHostUserModeServer), Path: objects.Set("/run/vhu-check.sock"), VIFName: objects.Set("vhu-check")}
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if d, err := p.Check(ctx, vif, testInstance()); err != nil || len(d) != 0 {
			t.Fatalf("Check after plug = %v, %v", d, err)
		}
		port := portName(prefixVHostUser, tID, nicNameLen)
		r.ovs.Vsctl(t, "set", "Interface", port, "options:vhost-server-path=/run/other.sock", "mtu_request=1500",
			"external_ids:vm-uuid=someone-else")
		want := []string{
			"ovs interface " + port + " external_ids:vm-uuid want " + tInst + " got someone-else",
			"ovs interface " + port + " mtu_request want 9000 got 1500",
			"ovs interface " + port + " options:vhost-server-path want /run/vhu-check.sock got /run/other.sock",
		}
		d, err := p.Check(ctx, vif, testInstance())
		if err != nil || !slices.Equal(driftStrings(d), want) {
			t.Fatalf("Check after damage =\n%q, %v\nwant\n%q", driftStrings(d), err, want)
		}
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if d, err := p.Check(ctx, vif, testInstance()); err != nil || len(d) != 0 {
			t.Fatalf("Check after re-plug = %v, %v", d, err)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("per-port bridge", func(t *testing.T) {
		p := r.plugin(Options{NetworkDeviceMTU: 1500, PerPortBridge: true})
		vif := ovsVIF("br-int", "netdev", 1450)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if d, err := p.Check(ctx, vif, testInstance()); err != nil || len(d) != 0 {
			t.Fatalf("Check after plug = %v, %v", d, err)
		}
		pb, ibp := portName(prefixPortBridge, tID, nicNameLen), portName(prefixIntPatch, tID, patchNameLen)
		r.ovs.Vsctl(t, "del-port", "br-int", ibp)
		d, err := p.Check(ctx, vif, testInstance())
		got := driftStrings(d)
		// ovs-vswitchd may also have flagged the patch port left without its peer.
		pbp := portName(prefixPortPatch, tID, patchNameLen)
		got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "ovs interface "+pbp+" error ") })
		if want := []string{"ovs port br-int/" + ibp + " exists want yes got no"}; err != nil || !slices.Equal(got, want) {
			t.Fatalf("Check after damage = %q, %v; want %q (and perhaps the patch error)", driftStrings(d), err, want)
		}
		r.ovs.Vsctl(t, "del-br", pb)
		d, _ = p.Check(ctx, vif, testInstance())
		if !slices.Contains(driftStrings(d), "ovs bridge "+pb+" exists want yes got no") {
			t.Fatalf("Check with the per-port bridge gone = %q", driftStrings(d))
		}
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if d, err := p.Check(ctx, vif, testInstance()); err != nil || len(d) != 0 {
			t.Fatalf("Check after re-plug = %v, %v", d, err)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("port moved to another bridge", func(t *testing.T) {
		p := r.plugin(DefaultOptions())
		vif := ovsVIF("br-int", "netdev", 1450)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		r.ovs.Vsctl(t, "add-br", "br-other", "--", "set", "Bridge", "br-other", "datapath_type=netdev")
		r.ovs.Vsctl(t, "del-port", "br-int", "tapa1b2c3d4-11", "--", "add-port", "br-other", "tapa1b2c3d4-11",
			"--", "set", "Interface", "tapa1b2c3d4-11", "external_ids:iface-id="+tID, "external_ids:iface-status=active",
			"external_ids:attached-mac="+tMAC, "external_ids:vm-uuid="+tInst)
		want := []string{"ovs port br-int/tapa1b2c3d4-11 bridge want br-int got br-other"}
		d, err := p.Check(ctx, vif, testInstance())
		if err != nil || !slices.Equal(driftStrings(d), want) {
			t.Fatalf("Check = %q, %v; want %q", driftStrings(d), err, want)
		}
		r.ovs.Vsctl(t, "del-br", "br-other")
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFunctionalStale: a per-port-bridge VIF and a hybrid VIF nobody recorded are stale
// (bridge, patch port with iface-id, qbr/qvb/qvo, qvo port); kept by their id or by their
// recorded names; removed exactly by RemoveStale.
func TestFunctionalStale(t *testing.T) {
	r := newRig(t, true)
	ctx := r.ctx
	pp := r.plugin(Options{NetworkDeviceMTU: 1500, PerPortBridge: true})
	vif := ovsVIF("br-int", "netdev", 1450)
	if err := pp.Plug(ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	hid := "b1b2c3d4-2222-4333-8444-555566667777"
	hyb := hybridVIF(hid, "fa:16:3e:00:00:02", "netdev", 1450)
	hp := r.plugin(DefaultOptions())
	if err := hp.Plug(ctx, hyb, testInstance()); err != nil {
		t.Fatal(err)
	}
	stale := func(keep plugin.Keep) []string {
		t.Helper()
		st, err := hp.Stale(ctx, keep)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range st {
			out = append(out, s.Kind+" "+s.Name)
		}
		slices.Sort(out)
		return out
	}
	pb, ibp := portName(prefixPortBridge, tID, nicNameLen), portName(prefixIntPatch, tID, patchNameLen)
	qvb, qvo := vethNames(hid)
	qbr := ("qbr" + hid)[:14]
	all := []string{"device " + qbr, "device " + qvb, "device " + qvo, "ovs-bridge " + pb, "ovs-port " + ibp, "ovs-port " + qvo}
	if got := stale(plugin.Keep{}); !slices.Equal(got, all) {
		t.Fatalf("Stale(nothing kept) = %q, want %q", got, all)
	}
	if got := stale(plugin.Keep{IDs: map[string]bool{tID: true, hid: true}}); len(got) != 0 {
		t.Fatalf("Stale(both ids kept) = %q", got)
	}
	o, _ := hp.Objects(hyb, testInstance())
	names := map[string]bool{}
	for _, d := range o.Devices {
		names[d] = true
	}
	for _, p := range o.OVSPorts {
		names[p.Port] = true
	}
	// The hybrid VIF kept by its recorded names (not its id): only the per-port one is stale.
	keep := plugin.Keep{IDs: map[string]bool{}, Names: names}
	want := []string{"ovs-bridge " + pb, "ovs-port " + ibp}
	if got := stale(keep); !slices.Equal(got, want) {
		t.Fatalf("Stale(hybrid names kept) = %q, want %q", got, want)
	}
	st, _ := hp.Stale(ctx, keep)
	if err := hp.RemoveStale(ctx, st, keep); err != nil {
		t.Fatal(err)
	}
	if got := stale(keep); len(got) != 0 {
		t.Fatalf("Stale after RemoveStale = %q", got)
	}
	if slices.Contains(r.ports("br-int"), ibp) || !slices.Contains(r.ports("br-int"), qvo) || r.link(qbr) == nil {
		t.Fatalf("RemoveStale removed the wrong things: br-int ports %v", r.ports("br-int"))
	}
	if err := hp.Unplug(ctx, hyb, testInstance()); err != nil {
		t.Fatal(err)
	}
}
