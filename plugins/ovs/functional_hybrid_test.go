package ovs

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"

	"github.com/govif/govif/vswitch"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func TestFunctionalHybridPlugRepairUnplug(t *testing.T) {
	r := newRig(t, true)
	p := r.plugin(DefaultOptions())
	vif := hybridVIF(tID, tMAC, "netdev", 1450)
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	qbr := r.mustLink("qbra1b2c3d4-11")
	qvb := r.mustLink("qvba1b2c3d4-11")
	qvo := r.mustLink("qvoa1b2c3d4-11")
	if br, ok := qbr.(*netlink.Bridge); !ok || br.AgeingTime == nil || *br.AgeingTime != 0 {
		t.Errorf("qbr = %#v, want a bridge with ageing 0", qbr)
	}
	for _, l := range []netlink.Link{qbr, qvb, qvo} {
		if l.Attrs().Flags&net.FlagUp == 0 {
			t.Errorf("%s is down", l.Attrs().Name)
		}
	}
	for _, l := range []netlink.Link{qvb, qvo} {
		a := l.Attrs()
		if a.MTU != 1450 || a.RawFlags&unix.IFF_PROMISC == 0 {
			t.Errorf("%s mtu %d flags %#x, want 1450 and IFF_PROMISC", a.Name, a.MTU, a.RawFlags)
		}
	}
	if qvb.Attrs().MasterIndex != qbr.Attrs().Index {
		t.Errorf("qvb not in qbr")
	}
	if got := r.get("Interface", "qvoa1b2c3d4-11", "external_ids"); got !=
		`{attached-mac="fa:16:3e:12:34:56", iface-id="a1b2c3d4-1111-4222-8333-444455556666", iface-status=active, vm-uuid="5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"}` {
		t.Errorf("external_ids = %s", got)
	}
	if dp := r.get("Bridge", "br-int", "datapath_type"); dp != "netdev" {
		t.Errorf("br-int datapath_type %s", dp)
	}
	// ovs-vswitchd attached the port (plug waits for it to apply the change).
	if of := r.get("Interface", "qvoa1b2c3d4-11", "ofport"); of == "-1" || of == "[]" || of == "0" {
		t.Errorf("qvo ofport = %s", of)
	}

	// os-vif bug: a re-plug never repairs. Break the OVS port and the bridge membership, lower
	// the MTU; a re-plug restores all of it.
	r.ovs.Vsctl(t, "del-port", "br-int", "qvoa1b2c3d4-11")
	if err := r.nl.LinkSetNoMaster(qvb); err != nil {
		t.Fatal(err)
	}
	vif.Network.Value().MTU.Set(1400)
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.ports("br-int"), "qvoa1b2c3d4-11") {
		t.Error("re-plug did not restore the OVS port")
	}
	qvb = r.mustLink("qvba1b2c3d4-11")
	if qvb.Attrs().MasterIndex != qbr.Attrs().Index || qvb.Attrs().MTU != 1400 {
		t.Errorf("re-plug: qvb master %d mtu %d", qvb.Attrs().MasterIndex, qvb.Attrs().MTU)
	}
	// The veth pair deleted by hand: re-created.
	if err := r.nl.LinkDel(r.mustLink("qvoa1b2c3d4-11")); err != nil {
		t.Fatal(err)
	}
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	r.mustLink("qvoa1b2c3d4-11")

	for i := 0; i < 2; i++ {
		if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
			t.Fatalf("unplug #%d: %v", i+1, err)
		}
		for _, d := range []string{"qbra1b2c3d4-11", "qvba1b2c3d4-11", "qvoa1b2c3d4-11"} {
			if r.link(d) != nil {
				t.Errorf("unplug #%d left %s", i+1, d)
			}
		}
		if got := r.ports("br-int"); len(got) != 0 {
			t.Errorf("unplug #%d left ports %v", i+1, got)
		}
	}
}

// failingSwitch wraps the real Switch and injects failures or side effects.
type failingSwitch struct {
	Switch
	beforeAdd func() error
}

