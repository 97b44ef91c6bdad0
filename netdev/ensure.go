package netdev

import (
	"bytes"
	"context"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// linkChange is what one RTM_NEWLINK on an existing device sets (zero fields: unchanged).
type linkChange struct {
	up, promisc bool // set these flags (never cleared here)
	mtu         int
	master      int // ifindex of the master to enslave to
	mac         net.HardwareAddr
}

func (c linkChange) empty() bool {
	return !c.up && !c.promisc && c.mtu == 0 && c.master == 0 && c.mac == nil
}

// setLink applies c to the device with ifindex index (or, when index is 0, named name) in ONE
// netlink round trip.
func (l *Links) setLink(index int, name string, c linkChange) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK)
	req.Sockets = l.raw
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(index)
	if c.up {
		msg.Flags |= unix.IFF_UP
		msg.Change |= unix.IFF_UP
	}
	if c.promisc {
		msg.Flags |= unix.IFF_PROMISC
		msg.Change |= unix.IFF_PROMISC
	}
	req.AddData(msg)
	if index == 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	}
	if c.mtu > 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_MTU, nl.Uint32Attr(uint32(c.mtu))))
	}
	if c.master > 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_MASTER, nl.Uint32Attr(uint32(c.master))))
	}
	if c.mac != nil {
		req.AddData(nl.NewRtAttr(unix.IFLA_ADDRESS, []byte(c.mac)))
	}
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	return err
}

// conform returns the change that brings nlink to want (only what differs).
func conform(nlink netlink.Link, want linkChange) linkChange {
	a := nlink.Attrs()
	var c linkChange
	c.up = want.up && a.RawFlags&unix.IFF_UP == 0
	c.promisc = want.promisc && a.RawFlags&unix.IFF_PROMISC == 0
	if want.mtu > 0 && a.MTU != want.mtu {
		c.mtu = want.mtu
	}
	if want.master > 0 && a.MasterIndex != want.master {
		c.master = want.master
	}
	if want.mac != nil && !bytes.Equal(a.HardwareAddr, want.mac) {
		c.mac = want.mac
	}
	return c
}

// VethOptions shape the pair EnsureVeth ensures.
type VethOptions struct {
	// MTU of both ends (0: the kernel's default for a new pair; an existing pair's is kept).
	MTU int
	// Promisc sets IFF_PROMISC on both ends (os-vif's hybrid plug does).
	Promisc bool
	// Master, when not "", is the bridge the first end is enslaved to.
	Master string
}

// EnsureVeth ensures the veth pair name <-> peer exists with both ends up (and at opts.MTU,
// promiscuous with opts.Promisc, name enslaved to opts.Master), and reports whether this call
// created the pair. A new pair costs three netlink round trips: the master's lookup (none
// without a master), ONE RTM_NEWLINK that creates both ends configured (MTU, promisc, master,
// name up), and one that sets the peer up (the kernel cannot open a veth's peer in the
// creating message). An existing
// pair with these names is kept and repaired (one RTM_NEWLINK per end that differs); a device
// named name or peer that is not this pair gives a *ConflictError and is left alone. When the
// pair was created but a later step failed, created is true with the error, so that the
// caller can remove it.
func (l *Links) EnsureVeth(ctx context.Context, name, peer string, opts VethOptions) (created bool, err error) {
	if err := validateNames(name, peer); err != nil {
		return false, err
	}
	if name == peer {
		return false, &NameError{Name: peer, Reason: "veth peer has the same name as the device"}
	}
	if err := checkMTU(opts.MTU, true); err != nil {
		return false, err
	}
	if opts.Master != "" {
		if err := ValidateName(opts.Master); err != nil {
			return false, err
		}
	}
	const op = "create veth pair"
	if err := live(ctx, op, name); err != nil {
		return false, err
	}
	master := 0
	if opts.Master != "" {
		br, err := l.lookup("add to bridge "+opts.Master, opts.Master)
		if err != nil {
			return false, err
		}
		if k := kindOf(br); k != "bridge" {
			return false, &ConflictError{Name: opts.Master, Reason: fmt.Sprintf("exists as %s, want bridge", k)}
		}
		master = br.Attrs().Index
	}
	want := linkChange{up: true, promisc: opts.Promisc, mtu: opts.MTU, master: master}
	err = l.createVeth(name, peer, want)
	if err == nil {
		l.log.Debug("netdev: created veth pair", "dev", name, "peer", peer, "mtu", opts.MTU, "master", opts.Master)
		if err := l.setLink(0, peer, linkChange{up: true}); err != nil {
			return true, opErr("set up", peer, err)
		}
		return true, nil
	}
	if !isExist(err) {
		return false, opErr(op+" with peer "+peer, name, err)
	}
	// Made earlier (a re-plug) or meanwhile: fine if it is the same pair; repair it.
	ok, cerr := l.checkVeth(name, peer, true)
	if cerr != nil {
		return false, cerr
	}
	if !ok {
		return false, opErr(op+" with peer "+peer, name, err)
	}
	for _, dev := range []string{name, peer} {
		w := want
		if dev == peer {
			w.master = 0
		}
		nlink, err := l.lookup(op, dev)
		if err != nil {
			return false, err
		}
		if c := conform(nlink, w); !c.empty() {
			if err := l.setLink(nlink.Attrs().Index, dev, c); err != nil {
				return false, opErr(op, dev, err)
			}
		}
	}
	return false, nil
}

// createVeth sends one RTM_NEWLINK creating the pair configured as c (the master and up apply
// to name only; the peer gets MTU and promisc, and must be set up afterwards).
func (l *Links) createVeth(name, peer string, c linkChange) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK)
	req.Sockets = l.raw
	flags := func(m *nl.IfInfomsg, up bool) {
		if up {
			m.Flags |= unix.IFF_UP
			m.Change |= unix.IFF_UP
		}
		if c.promisc {
			m.Flags |= unix.IFF_PROMISC
			m.Change |= unix.IFF_PROMISC
		}
	}
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	flags(msg, c.up)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	if c.mtu > 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_MTU, nl.Uint32Attr(uint32(c.mtu))))
	}
	if c.master > 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_MASTER, nl.Uint32Attr(uint32(c.master))))
	}
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated("veth"))
	data := info.AddRtAttr(nl.IFLA_INFO_DATA, nil)
	p := data.AddRtAttr(nl.VETH_INFO_PEER, nil)
	// The peer cannot be brought up in the same message: the kernel configures it before it
	// links the pair, and opening a veth without its peer fails (ENOTCONN).
	flags(nl.NewIfInfomsgChild(p, unix.AF_UNSPEC), false)
	p.AddRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(peer))
	if c.mtu > 0 {
		p.AddRtAttr(unix.IFLA_MTU, nl.Uint32Attr(uint32(c.mtu)))
	}
	req.AddData(info)
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	return err
}
