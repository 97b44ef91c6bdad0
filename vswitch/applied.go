package vswitch

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
//
// The same monitor follows every Interface's name, error and ofport: ovs-vswitchd writes them
// in the transaction that sets cur_cfg, so once a wait returns, the watch knows how the
// reconfiguration went for each interface, and a plug's interface check needs no read.
type cfgWatch struct {
	m       *ovsdb.Monitor
	mu      sync.Mutex
	cur     int
	err     error
	changed chan struct{} // closed (and replaced) on every change and at the end
	ifaces  map[ovsdb.UUID]*ifaceStatus
	byName  map[string]ovsdb.UUID
}

// ifaceStatus is what the watch knows of one Interface row.
type ifaceStatus struct {
	name   string
	errs   []string // the error column (0 or 1 element)
	ofport []int    // the ofport column (0 or 1 element)
}

func (v *VSwitch) cfgWatcher(ctx context.Context) (*cfgWatch, error) {
	v.mu.Lock()
	w := v.watch
	v.mu.Unlock()
	if w != nil && w.alive() {
		return w, nil
	}
	m, err := v.c.Monitor(ctx, DB, map[string]ovsdb.MonitorRequest{
		"Open_vSwitch": {Columns: []string{"cur_cfg"}},
		"Interface":    {Columns: []string{"name", "error", "ofport"}},
	})
	if err != nil {
		return nil, fmt.Errorf("vswitch: monitor cur_cfg: %w", err)
	}
	initial, err := m.Next(ctx)
	if err != nil {
		m.Cancel()
		return nil, fmt.Errorf("vswitch: monitor cur_cfg: %w", err)
	}
	w = &cfgWatch{m: m, changed: make(chan struct{}), ifaces: map[ovsdb.UUID]*ifaceStatus{}, byName: map[string]ovsdb.UUID{}}
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

// apply takes cur_cfg from monitor rows (the initial row omits it while it is 0, its
// default), and the Interface rows' status.
func (w *cfgWatch) apply(ups []ovsdb.RowUpdate) {
	for _, u := range ups {
		if u.Table == "Interface" {
			w.applyIface(u)
			continue
		}
		if !u.Row.Has("cur_cfg") {
			continue
		}
		if n, _, err := u.Row.Int("cur_cfg"); err == nil {
			w.cur = n
		}
	}
}

// applyIface applies one Interface update. A "modify" carries, for these optional columns,
// the elements added or removed (update2): the new value is the old one XOR the difference.
func (w *cfgWatch) applyIface(u ovsdb.RowUpdate) {
	st := w.ifaces[u.UUID]
	switch u.Kind {
	case "delete":
		if st != nil && w.byName[st.name] == u.UUID {
			delete(w.byName, st.name)
		}
		delete(w.ifaces, u.UUID)
		return
	case "initial", "insert":
		st = &ifaceStatus{}
		w.ifaces[u.UUID] = st
	default: // modify
		if st == nil {
			return // never seen: the next read of it goes to the server
		}
	}
	if u.Row.Has("name") {
		if n, err := u.Row.String("name"); err == nil {
			if w.byName[st.name] == u.UUID {
				delete(w.byName, st.name)
			}
			st.name = n
			w.byName[n] = u.UUID
		}
	}
	diff := u.Kind == "modify"
	if u.Row.Has("error") {
		if v, err := u.Row.Strings("error"); err == nil {
			st.errs = xorSet(st.errs, v, diff)
		}
	}
	if u.Row.Has("ofport") {
		if v, err := intSet(u.Row["ofport"]); err == nil {
			st.ofport = xorSet(st.ofport, v, diff)
		}
	}
}

// xorSet is v (initial, insert) or have XOR v (a modify's difference).
func xorSet[T comparable](have, v []T, diff bool) []T {
	if !diff {
		return v
	}
	var out []T
	for _, x := range have {
		if !slices.Contains(v, x) {
			out = append(out, x)
		}
	}
	for _, x := range v {
		if !slices.Contains(have, x) {
			out = append(out, x)
		}
	}
	return out
}

// intSet decodes an integer set column (["set",[...]] or one bare integer).
func intSet(raw json.RawMessage) ([]int, error) {
	var tagged []json.RawMessage
	if json.Unmarshal(raw, &tagged) == nil && len(tagged) == 2 {
		var out []int
		err := json.Unmarshal(tagged[1], &out)
		return out, err
	}
	var one int
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, err
	}
	return []int{one}, nil
}

// iface returns the status of interface name as the watch last saw it; ok=false when the
// watch is dead or has not seen it.
func (w *cfgWatch) iface(name string) (st ifaceStatus, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return st, false
	}
	u, ok := w.byName[name]
	if !ok {
		return st, false
	}
	return *w.ifaces[u], true
}

// cachedInterface returns interface name's error and ofport as the live cur_cfg watch last saw
// them (after a wait for ovs-vswitchd: as that reconfiguration left them); ok=false when there
// is no live watch or it has not seen the interface.
func (v *VSwitch) cachedInterface(name string) (errMsg string, ofport int, ok bool) {
	v.mu.Lock()
	w := v.watch
	v.mu.Unlock()
	if w == nil {
		return "", 0, false
	}
	st, ok := w.iface(name)
	if !ok {
		return "", 0, false
	}
	if len(st.errs) > 0 {
		errMsg = st.errs[0]
	}
	if len(st.ofport) > 0 {
		ofport = st.ofport[0]
	}
	return errMsg, ofport, true
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
