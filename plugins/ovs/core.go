package ovs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
}

func (o *op) fail(step, dev string, err error) error {
	return &OpError{VIF: o.s.id, Op: o.name, Step: step, Device: dev, Err: err}
}

// plug plugs s, rolling back what it created if a step fails.
func (c *core) plug(ctx context.Context, s *vifSpec) error {
	if err := s.validate(); err != nil {
		return err
	}
	unlock, err := c.vifLocks.lock(ctx, s.id)
	if err != nil {
		return &OpError{VIF: s.id, Op: "plug", Step: "wait for VIF lock", Device: s.id, Err: err}
	}
	defer unlock()
	o := &op{c: c, s: s, name: "plug"}
	if err := o.checkOwnership(ctx); err != nil { // owner.go
		return err
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
		return fmt.Errorf("ovs: plug VIF %s: unsupported VIF kind %v", s.id, s.kind)
	}
	if err != nil {
		if rb := o.u.run(ctx, c.log); rb != nil {
			err = errors.Join(err, rb)
		}
		return err
	}
	c.log.Debug("ovs: plugged", "vif", s.id, "kind", s.kind.String())
	return nil
}

// ensureOVSBridge ensures an OVS bridge under its bridge lock; a bridge this plug created is
// removed on rollback only when it is per-VIF (pb…), never a shared integration bridge.
func (o *op) ensureOVSBridge(ctx context.Context, name string, perVIF bool) error {
	unlock, err := o.c.bridgeLocks.lock(ctx, name)
	if err != nil {
		return o.fail("wait for bridge lock", name, err)
	}
	defer unlock()
	created, err := o.c.sw.EnsureBridge(ctx, o.bridgeSpec(name))
	if err != nil {
		return o.fail("ensure OVS bridge", name, err)
	}
	if created && perVIF {
		o.u.push("delete OVS bridge "+name, func(ctx context.Context) error { return o.c.sw.DelBridge(ctx, name) })
	}
	return nil
}

// ensureBridgeFor ensures bridge and, concurrently (two OVSDB round trips in flight at once),
// looks up whether port already exists; the result goes to createVIFPort as portOpts.exists.
func (o *op) ensureBridgeFor(ctx context.Context, bridge string, perVIF bool, port string) (*bool, error) {
	var exists bool
	var lookupErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		exists, lookupErr = o.c.sw.PortExists(ctx, bridge, port)
	}()
	err := o.ensureOVSBridge(ctx, bridge, perVIF)
	<-done
	if err != nil {
		return nil, err
	}
	if lookupErr != nil {
		return nil, o.fail("look up OVS port", bridge+"/"+port, lookupErr)
	}
	return &exists, nil
}

// portOpts are the per-call parts of createVIFPort.
type portOpts struct {
	setIDs     bool
	ifaceType  string
	options    map[string]string
	mtuRequest int
	exists     *bool // already looked up (ensureBridgeFor); nil: createVIFPort looks it up
}

// createVIFPort is os-vif's _create_vif_port at HEAD: may-exist add-port with external_ids;
// dead VLAN and QoS only for a port that is new on that bridge.
func (o *op) createVIFPort(ctx context.Context, bridge, name string, po portOpts) error {
	var exists bool
	if po.exists != nil {
		exists = *po.exists
	} else {
		var err error
		if exists, err = o.c.sw.PortExists(ctx, bridge, name); err != nil {
			return o.fail("look up OVS port", bridge+"/"+name, err)
		}
	}
	p := o.vifPort(bridge, name, po, !exists)
	if err := o.c.sw.AddPorts(ctx, p); err != nil {
		return o.fail("add OVS port", bridge+"/"+name, err)
	}
	if !exists {
		o.u.push("delete OVS port "+name, func(ctx context.Context) error { return o.c.sw.DelPort(ctx, bridge, name) })
	}
	return nil
}

// vifPort is the Port createVIFPort adds; the dead VLAN and QoS columns only when isNew.
func (o *op) vifPort(bridge, name string, po portOpts, isNew bool) Port {
	s, opts := o.s, o.c.opts
	p := Port{Bridge: bridge, Name: name, Type: po.ifaceType, Options: po.options, MTURequest: po.mtuRequest}
	if po.setIDs {
		trunk := ""
		if isTrunkBridge(bridge) {
			trunk = bridge
		}
		p.ExternalIDs = externalIDs(s.interfaceID, s.mac, s.instanceUUID, trunk)
	}
	if isNew {
		if opts.IsolateVIF && !isTrunkBridge(bridge) {
			p.Tag, p.VLANMode, p.Trunks = DeadVLAN, "trunk", []int{DeadVLAN}
		}
		if s.datapath == DatapathSystem && opts.DefaultQoSType != "" {
			p.QoSType = opts.DefaultQoSType
		}
	}
	return p
}

// bridgeSpec is what ensureOVSBridge asks the Switch for.
func (o *op) bridgeSpec(name string) BridgeSpec {
	return BridgeSpec{Name: name, Datapath: o.s.datapath, Strict: o.s.dpExplicit}
}

// addPortToKnownBridge is createVIFPort in one OVSDB round trip, for a bridge the Switch
// remembers (knownBridgeAdder): the create-only columns are sent and applied by the Switch
// only if it creates the port, and the transaction requires the remembered bridge state.
// known=false: the Switch does not remember the bridge (any more); nothing was changed and
// the caller takes the full path.
func (o *op) addPortToKnownBridge(ctx context.Context, kb knownBridgeAdder, bridge, name string, po portOpts) (known bool, err error) {
	known, created, err := kb.AddPortToKnownBridge(ctx, o.bridgeSpec(bridge), o.vifPort(bridge, name, po, true))
	if err != nil {
		return true, o.fail("add OVS port", bridge+"/"+name, err)
	}
	if created {
		o.u.push("delete OVS port "+name, func(ctx context.Context) error { return o.c.sw.DelPort(ctx, bridge, name) })
	}
	return known, nil
}

// ensureBridgeAndPort ensures the shared bridge and adds port name to it: in one round trip
// on a bridge the Switch remembers (addPortToKnownBridge), else through ensureBridgeFor and
// createVIFPort.
func (o *op) ensureBridgeAndPort(ctx context.Context, bridge, name string, po portOpts) error {
	if kb, ok := o.c.sw.(knownBridgeAdder); ok && kb.KnowsBridge(o.bridgeSpec(bridge)) {
		if known, err := o.addPortToKnownBridge(ctx, kb, bridge, name, po); known || err != nil {
			return err
		}
	}
	exists, err := o.ensureBridgeFor(ctx, bridge, false, name)
	if err != nil {
		return err
	}
	po.exists = exists
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
	if waitDeferred(ctx) {
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
// yet is skipped, as in os-vif).
func (o *op) setMTUIfExists(ctx context.Context, dev string) error {
	ok, err := o.c.links.Exists(ctx, dev)
	if err != nil {
		return o.fail("look up device", dev, err)
	}
	if !ok {
		return nil
	}
	if err := o.c.links.SetMTU(ctx, dev, o.s.mtu); err != nil {
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
