package ovs

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/govif/govif/vswitch"
)

// VSwitchSwitch adapts *vswitch.VSwitch to Switch.
//
// Port additions and deletions that arrive while another one is being committed are merged
// into the next single transaction (group commit): N concurrent plugs cost a handful of OVSDB
// transactions and ovs-vswitchd reconfigurations instead of N. A merged transaction that fails
// is retried request by request, so each caller gets its own error.
type VSwitchSwitch struct {
	V *vswitch.VSwitch
	// WaitApplied makes port additions wait until ovs-vswitchd has applied them (cur_cfg), as
	// os-vif does, so a plugged port is live when Plug returns; without a running
	// ovs-vswitchd it must be false. Deletions never wait: the rows are gone when DelPort
	// returns, and ovs-vswitchd releases the device on its own.
	WaitApplied bool
	// Timeout bounds one merged commit (0: 2 minutes, os-vif's ovs_vsctl_timeout default).
	Timeout time.Duration

	mu      sync.Mutex
	pending []*portReq
	leading bool
	bridges bridgeMemo // bridges ensured through this Switch (see knownBridgeAdder)
}

var _ Switch = (*VSwitchSwitch)(nil)

// portReq is one caller's AddPorts or DelPort.
type portReq struct {
	adds   []vswitch.PortSpec
	dels   [][2]string // bridge, port
	reqs   [][2]string // bridge, datapath_type the transaction requires (Batch.RequireBridge)
	noWait bool        // the caller waits later (PlugMany)
	done   chan error
	// created holds the added ports the commit created; set before done is sent.
	created map[string]bool
}

func (r *portReq) names() []string {
	var n []string
	for _, a := range r.adds {
		n = append(n, a.Name)
	}
	for _, d := range r.dels {
		n = append(n, d[1])
	}
	return n
}

func (r *portReq) batch(wait bool) *vswitch.Batch {
	b := &vswitch.Batch{WaitApplied: wait && len(r.adds) > 0 && !r.noWait}
	for _, a := range r.adds {
		b.AddPort(a)
	}
	for _, d := range r.dels {
		b.DelPort(d[0], d[1])
	}
	for _, q := range r.reqs {
		b.RequireBridge(q[0], q[1])
	}
	return b
}

// run applies r alone and records which of its ports were created.
func (s *VSwitchSwitch) run(ctx context.Context, r *portReq) error {
	b := r.batch(s.WaitApplied)
	err := s.V.Apply(ctx, b)
	if err == nil {
		r.learnCreated(b)
	}
	return err
}

func (r *portReq) learnCreated(b *vswitch.Batch) {
	r.created = map[string]bool{}
	for _, a := range r.adds {
		if b.Created(a.Name) {
			r.created[a.Name] = true
		}
	}
}

// EnsureBridge implements Switch. The common case, a bridge that exists, costs one select;
// only a missing bridge goes through vswitch's guarded create.
func (s *VSwitchSwitch) EnsureBridge(ctx context.Context, b BridgeSpec) (bool, error) {
	have, err := s.V.BridgeDatapathType(ctx, b.Name)
	var bnf *vswitch.BridgeNotFoundError
	switch {
	case err == nil:
		s.bridges.put(b.Name, have)
		if b.Strict && normDatapath(have) != normDatapath(b.Datapath) {
			return false, &vswitch.DatapathConflictError{Bridge: b.Name, Have: have, Want: b.Datapath}
		}
		return false, nil
	case !errors.As(err, &bnf):
		return false, err
	}
	s.bridges.forget(b.Name)
	created, err := s.V.EnsureBridgeWith(ctx, vswitch.BridgeSpec{Name: b.Name, DatapathType: b.Datapath, AcceptOtherDatapath: !b.Strict})
	if created {
		s.bridges.put(b.Name, b.Datapath) // as stored: "" stays ""
	}
	return created, err
}

// normDatapath treats "" as "system", the Bridge column's default.
func normDatapath(dp string) string {
	if dp == "" {
		return DatapathSystem
	}
	return dp
}

// PortExists implements Switch. It reports a Port of that name on any bridge: one on another
// bridge makes AddPorts fail with *vswitch.PortConflictError, and is never rolled back.
func (s *VSwitchSwitch) PortExists(ctx context.Context, bridge, port string) (bool, error) {
	return s.V.PortExists(ctx, port)
}

// deferWaitKey marks a context whose port additions must not wait for ovs-vswitchd: the
// caller (PlugMany) waits once with Sync when all are made.
type deferWaitKey struct{}

// deferWait returns ctx marked so that VSwitchSwitch does not wait per addition.
func deferWait(ctx context.Context) context.Context {
	return context.WithValue(ctx, deferWaitKey{}, true)
}

func waitDeferred(ctx context.Context) bool { return ctx.Value(deferWaitKey{}) != nil }

// Sync implements Switch.
func (s *VSwitchSwitch) Sync(ctx context.Context) error {
	if !s.WaitApplied {
		return nil
	}
	return s.V.WaitApplied(ctx)
}

