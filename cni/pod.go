package cni

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/containernetworking/cni/pkg/types"
	current "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/plugins/pkg/ip"
	"github.com/containernetworking/plugins/pkg/ns"
	"github.com/vishvananda/netlink"

	"github.com/govif/govif/objects"
)

// createPodInterface makes CNI_IFNAME in the pod: a veth pair whose host end stays in the
// plugin's namespace, or a macvlan/VLAN device on the link interface. It returns the pod and
// (for veth) host interfaces of the result.
func (a *attachment) createPodInterface(netns ns.NetNS, u *undo) (pod, host *current.Interface, err error) {
	mac := ""
	if a.mac != nil {
		mac = a.mac.String()
	}
	switch a.kind {
	case kindVeth:
		hostNS, err := ns.GetCurrentNS()
		if err != nil {
			return nil, nil, err
		}
		defer hostNS.Close()
		var hv, cv net.Interface
		err = netns.Do(func(ns.NetNS) error {
			var err error
			hv, cv, err = ip.SetupVethWithName(a.ifName, a.hostIf, a.mtu, mac, hostNS)
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("veth %s/%s: %w", a.hostIf, a.ifName, err)
		}
		*u = append(*u, func(context.Context) { _ = deleteHostLink(a.hostIf) })
		a.mac = cv.HardwareAddr
		a.vif.Base().Address = objects.Set(cv.HardwareAddr)
		return &current.Interface{Name: a.ifName, Mac: cv.HardwareAddr.String(), Mtu: cv.MTU, Sandbox: netns.Path()},
			&current.Interface{Name: hv.Name, Mac: hv.HardwareAddr.String(), Mtu: hv.MTU}, nil
	case kindMacvlan, kindVLAN:
		parent, err := netlink.LinkByName(a.link)
		if err != nil {
			return nil, nil, &ConfigError{Field: "linkInterface", Value: fmt.Sprintf("%q", a.link), Reason: err.Error()}
		}
		attrs := netlink.LinkAttrs{Name: a.ifName, ParentIndex: parent.Attrs().Index, MTU: a.mtu,
			HardwareAddr: a.mac, Namespace: netlink.NsFd(int(netns.Fd()))}
		var l netlink.Link = &netlink.Macvlan{LinkAttrs: attrs, Mode: netlink.MACVLAN_MODE_BRIDGE}
		if a.kind == kindVLAN {
			l = &netlink.Vlan{LinkAttrs: attrs, VlanId: a.vlanID}
		}
		if err := netlink.LinkAdd(l); err != nil {
			return nil, nil, fmt.Errorf("create %s %s on %s: %w", a.kind, a.ifName, a.link, err)
		}
		*u = append(*u, func(context.Context) { _ = a.deletePodInterface() })
		var pod *current.Interface
		err = netns.Do(func(ns.NetNS) error {
			l, err := netlink.LinkByName(a.ifName)
			if err != nil {
				return err
			}
			if err := netlink.LinkSetUp(l); err != nil {
				return err
			}
			pod = &current.Interface{Name: a.ifName, Mac: l.Attrs().HardwareAddr.String(), Mtu: l.Attrs().MTU, Sandbox: netns.Path()}
			return nil
		})
		return pod, nil, err
	}
	return nil, nil, fmt.Errorf("unknown interface kind %q", a.kind)
}

// deletePodInterface deletes CNI_IFNAME in the pod; a gone netns or device is success.
func (a *attachment) deletePodInterface() error {
	if a.netns == "" {
		return nil
	}
	netns, err := ns.GetNS(a.netns)
	if err != nil {
		var ne ns.NSPathNotExistErr
		var nn ns.NSPathNotNSErr
		if errors.As(err, &ne) || errors.As(err, &nn) {
			return nil
		}
		return err
	}
	defer netns.Close()
	return netns.Do(func(ns.NetNS) error {
		if err := ip.DelLinkByName(a.ifName); err != nil && !errors.Is(err, ip.ErrLinkNotFound) {
			return err
		}
		return nil
	})
}

// deleteHostLink deletes a host device govif-cni named; a missing one is success.
func deleteHostLink(name string) error {
	if name == "" {
		return nil
	}
	if err := ip.DelLinkByName(name); err != nil && !errors.Is(err, ip.ErrLinkNotFound) {
		return err
	}
	return nil
}

func setMaster(dev, bridge string) error {
	l, err := netlink.LinkByName(dev)
	if err != nil {
		return err
	}
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		return fmt.Errorf("bridge %s: %w", bridge, err)
	}
	return netlink.LinkSetMaster(l, br)
}

