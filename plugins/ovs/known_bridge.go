package ovs

import (
	"context"
	"errors"
	"sync"

	"github.com/govif/govif/vswitch"
)

// knownBridgeAdder is implemented by a Switch that remembers the bridges it ensured (name and
// datapath_type) and can add a port to one in a single transaction that also requires the
// bridge to be still so: the steady plug then costs one OVSDB round trip, with no bridge or
// port read before it.
type knownBridgeAdder interface {
	// KnowsBridge reports whether the Switch remembers bridge b.Name with a datapath_type b
	// accepts. It is a hint: AddPortToKnownBridge re-checks it inside its transaction.
	KnowsBridge(b BridgeSpec) bool
	// AddPortToKnownBridge adds p like AddPorts (Tag, Trunks, VLANMode and QoSType are
	// applied only when the port is created) in one transaction that requires bridge b.Name
	// to exist with the remembered datapath_type, and reports whether it created the port.
	// known=false (with a nil error) means the bridge is not remembered, or was deleted or
	// re-typed since: it is forgotten, nothing was changed, and the caller must take the
	// full path (EnsureBridge, then AddPorts).
	AddPortToKnownBridge(ctx context.Context, b BridgeSpec, p Port) (known, created bool, err error)
}

var _ knownBridgeAdder = (*VSwitchSwitch)(nil)

// bridgeMemo is VSwitchSwitch's memory of ensured bridges: name -> datapath_type as stored.
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

// known returns the remembered datapath_type of b.Name if b accepts it.
func (s *VSwitchSwitch) known(b BridgeSpec) (string, bool) {
	dp, ok := s.bridges.get(b.Name)
	if !ok || (b.Strict && normDatapath(dp) != normDatapath(b.Datapath)) {
		return "", false
	}
	return dp, true
}

// KnowsBridge implements knownBridgeAdder.
func (s *VSwitchSwitch) KnowsBridge(b BridgeSpec) bool {
	_, ok := s.known(b)
	return ok
}

// AddPortToKnownBridge implements knownBridgeAdder.
func (s *VSwitchSwitch) AddPortToKnownBridge(ctx context.Context, b BridgeSpec, p Port) (known, created bool, err error) {
	dp, ok := s.known(b)
	if !ok {
		return false, false, nil
	}
	r := &portReq{noWait: waitDeferred(ctx), adds: []vswitch.PortSpec{portSpec(p)}, reqs: [][2]string{{b.Name, dp}}}
	err = s.commit(ctx, r)
	var bce *vswitch.BridgeChangedError
	if errors.As(err, &bce) {
		s.bridges.drop(b.Name, dp)
		return false, false, nil
	}
	if err != nil {
		return true, false, err
	}
	return true, r.created[p.Name], nil
}

var _ knownBridgeAdder = (*lazySwitch)(nil)

// KnowsBridge implements knownBridgeAdder (false until OVSDB has been dialled).
func (l *lazySwitch) KnowsBridge(b BridgeSpec) bool {
	l.mu.Lock()
	sw := l.sw
	l.mu.Unlock()
	return sw != nil && sw.KnowsBridge(b)
}

// AddPortToKnownBridge implements knownBridgeAdder.
func (l *lazySwitch) AddPortToKnownBridge(ctx context.Context, b BridgeSpec, p Port) (known, created bool, err error) {
	sw, err := l.get(ctx)
	if err != nil {
		return true, false, err
	}
	return sw.AddPortToKnownBridge(ctx, b, p)
}
