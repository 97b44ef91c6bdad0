package netdev

import (
	"context"
	"fmt"

	"github.com/vishvananda/netlink"
)

// CreateVLAN ensures the 802.1Q device name with VLAN id on parent exists, as os-vif's
// ip.add(name, 'vlan', link=parent, vlan_id=id) creates it (down; callers set it up). An
// existing VLAN device with that id on that parent is kept; a device named name of another
// kind, id or parent gives a *ConflictError. A missing parent gives an error for which
// IsNotFound is true; a kernel without the 8021q module fails with EOPNOTSUPP. (Additive file
// for the linux_bridge plugin's VLAN path.)
func (l *Links) CreateVLAN(ctx context.Context, name, parent string, id int) error {
	if err := validateNames(name, parent); err != nil {
		return err
	}
	if id < 1 || id > 4094 {
		return &ValueError{Field: "vlan id", Value: id, Reason: "must be between 1 and 4094"}
	}
	op := fmt.Sprintf("create vlan %d on %s", id, parent)
	if err := live(ctx, op, name); err != nil {
		return err
	}
	pl, err := l.lookup(op, parent)
	if err != nil {
		return err
	}
	la := netlink.NewLinkAttrs()
	la.Name = name
	la.ParentIndex = pl.Attrs().Index
	err = l.h.LinkAdd(&netlink.Vlan{LinkAttrs: la, VlanId: id})
	if err == nil {
		l.log.Debug("netdev: created vlan", "dev", name, "parent", parent, "vlan", id)
		return nil
	}
	if !isExist(err) {
		return opErr(op, name, err)
	}
	existing, gerr := l.h.LinkByName(name)
	if gerr != nil {
		return opErr(op, name, err)
	}
	v, ok := existing.(*netlink.Vlan)
	if !ok || v.VlanId != id || v.Attrs().ParentIndex != pl.Attrs().Index {
		return &ConflictError{Name: name, Reason: fmt.Sprintf("exists as %s, want vlan %d on %s", kindOf(existing), id, parent), Err: err}
	}
	return nil
}
