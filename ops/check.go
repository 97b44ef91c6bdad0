package ops

import (
	"context"
	"errors"

	"github.com/govif/govif/internal/fanout"
	"github.com/govif/govif/plugin"
)

// Check statuses.
const (
	StatusOK        = "ok"        // no drift
	StatusDrift     = "drift"     // the host differs from the VIF's object
	StatusUnchecked = "unchecked" // the VIF's plugin cannot check (no plugin.Checker, not loaded, or plugin.ErrNotCheckable)
	StatusError     = "error"     // the host could not be read, or the record is unusable
	StatusRepaired  = "repaired"  // Replug: there was drift, now there is none
	StatusFailed    = "failed"    // Replug: the plug failed, or drift remains
)

// VIFCheck is the check of one VIF.
type VIFCheck struct {
	ID     string         `json:"id"`
	Plugin string         `json:"plugin"`
	Type   string         `json:"type"`
	Status string         `json:"status"`
	Drift  []plugin.Drift `json:"drift"`
	Error  string         `json:"error,omitempty"`
}

// CheckResult is what Check returns.
type CheckResult struct {
	VIFs    []VIFCheck `json:"vifs"`
	Damaged []Damaged  `json:"damaged"`
}

// DriftCount is the number of drift items over all VIFs.
func (r *CheckResult) DriftCount() int {
	n := 0
	for _, v := range r.VIFs {
		n += len(v.Drift)
	}
	return n
}

// Clean reports whether every VIF checked is ok or unchecked and no record is damaged.
func (r *CheckResult) Clean() bool {
	for _, v := range r.VIFs {
		if v.Status != StatusOK && v.Status != StatusUnchecked {
			return false
		}
	}
	return len(r.Damaged) == 0
}

// checkWorkers bounds the VIFs checked at once.
const checkWorkers = 16

// Check compares the host with each recorded VIF of ids (every one when ids is empty) and
// returns each VIF's drift. An id without a record gives an *UnknownVIFError.
func (m *Manager) Check(ctx context.Context, ids []string) (*CheckResult, error) {
	es, dmg, err := m.selectRecords(ids)
	if err != nil {
		return nil, err
	}
	res := &CheckResult{VIFs: make([]VIFCheck, len(es)), Damaged: dmg}
	fanout.Each(len(es), checkWorkers, func(i int) { res.VIFs[i] = m.checkOne(ctx, es[i]) })
	return res, nil
}

func (m *Manager) checkOne(ctx context.Context, e entry) VIFCheck {
	c := VIFCheck{ID: e.rec.ID, Plugin: e.rec.Plugin, Type: e.rec.Type, Drift: []plugin.Drift{}}
	if e.err != nil {
		c.Status, c.Error = StatusError, e.err.Error()
		return c
	}
	p, ok := m.host.Plugin(e.rec.Plugin)
	if !ok {
		c.Status, c.Error = StatusUnchecked, "plugin "+e.rec.Plugin+" is not loaded"
		return c
	}
	ch, ok := p.(plugin.Checker)
	if !ok {
		c.Status, c.Error = StatusUnchecked, "plugin "+e.rec.Plugin+" cannot check its VIFs"
		return c
	}
	d, err := ch.Check(ctx, e.vif, e.inst)
	switch {
	case errors.Is(err, plugin.ErrNotCheckable):
		c.Status, c.Error = StatusUnchecked, err.Error()
	case err != nil:
		c.Status, c.Error = StatusError, err.Error()
	case len(d) > 0:
		c.Status, c.Drift = StatusDrift, d
	default:
		c.Status = StatusOK
	}
	return c
}
