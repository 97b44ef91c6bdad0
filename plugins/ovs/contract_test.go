package ovs

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/vswitch"
)

// The contract suites run the same checks against the fakes the unit tests use and against the
// real adapters (vswitch.Writer on a real ovsdb-server, NetdevLinks on real devices in a
// namespace), so that a fake that drifts from the real thing fails here, not in production.

// portView is what the Switch contract reads back about a port.
type portView struct {
	ExternalIDs, Options map[string]string
	Tag                  int
}

type switchUnderTest struct {
	sw   Switch
	peek func(t *testing.T, port string) portView
}

func TestSwitchContractFake(t *testing.T) {
	f := newFakeSwitch()
	switchContract(t, switchUnderTest{sw: f, peek: func(t *testing.T, port string) portView {
		f.mu.Lock()
		defer f.mu.Unlock()
		p := f.bridges[f.bridgeOf(port)].ports[port]
		return portView{p.ExternalIDs, p.Options, p.Tag}
	}})
}

func TestSwitchContractReal(t *testing.T) {
	r := newRig(t, false)
	w := vswitch.NewWriter(r.v, vswitch.WriterOptions{})
	t.Cleanup(func() { w.Close() })
	switchContract(t, switchUnderTest{sw: w, peek: func(t *testing.T, port string) portView {
		iface, err := r.v.InterfaceByName(r.ctx, port)
		if err != nil {
			t.Fatal(err)
		}
		v := portView{ExternalIDs: iface.ExternalIDs, Options: iface.Options}
		if tag := r.get("Port", port, "tag"); tag != "[]" {
			for _, c := range tag {
				v.Tag = v.Tag*10 + int(c-'0')
			}
		}
		return v
	}})
}

