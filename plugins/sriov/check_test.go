package sriov_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/sriov"
)

func drifts(d []plugin.Drift) []string {
	var out []string
	for _, x := range d {
		out = append(out, x.Object+" "+x.Field+" "+x.Want+" "+x.Got)
	}
	return out
}

func wantDrift(t *testing.T, what string, d []plugin.Drift, err error, want ...string) {
	t.Helper()
	if got := drifts(d); err != nil || !slices.Equal(got, want) {
		t.Fatalf("%s: Check = %q, %v; want %q", what, got, err, want)
	}
}

// hw_veb macvtap: the check reads the VF through the PF (MAC, VLAN) and the VF netdev (MAC,
// up) from the fake sysfs tree and the recording HostOps (which keeps the state its requests
// set, as the kernel does); each drift is named exactly and a re-plug repairs it. The real
// reads need SR-IOV hardware, which CI does not have.
func TestCheckHWVEBMacvtap(t *testing.T) {
	rec := &recorder{}
	p := newPlugin(t, rec, fakeSysfs(t))
	ch := p.(plugin.Checker)
	ctx := context.Background()
	vif := direct("0000:3b:00.2", 100)
	if o, err := ch.Objects(vif, nil); err != nil || len(o.Devices) != 0 || o.Bridge != "" {
		t.Fatalf("Objects = %+v, %v", o, err)
	}
	const vf, dev = "vf 1 of enp59s0f0 (0000:3b:00.2)", "device enp59s0f0v1"
	d, err := ch.Check(ctx, vif, nil)
	wantDrift(t, "before plug", d, err,
		vf+" mac fa:16:3e:11:22:33 00:00:00:00:00:00", vf+" vlan 100 0",
		dev+" mac fa:16:3e:11:22:33 62:1a:00:00:00:01", dev+" up yes no")
	if err := p.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "after plug", d, err)

	// Someone (the PF's agent, a hand-typed ip link) changed the VLAN and took the netdev down.
	rec.vfs["enp59s0f0/1"] = sriov.VFState{MAC: rec.vfs["enp59s0f0/1"].MAC, VLAN: 200}
	rec.links["enp59s0f0v1"].Up = false
	n := len(rec.calls)
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "drifted", d, err, vf+" vlan 100 200", dev+" up yes no")
	if len(rec.calls) != n {
		t.Fatalf("check made requests: %v", rec.calls[n:])
	}
	if err := p.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "replugged", d, err)

	// VLAN 0: the netdev is down after the plug, and that is what the check wants.
	v0 := direct("0000:3b:00.1", 0)
	if err := p.Plug(ctx, v0, nil); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, v0, nil)
	wantDrift(t, "vlan 0", d, err)

	// The VF netdev gone (unbound from its driver); the VF gone from sysfs (after a reboot,
	// before sriov_numvfs is set again).
	delete(rec.links, "enp59s0f0v1")
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "netdev gone", d, err, dev+" exists yes no")
	d, err = ch.Check(ctx, direct("0000:5e:00.3", 100), nil)
	wantDrift(t, "VF gone", d, err, "pci device 0000:5e:00.3 exists yes no")

	// The PF does not list the VF: the host cannot be read, an error (not drift).
	delete(rec.vfs, "enp59s0f0/0")
	if _, err := ch.Check(ctx, v0, nil); err == nil || !strings.Contains(err.Error(), "reports no VF 0") {
		t.Errorf("PF without the VF: %v", err)
	}
	// No MAC: an input error.
	v0.Address = objects.Field[net.HardwareAddr]{}
	var fe *objects.FieldError
	if _, err := ch.Check(ctx, v0, nil); !errors.As(err, &fe) || fe.Path != "VIFDirect.address" {
		t.Errorf("no address: %v", err)
	}
}

// vif_type macvtap: the VLAN device of ensure_vlan (exists, a vlan, up); without
// should_provide_vlan, and for a VIFHostDevice, the plug does nothing: ErrNotCheckable.
func TestCheckMacvtapVLAN(t *testing.T) {
	rec := &recorder{}
	p := newPlugin(t, rec, fakeSysfs(t))
	ch := p.(plugin.Checker)
	ctx := context.Background()
	v := &objects.VIFDirect{VIFBase: objects.VIFBase{ID: objects.Set("88888888-5a1b-4c8e-9f00-112233445566"), Plugin: objects.Set("sriov"),
		Network: objects.Set(&objects.Network{VLAN: objects.Set(101), ShouldProvideVLAN: objects.Set(true), BridgeInterface: objects.Set("eth1")})},
		VLANName: objects.Set("eth1.101"), Mode: objects.Set(objects.VIFDirectModeBridge)}
	d, err := ch.Check(ctx, v, nil)
	wantDrift(t, "before plug", d, err, "device eth1.101 exists yes no")
	if err := p.Plug(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, v, nil)
	wantDrift(t, "after plug", d, err)
	rec.links["eth1.101"].Up = false
	d, err = ch.Check(ctx, v, nil)
	wantDrift(t, "down", d, err, "device eth1.101 up yes no")
	rec.links["eth1.101"] = &netdev.Link{Name: "eth1.101", Kind: "bridge"}
	d, err = ch.Check(ctx, v, nil)
	wantDrift(t, "a bridge", d, err, "device eth1.101 kind vlan bridge")

	v.Network.Value().ShouldProvideVLAN = objects.Set(false)
	if _, err := ch.Check(ctx, v, nil); !errors.Is(err, plugin.ErrNotCheckable) {
		t.Errorf("no should_provide_vlan: %v, want ErrNotCheckable", err)
	}
	if _, err := ch.Check(ctx, &objects.VIFHostDevice{DevAddress: objects.Set("0000:3b:00.2")}, nil); !errors.Is(err, plugin.ErrNotCheckable) {
		t.Errorf("VIFHostDevice: %v, want ErrNotCheckable", err)
	}
	if _, err := ch.Check(ctx, &objects.VIFGeneric{}, nil); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Errorf("VIFGeneric: %v", err)
	}
}

// The real reads, on a PF netdev without SR-IOV (a veth in a fresh namespace): the PF lists no
// VF, so the check is an error naming it, not a clean result. Real VFs need SR-IOV hardware.
func TestCheckRealReadsWithoutSRIOV(t *testing.T) {
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
	p, err := sriov.NewFactory(sriov.WithSysfsRoot(fakeSysfs(t)), sriov.InNamespace(ns.Handle()))(plugin.Env{Name: "sriov", Config: config.Default(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.(plugin.Closer).Close()
	_, err = p.(plugin.Checker).Check(ctx, direct("0000:3b:00.2", 100), nil)
	if err == nil || !strings.Contains(err.Error(), "PF enp59s0f0 reports no VF 1") {
		t.Fatalf("check on a PF without SR-IOV: %v", err)
	}
}
