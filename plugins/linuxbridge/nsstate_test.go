package linuxbridge

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govif/govif/internal/hoststate"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
)

// nsState is what a plug may change in a network namespace, in a form two namespaces can be
// compared by: every device but lo, the IPv4 routes, and the filter table.
type nsState struct {
	Devices []string // one line per device, sorted by name
	Routes  []string // IPv4 main-table routes, sorted
	Filter  []string // iptables filter table, see hoststate.IptablesSave
	Filter6 []string // ip6tables filter table, likewise
}

func (s nsState) String() string {
	return strings.Join(s.Devices, "\n") + "\n--routes\n" + strings.Join(s.Routes, "\n") +
		"\n--filter\n" + strings.Join(s.Filter, "\n") + "\n--filter6\n" + strings.Join(s.Filter6, "\n")
}

// captureState reads the state of ns.
func captureState(t *testing.T, ns *testenv.NetNS) nsState {
	t.Helper()
	ctx := context.Background()
	links, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer links.Close()
	all, err := links.ListLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var st nsState
	for _, l := range all {
		if l.Name == "lo" {
			continue
		}
		line := fmt.Sprintf("%s kind=%s mtu=%d up=%v master=%q", l.Name, l.Kind, l.MTU, l.Up, l.Master)
		if l.Kind == "bridge" {
			bs, err := links.BridgeSettings(ctx, l.Name)
			if err != nil {
				t.Fatal(err)
			}
			line += fmt.Sprintf(" forward_delay=%v stp=%v ageing=%v mcast_snooping=%v",
				bs.ForwardDelay, bs.STP, bs.AgeingTime, bs.MulticastSnooping)
		}
		for _, key := range []string{"ipv6/conf/%s/disable_ipv6", "ipv4/conf/%s/arp_ignore", "ipv4/conf/%s/arp_announce"} {
			k := "net/" + fmt.Sprintf(key, l.Name)
			v, err := links.Sysctl(ctx, k)
			if err != nil {
				v = "absent"
			}
			line += fmt.Sprintf(" %s=%s", key[strings.LastIndex(key, "/")+1:], v)
		}
		addrs, err := links.Addresses(ctx, l.Name)
		if err != nil {
			t.Fatal(err)
		}
		var a4 []string
		for _, a := range addrs {
			if a.Prefix.Addr().Is4() {
				a4 = append(a4, a.Prefix.String())
			}
		}
		slices.Sort(a4)
		line += fmt.Sprintf(" addrs=%v", a4)
		st.Devices = append(st.Devices, line)
	}
	slices.Sort(st.Devices)

	h := ns.Netlink(t)
	routes, err := h.RouteList(nil, unix.AF_INET)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		dev := ""
		if l, err := h.LinkByIndex(r.LinkIndex); err == nil {
			dev = l.Attrs().Name
		}
		dst := "default"
		if r.Dst != nil {
			dst = r.Dst.String()
		}
		st.Routes = append(st.Routes, fmt.Sprintf("%s via %v dev %s", dst, r.Gw, dev))
	}
	slices.Sort(st.Routes)
	st.Filter = hoststate.IptablesSave(t, ns, "iptables-save")
	st.Filter6 = hoststate.IptablesSave(t, ns, "ip6tables-save")
	return st
}

// addVethWithAddress creates the veth pair name/name+"p" in ns, up, with addr on name and a
// route to routeDst through gw, as a host NIC with an IP for the flat path to move.
func addVethWithAddress(t *testing.T, ns *testenv.NetNS, name, addr, routeDst, gw string) {
	t.Helper()
	h := ns.Netlink(t)
	attrs := netlink.NewLinkAttrs()
	attrs.Name = name
	if err := h.LinkAdd(&netlink.Veth{LinkAttrs: attrs, PeerName: name + "p"}); err != nil {
		t.Fatalf("add veth %s: %v", name, err)
	}
	for _, n := range []string{name, name + "p"} {
		l, err := h.LinkByName(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.LinkSetUp(l); err != nil {
			t.Fatal(err)
		}
	}
	l, _ := h.LinkByName(name)
	a, err := netlink.ParseAddr(addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddrAdd(l, a); err != nil {
		t.Fatalf("add address: %v", err)
	}
	_, dst, _ := net.ParseCIDR(routeDst)
	if err := h.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Dst: dst, Gw: net.ParseIP(gw)}); err != nil {
		t.Fatalf("add route: %v", err)
	}
}

func setDown(t *testing.T, ns *testenv.NetNS, name string) {
	t.Helper()
	h := ns.Netlink(t)
	l, err := h.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.LinkSetDown(l); err != nil {
		t.Fatal(err)
	}
}
