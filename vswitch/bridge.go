package vswitch

import (
	"context"
	"fmt"

	"github.com/govif/govif/ovsdb"
)

// sameDatapath treats "" and "system" as the same datapath (the Bridge column's default).
func sameDatapath(a, b string) bool {
	norm := func(s string) string {
		if s == "" {
			return "system"
		}
		return s
	}
	return norm(a) == norm(b)
}

// EnsureBridge creates bridge name (with its internal port and interface, and its entry in
// Open_vSwitch.bridges) unless it exists, like "ovs-vsctl --may-exist add-br". An existing
// bridge whose datapath_type differs from datapathType gives *DatapathConflictError and is not
// changed; datapathType "" accepts any existing bridge and creates one with the default type.
func (v *VSwitch) EnsureBridge(ctx context.Context, name, datapathType string) error {
	_, err := v.EnsureBridgeWith(ctx, BridgeSpec{Name: name, DatapathType: datapathType})
	return err
}

// BridgeSpec asks EnsureBridgeWith for a bridge.
type BridgeSpec struct {
	Name string
	// DatapathType is the datapath_type a new bridge gets ("" = the default, system).
	DatapathType string
	// AcceptOtherDatapath accepts an existing bridge whatever its datapath_type (still without
	// changing it) instead of returning *DatapathConflictError.
	AcceptOtherDatapath bool
}

// EnsureBridgeWith is EnsureBridge that also reports whether this call created the bridge (so
// a caller can roll back only what it made).
func (v *VSwitch) EnsureBridgeWith(ctx context.Context, b BridgeSpec) (created bool, err error) {
	name, datapathType := b.Name, b.DatapathType
	if err := checkName("BridgeSpec.Name", name); err != nil {
		return false, err
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var n namer
		iface, port, br := n.next(), n.next(), n.next()
		brRow := map[string]any{"name": name, "ports": ovsdb.Set{ovsdb.NamedUUID(port)}}
		if datapathType != "" {
			brRow["datapath_type"] = datapathType
		}
		_, err := v.transact(ctx,
			guardAbsent("Bridge", byName(name)),
			ovsdb.Insert("Interface", map[string]any{"name": name, "type": "internal"}, iface),
			ovsdb.Insert("Port", map[string]any{"name": name, "interfaces": ovsdb.Set{ovsdb.NamedUUID(iface)}}, port),
			ovsdb.Insert("Bridge", brRow, br),
			ovsdb.Mutate("Open_vSwitch", nil, ovsdb.Mutation{Column: "bridges", Mutator: "insert", Value: ovsdb.Set{ovsdb.NamedUUID(br)}}),
		)
		if err == nil {
			return true, nil
		}
		if failedGuard(err) != 0 {
			return false, fmt.Errorf("vswitch: create bridge %q: %w", name, err)
		}
		row, err := v.selectOne(ctx, "Bridge", name, "datapath_type")
		if err != nil {
			return false, err
		}
		if row == nil {
			continue // deleted meanwhile: try creating it again
		}
		have, err := row.String("datapath_type")
		if err != nil {
			return false, fmt.Errorf("vswitch: bridge %q: %w", name, err)
		}
		if datapathType != "" && !b.AcceptOtherDatapath && !sameDatapath(have, datapathType) {
			return false, &DatapathConflictError{Bridge: name, Have: have, Want: datapathType}
		}
		return false, nil
	}
	return false, fmt.Errorf("vswitch: create bridge %q: still contended after %d attempts", name, maxAttempts)
}

// BridgeExists reports whether bridge name exists.
func (v *VSwitch) BridgeExists(ctx context.Context, name string) (bool, error) {
	row, err := v.selectOne(ctx, "Bridge", name, "_uuid")
	return row != nil, err
}

// CheckBridge returns nil if bridge name exists, else *BridgeNotFoundError.
func (v *VSwitch) CheckBridge(ctx context.Context, name string) error {
	ok, err := v.BridgeExists(ctx, name)
	if err == nil && !ok {
		err = &BridgeNotFoundError{Bridge: name}
	}
	return err
}

// BridgeDatapathType returns the datapath_type of bridge name ("" is the default, system).
func (v *VSwitch) BridgeDatapathType(ctx context.Context, name string) (string, error) {
	row, err := v.selectOne(ctx, "Bridge", name, "datapath_type")
	if err != nil {
		return "", err
	}
	if row == nil {
		return "", &BridgeNotFoundError{Bridge: name}
	}
	return row.String("datapath_type")
}

// DelBridge deletes bridge name with its ports and interfaces, and the QoS rows those ports
// reference, like "ovs-vsctl --if-exists del-br" (plus the QoS cleanup). A missing bridge is
// success.
func (v *VSwitch) DelBridge(ctx context.Context, name string) error {
	if err := checkName("bridge name", name); err != nil {
		return err
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		row, err := v.selectOne(ctx, "Bridge", name, "_uuid", "ports")
		if err != nil || row == nil {
			return err
		}
		brUUID, err := row.UUID()
		if err != nil {
			return err
		}
		ports, err := row.UUIDs("ports")
		if err != nil {
			return err
		}
		qos, err := v.portQoS(ctx, ports)
		if err != nil {
			return err
		}
		set := make(ovsdb.Set, len(ports))
		for i, p := range ports {
			set[i] = p
		}
		ops := []ovsdb.Operation{
			// The bridge still holds exactly the ports whose QoS rows we read.
			ovsdb.Wait("Bridge", []ovsdb.Condition{eq("_uuid", brUUID)}, []string{"ports"}, "==",
				[]map[string]any{{"ports": set}}, 0),
			ovsdb.Mutate("Open_vSwitch", nil, ovsdb.Mutation{Column: "bridges", Mutator: "delete", Value: ovsdb.Set{brUUID}}),
		}
		if len(qos) > 0 {
			// References are checked before orphans are collected: delete the rows that
			// point at the QoS rows explicitly.
			ops = append(ops, ovsdb.Delete("Bridge", eq("_uuid", brUUID)))
			for _, p := range ports {
				ops = append(ops, ovsdb.Delete("Port", eq("_uuid", p)))
			}
		}
		for _, q := range qos {
			ops = append(ops, ovsdb.Delete("QoS", eq("_uuid", q)))
		}
		_, err = v.transact(ctx, ops...)
		if err == nil {
			v.hints.forgetRows(ports) // the bridge's ports went with it; other hints stay true
			return nil
		}
		v.hints.reset()
		if failedGuard(err) != 0 {
			return fmt.Errorf("vswitch: delete bridge %q: %w", name, err)
		}
	}
	return fmt.Errorf("vswitch: delete bridge %q: still contended after %d attempts", name, maxAttempts)
}

// portQoS returns the QoS rows the given ports reference.
func (v *VSwitch) portQoS(ctx context.Context, ports []ovsdb.UUID) ([]ovsdb.UUID, error) {
	if len(ports) == 0 {
		return nil, nil
	}
	ops := make([]ovsdb.Operation, len(ports))
	for i, p := range ports {
		ops[i] = ovsdb.Select("Port", []ovsdb.Condition{eq("_uuid", p)}, "qos")
	}
	res, err := v.transact(ctx, ops...)
	if err != nil {
		return nil, fmt.Errorf("vswitch: read port QoS: %w", err)
	}
	var out []ovsdb.UUID
	for _, r := range res {
		for _, row := range r.Rows {
			q, err := row.UUIDs("qos")
			if err != nil {
				return nil, err
			}
			out = append(out, q...)
		}
	}
	return out, nil
}
