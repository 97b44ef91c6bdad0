package netdev

import (
	"context"
	"errors"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Address is an IP address configured on a device.
type Address struct {
	Prefix    netip.Prefix // address and prefix length, e.g. 192.0.2.10/24
	Broadcast netip.Addr   // IPv4 broadcast, if set
	Scope     int          // unix.RT_SCOPE_UNIVERSE (global), RT_SCOPE_LINK, RT_SCOPE_HOST, ...
	Secondary bool         // IFA_F_SECONDARY
	Dynamic   bool         // not IFA_F_PERMANENT (e.g. from DHCP or SLAAC); `ip addr` says "dynamic"
}

// Addresses returns the IPv4 and IPv6 addresses of dev.
func (l *Links) Addresses(ctx context.Context, dev string) ([]Address, error) {
	if err := ValidateName(dev); err != nil {
		return nil, err
	}
	const op = "list addresses"
	if err := live(ctx, op, dev); err != nil {
		return nil, err
	}
	nlink, err := l.lookup(op, dev)
	if err != nil {
		return nil, err
	}
	addrs, err := l.addrList(ctx, op, nlink, netlink.FAMILY_ALL)
	if err != nil {
		return nil, err
	}
	out := make([]Address, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, toAddress(a))
	}
	return out, nil
}

func toAddress(a netlink.Addr) Address {
	ip, _ := netip.AddrFromSlice(a.IP)
	ones, _ := a.Mask.Size()
	out := Address{
		Prefix:    netip.PrefixFrom(ip.Unmap(), ones),
		Scope:     a.Scope,
		Secondary: a.Flags&unix.IFA_F_SECONDARY != 0,
		Dynamic:   a.Flags&unix.IFA_F_PERMANENT == 0,
	}
	if b, ok := netip.AddrFromSlice(a.Broadcast); ok {
		out.Broadcast = b.Unmap()
	}
	return out
}

// addrList dumps addresses, retrying interrupted dumps.
func (l *Links) addrList(ctx context.Context, op string, nlink netlink.Link, family int) ([]netlink.Addr, error) {
	return retryDump(ctx, op, nlink.Attrs().Name, func() ([]netlink.Addr, error) {
		return l.h.AddrList(nlink, family)
	})
}

// routeList dumps the main-table IPv4 routes of a device, retrying interrupted dumps.
func (l *Links) routeList(ctx context.Context, op string, nlink netlink.Link) ([]netlink.Route, error) {
	return retryDump(ctx, op, nlink.Attrs().Name, func() ([]netlink.Route, error) {
		return l.h.RouteList(nlink, netlink.FAMILY_V4)
	})
}

// MoveAddressesAndRoutes does what os-vif's linux_bridge plugin does when it puts a host NIC
// into a flat-network bridge (_update_bridge_routes): the IPv4 routes through from that have a
// gateway are removed; every global-scope IPv4 address of from that is neither secondary nor
// dynamic is deleted from it and added to to; then the removed routes are added back through
// to. Secondary and dynamic addresses and IPv6 stay where they are. Running it again finds
// nothing left to move, so it is idempotent. to must be up for the gateway routes to be
// re-added (EnsureBridge brings a bridge up).
//
// As with os-vif, deleting a primary address makes the kernel delete its secondaries too,
// unless net.ipv4.conf.<from>.promote_secondaries is 1: then one is promoted, stays on from,
// and moves on the next call (as on os-vif's next plug). os-vif re-adds the routes without
// naming a device, so while such a promoted address is on from the kernel puts them back on
// from, a bridge port; netdev always re-adds them on to.
func (l *Links) MoveAddressesAndRoutes(ctx context.Context, from, to string) error {
	if err := validateNames(from, to); err != nil {
		return err
	}
	op := "move addresses and routes to " + to
	if err := live(ctx, op, from); err != nil {
		return err
	}
	src, err := l.lookup(op, from)
	if err != nil {
		return err
	}
	dst, err := l.lookup(op, to)
	if err != nil {
		return err
	}
	routes, err := l.routeList(ctx, op, src)
	if err != nil {
		return err
	}
	var moved []netlink.Route
	for _, r := range routes {
		if r.Gw == nil { // os-vif moves the "via" routes only
			continue
		}
		if err := l.h.RouteDel(&r); err != nil && !errors.Is(err, unix.ESRCH) {
			return opErr("delete route "+routeString(r), from, err)
		}
		moved = append(moved, r)
	}
	addrs, err := l.addrList(ctx, op, src, netlink.FAMILY_V4)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if a.Scope != unix.RT_SCOPE_UNIVERSE || a.Flags&unix.IFA_F_SECONDARY != 0 || a.Flags&unix.IFA_F_PERMANENT == 0 {
			continue
		}
		if err := l.h.AddrDel(src, &a); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
			return opErr("delete address "+a.IPNet.String(), from, err)
		}
		na := netlink.Addr{IPNet: a.IPNet, Broadcast: a.Broadcast, Scope: a.Scope, Label: ""}
		if err := l.h.AddrAdd(dst, &na); err != nil && !isExist(err) {
			return opErr("add address "+a.IPNet.String(), to, err)
		}
		l.log.Debug("netdev: moved address", "addr", a.IPNet.String(), "from", from, "to", to)
	}
	for _, r := range moved {
		nr := r
		nr.LinkIndex = dst.Attrs().Index
		nr.ILinkIndex = 0
		if err := l.h.RouteAdd(&nr); err != nil && !isExist(err) {
			return opErr("add route "+routeString(nr), to, err)
		}
		l.log.Debug("netdev: moved route", "route", routeString(r), "from", from, "to", to)
	}
	return nil
}

func routeString(r netlink.Route) string {
	dst := "default"
	if r.Dst != nil {
		if ones, _ := r.Dst.Mask.Size(); ones != 0 || !r.Dst.IP.IsUnspecified() {
			dst = r.Dst.String()
		}
	}
	if r.Gw != nil {
		return dst + " via " + r.Gw.String()
	}
	return dst
}
