package vswitch

import (
	"fmt"

	"github.com/govif/govif/ovsdb"
)

// BridgeChangedError is an Apply whose batch required a bridge with a given datapath_type
// (Batch.RequireBridge), or any (Batch.RequireBridgeExists), that does not exist so: the bridge
// is missing, deleted or re-typed. Nothing was committed.
type BridgeChangedError struct {
	Bridge       string
	DatapathType string // the datapath_type the batch required
	AnyDatapath  bool   // RequireBridgeExists: the bridge is missing
}

// Error implements error.
func (e *BridgeChangedError) Error() string {
	if e.AnyDatapath {
		return fmt.Sprintf("vswitch: bridge %q does not exist", e.Bridge)
	}
	return fmt.Sprintf("vswitch: bridge %q no longer exists with datapath_type %q", e.Bridge, e.DatapathType)
}

// BridgeExistsError is an Apply whose batch creates a bridge (Batch.CreateBridge) that exists
// already. Nothing was committed.
type BridgeExistsError struct{ Bridge string }

// Error implements error.
func (e *BridgeExistsError) Error() string {
	return fmt.Sprintf("vswitch: bridge %q exists already", e.Bridge)
}

// bridgeReq is one RequireBridge or RequireBridgeExists.
type bridgeReq struct {
	bridge, datapathType string
	any                  bool
}

// RequireBridge makes the batch's transaction also require that bridge exists with exactly
// this datapath_type ("" is the column's empty default, distinct from "system"); otherwise
// Apply commits nothing and returns *BridgeChangedError. A caller that remembers a bridge it
// ensured earlier can so add ports to it in one round trip, without reading it first.
func (b *Batch) RequireBridge(bridge, datapathType string) {
	b.reqs = append(b.reqs, bridgeReq{bridge: bridge, datapathType: datapathType})
}

// RequireBridgeExists is RequireBridge with any datapath_type.
func (b *Batch) RequireBridgeExists(bridge string) {
	b.reqs = append(b.reqs, bridgeReq{bridge: bridge, any: true})
}

// CreateBridge makes the batch's transaction also create bridge spec.Name (with its internal
// port and interface, and its entry in Open_vSwitch.bridges, as EnsureBridgeWith does), before
// its port additions, so ports can be added to it in the same transaction. The bridge must not
// exist: otherwise Apply commits nothing and returns *BridgeExistsError (the caller then takes
// the may-exist path, EnsureBridgeWith). Created(spec.Name) reports the creation.
func (b *Batch) CreateBridge(spec BridgeSpec) { b.newBridges = append(b.newBridges, spec) }

// Created reports whether the last successful Apply of the batch created port name, or bridge
// name (CreateBridge); false: the port existed and was updated, or the batch did not add it.
func (b *Batch) Created(name string) bool { return b.created[name] }

// requireOps adds the RequireBridge guards to t (first, so that a missing bridge is reported
// as changed rather than as not found), then the CreateBridge guards and inserts.
func (b *Batch) requireOps(t *txn) {
	for _, r := range b.reqs {
		g := guard{kind: guardBridgeChanged, bridge: r.bridge, datapath: r.datapathType, any: r.any}
		if r.any {
			t.guard(guardExists("Bridge", byName(r.bridge)), g)
			continue
		}
		t.guard(ovsdb.Wait("Bridge", byName(r.bridge), []string{"datapath_type"}, "==",
			[]map[string]any{{"datapath_type": r.datapathType}}, 0), g)
	}
	for _, nb := range b.newBridges {
		t.guard(guardAbsent("Bridge", byName(nb.Name)), guard{kind: guardBridgeAbsent, bridge: nb.Name})
		iface, port, br := t.n.next(), t.n.next(), t.n.next()
		row := map[string]any{"name": nb.Name, "ports": ovsdb.Set{ovsdb.NamedUUID(port)}}
		if nb.DatapathType != "" {
			row["datapath_type"] = nb.DatapathType
		}
		t.ops = append(t.ops, ovsdb.Insert("Interface", map[string]any{"name": nb.Name, "type": "internal"}, iface))
		t.created[nb.Name] = [2]int{len(t.ops), -1}
		t.ops = append(t.ops,
			ovsdb.Insert("Port", map[string]any{"name": nb.Name, "interfaces": ovsdb.Set{ovsdb.NamedUUID(iface)}}, port),
			ovsdb.Insert("Bridge", row, br),
			ovsdb.Mutate("Open_vSwitch", nil, ovsdb.Mutation{Column: "bridges", Mutator: "insert", Value: ovsdb.Set{ovsdb.NamedUUID(br)}}))
	}
}
