package vswitch_test

import (
	"errors"
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
