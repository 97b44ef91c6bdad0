package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

// The VIF ids of the security test. A and B share their first 11 characters (so os-vif
// derives the same qbr/qvb/qvo/tap names for both); so do C and C2. X is the attacker's own.
const (
	secA  = "aaaaaaaa-aa11-4aaa-8aaa-aaaaaaaaaaaa"
	secB  = "aaaaaaaa-aa22-4bbb-8bbb-bbbbbbbbbbbb"
	secC  = "cccccccc-cc11-4ccc-8ccc-cccccccccccc"
	secC2 = "cccccccc-cc22-4ccc-8ccc-cccccccccccc"
	secD  = "dddddddd-dd11-4ddd-8ddd-dddddddddddd"
	secE  = "eeeeeeee-ee11-4eee-8eee-eeeeeeeeeeee"
	secF  = "ffffffff-ff11-4fff-8fff-ffffffffffff"
	secX  = "99999999-9911-4999-8999-999999999999"
	// secNet is the linux_bridge VIFs' network: Neutron's bridge for it is brq + id, cut to 14.
	secNet = "5b7d9f1a-3c5e-4f7a-9b1d-3f5a7c9e1b3d"
)

func d14(prefix, id string) string { return (prefix + id)[:14] }

func secMAC(id string) net.HardwareAddr {
	return net.HardwareAddr{0xfa, 0x16, 0x3e, id[0], id[10], id[11]}
}

func secBase(id, plugin string, net *objects.Network, prof objects.PortProfile) objects.VIFBase {
	b := objects.VIFBase{ID: objects.Set(id), Address: objects.Set(secMAC(id)), Network: objects.Set(net), Plugin: objects.Set(plugin)}
	if prof != nil {
		b.PortProfile = objects.Set(prof)
	}
	return b
}

func secOVSNet(mtu int) *objects.Network {
	return &objects.Network{ID: objects.Set("0e1d2c3b-4a59-4687-a5b4-c3d2e1f00f1e"), Bridge: objects.Set("br-int"), MTU: objects.Set(mtu)}
}

func secProfile(id string, mod func(*objects.VIFPortProfileOpenVSwitch)) *objects.VIFPortProfileOpenVSwitch {
	p := &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(id), DatapathType: objects.Set("netdev")}
	if mod != nil {
		mod(p)
	}
	return p
}

// secHybrid is an ovs hybrid-plug VIFBridge of id (qbr, qvb/qvo, OVS port qvo).
func secHybrid(id string) *objects.VIFBridge {
	return &objects.VIFBridge{VIFBase: secBase(id, "ovs", secOVSNet(1450), secProfile(id, nil)),
		VIFName: objects.Set(d14("tap", id)), BridgeName: objects.Set(d14("qbr", id))}
}

// secPlain is a VIFOpenVSwitch of id with create_port (and create_tap when tap).
func secPlain(id string, tap bool) *objects.VIFOpenVSwitch {
	prof := secProfile(id, func(p *objects.VIFPortProfileOpenVSwitch) {
		p.CreatePort = objects.Set(true)
		if tap {
			p.CreateTap = objects.Set(true)
		}
	})
	return &objects.VIFOpenVSwitch{VIFBase: secBase(id, "ovs", secOVSNet(1450), prof),
		VIFName: objects.Set(d14("tap", id)), BridgeName: objects.Set("br-int")}
}

// secLinuxBridge is a linux_bridge VIFBridge of id on Neutron's bridge for secNet.
func secLinuxBridge(id string) *objects.VIFBridge {
	n := &objects.Network{ID: objects.Set(secNet), Bridge: objects.Set(d14("brq", secNet)), MTU: objects.Set(1450),
		ShouldProvideBridge: objects.Set(true), ShouldProvideVLAN: objects.Set(false), BridgeInterface: objects.Null[string]()}
	return &objects.VIFBridge{VIFBase: secBase(id, "linux_bridge", n, nil),
		VIFName: objects.Set(d14("tap", id)), BridgeName: objects.Set(d14("brq", secNet))}
}

