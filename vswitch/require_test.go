package vswitch_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/vswitch"
)

// TestRequireBridge covers the one-round-trip add of a port to a remembered bridge: Created
// reports what the commit did, and a bridge deleted or re-typed meanwhile fails the batch
// with *BridgeChangedError, committing nothing.
func TestRequireBridge(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	add := func(name, dp string) (*vswitch.Batch, error) {
		var b vswitch.Batch
		b.RequireBridge("br-int", dp)
		b.AddPort(vswitch.PortSpec{Bridge: "br-int", Name: name, ExternalIDs: ids, Tag: 4095, KeepPortColumns: true,
			QoS: &vswitch.QoSSpec{Type: "linux-noop"}})
		return &b, v.Apply(ctx, &b)
	}
	b, err := add("tap-a", "netdev")
	if err != nil || !b.Created("tap-a") {
		t.Fatalf("first add: created=%v err=%v", b.Created("tap-a"), err)
	}
	// Changed externally: the re-plug must not re-tag or add another QoS row.
	o.Vsctl(t, "--no-wait", "clear", "Port", "tap-a", "tag")
	b, err = add("tap-a", "netdev")
	if err != nil || b.Created("tap-a") {
		t.Fatalf("re-add: created=%v err=%v", b.Created("tap-a"), err)
	}
	if got := o.Vsctl(t, "get", "Port", "tap-a", "tag"); got != "[]" {
		t.Errorf("re-add rewrote tag: %q", got)
	}
	if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", "QoS"); len(got) != 36 {
		t.Errorf("QoS rows after re-add: %q, want exactly one", got)
	}
	// A fresh VSwitch knows nothing about tap-a: the add assumes absent, finds it, updates it.
	v2, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	var b2 vswitch.Batch
	b2.RequireBridge("br-int", "netdev")
	b2.AddPort(vswitch.PortSpec{Bridge: "br-int", Name: "tap-a", ExternalIDs: ids})
	if err := v2.Apply(ctx, &b2); err != nil || b2.Created("tap-a") {
		t.Fatalf("other client re-add: created=%v err=%v", b2.Created("tap-a"), err)
	}

	// Re-typed: the requirement fails, nothing is added.
	o.Vsctl(t, "--no-wait", "set", "Bridge", "br-int", "datapath_type=system")
	var bce *vswitch.BridgeChangedError
	b, err = add("tap-b", "netdev")
	if !errors.As(err, &bce) || bce.Bridge != "br-int" || bce.DatapathType != "netdev" || b.Created("tap-b") {
		t.Fatalf("re-typed bridge: err = %v", err)
	}
	if ok, err := v.PortExists(ctx, "tap-b"); ok || err != nil {
		t.Fatalf("tap-b added to a re-typed bridge (%v)", err)
	}
	if _, err := add("tap-b", "system"); err != nil {
		t.Fatalf("matching requirement: %v", err)
	}
	// Deleted: the requirement fails (not *BridgeNotFoundError: the caller re-ensures).
	if err := v.DelBridge(ctx, "br-int"); err != nil {
		t.Fatal(err)
	}
	if _, err := add("tap-c", "system"); !errors.As(err, &bce) {
		t.Fatalf("deleted bridge: err = %v", err)
	}
	var bad vswitch.Batch
	bad.RequireBridge("", "netdev")
	var iae *vswitch.InvalidArgumentError
	if err := v.Apply(ctx, &bad); !errors.As(err, &iae) {
		t.Fatalf("empty bridge name: err = %v", err)
	}
}

