package sriov_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/sriov"
)

// recorder is a HostOps that records each request as the `ip link` command Nova runs for it,
// and fails the request whose text is failOn. It keeps the state the requests make, as the
// kernel would (the VFs the PF lists, the netdevs), so that reads see what was set.
type recorder struct {
	calls  []string
	failOn string
	vfs    map[string]sriov.VFState // "<pf>/<n>"
	links  map[string]*netdev.Link
}

func (r *recorder) do(s string) error {
	r.calls = append(r.calls, s)
	if s == r.failOn {
		return errors.New("operation not supported")
	}
	return nil
}

// state makes the maps on first use: PF enp59s0f0 lists VFs 0 and 1 (reset), whose netdevs
// (enp59s0f0v0, enp59s0f0v1) exist, down, with a random-looking MAC.
func (r *recorder) state() {
	if r.vfs != nil {
		return
	}
	zero := net.HardwareAddr{0, 0, 0, 0, 0, 0}
	r.vfs = map[string]sriov.VFState{"enp59s0f0/0": {MAC: zero}, "enp59s0f0/1": {MAC: zero}}
	r.links = map[string]*netdev.Link{}
	for i, n := range []string{"enp59s0f0v0", "enp59s0f0v1"} {
		r.links[n] = &netdev.Link{Name: n, Kind: "device", MTU: 1500, MAC: net.HardwareAddr{0x62, 0x1a, 0, 0, 0, byte(i)}}
	}
}

func (r *recorder) SetVF(_ context.Context, pf string, vf int, mac net.HardwareAddr, vlan int) error {
	r.state()
	if err := r.do(fmt.Sprintf("%s vf %d mac %s vlan %d", pf, vf, mac, vlan)); err != nil {
		return err
	}
	k := fmt.Sprintf("%s/%d", pf, vf)
	st, ok := r.vfs[k]
	if !ok {
		return fmt.Errorf("PF %s has no VF %d", pf, vf)
	}
	st.MAC, st.VLAN = mac, vlan
	r.vfs[k] = st
	return nil
}

func (r *recorder) SetMACState(_ context.Context, dev string, mac net.HardwareAddr, up bool) error {
	r.state()
	state := map[bool]string{true: "up", false: "down"}[up]
	if err := r.do(fmt.Sprintf("%s address %s %s", dev, mac, state)); err != nil {
		return err
	}
	l, ok := r.links[dev]
	if !ok {
		return fmt.Errorf("no device %s", dev)
	}
	if !bytes.Equal(mac, net.HardwareAddr{0, 0, 0, 0, 0, 0}) { // the kernel refuses the zero MAC
		l.MAC = mac
	}
	l.Up = up
	return nil
}

func (r *recorder) EnsureVLAN(_ context.Context, name, parent string, id int) (bool, error) {
	r.state()
	if err := r.do(fmt.Sprintf("add link %s name %s type vlan id %d; %s up", parent, name, id, name)); err != nil {
		return false, err
	}
	_, existed := r.links[name]
	r.links[name] = &netdev.Link{Name: name, Kind: "vlan", MTU: 1500, Up: true}
	return !existed, nil
}

func (r *recorder) SetTrust(_ context.Context, pf string, vf int, on bool) error {
	r.state()
	if err := r.do(fmt.Sprintf("%s vf %d trust %s", pf, vf, map[bool]string{true: "on", false: "off"}[on])); err != nil {
		return err
	}
	k := fmt.Sprintf("%s/%d", pf, vf)
	st, ok := r.vfs[k]
	if !ok {
		return fmt.Errorf("PF %s has no VF %d", pf, vf)
	}
	st.Trust = on
	r.vfs[k] = st
	return nil
}

func (r *recorder) VF(_ context.Context, pf string, vf int) (sriov.VFState, error) {
	r.state()
	st, ok := r.vfs[fmt.Sprintf("%s/%d", pf, vf)]
	if !ok {
		return sriov.VFState{}, fmt.Errorf("PF %s reports no VF %d", pf, vf)
	}
	return st, nil
}