// startServeIni runs the real `govif serve` inside sb's namespace with the configuration ini
// (@SOCK@ replaced by its socket) and waits until it answers /healthz.
func startServeIni(t testing.TB, sb *sandbox.OVS, ini string) *servedDaemon {
	t.Helper()
	d, _ := launchServe(t, sb.NetNS().Do, ini, "--log-level", "warn")
	if err := awaitHealthy(d.sock, d.done, d.stderr.String); err != nil {
		t.Fatal(err)
	}
	return d
}

// hostState is what an attack must leave exactly as it was: every device of the namespace
// (name, kind, MAC, MTU, flags, master, addresses), every OVS bridge, port, interface (with
// external_ids) and QoS row, and iptables-save of the namespace.
type hostState struct {
	Links    []string
	OVS      []string
	IPTables []string
}

var iptCounters = regexp.MustCompile(`\[\d+:\d+\]`)

func snapshotHost(t *testing.T, sb *sandbox.OVS, nl *netlink.Handle, vs *vswitch.VSwitch) hostState {
	t.Helper()
	var st hostState
	links, err := nl.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	byIndex := map[int]string{}
	for _, l := range links {
		byIndex[l.Attrs().Index] = l.Attrs().Name
	}
	const flagMask = unix.IFF_UP | unix.IFF_PROMISC | unix.IFF_BROADCAST | unix.IFF_MULTICAST | unix.IFF_NOARP | unix.IFF_LOOPBACK
	for _, l := range links {
		a := l.Attrs()
		addrs, err := nl.AddrList(l, netlink.FAMILY_ALL)
		if err != nil {
			t.Fatal(err)
		}
		var as []string
		for _, ad := range addrs {
			if ad.IP.IsLinkLocalUnicast() {
				continue // the kernel's own IPv6 link-local address
			}
			as = append(as, ad.IPNet.String())
		}
		slices.Sort(as)
		st.Links = append(st.Links, fmt.Sprintf("%s kind=%s mac=%s mtu=%d flags=%#x master=%q addrs=%v",
			a.Name, l.Type(), a.HardwareAddr, a.MTU, a.RawFlags&flagMask, byIndex[a.MasterIndex], as))
	}
	slices.Sort(st.Links)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tables := []struct {
		table string
		cols  []string
	}{
		{"Bridge", []string{"name", "datapath_type", "external_ids"}},
		{"Port", []string{"name", "tag", "trunks", "vlan_mode", "external_ids"}},
		{"Interface", []string{"name", "type", "options", "external_ids", "mtu_request"}},
		{"QoS", []string{"type", "external_ids"}},
	}
	for _, tb := range tables {
		res, err := vs.Client().Transact(ctx, "Open_vSwitch", ovsdb.Select(tb.table, nil, tb.cols...))
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range res[0].Rows {
			var b strings.Builder
			b.WriteString(tb.table)
			for _, c := range tb.cols {
				fmt.Fprintf(&b, " %s=%s", c, row[c])
			}
			st.OVS = append(st.OVS, b.String())
		}
	}
	slices.Sort(st.OVS)

	var out []byte
	if err := sb.NetNS().Do(func() error {
		var err error
		out, err = exec.CommandContext(ctx, "iptables-save").Output()
		return err
	}); err != nil {
		t.Fatalf("iptables-save: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		st.IPTables = append(st.IPTables, iptCounters.ReplaceAllString(l, "[c]"))
	}
	return st
}

// only keeps the lines of st that mention one of names.
func (st hostState) only(names ...string) hostState {
	keep := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			for _, n := range names {
				if strings.Contains(l, n) {
					out = append(out, l)
					break
				}
			}
		}
		return out
	}
	return hostState{Links: keep(st.Links), OVS: keep(st.OVS), IPTables: keep(st.IPTables)}
}

