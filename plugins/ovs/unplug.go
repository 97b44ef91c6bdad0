package ovs

import (
	"context"
	"errors"
)

// unplug removes what plug made for s. Every step runs even when an earlier one failed (so a
// half-plugged VIF is cleaned as far as possible); the errors are returned joined. Missing
// devices, ports and bridges are not errors.
func (c *core) unplug(ctx context.Context, s *vifSpec) error {
	if s.id == "" {
		return &InvalidVIFError{Field: "id", Value: `""`, Reason: "empty"}
	}
	unlock, err := c.vifLocks.lock(ctx, vifLockKey(s.id))
	if err != nil {
		return &OpError{VIF: s.id, Op: "unplug", Step: "wait for VIF lock", Device: s.id, Err: err}
	}
	defer unlock()
	o := &op{c: c, s: s, name: "unplug"}
	if err := o.checkOwnership(ctx); err != nil { // owner.go
		return err
	}
	var errs []error
	switch s.kind {
	case kindBridge:
		errs = o.unplugHybrid(ctx, s.bridgeName)
	case kindOpenVSwitch:
		errs = o.unplugOpenVSwitch(ctx)
	case kindVHostUser:
		errs = o.delPort(ctx, s.netBridge, portName(prefixVHostUser, s.id, nicNameLen), false)
	case kindHostDevice:
		errs = o.unplugHostDevice(ctx)
	}
	if err := o.deleteTrunkBridge(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// delPort removes an OVS port (and its QoS rows), then its netdev when deleteNetdev.
func (o *op) delPort(ctx context.Context, bridge, port string, deleteNetdev bool) []error {
	var errs []error
	if err := o.c.sw.DelPort(ctx, bridge, port); err != nil {
		errs = append(errs, o.fail("delete OVS port", bridge+"/"+port, err))
	}
	if deleteNetdev {
		if err := o.c.links.Delete(ctx, port); err != nil {
			errs = append(errs, o.fail("delete device", port, err))
		}
	}
	return errs
}

// unplugHybrid deletes the qbr bridge, the OVS port qvo and the veth pair.
func (o *op) unplugHybrid(ctx context.Context, qbr string) []error {
	var errs []error
	_, qvo := vethNames(o.s.id)
	if qbr != "" {
		if err := o.c.links.Delete(ctx, qbr); err != nil {
			errs = append(errs, o.fail("delete bridge", qbr, err))
		}
	}
	return append(errs, o.delPort(ctx, o.s.netBridge, qvo, true)...)
}

// unplugOpenVSwitch takes the hybrid path when a qbr<id> bridge existed (the VIF was plugged
// hybrid and is now described as plain OVS: the bridge is removed by the same call that finds
// it), else removes the port (and pb<id> bridge).
func (o *op) unplugOpenVSwitch(ctx context.Context) []error {
	s, c := o.s, o.c
	if c.opts.PerPortBridge {
		return o.unplugPerPortBridge(ctx)
	}
	qbr := portName(prefixHybridBridge, s.id, nicNameLen)
	removed, err := c.links.Remove(ctx, qbr)
	if err != nil {
		return []error{o.fail("delete bridge", qbr, err)}
	}
	if removed {
		return o.unplugHybrid(ctx, "") // qbr is gone already
	}
	if s.vifName == "" {
		return nil
	}
	if s.createTap {
		// os-vif (create_tap) deletes the tap it made before the port.
		var errs []error
		if err := c.links.Delete(ctx, s.vifName); err != nil {
			errs = append(errs, o.fail("delete tap", s.vifName, err))
		}
		return append(errs, o.delPort(ctx, s.netBridge, s.vifName, false)...)
	}
	return o.delPort(ctx, s.netBridge, s.vifName, true)
}

func (o *op) unplugPerPortBridge(ctx context.Context) []error {
	s := o.s
	pb := portName(prefixPortBridge, s.id, nicNameLen)
	ibp := portName(prefixIntPatch, s.id, patchNameLen)
	errs := o.delPort(ctx, s.netBridge, ibp, false)
	// Deleting pb deletes its ports (the tap's and pbp) and their QoS rows with it: no
	// transaction per port.
	if err := o.c.sw.DelBridge(ctx, pb); err != nil {
		errs = append(errs, o.fail("delete OVS bridge", pb, err))
	}
	if s.vifName != "" {
		if err := o.c.links.Delete(ctx, s.vifName); err != nil {
			errs = append(errs, o.fail("delete device", s.vifName, err))
		}
	}
	return errs
}

func (o *op) unplugHostDevice(ctx context.Context) []error {
	s, c := o.s, o.c
	if s.datapath != DatapathSystem {
		return o.delPort(ctx, s.netBridge, portName(prefixDPDKRep, s.id, nicNameLen), false)
	}
	vf, err := c.links.VFNumber(ctx, s.devAddress)
	if err != nil {
		return []error{o.fail("find VF number", s.devAddress, err)}
	}
	rep, err := o.representor(ctx, vf)
	if err != nil {
		return []error{err}
	}
	errs := o.delPort(ctx, s.netBridge, rep, false)
	if err := c.links.SetDown(ctx, rep); err != nil {
		errs = append(errs, o.fail("set down", rep, err))
	}
	return errs
}
