package ovs

import (
	"context"
	"fmt"
	"strconv"

	"github.com/govif/govif/vswitch"
)

// plugHybrid is the VIFBridge plug: qbr Linux bridge, qvb/qvo veth pair, qvo on OVS. Unlike
// os-vif (which only updates MTUs when qvo exists), every step is an ensure, so a re-plug
// repairs a missing OVS port, veth pair or bridge membership.
func (o *op) plugHybrid(ctx context.Context, qbr string) error {
	c, s := o.c, o.s
	qvb, qvo := vethNames(s.id)

	created, err := c.links.EnsureHybridBridge(ctx, qbr)
	if created { // also on error: what it made, it removes
		o.u.push("delete bridge "+qbr, func(ctx context.Context) error { return c.links.Delete(ctx, qbr) })
	}
	if err != nil {
		return o.fail("create Linux bridge", qbr, err)
	}
	created, err = c.links.EnsureHybridVeth(ctx, qvb, qvo, qbr, s.mtu)
	if created {
		o.u.push("delete veth "+qvo, func(ctx context.Context) error { return c.links.Delete(ctx, qvo) })
	}
	if err != nil {
		return o.fail("create veth pair", qvb+"/"+qvo, err)
	}
	if err := o.ensureBridgeAndPort(ctx, s.netBridge, qvo, portOpts{setIDs: true}); err != nil {
		return err
	}
	return o.checkInterface(ctx, s.netBridge, qvo)
}

// plugGeneric is the VIFOpenVSwitch plug without per-port bridges.
//
// With create_tap the tap is made before its OVS port (os-vif makes it after the port
// transaction): ovs-vswitchd then opens the device on the reconfiguration that adds the port,
// instead of recording "could not open network device" until the next one.
//
// The steady case, a bridge the Switch remembers, costs one OVSDB round trip: the port is
// added in a transaction that requires the bridge to be as remembered; if it is not (deleted
// or re-typed meanwhile), the plug takes the full path below.
func (o *op) plugGeneric(ctx context.Context) error {
	s := o.s
	if !s.createPort {
		if err := o.ensureOVSBridge(ctx, s.netBridge, false); err != nil {
			return err
		}
		return o.createTap(ctx)
	}
	if err := o.createTap(ctx); err != nil {
		return err
	}
	if err := o.ensureBridgeAndPort(ctx, s.netBridge, s.vifName, portOpts{setIDs: true}); err != nil {
		return err
	}
	if s.createTap {
		return nil // made (or repaired) at the MTU just above
	}
	return o.setMTUIfExists(ctx, s.vifName)
}

// createTap pre-creates the VIF's tap (profile 1.4 create_tap) if it is missing.
func (o *op) createTap(ctx context.Context) error {
	c, s := o.c, o.s
	if !s.createTap {
		return nil
	}
	created, err := c.links.CreateTap(ctx, s.vifName, s.mac, s.mtu, s.multiqueue)
	if created { // also on error: what it made, it removes
		o.u.push("delete tap "+s.vifName, func(ctx context.Context) error { return c.links.Delete(ctx, s.vifName) })
	}
	if err != nil {
		return o.fail("create tap", s.vifName, err)
	}
	return nil
}

