package ovs

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugin"
)

func mustMAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func testNetwork(bridge string, mtu int) *objects.Network {
	n := &objects.Network{ID: objects.Set("0f6c1e2a-9d3b-4c5d-8e7f-102030405060"), Bridge: objects.Set(bridge)}
	if mtu > 0 {
		n.MTU = objects.Set(mtu)
	}
	return n
}

func testProfile(dp string) *objects.VIFPortProfileOpenVSwitch {
	p := &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(tID)}
	if dp != "" {
		p.DatapathType = objects.Set(dp)
	}
	return p
}

func testBase(net *objects.Network, prof objects.PortProfile) objects.VIFBase {
	b := objects.VIFBase{ID: objects.Set(tID), Address: objects.Set(mustMAC(tMAC)), Network: objects.Set(net),
		Plugin: objects.Set("ovs")}
	if prof != nil {
		b.PortProfile = objects.Set(prof)
	}
	return b
}

func testInstance() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set(tInst), Name: objects.Set("instance-00000001")}
}

func TestToSpecDefaults(t *testing.T) {
	p := New(newFakeSwitch(), newFakeLinks(), DefaultOptions(), nil)
	// MTU unset -> network_device_mtu; vhost-user datapath defaults to netdev, mode to server.
	vh := &objects.VIFVHostUser{VIFBase: testBase(testNetwork("br-int", 0), testProfile("")),
		Path: objects.Set("/run/s.sock")}
	s, err := p.toSpec(vh, testInstance(), true)
	if err != nil {
		t.Fatal(err)
	}
	if s.mtu != 1500 || s.datapath != DatapathNetdev || s.dpExplicit || s.vhostMode != "server" {
		t.Errorf("spec = %+v", s)
	}
	// Hybrid: datapath defaults to system; profile subclasses are accepted.
	rep := &objects.VIFPortProfileOVSRepresentor{VIFPortProfileOpenVSwitch: *testProfile("netdev")}
	br := &objects.VIFBridge{VIFBase: testBase(testNetwork("br-int", 1450), rep),
		VIFName: objects.Set("tapa1b2c3d4-11"), BridgeName: objects.Set("qbra1b2c3d4-11")}
	s, err = p.toSpec(br, testInstance(), true)
	if err != nil {
		t.Fatal(err)
	}
	if s.kind != kindBridge || s.mtu != 1450 || s.datapath != DatapathNetdev || !s.dpExplicit || s.mac != tMAC {
		t.Errorf("spec = %+v", s)
	}
}

func TestPlugRejectsLikeOSVIF(t *testing.T) {
	ctx := context.Background()
	sw, l := newFakeSwitch(), newFakeLinks()
	p := New(sw, l, DefaultOptions(), nil)
	noProfile := &objects.VIFOpenVSwitch{VIFBase: testBase(testNetwork("br-int", 0), nil)}
	if err := p.Plug(ctx, noProfile, testInstance()); !errors.Is(err, plugin.ErrMissingPortProfile) {
		t.Errorf("no profile: %v", err)
	}
	wrong := &objects.VIFOpenVSwitch{VIFBase: testBase(testNetwork("br-int", 0), &objects.VIFPortProfileFPBridge{})}
	var wp *plugin.WrongPortProfileError
	if err := p.Plug(ctx, wrong, testInstance()); !errors.As(err, &wp) || wp.Profile != "VIFPortProfileFPBridge" {
		t.Errorf("wrong profile: %v", err)
	}
	generic := &objects.VIFGeneric{VIFBase: testBase(testNetwork("br-int", 0), testProfile(""))}
	if err := p.Plug(ctx, generic, testInstance()); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Errorf("VIFGeneric: %v", err)
	}
	if err := p.Unplug(ctx, generic, testInstance()); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Errorf("VIFGeneric unplug: %v", err)
	}
	noNet := &objects.VIFOpenVSwitch{VIFBase: objects.VIFBase{ID: objects.Set(tID), PortProfile: objects.Set[objects.PortProfile](testProfile(""))}}
	var ie *InvalidVIFError
	if err := p.Plug(ctx, noNet, testInstance()); !errors.As(err, &ie) || ie.Field != "network" {
		t.Errorf("no network: %v", err)
	}
	ok := &objects.VIFOpenVSwitch{VIFBase: testBase(testNetwork("br-int", 0), testProfile("")), VIFName: objects.Set("tapa1b2c3d4-11")}
	if err := p.Plug(ctx, ok, nil); !errors.As(err, &ie) || ie.Field != "instance_info.uuid" {
		t.Errorf("no instance: %v", err)
	}
	if len(sw.calls)+len(l.calls) != 0 {
		t.Errorf("rejected plugs touched the host: %v %v", sw.calls, l.calls)
	}
}

