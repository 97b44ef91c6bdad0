package ovs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

const (
	tID   = "a1b2c3d4-1111-4222-8333-444455556666"
	tMAC  = "fa:16:3e:12:34:56"
	tInst = "5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"
)

func newTestCore(opts Options) (*core, *fakeSwitch, *fakeLinks) {
	sw, l := newFakeSwitch(), newFakeLinks()
	p := New(sw, l, opts, nil)
	return &p.core, sw, l
}

func hybridSpec() *vifSpec {
	return &vifSpec{kind: kindBridge, id: tID, mac: tMAC, vifName: "tapa1b2c3d4-11", bridgeName: "qbra1b2c3d4-11",
		netBridge: "br-int", mtu: 1450, datapath: DatapathSystem, interfaceID: tID, instanceUUID: tInst}
}

func ovsSpec() *vifSpec {
	return &vifSpec{kind: kindOpenVSwitch, id: tID, mac: tMAC, vifName: "tapa1b2c3d4-11",
		netBridge: "br-int", mtu: 1442, datapath: DatapathSystem, interfaceID: tID, instanceUUID: tInst, createPort: true}
}

func wantIDs(t *testing.T, p Port, extra map[string]string) {
	t.Helper()
	want := externalIDs(tID, tMAC, tInst, "")
	for k, v := range extra {
		want[k] = v
	}
	if fmt.Sprint(p.ExternalIDs) != fmt.Sprint(want) {
		t.Errorf("port %s external_ids = %v, want %v", p.Name, p.ExternalIDs, want)
	}
}

func TestQoSIDVectors(t *testing.T) {
	for port, want := range map[string]string{
		"tapa1b2c3d4-11": "5be344f2-f5a6-5276-a735-7faf4c9a139b",
		"qvoa1b2c3d4-11": "6906d927-2161-541e-9cd4-6c0ceea0b37d",
	} {
		if got := QoSID(port); got != want {
			t.Errorf("QoSID(%q) = %s, want %s", port, got, want)
		}
	}
}

func TestHybridPlugUnplug(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	s := hybridSpec()
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	qbr, _ := l.get("qbra1b2c3d4-11")
	qvb, _ := l.get("qvba1b2c3d4-11")
	qvo, _ := l.get("qvoa1b2c3d4-11")
	if qbr.kind != "bridge" || !qbr.up {
		t.Errorf("qbr = %+v, want an up bridge", qbr)
	}
	for name, d := range map[string]fakeDev{"qvb": qvb, "qvo": qvo} {
		if !d.up || !d.promisc || d.mtu != 1450 {
			t.Errorf("%s = %+v, want up, promisc, mtu 1450", name, d)
		}
	}
	if qvb.master != "qbra1b2c3d4-11" {
		t.Errorf("qvb master = %q", qvb.master)
	}
	for k, v := range map[string]string{"net/ipv6/conf/qbra1b2c3d4-11/disable_ipv6": "1",
		"net/ipv4/conf/qbra1b2c3d4-11/arp_ignore": "1", "net/ipv4/conf/qbra1b2c3d4-11/arp_announce": "2"} {
		if l.sysctls[k] != v {
			t.Errorf("sysctl %s = %q, want %q", k, l.sysctls[k], v)
		}
	}
	p, ok := sw.port("br-int", "qvoa1b2c3d4-11")
	if !ok {
		t.Fatalf("no OVS port qvo; ports %v", sw.portNames("br-int"))
	}
	wantIDs(t, p, nil)
	if p.QoSType != "linux-noop" || sw.qos[QoSID("qvoa1b2c3d4-11")] != "linux-noop" {
		t.Errorf("QoS = %q/%v, want linux-noop row", p.QoSType, sw.qos)
	}
	if p.Tag != 0 {
		t.Errorf("tag %d without isolate_vif", p.Tag)
	}
	for i := 0; i < 2; i++ {
		if err := c.unplug(ctx, s); err != nil {
			t.Fatalf("unplug #%d: %v", i+1, err)
		}
		if n := l.names(); len(n) != 0 {
			t.Errorf("devices left after unplug: %v", n)
		}
		if n := sw.portNames("br-int"); !slices.Equal(n, []string{"br-int"}) {
			t.Errorf("ports left on br-int: %v", n)
		}
		if len(sw.qos) != 0 {
			t.Errorf("QoS rows left: %v", sw.qos)
		}
	}
}

