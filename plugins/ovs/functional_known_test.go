package ovs

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/vswitch"
)

// countingSwitch is the real VSwitchSwitch, counting the reads the full plug path makes (its
// embedded pointer keeps KnowsBridge and AddPortToKnownBridge, so the one-round-trip path stays on).
type countingSwitch struct {
	*VSwitchSwitch
	ensures, lookups atomic.Int32
}

func (c *countingSwitch) EnsureBridge(ctx context.Context, b vswitch.BridgeSpec) (bool, error) {
	c.ensures.Add(1)
	return c.VSwitchSwitch.EnsureBridge(ctx, b)
}

func (c *countingSwitch) PortExists(ctx context.Context, port string) (bool, error) {
	c.lookups.Add(1)
	return c.VSwitchSwitch.PortExists(ctx, port)
}

// TestFunctionalKnownBridgePlug covers the steady VIFOpenVSwitch plug on a remembered bridge
// (one OVSDB round trip) against a real ovsdb-server: it creates new ports with the
// create-only columns, leaves them alone on a re-plug, and falls back to the full path when
// the bridge was deleted or re-typed behind its back.
func TestFunctionalKnownBridgePlug(t *testing.T) {
	r := newRig(t, false)
	ctx := r.ctx
	cs := &countingSwitch{VSwitchSwitch: r.sw}
	opts := DefaultOptions()
	opts.IsolateVIF = true
	fl := newFakeLinks()
	p := New(cs, fl, opts, nil)
	vif := ovsVIF("br-int", "netdev", 1442)
	const tap = "tapa1b2c3d4-11"
	reads := func() (int32, int32) { return cs.ensures.Load(), cs.lookups.Load() }
	plug := func(what string) {
		t.Helper()
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	unplug := func() {
		t.Helper()
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
	}
	isolated := func(what string) {
		t.Helper()
		cols := r.ovs.Vsctl(t, "--columns=tag,vlan_mode,trunks", "--format=csv", "--data=bare", "--no-headings", "list", "Port", tap)
		if cols != "4095,trunk,4095" {
			t.Errorf("%s: tag,vlan_mode,trunks = %q", what, cols)
		}
	}

	plug("cold plug") // creates br-int: full path
	if e, l := reads(); e != 1 || l != 0 {
		t.Fatalf("cold plug: %d bridge and %d port reads, want 1 and 0", e, l)
	}
	unplug()
	plug("steady plug")
	if e, l := reads(); e != 1 || l != 0 {
		t.Errorf("steady plug read again: %d bridge and %d port reads", e, l)
	}
	isolated("steady plug (port created)")

	// Re-plug: the port exists; the agent re-tagged it; external_ids are merged, not replaced.
	r.ovs.Vsctl(t, "--no-wait", "set", "Port", tap, "tag=7", "vlan_mode=access", "trunks=[]")
	r.ovs.Vsctl(t, "--no-wait", "set", "Interface", tap, "external_ids:other=kept", "external_ids:iface-status=down")
	plug("re-plug")
	if tag := r.get("Port", tap, "tag"); tag != "7" {
		t.Errorf("re-plug re-tagged the port: tag %s", tag)
	}
	if got := unq(r.get("Interface", tap, "external_ids:iface-status")); got != "active" {
		t.Errorf("re-plug iface-status %s", got)
	}
	if got := unq(r.get("Interface", tap, "external_ids:other")); got != "kept" {
		t.Errorf("re-plug dropped external_ids:other (%q)", got)
	}
	// A re-plug that fails after the port add must not delete the port it did not create.
	fl.devs[tap] = &fakeDev{kind: "tun", mtu: 1500, up: true}
	fl.fail["SetMTU "+tap] = errors.New("injected")
	if err := p.Plug(ctx, vif, testInstance()); err == nil {
		t.Fatal("failing re-plug succeeded")
	}
	if got := r.ports("br-int"); len(got) != 1 {
		t.Fatalf("failed re-plug removed the existing port: ports %v", got)
	}
	unplug()
	// ... and a steady plug that fails after creating the port removes it again.
	fl.devs[tap] = &fakeDev{kind: "tun", mtu: 1500, up: true} // unplug deleted it
	if err := p.Plug(ctx, vif, testInstance()); err == nil {
		t.Fatal("failing plug succeeded")
	}
	if got := r.ports("br-int"); len(got) != 0 {
		t.Fatalf("failed plug left ports %v", got)
	}
	delete(fl.fail, "SetMTU "+tap)
	delete(fl.devs, tap)
	if e, l := reads(); e != 1 || l != 0 {
		t.Errorf("steady plugs read: %d bridge and %d port reads", e, l)
	}

	// The bridge deleted behind our back: the guard fails, the plug re-ensures it.
	r.ovs.Vsctl(t, "--no-wait", "del-br", "br-int")
	plug("plug after external del-br")
	if e, _ := reads(); e != 2 {
		t.Errorf("after del-br: %d bridge reads, want 2 (full path once)", e)
	}
	if dp := r.get("Bridge", "br-int", "datapath_type"); dp != "netdev" {
		t.Errorf("re-created bridge datapath_type %s", dp)
	}
	isolated("plug after del-br")
	unplug()

	// Re-typed behind our back: the plug must not add a port to it; it reports the conflict.
	r.ovs.Vsctl(t, "--no-wait", "set", "Bridge", "br-int", "datapath_type=system")
	err := p.Plug(ctx, vif, testInstance())
	var dc *vswitch.DatapathConflictError
	if !errors.As(err, &dc) || dc.Have != "system" || dc.Want != "netdev" {
		t.Fatalf("plug on re-typed bridge: err = %v", err)
	}
	if got := r.ports("br-int"); len(got) != 0 {
		t.Errorf("port added to a re-typed bridge: %v", got)
	}
	if r.sw.KnowsBridge(vswitch.BridgeSpec{Name: "br-int", DatapathType: "netdev"}) {
		t.Error("a re-typed bridge is still taken as known for netdev")
	}
	// Typed back: the add that requires netdev succeeds at once (no bridge read), and the
	// bridge is remembered again.
	r.ovs.Vsctl(t, "--no-wait", "set", "Bridge", "br-int", "datapath_type=netdev")
	e0, _ := reads()
	plug("plug after re-type back")
	unplug()
	plug("steady again")
	if e, _ := reads(); e != e0 {
		t.Errorf("bridge reads %d after re-type back, want %d", e, e0)
	}
	if !r.sw.KnowsBridge(vswitch.BridgeSpec{Name: "br-int", DatapathType: "netdev"}) {
		t.Error("br-int not remembered after a plug that required netdev")
	}
	unplug()
}

// TestFunctionalKnownBridgeHybrid: the hybrid plug takes the same one-round-trip path for qvo,
// and re-ensures a bridge deleted behind its back.
func TestFunctionalKnownBridgeHybrid(t *testing.T) {
	r := newRig(t, false)
	cs := &countingSwitch{VSwitchSwitch: r.sw}
	p := New(cs, NetdevLinks{r.links}, DefaultOptions(), nil)
	vif := hybridVIF(tID, tMAC, "netdev", 1450)
	cycle := func(what string, wantEnsures int32) {
		t.Helper()
		if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := r.ports("br-int"); len(got) != 1 || got[0] != "qvoa1b2c3d4-11" {
			t.Errorf("%s: ports %v", what, got)
		}
		if e := cs.ensures.Load(); e != wantEnsures {
			t.Errorf("%s: %d bridge reads, want %d", what, e, wantEnsures)
		}
		if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
	}
	cycle("cold", 1)
	cycle("steady", 1)
	r.ovs.Vsctl(t, "--no-wait", "del-br", "br-int")
	cycle("after del-br", 2)
	cycle("steady again", 2)
}

// TestFunctionalFactoryRemembersBridge: the plugin as hosts build it (Factory, lazily dialled
// OVSDB) takes the one-round-trip path too, and re-ensures a bridge deleted behind its back.
func TestFunctionalFactoryRemembersBridge(t *testing.T) {
	r := newRig(t, true)
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = r.ovs.Endpoint()
	pl, err := Factory(plugin.Env{Name: Name, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	p := pl.(*Plugin)
	defer p.Close()
	vif := ovsVIF("br-int", "netdev", 1442)
	cycle := func(what string) {
		t.Helper()
		if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := r.ports("br-int"); len(got) != 1 || got[0] != "tapa1b2c3d4-11" {
			t.Errorf("%s: ports %v", what, got)
		}
		if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
	}
	cycle("cold")
	if !p.sw.KnowsBridge(vswitch.BridgeSpec{Name: "br-int", DatapathType: "netdev"}) {
		t.Fatal("the Factory plugin does not remember br-int: every steady plug would read it again")
	}
	r.ovs.Vsctl(t, "del-br", "br-int")
	cycle("after del-br")
	if dp := r.get("Bridge", "br-int", "datapath_type"); dp != "netdev" {
		t.Errorf("re-created br-int datapath_type %s", dp)
	}
}
