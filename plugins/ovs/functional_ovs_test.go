package ovs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/vishvananda/netlink"
)

func TestFunctionalOpenVSwitchVariants(t *testing.T) {
	r := newRig(t, true)
	ctx := r.ctx

	t.Run("generic", func(t *testing.T) {
		p := r.plugin(DefaultOptions())
		vif := ovsVIF("br-int", "netdev", 1442)
		vif.PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch).CreatePort = objects.Set(false)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if got := r.ports("br-int"); len(got) != 0 {
			t.Errorf("create_port=false made ports %v", got)
		}
		vif = ovsVIF("br-int", "netdev", 1442)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if got := unq(r.get("Interface", "tapa1b2c3d4-11", "external_ids:iface-id")); got != tID {
			t.Errorf("iface-id %s", got)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if got := r.ports("br-int"); len(got) != 0 {
			t.Errorf("ports left %v", got)
		}
	})

	t.Run("isolate_vif", func(t *testing.T) {
		opts := DefaultOptions()
		opts.IsolateVIF = true
		p := r.plugin(opts)
		vif := ovsVIF("br-int", "netdev", 1442)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		cols := r.ovs.Vsctl(t, "--columns=tag,vlan_mode,trunks", "--format=csv", "--data=bare", "--no-headings", "list", "Port", "tapa1b2c3d4-11")
		if cols != "4095,trunk,4095" {
			t.Errorf("isolated port tag,vlan_mode,trunks = %s", cols)
		}
		// The agent wires the port; a re-plug (nova-compute restart) must not re-isolate it.
		r.ovs.Vsctl(t, "set", "Port", "tapa1b2c3d4-11", "tag=7", "vlan_mode=access", "trunks=[]")
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if tag := r.get("Port", "tapa1b2c3d4-11", "tag"); tag != "7" {
			t.Errorf("re-plug reset the tag to %s", tag)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		// Trunk bridge: never isolated, bridge_name in external_ids, bridge removed on unplug.
		tv := ovsVIF("tbr-0123abcd-e", "netdev", 1442)
		if err := p.Plug(ctx, tv, testInstance()); err != nil {
			t.Fatal(err)
		}
		if tag := r.get("Port", "tapa1b2c3d4-11", "tag"); tag != "[]" {
			t.Errorf("trunk port tag %s", tag)
		}
		if bn := unq(r.get("Interface", "tapa1b2c3d4-11", "external_ids:bridge_name")); bn != "tbr-0123abcd-e" {
			t.Errorf("bridge_name = %s", bn)
		}
		if err := p.Unplug(ctx, tv, testInstance()); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ovs.VsctlErr("br-exists", "tbr-0123abcd-e"); err == nil {
			t.Error("trunk bridge kept")
		}
	})

	t.Run("per_port_bridge", func(t *testing.T) {
		opts := DefaultOptions()
		opts.PerPortBridge = true
		p := r.plugin(opts)
		vif := ovsVIF("br-int", "netdev", 1442)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		pb, pbp, ibp := "pba1b2c3d4-111", "pbp"+tID, "ibp"+tID
		if got := r.ports(pb); !slices.Equal(got, []string{pbp, "tapa1b2c3d4-11"}) {
			t.Errorf("ports on %s = %v", pb, got)
		}
		if got := r.ports("br-int"); !slices.Equal(got, []string{ibp}) {
			t.Errorf("ports on br-int = %v", got)
		}
		if peer := unq(r.get("Interface", ibp, "options:peer")); peer != pbp {
			t.Errorf("ibp peer %s", peer)
		}
		if id := unq(r.get("Interface", ibp, "external_ids:iface-id")); id != tID {
			t.Errorf("ibp iface-id %s", id)
		}
		if ids := r.get("Interface", "tapa1b2c3d4-11", "external_ids"); ids != "{}" {
			t.Errorf("tap on pb has external_ids %s", ids)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ovs.VsctlErr("br-exists", pb); err == nil {
			t.Error("per-port bridge kept")
		}
		if got := r.ports("br-int"); len(got) != 0 {
			t.Errorf("ports left %v", got)
		}
	})

	t.Run("create_tap", func(t *testing.T) {
		p := r.plugin(DefaultOptions())
		vif := ovsVIF("br-int", "netdev", 1442)
		prof := vif.PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch)
		prof.CreateTap, prof.Multiqueue = objects.Set(true), objects.Set(true)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		tap, ok := r.mustLink("tapa1b2c3d4-11").(*netlink.Tuntap)
		if !ok {
			t.Fatalf("tap is %T", r.mustLink("tapa1b2c3d4-11"))
		}
		if tap.Attrs().MTU != 1442 || tap.Attrs().HardwareAddr.String() != tMAC || tap.Flags&netlink.TUNTAP_MULTI_QUEUE == 0 {
			t.Errorf("tap mtu %d mac %s flags %#x", tap.Attrs().MTU, tap.Attrs().HardwareAddr, tap.Flags)
		}
		// OVS can really use the pre-created (multiqueue) tap: once ovs-vswitchd has applied the
		// configuration the interface has an ofport and no error.
		r.ovs.Vsctl(t, "--timeout=30", "set", "Open_vSwitch", ".", "external_ids:govif-test=sync") // waits for cur_cfg
		if e := r.get("Interface", "tapa1b2c3d4-11", "error"); e != "[]" && e != "" {
			t.Errorf("tap interface error after plug: %s", e)
		}
		if ofp := r.get("Interface", "tapa1b2c3d4-11", "ofport"); ofp == "-1" || ofp == "[]" {
			t.Errorf("tap interface ofport %s after plug", ofp)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if r.link("tapa1b2c3d4-11") != nil {
			t.Error("tap kept")
		}
	})

	t.Run("vhostuser", func(t *testing.T) {
		p := r.plugin(DefaultOptions())
		b := testBase(testNetwork("br-int", 9000), testProfile(""))
		vif := &objects.VIFVHostUser{VIFBase: b, Mode: objects.Set(objects.VIFVHostUserModeServer),
			Path: objects.Set("/run/vhua1b2c3d4-11"), VIFName: objects.Set("vhua1b2c3d4-11")}
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		got := r.ovs.Vsctl(t, "--columns=type,options,mtu_request", "--format=csv", "--data=bare", "--no-headings", "list", "Interface", "vhua1b2c3d4-11")
		if got != "dpdkvhostuserclient,vhost-server-path=/run/vhua1b2c3d4-11,9000" {
			t.Errorf("vhost-user interface = %s", got)
		}
		if q := r.qosRows(); q != "" {
			t.Errorf("QoS row for a vhost-user port: %s", q)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		vif.Mode = objects.Set(objects.VIFVHostUserModeClient)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if typ := r.get("Interface", "vhua1b2c3d4-11", "type"); typ != "dpdkvhostuser" {
			t.Errorf("client mode type %s", typ)
		}
		if err := p.Unplug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		if got := r.ports("br-int"); len(got) != 0 {
			t.Errorf("ports left %v", got)
		}
	})
}

// fakeSwitchdevSysfs builds PF 0000:03:00.0 (netdev ens1f0, phys_port_name p0) with VF
// 0000:03:00.3 (virtfn1) whose representor is the netdev rep0vf1 (phys_port_name pf0vf1).
func fakeSwitchdevSysfs(t *testing.T) string {
	root := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	wr := func(p, v string) {
		mk(filepath.Dir(p))
		if err := os.WriteFile(filepath.Join(root, p), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln := func(target, p string) {
		mk(filepath.Dir(p))
		if err := os.Symlink(target, filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	pci := "bus/pci/devices/"
	mk(pci + "0000:03:00.0/net/ens1f0")
	mk(pci + "0000:03:00.3")
	ln("../0000:03:00.0", pci+"0000:03:00.3/physfn")
	ln("../0000:03:00.3", pci+"0000:03:00.0/virtfn1")
	for name, port := range map[string]string{"ens1f0": "p0", "rep0vf1": "pf0vf1"} {
		mk("class/net/" + name)
		ln("../../net", "class/net/"+name+"/subsystem")
		wr("class/net/"+name+"/phys_switch_id", "e41d2d0300fa")
		wr("class/net/"+name+"/phys_port_name", port)
	}
	ln("../../../bus/pci/devices/0000:03:00.0", "class/net/ens1f0/device")
	return root
}

// unq strips the quotes ovs-vsctl puts around some values.
func unq(s string) string { return strings.Trim(s, `"`) }

func TestFunctionalHostDevice(t *testing.T) {
	r := newRig(t, true, netdev.WithSysfsRoot(fakeSwitchdevSysfs(t)))
	// The representor netdev itself: one end of a veth in the sandbox.
	if err := r.links.CreateVethPair(r.ctx, "rep0vf1", "rep0vf1-peer", 1500); err != nil {
		t.Fatal(err)
	}
	if err := r.links.SetDown(r.ctx, "rep0vf1"); err != nil {
		t.Fatal(err)
	}
	p := r.plugin(DefaultOptions())
	prof := &objects.VIFPortProfileOVSRepresentor{VIFPortProfileOpenVSwitch: *testProfile("netdev"),
		RepresentorName: objects.Set("tapa1b2c3d4-11"), RepresentorAddress: objects.Set("0000:03:00.3")}
	b := testBase(testNetwork("br-int", 1450), prof)
	vif := &objects.VIFHostDevice{VIFBase: b, DevType: objects.Set(objects.VIFHostDeviceDevType("ethernet")), DevAddress: objects.Set("0000:03:00.3")}

	// netdev datapath: a DPDK representor port; no netdev touched.
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	got := r.ovs.Vsctl(t, "--columns=type,options", "--format=csv", "--data=bare", "--no-headings", "list", "Interface", "vfra1b2c3d4-11")
	if got != `dpdk,"dpdk-devargs=0000:03:00.0,representor=[1]"` {
		t.Errorf("DPDK representor interface = %q", got)
	}
	if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}

	// system datapath: the kernel representor rep0vf1 found through sysfs. A separate
	// system-datapath bridge (ovs-vswitchd cannot open it without the kernel module, but the
	// rows and the netlink side are what is checked).
	prof.DatapathType = objects.Set("system")
	b.Network.Value().Bridge = objects.Set("br-sys")
	vif.VIFBase = b
	vif.PortProfile = objects.Set[objects.PortProfile](prof)
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	rep := r.mustLink("rep0vf1")
	if rep.Attrs().OperState == netlink.OperDown && rep.Attrs().RawFlags&1 == 0 {
		t.Errorf("representor not up")
	}
	if rep.Attrs().MTU != 1450 {
		t.Errorf("representor MTU %d", rep.Attrs().MTU)
	}
	if !slices.Contains(r.ports("br-sys"), "rep0vf1") {
		t.Errorf("ports on br-sys: %v", r.ports("br-sys"))
	}
	if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	if r.mustLink("rep0vf1").Attrs().RawFlags&1 != 0 {
		t.Error("representor still up after unplug")
	}
	if got := r.ports("br-sys"); len(got) != 0 {
		t.Errorf("ports left %v", got)
	}
	// A VF that sysfs does not know: the error names it.
	vif.DevAddress = objects.Set("0000:03:00.5")
	if err := p.Plug(r.ctx, vif, testInstance()); err == nil || !strings.Contains(err.Error(), "0000:03:00.5") {
		t.Errorf("unknown VF: err = %v", err)
	}
}

// QoS rows need a system-datapath bridge, which ovs-vswitchd cannot run here (no kernel
// module): this test uses ovsdb-server alone.
func TestFunctionalQoSRowsRemoved(t *testing.T) {
	r := newRig(t, false)
	p := r.plugin(DefaultOptions())
	vif := ovsVIF("br-int", "system", 1442)
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	q := r.qosRows()
	if !strings.Contains(q, "linux-noop") || !strings.Contains(q, QoSID("tapa1b2c3d4-11")) {
		t.Errorf("QoS rows = %s", q)
	}
	if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	if q := r.qosRows(); q != "" {
		t.Errorf("QoS rows left after unplug: %s", q)
	}
}