// os-vif bug: a hybrid re-plug only updates MTUs, it never repairs a missing OVS port or a
// detached qvb.
func TestHybridReplugRepairs(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	s := hybridSpec()
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	_ = sw.DelPort(ctx, "br-int", "qvoa1b2c3d4-11")
	l.devs["qvba1b2c3d4-11"].master = ""
	l.devs["qvoa1b2c3d4-11"].promisc = false
	s.mtu = 1400
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, ok := sw.port("br-int", "qvoa1b2c3d4-11"); !ok {
		t.Error("re-plug did not re-create the missing OVS port")
	}
	qvb, _ := l.get("qvba1b2c3d4-11")
	qvo, _ := l.get("qvoa1b2c3d4-11")
	if qvb.master != "qbra1b2c3d4-11" || !qvo.promisc || qvo.mtu != 1400 || qvb.mtu != 1400 {
		t.Errorf("after re-plug qvb=%+v qvo=%+v", qvb, qvo)
	}
	// The veth pair itself gone (e.g. deleted by hand): re-created.
	_ = l.Delete(ctx, "qvoa1b2c3d4-11")
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if d, ok := l.get("qvba1b2c3d4-11"); !ok || d.master != "qbra1b2c3d4-11" {
		t.Errorf("veth not repaired: %+v %v", d, ok)
	}
}

func TestHybridPlugRollsBackOnOVSDBError(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	cause := errors.New("ovsdb: constraint violation")
	sw.fail["AddPorts qvoa1b2c3d4-11"] = cause
	err := c.plug(ctx, hybridSpec())
	var oe *OpError
	if !errors.As(err, &oe) || !errors.Is(err, cause) {
		t.Fatalf("err = %v, want *OpError wrapping the cause", err)
	}
	if oe.VIF != tID || oe.Device != "br-int/qvoa1b2c3d4-11" {
		t.Errorf("OpError = %+v", oe)
	}
	if n := l.names(); len(n) != 0 {
		t.Errorf("rollback left devices %v", n)
	}
	// The shared integration bridge this plug created stays: other VIFs may be using it.
	if _, ok := sw.bridges["br-int"]; !ok {
		t.Error("integration bridge removed by rollback")
	}
}

func TestHybridPlugRollsBackOnNetlinkError(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	cause := errors.New("operation not permitted")
	l.fail["SetMaster qvba1b2c3d4-11"] = cause
	err := c.plug(ctx, hybridSpec())
	if !errors.Is(err, cause) {
		t.Fatalf("err = %v", err)
	}
	if n := l.names(); len(n) != 0 {
		t.Errorf("rollback left devices %v", n)
	}
	if _, ok := sw.bridges["br-int"]; ok {
		t.Error("OVS touched before the netlink failure")
	}
}

func TestRollbackKeepsPreexistingDevices(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	s := hybridSpec()
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	sw.fail["EnsureBridge br-int"] = errors.New("boom")
	if err := c.plug(ctx, s); err == nil {
		t.Fatal("want error")
	}
	// Nothing this re-plug created, so nothing removed.
	for _, d := range []string{"qbra1b2c3d4-11", "qvba1b2c3d4-11", "qvoa1b2c3d4-11"} {
		if _, ok := l.get(d); !ok {
			t.Errorf("failed re-plug removed pre-existing %s", d)
		}
	}
	if _, ok := sw.port("br-int", "qvoa1b2c3d4-11"); !ok {
		t.Error("failed re-plug removed the pre-existing port")
	}
}

func TestDatapathConflict(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	if _, err := sw.EnsureBridge(ctx, BridgeSpec{Name: "br-int", Datapath: DatapathNetdev}); err != nil {
		t.Fatal(err)
	}
	s := ovsSpec()
	s.dpExplicit = true
	err := c.plug(ctx, s)
	var fc *fakeConflict
	if !errors.As(err, &fc) {
		t.Fatalf("err = %v, want the switch's conflict error", err)
	}
	if sw.bridges["br-int"].datapath != DatapathNetdev {
		t.Error("datapath_type flipped")
	}
	if _, ok := sw.port("br-int", s.vifName); ok {
		t.Error("port created despite the conflict")
	}
	// Without an explicit datapath_type the existing bridge is used as it is.
	s.dpExplicit = false
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	_ = l
}

