package netdev

import (
	"context"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
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
	_, err := l.EnsureTap(ctx, name, opts)
	return err
}

// EnsureTap is CreateTap reporting whether this call created the tap (when it did but a later
// step failed, created is true with the error, so that the caller can remove it). A new tap
// costs the lookup that finds it missing, the /dev/net/tun ioctls (TUNSETIFF, TUNSETOWNER and
// TUNSETGROUP to -1, TUNSETPERSIST; the descriptor is closed) with the netlink package's index
// lookup, and ONE RTM_NEWLINK setting MAC, MTU and up; an existing tap costs the lookup and one
// RTM_NEWLINK only if something differs.
func (l *Links) EnsureTap(ctx context.Context, name string, opts TapOptions) (created bool, err error) {
	if err := ValidateName(name); err != nil {
		return false, err
	}
	if opts.MAC != nil {
		if err := checkMAC(opts.MAC); err != nil {
			return false, err
		}
	}
	if err := checkMTU(opts.MTU, true); err != nil {
		return false, err
	}
	const op = "create tap"
	if err := live(ctx, op, name); err != nil {
		return false, err
	}
	want := linkChange{up: true, mtu: opts.MTU, mac: opts.MAC}
	nlink, err := l.h.LinkByName(name)
	switch {
	case IsNotFound(err):
		var made bool
		err := l.inNS(func() error {
			var err error
			made, err = createPersistentTap(name, opts.Multiqueue)
			return err
		})
		if made {
			l.log.Debug("netdev: created tap", "dev", name, "multiqueue", opts.Multiqueue)
			if err := l.setLink(0, name, want); err != nil {
				return true, opErr("set up", name, err)
			}
			return true, nil
		}
		// EBUSY: a tap of that name was made meanwhile (IFF_TUN_EXCL); check it below.
		if nlink, _ = l.h.LinkByName(name); nlink == nil {
			return false, opErr(op, name, err)
		}
	case err != nil:
		return false, opErr(op, name, err)
	}
	existing := l.describe(nlink, map[int]netlink.Link{})
	if existing.Kind != "tap" {
		return false, &ConflictError{Name: name, Reason: fmt.Sprintf("exists as %s, want tap", existing.Kind)}
	}
	if existing.Multiqueue != opts.Multiqueue {
		return false, &ConflictError{Name: name, Reason: fmt.Sprintf("is a tap with multiqueue=%t, want %t", existing.Multiqueue, opts.Multiqueue)}
	}
	if c := conform(nlink, want); !c.empty() {
		if err := l.setLink(nlink.Attrs().Index, name, c); err != nil {
			return false, opErr(op, name, err)
		}
	}
	return false, nil
}

// createPersistentTap makes tap name in the calling thread's namespace: TUNSETIFF with
// IFF_TUN_EXCL (an existing device of that name is EBUSY, never attached to), TUNSETPERSIST,
// then the descriptor is closed. No TUNSETOWNER/TUNSETGROUP: the tap has no owner or group, as
// `ip tuntap add` (os-vif's create_tap) leaves it, so libvirt's qemu can attach. (The netlink
// package's LinkAdd sets both, and with -1 the kernel refuses TUNSETOWNER after TUNSETIFF has
// made a non-persistent device, leaking the descriptor that keeps it alive.) made reports
// whether the device was created and made persistent.
func createPersistentTap(name string, multiqueue bool) (made bool, err error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return false, err
	}
	flags := uint16(unix.IFF_TAP | unix.IFF_NO_PI | unix.IFF_TUN_EXCL)
	if multiqueue {
		flags |= unix.IFF_MULTI_QUEUE
	}
	ifr.SetUint16(flags)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		return false, fmt.Errorf("TUNSETIFF: %w", err)
	}
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1); err != nil {
		// Not persistent: the device goes away with the descriptor, closed on return.
		return false, fmt.Errorf("TUNSETPERSIST: %w", err)
	}
	return true, nil
}