func (r *recorder) Link(_ context.Context, dev string) (*netdev.Link, error) {
	r.state()
	if l, ok := r.links[dev]; ok {
		c := *l
		return &c, nil
	}
	return nil, nil
}

// fakeSysfs builds the sysfs of one PF (0000:3b:00.0, netdev enp59s0f0) with two VFs
// (0000:3b:00.1 and 0000:3b:00.2, netdevs enp59s0f0v0 and enp59s0f0v1).
func fakeSysfs(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	devs := filepath.Join(root, "bus/pci/devices")
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(devs, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(devs, name)); err != nil {
			t.Fatal(err)
		}
	}
	mk("0000:3b:00.0/net/enp59s0f0")
	mk("0000:3b:00.1/net/enp59s0f0v0")
	mk("0000:3b:00.2/net/enp59s0f0v1")
	ln("../0000:3b:00.1", "0000:3b:00.0/virtfn0")
	ln("../0000:3b:00.2", "0000:3b:00.0/virtfn1")
	ln("../0000:3b:00.0", "0000:3b:00.1/physfn")
	ln("../0000:3b:00.0", "0000:3b:00.2/physfn")
	return root
}

func newPlugin(t *testing.T, rec *recorder, sysfs string) plugin.Plugin {
	t.Helper()
	p, err := sriov.NewFactory(sriov.WithSysfsRoot(sysfs), sriov.WithHostOps(rec))(plugin.Env{Name: "sriov", Config: config.Default(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.(plugin.Closer).Close() })
	return p
}

func direct(pci string, vlan int) *objects.VIFDirect {
	mac, _ := net.ParseMAC("fa:16:3e:11:22:33")
	n := &objects.Network{ID: objects.Set("6a1c4c1e-0000-4000-8000-000000000001"), VLAN: objects.Set(vlan)}
	return &objects.VIFDirect{VIFBase: objects.VIFBase{ID: objects.Set("77777777-5a1b-4c8e-9f00-112233445566"), Address: objects.Set(mac),
		Plugin: objects.Set("sriov"), Network: objects.Set(n)}, DevAddress: objects.Set(pci), Mode: objects.Set(objects.VIFDirectModePassthrough)}
}

// hw_veb with vnic_type macvtap: the requests are Nova's set_vf_interface_vlan on plug and its
// reset on unplug, on the PF and VF found in the (fake) sysfs tree. The real requests need
// SR-IOV hardware, which CI does not have.
func TestHWVEBMacvtapRequests(t *testing.T) {
	rec := &recorder{}
	p := newPlugin(t, rec, fakeSysfs(t))
	ctx := context.Background()
	if err := p.Plug(ctx, direct("0000:3b:00.2", 100), nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Unplug(ctx, direct("0000:3b:00.2", 100), nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Plug(ctx, direct("0000:3b:00.1", 0), nil); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"enp59s0f0 vf 1 mac fa:16:3e:11:22:33 vlan 100", "enp59s0f0v1 address fa:16:3e:11:22:33 up",
		"enp59s0f0 vf 1 mac 00:00:00:00:00:00 vlan 0", "enp59s0f0v1 address 00:00:00:00:00:00 down",
		"enp59s0f0 vf 0 mac fa:16:3e:11:22:33 vlan 0", "enp59s0f0v0 address fa:16:3e:11:22:33 down",
	}
	if diff := cmp.Diff(want, rec.calls); diff != "" {
		t.Errorf("requests (-nova's +govif's):\n%s", diff)
	}
}

// A failure on the VF netdev resets the VF (rollback); an unknown PCI address touches nothing.
func TestHWVEBRollbackAndNotFound(t *testing.T) {
	rec := &recorder{failOn: "enp59s0f0v1 address fa:16:3e:11:22:33 up"}
	p := newPlugin(t, rec, fakeSysfs(t))
	ctx := context.Background()
	if err := p.Plug(ctx, direct("0000:3b:00.2", 100), nil); err == nil {
		t.Fatal("plug succeeded with a failing VF netdev")
	}
	want := []string{
		"enp59s0f0 vf 1 mac fa:16:3e:11:22:33 vlan 100", "enp59s0f0v1 address fa:16:3e:11:22:33 up",
		"enp59s0f0 vf 1 mac 00:00:00:00:00:00 vlan 0", "enp59s0f0v1 address 00:00:00:00:00:00 down",
	}
	if diff := cmp.Diff(want, rec.calls); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	rec.calls = nil
	var nf *netdev.PCIDeviceNotFoundError
	if err := p.Plug(ctx, direct("0000:5e:00.3", 100), nil); !errors.As(err, &nf) {
		t.Errorf("unknown VF: %v, want *netdev.PCIDeviceNotFoundError", err)
	}
	if len(rec.calls) != 0 {
		t.Errorf("requests for an unknown VF: %v", rec.calls)
	}
}

// vif_type macvtap: the VLAN device of Nova's ensure_vlan; nothing without a VLAN; unplug does
// nothing. A real VLAN device needs the 8021q module, which this CI kernel lacks.
func TestMacvtapVLAN(t *testing.T) {
	rec := &recorder{}
	p := newPlugin(t, rec, fakeSysfs(t))
	ctx := context.Background()
	v := &objects.VIFDirect{VIFBase: objects.VIFBase{ID: objects.Set("88888888-5a1b-4c8e-9f00-112233445566"), Plugin: objects.Set("sriov"),
		Network: objects.Set(&objects.Network{VLAN: objects.Set(101), ShouldProvideVLAN: objects.Set(true), BridgeInterface: objects.Set("eth1")})},
		VLANName: objects.Set("eth1.101"), Mode: objects.Set(objects.VIFDirectModeBridge)}
	if err := p.Plug(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Unplug(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	v.Network.Value().ShouldProvideVLAN = objects.Set(false)
	if err := p.Plug(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"add link eth1 name eth1.101 type vlan id 101; eth1.101 up"}, rec.calls); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	v.Network.Value().ShouldProvideVLAN = objects.Set(true)
	v.VLANName = objects.Set("bad/name")
	var fe *objects.FieldError
	if err := p.Plug(ctx, v, nil); !errors.As(err, &fe) || fe.Path != "VIFDirect.vlan_name" {
		t.Errorf("bad vlan_name: %v", err)
	}
	if err := p.Plug(ctx, &objects.VIFGeneric{}, nil); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Errorf("VIFGeneric: %v", err)
	}
	if err := p.Plug(ctx, &objects.VIFHostDevice{}, nil); err != nil {
		t.Errorf("VIFHostDevice (direct, trust not carried): %v", err)
	}
}

// The real netlink requests, on a PF netdev that has no SR-IOV (a veth standing in for it in
// a fresh namespace): the kernel refuses the VF request, the plug fails saying so and the VF
// netdev is left as it was. Setting a real VF needs SR-IOV hardware (or netdevsim, absent from
// this kernel), which CI does not have.
func TestRealRequestsWithoutSRIOV(t *testing.T) {
	ns := testenv.NewNetNS(t)
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	if err := l.CreateVethPair(ctx, "enp59s0f0", "enp59s0f0v1", 0); err != nil {
		t.Fatal(err)
	}
	before, _ := l.Get(ctx, "enp59s0f0v1")
	p, err := sriov.NewFactory(sriov.WithSysfsRoot(fakeSysfs(t)), sriov.InNamespace(ns.Handle()))(plugin.Env{Name: "sriov", Config: config.Default(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.(plugin.Closer).Close()
	err = p.Plug(ctx, direct("0000:3b:00.2", 100), nil)
	if err == nil || !strings.Contains(err.Error(), "VF 1 of enp59s0f0") {
		t.Fatalf("plug on a PF without SR-IOV: %v", err)
	}
	after, _ := l.Get(ctx, "enp59s0f0v1")
	if before == nil || after == nil || before.MAC.String() != after.MAC.String() || before.Up != after.Up {
		t.Errorf("VF netdev changed: %+v -> %+v", before, after)
	}
}
