package vendor_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/internal/hosttool"
	"github.com/govif/govif/plugins/vendor"
)

func build(t *testing.T, name string, f plugin.Factory, sections map[string]map[string][]string) plugin.Plugin {
	t.Helper()
	cfg := config.Default()
	if sections != nil {
		var err error
		if cfg, err = config.FromSections(sections); err != nil {
			t.Fatal(err)
		}
	}
	p, err := f(plugin.Env{Name: name, Config: cfg, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.(plugin.Closer).Close() })
	return p
}

func mac(s string) net.HardwareAddr { m, _ := net.ParseMAC(s); return m }

// vrouterNet is the network of the vendor plugin's own tests: two subnets without fixed IPs.
func vrouterNet() *objects.Network {
	s4 := &objects.Subnet{CIDR: objects.Set(netip.MustParsePrefix("101.168.1.0/24"))}
	s6 := &objects.Subnet{CIDR: objects.Set(netip.MustParsePrefix("101:1db9::/64"))}
	return &objects.Network{ID: objects.Set("f0ff5378-7367-4451-9202-829b068143f3"), Bridge: objects.Set("br0"),
		Subnets: objects.Set(&objects.SubnetList{Objects: objects.Set([]*objects.Subnet{s4, s6})}), VLAN: objects.Set(99)}
}

func vrouterInst() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set("46a4308b-e75a-4f90-a34a-650c86ca18b2"), Name: objects.Set("instance-name"),
		ProjectID: objects.Set("b168ea26fa0c49c1a84e1566d9565fa5")}
}

func offload() objects.Field[objects.PortProfile] {
	p := &objects.VIFPortProfileBase{DatapathOffload: objects.Set[objects.DatapathOffload](&objects.DatapathOffloadRepresentor{
		RepresentorName: objects.Set("nicdc065497-3c"), RepresentorAddress: objects.Set("0000:08:08.5")})}
	return objects.Set[objects.PortProfile](p)
}

