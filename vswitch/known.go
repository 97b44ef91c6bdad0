package vswitch

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// bridgeMemo is a Writer's memory of the bridges it ensured: name -> datapath_type as stored.
type bridgeMemo struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *bridgeMemo) get(name string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	dp, ok := k.m[name]
	return dp, ok
}

func (k *bridgeMemo) put(name, dp string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[name] = dp
}

// drop forgets name if it is still remembered with dp (a concurrent EnsureBridge may have
// remembered a fresher value).
func (k *bridgeMemo) drop(name, dp string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if have, ok := k.m[name]; ok && have == dp {
		delete(k.m, name)
	}
}

func (k *bridgeMemo) forget(name string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, name)
}

// accepts reports whether b takes an existing bridge whose datapath_type is have.
func (b BridgeSpec) accepts(have string) bool {
	return b.AcceptOtherDatapath || b.DatapathType == "" || sameDatapath(have, b.DatapathType)
}

// EnsureBridge is VSwitch.EnsureBridgeWith that remembers the bridge (see
// AddPortToKnownBridge). The common case, a bridge that exists, costs one select.
func (w *Writer) EnsureBridge(ctx context.Context, b BridgeSpec) (created bool, err error) {
	if err := checkName("BridgeSpec.Name", b.Name); err != nil {
		return false, err
	}
	v, err := w.vswitch(ctx)
	if err != nil {
		return false, err
	}
	have, err := v.BridgeDatapathType(ctx, b.Name)
	var bnf *BridgeNotFoundError
	switch {
	case err == nil:
		if !b.accepts(have) {
			return false, &DatapathConflictError{Bridge: b.Name, Have: have, Want: b.DatapathType}
		}
		w.bridges.put(b.Name, have)
		return false, nil
	case !errors.As(err, &bnf):
		return false, err
	}
	w.bridges.forget(b.Name)
	created, err = v.EnsureBridgeWith(ctx, b)
	if created {
		w.bridges.put(b.Name, b.DatapathType) // as stored: "" stays ""
	}
	return created, err
}

// KnowsBridge reports whether the Writer remembers bridge b.Name with a datapath_type b
// accepts. It is a hint: AddPortToKnownBridge re-checks it inside its transaction.
func (w *Writer) KnowsBridge(b BridgeSpec) bool {
	_, ok := w.known(b)
	return ok
}

func (w *Writer) known(b BridgeSpec) (string, bool) {
	dp, ok := w.bridges.get(b.Name)
	if !ok || !b.accepts(dp) {
		return "", false
	}
	return dp, true
}

// AddPortToKnownBridge adds p (may-exist; with p.KeepPortColumns, Tag, Trunks, VLANMode and
// QoS are applied only if the port is created) in ONE transaction that requires bridge b.Name
// to be as b accepts, and reports whether it created the port: a plug then costs one round
// trip, with no bridge or port read before it. It is AddPortsOnBridges with one required
// bridge and one port. known=false (with a nil error): the bridge is missing, or not of a
// datapath_type b accepts (deleted or re-typed since it was remembered): it is forgotten,
// nothing was changed, and the caller takes the full path (EnsureBridge, then AddPorts).
func (w *Writer) AddPortToKnownBridge(ctx context.Context, b BridgeSpec, wait Wait, p PortSpec) (known, created bool, err error) {
	ok, cr, err := w.AddPortsOnBridges(ctx, wait, []BridgeSpec{b}, nil, p)
	return ok, slices.Contains(cr, p.Name), err
}

// AddPortsOnBridges adds ports (may-exist, as AddPorts) in ONE transaction that also requires
// each bridge of require to exist as it accepts, and creates each bridge of create, which
// must not exist yet (with its internal port, before the ports, which may be on it). What a
// required bridge must be: the datapath_type the Writer remembers for it; else, for a spec with
// an explicit DatapathType (and not AcceptOtherDatapath), exactly that one (a bridge stored as
// "" for "system" fails the guard: the full path accepts it); else any. It returns the ports
// and bridges it created, also when the wait for ovs-vswitchd then fails.
//
// ok=false with a nil error: a required bridge is missing or not as required, or a bridge to
// create exists; nothing was changed (a remembered bridge that changed is forgotten) and the
// caller takes the full path (EnsureBridge, then AddPorts). On success the required bridges
// with a known datapath_type and the created ones are remembered (KnowsBridge).
func (w *Writer) AddPortsOnBridges(ctx context.Context, wait Wait, require, create []BridgeSpec, ports ...PortSpec) (ok bool, created []string, err error) {
	batch := &Batch{WaitApplied: bool(wait)}
	type memo struct{ name, dp string }
	var remembered, learn []memo
	for _, b := range require {
		if err := checkName("BridgeSpec.Name", b.Name); err != nil {
			return false, nil, err
		}
		if dp, ok := w.known(b); ok {
			batch.RequireBridge(b.Name, dp)
			remembered = append(remembered, memo{b.Name, dp})
			continue
		}
		if b.DatapathType == "" || b.AcceptOtherDatapath {
			batch.RequireBridgeExists(b.Name)
			continue
		}
		batch.RequireBridge(b.Name, b.DatapathType)
		learn = append(learn, memo{b.Name, b.DatapathType})
	}
	for _, b := range create {
		batch.CreateBridge(b)
		learn = append(learn, memo{b.Name, b.DatapathType})
	}
	for _, p := range ports {
		batch.AddPort(p)
	}
	err = w.Apply(ctx, batch)
	var bce *BridgeChangedError
	var bee *BridgeExistsError
	switch {
	case errors.As(err, &bce):
		for _, m := range remembered {
			if m.name == bce.Bridge {
				w.bridges.drop(m.name, m.dp)
			}
		}
		return false, nil, nil
	case errors.As(err, &bee):
		return false, nil, nil
	}
	for _, b := range create {
		if batch.Created(b.Name) {
			created = append(created, b.Name)
		}
	}
	for _, p := range ports {
		if batch.Created(p.Name) {
			created = append(created, p.Name)
		}
	}
	if err == nil {
		for _, m := range learn {
			w.bridges.put(m.name, m.dp)
		}
	}
	return true, created, err
}

// DelBridgeIfOnly deletes bridge name (as DelBridge) only if it holds no port other than the
// ones named (its own internal port aside): how a rollback whose CreateBridge had an unknown outcome removes a per-VIF
// bridge it may have made, without touching one that holds anything else. A missing bridge
// is success.
func (w *Writer) DelBridgeIfOnly(ctx context.Context, name string, ports []string) error {
	v, err := w.vswitch(ctx)
	if err != nil {
		return err
	}
	have, err := v.ListPorts(ctx, name) // without its internal port
	var bnf *BridgeNotFoundError
	if errors.As(err, &bnf) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, p := range have {
		if !slices.Contains(ports, p) {
			return nil
		}
	}
	return w.DelBridge(ctx, name)
}

// DelBridge deletes bridge name (see VSwitch.DelBridge) and forgets it.
func (w *Writer) DelBridge(ctx context.Context, name string) error {
	w.bridges.forget(name)
	v, err := w.vswitch(ctx)
	if err != nil {
		return err
	}
	return v.DelBridge(ctx, name)
}