func (f *failingSwitch) AddPorts(ctx ctxT, wait vswitch.Wait, ports ...vswitch.PortSpec) ([]string, error) {
	if f.beforeAdd != nil {
		if err := f.beforeAdd(); err != nil {
			return nil, err
		}
	}
	return f.Switch.AddPorts(ctx, wait, ports...)
}

func (f *failingSwitch) AddPortToKnownBridge(ctx ctxT, b vswitch.BridgeSpec, wait vswitch.Wait, p vswitch.PortSpec) (bool, bool, error) {
	if f.beforeAdd != nil {
		if err := f.beforeAdd(); err != nil {
			return true, false, err
		}
	}
	return f.Switch.AddPortToKnownBridge(ctx, b, wait, p)
}

// failingLinks wraps the real Links: EnsureHybridVeth makes the pair, then fails (a step after
// the creation failing), so the rollback must remove what was made although the call failed.
type failingLinks struct {
	Links
	err error
}

func (f failingLinks) EnsureHybridVeth(ctx ctxT, a, b, bridge string, mtu int) (bool, error) {
	created, err := f.Links.EnsureHybridVeth(ctx, a, b, bridge, mtu)
	if err != nil {
		return created, err
	}
	return created, f.err
}

func TestFunctionalHybridFailuresRollBack(t *testing.T) {
	r := newRig(t, true)
	vif := hybridVIF(tID, tMAC, "netdev", 1450)
	noDevices := func(when string) {
		t.Helper()
		for _, d := range []string{"qbra1b2c3d4-11", "qvba1b2c3d4-11", "qvoa1b2c3d4-11"} {
			if r.link(d) != nil {
				t.Errorf("%s: rollback left %s", when, d)
			}
		}
	}

	// A bridge that vanishes between ensure and add-port (another agent deleted it): os-vif
	// logs "no bridge named" and reports success; govif fails with the typed error.
	fs := &failingSwitch{Switch: r.sw, beforeAdd: func() error { return r.v.DelBridge(r.ctx, "br-int") }}
	p := New(fs, NetdevLinks{r.links}, DefaultOptions(), nil)
	err := p.Plug(r.ctx, vif, testInstance())
	var bnf *vswitch.BridgeNotFoundError
	var oe *OpError
	if !errors.As(err, &bnf) || !errors.As(err, &oe) || oe.VIF != tID || oe.Device != "br-int/qvoa1b2c3d4-11" {
		t.Fatalf("missing bridge: err = %v", err)
	}
	t.Logf("missing bridge: %v", err)
	noDevices("missing bridge")

	// An OVSDB error (here: the datapath conflict) fails the plug before any device is made
	// on the OVS side, and the Linux side is rolled back.
	r.ovs.Vsctl(t, "add-br", "br-int", "--", "set", "Bridge", "br-int", "datapath_type=netdev")
	sys := hybridVIF(tID, tMAC, "system", 1450)
	p = r.plugin(DefaultOptions())
	err = p.Plug(r.ctx, sys, testInstance())
	var dc *vswitch.DatapathConflictError
	if !errors.As(err, &dc) {
		t.Fatalf("datapath conflict: err = %v", err)
	}
	if dp := r.get("Bridge", "br-int", "datapath_type"); dp != "netdev" {
		t.Errorf("datapath_type flipped to %s", dp)
	}
	noDevices("datapath conflict")

	// A netlink error.
	cause := errors.New("injected: operation not permitted")
	p = New(r.sw, failingLinks{NetdevLinks{r.links}, cause}, DefaultOptions(), nil)
	if err := p.Plug(r.ctx, vif, testInstance()); !errors.Is(err, cause) || !errors.As(err, &oe) || oe.Device != "qvba1b2c3d4-11/qvoa1b2c3d4-11" {
		t.Fatalf("netlink error: err = %v", err)
	}
	noDevices("netlink error")
	if got := r.ports("br-int"); len(got) != 0 {
		t.Errorf("ports left: %v", got)
	}
}

type ctxT = context.Context