// plugPerPortBridge is the VIFOpenVSwitch plug with per_port_bridge: the tap on pb<id>, and a
// patch pair pbp<id> (on pb) / ibp<id> (on the integration bridge).
func (o *op) plugPerPortBridge(ctx context.Context) error {
	s, c := o.s, o.c
	if err := checkNetdevName(s.vifName); err != "" {
		return &InvalidVIFError{VIF: s.id, Field: "vif_name", Value: fmt.Sprintf("%q", s.vifName), Reason: err}
	}
	pb := portName(prefixPortBridge, s.id, nicNameLen)
	pbp := portName(prefixPortPatch, s.id, patchNameLen)
	ibp := portName(prefixIntPatch, s.id, patchNameLen)
	if err := o.ensureOVSBridge(ctx, s.netBridge, false); err != nil {
		return err
	}
	if err := o.ensureOVSBridge(ctx, pb, true); err != nil {
		return err
	}
	if err := o.createTap(ctx); err != nil { // before its port, as in plugGeneric
		return err
	}
	// The tap's port and the patch pair in ONE transaction (one ovs-vswitchd reconfiguration).
	tapPort := o.vifPort(pb, s.vifName, portOpts{})
	intSide := vswitch.PortSpec{Bridge: s.netBridge, Name: ibp, Type: ifaceTypePatch,
		Options:     map[string]string{"peer": pbp},
		ExternalIDs: externalIDs(s.id, s.mac, s.instanceUUID, ""), KeepPortColumns: true}
	if c.opts.IsolateVIF {
		intSide.Tag = DeadVLAN // only if created (KeepPortColumns)
	}
	pbSide := vswitch.PortSpec{Bridge: pb, Name: pbp, Type: ifaceTypePatch, Options: map[string]string{"peer": ibp}}
	created, err := c.sw.AddPorts(ctx, o.wait, tapPort, intSide, pbSide)
	for _, p := range []vswitch.PortSpec{tapPort, intSide, pbSide} {
		o.undoAdded(p.Bridge, p, created, err)
	}
	if err != nil {
		return o.fail("add OVS port and patch port pair", pb+"/"+s.vifName+", "+s.netBridge+"/"+ibp+" <-> "+pb+"/"+pbp, err)
	}
	return o.setMTUIfExists(ctx, s.vifName)
}

// plugVHostUser is the VIFVHostUser plug: a dpdkvhostuser(client) port vhu<id>.
func (o *op) plugVHostUser(ctx context.Context) error {
	s := o.s
	name := portName(prefixVHostUser, s.id, nicNameLen)
	po := portOpts{setIDs: true, mtuRequest: s.mtu}
	if s.vhostMode == "client" {
		po.ifaceType = ifaceTypeVHostUser
	} else {
		po.ifaceType = ifaceTypeVHostUserClient
		po.options = map[string]string{"vhost-server-path": s.vhostPath}
	}
	return o.ensureBridgeAndPort(ctx, s.netBridge, name, po)
}

// plugHostDevice is the VIFHostDevice plug: the VF's representor as an OVS port.
func (o *op) plugHostDevice(ctx context.Context) error {
	s, c := o.s, o.c
	if err := o.ensureOVSBridge(ctx, s.netBridge, false); err != nil {
		return err
	}
	vf, err := c.links.VFNumber(ctx, s.devAddress)
	if err != nil {
		return o.fail("find VF number", s.devAddress, err)
	}
	if s.datapath != DatapathSystem {
		pf, err := c.links.PFAddress(ctx, s.devAddress)
		if err != nil {
			return o.fail("find PF", s.devAddress, err)
		}
		name := portName(prefixDPDKRep, s.id, nicNameLen)
		return o.createVIFPort(ctx, s.netBridge, name, portOpts{setIDs: true, ifaceType: ifaceTypeDPDK,
			options: map[string]string{"dpdk-devargs": pf + ",representor=[" + strconv.Itoa(vf) + "]"}})
	}
	rep, err := o.representor(ctx, vf)
	if err != nil {
		return err
	}
	if err := c.links.SetUp(ctx, rep); err != nil {
		return o.fail("set up", rep, err)
	}
	if err := o.createVIFPort(ctx, s.netBridge, rep, portOpts{setIDs: true}); err != nil {
		return err
	}
	if err := o.checkInterface(ctx, s.netBridge, rep); err != nil {
		return err
	}
	if err := c.links.SetMTU(ctx, rep, s.mtu); err != nil {
		return o.fail(fmt.Sprintf("set MTU %d", s.mtu), rep, err)
	}
	return nil
}

// representor finds the switchdev representor netdev of the VIF's VF through sysfs.
func (o *op) representor(ctx context.Context, vf int) (string, error) {
	pf, err := o.c.links.SwitchdevPF(ctx, o.s.devAddress)
	if err != nil {
		return "", o.fail("find switchdev PF", o.s.devAddress, err)
	}
	rep, err := o.c.links.Representor(ctx, pf, vf)
	if err != nil {
		return "", o.fail(fmt.Sprintf("find representor of VF %d", vf), pf, err)
	}
	return rep, nil
}
