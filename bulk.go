package govif

import (
	"context"
	"fmt"
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
				errs[i] = h.finish(ctx, op, reqs[i].VIF, reqs[i].Instance, name, start, call(ctx, reqs[i].VIF, reqs[i].Instance))
			}()
		}
	}
	wg.Wait()
	return errs
}
