package vswitch

import (
	"context"
	"errors"
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
// QoS are applied only if the port is created) in one transaction that requires bridge b.Name
// to exist with the remembered datapath_type, and reports whether it created the port: the
// steady plug then costs one round trip, with no bridge or port read before it. known=false
// (with a nil error) means the bridge is not remembered, or was deleted or re-typed since: it
// is forgotten, nothing was changed, and the caller takes the full path (EnsureBridge, then
// AddPorts).
func (w *Writer) AddPortToKnownBridge(ctx context.Context, b BridgeSpec, wait Wait, p PortSpec) (known, created bool, err error) {
	dp, ok := w.known(b)
	if !ok {
		return false, false, nil
	}
	batch := &Batch{WaitApplied: bool(wait)}
	batch.AddPort(p)
	batch.RequireBridge(b.Name, dp)
	err = w.Apply(ctx, batch)
	var bce *BridgeChangedError
	if errors.As(err, &bce) {
		w.bridges.drop(b.Name, dp)
		return false, false, nil
	}
	return true, batch.Created(p.Name), err
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
