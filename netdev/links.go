package netdev

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/govif/govif/internal/nsthread"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// socketTimeout bounds every netlink send and receive, so that no call can hang forever even
// if the kernel never answers.
const socketTimeout = 30 * time.Second

// Links performs link operations on the host, or in one network namespace. It is safe for
// concurrent use: operations on different devices run in parallel (the kernel serialises
// link changes under RTNL; netdev adds no lock of its own). Close releases its sockets.
type Links struct {
	h         *netlink.Handle
	raw       map[int]*nl.SocketHandle // for the bridge attributes the netlink package lacks
	ns        netns.NsHandle           // -1 (netns.None) when bound to the caller's namespace
	sysfsRoot string
	log       *slog.Logger
}

// Option configures New.
type Option func(*Links) error

// InNamespace binds the Links to the network namespace h: every netlink request goes through
// sockets opened in it (netlink.NewHandleAt), and sysctl writes and tap creation run on a
// locked OS thread switched into it. The caller keeps ownership of h and must keep it open
// until Close.
func InNamespace(h netns.NsHandle) Option {
	return func(l *Links) error {
		if !h.IsOpen() {
			return &ValueError{Field: "namespace handle", Value: int(h), Reason: "not open"}
		}
		l.ns = h
		return nil
	}
}

// WithSysfsRoot makes the SR-IOV lookups read dir instead of /sys (for tests on a fake tree).
func WithSysfsRoot(dir string) Option {
	return func(l *Links) error {
		if dir == "" {
			return &ValueError{Field: "sysfs root", Value: dir, Reason: "empty"}
		}
		l.sysfsRoot = dir
		return nil
	}
}

// WithLogger sets the logger for debug records of each change made (default slog.Default()).
func WithLogger(log *slog.Logger) Option {
	return func(l *Links) error {
		if log != nil {
			l.log = log
		}
		return nil
	}
}

// New opens netlink sockets in the chosen namespace (the caller's by default).
func New(opts ...Option) (*Links, error) {
	l := &Links{ns: netns.None(), sysfsRoot: "/sys", log: slog.Default()}
	for _, o := range opts {
		if err := o(l); err != nil {
			return nil, err
		}
	}
	h, err := netlink.NewHandleAt(l.ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netdev: open netlink socket: %w", err)
	}
	if err := h.SetSocketTimeout(socketTimeout); err != nil {
		h.Close()
		return nil, fmt.Errorf("netdev: set netlink socket timeout: %w", err)
	}
	s, err := nl.GetNetlinkSocketAt(l.ns, netns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("netdev: open netlink socket: %w", err)
	}
	tv := unix.NsecToTimeval(socketTimeout.Nanoseconds())
	if err := errors.Join(s.SetSendTimeout(&tv), s.SetReceiveTimeout(&tv)); err != nil {
		s.Close()
		h.Close()
		return nil, fmt.Errorf("netdev: set netlink socket timeout: %w", err)
	}
	l.h = h
	l.raw = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: s}}
	return l, nil
}

// Close releases the netlink sockets. The Links must not be used afterwards.
func (l *Links) Close() error {
	if l.h != nil {
		l.h.Close()
		l.h = nil
	}
	for _, sh := range l.raw {
		sh.Close()
	}
	l.raw = nil
	return nil
}

// inNS runs fn on an OS thread inside the Links' namespace. Without a namespace it calls fn
// directly. fn runs on a fresh goroutine whose thread is locked; if the thread cannot be put
// back into its original namespace it stays locked, so the runtime discards it when the
// goroutine ends instead of reusing it.
func (l *Links) inNS(fn func() error) error {
	if !l.ns.IsOpen() {
		return fn()
	}
	return nsthread.Do(l.ns, fn)
}

// live reports a cancelled or expired context, wrapped with the operation and device.
func live(ctx context.Context, op, dev string) error {
	if err := ctx.Err(); err != nil {
		return &OpError{Op: op, Dev: dev, Err: err}
	}
	return nil
}
