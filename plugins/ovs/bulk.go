package ovs

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// BulkDeleter is implemented by Links that can delete many devices in one kernel batch
// (NetdevLinks does, through netdev's device-group deletion). UnplugMany uses it.
type BulkDeleter interface {
	DeleteMany(ctx context.Context, devs []string) error
}

// DeleteMany implements BulkDeleter.
func (n NetdevLinks) DeleteMany(ctx context.Context, devs []string) error {
	return n.L.DeleteMany(ctx, devs)
}

// unplugPlan is what the bulk path removes for one VIF.
type unplugPlan struct {
	o        *op
	ovsPorts [][2]string // bridge, port
	devs     []string
	errs     []error
}

// unplugMany unplugs specs together: all devices are deleted in one kernel batch when Links is
// a BulkDeleter, then all OVS port deletions go out concurrently (the Switch merges them into
// few transactions). Devices go first, as os-vif deletes qbr first: the kernel then detaches
// ovs-vswitchd from them while unregistering, instead of waiting for it to close each one. VIF kinds with lookups of their own (per-port bridge, vhost-user,
// host device) take the single-VIF path. errs[i] is the result for specs[i]; a nil spec keeps
// the error already in errs.
func (c *core) unplugMany(ctx context.Context, specs []*vifSpec, errs []error) {
	var bulk []int
	var single []int
	for i, s := range specs {
		switch {
		case s == nil:
		case s.kind == kindBridge, s.kind == kindOpenVSwitch && !c.opts.PerPortBridge:
			bulk = append(bulk, i)
		default:
			single = append(single, i)
		}
	}
	var wg sync.WaitGroup
	for _, i := range single {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.unplug(ctx, specs[i]) }()
	}
	defer wg.Wait()
	if len(bulk) == 0 {
		return
	}

	// Per-VIF locks, taken in id order so that two bulk calls cannot deadlock.
	ids := make([]string, 0, len(bulk))
	for _, i := range bulk {
		ids = append(ids, vifLockKey(specs[i].id))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		unlock, err := c.vifLocks.lock(ctx, id)
		if err != nil {
			for _, i := range bulk {
				errs[i] = &OpError{VIF: specs[i].id, Op: "unplug", Step: "wait for VIF lock", Device: specs[i].id, Err: err}
			}
			return
		}
		defer unlock()
	}

	plans := make([]*unplugPlan, len(bulk))
	var uniq []*unplugPlan
	seen := map[string]*unplugPlan{}
	for k, i := range bulk {
		s := specs[i]
		if p, dup := seen[s.id]; dup { // the same VIF twice: unplug once, share the result
			plans[k] = p
			continue
		}
		p := &unplugPlan{o: &op{c: c, s: s, name: "unplug"}}
		seen[s.id], plans[k] = p, p
		uniq = append(uniq, p)
		if err := p.o.checkOwnership(ctx); err != nil { // owner.go
			p.errs = append(p.errs, err)
			continue
		}
		qbr := s.bridgeName
		if s.kind == kindOpenVSwitch {
			qbr = portName(prefixHybridBridge, s.id, nicNameLen)
			ok, err := c.links.Exists(ctx, qbr)
			if err != nil {
				p.errs = append(p.errs, p.o.fail("look up device", qbr, err))
				continue
			}
			if !ok {
				if s.vifName != "" {
					p.ovsPorts = append(p.ovsPorts, [2]string{s.netBridge, s.vifName})
					p.devs = append(p.devs, s.vifName)
				}
				continue
			}
		}
		_, qvo := vethNames(s.id)
		p.ovsPorts = append(p.ovsPorts, [2]string{s.netBridge, qvo})
		if qbr != "" {
			p.devs = append(p.devs, qbr)
		}
		p.devs = append(p.devs, qvo)
	}

	// Devices: one kernel batch, or one by one (also to attribute a batch failure).
	var all []string
	for _, p := range uniq {
		all = append(all, p.devs...)
	}
	bd, ok := c.links.(BulkDeleter)
	if !ok || bd.DeleteMany(ctx, all) != nil {
		for _, p := range uniq {
			for _, d := range p.devs {
				if err := c.links.Delete(ctx, d); err != nil {
					p.errs = append(p.errs, p.o.fail("delete device", d, err))
				}
			}
		}
	}

	// OVSDB: every deletion concurrently; the Switch merges them.
	var mu sync.Mutex
	var owg sync.WaitGroup
	for _, p := range uniq {
		for _, bp := range p.ovsPorts {
			owg.Add(1)
			go func() {
				defer owg.Done()
				if err := c.sw.DelPort(ctx, bp[0], bp[1]); err != nil {
					mu.Lock()
					p.errs = append(p.errs, p.o.fail("delete OVS port", bp[0]+"/"+bp[1], err))
					mu.Unlock()
				}
			}()
		}
	}
	owg.Wait()

	// Trunk bridges, once each.
	trunks := map[string]error{}
	for _, p := range uniq {
		if br := p.o.s.netBridge; isTrunkBridge(br) {
			if _, done := trunks[br]; !done {
				trunks[br] = p.o.deleteTrunkBridge(ctx)
			}
			if err := trunks[br]; err != nil {
				p.errs = append(p.errs, err)
			}
		}
	}
	for k, i := range bulk {
		errs[i] = errors.Join(plans[k].errs...)
	}
}