// TestSecurityAttacksThroughServe repeats every attack of issue 15 through the API of the real
// `govif serve` (policy as serve builds it from the configuration) in the OVS sandbox, against
// stand-in devices: a NIC eth0 with an address, a Linux bridge br0, br-int and its own port,
// VIF A plugged hybrid with the tap libvirt would make for it in its qbr, and VIF C plugged
// plain with create_tap. Each attack is refused with a 4xx naming the field and the rule, and
// leaves the devices, OVSDB and iptables exactly as they were; then a normal plug/unplug of
// every VIF type and a hybrid re-plug repair pass, and the stand-ins are still untouched.
func TestSecurityAttacksThroughServe(t *testing.T) {
	testenv.RequireBinary(t, "iptables", "iptables")
	testenv.RequireBinary(t, "iptables-save", "iptables")
	sb := startSandbox(t)
	dir := t.TempDir()
	vhuDir := filepath.Join(dir, "vhu")
	if err := os.Mkdir(vhuDir, 0o755); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	ini := fmt.Sprintf("[os_vif_ovs]\novsdb_connection = %s\n\n[oslo_concurrency]\nlock_path = %s\n\n"+
		"[govif_daemon]\nsocket = @SOCK@\nrequest_timeout = 60\nstate_path = %s\n\n[govif]\nvhostuser_socket_dirs = %s\n",
		sb.Endpoint(), filepath.Join(dir, "locks"), state, vhuDir)
	d := startServeIni(t, sb, ini)
	nl, vs := observe(t, sb)
	c, err := NewClient("unix:" + d.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	inst := testInstance()

	// Stand-ins: a host NIC with an address, a host bridge with an address.
	eth0 := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0", MTU: 1500}, PeerName: "eth0p"}
	br0 := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "br0", MTU: 1500}}
	for _, l := range []netlink.Link{eth0, br0} {
		if err := nl.LinkAdd(l); err != nil {
			t.Fatal(err)
		}
	}
	for name, cidr := range map[string]string{"eth0": "192.0.2.10/24", "br0": "198.51.100.1/24"} {
		l, err := nl.LinkByName(name)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := netlink.ParseAddr(cidr)
		if err := nl.AddrAdd(l, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"eth0", "eth0p", "br0"} {
		l, _ := nl.LinkByName(n)
		if err := nl.LinkSetUp(l); err != nil {
			t.Fatal(err)
		}
	}
	// Another VM's VIFs: A hybrid (with libvirt's tap, MAC fe:..., in qbr), C plain.
	vifA, vifC := secHybrid(secA), secPlain(secC, true)
	for _, v := range []objects.VIF{vifA, vifC} {
		if err := c.Plug(ctx, v, inst); err != nil {
			t.Fatalf("plug %s: %v\n%s", v.Base().ID.Value(), err, d.stderr.String())
		}
	}
	links, err := netdev.New(netdev.InNamespace(sb.NetNS().Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer links.Close()
	libvirtMAC := append(net.HardwareAddr{0xfe}, secMAC(secA)[1:]...)
	if err := links.CreateTap(ctx, d14("tap", secA), netdev.TapOptions{MAC: libvirtMAC, MTU: 1450}); err != nil {
		t.Fatal(err)
	}
	if err := links.AddToBridge(ctx, d14("tap", secA), d14("qbr", secA)); err != nil {
		t.Fatal(err)
	}
	if err := links.SetUp(ctx, d14("tap", secA)); err != nil {
		t.Fatal(err)
	}
	// An iptables rule of the host's own, which a wildcard rule would shadow.
	if err := sb.NetNS().Do(exec.Command("iptables", "-w", "-A", "FORWARD", "-i", "br0", "-j", "DROP").Run); err != nil {
		t.Fatal(err)
	}
	before := snapshotHost(t, sb, nl, vs)
	for _, want := range []string{"eth0 ", "br0 ", d14("tap", secA) + " ", d14("qvo", secA), d14("tap", secC)} {
		if !slices.ContainsFunc(before.Links, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Fatalf("stand-in %q missing: %v", want, before.Links)
		}
	}

	withMTU := func(v *objects.VIFOpenVSwitch, mtu int) *objects.VIFOpenVSwitch {
		n, _ := v.Network.Get()
		n.MTU = objects.Set(mtu)
		return v
	}
	ovsNamed := func(name string) objects.VIF {
		v := secPlain(secX, false)
		v.VIFName = objects.Set(name)
		return v
	}
	lbBridge := func(name string) objects.VIF {
		v := secLinuxBridge(secX)
		v.BridgeName = objects.Set(name)
		return v
	}
	hybridBridge := func(name string) objects.VIF {
		v := secHybrid(secX)
		v.BridgeName = objects.Set(name)
		return v
	}
	bridgeIface := func() objects.VIF {
		v := secLinuxBridge(secX)
		n, _ := v.Network.Get()
		n.BridgeInterface = objects.Set("eth0")
		return v
	}
	attacks := []struct {
		name   string
		op     string
		vif    objects.VIF
		status int
		field  string
		rule   string
	}{
		{"linux_bridge unplug of host NIC eth0 as bridge_name", "unplug", lbBridge("eth0"), 403, "VIFBridge.bridge_name", "bridge_not_allowed"},
		{"linux_bridge unplug of host bridge br0 as bridge_name", "unplug", lbBridge("br0"), 403, "VIFBridge.bridge_name", "bridge_not_allowed"},
		{"hybrid unplug of host NIC eth0 as qbr", "unplug", hybridBridge("eth0"), 403, "VIFBridge.bridge_name", "name_not_derived"},
		{"hybrid unplug of host bridge br0 as qbr", "unplug", hybridBridge("br0"), 403, "VIFBridge.bridge_name", "name_not_derived"},
		{"ovs unplug of vif_name eth0", "unplug", ovsNamed("eth0"), 403, "VIFOpenVSwitch.vif_name", "name_not_derived"},
		{"ovs unplug of vif_name br-int", "unplug", ovsNamed("br-int"), 403, "VIFOpenVSwitch.vif_name", "name_not_derived"},
		{"ovs unplug of another VM's tap", "unplug", ovsNamed(d14("tap", secC)), 403, "VIFOpenVSwitch.vif_name", "name_not_derived"},
		{"ovs unplug of another VM's qvo", "unplug", ovsNamed(d14("qvo", secA)), 403, "VIFOpenVSwitch.vif_name", "name_not_derived"},
		{"ovs plug of eth0 at MTU 68", "plug", withMTU(ovsNamed("eth0").(*objects.VIFOpenVSwitch), 68), 403, "VIFOpenVSwitch.vif_name", "name_not_derived"},
		{"hybrid unplug of a never-plugged VIF sharing A's id prefix", "unplug", secHybrid(secB), 409, "VIFBridge.id", "name_conflict"},
		{"ovs unplug of a never-plugged VIF sharing A's id prefix", "unplug", secPlain(secB, false), 409, "VIFOpenVSwitch.id", "name_conflict"},
		{"hybrid plug of a VIF sharing A's id prefix", "plug", secHybrid(secB), 409, "VIFBridge.id", "name_conflict"},
		{"ovs plug of a VIF sharing C's id prefix", "plug", secPlain(secC2, true), 409, "VIFOpenVSwitch.vif_name", "name_conflict"},
		{"ovs unplug of a never-plugged VIF sharing C's id prefix", "unplug", secPlain(secC2, true), 409, "VIFOpenVSwitch.vif_name", "name_conflict"},
		{"linux_bridge plug with bridge_name '+' (iptables wildcard)", "plug", lbBridge("+"), 403, "VIFBridge.bridge_name", "invalid_name"},
		{"linux_bridge plug moving host NIC eth0 into a bridge", "plug", bridgeIface(), 403, "VIFBridge.network.bridge_interface", "interface_not_allowed"},
	}
	for _, a := range attacks {
		call := c.Plug
		if a.op == "unplug" {
			call = c.Unplug
		}
		err := call(ctx, a.vif, inst)
		var api *APIError
		if !errors.As(err, &api) || api.Status != a.status || api.Code != CodePolicy || api.Field != a.field || api.Rule != a.rule {
			t.Errorf("%s: err = %v (%+v), want %d %s field %s rule %s", a.name, err, api, a.status, CodePolicy, a.field, a.rule)
		} else {
			t.Logf("%s: %d %s", a.name, api.Status, api.Message)
		}
		if diff := cmp.Diff(before, snapshotHost(t, sb, nl, vs)); diff != "" {
			t.Fatalf("%s changed the host (-before +after):\n%s", a.name, diff)
		}
	}

	// Normal plug/unplug of every VIF type still works.
	vhu := &objects.VIFVHostUser{VIFBase: secBase(secF, "ovs", secOVSNet(1500), secProfile(secF, nil)),
		Mode: objects.Set(objects.VIFVHostUserModeServer), Path: objects.Set(filepath.Join(vhuDir, d14("vhu", secF))),
		VIFName: objects.Set(d14("vhu", secF))}
	normal := []struct {
		vif  objects.VIF
		devs []string // devices the plug makes
		port string   // its OVS port on br-int, if any
	}{
		{secPlain(secE, false), nil, d14("tap", secE)},
		{secPlain(secE, true), []string{d14("tap", secE)}, d14("tap", secE)},
		{secHybrid(secD), []string{d14("qbr", secD), d14("qvb", secD), d14("qvo", secD)}, d14("qvo", secD)},
		{vhu, nil, d14("vhu", secF)},
		{secLinuxBridge(secX), []string{d14("brq", secNet)}, ""},
		{vifA, nil, d14("qvo", secA)}, // A's own re-plug: its tap in qbr is its own
	}
	for _, n := range normal {
		id := n.vif.Base().ID.Value()
		if err := c.Plug(ctx, n.vif, inst); err != nil {
			t.Fatalf("plug %s %s: %v", n.vif.ObjName(), id, err)
		}
		for _, dev := range n.devs {
			if _, err := nl.LinkByName(dev); err != nil {
				t.Errorf("plug %s %s: %s missing: %v", n.vif.ObjName(), id, dev, err)
			}
		}
		if n.port != "" {
			if ifc, err := vs.InterfaceByName(ctx, n.port); err != nil || ifc.ExternalIDs["iface-id"] != id {
				t.Errorf("plug %s %s: port %s: %v %v", n.vif.ObjName(), id, n.port, ifc, err)
			}
		}
		if n.vif.Base().Plugin.Value() == "linux_bridge" || id == secA {
			continue // os-vif's linux_bridge unplug leaves the bridge; A stays plugged
		}
		if err := c.Unplug(ctx, n.vif, inst); err != nil {
			t.Fatalf("unplug %s %s: %v", n.vif.ObjName(), id, err)
		}
		for _, dev := range n.devs {
			if _, err := nl.LinkByName(dev); err == nil {
				t.Errorf("unplug %s %s: %s left", n.vif.ObjName(), id, dev)
			}
		}
		if n.port != "" {
			if ok, err := vs.PortOnBridge(ctx, "br-int", n.port); err != nil || ok {
				t.Errorf("unplug %s %s: port %s left (%v)", n.vif.ObjName(), id, n.port, err)
			}
		}
	}

	// Hybrid re-plug repair: the veth pair of D is gone; a re-plug puts it back.
	vifD := secHybrid(secD)
	if err := c.Plug(ctx, vifD, inst); err != nil {
		t.Fatal(err)
	}
	qvb, _ := nl.LinkByName(d14("qvb", secD))
	if err := nl.LinkDel(qvb); err != nil {
		t.Fatal(err)
	}
	if err := c.Plug(ctx, vifD, inst); err != nil {
		t.Fatalf("re-plug repair: %v", err)
	}
	if l, err := links.Get(ctx, d14("qvb", secD)); err != nil || l.Master != d14("qbr", secD) || l.Peer != d14("qvo", secD) {
		t.Errorf("re-plug repair: qvb = %+v, %v", l, err)
	}
	if ok, err := vs.PortOnBridge(ctx, "br-int", d14("qvo", secD)); err != nil || !ok {
		t.Errorf("re-plug repair: qvo not on br-int: %v", err)
	}
	if err := c.Unplug(ctx, vifD, inst); err != nil {
		t.Fatal(err)
	}

	// The stand-ins are exactly as they were.
	standIns := []string{"eth0", "br0", d14("qbr", secA), d14("qvb", secA), d14("qvo", secA), d14("tap", secA), d14("tap", secC)}
	if diff := cmp.Diff(before.only(standIns...), snapshotHost(t, sb, nl, vs).only(standIns...)); diff != "" {
		t.Errorf("normal plugs and unplugs changed the stand-ins (-before +after):\n%s", diff)
	}

	noTap := func(v *objects.VIFBridge) objects.VIF {
		v.VIFName = objects.Field[string]{}
		return v
	}
	// Without A's OVS port (its row lost), the inventory still records A's names: B's unplug
	// is refused.
	if err := vs.DelPort(ctx, "br-int", d14("qvo", secA)); err != nil {
		t.Fatal(err)
	}
	before = snapshotHost(t, sb, nl, vs)
	err = c.Unplug(ctx, secHybrid(secB), inst)
	if api := (*APIError)(nil); !errors.As(err, &api) || api.Status != 409 || api.Field != "VIFBridge.id" || api.Rule != "name_conflict" {
		t.Errorf("unplug of B with A recorded but without A's OVS port: err = %v, want 409 VIFBridge.id name_conflict", err)
	} else {
		t.Logf("unplug of B with A recorded but without A's OVS port: %s", api.Message)
	}
	if diff := cmp.Diff(before, snapshotHost(t, sb, nl, vs)); diff != "" {
		t.Fatalf("unplug of B with A recorded changed the host (-before +after):\n%s", diff)
	}
	// A plugged before the inventory existed (no record; a daemon restarted on the store) and
	// without its OVS port: the devices still tell, qbr carries A's tap (libvirt's MAC fe:...
	// of A's address), so B's unplug and plug are refused and change nothing.
	d.stop(t)
	c.Close()
	if err := os.Remove(filepath.Join(state, "vifs", secA+".json")); err != nil {
		t.Fatal(err)
	}
	d = startServeIni(t, sb, ini)
	if c, err = NewClient("unix:" + d.sock); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		op, field string
		vif       objects.VIF
	}{
		{"unplug", "VIFBridge.vif_name", secHybrid(secB)},
		{"plug", "VIFBridge.vif_name", secHybrid(secB)},
		{"unplug", "VIFBridge.bridge_name", noTap(secHybrid(secB))}, // what qbr carries is not B's
		{"plug", "VIFOpenVSwitch.vif_name", secPlain(secB, true)},
		{"unplug", "VIFOpenVSwitch.vif_name", secPlain(secB, true)},
	} {
		call := c.Plug
		if a.op == "unplug" {
			call = c.Unplug
		}
		err := call(ctx, a.vif, inst)
		var api *APIError
		if !errors.As(err, &api) || api.Status != 409 || api.Field != a.field || api.Rule != "name_conflict" {
			t.Errorf("%s %s of B without A's OVS port: err = %v, want 409 %s name_conflict", a.op, a.vif.ObjName(), err, a.field)
		} else {
			t.Logf("%s %s of B without A's OVS port: %s", a.op, a.vif.ObjName(), api.Message)
		}
		if diff := cmp.Diff(before, snapshotHost(t, sb, nl, vs)); diff != "" {
			t.Fatalf("%s of B without A's port changed the host (-before +after):\n%s", a.op, diff)
		}
	}
	for _, v := range []objects.VIF{vifA, vifC} {
		if err := c.Unplug(ctx, v, inst); err != nil {
			t.Errorf("unplug %s: %v", v.Base().ID.Value(), err)
		}
	}
	d.stop(t)
}
