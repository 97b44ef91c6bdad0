package vswitch

import (
	"context"
	"fmt"
	"sort"

	"github.com/govif/govif/ovsdb"
)

// PortSpec describes a port to add (a Port row with one Interface row of the same name).
type PortSpec struct {
	Bridge string
	Name   string
	// Type is the Interface type: "" (a system device such as a tap or veth), "internal",
	// "dpdkvhostuser", "dpdkvhostuserclient", "patch", "dpdk", ...
	Type string
	// ExternalIDs are merged into the Interface's external_ids (iface-id, iface-status,
	// attached-mac, vm-uuid); other keys already there are kept.
	ExternalIDs map[string]string
	// Options are merged into the Interface's options (vhost-server-path, peer, dpdk-devargs).
	Options map[string]string
	// MTURequest sets Interface.mtu_request when > 0 and the schema has that column.
	MTURequest int
	// Tag sets Port.tag (the access VLAN) when > 0; os-vif's isolate_vif uses 4095.
	Tag int
}

func (s PortSpec) validate() error {
	if err := checkName("PortSpec.Bridge", s.Bridge); err != nil {
		return err
	}
	if err := checkName("PortSpec.Name", s.Name); err != nil {
		return err
	}
	if s.Tag < 0 || s.Tag > 4095 {
		return &InvalidArgumentError{"PortSpec.Tag", s.Tag, "want 0..4095"}
	}
	if s.MTURequest < 0 {
		return &InvalidArgumentError{"PortSpec.MTURequest", s.MTURequest, "must not be negative"}
	}
	return nil
}

// Batch collects port additions and deletions that Apply performs in ONE transaction.
// The zero value is an empty batch.
type Batch struct {
	adds []PortSpec
	dels []portRef
	// WaitApplied makes Apply also bump Open_vSwitch.next_cfg in the same transaction and wait
	// until ovs-vswitchd has applied it (cur_cfg), like ovs-vsctl without --no-wait.
	WaitApplied bool
}

type portRef struct{ bridge, name string }

// AddPort queues "--may-exist add-port" of spec; see VSwitch.AddPort.
func (b *Batch) AddPort(spec PortSpec) { b.adds = append(b.adds, spec) }

// DelPort queues "--if-exists del-port"; see VSwitch.DelPort.
func (b *Batch) DelPort(bridge, name string) { b.dels = append(b.dels, portRef{bridge, name}) }

// Len returns the number of queued operations.
func (b *Batch) Len() int { return len(b.adds) + len(b.dels) }

// AddPort adds a port with may-exist semantics, in one transaction: a new port is created on
// spec.Bridge; a port that already exists on that bridge keeps its row and gets external_ids
// and options merged, and type, mtu_request and tag updated. A missing bridge gives
// *BridgeNotFoundError; a port of that name on another bridge gives *PortConflictError.
func (v *VSwitch) AddPort(ctx context.Context, spec PortSpec) error {
	var b Batch
	b.AddPort(spec)
	return v.Apply(ctx, &b)
}

// DelPort deletes port name with if-exists semantics: from bridge (any bridge when ""), with
// its interfaces and the QoS row the port references. A missing port is success; a port on
// another bridge than the one named gives *PortConflictError.
func (v *VSwitch) DelPort(ctx context.Context, bridge, name string) error {
	var b Batch
	b.DelPort(bridge, name)
	return v.Apply(ctx, &b)
}

// AddPatchPair adds patch port portA on brA and portB on brB, each the other's peer, in one
// transaction (may-exist, as AddPort).
func (v *VSwitch) AddPatchPair(ctx context.Context, brA, portA, brB, portB string) error {
	var b Batch
	b.AddPort(PortSpec{Bridge: brA, Name: portA, Type: "patch", Options: map[string]string{"peer": portB}})
	b.AddPort(PortSpec{Bridge: brB, Name: portB, Type: "patch", Options: map[string]string{"peer": portA}})
	return v.Apply(ctx, &b)
}

// portState is what a read found about a port.
type portState struct {
	uuid ovsdb.UUID
	qos  []ovsdb.UUID
}

// readPorts returns the current state of the named ports (absent ones are missing).
func (v *VSwitch) readPorts(ctx context.Context, names []string) (map[string]portState, error) {
	ops := make([]ovsdb.Operation, len(names))
	for i, n := range names {
		ops[i] = ovsdb.Select("Port", byName(n), "_uuid", "qos")
	}
	res, err := v.transact(ctx, ops...)
	if err != nil {
		return nil, fmt.Errorf("vswitch: read ports: %w", err)
	}
	out := make(map[string]portState, len(names))
	for i, r := range res {
		if len(r.Rows) == 0 {
			continue
		}
		u, err := r.Rows[0].UUID()
		if err != nil {
			return nil, err
		}
		q, err := r.Rows[0].UUIDs("qos")
		if err != nil {
			return nil, err
		}
		out[names[i]] = portState{uuid: u, qos: q}
	}
	return out, nil
}

// bridgeOf returns the name of the bridge holding port p ("" when none).
func (v *VSwitch) bridgeOf(ctx context.Context, p ovsdb.UUID) (string, error) {
	res, err := v.transact(ctx, ovsdb.Select("Bridge", []ovsdb.Condition{ovsdb.Includes("ports", ovsdb.Set{p})}, "name"))
	if err != nil || len(res[0].Rows) == 0 {
		return "", err
	}
	return res[0].Rows[0].String("name")
}

