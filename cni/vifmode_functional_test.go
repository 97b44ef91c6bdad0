package cni

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/containernetworking/cni/libcni"
	current "github.com/containernetworking/cni/pkg/types/100"
	"github.com/vishvananda/netlink"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/vswitch"
)

// network is an os-vif Network with one subnet holding ip (kuryr puts the pod's fixed IP there).
func network(bridge string, mtu int, ip string) *objects.Network {
	pfx := netip.MustParsePrefix(ip)
	fips := &objects.FixedIPList{Objects: objects.Set([]*objects.FixedIP{{Address: objects.Set(pfx.Addr())}})}
	sub := &objects.Subnet{CIDR: objects.Set(pfx.Masked()), IPs: objects.Set(fips)}
	n := &objects.Network{ID: objects.Set(uuid5("net/" + bridge)), Subnets: objects.Set(&objects.SubnetList{Objects: objects.Set([]*objects.Subnet{sub})}), MTU: objects.Set(mtu)}
	if bridge != "" {
		n.Bridge = objects.Set(bridge)
	}
	return n
}

func primitive(t *testing.T, o objects.Object) json.RawMessage {
	t.Helper()
	b, err := objects.Encode(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vifConf is a VIF-mode configuration: no IPAM, the VIF given through the "vif" capability.
func (r *rig) vifList(extra map[string]any) *libcni.NetworkConfigList {
	e := map[string]any{"ipam": nil, "capabilities": map[string]bool{"vif": true}}
	for k, v := range extra {
		e[k] = v
	}
	return r.list("1.1.0", e)
}

func podAddrMAC(t *testing.T, p *pod) (string, string, int) {
	t.Helper()
	var addr, mac string
	var mtu int
	if err := p.ns.Do(func() error {
		l, err := netlink.LinkByName("eth0")
		if err != nil {
			return err
		}
		mac, mtu = l.Attrs().HardwareAddr.String(), l.Attrs().MTU
		as, err := netlink.AddrList(l, netlink.FAMILY_V4)
		if err == nil && len(as) > 0 {
			addr = as[0].IPNet.String()
		}
		return err
	}); err != nil {
		t.Fatalf("pod %s eth0: %v", p.rt.ContainerID, err)
	}
	return addr, mac, mtu
}

func pingRetry(t *testing.T, from *pod, to string) {
	t.Helper()
	var err error
	for i := 0; i < 50; i++ {
		if err = from.ns.Do(func() error { _, err := sandbox.Ping(net.ParseIP(to), uint16(i), 500*time.Millisecond); return err }); err == nil {
			return
		}
	}
	t.Fatalf("ping %s from %s: %v", to, from.rt.ContainerID, err)
}

// TestVIFModeOpenVSwitch: a VIFOpenVSwitch primitive in runtimeConfig.vif (as kuryr hands one
// over) plugs the pod with the VIF's names, MAC, MTU and fixed IP; the OVS port carries the
// profile's interface_id. CHECK is clean; DEL twice.
func TestVIFModeOpenVSwitch(t *testing.T) {
	r := newRig(t)
	l := r.vifList(nil)
	var pods []*pod
	for i, ip := range []string{"10.88.0.5/24", "10.88.0.6/24"} {
		p := r.newPod("vif" + string(rune('a'+i)))
		id := uuid5("port/" + ip)
		mac, _ := net.ParseMAC("fa:16:3e:00:00:0" + string(rune('1'+i)))
		v := &objects.VIFOpenVSwitch{VIFName: objects.Set("tap" + id[:11])}
		v.ID, v.Address, v.Plugin = objects.Set(id), objects.Set(mac), objects.Set("ovs")
		v.Network = objects.Set(network("br-int", 1450, ip))
		v.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
			InterfaceID: objects.Set(id), DatapathType: objects.Set("netdev")})
		p.rt.CapabilityArgs = map[string]any{"vif": primitive(t, v)}
		res := r.add(l, p)
		addr, gotMAC, mtu := podAddrMAC(t, p)
		if addr != ip || gotMAC != mac.String() || mtu != 1450 {
			t.Errorf("pod eth0 %s %s mtu %d, want %s %s 1450", addr, gotMAC, mtu, ip, mac)
		}
		if len(res.IPs) != 1 || res.IPs[0].Address.String() != ip || res.Interfaces[0].Name != "tap"+id[:11] {
			t.Errorf("result %+v", res)
		}
		iface := r.ovs.Vsctl(t, "get", "Interface", "tap"+id[:11], "external_ids:iface-id")
		if strings.Trim(iface, `"`) != id {
			t.Errorf("iface-id %s, want %s", iface, id)
		}
		if err := r.inHost(func(ctx context.Context) error { return r.cninet.CheckNetworkList(ctx, l, p.rt) }); err != nil {
			t.Errorf("CHECK: %v", err)
		}
		pods = append(pods, p)
	}
	pingRetry(t, pods[0], "10.88.0.6")
	for _, p := range []*pod{pods[0], pods[0], pods[1]} {
		if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, p.rt) }); err != nil {
			t.Fatalf("DEL: %v", err)
		}
	}
	if ports := r.ovs.Vsctl(t, "list-ports", "br-int"); ports != "" {
		t.Errorf("ports left: %q", ports)
	}
}