// TestCreateBridgeInBatch covers the per-VIF bridge made in the same transaction as its ports:
// one commit creates the bridge (internal port, datapath_type, Open_vSwitch.bridges) and adds
// ports on it and on a required bridge; a bridge that exists already, or a required bridge
// that is missing, fails the batch with nothing committed.
func TestCreateBridgeInBatch(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	batch := func(req string) *vswitch.Batch {
		var b vswitch.Batch
		b.RequireBridgeExists(req)
		b.CreateBridge(vswitch.BridgeSpec{Name: "pb-x", DatapathType: "netdev"})
		b.AddPort(vswitch.PortSpec{Bridge: "pb-x", Name: "tap-x"})
		b.AddPort(vswitch.PortSpec{Bridge: "pb-x", Name: "pbp-x", Type: "patch", Options: map[string]string{"peer": "ibp-x"}})
		b.AddPort(vswitch.PortSpec{Bridge: req, Name: "ibp-x", Type: "patch", Options: map[string]string{"peer": "pbp-x"}})
		return &b
	}
	var bce *vswitch.BridgeChangedError
	if err := v.Apply(ctx, batch("br-none")); !errors.As(err, &bce) || !bce.AnyDatapath || bce.Bridge != "br-none" {
		t.Fatalf("missing required bridge: err = %v", err)
	}
	if got := o.Vsctl(t, "list-br"); got != "br-int" {
		t.Fatalf("failed batch left bridges %q", got)
	}
	b := batch("br-int")
	if err := v.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"pb-x", "tap-x", "pbp-x", "ibp-x"} {
		if !b.Created(n) {
			t.Errorf("Created(%s) false", n)
		}
	}
	if got := o.Vsctl(t, "list-ports", "pb-x"); got != "pbp-x\ntap-x" {
		t.Errorf("pb-x ports %q", got)
	}
	if got := o.Vsctl(t, "get", "Bridge", "pb-x", "datapath_type"); got != "netdev" {
		t.Errorf("pb-x datapath_type %s", got)
	}
	if got := o.Vsctl(t, "get", "Interface", "pb-x", "type"); got != "internal" {
		t.Errorf("pb-x internal interface type %s", got)
	}
	if got := o.Vsctl(t, "list-br"); got != "br-int\npb-x" {
		t.Errorf("bridges %q", got)
	}
	// Again: pb-x exists, nothing is committed.
	var bee *vswitch.BridgeExistsError
	var again vswitch.Batch
	again.CreateBridge(vswitch.BridgeSpec{Name: "pb-x"})
	again.AddPort(vswitch.PortSpec{Bridge: "pb-x", Name: "tap-y"})
	if err := v.Apply(ctx, &again); !errors.As(err, &bee) || bee.Bridge != "pb-x" {
		t.Fatalf("existing bridge: err = %v", err)
	}
	if ok, _ := v.PortExists(ctx, "tap-y"); ok {
		t.Error("tap-y added although the batch failed")
	}
	// A bridge and a port of the same name in one batch is refused before anything is sent.
	var dup vswitch.Batch
	dup.CreateBridge(vswitch.BridgeSpec{Name: "pb-z"})
	dup.AddPort(vswitch.PortSpec{Bridge: "pb-z", Name: "pb-z"})
	var iae *vswitch.InvalidArgumentError
	if err := v.Apply(ctx, &dup); !errors.As(err, &iae) {
		t.Fatalf("bridge and port of one name: err = %v", err)
	}
}

