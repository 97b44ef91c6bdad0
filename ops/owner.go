package ops

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/govif/govif/inventory"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/policy"
)

// Ownership by record (docs/security.md, "Ownership"): the inventory says which VIF id each
// recorded device, OVS port and per-VIF bridge was made for. Two VIF ids that share their
// first 11 characters derive the same names, so before the Host runs:
//
//   - a plug whose names (plugin.Checker's Objects) are recorded for another VIF id is refused;
//   - an unplug of a VIF with no record whose names are recorded for another id is refused (a
//     VIF with a record is the one the names were made for; a VIF plugged before the inventory
//     existed has no record and is checked by the plugin against what the host shows).
//
// The refusal is a *policy.Violation with Code policy.CodeNameConflict (the daemon answers 409).
// The shared bridge a VIF is attached to (plugin.Objects.Bridge) is not a name it owns.

// admitter is a Host that can run its pre-plugin checks alone (govif.Host.Admit).
type admitter interface {
	Admit(op string, vif objects.VIF, inst *objects.InstanceInfo) error
}

// nameIndex maps the names recorded in the inventory to the VIF id they were made for. It is
// built from the store on first use and kept in step by the Manager's plugs and unplugs.
type nameIndex struct {
	mu    sync.Mutex
	built bool
	owner map[string]string   // name -> VIF id
	names map[string][]string // VIF id -> its names
}

// ownedNames are the names plugging a VIF with objs makes for it alone: its OVS ports first
// (the port names a VIF), then its devices and per-VIF bridges.
func ownedNames(objs plugin.Objects) []string {
	var out []string
	for _, p := range objs.OVSPorts {
		out = append(out, p.Port)
	}
	out = append(out, objs.Devices...)
	return append(out, objs.OVSBridges...)
}

// fieldOf is the field of vif a derived name comes from: vif_name or bridge_name when it is
// that name, else id.
func fieldOf(vif objects.VIF, name string) string {
	var vifName, bridge objects.Field[string]
	switch v := vif.(type) {
	case *objects.VIFOpenVSwitch:
		vifName, bridge = v.VIFName, v.BridgeName
	case *objects.VIFBridge:
		vifName, bridge = v.VIFName, v.BridgeName
	case *objects.VIFVHostUser:
		vifName = v.VIFName
	case *objects.VIFGeneric:
		vifName = v.VIFName
	}
	switch name {
	case vifName.Value():
		return vif.ObjName() + ".vif_name"
	case bridge.Value():
		return vif.ObjName() + ".bridge_name"
	}
	return vif.ObjName() + ".id"
}

// buildLocked fills the index from the store (damaged records are skipped: List reports them).
func (x *nameIndex) buildLocked(inv *inventory.Store) error {
	if x.built {
		return nil
	}
	recs, _, err := inv.List()
	if err != nil {
		return err
	}
	x.owner, x.names = map[string]string{}, map[string][]string{}
	for _, r := range recs {
		x.setLocked(r.ID, ownedNames(r.Objects))
	}
	x.built = true
	return nil
}

func (x *nameIndex) setLocked(id string, names []string) {
	x.dropLocked(id)
	for _, n := range names {
		if _, taken := x.owner[n]; !taken {
			x.owner[n] = id
		}
	}
	x.names[id] = names
}

func (x *nameIndex) dropLocked(id string) {
	for _, n := range x.names[id] {
		if x.owner[n] == id {
			delete(x.owner, n)
		}
	}
	delete(x.names, id)
}

// noteRecord updates the index after rec was written.
func (m *Manager) noteRecord(rec *inventory.Record) {
	m.names.mu.Lock()
	defer m.names.mu.Unlock()
	if m.names.built {
		m.names.setLocked(rec.ID, ownedNames(rec.Objects))
	}
}

// forgetRecord updates the index after the record of id was deleted.
func (m *Manager) forgetRecord(id string) {
	m.names.mu.Lock()
	defer m.names.mu.Unlock()
	if m.names.built {
		m.names.dropLocked(id)
	}
}

// checkRecordedNames refuses op ("plug" or "unplug") of vif when a name it derives is
// recorded for another VIF id (for an unplug: only when vif itself has no record). VIFs of
// plugins without plugin.Checker, and VIFs the plugin cannot describe (the Host reports why),
// are left to the Host.
func (m *Manager) checkRecordedNames(op string, vif objects.VIF, inst *objects.InstanceInfo) error {
	start := time.Now()
	if a, ok := m.host.(admitter); ok {
		// The Host's own refusal (the admission policy, bad input) comes first, for its reason.
		if err := a.Admit(op, vif, inst); err != nil {
			return err
		}
	}
	b := vif.Base()
	id := b.ID.Value()
	if op == "unplug" {
		if _, err := m.inv.Get(id); !errors.Is(err, inventory.ErrNotFound) {
			return nil // recorded (or unreadable: not a reason to refuse the VIF's own unplug)
		}
	}
	p, ok := m.host.Plugin(b.Plugin.Value())
	if !ok {
		return nil
	}
	c, ok := p.(plugin.Checker)
	if !ok {
		return nil
	}
	objs, err := c.Objects(vif, inst)
	if err != nil {
		return nil
	}
	m.names.mu.Lock()
	defer m.names.mu.Unlock()
	if err := m.names.buildLocked(m.inv); err != nil {
		// The records cannot be read: this layer cannot judge (a plug will fail to record and
		// be undone); the plugin's own check of what the host shows still applies.
		m.log.Warn("cannot read the inventory to check the VIF's names against other VIFs' records", "vif_id", id, "op", op, "err", err)
		return nil
	}
	for _, n := range ownedNames(objs) {
		if other, ok := m.names.owner[n]; ok && other != id {
			err := fmt.Errorf("govif: %s: refused: %w", op, &policy.Violation{Code: policy.CodeNameConflict, Field: fieldOf(vif, n), Value: n,
				Rule: "the inventory records " + n + " as made for VIF " + other + ", not for VIF " + id})
			// The operation ends here: its one log line, in the Host's form (docs/operations.md, "Logs").
			var uuid string
			if inst != nil {
				uuid = inst.UUID.Value()
			}
			m.log.Warn(op, "vif_id", id, "vif_type", vif.ObjName(), "instance_uuid", uuid, "plugin", b.Plugin.Value(),
				"outcome", "rejected", "duration_seconds", time.Since(start).Seconds(), "error", err.Error())
			return err
		}
	}
	return nil
}
