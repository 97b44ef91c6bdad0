package ops

import (
	"context"
	"errors"

	"github.com/govif/govif/internal/fanout"
	"github.com/govif/govif/plugin"
)

// VIFReplug is the replug of one VIF.
type VIFReplug struct {
	ID     string `json:"id"`
	Plugin string `json:"plugin"`
	Type   string `json:"type"`
	// Status is ok (nothing to repair), repaired, unchecked (plugged again, but the plugin
	// cannot check) or failed.
	Status string `json:"status"`
	// Before is the drift found before plugging; After what remains (for failed).
	Before []plugin.Drift `json:"drift_before"`
	After  []plugin.Drift `json:"drift_after,omitempty"`
	Error  string         `json:"error,omitempty"`
}

// ReplugResult is what Replug returns.
type ReplugResult struct {
	VIFs    []VIFReplug `json:"vifs"`
	Damaged []Damaged   `json:"damaged"`
}

// Repaired is the number of drift items repaired.
func (r *ReplugResult) Repaired() int {
	n := 0
	for _, v := range r.VIFs {
		if v.Status == StatusRepaired {
			n += len(v.Before)
		}
	}
	return n
}

// Failed reports whether any VIF failed.
func (r *ReplugResult) Failed() bool {
	for _, v := range r.VIFs {
		if v.Status == StatusFailed {
			return true
		}
	}
	return false
}

// Replug plugs each recorded VIF of ids (every one when ids is empty) again, as recorded:
// plug is idempotent and every plug step is an "ensure", so this repairs drift and restores
// the plumbing after a reboot (Nova's resume_state_on_host_boot). Each VIF is checked before
// (what was repaired) and, when it had drift, after (that the repair held). The VIFs are
// plugged together (Host.PlugMany: bulk per plugin), each under its VIF lock.
func (m *Manager) Replug(ctx context.Context, ids []string) (*ReplugResult, error) {
	es, dmg, err := m.selectRecords(ids)
	if err != nil {
		return nil, err
	}
	res := &ReplugResult{VIFs: make([]VIFReplug, len(es)), Damaged: dmg}
	before := make([]VIFCheck, len(es))
	fanout.Each(len(es), checkWorkers, func(i int) { before[i] = m.checkOne(ctx, es[i]) })

	var reqs []plugin.Request
	var idx []int
	for i, e := range es {
		r := &res.VIFs[i]
		r.ID, r.Plugin, r.Type, r.Before = e.rec.ID, e.rec.Plugin, e.rec.Type, before[i].Drift
		if e.err != nil {
			r.Status, r.Error = StatusFailed, e.err.Error()
			continue
		}
		// Sorted by id: concurrent replugs take the locks in the same order.
		unlock, err := m.locks.Lock(ctx, e.rec.ID)
		if err != nil {
			r.Status, r.Error = StatusFailed, "wait for the VIF's lock: "+err.Error()
			continue
		}
		defer unlock()
		reqs = append(reqs, plugin.Request{VIF: e.vif, Instance: e.inst})
		idx = append(idx, i)
	}
	for _, i := range idx {
		m.begin(es[i].rec.ID)
		defer m.end(es[i].rec.ID)
	}
	errs := m.host.PlugMany(ctx, reqs)
	recheck := make([]int, 0, len(idx))
	for j, i := range idx {
		r := &res.VIFs[i]
		if errs[j] != nil {
			r.Status, r.Error = StatusFailed, errs[j].Error()
			continue
		}
		switch before[i].Status {
		case StatusUnchecked:
			r.Status = StatusUnchecked
		case StatusOK:
			r.Status = StatusOK
		default: // drift, or the check failed: verify the repair
			recheck = append(recheck, i)
		}
	}
	fanout.Each(len(recheck), checkWorkers, func(k int) {
		i := recheck[k]
		r := &res.VIFs[i]
		after := m.checkOne(ctx, es[i])
		switch after.Status {
		case StatusOK:
			r.Status = StatusRepaired
		default:
			r.Status, r.After, r.Error = StatusFailed, after.Drift, after.Error
			if r.Error == "" {
				r.Error = errors.New("drift remains after the plug").Error()
			}
		}
	})
	return res, nil
}