// TestWriterAddPortsOnBridges: the Writer's one-transaction add requires a bridge it does not
// remember as the spec accepts it (explicit datapath: exactly it, and remembers it; otherwise
// any), reports a missing or re-typed bridge as ok=false with nothing changed, and deletes a
// per-VIF bridge on rollback only when it holds nothing else (DelBridgeIfOnly).
func TestWriterAddPortsOnBridges(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	w := vswitch.NewWriter(v, vswitch.WriterOptions{})
	defer w.Close()
	netdev := vswitch.BridgeSpec{Name: "br-int", DatapathType: "netdev"}
	if ok, _, err := w.AddPortToKnownBridge(ctx, netdev, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-int", Name: "p0"}); ok || err != nil {
		t.Fatalf("missing bridge: ok=%t err=%v, want not ok", ok, err)
	}
	o.Vsctl(t, "--no-wait", "add-br", "br-int", "--", "set", "Bridge", "br-int", "datapath_type=system")
	if ok, _, err := w.AddPortToKnownBridge(ctx, netdev, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-int", Name: "p0"}); ok || err != nil {
		t.Fatalf("other datapath: ok=%t err=%v, want not ok", ok, err)
	}
	if ok, _ := v.PortExists(ctx, "p0"); ok {
		t.Fatal("p0 added to a bridge of another datapath")
	}
	anyDP := vswitch.BridgeSpec{Name: "br-int", DatapathType: "netdev", AcceptOtherDatapath: true}
	if ok, created, err := w.AddPortToKnownBridge(ctx, anyDP, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-int", Name: "p0"}); !ok || !created || err != nil {
		t.Fatalf("any datapath: ok=%t created=%t err=%v", ok, created, err)
	}
	o.Vsctl(t, "--no-wait", "set", "Bridge", "br-int", "datapath_type=netdev")
	if w.KnowsBridge(netdev) {
		t.Fatal("knows br-int before any add required its datapath")
	}
	if ok, created, err := w.AddPortToKnownBridge(ctx, netdev, vswitch.DontWait, vswitch.PortSpec{Bridge: "br-int", Name: "p1"}); !ok || !created || err != nil {
		t.Fatalf("explicit datapath: ok=%t created=%t err=%v", ok, created, err)
	}
	if !w.KnowsBridge(netdev) {
		t.Error("does not remember br-int after an add that required netdev")
	}
	ok, created, err := w.AddPortsOnBridges(ctx, vswitch.DontWait, []vswitch.BridgeSpec{netdev},
		[]vswitch.BridgeSpec{{Name: "pb-1", DatapathType: "netdev"}}, vswitch.PortSpec{Bridge: "pb-1", Name: "tap-1"})
	if !ok || err != nil || !slices.Equal(created, []string{"pb-1", "tap-1"}) {
		t.Fatalf("AddPortsOnBridges: ok=%t created=%v err=%v", ok, created, err)
	}
	if ok, _, err := w.AddPortsOnBridges(ctx, vswitch.DontWait, nil, []vswitch.BridgeSpec{{Name: "pb-1"}}, vswitch.PortSpec{Bridge: "pb-1", Name: "tap-2"}); ok || err != nil {
		t.Fatalf("existing per-VIF bridge: ok=%t err=%v, want not ok", ok, err)
	}
	// pb-1 holds tap-1 and something else: kept; only tap-1: deleted.
	o.Vsctl(t, "--no-wait", "add-port", "pb-1", "foreign")
	if err := w.DelBridgeIfOnly(ctx, "pb-1", []string{"tap-1"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := v.BridgeExists(ctx, "pb-1"); !ok {
		t.Fatal("DelBridgeIfOnly deleted a bridge holding a foreign port")
	}
	o.Vsctl(t, "--no-wait", "del-port", "pb-1", "foreign")
	if err := w.DelBridgeIfOnly(ctx, "pb-1", []string{"tap-1"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := v.BridgeExists(ctx, "pb-1"); ok {
		t.Error("DelBridgeIfOnly kept a bridge holding only the named ports")
	}
	if err := w.DelBridgeIfOnly(ctx, "pb-1", nil); err != nil {
		t.Errorf("missing bridge: %v", err)
	}
}

// TestWriterInterfaceErrorFromWatch: after an add that waited for ovs-vswitchd, the Writer's
// interface check answers from the cur_cfg monitor as a read would: an interface whose device
// is missing reports ovs-vswitchd's error, an internal one none; after the device appears and
// ovs-vswitchd reconfigures, the error is gone.
func TestWriterInterfaceErrorFromWatch(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{VSwitchd: true})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	w := vswitch.NewWriter(v, vswitch.WriterOptions{WaitApplied: true})
	defer w.Close()
	if _, err := w.AddPorts(ctx, vswitch.WaitForVSwitchd,
		vswitch.PortSpec{Bridge: "br-int", Name: "nodev0"},
		vswitch.PortSpec{Bridge: "br-int", Name: "int0", Type: "internal"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		wantErr bool
	}{{"nodev0", true}, {"int0", false}} {
		got, err := w.InterfaceError(ctx, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		iface, err := v.InterfaceByName(ctx, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		read := iface.Error
		if read == "" && iface.OFPort == -1 {
			read = "ofport -1 (ovs-vswitchd could not add it)"
		}
		if (got != "") != tc.wantErr || got != read {
			t.Errorf("%s: InterfaceError %q; a read gives %q (wantErr %t)", tc.name, got, read, tc.wantErr)
		}
	}
	o.Vsctl(t, "--no-wait", "del-port", "br-int", "nodev0")
	if _, err := w.AddPorts(ctx, vswitch.WaitForVSwitchd, vswitch.PortSpec{Bridge: "br-int", Name: "nodev0", Type: "internal"}); err != nil {
		t.Fatal(err)
	}
	if got, err := w.InterfaceError(ctx, "nodev0"); got != "" || err != nil {
		t.Errorf("re-added as internal: InterfaceError %q, %v", got, err)
	}
	var nf *vswitch.NotFoundError
	if _, err := w.InterfaceError(ctx, "never"); !errors.As(err, &nf) {
		t.Errorf("unknown interface: err = %v, want *vswitch.NotFoundError", err)
	}
}
