package vswitch

import (
	"testing"

	"github.com/govif/govif/ovsdb"
)

// opsSummary is "op table" for each operation, for compact assertions.
func opsSummary(ops []ovsdb.Operation) []string {
	out := make([]string, len(ops))
	for i, op := range ops {
		out[i] = op.Op + " " + op.Table
	}
	return out
}

// The transactions Apply builds, checked without a server: what a port it knows nothing about
// costs (inserts, no guard: the name's uniqueness is the guard), what a remembered one costs
// (guards, then updates), where RequireBridge and the next_cfg bump go, and which ports the
// transaction reports as created.
func TestBuildTransactions(t *testing.T) {
	spec := PortSpec{Bridge: "br-int", Name: "p1", ExternalIDs: map[string]string{"iface-id": "x"},
		Tag: 4095, KeepPortColumns: true, QoS: &QoSSpec{Type: "linux-noop"}}

	// Unknown port, required bridge, waiting: the RequireBridge guard first, the bridge's
	// existence guard, inserts, one bridge mutate, the next_cfg bump.
	b := &Batch{WaitApplied: true}
	b.AddPort(spec)
	b.RequireBridge("br-int", "netdev")
	tx := b.build(map[string]portState{}, true)
	want := []string{"wait Bridge", "wait Bridge", "insert Interface", "insert QoS", "insert Port", "mutate Bridge", "mutate Open_vSwitch", "select Open_vSwitch"}
	if got := opsSummary(tx.ops); !equalStrings(got, want) {
		t.Errorf("new port ops = %v, want %v", got, want)
	}
	if g, ok := tx.guards[0]; !ok || g.kind != guardBridgeChanged {
		t.Errorf("first op is not the RequireBridge guard: %+v", tx.guards)
	}
	idx, ok := tx.created["p1"]
	if !ok {
		t.Fatal("an insert is not reported as a creation")
	}
	if row := tx.ops[idx[0]].Row; row["tag"] != 4095 {
		t.Errorf("new port row %v: the create-only tag is missing", row)
	}

	// Known port: guarded update, create-only columns not written (KeepPortColumns), no QoS.
	st := map[string]portState{"p1": {uuid: "11111111-1111-1111-1111-111111111111"}}
	tx = (&Batch{adds: []PortSpec{spec}}).build(st, false)
	want = []string{"wait Bridge", "wait Port", "wait Bridge", "mutate Interface"}
	if got := opsSummary(tx.ops); !equalStrings(got, want) {
		t.Errorf("known port ops = %v, want %v", got, want)
	}
	if len(tx.created) != 0 {
		t.Errorf("an update is reported as a creation: %v", tx.created)
	}

	// Deletions on one bridge share one mutate; an unknown port is only guarded absent.
	d := &Batch{}
	d.DelPort("br-int", "p1")
	d.DelPort("br-int", "p2")
	st["p2"] = portState{uuid: "22222222-2222-2222-2222-222222222222"}
	d.DelPort("br-int", "gone")
	tx = d.build(st, false)
	want = []string{"wait Port", "wait Bridge", "wait Port", "wait Bridge", "wait Port", "mutate Bridge"}
	if got := opsSummary(tx.ops); !equalStrings(got, want) {
		t.Errorf("delete ops = %v, want %v", got, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Apply's validation refuses a batch naming a port twice, before anything is sent.
func TestBatchValidate(t *testing.T) {
	b := &Batch{}
	b.AddPort(PortSpec{Bridge: "br-int", Name: "p"})
	b.DelPort("br-int", "p")
	var ia *InvalidArgumentError
	if err := b.validate(); err == nil || !asInvalid(err, &ia) || ia.Field != "port name" {
		t.Errorf("validate = %v, want *InvalidArgumentError on port name", err)
	}
	if err := (&Batch{adds: []PortSpec{{Bridge: "br-int", Name: "p", Tag: 5000}}}).validate(); !asInvalid(err, &ia) || ia.Field != "PortSpec.Tag" {
		t.Errorf("tag 5000: %v", err)
	}
}

func asInvalid(err error, target **InvalidArgumentError) bool {
	e, ok := err.(*InvalidArgumentError)
	if ok {
		*target = e
	}
	return ok
}
