package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/govif/govif/internal/fanout"
	"github.com/govif/govif/inventory"
	"github.com/govif/govif/plugin"
)

// unplugManyHost is a Host that can unplug many VIFs at once (govif.Host can).
type unplugManyHost interface {
	UnplugMany(ctx context.Context, reqs []plugin.Request) []error
}

// PlugMany is Plug for many VIFs in one Host.PlugMany call (one batch for the plugins), with
// one error slot per request, in order: each VIF plugged is recorded before its nil is
// returned, and a VIF that plugged but could not be recorded (and had no record before) is
// unplugged again and gets an *InventoryError, as with Plug. The daemon's request coalescer
// calls it.
func (m *Manager) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	errs := make([]error, len(reqs))
	ids := m.idsOf(reqs)
	for _, id := range ids {
		m.begin(id)
		defer m.end(id)
	}
	unlock, err := m.lockAll(ctx, ids)
	if err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("plug VIF %s: wait for another operation on it: %w", idOf(reqs[i]), err)
		}
		return errs
	}
	defer unlock()
	prev := make([]*inventory.Record, len(reqs))
	for i, r := range reqs {
		if id := idOf(r); id != "" {
			prev[i], _ = m.inv.Get(id)
		}
	}
	// The same refusals as Plug (owner.go): a VIF whose names are recorded for another VIF id
	// never reaches the host, and the others still go as one batch.
	res := m.admitted("plug", reqs, errs, func(sub []plugin.Request) []error { return m.host.PlugMany(ctx, sub) })
	// The records of the VIFs plugged are written together: one directory sync for the batch.
	var recs []*inventory.Record
	var at []int
	for i, r := range reqs {
		if i >= len(res) {
			errs[i] = fmt.Errorf("plug VIF %s: host returned %d results for %d requests", idOf(r), len(res), len(reqs))
			continue
		}
		if errs[i] = res[i]; errs[i] != nil || idOf(r) == "" {
			continue
		}
		rec, err := m.record(r.VIF, r.Instance, prev[i])
		if err != nil {
			errs[i] = err
			continue
		}
		recs = append(recs, rec)
		at = append(at, i)
	}
	perr := m.inv.PutMany(recs)
	for k, i := range at {
		if errs[i] = perr[k]; errs[i] == nil {
			m.noteRecord(recs[k])
		}
	}
	// A VIF plugged but not recorded is undone when it had no record before, as Plug does.
	fanout.Each(len(reqs), recordWorkers, func(i int) {
		r := reqs[i]
		if errs[i] == nil || i >= len(res) || res[i] != nil || idOf(r) == "" {
			return
		}
		err := errs[i]
		if prev[i] == nil {
			if uerr := m.host.Unplug(context.WithoutCancel(ctx), r.VIF, r.Instance); uerr != nil {
				err = errors.Join(err, fmt.Errorf("undo the plug: %w", uerr))
			}
		}
		errs[i] = &InventoryError{Op: "plug", VIFID: idOf(r), Err: err}
	})
	return errs
}

// recordWorkers bounds the VIFs PlugMany/UnplugMany finish (undo, record removal) at once.
const recordWorkers = 32

// UnplugMany is Unplug for many VIFs: one Host.UnplugMany call when the Host has it (else
// concurrent Unplug calls), then the record of every VIF unplugged is removed.
func (m *Manager) UnplugMany(ctx context.Context, reqs []plugin.Request) []error {
	errs := make([]error, len(reqs))
	unlock, err := m.lockAll(ctx, m.idsOf(reqs))
	if err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("unplug VIF %s: wait for another operation on it: %w", idOf(reqs[i]), err)
		}
		return errs
	}
	defer unlock()
	res := m.admitted("unplug", reqs, errs, func(sub []plugin.Request) []error {
		if bh, ok := m.host.(unplugManyHost); ok {
			return bh.UnplugMany(ctx, sub)
		}
		out := make([]error, len(sub))
		var wg sync.WaitGroup
		for i, r := range sub {
			wg.Add(1)
			go func() { defer wg.Done(); out[i] = m.host.Unplug(ctx, r.VIF, r.Instance) }()
		}
		wg.Wait()
		return out
	})
	fanout.Each(len(reqs), recordWorkers, func(i int) {
		r := reqs[i]
		if i >= len(res) {
			errs[i] = fmt.Errorf("unplug VIF %s: host returned %d results for %d requests", idOf(r), len(res), len(reqs))
			return
		}
		if errs[i] = res[i]; errs[i] != nil || idOf(r) == "" {
			return
		}
		if err := m.inv.Delete(idOf(r)); err != nil {
			errs[i] = &InventoryError{Op: "unplug", VIFID: idOf(r), Err: err}
			return
		}
		m.forgetRecord(idOf(r))
	})
	return errs
}

// admitted runs checkRecordedNames (owner.go) on every request with an id, puts each refusal
// in errs, and calls run with the requests that passed; it returns one result per request of
// reqs, the refused ones carrying their refusal.
func (m *Manager) admitted(op string, reqs []plugin.Request, errs []error, run func([]plugin.Request) []error) []error {
	res := make([]error, len(reqs))
	var sub []plugin.Request
	var at []int
	for i, r := range reqs {
		if idOf(r) != "" {
			if err := m.checkRecordedNames(op, r.VIF, r.Instance); err != nil {
				res[i], errs[i] = err, err
				continue
			}
		}
		sub = append(sub, r)
		at = append(at, i)
	}
	if len(sub) == 0 {
		return res
	}
	out := run(sub)
	for k, i := range at {
		if k < len(out) {
			res[i] = out[k]
		} else {
			res[i] = fmt.Errorf("%s VIF %s: host returned %d results for %d requests", op, idOf(reqs[i]), len(out), len(sub))
		}
	}
	return res
}

// idOf is a request's VIF id, "" when it has none (the host reports that).
func idOf(r plugin.Request) string {
	if r.VIF == nil || r.VIF.Base() == nil {
		return ""
	}
	return r.VIF.Base().ID.Value()
}

// idsOf returns the distinct VIF ids of reqs, sorted.
func (m *Manager) idsOf(reqs []plugin.Request) []string {
	var ids []string
	for _, r := range reqs {
		if id := idOf(r); id != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// lockAll takes the per-VIF record locks of ids in order (so two batches cannot deadlock).
func (m *Manager) lockAll(ctx context.Context, ids []string) (func(), error) {
	var unlocks []func()
	release := func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
	for _, id := range ids {
		u, err := m.locks.Lock(ctx, id)
		if err != nil {
			release()
			return nil, err
		}
		unlocks = append(unlocks, u)
	}
	return release, nil
}
