package netdev

import (
	"context"
	"fmt"
	"net"

	"golang.org/x/sys/unix"
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
		err := l.inNS(func() error { return createPersistentTap(name, opts.Multiqueue) })
		if err != nil {
			// A tap made meanwhile makes TUNSETIFF fail (EBUSY, or EINVAL for another
			// multi-queue setting): re-check instead of trusting the errno.
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

// createPersistentTap creates the tap name as `ip tuntap add <name> mode tap [multi_queue]`
// does: TUNSETIFF with IFF_TAP|IFF_NO_PI (and IFF_MULTI_QUEUE), then TUNSETPERSIST, then the
// descriptor is closed. No owner or group is set (the kernel's default: none), so any process
// with CAP_NET_ADMIN can attach. It runs on the calling thread: the device is born in that
// thread's network namespace. (The netlink package's Tuntap path always issues TUNSETOWNER,
// and with -1 — "no owner" — the kernel answers EINVAL after TUNSETIFF, leaving a tap that is
// not persistent and vanishes with the creating process.)
func createPersistentTap(name string, multiqueue bool) error {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /dev/net/tun: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	flags := uint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if multiqueue {
		flags |= unix.IFF_MULTI_QUEUE
	}
	ifr.SetUint16(flags)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		return fmt.Errorf("TUNSETIFF: %w", err)
	}
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1); err != nil {
		return fmt.Errorf("TUNSETPERSIST: %w", err)
	}
	return nil
}
