package netdev

import (
	"context"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Link is what netdev reports about one network device.
type Link struct {
	Name       string
	Index      int
	Kind       string // "veth", "bridge", "tap", "tun", "device" (no kind: a NIC, lo), ...
	MTU        int
	MAC        net.HardwareAddr
	Up         bool   // administratively up (IFF_UP)
	Promisc    bool   // IFF_PROMISC set on the device itself (not the promiscuity counter)
	Master     string // the bridge (or other master) it is enslaved to, "" if none
	Peer       string // for a veth: the peer's name, "" if the peer is in another namespace
	Multiqueue bool   // for a tap or tun: IFF_MULTI_QUEUE
}

// Get returns the device named dev. A missing device gives an error for which IsNotFound is
// true.
func (l *Links) Get(ctx context.Context, dev string) (*Link, error) {
	if err := ValidateName(dev); err != nil {
		return nil, err
	}
	if err := live(ctx, "get", dev); err != nil {
		return nil, err
	}
	nlink, err := l.h.LinkByName(dev)
	if err != nil {
		return nil, opErr("get", dev, err)
	}
	return l.describe(nlink, nil), nil
}

// Exists reports whether the device named dev exists. Only a failure to ask (not a missing
// device) is an error.
func (l *Links) Exists(ctx context.Context, dev string) (bool, error) {
	if err := ValidateName(dev); err != nil {
		return false, err
	}
	if err := live(ctx, "look up", dev); err != nil {
		return false, err
	}
	_, err := l.h.LinkByName(dev)
	switch {
	case err == nil:
		return true, nil
	case IsNotFound(err):
		return false, nil
	}
	return false, opErr("look up", dev, err)
}

// ListLinks returns every device in the namespace. A dump the kernel reports as interrupted
// (devices changed meanwhile) is retried, up to 10 times, so the result is one consistent
// snapshot; after that the error wraps netlink.ErrDumpInterrupted. Unlike netlink.LinkList it
// does not ask for SR-IOV VF details, which on hosts with many VFs make a dump slow and hold
// the RTNL lock (vishvananda/netlink#1097).
func (l *Links) ListLinks(ctx context.Context) ([]Link, error) {
	nlinks, err := retryDump(ctx, "list", "all devices", l.dumpLinks)
	if err != nil {
		return nil, err
	}
	byIndex := make(map[int]netlink.Link, len(nlinks))
	for _, nlink := range nlinks {
		byIndex[nlink.Attrs().Index] = nlink
	}
	out := make([]Link, 0, len(nlinks))
	for _, nlink := range nlinks {
		out = append(out, *l.describe(nlink, byIndex))
	}
	return out, nil
}

// describe converts a netlink link, resolving the master's and the veth peer's names from
// byIndex when given, else by asking the kernel.
func (l *Links) describe(nlink netlink.Link, byIndex map[int]netlink.Link) *Link {
	a := nlink.Attrs()
	out := &Link{
		Name:    a.Name,
		Index:   a.Index,
		Kind:    kindOf(nlink),
		MTU:     a.MTU,
		MAC:     a.HardwareAddr,
		Up:      a.RawFlags&unix.IFF_UP != 0,
		Promisc: a.RawFlags&unix.IFF_PROMISC != 0,
	}
	name := func(index int) string {
		if byIndex != nil {
			if other, ok := byIndex[index]; ok {
				return other.Attrs().Name
			}
			return ""
		}
		other, err := l.h.LinkByIndex(index)
		if err != nil {
			return ""
		}
		return other.Attrs().Name
	}
	if a.MasterIndex != 0 {
		out.Master = name(a.MasterIndex)
	}
	if _, ok := nlink.(*netlink.Veth); ok && a.ParentIndex != 0 && a.NetNsID < 0 {
		out.Peer = name(a.ParentIndex)
	}
	if t, ok := nlink.(*netlink.Tuntap); ok {
		out.Multiqueue = t.Flags&netlink.TUNTAP_MULTI_QUEUE != 0
	}
	return out
}

// kindOf names the device kind as `ip -d link` does, with tap and tun told apart.
func kindOf(nlink netlink.Link) string {
	if t, ok := nlink.(*netlink.Tuntap); ok {
		if t.Mode == netlink.TUNTAP_MODE_TUN {
			return "tun"
		}
		return "tap"
	}
	return nlink.Type()
}

// lookup finds dev, wrapping a failure as an *OpError for op.
func (l *Links) lookup(op, dev string) (netlink.Link, error) {
	nlink, err := l.h.LinkByName(dev)
	if err != nil {
		return nil, opErr(op, dev, err)
	}
	return nlink, nil
}

// checkMTU validates an MTU argument; 0 means "leave unchanged" where callers allow it.
func checkMTU(mtu int, zeroOK bool) error {
	if mtu == 0 && zeroOK {
		return nil
	}
	if mtu < 68 || mtu > 65535 {
		return &ValueError{Field: "mtu", Value: mtu, Reason: fmt.Sprintf("must be %sbetween 68 and 65535", map[bool]string{true: "0 (unchanged) or ", false: ""}[zeroOK])}
	}
	return nil
}

// dumpLinks is netlink's LinkList without IFLA_EXT_MASK=RTEXT_FILTER_VF.
func (l *Links) dumpLinks() ([]netlink.Link, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.Sockets = l.raw
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
	if err != nil {
		return nil, err // with ErrDumpInterrupted the partial result is dropped and retried
	}
	out := make([]netlink.Link, 0, len(msgs))
	for _, m := range msgs {
		nlink, err := netlink.LinkDeserialize(nil, m)
		if err != nil {
			return nil, fmt.Errorf("decode link: %w", err)
		}
		out = append(out, nlink)
	}
	return out, nil
}
