package netdev

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
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
	_, err := l.EnsureBridgeCreated(ctx, name, opts)
	return err
}

// EnsureBridgeCreated is EnsureBridgeWith reporting whether this call created the bridge (so
// that a rollback removes only what it made). When it created the bridge but a later step
// failed, created is true with the error. A new bridge costs two netlink round trips: one
// RTM_NEWLINK creating it (down, so that disable_ipv6 is written before it is up, as os-vif
// does), one setting it up; an existing one costs the failed create, a lookup, and a set-up
// only if it is down.
func (l *Links) EnsureBridgeCreated(ctx context.Context, name string, opts BridgeOptions) (created bool, err error) {
	if err := ValidateName(name); err != nil {
		return false, err
	}
	var ageing *uint32
	if opts.AgeingTime != nil {
		d := *opts.AgeingTime
		if d < 0 || d > 1000000*time.Second {
			return false, &ValueError{Field: "bridge ageing time", Value: d, Reason: "must be between 0 and 1000000s"}
		}
		cs := uint32(d / (10 * time.Millisecond))
		ageing = &cs
	}
	const op = "ensure bridge"
	if err := live(ctx, op, name); err != nil {
		return false, err
	}
	index := 0 // 0: address the new bridge by name
	err = l.createBridge(name, ageing)
	switch {
	case err == nil:
		created = true
		l.log.Debug("netdev: created bridge", "bridge", name)
	case isExist(err):
		nlink, err := l.lookup(op, name)
		if err != nil {
			return false, err
		}
		if k := kindOf(nlink); k != "bridge" {
			return false, &ConflictError{Name: name, Reason: fmt.Sprintf("exists as %s, want bridge", k)}
		}
		if nlink.Attrs().RawFlags&unix.IFF_UP != 0 {
			index = -1 // up already
		} else {
			index = nlink.Attrs().Index
		}
	default:
		return false, opErr("create bridge", name, err)
	}
	for _, s := range []struct{ path, value string }{
		{"net/ipv6/conf/" + name + "/disable_ipv6", "1"},
		{"net/ipv4/conf/" + name + "/arp_ignore", "1"},
		{"net/ipv4/conf/" + name + "/arp_announce", "2"},
	} {
		if err := l.setSysctlIfExists(s.path, s.value); err != nil {
			return created, err
		}
	}
	if index >= 0 {
		if err := l.setLink(index, name, linkChange{up: true}); err != nil {
			return created, opErr("set up", name, err)
		}
	}
	return created, nil
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
