package vswitch

import (
	"context"
	"errors"
	"fmt"

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
	// Trunks sets Port.trunks when non-empty; VLANMode sets Port.vlan_mode when non-empty
	// ("access", "trunk", "native-tagged", "native-untagged").
	Trunks   []int
	VLANMode string
	// KeepPortColumns leaves Tag, Trunks and VLANMode of a port that already exists as they
	// are (they are then written only when the port is created).
	KeepPortColumns bool
	// QoS, when set, creates a QoS row in the same transaction and links it to the port, for a
	// port being created only (an existing port keeps its QoS; see EnsureQoS). DelPort
	// deletes the row.
	QoS *QoSSpec
}

// QoSSpec is a QoS row to create with a port.
type QoSSpec struct {
	Type        string
	ExternalIDs map[string]string // os-vif writes id and _type
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
	for _, v := range s.Trunks {
		if v < 0 || v > 4095 {
			return &InvalidArgumentError{"PortSpec.Trunks", s.Trunks, "want VLAN ids 0..4095"}
		}
	}
	if s.QoS != nil && s.QoS.Type == "" {
		return &InvalidArgumentError{"PortSpec.QoS.Type", `""`, "must not be empty"}
	}
	return nil
}

// Batch collects port additions and deletions that Apply performs in ONE transaction.
// The zero value is an empty batch.
type Batch struct {
	adds    []PortSpec
	dels    []portRef
	reqs    []bridgeReq     // RequireBridge
	created map[string]bool // ports the last successful Apply created
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
//
// Created reports the ports the commit created even when the wait for ovs-vswitchd that
// follows it fails (the rows are then in the database: a caller rolling back must remove
// them). A transaction whose reply never came (connection lost, ctx ended while it was out)
// gives *OutcomeUnknownError naming the ports it would have created.
func (v *VSwitch) Apply(ctx context.Context, b *Batch) error {
	aw, err := v.commit(ctx, b, nil)
	if err != nil {
		return err
	}
	return aw.wait(ctx)
}

// applyWait is the wait for ovs-vswitchd a committed batch still owes: the cur_cfg watch and
// the next_cfg the transaction set. Any number of callers may wait on it, each with its own
// context.
type applyWait struct {
	w   *cfgWatch
	sel ovsdb.OperationResult
}

func (a *applyWait) wait(ctx context.Context) error {
	if a == nil || a.w == nil {
		return nil
	}
	return a.w.waitFor(ctx, a.sel)
}

// commit is Apply without the wait for ovs-vswitchd, which it returns instead. sent, when not
// nil, is told before every transaction goes out which ports that transaction would create.
func (v *VSwitch) commit(ctx context.Context, b *Batch, sent func(creates []string)) (*applyWait, error) {
	if err := b.validate(); err != nil {
		return nil, err
	}
	b.created = nil
	if b.Len() == 0 && !b.WaitApplied {
		return nil, nil
	}
	mtu := false
	for _, a := range b.adds {
		if a.MTURequest > 0 {
			var err error
			if mtu, err = v.HasColumn(ctx, "Interface", "mtu_request"); err != nil {
				return nil, err
			}
			break
		}
	}
	// The first attempt acts on what this VSwitch remembers about the ports (rows it created
	// or read earlier) and assumes ports it knows nothing about are absent: one round trip in
	// the common case. Guards verify every assumption; when one fails, re-read and retry.
	names := b.names()
	state := v.hints.get(names)
	read := false
	for _, d := range b.dels {
		if _, ok := state[d.name]; !ok {
			read = true // a deletion needs the row's UUID
		}
	}
	var w *cfgWatch
	if b.WaitApplied {
		var err error
		if w, err = v.cfgWatcher(ctx); err != nil { // before the commit: no update missed
			return nil, err
		}
	}
	var prev map[string]portState // the state the last failed attempt acted on
	var lastErr error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if read {
			fresh, err := v.readPorts(ctx, names)
			if err != nil {
				return nil, err
			}
			if prev != nil && sameState(prev, fresh) {
				// The database is as the failed attempt assumed, so the failure was not
				// contention (say, an Interface of that name on another port's row).
				return nil, fmt.Errorf("vswitch: apply %d port operations: %w", b.Len(), lastErr)
			}
			state = fresh
		}
		t := b.build(state, mtu)
		creates := make([]string, 0, len(t.created))
		for _, a := range b.adds {
			if _, ok := t.created[a.Name]; ok {
				creates = append(creates, a.Name)
			}
		}
		if sent != nil {
			sent(creates)
		}
		res, err := v.transact(ctx, t.ops...)
		if err == nil {
			v.hints.learn(b, t, res, state)
			b.created = make(map[string]bool, len(t.created))
			for name := range t.created {
				b.created[name] = true
			}
			if w != nil {
				return &applyWait{w: w, sel: res[len(res)-1]}, nil
			}
			return nil, nil
		}
		if !answered(err) {
			// The server may have committed it: only reading back can tell.
			return nil, &OutcomeUnknownError{MayHaveCreated: creates, Err: err}
		}
		lastErr = err
		if len(t.created) > 0 && errors.Is(err, ovsdb.ErrConstraintViolation) {
			// A port we created exists already (or appeared meanwhile): re-read.
			prev, read = state, true
			continue
		}
		prev = nil
		i := failedGuard(err)
		g, ok := t.guards[i]
		if !ok {
			return nil, fmt.Errorf("vswitch: apply %d port operations: %w", b.Len(), err)
		}
		switch g.kind {
		case guardBridge:
			return nil, &BridgeNotFoundError{Bridge: g.bridge}
		case guardBridgeChanged:
			return nil, &BridgeChangedError{Bridge: g.bridge, DatapathType: g.datapath}
		case guardOnBridge:
			// The port is not (or no longer) where we thought: find where it is.
			other, err := v.bridgeOf(ctx, g.port)
			if err != nil {
				return nil, err
			}
			if other != "" && g.bridge != "" && other != g.bridge {
				return nil, &PortConflictError{Port: g.name, Bridge: g.bridge, OtherBridge: other}
			}
		}
		read = true
	}
	return nil, fmt.Errorf("vswitch: apply %d port operations: still contended after %d attempts", b.Len(), maxAttempts)
}

// answered reports whether err is the server's answer to a transaction (which then did not
// commit), as opposed to a reply that never came.
func answered(err error) bool {
	var te *ovsdb.TransactError
	var re *ovsdb.RPCError
	return errors.As(err, &te) || errors.As(err, &re)
}

// sameState reports whether two reads found the same ports with the same rows.
func sameState(a, b map[string]portState) bool {
	if len(a) != len(b) {
		return false
	}
	for name, x := range a {
		y, ok := b[name]
		if !ok || x.uuid != y.uuid || len(x.qos) != len(y.qos) {
			return false
		}
		for i := range x.qos {
			if x.qos[i] != y.qos[i] {
				return false
			}
		}
	}
	return true
}

func (b *Batch) validate() error {
	for _, r := range b.reqs {
		if err := checkName("RequireBridge bridge", r.bridge); err != nil {
			return err
		}
	}
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
