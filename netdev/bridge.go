package netdev

import (
	"context"
	"fmt"
	"time"
)

// BridgeOptions tunes a bridge EnsureBridgeWith creates.
type BridgeOptions struct {
	// AgeingTime, when not nil, is the MAC ageing time set at creation. os-vif's hybrid plug
	// uses 0 (entries never age out, so a live migration loses no packets). Nil keeps the
	// kernel default (300 s), as os-vif's linux_bridge plugin does.
	AgeingTime *time.Duration
}

// EnsureBridge ensures a Linux bridge named name exists and is up, as os-vif's ensure_bridge
// does: a bridge it creates gets forward delay 0, STP off and multicast snooping off; on every
// call, disable_ipv6=1, arp_ignore=1 and arp_announce=2 are written for it under
// /proc/sys/net (each only if the kernel has that file, so a kernel without IPv6 is fine).
// An existing bridge keeps its bridge settings. A device of another kind named name gives a
// *ConflictError.
func (l *Links) EnsureBridge(ctx context.Context, name string) error {
	return l.EnsureBridgeWith(ctx, name, BridgeOptions{})
}

// EnsureBridgeWith is EnsureBridge with options for the bridge it creates.
func (l *Links) EnsureBridgeWith(ctx context.Context, name string, opts BridgeOptions) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	var ageing *uint32
	if opts.AgeingTime != nil {
		d := *opts.AgeingTime
		if d < 0 || d > 1000000*time.Second {
			return &ValueError{Field: "bridge ageing time", Value: d, Reason: "must be between 0 and 1000000s"}
		}
		cs := uint32(d / (10 * time.Millisecond))
		ageing = &cs
	}
	const op = "ensure bridge"
	if err := live(ctx, op, name); err != nil {
		return err
	}
	existing, err := l.getOrNil(op, name)
	if err != nil {
		return err
	}
	if existing == nil {
		err := l.createBridge(name, ageing)
		switch {
		case err == nil:
			l.log.Debug("netdev: created bridge", "bridge", name)
		case isExist(err):
			// Created meanwhile: check below that it is a bridge.
			if existing, err = l.getOrNil(op, name); err != nil {
				return err
			}
			if existing == nil {
				return opErr("create bridge", name, ErrNotFound)
			}
		default:
			return opErr("create bridge", name, err)
		}
	}
	if existing != nil && existing.Kind != "bridge" {
		return &ConflictError{Name: name, Reason: fmt.Sprintf("exists as %s, want bridge", existing.Kind)}
	}
	for _, s := range []struct{ path, value string }{
		{"net/ipv6/conf/" + name + "/disable_ipv6", "1"},
		{"net/ipv4/conf/" + name + "/arp_ignore", "1"},
		{"net/ipv4/conf/" + name + "/arp_announce", "2"},
	} {
		if err := l.setSysctlIfExists(s.path, s.value); err != nil {
			return err
		}
	}
	return l.SetUp(ctx, name)
}

// AddToBridge enslaves dev to bridge. A device already in that bridge is left as it is; a
// device in another bridge is moved. bridge must exist and be a bridge (*ConflictError
// otherwise).
func (l *Links) AddToBridge(ctx context.Context, dev, bridge string) error {
	if err := validateNames(dev, bridge); err != nil {
		return err
	}
	op := "add to bridge " + bridge
	if err := live(ctx, op, dev); err != nil {
		return err
	}
	br, err := l.lookup(op, bridge)
	if err != nil {
		return err
	}
	if k := kindOf(br); k != "bridge" {
		return &ConflictError{Name: bridge, Reason: fmt.Sprintf("exists as %s, want bridge", k)}
	}
	nlink, err := l.lookup(op, dev)
	if err != nil {
		return err
	}
	if nlink.Attrs().MasterIndex == br.Attrs().Index {
		return nil
	}
	if err := l.h.LinkSetMasterByIndex(nlink, br.Attrs().Index); err != nil {
		return opErr(op, dev, err)
	}
	l.log.Debug("netdev: added to bridge", "dev", dev, "bridge", bridge)
	return nil
}

// RemoveFromBridge releases dev from bridge. A device that does not exist, or is not in that
// bridge, is left alone without error.
func (l *Links) RemoveFromBridge(ctx context.Context, dev, bridge string) error {
	if err := validateNames(dev, bridge); err != nil {
		return err
	}
	op := "remove from bridge " + bridge
	if err := live(ctx, op, dev); err != nil {
		return err
	}
	br, err := l.getOrNil(op, bridge)
	if err != nil || br == nil {
		return err
	}
	nlink, err := l.h.LinkByName(dev)
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return opErr(op, dev, err)
	}
	if nlink.Attrs().MasterIndex != br.Index {
		return nil
	}
	if err := l.h.LinkSetNoMaster(nlink); err != nil {
		return opErr(op, dev, err)
	}
	l.log.Debug("netdev: removed from bridge", "dev", dev, "bridge", bridge)
	return nil
}
