package govif

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/govif/govif/plugin"
)

// maxParallel bounds the concurrent single plugs PlugMany runs for plugins without bulk support.
const maxParallel = 16

// PlugMany plugs several VIFs and returns one error (or nil) per request, in order. Requests
// are grouped by plugin; a plugin.BulkPlugger gets its group in one call, other plugins get
// parallel Plug calls. Errors have the same types as Plug's.
func (h *Host) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	return h.many(ctx, "plug", reqs)
}

// UnplugMany is PlugMany for unplugging.
func (h *Host) UnplugMany(ctx context.Context, reqs []plugin.Request) []error {
	return h.many(ctx, "unplug", reqs)
}

func (h *Host) many(ctx context.Context, op string, reqs []plugin.Request) []error {
	errs := make([]error, len(reqs))
	groups := map[string][]int{} // plugin name -> request indexes
	var order []string
	for i, r := range reqs {
		start := time.Now()
		_, name, err := h.route(op, r.VIF, r.Instance)
		if err != nil {
			h.logOp(ctx, op, r.VIF, r.Instance, name, start, "rejected", err)
			errs[i] = err
			continue
		}
		if groups[name] == nil {
			order = append(order, name)
		}
		groups[name] = append(groups[name], i)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallel)
	for _, name := range order {
		idx := groups[name]
		p := h.plugins[name]
		if bp, ok := p.(plugin.BulkPlugger); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				batch := make([]plugin.Request, len(idx))
				for j, i := range idx {
					batch[j] = reqs[i]
				}
				call := bp.PlugMany
				if op == "unplug" {
					call = bp.UnplugMany
				}
				start := time.Now()
				unlock, err := h.lockVIFs(ctx, p, batch)
				if err != nil {
					for _, i := range idx {
						errs[i] = h.finish(ctx, op, reqs[i].VIF, reqs[i].Instance, name, start, err)
					}
					return
				}
				defer unlock()
				res := call(ctx, batch)
				for j, i := range idx {
					err := fmt.Errorf("plugin %s returned %d results for %d requests", name, len(res), len(idx))
					if len(res) == len(idx) {
						err = res[j]
					}
					errs[i] = h.finish(ctx, op, reqs[i].VIF, reqs[i].Instance, name, start, err)
				}
			}()
			continue
		}
		for _, i := range idx {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				call := p.Plug
				if op == "unplug" {
					call = p.Unplug
				}
				start := time.Now()
				unlock, err := h.lockVIF(ctx, p, reqs[i].VIF.Base().ID.Value())
				if err == nil {
					err = call(ctx, reqs[i].VIF, reqs[i].Instance)
					unlock()
				}
				errs[i] = h.finish(ctx, op, reqs[i].VIF, reqs[i].Instance, name, start, err)
			}()
		}
	}
	wg.Wait()
	return errs
}

// lockVIFs takes the per-VIF locks of a bulk call (in id order, so two bulk calls cannot
// deadlock), unless the plugin locks VIFs itself.
func (h *Host) lockVIFs(ctx context.Context, p plugin.Plugin, reqs []plugin.Request) (func(), error) {
	if _, self := p.(plugin.VIFLocker); self {
		return func() {}, nil
	}
	ids := make([]string, 0, len(reqs))
	for _, r := range reqs {
		ids = append(ids, r.VIF.Base().ID.Value())
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var unlocks []func()
	release := func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
	for _, id := range ids {
		u, err := h.locks.Lock(ctx, id)
		if err != nil {
			release()
			return nil, fmt.Errorf("wait for the lock of VIF %s: %w", id, err)
		}
		unlocks = append(unlocks, u)
	}
	return release, nil
}
