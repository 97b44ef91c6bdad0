package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"syscall"

	"golang.org/x/sys/unix"
)

// Peer is the identity of the process on the other end of a unix socket connection, as the
// kernel reports it (SO_PEERCRED): it cannot be forged by the client.
type Peer struct {
	PID int32
	UID uint32
	GID uint32
}

// AccessPolicy says which peers may call the API. A peer is allowed when its uid is in UIDs or
// its primary gid is in GIDs. The zero policy allows nobody.
type AccessPolicy struct {
	UIDs []uint32
	GIDs []uint32
}

// Allows reports whether p may call the API.
func (a AccessPolicy) Allows(p Peer) bool {
	return slices.Contains(a.UIDs, p.UID) || slices.Contains(a.GIDs, p.GID)
}

type peerKey struct{}

// peerFromContext returns the peer stored by connContext.
func peerFromContext(ctx context.Context) (Peer, error) {
	switch v := ctx.Value(peerKey{}).(type) {
	case Peer:
		return v, nil
	case error:
		return Peer{}, v
	default:
		return Peer{}, errors.New("no peer credentials on this connection")
	}
}

// connContext is an http.Server.ConnContext that reads SO_PEERCRED once per connection.
func connContext(ctx context.Context, c net.Conn) context.Context {
	p, err := peerCred(c)
	if err != nil {
		return context.WithValue(ctx, peerKey{}, err)
	}
	return context.WithValue(ctx, peerKey{}, p)
}

func peerCred(c net.Conn) (Peer, error) {
	sc, ok := c.(syscall.Conn)
	if !ok || c.LocalAddr().Network() != "unix" {
		return Peer{}, fmt.Errorf("peer credentials: %T is not a unix socket connection", c)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return Peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	var cred *unix.Ucred
	var serr error
	if err := raw.Control(func(fd uintptr) {
		cred, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	if serr != nil {
		return Peer{}, fmt.Errorf("peer credentials: getsockopt SO_PEERCRED: %w", serr)
	}
	return Peer{PID: cred.Pid, UID: cred.Uid, GID: cred.Gid}, nil
}