// InterfaceError implements Switch: the Interface's error column, or "ofport -1". Without
// WaitApplied ovs-vswitchd may not have looked at the interface yet, so it reports "".
func (s *VSwitchSwitch) InterfaceError(ctx context.Context, name string) (string, error) {
	if !s.WaitApplied {
		return "", nil
	}
	iface, err := s.V.InterfaceByName(ctx, name)
	if err != nil {
		return "", err
	}
	switch {
	case iface.Error != "":
		return iface.Error, nil
	case iface.OFPort == -1:
		return "ofport -1 (ovs-vswitchd could not add it)", nil
	}
	return "", nil
}

// DelBridge implements Switch.
func (s *VSwitchSwitch) DelBridge(ctx context.Context, name string) error {
	s.bridges.forget(name)
	return s.V.DelBridge(ctx, name)
}

// AddPorts implements Switch.
func (s *VSwitchSwitch) AddPorts(ctx context.Context, ports ...Port) error {
	r := &portReq{noWait: waitDeferred(ctx)}
	for _, p := range ports {
		r.adds = append(r.adds, portSpec(p))
	}
	return s.commit(ctx, r)
}

// portSpec is p for vswitch: Tag, Trunks, VLANMode and QoS only on a port being created.
func portSpec(p Port) vswitch.PortSpec {
	spec := vswitch.PortSpec{Bridge: p.Bridge, Name: p.Name, Type: p.Type, ExternalIDs: p.ExternalIDs,
		Options: p.Options, MTURequest: p.MTURequest, Tag: p.Tag, Trunks: p.Trunks, VLANMode: p.VLANMode,
		KeepPortColumns: true}
	if p.QoSType != "" {
		spec.QoS = &vswitch.QoSSpec{Type: p.QoSType, ExternalIDs: map[string]string{"id": QoSID(p.Name), "_type": p.QoSType}}
	}
	return spec
}

// DelPort implements Switch.
func (s *VSwitchSwitch) DelPort(ctx context.Context, bridge, port string) error {
	return s.commit(ctx, &portReq{dels: [][2]string{{bridge, port}}})
}

// commit queues r and either leads the next group commits or waits for the leader.
func (s *VSwitchSwitch) commit(ctx context.Context, r *portReq) error {
	r.done = make(chan error, 1)
	s.mu.Lock()
	s.pending = append(s.pending, r)
	lead := !s.leading
	if lead {
		s.leading = true
	}
	s.mu.Unlock()
	if lead {
		s.lead(ctx)
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
	}
	// Cancelled: withdraw the request if no leader has taken it yet; once it is in flight the
	// database may commit it, so report what really happened rather than a bare ctx error
	// (the caller's rollback depends on it).
	s.mu.Lock()
	if i := slices.Index(s.pending, r); i >= 0 {
		s.pending = slices.Delete(s.pending, i, i+1)
		s.mu.Unlock()
		return ctx.Err()
	}
	s.mu.Unlock()
	return <-r.done
}

// lead commits the queued requests, group by group, until none are left.
func (s *VSwitchSwitch) lead(ctx context.Context) {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	for {
		s.mu.Lock()
		group, rest := splitGroup(s.pending)
		s.pending = rest
		if len(group) == 0 {
			s.leading = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		// The group carries other callers' work: it must not die with the leader's context.
		gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		s.apply(gctx, group)
		cancel()
	}
}

// splitGroup takes the longest prefix-compatible set of requests whose port names do not
// repeat (a batch may name a port once); the others wait for the next group.
func splitGroup(reqs []*portReq) (group, rest []*portReq) {
	seen := map[string]bool{}
	for _, r := range reqs {
		clash := false
		for _, n := range r.names() {
			if seen[n] {
				clash = true
				break
			}
		}
		if clash {
			rest = append(rest, r)
			continue
		}
		for _, n := range r.names() {
			seen[n] = true
		}
		group = append(group, r)
	}
	return group, rest
}

func (s *VSwitchSwitch) apply(ctx context.Context, group []*portReq) {
	if len(group) == 1 {
		group[0].done <- s.run(ctx, group[0])
		return
	}
	merged := &portReq{noWait: true}
	reqSeen := map[[2]string]bool{}
	for _, r := range group {
		merged.adds = append(merged.adds, r.adds...)
		merged.dels = append(merged.dels, r.dels...)
		merged.noWait = merged.noWait && r.noWait
		for _, q := range r.reqs {
			if !reqSeen[q] {
				reqSeen[q] = true
				merged.reqs = append(merged.reqs, q)
			}
		}
	}
	mb := merged.batch(s.WaitApplied)
	if err := s.V.Apply(ctx, mb); err == nil {
		for _, r := range group {
			r.learnCreated(mb)
			r.done <- nil
		}
		return
	}
	// Attribute the failure: replay each request alone (idempotent operations).
	for _, r := range group {
		r.done <- s.run(ctx, r)
	}
}