// TestVIFModeMacvlanNested: kuryr's VIFMacvlanNested (the primitive Python produced from
// kuryr's class definition, objects/testdata/kuryr) becomes a macvlan on the "VM's" interface,
// moved into the pod; two such pods ping each other through the parent (bridge mode).
func TestVIFModeMacvlanNested(t *testing.T) {
	r := newRig(t)
	// The VM's interface: one end of a veth in the sandbox namespace.
	if err := r.ovs.NetNS().Do(func() error {
		if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "vm0"}, PeerName: "vm0peer"}); err != nil {
			return err
		}
		for _, n := range []string{"vm0", "vm0peer"} {
			l, _ := netlink.LinkByName(n)
			if err := netlink.LinkSetUp(l); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	l := r.vifList(map[string]any{"linkInterface": "vm0", "bridge": nil})
	b, err := os.ReadFile("../objects/testdata/kuryr/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden []struct {
		Name      string          `json:"name"`
		Primitive json.RawMessage `json:"primitive"`
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	var fromPython json.RawMessage
	for _, g := range golden {
		if g.Name == "macvlan_full" {
			fromPython = g.Primitive // fa:16:3e:ab:cd:ef, 10.0.0.5/24, mtu 1450
		}
	}
	mac, _ := net.ParseMAC("fa:16:3e:ab:cd:f0")
	second := &objects.VIFMacvlanNested{VIFName: objects.Set("eth0")}
	second.ID, second.Address, second.Plugin = objects.Set(uuid5("macvlan2")), objects.Set(mac), objects.Set("noop")
	second.Network = objects.Set(network("", 1450, "10.0.0.6/24"))
	a, c := r.newPod("mva"), r.newPod("mvb")
	a.rt.CapabilityArgs = map[string]any{"vif": fromPython}
	c.rt.CapabilityArgs = map[string]any{"vif": primitive(t, second)}
	for _, p := range []*pod{a, c} {
		res := r.add(l, p)
		if len(res.Interfaces) != 1 || res.Interfaces[0].Sandbox == "" {
			t.Errorf("result interfaces %+v", res.Interfaces)
		}
	}
	addr, gotMAC, mtu := podAddrMAC(t, a)
	if addr != "10.0.0.5/24" || gotMAC != "fa:16:3e:ab:cd:ef" || mtu != 1450 {
		t.Errorf("pod eth0 %s %s %d", addr, gotMAC, mtu)
	}
	pingRetry(t, a, "10.0.0.6")
	for _, p := range []*pod{a, c} {
		if err := r.inHost(func(ctx context.Context) error { return r.cninet.CheckNetworkList(ctx, l, p.rt) }); err != nil {
			t.Errorf("CHECK: %v", err)
		}
	}
	for _, p := range []*pod{a, a, c} {
		if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, p.rt) }); err != nil {
			t.Fatalf("DEL: %v", err)
		}
	}
	_ = a.ns.Do(func() error {
		if _, err := netlink.LinkByName("eth0"); err == nil {
			t.Error("macvlan still in the pod after DEL")
		}
		return nil
	})
}

// TestVIFModeVlanNested needs VLAN devices; this kernel has no 8021q module.
func TestVIFModeVlanNested(t *testing.T) {
	if _, err := os.Stat("/sys/module/8021q"); err != nil {
		t.Skip("kernel has no 8021q module (VLAN devices cannot be created here): VIFVlanNested pods are decoded and validated (TestParseVIF*) but not plugged")
	}
	r := newRig(t)
	if err := r.ovs.NetNS().Do(func() error {
		return netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "vm0"}, PeerName: "vm0peer"})
	}); err != nil {
		t.Fatal(err)
	}
	v := &objects.VIFVlanNested{VIFName: objects.Set("eth0"), VLANID: objects.Set(101)}
	v.ID, v.Plugin = objects.Set(uuid5("vlan")), objects.Set("noop")
	v.Network = objects.Set(network("", 1400, "10.0.1.5/24"))
	p := r.newPod("vlan")
	p.rt.CapabilityArgs = map[string]any{"vif": primitive(t, v)}
	l := r.vifList(map[string]any{"linkInterface": "vm0"})
	r.add(l, p)
	var vl *netlink.Vlan
	_ = p.ns.Do(func() error {
		lk, err := netlink.LinkByName("eth0")
		if err == nil {
			vl, _ = lk.(*netlink.Vlan)
		}
		return nil
	})
	if vl == nil || vl.VlanId != 101 {
		t.Errorf("pod eth0 is not VLAN 101: %+v", vl)
	}
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, p.rt) }); err != nil {
		t.Fatal(err)
	}
}