// TestVRouterArgv checks the vrouter-port-control argv against the expectations of Tungsten
// Fabric's own vif_plug_vrouter tests (test_plug_vrouter, test_plug_vrouter_vhostuser,
// test_plug_vrouter_direct, test_plug_vrouter_forwarder and their unplug twins), run through
// the stand-in so the argv is the one executed.
func TestVRouterArgv(t *testing.T) {
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	p := build(t, "vrouter", vendor.NewVRouterFactory(), nil)
	base := func(id, addr string) objects.VIFBase {
		return objects.VIFBase{ID: objects.Set(id), Address: objects.Set(mac(addr)), Network: objects.Set(vrouterNet()), Plugin: objects.Set("vrouter")}
	}
	add := func(id, m, tapName string, extra ...string) []string {
		a := []string{"--oper=add", "--uuid=" + id, "--instance_uuid=46a4308b-e75a-4f90-a34a-650c86ca18b2",
			"--vn_uuid=f0ff5378-7367-4451-9202-829b068143f3", "--vm_project_uuid=b168ea26fa0c49c1a84e1566d9565fa5",
			"--ip_address=0.0.0.0", "--ipv6_address=None", "--vm_name=instance-name", "--mac=" + m,
			"--tap_name=" + tapName, "--port_type=NovaVMPort"}
		return append(append(a, extra...), "--tx_vlan_id=-1", "--rx_vlan_id=-1")
	}
	generic := &objects.VIFGeneric{VIFBase: base("a909a869-e967-4c5f-8f54-fbd57dc798a9", "ca:fe:de:ad:be:ef"), VIFName: objects.Set("tap-xxx-yyy-zzz")}
	vhu := &objects.VIFVHostUser{VIFBase: base("40137937-43c3-47d9-be65-d3a13041c5cf", "ca:fe:de:ad:be:ef"), VIFName: objects.Set("tapXXX"),
		Path: objects.Set("/var/run/openvswitch/vhub679325f-ca"), Mode: objects.Set(objects.VIFVHostUserModeClient)}
	direct := &objects.VIFHostDevice{VIFBase: base("dc065497-3c8d-4f44-8fb4-e1d33c16a536", "22:52:25:62:e2:aa"),
		DevAddress: objects.Set("0000:08:08.5"), DevType: objects.Set(objects.VIFHostDeviceDevTypeEthernet)}
	direct.PortProfile = offload()
	fwd := &objects.VIFVHostUser{VIFBase: base("dc065497-3c8d-4f44-8fb4-e1d33c16a536", "22:52:25:62:e2:aa"), VIFName: objects.Set("nicdc065497-3c"),
		Path: objects.Set("/fake/socket"), Mode: objects.Set(objects.VIFVHostUserModeClient)}
	fwd.PortProfile = offload()
	cases := []struct {
		name         string
		vif          objects.VIF
		plug, unplug []string
	}{
		{"generic", generic, add("a909a869-e967-4c5f-8f54-fbd57dc798a9", "ca:fe:de:ad:be:ef", "tap-xxx-yyy-zzz"),
			[]string{"--oper=delete", "--uuid=a909a869-e967-4c5f-8f54-fbd57dc798a9"}},
		{"vhostuser", vhu, add("40137937-43c3-47d9-be65-d3a13041c5cf", "ca:fe:de:ad:be:ef", "tapXXX",
			"--vif_type=VhostUser", "--vhostuser_socket=/var/run/openvswitch/vhub679325f-ca", "--vhostuser_mode=0"),
			[]string{"--oper=delete", "--uuid=40137937-43c3-47d9-be65-d3a13041c5cf"}},
		{"direct", direct, add("dc065497-3c8d-4f44-8fb4-e1d33c16a536", "22:52:25:62:e2:aa", "nicdc065497-3c",
			"--vnic_type=direct", "--pci_dev=0000:08:08.5"),
			[]string{"--oper=delete", "--uuid=dc065497-3c8d-4f44-8fb4-e1d33c16a536", "--vnic_type=direct", "--pci_dev=0000:08:08.5"}},
		{"virtio-forwarder", fwd, add("dc065497-3c8d-4f44-8fb4-e1d33c16a536", "22:52:25:62:e2:aa", "nicdc065497-3c",
			"--vif_type=VhostUser", "--vnic_type=virtio-forwarder", "--pci_dev=0000:08:08.5", "--vhostuser_socket=/fake/socket", "--vhostuser_mode=0"),
			[]string{"--oper=delete", "--uuid=dc065497-3c8d-4f44-8fb4-e1d33c16a536", "--tap_name=nicdc065497-3c", "--vnic_type=virtio-forwarder",
				"--pci_dev=0000:08:08.5", "--vhostuser_socket=/fake/socket", "--vhostuser_mode=0"}},
	}
	ctx := context.Background()
	var want []toolCall
	for _, c := range cases {
		if err := p.Plug(ctx, c.vif, vrouterInst()); err != nil {
			t.Fatalf("%s: plug: %v", c.name, err)
		}
		if err := p.Unplug(ctx, c.vif, vrouterInst()); err != nil {
			t.Fatalf("%s: unplug: %v", c.name, err)
		}
		want = append(want, toolCall{"vrouter-port-control", c.plug}, toolCall{"vrouter-port-control", c.unplug})
	}
	if diff := cmp.Diff(want, readCalls(t, log)); diff != "" {
		t.Errorf("vrouter-port-control calls (-vendor plugin's +govif):\n%s", diff)
	}

	// An IPv4 and an IPv6 fixed IP are passed; the server mode is 1; lxc gives NameSpacePort.
	n := vrouterNet()
	subs := n.Subnets.Value().Objects.Value()
	subs[0].IPs = objects.Set(&objects.FixedIPList{Objects: objects.Set([]*objects.FixedIP{{Address: objects.Set(netip.MustParseAddr("101.168.1.9"))}})})
	subs[1].IPs = objects.Set(&objects.FixedIPList{Objects: objects.Set([]*objects.FixedIP{{Address: objects.Set(netip.MustParseAddr("101:1db9::9"))}})})
	vhu.Network = objects.Set(n)
	vhu.Mode = objects.Set(objects.VIFVHostUserModeServer)
	lxc := build(t, "contrail_vrouter", vendor.NewVRouterFactory(), map[string]map[string][]string{"os_vif_contrail_vrouter": {"virt_type": {"lxc"}}})
	args, err := lxc.(*vendor.VRouter).AddArgs(vhu, vrouterInst())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(args, " ")
	for _, w := range []string{"--ip_address=101.168.1.9", "--ipv6_address=101:1db9::9", "--vhostuser_mode=1", "--port_type=NameSpacePort"} {
		if !strings.Contains(got, w) {
			t.Errorf("argv %q lacks %s", got, w)
		}
	}
	// contrail_vrouter is the vhost-user shim: a VIFGeneric is refused.
	if err := lxc.Plug(ctx, generic, vrouterInst()); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Errorf("contrail_vrouter with VIFGeneric: %v, want ErrUnsupportedVIFType", err)
	}
}

