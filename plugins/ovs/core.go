package ovs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/vswitch"
)

// core is the plugin's host logic on normalized VIFs (vifSpec), independent of the object
// model so that it can be unit-tested with fakes.
type core struct {
	sw          Switch
	links       Links
	opts        Options
	log         *slog.Logger
	vifLocks    keyedMutex
	bridgeLocks keyedMutex
}

// op carries one plug or unplug of one VIF: its spec, its rollback stack, and error helpers.
type op struct {
	c    *core
	s    *vifSpec
	name string // "plug" or "unplug"
	u    undo
	// wait says whether port additions wait for ovs-vswitchd and the interface is checked
	// afterwards; PlugMany passes vswitch.DontWait and waits once for all with Sync.
	wait vswitch.Wait
}

func (o *op) fail(step, dev string, err error) error {
	return &OpError{VIF: o.s.id, Op: o.name, Step: step, Device: dev, Err: err}
}

// plug plugs s, rolling back what it created if a step fails.
func (c *core) plug(ctx context.Context, s *vifSpec, wait vswitch.Wait) error {
	_, err := c.plugKeep(ctx, s, wait)
	return err
}

// plugKeep is plug that returns, on success, the rollback of what it created, for a caller
// that may still fail the plug afterwards (PlugMany, after its single wait for ovs-vswitchd).
func (c *core) plugKeep(ctx context.Context, s *vifSpec, wait vswitch.Wait) (*undo, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	unlock, err := c.vifLocks.lock(ctx, vifLockKey(s.id))
	if err != nil {
		return nil, &OpError{VIF: s.id, Op: "plug", Step: "wait for VIF lock", Device: s.id, Err: err}
	}
	defer unlock()
	o := &op{c: c, s: s, name: "plug", wait: wait}
	if err := o.checkOwnership(ctx); err != nil { // owner.go
		return nil, err
	}
	switch s.kind {
	case kindBridge:
		err = o.plugHybrid(ctx, s.bridgeName)
	case kindOpenVSwitch:
		if c.opts.PerPortBridge {
			err = o.plugPerPortBridge(ctx)
		} else {
			err = o.plugGeneric(ctx)
		}
	case kindVHostUser:
		err = o.plugVHostUser(ctx)
	case kindHostDevice:
		err = o.plugHostDevice(ctx)
	default:
		return nil, fmt.Errorf("ovs: plug VIF %s: unsupported VIF kind %v", s.id, s.kind)
	}
	if err != nil {
		if rb := o.u.run(ctx, c.rollbackTimeout(), c.log); rb != nil {
			err = errors.Join(err, rb)
		}
		return nil, err
	}
	c.log.Debug("ovs: plugged", "vif", s.id, "kind", s.kind.String())
	return &o.u, nil
}

// rollBack runs the rollback plugKeep returned for s under its VIF lock, and returns err
// joined with the rollback's errors.
func (c *core) rollBack(ctx context.Context, s *vifSpec, u *undo, err error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.rollbackTimeout())
	defer cancel()
	unlock, lerr := c.vifLocks.lock(rctx, vifLockKey(s.id))
	if lerr != nil {
		return errors.Join(err, fmt.Errorf("rollback: wait for VIF lock: %w", lerr))
	}
	defer unlock()
	if rb := u.run(rctx, c.rollbackTimeout(), c.log); rb != nil {
		return errors.Join(err, rb)
	}
	return err
}

// rollbackTimeout bounds a rollback, which runs even when the plug's context is done.
func (c *core) rollbackTimeout() time.Duration {
	if c.opts.RollbackTimeout > 0 {
		return c.opts.RollbackTimeout
	}
	return defaultRollbackTimeout
}

// defaultRollbackTimeout is Options.RollbackTimeout's default.
const defaultRollbackTimeout = 30 * time.Second

