package netdev

import (
	"context"
	"fmt"
	"time"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// BridgeSettings are the bridge attributes os-vif sets, read back from the kernel.
type BridgeSettings struct {
	ForwardDelay      time.Duration
	STP               bool // STP enabled (stp_state != 0)
	AgeingTime        time.Duration
	MulticastSnooping bool
}

// clock_t in the bridge attributes counts USER_HZ (100) ticks.
const bridgeTick = 10 * time.Millisecond

// createBridge sends one RTM_NEWLINK creating a bridge with forward delay 0, STP off,
// multicast snooping off and, if ageing is not nil, that ageing time (in ticks), as
// pyroute2 does for os-vif. The netlink package cannot set the first two.
func (l *Links) createBridge(name string, ageing *uint32) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK)
	req.Sockets = l.raw
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated("bridge"))
	data := info.AddRtAttr(nl.IFLA_INFO_DATA, nil)
	data.AddRtAttr(nl.IFLA_BR_FORWARD_DELAY, nl.Uint32Attr(0))
	data.AddRtAttr(nl.IFLA_BR_STP_STATE, nl.Uint32Attr(0))
	data.AddRtAttr(nl.IFLA_BR_MCAST_SNOOPING, []byte{0})
	if ageing != nil {
		data.AddRtAttr(nl.IFLA_BR_AGEING_TIME, nl.Uint32Attr(*ageing))
	}
	req.AddData(info)
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	return err
}

// BridgeSettings reads the forward delay, STP state, ageing time and multicast snooping of
// the bridge name through netlink (so it works inside a namespace, where /sys would show
// another one).
func (l *Links) BridgeSettings(ctx context.Context, name string) (*BridgeSettings, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	const op = "read bridge settings"
	if err := live(ctx, op, name); err != nil {
		return nil, err
	}
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, 0)
	req.Sockets = l.raw
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
	if err != nil {
		return nil, opErr(op, name, err)
	}
	if len(msgs) != 1 {
		return nil, opErr(op, name, fmt.Errorf("kernel sent %d link messages, want 1", len(msgs)))
	}
	s, isBridge, err := parseBridgeSettings(msgs[0])
	if err != nil {
		return nil, opErr(op, name, err)
	}
	if !isBridge {
		return nil, &ConflictError{Name: name, Reason: "not a bridge"}
	}
	return s, nil
}

// parseBridgeSettings decodes an RTM_NEWLINK message; isBridge is false when its kind is not
// "bridge".
func parseBridgeSettings(msg []byte) (s *BridgeSettings, isBridge bool, err error) {
	if len(msg) < unix.SizeofIfInfomsg {
		return nil, false, fmt.Errorf("short link message (%d bytes)", len(msg))
	}
	attrs, err := nl.ParseRouteAttr(msg[unix.SizeofIfInfomsg:])
	if err != nil {
		return nil, false, fmt.Errorf("parse link attributes: %w", err)
	}
	s = &BridgeSettings{}
	for _, a := range attrs {
		if a.Attr.Type != unix.IFLA_LINKINFO {
			continue
		}
		infos, err := nl.ParseRouteAttr(a.Value)
		if err != nil {
			return nil, false, fmt.Errorf("parse link info: %w", err)
		}
		for _, info := range infos {
			switch info.Attr.Type {
			case nl.IFLA_INFO_KIND:
				isBridge = string(trimNUL(info.Value)) == "bridge"
			case nl.IFLA_INFO_DATA:
				data, err := nl.ParseRouteAttr(info.Value)
				if err != nil {
					return nil, false, fmt.Errorf("parse bridge data: %w", err)
				}
				for _, d := range data {
					switch {
					case d.Attr.Type == nl.IFLA_BR_FORWARD_DELAY && len(d.Value) >= 4:
						s.ForwardDelay = time.Duration(nl.NativeEndian().Uint32(d.Value)) * bridgeTick
					case d.Attr.Type == nl.IFLA_BR_STP_STATE && len(d.Value) >= 4:
						s.STP = nl.NativeEndian().Uint32(d.Value) != 0
					case d.Attr.Type == nl.IFLA_BR_AGEING_TIME && len(d.Value) >= 4:
						s.AgeingTime = time.Duration(nl.NativeEndian().Uint32(d.Value)) * bridgeTick
					case d.Attr.Type == nl.IFLA_BR_MCAST_SNOOPING && len(d.Value) >= 1:
						s.MulticastSnooping = d.Value[0] != 0
					}
				}
			}
		}
	}
	return s, isBridge, nil
}

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}
