package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/govif/govif/plugin"
)

// StaleObject is plumbing found by GC, with the plugin whose kind of plumbing it is.
type StaleObject struct {
	Plugin string `json:"plugin"`
	plugin.Stale
}

// GCResult is what GC returns.
type GCResult struct {
	// Stale is what no inventory record, plug in flight or live id accounts for.
	Stale []StaleObject `json:"stale"`
	// Removed is true when GC removed them (remove was asked and nothing failed).
	Removed bool `json:"removed"`
	// Errors are the objects that could not be removed.
	Errors []string `json:"errors,omitempty"`
}

// ErrDamagedInventory is returned by GC asked to remove while inventory records are damaged:
// what those VIFs own is unknown, so nothing is removed.
var ErrDamagedInventory = errors.New("inventory has damaged records")

// GC finds the plumbing of the loaded plugins (plugin.Collector) that neither an inventory
// record, a plug in flight, nor one of liveIDs (VIF or Neutron port ids the caller knows to be
// in use, e.g. from Nova) accounts for. With remove it removes exactly that; otherwise it
// changes nothing.
func (m *Manager) GC(ctx context.Context, liveIDs []string, remove bool) (*GCResult, error) {
	recs, dmg, err := m.inv.List()
	if err != nil {
		return nil, err
	}
	if remove && len(dmg) > 0 {
		files := make([]string, len(dmg))
		for i, d := range dmg {
			files[i] = d.File
		}
		return nil, fmt.Errorf("%w (%v): fix or remove them first; nothing was removed", ErrDamagedInventory, files)
	}
	keep := plugin.Keep{IDs: map[string]bool{}, Names: map[string]bool{}}
	for _, id := range liveIDs {
		keep.IDs[id] = true
	}
	m.mu.Lock()
	for id := range m.inFlight {
		keep.IDs[id] = true
	}
	m.mu.Unlock()
	for _, r := range recs {
		keep.IDs[r.ID] = true
		if r.Objects.InterfaceID != "" {
			keep.IDs[r.Objects.InterfaceID] = true
		}
		for _, n := range r.Objects.Devices {
			keep.Names[n] = true
		}
		for _, p := range r.Objects.OVSPorts {
			keep.Names[p.Port] = true
		}
		for _, b := range r.Objects.OVSBridges {
			keep.Names[b] = true
		}
	}
	res := &GCResult{Stale: []StaleObject{}}
	type found struct {
		c     plugin.Collector
		name  string
		stale []plugin.Stale
	}
	var all []found
	for _, name := range m.host.Plugins() {
		p, _ := m.host.Plugin(name)
		c, ok := p.(plugin.Collector)
		if !ok {
			continue
		}
		st, err := c.Stale(ctx, keep)
		if err != nil {
			return nil, fmt.Errorf("plugin %s: find stale plumbing: %w", name, err)
		}
		for _, s := range st {
			res.Stale = append(res.Stale, StaleObject{Plugin: name, Stale: s})
		}
		all = append(all, found{c, name, st})
	}
	slices.SortFunc(res.Stale, func(a, b StaleObject) int {
		if a.Kind != b.Kind {
			if a.Kind < b.Kind {
				return -1
			}
			return 1
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	if !remove {
		return res, nil
	}
	for _, f := range all {
		if len(f.stale) == 0 {
			continue
		}
		if err := f.c.RemoveStale(ctx, f.stale, keep); err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("plugin %s: %v", f.name, err))
		}
	}
	res.Removed = len(res.Errors) == 0
	return res, nil
}