func switchContract(t *testing.T, u switchUnderTest) {
	ctx := context.Background()
	sw := u.sw
	netdevBr := vswitch.BridgeSpec{Name: "br-a", DatapathType: DatapathNetdev}
	for i, want := range []bool{true, false} {
		if created, err := sw.EnsureBridge(ctx, netdevBr); err != nil || created != want {
			t.Fatalf("EnsureBridge #%d = %t, %v; want %t", i+1, created, err, want)
		}
	}
	if !sw.KnowsBridge(netdevBr) {
		t.Error("KnowsBridge false after EnsureBridge")
	}
	var dc *vswitch.DatapathConflictError
	if _, err := sw.EnsureBridge(ctx, vswitch.BridgeSpec{Name: "br-a", DatapathType: DatapathSystem}); !errors.As(err, &dc) {
		t.Errorf("EnsureBridge with another datapath = %v, want *vswitch.DatapathConflictError", err)
	}
	if created, err := sw.EnsureBridge(ctx, vswitch.BridgeSpec{Name: "br-a", DatapathType: DatapathSystem, AcceptOtherDatapath: true}); err != nil || created {
		t.Errorf("EnsureBridge accepting another datapath = %t, %v; want false, nil", created, err)
	}

	p := vswitch.PortSpec{Bridge: "br-a", Name: "p1", ExternalIDs: map[string]string{"iface-id": "x", "a": "1"},
		Options: map[string]string{"o1": "1"}, Tag: DeadVLAN, KeepPortColumns: true}
	if created, err := sw.AddPorts(ctx, vswitch.DontWait, p); err != nil || !slices.Equal(created, []string{"p1"}) {
		t.Fatalf("AddPorts new = %v, %v; want [p1]", created, err)
	}
	// may-exist: maps merged key by key (options too), port columns kept.
	p2 := vswitch.PortSpec{Bridge: "br-a", Name: "p1", ExternalIDs: map[string]string{"a": "2"},
		Options: map[string]string{"o2": "2"}, Tag: 5, KeepPortColumns: true}
	if created, err := sw.AddPorts(ctx, vswitch.DontWait, p2); err != nil || len(created) != 0 {
		t.Fatalf("AddPorts existing = %v, %v; want none created", created, err)
	}
	got := u.peek(t, "p1")
	if got.ExternalIDs["iface-id"] != "x" || got.ExternalIDs["a"] != "2" {
		t.Errorf("external_ids %v: want iface-id kept and a replaced", got.ExternalIDs)
	}
	if got.Options["o1"] != "1" || got.Options["o2"] != "2" {
		t.Errorf("options %v: want merged (o1 kept, o2 added)", got.Options)
	}
	if got.Tag != DeadVLAN {
		t.Errorf("tag %d: a re-add with KeepPortColumns changed it", got.Tag)
	}

	// PortExists looks on every bridge; adding the port to another bridge is a conflict.
	if _, err := sw.EnsureBridge(ctx, vswitch.BridgeSpec{Name: "br-b", DatapathType: DatapathNetdev}); err != nil {
		t.Fatal(err)
	}
	if ok, err := sw.PortExists(ctx, "p1"); err != nil || !ok {
		t.Errorf("PortExists(p1) = %t, %v", ok, err)
	}
	var pc *vswitch.PortConflictError
	if _, err := sw.AddPorts(ctx, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-b", Name: "p1"}); !errors.As(err, &pc) {
		t.Errorf("AddPorts on another bridge = %v, want *vswitch.PortConflictError", err)
	}
	var bnf *vswitch.BridgeNotFoundError
	if _, err := sw.AddPorts(ctx, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-none", Name: "p9"}); !errors.As(err, &bnf) {
		t.Errorf("AddPorts on a missing bridge = %v, want *vswitch.BridgeNotFoundError", err)
	}

	// The one-round-trip add on a remembered bridge.
	known, created, err := sw.AddPortToKnownBridge(ctx, netdevBr, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-a", Name: "p2"})
	if err != nil || !known || !created {
		t.Errorf("AddPortToKnownBridge = %t, %t, %v; want known, created", known, created, err)
	}
	unknown := vswitch.BridgeSpec{Name: "br-never", DatapathType: DatapathNetdev}
	if known, _, err := sw.AddPortToKnownBridge(ctx, unknown, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-never", Name: "p3"}); known || err != nil {
		t.Errorf("AddPortToKnownBridge on an unknown bridge = %t, %v; want not known", known, err)
	}

	// DelPortIfOwned removes only a port carrying the ids.
	if err := sw.DelPortIfOwned(ctx, "br-a", "p1", map[string]string{"iface-id": "other"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := sw.PortExists(ctx, "p1"); !ok {
		t.Error("DelPortIfOwned removed a port with other ids")
	}
	if err := sw.DelPortIfOwned(ctx, "br-a", "p1", map[string]string{"iface-id": "x"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := sw.PortExists(ctx, "p1"); ok {
		t.Error("DelPortIfOwned kept its own port")
	}
	for i := range 2 { // if-exists
		if err := sw.DelPort(ctx, "br-a", "p2"); err != nil {
			t.Fatalf("DelPort #%d: %v", i+1, err)
		}
	}
	if ok, _ := sw.PortExists(ctx, "p2"); ok {
		t.Error("p2 still exists after DelPort")
	}
	for i := range 2 {
		if err := sw.DelBridge(ctx, "br-a"); err != nil {
			t.Fatalf("DelBridge #%d: %v", i+1, err)
		}
	}
	if sw.KnowsBridge(netdevBr) {
		t.Error("KnowsBridge true after DelBridge")
	}
}

func TestLinksContractFake(t *testing.T) { linksContract(t, newFakeLinks()) }

func TestLinksContractReal(t *testing.T) {
	r := newRig(t, false)
	linksContract(t, NetdevLinks{r.links})
}

func linksContract(t *testing.T, l Links) {
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		if created, err := l.EnsureHybridBridge(ctx, "qbrc"); err != nil || created != want {
			t.Fatalf("EnsureHybridBridge #%d = %t, %v; want %t", i+1, created, err, want)
		}
		if created, err := l.EnsureHybridVeth(ctx, "qvbc", "qvoc", "qbrc", 1450); err != nil || created != want {
			t.Fatalf("EnsureHybridVeth #%d = %t, %v; want %t", i+1, created, err, want)
		}
		if created, err := l.CreateTap(ctx, "tapc", "fa:16:3e:00:00:02", 1442, false); err != nil || created != want {
			t.Fatalf("CreateTap #%d = %t, %v; want %t", i+1, created, err, want)
		}
	}
	for _, d := range []string{"qbrc", "qvbc", "qvoc", "tapc"} {
		if ok, err := l.Exists(ctx, d); err != nil || !ok {
			t.Errorf("Exists(%s) = %t, %v", d, ok, err)
		}
	}
	// Someone else's device of the name: an error, nothing reported created, nothing made.
	if created, err := l.EnsureHybridVeth(ctx, "tapc", "qvoz", "qbrc", 1450); err == nil || created {
		t.Errorf("EnsureHybridVeth over a tap = %t, %v; want an error", created, err)
	}
	if ok, _ := l.Exists(ctx, "qvoz"); ok {
		t.Error("a refused EnsureHybridVeth made its peer")
	}
	if created, err := l.EnsureHybridBridge(ctx, "tapc"); err == nil || created {
		t.Errorf("EnsureHybridBridge over a tap = %t, %v; want an error", created, err)
	}
	if created, err := l.CreateTap(ctx, "qbrc", "", 1500, false); err == nil || created {
		t.Errorf("CreateTap over a bridge = %t, %v; want an error", created, err)
	}
	if created, err := l.CreateTap(ctx, "tapc", "", 1442, true); err == nil || created {
		t.Errorf("CreateTap multiqueue over a single-queue tap = %t, %v; want an error", created, err)
	}
	if created, err := l.EnsureHybridVeth(ctx, "qvbd", "qvod", "qbr-none", 1450); err == nil || created {
		t.Errorf("EnsureHybridVeth into a missing bridge = %t, %v; want an error", created, err)
	}
	if err := l.SetMTU(ctx, "nodev", 1500); !netdev.IsNotFound(err) {
		t.Errorf("SetMTU on a missing device = %v, want a not-found error", err)
	}
	// Deleting one end of a veth removes both; deleting what is gone is fine.
	for i := range 2 {
		if err := l.Delete(ctx, "qvoc"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if ok, _ := l.Exists(ctx, "qvbc"); ok {
		t.Error("qvbc survived the deletion of its peer")
	}
	for _, d := range []string{"qbrc", "tapc"} {
		if removed, err := l.Remove(ctx, d); err != nil || !removed {
			t.Fatalf("Remove(%s) = %t, %v; want true", d, removed, err)
		}
		if removed, err := l.Remove(ctx, d); err != nil || removed {
			t.Fatalf("Remove(%s) again = %t, %v; want false, nil", d, removed, err)
		}
	}
}