func checkHostLink(name string, mtu int) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return &DriftError{What: fmt.Sprintf("host device %q", name), Want: "present", Got: "missing"}
	}
	if mtu != 0 && l.Attrs().MTU != mtu {
		return &DriftError{What: fmt.Sprintf("MTU of host device %q", name), Want: strconv.Itoa(mtu), Got: strconv.Itoa(l.Attrs().MTU)}
	}
	return nil
}

// checkPod compares the pod interface with prevResult and the configuration.
func (a *attachment) checkPod(netns ns.NetNS, prev *current.Result) error {
	var want *current.Interface
	for _, i := range prev.Interfaces {
		if i.Sandbox != "" && i.Name == a.ifName {
			want = i
		}
	}
	if want == nil {
		return &DriftError{What: "prevResult", Want: fmt.Sprintf("an interface %q with a sandbox", a.ifName), Got: "none"}
	}
	return netns.Do(func(ns.NetNS) error {
		l, err := netlink.LinkByName(a.ifName)
		if err != nil {
			return &DriftError{What: fmt.Sprintf("device %q in the pod", a.ifName), Want: "present", Got: "missing"}
		}
		if got := l.Attrs().HardwareAddr.String(); want.Mac != "" && got != want.Mac {
			return &DriftError{What: fmt.Sprintf("MAC of %q in the pod", a.ifName), Want: want.Mac, Got: got}
		}
		if got := l.Attrs().MTU; a.mtu != 0 && got != a.mtu {
			return &DriftError{What: fmt.Sprintf("MTU of %q in the pod", a.ifName), Want: strconv.Itoa(a.mtu), Got: strconv.Itoa(got)}
		}
		if err := ip.ValidateExpectedInterfaceIPs(a.ifName, prev.IPs); err != nil {
			return &DriftError{What: fmt.Sprintf("addresses of %q in the pod", a.ifName), Want: "those of prevResult", Got: err.Error()}
		}
		if err := ip.ValidateExpectedRoute(prev.Routes); err != nil {
			return &DriftError{What: "routes in the pod", Want: "those of prevResult", Got: err.Error()}
		}
		return nil
	})
}

// ipsFromVIF fills result with the VIF's fixed IPs and routes (VIF mode without IPAM, as
// kuryr configures pods from the VIF's network).
func ipsFromVIF(vif objects.VIF, result *current.Result) {
	n, ok := vif.Base().Network.Get()
	if !ok || n == nil {
		return
	}
	sl, _ := n.Subnets.Get()
	if sl == nil {
		return
	}
	subnets, _ := sl.Objects.Get()
	for _, s := range subnets {
		cidr, ok := s.CIDR.Get()
		if !ok {
			continue
		}
		gw, hasGW := s.Gateway.Get()
		if fl, _ := s.IPs.Get(); fl != nil {
			fips, _ := fl.Objects.Get()
			for _, f := range fips {
				addr, ok := f.Address.Get()
				if !ok {
					continue
				}
				ipc := &current.IPConfig{Address: net.IPNet{IP: addr.AsSlice(), Mask: net.CIDRMask(cidr.Bits(), addr.BitLen())}}
				if hasGW {
					ipc.Gateway = gw.AsSlice()
				}
				result.IPs = append(result.IPs, ipc)
			}
		}
		if rl, _ := s.Routes.Get(); rl != nil {
			rs, _ := rl.Objects.Get()
			for _, r := range rs {
				c, ok := r.CIDR.Get()
				if !ok {
					continue
				}
				rt := &types.Route{Dst: net.IPNet{IP: c.Addr().AsSlice(), Mask: net.CIDRMask(c.Bits(), c.Addr().BitLen())}}
				if g, ok := r.Gateway.Get(); ok {
					rt.GW = g.AsSlice()
				}
				result.Routes = append(result.Routes, rt)
			}
		}
	}
}
