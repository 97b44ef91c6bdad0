package sriov_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/binding"
	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/sriov"
)

// hwVEBDirect converts a Nova hw_veb / vnic direct VIF with the given binding:profile through
// govif's binding and back through the wire (as the daemon receives it).
func hwVEBDirect(t *testing.T, profile string) objects.VIF {
	t.Helper()
	js := `{"id":"2b3c0d2e-5a1b-4c8e-9f00-112233445566","type":"hw_veb","vnic_type":"direct","address":"fa:16:3e:11:22:33",` +
		`"details":{"vlan":0},"profile":` + profile + `,"network":{"id":"6a1c4c1e-0000-4000-8000-000000000001","bridge":null,"label":"n","subnets":[],"meta":{}}}`
	v, err := binding.ParseNovaVIF([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	vif, err := binding.FromNovaVIFWith(v, binding.NovaConfig{GovifVIFTypes: true})
	if err != nil {
		t.Fatal(err)
	}
	prim, err := objects.Encode(vif)
	if err != nil {
		t.Fatal(err)
	}
	back, err := objects.DecodeVIF(prim)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// hw_veb direct: the requests are Nova's set_vf_trusted, `ip link set <pf> vf <n> trust on` at
// plug when profile.trusted is true and `... trust off` at unplug when the profile has
// trusted at all; nothing without it. Check reads the trust back through the PF.
func TestHWVEBDirectTrust(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		profile      string
		plug, unplug []string
		checkable    bool
	}{
		{`{"pci_slot":"0000:3b:00.2","trusted":"true"}`, []string{"enp59s0f0 vf 1 trust on"}, []string{"enp59s0f0 vf 1 trust off"}, true},
		{`{"pci_slot":"0000:3b:00.2","trusted":false}`, nil, []string{"enp59s0f0 vf 1 trust off"}, false},
		{`{"pci_slot":"0000:3b:00.2"}`, nil, nil, false},
	} {
		rec := &recorder{}
		p := newPlugin(t, rec, fakeSysfs(t))
		ch := p.(plugin.Checker)
		vif := hwVEBDirect(t, c.profile)
		if err := p.Plug(ctx, vif, nil); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.plug, rec.calls); diff != "" {
			t.Errorf("%s: plug requests (-nova's +govif's):\n%s", c.profile, diff)
		}
		d, err := ch.Check(ctx, vif, nil)
		switch {
		case !c.checkable && !errors.Is(err, plugin.ErrNotCheckable):
			t.Errorf("%s: Check = %v, %v; want ErrNotCheckable", c.profile, d, err)
		case c.checkable && (err != nil || len(d) != 0):
			t.Errorf("%s: Check after plug = %v, %v", c.profile, d, err)
		}
		if c.checkable {
			rec.vfs["enp59s0f0/1"] = sriov.VFState{MAC: rec.vfs["enp59s0f0/1"].MAC}
			d, err := ch.Check(ctx, vif, nil)
			if err != nil || len(d) != 1 || d[0].String() != `vf 1 of enp59s0f0 (0000:3b:00.2): trust want "on", got "off"` {
				t.Errorf("%s: Check with trust off = %v, %v", c.profile, d, err)
			}
			if err := p.Plug(ctx, vif, nil); err != nil { // replug repairs
				t.Fatal(err)
			}
			if d, err := ch.Check(ctx, vif, nil); err != nil || len(d) != 0 {
				t.Errorf("%s: Check after replug = %v, %v", c.profile, d, err)
			}
		}
		rec.calls = nil
		if err := p.Unplug(ctx, vif, nil); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.unplug, rec.calls); diff != "" {
			t.Errorf("%s: unplug requests (-nova's +govif's):\n%s", c.profile, diff)
		}
	}
	// A trusted VIF whose VF sysfs does not know: an error, nothing sent; a failing request
	// fails the plug naming the VF.
	rec := &recorder{failOn: "enp59s0f0 vf 1 trust on"}
	p := newPlugin(t, rec, fakeSysfs(t))
	h := hwVEBDirect(t, `{"pci_slot":"0000:3b:00.2","trusted":true}`).(*objects.VIFHostDevice)
	if err := p.Plug(ctx, h, nil); err == nil || !strings.Contains(err.Error(), "VF 1 of enp59s0f0 (0000:3b:00.2): trust on") {
		t.Errorf("failing trust: %v", err)
	}
	rec.calls = nil
	h.DevAddress = objects.Set("0000:5e:00.3")
	var nf *netdev.PCIDeviceNotFoundError
	if err := p.Plug(ctx, h, nil); !errors.As(err, &nf) || len(rec.calls) != 0 {
		t.Errorf("unknown VF: %v, requests %v", err, rec.calls)
	}
	h.DevAddress = objects.Field[string]{}
	var fe *objects.FieldError
	if err := p.Plug(ctx, h, nil); !errors.As(err, &fe) || fe.Path != "VIFHostDevice.dev_address" {
		t.Errorf("no dev_address: %v", err)
	}
}

// The real trust request on a PF netdev without SR-IOV (a veth in a fresh namespace): the
// kernel refuses it and the plug fails naming the VF. A real VF needs SR-IOV hardware.
func TestRealTrustWithoutSRIOV(t *testing.T) {
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
	err = p.Plug(ctx, hwVEBDirect(t, `{"pci_slot":"0000:3b:00.2","trusted":true}`), nil)
	if err == nil || !strings.Contains(err.Error(), "VF 1 of enp59s0f0 (0000:3b:00.2): trust on") {
		t.Fatalf("trust on a PF without SR-IOV: %v", err)
	}
}