// Apply performs the batch in one transaction (retrying with fresh reads when a guard shows
// that another client changed the same ports meanwhile). Adds come before deletes; a port may
// appear at most once in a batch.
func (v *VSwitch) Apply(ctx context.Context, b *Batch) error {
	if err := b.validate(); err != nil {
		return err
	}
	if b.Len() == 0 && !b.WaitApplied {
		return nil
	}
	mtu := false
	for _, a := range b.adds {
		if a.MTURequest > 0 {
			var err error
			if mtu, err = v.HasColumn(ctx, "Interface", "mtu_request"); err != nil {
				return err
			}
			break
		}
	}
	var state map[string]portState
	// A batch of additions first assumes the ports are new (one round trip); deletions need
	// the rows' UUIDs, so they read first.
	read := len(b.dels) > 0
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if read {
			var err error
			if state, err = v.readPorts(ctx, b.names()); err != nil {
				return err
			}
		}
		t := b.build(state, mtu)
		res, err := v.transact(ctx, t.ops...)
		if err == nil {
			if b.WaitApplied {
				return v.waitCfg(ctx, res[len(res)-1])
			}
			return nil
		}
		i := failedGuard(err)
		g, ok := t.guards[i]
		if !ok {
			return fmt.Errorf("vswitch: apply %d port operations: %w", b.Len(), err)
		}
		switch g.kind {
		case guardBridge:
			return &BridgeNotFoundError{Bridge: g.bridge}
		case guardOnBridge:
			// The port is not (or no longer) where we thought: find where it is.
			other, err := v.bridgeOf(ctx, g.port)
			if err != nil {
				return err
			}
			if other != "" && g.bridge != "" && other != g.bridge {
				return &PortConflictError{Port: g.name, Bridge: g.bridge, OtherBridge: other}
			}
		}
		read = true
	}
	return fmt.Errorf("vswitch: apply %d port operations: still contended after %d attempts", b.Len(), maxAttempts)
}

func (b *Batch) validate() error {
	seen := map[string]bool{}
	for _, a := range b.adds {
		if err := a.validate(); err != nil {
			return err
		}
		if seen[a.Name] {
			return &InvalidArgumentError{"port name", a.Name, "appears twice in one batch"}
		}
		seen[a.Name] = true
	}
	for _, d := range b.dels {
		if err := checkName("port name", d.name); err != nil {
			return err
		}
		if seen[d.name] {
			return &InvalidArgumentError{"port name", d.name, "appears twice in one batch"}
		}
		seen[d.name] = true
	}
	return nil
}

func (b *Batch) names() []string {
	out := make([]string, 0, b.Len())
	for _, a := range b.adds {
		out = append(out, a.Name)
	}
	for _, d := range b.dels {
		out = append(out, d.name)
	}
	return out
}

type guardKind int

const (
	guardBridge    guardKind = iota // the bridge exists
	guardPortState                  // the port is still absent / present as read
	guardOnBridge                   // the port is still on the bridge
)

type guard struct {
	kind         guardKind
	bridge, name string
	port         ovsdb.UUID
}

type txn struct {
	ops    []ovsdb.Operation
	guards map[int]guard
	n      namer
}

func (t *txn) guard(op ovsdb.Operation, g guard) {
	t.guards[len(t.ops)] = g
	t.ops = append(t.ops, op)
}

// build turns the batch into operations for the given state of its ports.
func (b *Batch) build(state map[string]portState, mtu bool) *txn {
	t := &txn{guards: map[int]guard{}}
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
			t.guard(guardAbsent("Port", byName(a.Name)), guard{kind: guardPortState, name: a.Name})
			iface, port := t.n.next(), t.n.next()
			t.ops = append(t.ops,
				ovsdb.Insert("Interface", a.ifaceRow(mtu), iface),
				ovsdb.Insert("Port", a.portRow(iface), port))
			newPorts[a.Bridge] = append(newPorts[a.Bridge], ovsdb.NamedUUID(port))
			continue
		}
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
	for _, d := range b.dels {
		st, exists := state[d.name]
		if !exists {
			t.guard(guardAbsent("Port", byName(d.name)), guard{kind: guardPortState, name: d.name})
			continue
		}
		where := []ovsdb.Condition{ovsdb.Includes("ports", ovsdb.Set{st.uuid})}
		if d.bridge != "" {
			where = append(where, eq("name", d.bridge))
		}
		t.guard(guardExists("Bridge", where), guard{kind: guardOnBridge, bridge: d.bridge, name: d.name, port: st.uuid})
		t.ops = append(t.ops, ovsdb.Mutate("Bridge", where,
			ovsdb.Mutation{Column: "ports", Mutator: "delete", Value: ovsdb.Set{st.uuid}}))
		if len(st.qos) > 0 {
			// The server checks references before it collects orphaned rows: delete the
			// port explicitly so its QoS row is unreferenced at commit.
			t.ops = append(t.ops, ovsdb.Delete("Port", eq("_uuid", st.uuid)))
		}
		for _, q := range st.qos {
			t.ops = append(t.ops, ovsdb.Delete("QoS", eq("_uuid", q)))
		}
	}
	if b.WaitApplied {
		t.ops = append(t.ops, bumpNextCfg()...)
	}
	return t
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
	if a.Tag > 0 {
		row["tag"] = a.Tag
	}
	return row
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
	if a.Tag > 0 {
		ops = append(ops, ovsdb.Update("Port", byName(a.Name), map[string]any{"tag": a.Tag}))
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
