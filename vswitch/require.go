package vswitch

import (
	"fmt"

	"github.com/govif/govif/ovsdb"
)

// BridgeChangedError is an Apply whose batch required a bridge with a given datapath_type
// (Batch.RequireBridge) that no longer exists with it: the bridge was deleted or re-typed.
// Nothing was committed.
type BridgeChangedError struct {
	Bridge       string
	DatapathType string // the datapath_type the batch required
}

// Error implements error.
func (e *BridgeChangedError) Error() string {
	return fmt.Sprintf("vswitch: bridge %q no longer exists with datapath_type %q", e.Bridge, e.DatapathType)
}

// bridgeReq is one RequireBridge.
type bridgeReq struct{ bridge, datapathType string }

// RequireBridge makes the batch's transaction also require that bridge exists with exactly
// this datapath_type ("" is the column's empty default, distinct from "system"); otherwise
// Apply commits nothing and returns *BridgeChangedError. A caller that remembers a bridge it
// ensured earlier can so add ports to it in one round trip, without reading it first.
func (b *Batch) RequireBridge(bridge, datapathType string) {
	b.reqs = append(b.reqs, bridgeReq{bridge, datapathType})
}

// Created reports whether the last successful Apply of the batch created port name (false:
// the port existed and was updated, or the batch did not add it).
func (b *Batch) Created(name string) bool { return b.created[name] }

// requireOps adds the RequireBridge guards to t (first, so that a missing bridge is reported
// as changed rather than as not found).
func (b *Batch) requireOps(t *txn) {
	for _, r := range b.reqs {
		t.guard(ovsdb.Wait("Bridge", byName(r.bridge), []string{"datapath_type"}, "==",
			[]map[string]any{{"datapath_type": r.datapathType}}, 0),
			guard{kind: guardBridgeChanged, bridge: r.bridge, datapath: r.datapathType})
	}
}