func TestPlugManyViaObjects(t *testing.T) {
	ctx := context.Background()
	sw, l := newFakeSwitch(), newFakeLinks()
	p := New(sw, l, DefaultOptions(), nil)
	var reqs []plugin.Request
	for _, id := range []string{"11111111-1111-4222-8333-444455556666", "22222222-1111-4222-8333-444455556666"} {
		b := testBase(testNetwork("br-int", 1450), testProfile("netdev"))
		b.ID = objects.Set(id)
		reqs = append(reqs, plugin.Request{VIF: &objects.VIFBridge{VIFBase: b, VIFName: objects.Set(("tap" + id)[:14]),
			BridgeName: objects.Set(("qbr" + id)[:14])}, Instance: testInstance()})
	}
	for i, err := range p.PlugMany(ctx, reqs) {
		if err != nil {
			t.Errorf("plug %d: %v", i, err)
		}
	}
	if n := len(sw.portNames("br-int")); n != 3 {
		t.Errorf("%d ports, want 3", n)
	}
	for i, err := range p.UnplugMany(ctx, reqs) {
		if err != nil {
			t.Errorf("unplug %d: %v", i, err)
		}
	}
	if n := l.names(); len(n) != 0 {
		t.Errorf("devices left %v", n)
	}
}

// os-vif advertises 1.0..1.0 for every class; govif advertises what it implements, and every
// entry negotiates.
func TestDescribeNegotiates(t *testing.T) {
	info := New(nil, nil, DefaultOptions(), nil).Describe()
	if info.PluginName.Value() != "ovs" {
		t.Fatalf("plugin name %q", info.PluginName.Value())
	}
	want := map[string]string{"VIFBridge": "", "VIFOpenVSwitch": "", "VIFVHostUser": "1.1", "VIFHostDevice": ""}
	for _, v := range info.VIFInfo.Value() {
		name := v.VIFObjectName.Value()
		got, err := v.CommonVersion()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		cur, _ := objects.CurrentVersion(name)
		if got != cur {
			t.Errorf("%s negotiates %s, want current %s", name, got, cur)
		}
		if w := want[name]; w != "" && got != w {
			t.Errorf("%s negotiates %s, want %s", name, got, w)
		}
		delete(want, name)
		for _, pp := range v.SupportedPortProfiles.Value() {
			pv, err := pp.CommonVersion()
			if err != nil {
				t.Errorf("%s/%s: %v", name, pp.ProfileObjectName.Value(), err)
			}
			if pp.ProfileObjectName.Value() == "VIFPortProfileOpenVSwitch" && pv != "1.4" {
				t.Errorf("VIFPortProfileOpenVSwitch negotiates %s, want 1.4 (create_tap/multiqueue)", pv)
			}
		}
	}
	if len(want) != 0 {
		t.Errorf("missing VIF classes %v", want)
	}
}

// A plugin built by Factory never dials OVSDB after Close: its plugs fail with ovsdb.ErrClosed
// at once (here the endpoint is a socket nobody listens on: a dial would fail differently).
func TestFactoryNoRedialAfterClose(t *testing.T) {
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = "unix:" + t.TempDir() + "/nobody.sock"
	pl, err := Factory(plugin.Env{Name: Name, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.(*Plugin).Close(); err != nil {
		t.Fatal(err)
	}
	vh := &objects.VIFVHostUser{VIFBase: testBase(testNetwork("br-int", 1500), testProfile("")), Path: objects.Set("/run/s.sock")}
	err = pl.Plug(context.Background(), vh, testInstance())
	if !errors.Is(err, ovsdb.ErrClosed) {
		t.Fatalf("plug after Close: %v, want ovsdb.ErrClosed", err)
	}
}
