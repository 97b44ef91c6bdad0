package netdev

import (
	"context"
	"fmt"

	"github.com/vishvananda/netlink"
)

// CreateVethPair ensures a veth pair name <-> peer exists, with both ends up and, if mtu is not
// 0, both ends at that MTU.
//
// A pair that already exists with these two names is kept (its MTU and state are brought to
// the wanted values): calling it twice equals calling it once, and concurrent calls for the
// same pair both succeed. A device named name (or peer) that is not a veth, or a veth whose
// peer has another name, gives a *ConflictError and is left alone.
func (l *Links) CreateVethPair(ctx context.Context, name, peer string, mtu int) error {
	if err := validateNames(name, peer); err != nil {
		return err
	}
	if name == peer {
		return &NameError{Name: peer, Reason: "veth peer has the same name as the device"}
	}
	if err := checkMTU(mtu, true); err != nil {
		return err
	}
	const op = "create veth pair"
	if err := live(ctx, op, name); err != nil {
		return err
	}
	// Only name is checked first: the kernel registers a veth's peer before the device itself
	// and lookups do not wait for RTNL, so a concurrent creation of the same pair can show the
	// peer alone for a moment. EEXIST from our own creation means the other one finished, and
	// is checked in full below.
	exists, err := l.checkVeth(name, peer, false)
	if err != nil {
		return err
	}
	if !exists {
		la := netlink.NewLinkAttrs()
		la.Name = name
		if mtu != 0 {
			la.MTU = mtu
		}
		veth := &netlink.Veth{LinkAttrs: la, PeerName: peer}
		if mtu != 0 {
			veth.PeerMTU = uint32(mtu)
		}
		if err := l.h.LinkAdd(veth); err != nil {
			if !isExist(err) {
				return opErr(op+" with peer "+peer, name, err)
			}
			// Created meanwhile by someone else: fine if it is the same pair.
			ok, cerr := l.checkVeth(name, peer, true)
			if cerr != nil {
				return cerr
			}
			if !ok { // deleted again meanwhile
				return opErr(op+" with peer "+peer, name, err)
			}
		} else {
			l.log.Debug("netdev: created veth pair", "dev", name, "peer", peer, "mtu", mtu)
		}
	}
	for _, dev := range []string{name, peer} {
		if mtu != 0 {
			if err := l.SetMTU(ctx, dev, mtu); err != nil {
				return err
			}
		}
		if err := l.SetUp(ctx, dev); err != nil {
			return err
		}
	}
	return nil
}

// checkVeth reports whether the pair name <-> peer exists, or a *ConflictError if name (and,
// with checkPeer, peer) is taken by something else.
func (l *Links) checkVeth(name, peer string, checkPeer bool) (bool, error) {
	a, err := l.getOrNil("look up", name)
	if err != nil {
		return false, err
	}
	if a == nil {
		if !checkPeer {
			return false, nil
		}
		b, err := l.getOrNil("look up", peer)
		if err != nil {
			return false, err
		}
		if b != nil {
			return false, &ConflictError{Name: peer, Reason: fmt.Sprintf("exists (as %s) while its wanted veth peer %s does not", b.Kind, name)}
		}
		return false, nil
	}
	if a.Kind != "veth" {
		return false, &ConflictError{Name: name, Reason: fmt.Sprintf("exists as %s, want veth", a.Kind)}
	}
	if a.Peer != peer {
		got := a.Peer
		if got == "" {
			got = "a device in another namespace"
		}
		return false, &ConflictError{Name: name, Reason: fmt.Sprintf("is a veth peered with %s, want %s", got, peer)}
	}
	return true, nil
}

// getOrNil returns the device, nil if it does not exist, or an error for any other failure.
func (l *Links) getOrNil(op, dev string) (*Link, error) {
	nlink, err := l.h.LinkByName(dev)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, opErr(op, dev, err)
	}
	return l.describe(nlink, nil), nil
}
