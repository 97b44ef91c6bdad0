package netdev

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// DeleteMany removes every device in devs that exists, in one kernel unregister batch when it
// can: the devices are moved into a fresh random device group (IFLA_GROUP) and the group is
// deleted with a single RTM_DELLINK, so the kernel pays its RCU grace periods once for the
// whole set instead of once per device (deleting 100 bridge + veth pairs one by one takes
// seconds). Devices that do not exist are skipped. If the kernel refuses the group deletion
// (a device kind without dellink), the devices are deleted one by one. The group is drawn
// from [2^30, 2^31), far above the small numbers administrators use.
func (l *Links) DeleteMany(ctx context.Context, devs []string) error {
	if err := validateNames(devs...); err != nil {
		return err
	}
	if len(devs) == 0 {
		return nil
	}
	if err := live(ctx, "delete", devs[0]); err != nil {
		return err
	}
	group := int(rand.Uint32N(1<<30)) + 1<<30
	var marked []string
	for _, dev := range devs {
		nlink, err := l.h.LinkByName(dev)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return opErr("delete", dev, err)
		}
		if err := l.h.LinkSetGroup(nlink, group); err != nil {
			if IsNotFound(err) {
				continue
			}
			return opErr("delete", dev, err)
		}
		marked = append(marked, dev)
	}
	if len(marked) == 0 {
		return nil
	}
	err := l.inNS(func() error {
		req := nl.NewNetlinkRequest(unix.RTM_DELLINK, unix.NLM_F_ACK)
		req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
		req.AddData(nl.NewRtAttr(unix.IFLA_GROUP, nl.Uint32Attr(uint32(group))))
		_, err := req.Execute(unix.NETLINK_ROUTE, 0)
		return err
	})
	if err == nil {
		l.log.Debug("netdev: deleted as one group", "devs", marked)
		return nil
	}
	l.log.Debug("netdev: group delete refused, deleting one by one", "err", err)
	var errs []error
	for _, dev := range marked {
		if err := l.Delete(ctx, dev); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