// ensureOVSBridge ensures an OVS bridge under its bridge lock; a bridge this plug created is
// removed on rollback only when it is per-VIF (pb…), never a shared integration bridge.
func (o *op) ensureOVSBridge(ctx context.Context, name string, perVIF bool) error {
	unlock, err := o.c.bridgeLocks.lock(ctx, name)
	if err != nil {
		return o.fail("wait for bridge lock", name, err)
	}
	defer unlock()
	created, err := o.c.sw.EnsureBridge(ctx, o.bridgeSpec(name))
	if created && perVIF { // also on error: what it made, it removes
		o.u.push("delete OVS bridge "+name, func(ctx context.Context) error { return o.c.sw.DelBridge(ctx, name) })
	}
	if err != nil {
		return o.fail("ensure OVS bridge", name, err)
	}
	return nil
}

// portOpts are the per-call parts of createVIFPort.
type portOpts struct {
	setIDs     bool
	ifaceType  string
	options    map[string]string
	mtuRequest int
}

// createVIFPort is os-vif's _create_vif_port at HEAD: may-exist add-port with external_ids;
// the dead VLAN and QoS go only on a port the transaction creates (vswitch applies them only
// then: PortSpec.KeepPortColumns), so no lookup is needed first. One OVSDB transaction.
func (o *op) createVIFPort(ctx context.Context, bridge, name string, po portOpts) error {
	p := o.vifPort(bridge, name, po)
	created, err := o.c.sw.AddPorts(ctx, o.wait, p)
	o.undoAdded(bridge, p, created, err)
	if err != nil {
		return o.fail("add OVS port", bridge+"/"+name, err)
	}
	return nil
}

// undoAdded pushes the rollback of an add of p: a port the add created is deleted; a port an
// unanswered add may have created (*vswitch.OutcomeUnknownError) is read back once the add is
// settled and deleted if it carries this VIF's external_ids (what it added).
func (o *op) undoAdded(bridge string, p vswitch.PortSpec, created []string, err error) {
	name := p.Name
	if slices.Contains(created, name) {
		o.u.push("delete OVS port "+name, func(ctx context.Context) error { return o.c.sw.DelPort(ctx, bridge, name) })
		return
	}
	var ue *vswitch.OutcomeUnknownError
	if !errors.As(err, &ue) || !slices.Contains(ue.MayHaveCreated, name) {
		return
	}
	ids := p.ExternalIDs
	if len(ids) == 0 {
		ids = map[string]string{} // no ids: the port's name is all there is to go by
	}
	o.u.push("delete OVS port "+name+" if it is ours", func(ctx context.Context) error {
		created, known := ue.Settle(ctx)
		switch {
		case known && slices.Contains(created, name):
			return o.c.sw.DelPort(ctx, bridge, name)
		case known:
			return nil // answered: it did not create the port
		}
		return o.c.sw.DelPortIfOwned(ctx, bridge, name, ids)
	})
}

// vifPort is the Port createVIFPort adds; the dead VLAN and QoS columns apply only if it is
// created.
func (o *op) vifPort(bridge, name string, po portOpts) vswitch.PortSpec {
	s, opts := o.s, o.c.opts
	p := vswitch.PortSpec{Bridge: bridge, Name: name, Type: po.ifaceType, Options: po.options, MTURequest: po.mtuRequest,
		KeepPortColumns: true}
	if po.setIDs {
		trunk := ""
		if isTrunkBridge(bridge) {
			trunk = bridge
		}
		p.ExternalIDs = externalIDs(s.interfaceID, s.mac, s.instanceUUID, trunk)
	}
	if opts.IsolateVIF && !isTrunkBridge(bridge) {
		p.Tag, p.VLANMode, p.Trunks = DeadVLAN, "trunk", []int{DeadVLAN}
	}
	if s.datapath == DatapathSystem && opts.DefaultQoSType != "" {
		p.QoS = &vswitch.QoSSpec{Type: opts.DefaultQoSType, ExternalIDs: map[string]string{"id": QoSID(name), "_type": opts.DefaultQoSType}}
	}
	return p
}

