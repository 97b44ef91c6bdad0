package vswitch

import (
	"sort"

	"github.com/govif/govif/ovsdb"
)

type guardKind int

const (
	guardBridge        guardKind = iota // the bridge exists
	guardPortState                      // the port is still absent / present as read
	guardOnBridge                       // the port is still on the bridge
	guardBridgeChanged                  // the bridge exists with the required datapath_type
	guardBridgeAbsent                   // a bridge the batch creates does not exist yet
)

type guard struct {
	kind         guardKind
	bridge, name string
	port         ovsdb.UUID
	datapath     string // guardBridgeChanged: the required datapath_type
	any          bool   // guardBridgeChanged: any datapath_type
}

type txn struct {
	ops    []ovsdb.Operation
	guards map[int]guard
	n      namer
	// created maps a new port's name to the indexes of its Port and QoS (-1: none) inserts.
	created map[string][2]int
}

func (t *txn) guard(op ovsdb.Operation, g guard) {
	t.guards[len(t.ops)] = g
	t.ops = append(t.ops, op)
}

// build turns the batch into operations for the given state of its ports.
func (b *Batch) build(state map[string]portState, mtu bool) *txn {
	t := &txn{guards: map[int]guard{}, created: map[string][2]int{}}
	b.requireOps(t)
	newPorts := map[string]ovsdb.Set{} // bridge -> named ports to insert
	var bridges []string
	for _, a := range b.adds {
		if _, ok := newPorts[a.Bridge]; !ok {
			newPorts[a.Bridge] = ovsdb.Set{}
			bridges = append(bridges, a.Bridge)
			t.guard(guardExists("Bridge", byName(a.Bridge)), guard{kind: guardBridge, bridge: a.Bridge})
		}
	}
	sort.Strings(bridges)
	for _, a := range b.adds {
		st, exists := state[a.Name]
		if !exists {
			// No guard: the Port and Interface name indexes make the commit fail with a
			// constraint violation if the name exists after all (a guard per port would cost
			// a table scan per port on the server, far too slow for bulk batches).
			iface, port := t.n.next(), t.n.next()
			t.ops = append(t.ops, ovsdb.Insert("Interface", a.ifaceRow(mtu), iface))
			prow := a.portRow(iface)
			idx := [2]int{-1, -1}
			if a.QoS != nil {
				idx[1] = len(t.ops)
				qos := t.n.next()
				qrow := map[string]any{"type": a.QoS.Type}
				if len(a.QoS.ExternalIDs) > 0 {
					qrow["external_ids"] = ovsdb.Map(a.QoS.ExternalIDs)
				}
				t.ops = append(t.ops, ovsdb.Insert("QoS", qrow, qos))
				prow["qos"] = ovsdb.NamedUUID(qos)
			}
			idx[0] = len(t.ops)
			t.created[a.Name] = idx
			t.ops = append(t.ops, ovsdb.Insert("Port", prow, port))
			newPorts[a.Bridge] = append(newPorts[a.Bridge], ovsdb.NamedUUID(port))
			continue
		}
		t.guard(st.guard(a.Name), guard{kind: guardPortState, name: a.Name})
		t.guard(guardExists("Bridge", []ovsdb.Condition{eq("name", a.Bridge), ovsdb.Includes("ports", ovsdb.Set{st.uuid})}),
			guard{kind: guardOnBridge, bridge: a.Bridge, name: a.Name, port: st.uuid})
		t.ops = append(t.ops, a.updateOps(mtu)...)
	}
	for _, br := range bridges {
		if len(newPorts[br]) > 0 {
			t.ops = append(t.ops, ovsdb.Mutate("Bridge", byName(br),
				ovsdb.Mutation{Column: "ports", Mutator: "insert", Value: newPorts[br]}))
		}
	}
	gone := map[string]ovsdb.Set{} // bridge -> ports to remove from it
	var goneOrder []string
	var explicit []portState // deleted ports that reference QoS rows
	for _, d := range b.dels {
		st, exists := state[d.name]
		if !exists {
			t.guard(guardAbsent("Port", byName(d.name)), guard{kind: guardPortState, name: d.name})
			continue
		}
		t.guard(st.guard(d.name), guard{kind: guardPortState, name: d.name})
		where := []ovsdb.Condition{ovsdb.Includes("ports", ovsdb.Set{st.uuid})}
		if d.bridge != "" {
			where = append(where, eq("name", d.bridge))
		}
		t.guard(guardExists("Bridge", where), guard{kind: guardOnBridge, bridge: d.bridge, name: d.name, port: st.uuid})
		if d.bridge != "" {
			// One mutate per bridge below, for all its deleted ports.
			if _, ok := gone[d.bridge]; !ok {
				goneOrder = append(goneOrder, d.bridge)
			}
			gone[d.bridge] = append(gone[d.bridge], st.uuid)
		} else {
			t.ops = append(t.ops, ovsdb.Mutate("Bridge", where,
				ovsdb.Mutation{Column: "ports", Mutator: "delete", Value: ovsdb.Set{st.uuid}}))
		}
		if len(st.qos) > 0 {
			explicit = append(explicit, st)
		}
	}
	for _, br := range goneOrder {
		t.ops = append(t.ops, ovsdb.Mutate("Bridge", byName(br),
			ovsdb.Mutation{Column: "ports", Mutator: "delete", Value: gone[br]}))
	}
	for _, st := range explicit {
		// The server checks references before it collects orphaned rows: delete the port
		// explicitly so its QoS row is unreferenced at commit.
		t.ops = append(t.ops, ovsdb.Delete("Port", eq("_uuid", st.uuid)))
		for _, q := range st.qos {
			t.ops = append(t.ops, ovsdb.Delete("QoS", eq("_uuid", q)))
		}
	}
	if b.WaitApplied {
		t.ops = append(t.ops, bumpNextCfg()...)
	}
	return t
}