func TestGenericCreatePort(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	s := ovsSpec()
	s.createPort = false
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if n := sw.portNames("br-int"); !slices.Equal(n, []string{"br-int"}) {
		t.Errorf("create_port=false made ports %v", n)
	}
	s.createPort = true
	l.devs["tapa1b2c3d4-11"] = &fakeDev{kind: "tap", mtu: 1500}
	if err := c.plug(ctx, s); err != nil {
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
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	p, _ := sw.port("br-int", s.vifName)
	if p.Tag != DeadVLAN || p.VLANMode != "trunk" || !slices.Equal(p.Trunks, []int{DeadVLAN}) {
		t.Errorf("isolated port = tag %d mode %q trunks %v", p.Tag, p.VLANMode, p.Trunks)
	}
	// Neutron's agent re-tags the port; a re-plug must not put it back in the dead VLAN.
	sw.bridges["br-int"].ports[s.vifName] = Port{Bridge: "br-int", Name: s.vifName, Tag: 5}
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	if p, _ := sw.port("br-int", s.vifName); p.Tag != 5 {
		t.Errorf("re-plug changed the tag to %d", p.Tag)
	}
	// Trunk bridges: no dead VLAN, and external_ids:bridge_name.
	s2 := ovsSpec()
	s2.netBridge = "tbr-0123abcd-e"
	if err := c.plug(ctx, s2); err != nil {
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
	if err := c.plug(ctx, s); err != nil {
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
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	p, ok := sw.port("br-int", "vhua1b2c3d4-11")
	if !ok || p.Type != "dpdkvhostuserclient" || p.Options["vhost-server-path"] != "/run/vhu.sock" || p.MTURequest != 9000 {
		t.Errorf("port = %+v", p)
	}
	if p.QoSType != "" || len(sw.qos) != 0 {
		t.Errorf("QoS on a netdev vhost-user port: %v", sw.qos)
	}
	if sw.bridges["br-int"].datapath != DatapathNetdev {
		t.Errorf("bridge datapath %s", sw.bridges["br-int"].datapath)
	}
	if err := c.unplug(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.vhostMode = "client"
	if err := c.plug(ctx, s); err != nil {
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
	if err := c.plug(ctx, s); err != nil {
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
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	p, _ = sw.port("br-int", "vfra1b2c3d4-11")
	if p.Type != "dpdk" || p.Options["dpdk-devargs"] != "0000:3b:00.0,representor=[1]" {
		t.Errorf("dpdk port = %+v", p)
	}
	// Unknown VF: the error names the device.
	s.devAddress = "0000:3b:00.7"
	err := c.plug(ctx, s)
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
	if err := c.plug(ctx, s); err != nil {
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
	if err := c.plug(ctx, h); !errors.As(err, &ie) || ie.Field != "port_profile.create_tap" {
		t.Errorf("create_tap on VIFBridge: err = %v", err)
	}
}

func TestValidationChangesNothing(t *testing.T) {
	ctx := context.Background()
	for name, mutate := range map[string]func(*vifSpec){
		"mtu":      func(s *vifSpec) { s.mtu = 10 },
		"bridge":   func(s *vifSpec) { s.netBridge = "br/int" },
		"qbr":      func(s *vifSpec) { s.bridgeName = "qbr-this-name-is-too-long" },
		"mac":      func(s *vifSpec) { s.mac = "zz:zz" },
		"datapath": func(s *vifSpec) { s.datapath = "dpdk" },
	} {
		t.Run(name, func(t *testing.T) {
			c, sw, l := newTestCore(DefaultOptions())
			s := hybridSpec()
			mutate(s)
			var ie *InvalidVIFError
			if err := c.plug(ctx, s); !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InvalidVIFError", err)
			}
			if len(sw.calls)+len(l.calls) != 0 {
				t.Errorf("host touched: %v %v", sw.calls, l.calls)
			}
		})
	}
}

func TestUnplugSurfacesErrorsAndContinues(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	s := hybridSpec()
	if err := c.plug(ctx, s); err != nil {
		t.Fatal(err)
	}
	cause := errors.New("ovsdb-server went away")
	sw.fail["DelPort qvoa1b2c3d4-11"] = cause
	err := c.unplug(ctx, s)
	if !errors.Is(err, cause) {
		t.Fatalf("err = %v", err)
	}
	if n := l.names(); len(n) != 0 {
		t.Errorf("devices not removed after an OVSDB error: %v", n)
	}
}

func TestConcurrentPlugsOfDifferentVIFs(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := hybridSpec()
			s.id = fmt.Sprintf("%08d-1111-4222-8333-444455556666", i)
			s.bridgeName = portName("qbr", s.id, nicNameLen)
			errs[i] = c.plug(ctx, s)
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("plug %d: %v", i, err)
		}
	}
	if n := len(sw.portNames("br-int")); n != 21 {
		t.Errorf("%d ports on br-int, want 21", n)
	}
	if n := len(l.names()); n != 60 {
		t.Errorf("%d devices, want 60", n)
	}
}

// os-vif only logs "Failed to add interfaces" after the transaction; govif fails the plug.
func TestInterfaceErrorFailsPlug(t *testing.T) {
	ctx := context.Background()
	c, sw, l := newTestCore(DefaultOptions())
	sw.ifErr = map[string]string{"qvoa1b2c3d4-11": "could not open network device qvoa1b2c3d4-11 (No such device)"}
	err := c.plug(ctx, hybridSpec())
	var ife *InterfaceFailedError
	if !errors.As(err, &ife) || ife.Interface != "qvoa1b2c3d4-11" {
		t.Fatalf("err = %v", err)
	}
	if n := l.names(); len(n) != 0 {
		t.Errorf("rollback left %v", n)
	}
	if _, ok := sw.port("br-int", "qvoa1b2c3d4-11"); ok {
		t.Error("rollback left the port")
	}
}
