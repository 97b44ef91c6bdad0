package vswitch

import (
	"context"
	"fmt"

	"github.com/govif/govif/ovsdb"
)

// EnsureQoS makes port reference a QoS row of type qosType (os-vif uses "linux-noop" for
// vhost-user ports), creating the row in the same transaction that links it, or updating the
// type of the row already linked. The row's external_ids carry id=<port> and _type=<qosType>,
// as os-vif writes them. DelPort deletes it. A missing port gives *NotFoundError.
func (v *VSwitch) EnsureQoS(ctx context.Context, port, qosType string) error {
	if err := checkName("port name", port); err != nil {
		return err
	}
	if err := checkName("QoS type", qosType); err != nil {
		return err
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		row, err := v.selectOne(ctx, "Port", port, "_uuid", "qos")
		if err != nil {
			return err
		}
		if row == nil {
			return &NotFoundError{Table: "Port", Name: port}
		}
		p, err := row.UUID()
		if err != nil {
			return err
		}
		qos, err := row.UUIDs("qos")
		if err != nil {
			return err
		}
		var ops []ovsdb.Operation
		if len(qos) == 0 {
			ops = []ovsdb.Operation{
				// Still without QoS: nobody linked one meanwhile.
				ovsdb.Wait("Port", []ovsdb.Condition{eq("_uuid", p)}, []string{"qos"}, "==",
					[]map[string]any{{"qos": ovsdb.Set{}}}, 0),
				ovsdb.Insert("QoS", map[string]any{"type": qosType,
					"external_ids": ovsdb.Map{"id": port, "_type": qosType}}, "qos1"),
				ovsdb.Update("Port", []ovsdb.Condition{eq("_uuid", p)}, map[string]any{"qos": ovsdb.NamedUUID("qos1")}),
			}
		} else {
			ops = []ovsdb.Operation{
				ovsdb.Wait("Port", []ovsdb.Condition{eq("_uuid", p)}, []string{"qos"}, "==",
					[]map[string]any{{"qos": qos[0]}}, 0),
				ovsdb.Update("QoS", []ovsdb.Condition{eq("_uuid", qos[0])}, map[string]any{"type": qosType}),
			}
		}
		_, err = v.transact(ctx, ops...)
		v.hints.forget(port)
		if err == nil {
			return nil
		}
		if failedGuard(err) != 0 {
			return fmt.Errorf("vswitch: QoS for port %q: %w", port, err)
		}
	}
	return fmt.Errorf("vswitch: QoS for port %q: still contended after %d attempts", port, maxAttempts)
}