func ibVIF() *objects.VIFHostDevice {
	n := &objects.Network{ID: objects.Set("6a1c4c1e-0000-4000-8000-000000000001"), BridgeInterface: objects.Set("fabric1")}
	return &objects.VIFHostDevice{VIFBase: objects.VIFBase{ID: objects.Set("55555555-5a1b-4c8e-9f00-112233445566"),
		Address: objects.Set(mac("fa:16:3e:11:22:35")), Network: objects.Set(n), Plugin: objects.Set("ib_hostdev")},
		DevAddress: objects.Set("0000:3b:00.2"), DevType: objects.Set(objects.VIFHostDeviceDevTypeGeneric)}
}

func ibInst() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set("f0000000-0000-0000-0000-000000000005"), Name: objects.Set("i"), ProjectID: objects.Set("p")}
}

// A missing tool fails the plug naming the tool and the option; a failing tool fails it with
// its standard error and exit code; a configured path is used instead of PATH.
func TestToolMissingFailingConfigured(t *testing.T) {
	dir, log := standins(t)
	t.Setenv(envStandinLog, log)
	ctx := context.Background()

	t.Setenv("PATH", t.TempDir())
	p := build(t, "ib_hostdev", vendor.NewIBHostdevFactory(), nil)
	err := p.Plug(ctx, ibVIF(), ibInst())
	if !errors.Is(err, hosttool.ErrNotFound) || !strings.Contains(err.Error(), "ebrctl_path") {
		t.Fatalf("missing ebrctl: %v", err)
	}

	t.Setenv("PATH", dir)
	t.Setenv(envStandinFail, "ebrctl")
	err = p.Plug(ctx, ibVIF(), ibInst())
	var te *hosttool.Error
	if !errors.As(err, &te) || te.ExitCode != 3 || !strings.Contains(err.Error(), "failing as asked") {
		t.Fatalf("failing ebrctl: %v", err)
	}
	t.Setenv(envStandinFail, "")

	// Configured path, with nothing on PATH.
	t.Setenv("PATH", t.TempDir())
	cp := build(t, "ib_hostdev", vendor.NewIBHostdevFactory(), map[string]map[string][]string{
		"os_vif_ib_hostdev": {"ebrctl_path": {filepath.Join(dir, "ebrctl")}}})
	if err := cp.Plug(ctx, ibVIF(), ibInst()); err != nil {
		t.Fatal(err)
	}
	if err := cp.Unplug(ctx, ibVIF(), ibInst()); err != nil {
		t.Fatal(err)
	}
	calls := readCalls(t, log)
	want := []toolCall{
		{"ebrctl", []string{"add-port", "fa:16:3e:11:22:35", "f0000000-0000-0000-0000-000000000005", "fabric1", "ib_hostdev", "0000:3b:00.2"}},
		{"ebrctl", []string{"add-port", "fa:16:3e:11:22:35", "f0000000-0000-0000-0000-000000000005", "fabric1", "ib_hostdev", "0000:3b:00.2"}},
		{"ebrctl", []string{"del-port", "fabric1", "fa:16:3e:11:22:35"}},
	}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}

	// A relative configured path is refused when the plugin is built.
	_, err = vendor.NewIBHostdevFactory()(plugin.Env{Name: "ib_hostdev", Logger: discard,
		Config: mustConfig(t, map[string]map[string][]string{"os_vif_ib_hostdev": {"ebrctl_path": {"bin/ebrctl"}}})})
	if err == nil || !strings.Contains(err.Error(), "ebrctl_path") {
		t.Errorf("relative ebrctl_path: %v", err)
	}
}

