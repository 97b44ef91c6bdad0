package ovs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/govif/govif/vswitch"
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

func wantIDs(t *testing.T, p vswitch.PortSpec, extra map[string]string) {
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
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
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
	p, ok := sw.port("br-int", "qvoa1b2c3d4-11")
	if !ok {
		t.Fatalf("no OVS port qvo; ports %v", sw.portNames("br-int"))
	}
	wantIDs(t, p, nil)
	if p.QoS == nil || p.QoS.Type != "linux-noop" || sw.qos[QoSID("qvoa1b2c3d4-11")] != "linux-noop" {
		t.Errorf("QoS = %q/%v, want linux-noop row", p.QoS, sw.qos)
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
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	_ = sw.DelPort(ctx, "br-int", "qvoa1b2c3d4-11")
	l.devs["qvba1b2c3d4-11"].master = ""
	l.devs["qvoa1b2c3d4-11"].promisc = false
	s.mtu = 1400
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
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
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
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
	err := c.plug(ctx, hybridSpec(), vswitch.WaitForVSwitchd)
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
	l.fail["EnsureHybridVeth qvba1b2c3d4-11"] = cause
	err := c.plug(ctx, hybridSpec(), vswitch.WaitForVSwitchd)
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
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	sw.fail["AddPorts qvoa1b2c3d4-11"] = errors.New("boom")
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err == nil {
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
	if _, err := sw.EnsureBridge(ctx, vswitch.BridgeSpec{Name: "br-int", DatapathType: DatapathNetdev}); err != nil {
		t.Fatal(err)
	}
	s := ovsSpec()
	s.dpExplicit = true
	err := c.plug(ctx, s, vswitch.WaitForVSwitchd)
	var fc *vswitch.DatapathConflictError
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
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
		t.Fatal(err)
	}
	_ = l
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
			if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); !errors.As(err, &ie) {
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
	if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
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
			errs[i] = c.plug(ctx, s, vswitch.WaitForVSwitchd)
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
	err := c.plug(ctx, hybridSpec(), vswitch.WaitForVSwitchd)
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