// bridgeSpec is what ensureOVSBridge asks the Switch for.
func (o *op) bridgeSpec(name string) vswitch.BridgeSpec {
	return vswitch.BridgeSpec{Name: name, DatapathType: o.s.datapath, AcceptOtherDatapath: !o.s.dpExplicit}
}

// addPortToKnownBridge is createVIFPort in one OVSDB round trip: the transaction requires the
// bridge as the Switch remembers it, or as the VIF accepts it. known=false: the bridge is
// missing or not as required; nothing was changed and the caller takes the full path.
func (o *op) addPortToKnownBridge(ctx context.Context, bridge, name string, po portOpts) (known bool, err error) {
	p := o.vifPort(bridge, name, po)
	known, created, err := o.c.sw.AddPortToKnownBridge(ctx, o.bridgeSpec(bridge), o.wait, p)
	var cr []string
	if created {
		cr = []string{name}
	}
	o.undoAdded(bridge, p, cr, err)
	if err != nil {
		return true, o.fail("add OVS port", bridge+"/"+name, err)
	}
	return known, nil
}

// ensureBridgeAndPort ensures the shared bridge and adds port name to it: in one round trip
// (addPortToKnownBridge: the add requires the bridge as remembered, or as the VIF accepts it,
// cold plugs included), else, when the bridge is missing or not as required, EnsureBridge
// (which creates it or reports the conflict) then the add.
func (o *op) ensureBridgeAndPort(ctx context.Context, bridge, name string, po portOpts) error {
	if known, err := o.addPortToKnownBridge(ctx, bridge, name, po); known || err != nil {
		return err
	}
	if err := o.ensureOVSBridge(ctx, bridge, false); err != nil {
		return err
	}
	return o.createVIFPort(ctx, bridge, name, po)
}

// InterfaceFailedError is an interface ovs-vswitchd could not set up after the port was added
// (os-vif only logs "Failed to add interfaces"); the plug fails and is rolled back.
type InterfaceFailedError struct {
	Interface string
	Reason    string // ovs-vswitchd's Interface.error
}

func (e *InterfaceFailedError) Error() string {
	return fmt.Sprintf("ovs-vswitchd could not add interface %s: %s", e.Interface, e.Reason)
}

// checkInterface fails when ovs-vswitchd reported an error for an interface whose device the
// plug made or found (so the error is real, not "the tap does not exist yet").
func (o *op) checkInterface(ctx context.Context, bridge, name string) error {
	if o.wait == vswitch.DontWait {
		return nil // PlugMany checks after its single Sync
	}
	reason, err := o.c.sw.InterfaceError(ctx, name)
	if err != nil {
		return o.fail("read OVS interface", bridge+"/"+name, err)
	}
	if reason != "" {
		return o.fail("attach OVS interface", bridge+"/"+name, &InterfaceFailedError{Interface: name, Reason: reason})
	}
	return nil
}

// setMTUIfExists applies the MTU through netlink when dev exists (a tap libvirt has not made
// yet is skipped, as in os-vif): one lookup, and a set only if the MTU differs.
func (o *op) setMTUIfExists(ctx context.Context, dev string) error {
	err := o.c.links.SetMTU(ctx, dev, o.s.mtu)
	if err != nil && !netdev.IsNotFound(err) {
		return o.fail(fmt.Sprintf("set MTU %d", o.s.mtu), dev, err)
	}
	return nil
}

// deleteTrunkBridge removes network.bridge when it is a tbr- trunk bridge (os-vif does this at
// the end of every unplug).
func (o *op) deleteTrunkBridge(ctx context.Context) error {
	if !isTrunkBridge(o.s.netBridge) {
		return nil
	}
	if err := o.c.sw.DelBridge(ctx, o.s.netBridge); err != nil {
		return o.fail("delete trunk bridge", o.s.netBridge, err)
	}
	return nil
}
