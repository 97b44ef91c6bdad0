package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/govif/govif"
	"github.com/govif/govif/internal/keylock"
	"github.com/govif/govif/inventory"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// Host is what Manager needs of a govif.Host.
type Host interface {
	govif.Interface
	// Plugin returns the loaded plugin named name.
	Plugin(name string) (plugin.Plugin, bool)
	// Plugins returns the names of the loaded plugins.
	Plugins() []string
	// PlugMany plugs several VIFs; one error slot per request.
	PlugMany(ctx context.Context, reqs []plugin.Request) []error
}

var _ Host = (*govif.Host)(nil)

// Manager is a Host whose plugs and unplugs keep an inventory, plus the operations that work
// from it. It is safe for concurrent use.
type Manager struct {
	host Host
	inv  *inventory.Store
	log  *slog.Logger
	now  func() time.Time
	// locks serialise, per VIF id, a plug or unplug with its record, and replugs: the Host
	// serialises the host work, this keeps the record in step with it.
	locks keylock.Map

	mu       sync.Mutex
	inFlight map[string]int // VIF ids with a plug under way (GC keeps them)

	names nameIndex // recorded names -> VIF id (owner.go)
}

// Option configures New.
type Option func(*Manager)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(m *Manager) { m.log = l } }

// New returns a Manager for host recording into inv. host may be nil for a Manager that only
// lists (the CLI's in-process `govif list`).
func New(host Host, inv *inventory.Store, opts ...Option) *Manager {
	m := &Manager{host: host, inv: inv, log: slog.Default(), now: time.Now, inFlight: map[string]int{}}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Inventory returns the store the Manager records into.
func (m *Manager) Inventory() *inventory.Store { return m.inv }

// InventoryError is a plug or unplug that worked on the host but could not be recorded.
type InventoryError struct {
	Op    string
	VIFID string
	Err   error
}

func (e *InventoryError) Error() string {
	return fmt.Sprintf("%s VIF %s: record in the inventory: %v", e.Op, e.VIFID, e.Err)
}
func (e *InventoryError) Unwrap() error { return e.Err }

// HostInfo is the host's.
func (m *Manager) HostInfo(ctx context.Context, permitted ...string) (*objects.HostInfo, error) {
	return m.host.HostInfo(ctx, permitted...)
}

// Plug plugs vif and records it before returning nil. When the record cannot be written the
// plug of a VIF that was not recorded before is undone and an *InventoryError returned: a plug
// is acknowledged only once it is durable.
func (m *Manager) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	if vif == nil || vif.Base() == nil {
		return m.host.Plug(ctx, vif, inst) // the host reports the error
	}
	id := vif.Base().ID.Value()
	m.begin(id)
	defer m.end(id)
	unlock, err := m.locks.Lock(ctx, id)
	if err != nil {
		return fmt.Errorf("plug VIF %s: wait for another operation on it: %w", id, err)
	}
	defer unlock()
	prev, _ := m.inv.Get(id)
	if err := m.checkRecordedNames("plug", vif, inst); err != nil { // owner.go
		return err
	}
	if err := m.host.Plug(ctx, vif, inst); err != nil {
		return err
	}
	rec, err := m.record(vif, inst, prev)
	if err == nil {
		if err = m.inv.Put(rec); err == nil {
			m.noteRecord(rec)
		}
	}
	if err != nil {
		if prev == nil {
			if uerr := m.host.Unplug(context.WithoutCancel(ctx), vif, inst); uerr != nil {
				err = errors.Join(err, fmt.Errorf("undo the plug: %w", uerr))
			}
		}
		return &InventoryError{Op: "plug", VIFID: id, Err: err}
	}
	return nil
}

// Unplug unplugs vif and removes its record.
func (m *Manager) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	if vif == nil || vif.Base() == nil {
		return m.host.Unplug(ctx, vif, inst) // the host reports the error
	}
	id := vif.Base().ID.Value()
	unlock, err := m.locks.Lock(ctx, id)
	if err != nil {
		return fmt.Errorf("unplug VIF %s: wait for another operation on it: %w", id, err)
	}
	defer unlock()
	if err := m.checkRecordedNames("unplug", vif, inst); err != nil { // owner.go
		return err
	}
	if err := m.host.Unplug(ctx, vif, inst); err != nil {
		return err
	}
	if err := m.inv.Delete(id); err != nil {
		return &InventoryError{Op: "unplug", VIFID: id, Err: err}
	}
	m.forgetRecord(id)
	return nil
}

func (m *Manager) begin(id string) {
	m.mu.Lock()
	m.inFlight[id]++
	m.mu.Unlock()
}

func (m *Manager) end(id string) {
	m.mu.Lock()
	if m.inFlight[id]--; m.inFlight[id] <= 0 {
		delete(m.inFlight, id)
	}
	m.mu.Unlock()
}

