package netdev

import (
	"context"
	"fmt"
)

// CreateVethPair ensures a veth pair name <-> peer exists, with both ends up and, if mtu is not
// 0, both ends at that MTU.
//
// It is EnsureVeth without the report of whether it created the pair.
//
// A pair that already exists with these two names is kept (its MTU and state are brought to
// the wanted values): calling it twice equals calling it once, and concurrent calls for the
// same pair both succeed. A device named name (or peer) that is not a veth, or a veth whose
// peer has another name, gives a *ConflictError and is left alone.
func (l *Links) CreateVethPair(ctx context.Context, name, peer string, mtu int) error {
	_, err := l.EnsureVeth(ctx, name, peer, VethOptions{MTU: mtu})
	return err
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
