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

// SetMTU sets the MTU of dev (68..65535). Setting the MTU a device already has is a no-op.
// A Linux bridge's MTU is bounded by its ports': set the ports first.
func (l *Links) SetMTU(ctx context.Context, dev string, mtu int) error {
	if err := ValidateName(dev); err != nil {
		return err
	}
	if err := checkMTU(mtu, false); err != nil {
		return err
	}
	op := fmt.Sprintf("set mtu %d", mtu)
	if err := live(ctx, op, dev); err != nil {
		return err
	}
	nlink, err := l.lookup(op, dev)
	if err != nil {
		return err
	}
	if nlink.Attrs().MTU == mtu {
		return nil
	}
	if err := l.h.LinkSetMTU(nlink, mtu); err != nil {
		return opErr(op, dev, err)
	}
	l.log.Debug("netdev: set mtu", "dev", dev, "mtu", mtu)
	return nil
}

// SetUp sets dev administratively up.
func (l *Links) SetUp(ctx context.Context, dev string) error {
	return l.setState(ctx, dev, true)
}

// SetDown sets dev administratively down.
func (l *Links) SetDown(ctx context.Context, dev string) error {
	return l.setState(ctx, dev, false)
}

func (l *Links) setState(ctx context.Context, dev string, up bool) error {
	op := map[bool]string{true: "set up", false: "set down"}[up]
	return l.setFlag(ctx, op, dev, unix.IFF_UP, up, l.h.LinkSetUp, l.h.LinkSetDown)
}

// SetPromisc sets or clears IFF_PROMISC on dev itself. (Debian's os-vif 3.0.0 means to set it
// on the hybrid-plug veths but clears it by a bug; this really sets it.)
func (l *Links) SetPromisc(ctx context.Context, dev string, on bool) error {
	op := map[bool]string{true: "set promisc on", false: "set promisc off"}[on]
	return l.setFlag(ctx, op, dev, unix.IFF_PROMISC, on, l.h.SetPromiscOn, l.h.SetPromiscOff)
}

// setFlag validates dev, and sets (setOn) or clears (setOff) the interface flag on it unless
// it already is as asked.
func (l *Links) setFlag(ctx context.Context, op, dev string, flag uint32, on bool, setOn, setOff func(netlink.Link) error) error {
	if err := ValidateName(dev); err != nil {
		return err
	}
	if err := live(ctx, op, dev); err != nil {
		return err
	}
	nlink, err := l.lookup(op, dev)
	if err != nil {
		return err
	}
	if (nlink.Attrs().RawFlags&flag != 0) == on {
		return nil
	}
	set := setOff
	if on {
		set = setOn
	}
	if err := set(nlink); err != nil {
		return opErr(op, dev, err)
	}
	l.log.Debug("netdev: "+op, "dev", dev)
	return nil
}

// SetMAC sets the hardware address of dev, which must be a 6-byte unicast Ethernet address.
func (l *Links) SetMAC(ctx context.Context, dev string, mac net.HardwareAddr) error {
	if err := ValidateName(dev); err != nil {
		return err
	}
	if err := checkMAC(mac); err != nil {
		return err
	}
	op := "set mac " + mac.String()
	if err := live(ctx, op, dev); err != nil {
		return err
	}
	nlink, err := l.lookup(op, dev)
	if err != nil {
		return err
	}
	if bytes.Equal(nlink.Attrs().HardwareAddr, mac) {
		return nil
	}
	if err := l.h.LinkSetHardwareAddr(nlink, mac); err != nil {
		return opErr(op, dev, err)
	}
	l.log.Debug("netdev: set mac", "dev", dev, "mac", mac.String())
	return nil
}

func checkMAC(mac net.HardwareAddr) error {
	switch {
	case len(mac) != 6:
		return &ValueError{Field: "mac", Value: mac.String(), Reason: "not a 6-byte Ethernet address"}
	case mac[0]&1 != 0:
		return &ValueError{Field: "mac", Value: mac.String(), Reason: "multicast address"}
	case bytes.Equal(mac, make(net.HardwareAddr, 6)):
		return &ValueError{Field: "mac", Value: mac.String(), Reason: "all zeros"}
	}
	return nil
}

// Delete removes dev. A device that does not exist is not an error. Deleting one end of a
// veth pair removes both.
func (l *Links) Delete(ctx context.Context, dev string) error {
	_, err := l.Remove(ctx, dev)
	return err
}

// Remove is Delete reporting whether the device existed (and was removed by this call): one
// RTM_DELLINK by name, no lookup first.
func (l *Links) Remove(ctx context.Context, dev string) (removed bool, err error) {
	if err := ValidateName(dev); err != nil {
		return false, err
	}
	if err := live(ctx, "delete", dev); err != nil {
		return false, err
	}
	req := nl.NewNetlinkRequest(unix.RTM_DELLINK, unix.NLM_F_ACK)
	req.Sockets = l.raw
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(dev)))
	if _, err := req.Execute(unix.NETLINK_ROUTE, 0); err != nil {
		if IsNotFound(err) {
			return false, nil // absent, or deleted meanwhile (e.g. its veth peer was)
		}
		return false, opErr("delete", dev, err)
	}
	l.log.Debug("netdev: deleted", "dev", dev)
	return true, nil
}
