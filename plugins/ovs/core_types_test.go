package ovs

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/govif/govif/vswitch"
)

func TestGenericCreatePort(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	s := ovsSpec()
	s.createPort = false
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	if n := sw.portNames("br-int"); !slices.Equal(n, []string{"br-int"}) {
		t.Errorf("create_port=false made ports %v", n)
	}
	s.createPort = true
	l.devs["tapa1b2c3d4-11"] = &fakeDev{kind: "tap", mtu: 1500}
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	p, ok := sw.port("br-int", "tapa1b2c3d4-11")
	if !ok {
		t.Fatal("no port")
	}
	wantIDs(t, p, nil)
	if d, _ := l.get("tapa1b2c3d4-11"); d.mtu != 1442 {
		t.Errorf("tap MTU %d, want 1442", d.mtu)
	}
	if err := c.unplug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.get("tapa1b2c3d4-11"); ok {
		t.Error("tap kept")
	}
	if len(sw.qos) != 0 {
		t.Errorf("QoS leaked: %v", sw.qos)
	}
}

func TestIsolateVIF(t *testing.T) {
	ctx := context.Background()
	opts := DefaultOptions()
	opts.IsolateVIF = true
	c, sw, _ := newTestCore(opts)
	s := ovsSpec()
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	p, _ := sw.port("br-int", s.vifName)
	if p.Tag != DeadVLAN || p.VLANMode != "trunk" || !slices.Equal(p.Trunks, []int{DeadVLAN}) {
		t.Errorf("isolated port = tag %d mode %q trunks %v", p.Tag, p.VLANMode, p.Trunks)
	}
	// Neutron's agent re-tags the port; a re-plug must not put it back in the dead VLAN.
	sw.bridges["br-int"].ports[s.vifName] = vswitch.PortSpec{Bridge: "br-int", Name: s.vifName, Tag: 5}
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	if p, _ := sw.port("br-int", s.vifName); p.Tag != 5 {
		t.Errorf("re-plug changed the tag to %d", p.Tag)
	}
	// Trunk bridges: no dead VLAN, and external_ids:bridge_name.
	if err := c.unplug(ctx, s); err != nil {
		t.Fatal(err)
	}
	s2 := ovsSpec()
	s2.netBridge = "tbr-0123abcd-e"
	if err := c.plug(ctx, s2, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	p, _ = sw.port("tbr-0123abcd-e", s2.vifName)
	if p.Tag != 0 || p.VLANMode != "" {
		t.Errorf("trunk port isolated: %+v", p)
	}
	wantIDs(t, p, map[string]string{"bridge_name": "tbr-0123abcd-e"})
	if err := c.unplug(ctx, s2); err != nil {
		t.Fatal(err)
	}
	if _, ok := sw.bridges["tbr-0123abcd-e"]; ok {
		t.Error("trunk bridge not removed on unplug")
	}
}

func TestPerPortBridge(t *testing.T) {
	ctx := context.Background()
	opts := DefaultOptions()
	opts.PerPortBridge, opts.IsolateVIF = true, true
	c, sw, _ := newTestCore(opts)
	s := ovsSpec()
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	pb := "pba1b2c3d4-111"
	tap, ok := sw.port(pb, s.vifName)
	if !ok || tap.ExternalIDs != nil || tap.Tag != DeadVLAN {
		t.Errorf("tap on %s = %+v %v", pb, tap, ok)
	}
	ibp, _ := sw.port("br-int", "ibp"+tID)
	pbp, _ := sw.port(pb, "pbp"+tID)
	if ibp.Type != "patch" || ibp.Options["peer"] != "pbp"+tID || ibp.Tag != DeadVLAN || ibp.VLANMode != "" {
		t.Errorf("ibp = %+v", ibp)
	}
	if ibp.ExternalIDs["iface-id"] != tID {
		t.Errorf("ibp iface-id = %q, want the VIF id", ibp.ExternalIDs["iface-id"])
	}
	if pbp.Type != "patch" || pbp.Options["peer"] != "ibp"+tID {
		t.Errorf("pbp = %+v", pbp)
	}
	if err := c.unplug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, ok := sw.bridges[pb]; ok {
		t.Error("per-port bridge kept")
	}
	if n := sw.portNames("br-int"); !slices.Equal(n, []string{"br-int"}) {
		t.Errorf("ports left %v", n)
	}
}

func TestVHostUser(t *testing.T) {
	ctx := context.Background()
	c, sw, _ := newTestCore(DefaultOptions())
	s := &vifSpec{kind: kindVHostUser, id: tID, mac: tMAC, netBridge: "br-int", mtu: 9000, datapath: DatapathNetdev,
		interfaceID: tID, instanceUUID: tInst, vhostMode: "server", vhostPath: "/run/vhu.sock"}
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	p, ok := sw.port("br-int", "vhua1b2c3d4-11")
	if !ok || p.Type != "dpdkvhostuserclient" || p.Options["vhost-server-path"] != "/run/vhu.sock" || p.MTURequest != 9000 {
		t.Errorf("port = %+v", p)
	}
	if p.QoS != nil || len(sw.qos) != 0 {
		t.Errorf("QoS on a netdev vhost-user port: %v", sw.qos)
	}
	if sw.bridges["br-int"].datapath != DatapathNetdev {
		t.Errorf("bridge datapath %s", sw.bridges["br-int"].datapath)
	}
	if err := c.unplug(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.vhostMode = "client"
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	if p, _ := sw.port("br-int", "vhua1b2c3d4-11"); p.Type != "dpdkvhostuser" || p.Options != nil {
		t.Errorf("client-mode port = %+v", p)
	}
}

func TestHostDevice(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	l.vfs["0000:3b:00.2"] = fakeVF{num: 1, pf: "enp59s0f0", pfAddr: "0000:3b:00.0"}
	l.reps["enp59s0f0"] = map[int]string{1: "eth4"}
	l.devs["eth4"] = &fakeDev{kind: "rep", mtu: 1500}
	s := &vifSpec{kind: kindHostDevice, id: tID, mac: tMAC, netBridge: "br-int", mtu: 1450, datapath: DatapathSystem,
		interfaceID: tID, instanceUUID: tInst, devAddress: "0000:3b:00.2"}
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.get("eth4"); !d.up || d.mtu != 1450 {
		t.Errorf("representor = %+v", d)
	}
	p, ok := sw.port("br-int", "eth4")
	if !ok || p.Type != "" {
		t.Errorf("port = %+v %v", p, ok)
	}
	if err := c.unplug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if d, ok := l.get("eth4"); !ok || d.up {
		t.Errorf("representor after unplug = %+v %v, want kept and down", d, ok)
	}
	// DPDK representor on the netdev datapath.
	s.datapath = DatapathNetdev
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	p, _ = sw.port("br-int", "vfra1b2c3d4-11")
	if p.Type != "dpdk" || p.Options["dpdk-devargs"] != "0000:3b:00.0,representor=[1]" {
		t.Errorf("dpdk port = %+v", p)
	}
	// Unknown VF: the error names the device.
	s.devAddress = "0000:3b:00.7"
	err := c.plug(ctx, s, vswitch.WaitForVSwitchd)
	var oe *OpError
	if !errors.As(err, &oe) || oe.Device != "0000:3b:00.7" {
		t.Errorf("err = %v", err)
	}
}

func TestCreateTap(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	s := ovsSpec()
	s.createTap, s.multiqueue = true, true
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	d, ok := l.get(s.vifName)
	if !ok || d.kind != "tap" || !d.mq || d.mac != tMAC || d.mtu != 1442 {
		t.Errorf("tap = %+v %v", d, ok)
	}
	if err := c.unplug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.get(s.vifName); ok {
		t.Error("tap kept after unplug")
	}
	_ = sw
	h := hybridSpec()
	h.createTap = true
	var ie *InvalidVIFError
	if err := c.plug(ctx, h, vswitch.WaitForVSwitchd); !errors.As(err, &ie) || ie.Field != "port_profile.create_tap" {
		t.Errorf("create_tap on VIFBridge: err = %v", err)
	}
}

// A VIF plugged hybrid and later described as plain OVS is unplugged the hybrid way (os-vif
// checks for qbr<id>).
func TestUnplugOpenVSwitchTakesHybridPath(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	if err := c.plug(ctx, hybridSpec(), vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	if err := c.unplug(ctx, ovsSpec()); err != nil {
		t.Fatal(err)
	}
	if n := l.names(); len(n) != 0 {
		t.Errorf("devices left: %v", n)
	}
	if n := sw.portNames("br-int"); !slices.Equal(n, []string{"br-int"}) {
		t.Errorf("ports left: %v", n)
	}
}
