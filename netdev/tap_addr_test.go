package netdev

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

func TestCreateTap(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	mac := mustParseMAC(t, "fa:16:3e:aa:bb:cc")
	for _, tc := range []struct {
		name string
		mq   bool
	}{{"tapsingle", false}, {"tapmulti", true}} {
		for i := range 2 {
			if err := l.CreateTap(ctx, tc.name, TapOptions{MAC: mac, MTU: 1450, Multiqueue: tc.mq}); err != nil {
				t.Fatalf("CreateTap(%s) #%d: %v", tc.name, i+1, err)
			}
		}
		got := mustGet(t, l, tc.name)
		if got.Kind != "tap" || got.Multiqueue != tc.mq || got.MTU != 1450 || !got.Up || got.MAC.String() != mac.String() {
			t.Errorf("%s = %+v, want tap multiqueue=%t mtu 1450 up mac %s", tc.name, got, tc.mq, mac)
		}
	}
	for _, name := range []string{"tapsingle", "tapmulti"} {
		attrs := tunAttrs(t, l, name)
		_, owner := attrs[nl.IFLA_TUN_OWNER]
		_, group := attrs[nl.IFLA_TUN_GROUP]
		if p := attrs[nl.IFLA_TUN_PERSIST]; owner || group || len(p) != 1 || p[0] != 1 {
			t.Errorf("%s tun attributes: %v; want persist=1, and no owner or group", name, attrs)
		}
	}
	// Persistent for real: no /dev/net/tun descriptor of this process keeps the taps alive (a
	// tap made without TUNSETPERSIST would vanish with the process that holds its queue).
	if n := openTunFDs(t); n != 0 {
		t.Errorf("%d /dev/net/tun descriptors left open after CreateTap", n)
	}
	var ce *ConflictError
	if err := l.CreateTap(ctx, "tapmulti", TapOptions{}); !errors.As(err, &ce) {
		t.Errorf("CreateTap single-queue over a multi-queue tap = %v, want *ConflictError", err)
	}
	if err := l.CreateVethPair(ctx, "tv0", "tv1", 0); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateTap(ctx, "tv0", TapOptions{}); !errors.As(err, &ce) {
		t.Errorf("CreateTap over a veth = %v, want *ConflictError", err)
	}
	// The tap persists with no descriptor open, and deletes cleanly.
	for range 2 {
		if err := l.Delete(ctx, "tapmulti"); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _ := l.Exists(ctx, "tapmulti"); ok {
		t.Error("tapmulti still exists after Delete")
	}
}

// TestNamespaceIsolation checks that devices and sysctls change inside the bound namespace
// and not in the test process's own.
func TestNamespaceIsolation(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.EnsureBridge(ctx, "qbriso"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateTap(ctx, "tapiso", TapOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, dev := range []string{"qbriso", "tapiso"} {
		if _, err := netlink.LinkByName(dev); err == nil {
			t.Errorf("%s is visible in the host namespace", dev)
		}
	}
	if _, err := os.Stat("/proc/sys/net/ipv4/conf/qbriso"); err == nil {
		t.Error("the bridge's sysctls appear in the host namespace")
	}
	if err := l.SetSysctl(ctx, "net/ipv4/ip_forward", "1"); err != nil {
		t.Fatal(err)
	}
	if v, err := l.Sysctl(ctx, "/proc/sys/net/ipv4/ip_forward"); err != nil || v != "1" {
		t.Errorf("ip_forward in the namespace = %q, %v; want 1", v, err)
	}
	if err := l.SetSysctl(ctx, "net/ipv4/conf/nosuch/forwarding", "1"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("SetSysctl of a missing key = %v, want fs.ErrNotExist", err)
	}
	var ve *ValueError
	for _, key := range []string{"", "/etc/passwd", "net/../../etc/passwd", "net/ipv4//x"} {
		if err := l.SetSysctl(ctx, key, "1"); !errors.As(err, &ve) {
			t.Errorf("SetSysctl(%q) = %v, want *ValueError", key, err)
		}
	}
}

func TestMoveAddressesAndRoutes(t *testing.T) {
	l, ns := newNSLinks(t)
	ctx := context.Background()
	if err := l.CreateVethPair(ctx, "eth0", "eth0peer", 0); err != nil {
		t.Fatal(err)
	}
	if err := l.EnsureBridge(ctx, "brflat"); err != nil {
		t.Fatal(err)
	}
	h := ns.Netlink(t)
	eth0, err := h.LinkByName("eth0")
	if err != nil {
		t.Fatal(err)
	}
	// Keep the secondary on eth0 when its primary leaves (Debian hosts set this; a fresh
	// namespace has the kernel default 0, which deletes secondaries with their primary).
	if err := l.SetSysctl(ctx, "net/ipv4/conf/eth0/promote_secondaries", "1"); err != nil {
		t.Fatal(err)
	}
	addAddr := func(cidr string, flags int) {
		t.Helper()
		a, err := netlink.ParseAddr(cidr)
		if err != nil {
			t.Fatal(err)
		}
		a.Flags = flags
		if err := h.AddrAdd(eth0, a); err != nil {
			t.Fatalf("add %s: %v", cidr, err)
		}
	}
	addAddr("192.0.2.10/24", 0)
	addAddr("192.0.2.11/24", 0) // secondary: stays
	addAddr("198.51.100.5/24", 0)
	gw := net.ParseIP("192.0.2.1")
	_, other, _ := net.ParseCIDR("203.0.113.0/24")
	for _, r := range []*netlink.Route{
		{LinkIndex: eth0.Attrs().Index, Gw: gw},             // default via 192.0.2.1
		{LinkIndex: eth0.Attrs().Index, Gw: gw, Dst: other}, // 203.0.113.0/24 via 192.0.2.1
	} {
		if err := h.RouteAdd(r); err != nil {
			t.Fatalf("route add: %v", err)
		}
	}
	if err := l.AddToBridge(ctx, "eth0", "brflat"); err != nil {
		t.Fatal(err)
	}
	if err := l.MoveAddressesAndRoutes(ctx, "eth0", "brflat"); err != nil {
		t.Fatal(err)
	}
	prefixes := func(dev string) map[string]bool {
		t.Helper()
		addrs, err := l.Addresses(ctx, dev)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, a := range addrs {
			if a.Prefix.Addr().Is4() {
				m[a.Prefix.String()] = true
			}
		}
		return m
	}
	if got := prefixes("brflat"); !got["192.0.2.10/24"] || !got["198.51.100.5/24"] || len(got) != 2 {
		t.Errorf("bridge addresses = %v, want 192.0.2.10/24 and 198.51.100.5/24", got)
	}
	if got := prefixes("eth0"); !got["192.0.2.11/24"] || len(got) != 1 {
		t.Errorf("eth0 addresses = %v, want only the (promoted) secondary 192.0.2.11/24", got)
	}
	br, err := h.LinkByName("brflat")
	if err != nil {
		t.Fatal(err)
	}
	routes, err := h.RouteList(br, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	via := map[string]bool{}
	for _, r := range routes {
		if r.Gw != nil {
			via[routeString(r)] = true
		}
	}
	if !via["default via 192.0.2.1"] || !via["203.0.113.0/24 via 192.0.2.1"] {
		t.Errorf("gateway routes on the bridge = %v, want the default and 203.0.113.0/24 via 192.0.2.1", via)
	}
	// Again: the promoted secondary is now a primary and moves too (as in os-vif); the routes
	// already on the bridge are left as they are.
	if err := l.MoveAddressesAndRoutes(ctx, "eth0", "brflat"); err != nil {
		t.Fatalf("second MoveAddressesAndRoutes: %v", err)
	}
	if got := prefixes("brflat"); len(got) != 3 {
		t.Errorf("bridge addresses after the second move = %v, want 3", got)
	}
	if err := l.MoveAddressesAndRoutes(ctx, "eth0", "brflat"); err != nil {
		t.Fatalf("third MoveAddressesAndRoutes (nothing left): %v", err)
	}
}

func TestAddressesFlags(t *testing.T) {
	l, ns := newNSLinks(t)
	ctx := context.Background()
	if err := l.CreateVethPair(ctx, "af0", "af1", 0); err != nil {
		t.Fatal(err)
	}
	h := ns.Netlink(t)
	dev, err := h.LinkByName("af0")
	if err != nil {
		t.Fatal(err)
	}
	for _, cidr := range []string{"192.0.2.10/24", "192.0.2.11/24"} {
		a, _ := netlink.ParseAddr(cidr)
		if err := h.AddrAdd(dev, a); err != nil {
			t.Fatal(err)
		}
	}
	dyn, _ := netlink.ParseAddr("198.51.100.7/24")
	dyn.ValidLft, dyn.PreferedLft = 3600, 3600 // a lease: not permanent
	if err := h.AddrAdd(dev, dyn); err != nil {
		t.Fatal(err)
	}
	addrs, err := l.Addresses(ctx, "af0")
	if err != nil {
		t.Fatal(err)
	}
	got := map[netip.Prefix]Address{}
	for _, a := range addrs {
		got[a.Prefix] = a
	}
	p := netip.MustParsePrefix
	if a := got[p("192.0.2.10/24")]; a.Secondary || a.Dynamic || a.Scope != unix.RT_SCOPE_UNIVERSE || a.Broadcast != netip.MustParseAddr("192.0.2.255") {
		t.Errorf("primary reported as %+v", a)
	}
	if a := got[p("192.0.2.11/24")]; !a.Secondary || a.Dynamic {
		t.Errorf("secondary reported as %+v", a)
	}
	if a := got[p("198.51.100.7/24")]; !a.Dynamic {
		t.Errorf("address with a lifetime reported as %+v, want Dynamic", a)
	}
	// Dynamic and secondary addresses are not moved.
	if err := l.EnsureBridge(ctx, "braf"); err != nil {
		t.Fatal(err)
	}
	if err := l.MoveAddressesAndRoutes(ctx, "af0", "braf"); err != nil {
		t.Fatal(err)
	}
	moved, err := l.Addresses(ctx, "braf")
	if err != nil {
		t.Fatal(err)
	}
	var v4 []netip.Prefix
	for _, a := range moved {
		if a.Prefix.Addr().Is4() {
			v4 = append(v4, a.Prefix)
		}
	}
	if len(v4) != 1 || v4[0] != p("192.0.2.10/24") {
		t.Errorf("moved to the bridge: %v, want only 192.0.2.10/24", v4)
	}
}

// tunAttrs returns the IFLA_TUN_* attributes the kernel reports for the tap dev, with their
// values (it sends IFLA_TUN_OWNER and IFLA_TUN_GROUP only when they are set; IFLA_TUN_PERSIST
// always, 0 or 1).
func tunAttrs(t *testing.T, l *Links, dev string) map[uint16][]byte {
	t.Helper()
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, 0)
	req.Sockets = l.raw
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(dev)))
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("get %s: %v (%d messages)", dev, err, len(msgs))
	}
	out := map[uint16][]byte{}
	attrs, err := nl.ParseRouteAttr(msgs[0][unix.SizeofIfInfomsg:])
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range attrs {
		if a.Attr.Type != unix.IFLA_LINKINFO {
			continue
		}
		infos, _ := nl.ParseRouteAttr(a.Value)
		for _, info := range infos {
			if info.Attr.Type != nl.IFLA_INFO_DATA {
				continue
			}
			data, _ := nl.ParseRouteAttr(info.Value)
			for _, d := range data {
				out[d.Attr.Type] = d.Value
			}
		}
	}
	return out
}

// openTunFDs counts this process's open descriptors on /dev/net/tun.
func openTunFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && target == "/dev/net/tun" {
			n++
		}
	}
	return n
}