func mustConfig(t *testing.T, s map[string]map[string][]string) *config.Config {
	t.Helper()
	c, err := config.FromSections(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Bad input names the field and runs nothing.
func TestBadInputRunsNothing(t *testing.T) {
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	p := build(t, "ib_hostdev", vendor.NewIBHostdevFactory(), nil)
	v := ibVIF()
	v.Network.Value().BridgeInterface = objects.Null[string]()
	var fe *objects.FieldError
	if err := p.Plug(context.Background(), v, ibInst()); !errors.As(err, &fe) || fe.Path != "VIFHostDevice.network.bridge_interface" {
		t.Errorf("no fabric: %v", err)
	}
	if err := p.Plug(context.Background(), &objects.VIFGeneric{}, ibInst()); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Errorf("VIFGeneric: %v", err)
	}
	if c := readCalls(t, log); len(c) != 0 {
		t.Errorf("tool ran on bad input: %v", c)
	}
}

func midonetVIF(dev string) *objects.VIFGeneric {
	return &objects.VIFGeneric{VIFBase: objects.VIFBase{ID: objects.Set("33333333-5a1b-4c8e-9f00-112233445566"),
		Address: objects.Set(mac("fa:16:3e:11:22:33")), Plugin: objects.Set("midonet"),
		Network: objects.Set(&objects.Network{ID: objects.Set("6a1c4c1e-0000-4000-8000-000000000001")})}, VIFName: objects.Set(dev)}
}

// A failing mm-ctl rolls back the tap the plug made, keeps a tap that was there, and a device
// of another kind with the tap's name is neither taken nor deleted.
func TestMidonetRollbackAndOwnership(t *testing.T) {
	ns := testenv.NewNetNS(t)
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	p := build(t, "midonet", vendor.NewMidonetFactory(vendor.InNamespace(ns.Handle())), nil)
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()

	t.Setenv(envStandinFail, "mm-ctl")
	if err := p.Plug(ctx, midonetVIF("tapmido1"), nil); err == nil || !strings.Contains(err.Error(), "failing as asked") {
		t.Fatalf("plug with failing mm-ctl: %v", err)
	}
	if ok, _ := l.Exists(ctx, "tapmido1"); ok {
		t.Error("failed plug left its tap")
	}
	// The VIF's own tap as libvirt makes it (fe: + the rest of the address).
	if err := l.CreateTap(ctx, "tapmido2", netdev.TapOptions{MAC: mac("fe:16:3e:11:22:33")}); err != nil {
		t.Fatal(err)
	}
	if err := p.Plug(ctx, midonetVIF("tapmido2"), nil); err == nil || !strings.Contains(err.Error(), "failing as asked") {
		t.Fatalf("plug with failing mm-ctl: %v", err)
	}
	if ok, _ := l.Exists(ctx, "tapmido2"); !ok {
		t.Error("failed plug deleted a tap it did not make")
	}
	// A failing unbind keeps the tap for a retry.
	if err := p.Unplug(ctx, midonetVIF("tapmido2"), nil); err == nil || !strings.Contains(err.Error(), "failing as asked") {
		t.Fatalf("unplug with failing mm-ctl: %v", err)
	}
	if ok, _ := l.Exists(ctx, "tapmido2"); !ok {
		t.Error("failed unplug deleted the tap")
	}
	t.Setenv(envStandinFail, "")

	if err := l.EnsureBridge(ctx, "tapmido3"); err != nil {
		t.Fatal(err)
	}
	var ce *netdev.ConflictError
	if err := p.Plug(ctx, midonetVIF("tapmido3"), nil); !errors.As(err, &ce) {
		t.Errorf("plug over a bridge: %v, want *netdev.ConflictError", err)
	}
	if err := p.Unplug(ctx, midonetVIF("tapmido3"), nil); !errors.As(err, &ce) {
		t.Errorf("unplug of a bridge: %v, want *netdev.ConflictError", err)
	}
	if got, err := l.Get(ctx, "tapmido3"); err != nil || got.Kind != "bridge" {
		t.Errorf("bridge tapmido3 after plug/unplug: %+v, %v", got, err)
	}
}

// vhostuser_fp with a fast-path bridge profile: fp-vdev makes the device (the stand-in makes a
// device like fp-vdev does), govif sets its MTU, brings it up and puts it in the bridge;
// plugging twice runs fp-vdev once; unplug takes it out and runs fp-vdev del.
func TestVHostUserFPBridge(t *testing.T) {
	ns := testenv.NewNetNS(t)
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	p := build(t, "vhostuser_fp", vendor.NewVHostUserFPFactory(vendor.InNamespace(ns.Handle())), nil)
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	vif := &objects.VIFVHostUser{VIFBase: objects.VIFBase{ID: objects.Set("66666666-5a1b-4c8e-9f00-112233445566"),
		Address: objects.Set(mac("fa:16:3e:11:22:36")), Plugin: objects.Set("vhostuser_fp"),
		Network: objects.Set(&objects.Network{ID: objects.Set("6a1c4c1e-0000-4000-8000-000000000001"), MTU: objects.Set(1450)})},
		VIFName: objects.Set("tapfp1"), Path: objects.Set("/var/run/vhost/tapfp1"), Mode: objects.Set(objects.VIFVHostUserModeServer)}
	vif.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileFPBridge{BridgeName: objects.Set("brfp1")})
	ctx := context.Background()
	for range 2 {
		if err := p.Plug(ctx, vif, nil); err != nil {
			t.Fatal(err)
		}
	}
	dev, err := l.Get(ctx, "tapfp1")
	if err != nil || dev.MTU != 1450 || !dev.Up || dev.Master != "brfp1" {
		t.Fatalf("device after plug: %+v, %v", dev, err)
	}
	for range 2 {
		if err := p.Unplug(ctx, vif, nil); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _ := l.Exists(ctx, "tapfp1"); ok {
		t.Error("unplug left the fast-path device")
	}
	want := []toolCall{
		{"fp-vdev", []string{"add", "tapfp1", "--sockpath", "/var/run/vhost/tapfp1", "--sockmode", "client"}},
		{"fp-vdev", []string{"del", "tapfp1"}},
	}
	if diff := cmp.Diff(want, readCalls(t, log)); diff != "" {
		t.Errorf("fp-vdev calls (-want +got):\n%s", diff)
	}
	// FPTap: nothing at all; FPOpenVSwitch: refused.
	vif.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileFPTap{})
	if err := p.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	vif.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileFPOpenVSwitch{})
	var wp *plugin.WrongPortProfileError
	if err := p.Plug(ctx, vif, nil); !errors.As(err, &wp) {
		t.Errorf("FPOpenVSwitch: %v", err)
	}
	if n := len(readCalls(t, log)); n != 2 {
		t.Errorf("%d fp-vdev calls, want still 2", n)
	}
}