// guard is a wait op that succeeds iff the port row is still exactly as st says: same UUID,
// same name, same QoS reference. It makes a remembered or read state safe to act on.
func (st portState) guard(name string) ovsdb.Operation {
	qos := make(ovsdb.Set, len(st.qos))
	for i, q := range st.qos {
		qos[i] = q
	}
	return ovsdb.Wait("Port", []ovsdb.Condition{eq("_uuid", st.uuid)}, []string{"name", "qos"}, "==",
		[]map[string]any{{"name": name, "qos": qos}}, 0)
}

func (a PortSpec) ifaceRow(mtu bool) map[string]any {
	row := map[string]any{"name": a.Name}
	if a.Type != "" {
		row["type"] = a.Type
	}
	if len(a.ExternalIDs) > 0 {
		row["external_ids"] = ovsdb.Map(a.ExternalIDs)
	}
	if len(a.Options) > 0 {
		row["options"] = ovsdb.Map(a.Options)
	}
	if mtu && a.MTURequest > 0 {
		row["mtu_request"] = a.MTURequest
	}
	return row
}

func (a PortSpec) portRow(iface string) map[string]any {
	row := map[string]any{"name": a.Name, "interfaces": ovsdb.Set{ovsdb.NamedUUID(iface)}}
	for k, v := range a.portColumns() {
		row[k] = v
	}
	return row
}

// portColumns are the Port columns the spec sets.
func (a PortSpec) portColumns() map[string]any {
	cols := map[string]any{}
	if a.Tag > 0 {
		cols["tag"] = a.Tag
	}
	if len(a.Trunks) > 0 {
		set := make(ovsdb.Set, len(a.Trunks))
		for i, v := range a.Trunks {
			set[i] = v
		}
		cols["trunks"] = set
	}
	if a.VLANMode != "" {
		cols["vlan_mode"] = a.VLANMode
	}
	return cols
}

// updateOps sets an existing port's columns: maps merged key by key, scalars replaced.
func (a PortSpec) updateOps(mtu bool) []ovsdb.Operation {
	var ops []ovsdb.Operation
	set := map[string]any{}
	if a.Type != "" {
		set["type"] = a.Type
	}
	if mtu && a.MTURequest > 0 {
		set["mtu_request"] = a.MTURequest
	}
	if len(set) > 0 {
		ops = append(ops, ovsdb.Update("Interface", byName(a.Name), set))
	}
	muts := mergeMap("external_ids", a.ExternalIDs)
	muts = append(muts, mergeMap("options", a.Options)...)
	if len(muts) > 0 {
		ops = append(ops, ovsdb.Mutate("Interface", byName(a.Name), muts...))
	}
	if cols := a.portColumns(); len(cols) > 0 && !a.KeepPortColumns {
		ops = append(ops, ovsdb.Update("Port", byName(a.Name), cols))
	}
	return ops
}

// mergeMap sets keys of a map column, keeping the others ("insert" alone would not overwrite
// a key that is already there, so the keys are deleted first).
func mergeMap(col string, m map[string]string) []ovsdb.Mutation {
	if len(m) == 0 {
		return nil
	}
	keys := make(ovsdb.Set, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return []ovsdb.Mutation{
		{Column: col, Mutator: "delete", Value: keys},
		{Column: col, Mutator: "insert", Value: ovsdb.Map(m)},
	}
}