// TestServerMode: with "server", the OVS port is made by the govif daemon (a real daemon.Server
// on a unix socket, with the ovs plugin working in the sandbox), not in the plugin process.
func TestServerMode(t *testing.T) {
	r := newRig(t)
	ctx := t.Context()
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = r.ovs.Endpoint()
	vs, err := vswitch.Open(ctx, r.ovs.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vs.Close() })
	links, err := netdev.New(netdev.InNamespace(r.ovs.NetNS().Handle()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { links.Close() })
	log := slog.New(slog.DiscardHandler)
	op := ovs.New(&ovs.VSwitchSwitch{V: vs, WaitApplied: true}, ovs.NetdevLinks{L: links}, ovs.OptionsFrom(cfg.OVS), log)
	host, err := govif.NewHost(ctx, cfg, govif.WithPlugin(ovs.Name, op), govif.WithoutExecPlugins(), govif.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close() })
	sock := filepath.Join(t.TempDir(), "govif.sock")
	ln, err := daemon.ListenUnix(sock, 0o600, -1)
	if err != nil {
		t.Fatal(err)
	}
	srv := daemon.NewServer(host, daemon.Options{Logger: log, Access: daemon.AccessPolicy{UIDs: []uint32{uint32(os.Geteuid())}}})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(c)
		<-done
	})

	l := r.list("1.1.0", map[string]any{"server": "unix:" + sock})
	p := r.newPod("srv")
	res := r.add(l, p)
	d := deriveIDs(p.rt.ContainerID, "eth0", p.uid)
	ids := r.ovs.Vsctl(t, "get", "Interface", d.hostIf, "external_ids")
	if !strings.Contains(ids, `iface-id="`+d.ifaceID+`"`) || !strings.Contains(ids, res.Interfaces[1].Mac) {
		t.Errorf("external_ids %s", ids)
	}
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.GetStatusNetworkList(ctx, l) }); err != nil {
		t.Errorf("STATUS through the daemon: %v", err)
	}
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, p.rt) }); err != nil {
		t.Fatal(err)
	}
	if ports := r.ovs.Vsctl(t, "list-ports", "br-int"); ports != "" {
		t.Errorf("ports left: %q", ports)
	}
	_ = current.ImplementedSpecVersion
}

// TestVIFModeBridgeHybrid: an os-vif VIFBridge for the ovs plugin (hybrid plug): govif makes
// the qbr bridge and the qvb/qvo pair with qvo on br-int, and govif-cni puts the pod's host end
// on qbr. That pod pings a VIFOpenVSwitch pod through qbr, qvb/qvo and br-int; DEL removes it all.
func TestVIFModeBridgeHybrid(t *testing.T) {
	r := newRig(t)
	l := r.vifList(nil)
	id := uuid5("hybrid")
	mac, _ := net.ParseMAC("fa:16:3e:00:01:01")
	br := &objects.VIFBridge{VIFName: objects.Set("tap" + id[:11]), BridgeName: objects.Set("qbr" + id[:11])}
	br.ID, br.Address, br.Plugin = objects.Set(id), objects.Set(mac), objects.Set("ovs")
	br.Network = objects.Set(network("br-int", 1450, "10.89.0.5/24"))
	br.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
		InterfaceID: objects.Set(id), DatapathType: objects.Set("netdev")})
	a := r.newPod("hyb")
	a.rt.CapabilityArgs = map[string]any{"vif": primitive(t, br)}
	r.add(l, a)

	id2 := uuid5("plain")
	mac2, _ := net.ParseMAC("fa:16:3e:00:01:02")
	ovsVIF := &objects.VIFOpenVSwitch{VIFName: objects.Set("tap" + id2[:11])}
	ovsVIF.ID, ovsVIF.Address, ovsVIF.Plugin = objects.Set(id2), objects.Set(mac2), objects.Set("ovs")
	ovsVIF.Network = objects.Set(network("br-int", 1450, "10.89.0.6/24"))
	ovsVIF.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
		InterfaceID: objects.Set(id2), DatapathType: objects.Set("netdev")})
	b := r.newPod("plain")
	b.rt.CapabilityArgs = map[string]any{"vif": primitive(t, ovsVIF)}
	r.add(l, b)

	_ = r.ovs.NetNS().Do(func() error {
		hl, err := netlink.LinkByName("tap" + id[:11])
		if err != nil {
			t.Errorf("host end: %v", err)
			return nil
		}
		q, err := netlink.LinkByName("qbr" + id[:11])
		if err != nil || hl.Attrs().MasterIndex != q.Attrs().Index {
			t.Errorf("host end not on qbr (%v)", err)
		}
		return nil
	})
	if on := r.ovs.Vsctl(t, "port-to-br", ("qvo" + id)[:14]); on != "br-int" {
		t.Errorf("qvo on %q", on)
	}
	pingRetry(t, a, "10.89.0.6")
	for _, p := range []*pod{a, a, b} {
		if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, p.rt) }); err != nil {
			t.Fatalf("DEL: %v", err)
		}
	}
	if ports := r.ovs.Vsctl(t, "list-ports", "br-int"); ports != "" {
		t.Errorf("ports left: %q", ports)
	}
	_ = r.ovs.NetNS().Do(func() error {
		for _, n := range []string{"tap" + id[:11], "qbr" + id[:11], ("qvb" + id)[:14]} {
			if _, err := netlink.LinkByName(n); err == nil {
				t.Errorf("%s left after DEL", n)
			}
		}
		return nil
	})
}