// record builds the inventory record of a plugged VIF.
func (m *Manager) record(vif objects.VIF, inst *objects.InstanceInfo, prev *inventory.Record) (*inventory.Record, error) {
	if inst == nil {
		inst = &objects.InstanceInfo{}
	}
	vb, err := objects.Encode(vif)
	if err != nil {
		return nil, err
	}
	ib, err := objects.Encode(inst)
	if err != nil {
		return nil, err
	}
	b := vif.Base()
	r := &inventory.Record{ID: b.ID.Value(), Plugin: b.Plugin.Value(), Type: vif.ObjName(),
		InstanceUUID: inst.UUID.Value(), InstanceName: inst.Name.Value(),
		PluggedAt: m.now().UTC(), VIF: vb, InstanceInfo: ib}
	if prev != nil {
		r.PluggedAt = prev.PluggedAt
	}
	if p, ok := m.host.Plugin(r.Plugin); ok {
		if c, ok := p.(plugin.Checker); ok {
			if r.Objects, err = c.Objects(vif, inst); err != nil {
				return nil, fmt.Errorf("host objects of VIF %s: %w", r.ID, err)
			}
		}
	}
	return r, nil
}

// Damaged is an inventory file that could not be read (reported, skipped).
type Damaged struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

func damagedOf(ds []*inventory.DamagedError) []Damaged {
	out := make([]Damaged, 0, len(ds))
	for _, d := range ds {
		out = append(out, Damaged{File: d.File, Error: d.Err.Error()})
	}
	return out
}

// VIF is one plugged VIF, as List reports it.
type VIF struct {
	ID           string           `json:"id"`
	InstanceUUID string           `json:"instance_uuid,omitempty"`
	InstanceName string           `json:"instance_name,omitempty"`
	Plugin       string           `json:"plugin"`
	Type         string           `json:"type"`
	Devices      []string         `json:"devices"`
	Bridge       string           `json:"bridge,omitempty"`
	OVSPorts     []plugin.OVSPort `json:"ovs_ports,omitempty"`
	Since        time.Time        `json:"since"`
}

// ListResult is what List returns.
type ListResult struct {
	VIFs    []VIF     `json:"vifs"`
	Damaged []Damaged `json:"damaged"`
}

// List returns the plugged VIFs, sorted by id, and the damaged records.
func (m *Manager) List(_ context.Context) (*ListResult, error) {
	recs, dmg, err := m.inv.List()
	if err != nil {
		return nil, err
	}
	res := &ListResult{VIFs: make([]VIF, 0, len(recs)), Damaged: damagedOf(dmg)}
	for _, r := range recs {
		res.VIFs = append(res.VIFs, VIF{ID: r.ID, InstanceUUID: r.InstanceUUID, InstanceName: r.InstanceName,
			Plugin: r.Plugin, Type: r.Type, Devices: nonNil(r.Objects.Devices), Bridge: r.Objects.Bridge,
			OVSPorts: r.Objects.OVSPorts, Since: r.PluggedAt})
	}
	return res, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UnknownVIFError is a VIF id asked for that has no record.
type UnknownVIFError struct{ IDs []string }

func (e *UnknownVIFError) Error() string {
	return fmt.Sprintf("not in the inventory: %v", e.IDs)
}

// entry is a record decoded for use.
type entry struct {
	rec  *inventory.Record
	vif  objects.VIF
	inst *objects.InstanceInfo
	err  error // the record's primitives do not decode
}

// select returns the records of ids (all when ids is empty), sorted by id.
func (m *Manager) selectRecords(ids []string) ([]entry, []Damaged, error) {
	recs, dmg, err := m.inv.List()
	if err != nil {
		return nil, nil, err
	}
	if len(ids) > 0 {
		byID := make(map[string]*inventory.Record, len(recs))
		for _, r := range recs {
			byID[r.ID] = r
		}
		var unknown []string
		recs = recs[:0:0]
		for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
			if r, ok := byID[id]; ok {
				recs = append(recs, r)
			} else {
				unknown = append(unknown, id)
			}
		}
		if len(unknown) > 0 {
			return nil, nil, &UnknownVIFError{IDs: unknown}
		}
	}
	out := make([]entry, len(recs))
	for i, r := range recs {
		out[i].rec = r
		vif, err := objects.DecodeVIF(r.VIF)
		if err != nil {
			out[i].err = fmt.Errorf("recorded VIF does not decode: %w", err)
			continue
		}
		inst, err := objects.DecodeInstanceInfo(r.InstanceInfo)
		if err != nil {
			out[i].err = fmt.Errorf("recorded instance info does not decode: %w", err)
			continue
		}
		out[i].vif, out[i].inst = vif, inst
	}
	return out, damagedOf(dmg), nil
}
