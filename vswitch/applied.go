package vswitch

import (
	"context"
	"fmt"
	"sync"

	"github.com/govif/govif/ovsdb"
)

// bumpNextCfg increments Open_vSwitch.next_cfg and reads it back (the last result).
func bumpNextCfg() []ovsdb.Operation {
	return []ovsdb.Operation{
		ovsdb.Mutate("Open_vSwitch", nil, ovsdb.Mutation{Column: "next_cfg", Mutator: "+=", Value: 1}),
		ovsdb.Select("Open_vSwitch", nil, "next_cfg"),
	}
}

// WaitApplied bumps Open_vSwitch.next_cfg and waits until ovs-vswitchd reports it applied the
// configuration (cur_cfg >= next_cfg), like ovs-vsctl without --no-wait. Without a running
// ovs-vswitchd it waits until ctx ends.
func (v *VSwitch) WaitApplied(ctx context.Context) error {
	w, err := v.cfgWatcher(ctx)
	if err != nil {
		return err
	}
	res, err := v.transact(ctx, bumpNextCfg()...)
	if err != nil {
		return fmt.Errorf("vswitch: bump next_cfg: %w", err)
	}
	return w.waitFor(ctx, res[len(res)-1])
}

// cfgWatch follows Open_vSwitch.cur_cfg through one long-lived monitor, so waiting for
// ovs-vswitchd costs no round trip beyond the transaction itself. It is set up before the
// transaction that bumps next_cfg, so no update can be missed. It dies with its connection;
// the next wait sets up a new one.
type cfgWatch struct {
	m       *ovsdb.Monitor
	mu      sync.Mutex
	cur     int
	err     error
	changed chan struct{} // closed (and replaced) on every change and at the end
}

func (v *VSwitch) cfgWatcher(ctx context.Context) (*cfgWatch, error) {
	v.mu.Lock()
	w := v.watch
	v.mu.Unlock()
	if w != nil && w.alive() {
		return w, nil
	}
	m, err := v.c.Monitor(ctx, DB, map[string]ovsdb.MonitorRequest{"Open_vSwitch": {Columns: []string{"cur_cfg"}}})
	if err != nil {
		return nil, fmt.Errorf("vswitch: monitor cur_cfg: %w", err)
	}
	initial, err := m.Next(ctx)
	if err != nil {
		m.Cancel()
		return nil, fmt.Errorf("vswitch: monitor cur_cfg: %w", err)
	}
	w = &cfgWatch{m: m, changed: make(chan struct{})}
	w.apply(initial)
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		m.Cancel()
		return nil, fmt.Errorf("vswitch: %w", ovsdb.ErrClosed)
	}
	if old := v.watch; old != nil && old.alive() {
		v.mu.Unlock()
		m.Cancel() // another caller won the race
		return old, nil
	}
	v.watch = w
	v.wg.Add(1)
	v.mu.Unlock()
	go func() { defer v.wg.Done(); w.pump() }()
	return w, nil
}

func (w *cfgWatch) alive() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err == nil
}

// apply takes cur_cfg from monitor rows; the initial row omits it while it is 0 (its default).
func (w *cfgWatch) apply(ups []ovsdb.RowUpdate) {
	for _, u := range ups {
		if !u.Row.Has("cur_cfg") {
			continue
		}
		if n, _, err := u.Row.Int("cur_cfg"); err == nil {
			w.cur = n
		}
	}
}

// pump moves monitor updates into cur until the monitor ends (disconnect or Close).
func (w *cfgWatch) pump() {
	for {
		ups, err := w.m.Next(context.Background())
		w.mu.Lock()
		if err != nil {
			w.err = err
		} else {
			w.apply(ups)
		}
		close(w.changed)
		w.changed = make(chan struct{})
		w.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// waitFor waits until cur_cfg reaches the next_cfg in sel (the reply of bumpNextCfg's select).
func (w *cfgWatch) waitFor(ctx context.Context, sel ovsdb.OperationResult) error {
	if len(sel.Rows) == 0 {
		return fmt.Errorf("vswitch: no Open_vSwitch row (database not initialised)")
	}
	next, _, err := sel.Rows[0].Int("next_cfg")
	if err != nil {
		return err
	}
	for {
		w.mu.Lock()
		cur, werr, ch := w.cur, w.err, w.changed
		w.mu.Unlock()
		if cur >= next {
			return nil
		}
		if werr != nil {
			return fmt.Errorf("vswitch: wait for ovs-vswitchd to apply next_cfg %d: %w", next, werr)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("vswitch: wait for ovs-vswitchd to apply next_cfg %d (at %d): %w", next, cur, ctx.Err())
		}
	}
}
