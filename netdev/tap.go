package netdev

import (
	"context"
	"fmt"
	"math"
	"net"

	"github.com/vishvananda/netlink"
)

// TapOptions shape a tap CreateTap makes.
type TapOptions struct {
	MAC        net.HardwareAddr // set if not nil
	MTU        int              // set if not 0
	Multiqueue bool             // IFF_MULTI_QUEUE (with IFF_NO_PI), for multi-queue virtio-net
}

// CreateTap ensures a persistent tap device named name exists and is up, with the MAC and MTU
// in opts. An existing tap is kept (MAC and MTU are brought to opts); an existing tap whose
// multi-queue flag differs from opts, or a device of another kind, gives a *ConflictError.
// The tap is opened through /dev/net/tun on a thread inside the Links' namespace, so it is
// born there; it has no owner or group, and netdev keeps no file descriptor open on it.
func (l *Links) CreateTap(ctx context.Context, name string, opts TapOptions) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if opts.MAC != nil {
		if err := checkMAC(opts.MAC); err != nil {
			return err
		}
	}
	if err := checkMTU(opts.MTU, true); err != nil {
		return err
	}
	const op = "create tap"
	if err := live(ctx, op, name); err != nil {
		return err
	}
	existing, err := l.getOrNil(op, name)
	if err != nil {
		return err
	}
	if existing == nil {
		tap := &netlink.Tuntap{LinkAttrs: netlink.NewLinkAttrs(), Mode: netlink.TUNTAP_MODE_TAP}
		tap.Name = name
		// The netlink package always issues TUNSETOWNER/TUNSETGROUP; -1 means "no owner",
		// as `ip tuntap add` and pyroute2 leave it, so any process with CAP_NET_ADMIN (or
		// the hypervisor's user, after a chown by its manager) can attach.
		tap.Owner, tap.Group = math.MaxUint32, math.MaxUint32
		if opts.Multiqueue {
			tap.Flags = netlink.TUNTAP_MULTI_QUEUE_DEFAULTS
			tap.Queues = 1
		}
		err := l.inNS(func() error { return l.h.LinkAdd(tap) })
		for _, f := range tap.Fds {
			f.Close() // persistent: the device outlives its queues' descriptors
		}
		if err != nil {
			// An existing tap (made meanwhile) makes TUNSETIFF fail with EBUSY, which
			// the netlink package reports as text: re-check instead of trusting the errno.
			if existing, _ = l.getOrNil(op, name); existing == nil {
				return opErr(op, name, err)
			}
		} else {
			l.log.Debug("netdev: created tap", "dev", name, "multiqueue", opts.Multiqueue)
		}
	}
	if existing != nil {
		if existing.Kind != "tap" {
			return &ConflictError{Name: name, Reason: fmt.Sprintf("exists as %s, want tap", existing.Kind)}
		}
		if existing.Multiqueue != opts.Multiqueue {
			return &ConflictError{Name: name, Reason: fmt.Sprintf("is a tap with multiqueue=%t, want %t", existing.Multiqueue, opts.Multiqueue)}
		}
	}
	if opts.MAC != nil {
		if err := l.SetMAC(ctx, name, opts.MAC); err != nil {
			return err
		}
	}
	if opts.MTU != 0 {
		if err := l.SetMTU(ctx, name, opts.MTU); err != nil {
			return err
		}
	}
	return l.SetUp(ctx, name)
}
