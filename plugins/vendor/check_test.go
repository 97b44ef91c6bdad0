package vendor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/inventory"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/vendor"
)

// drifts renders drift items as "<object> <field> <want> <got>".
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

// midonet and iovisor: the check is the tap Nova's create_tap_dev makes (exists, a tap, up, not
// multiqueue); each drift is named exactly, and plugging again repairs what it can. The
// vendor's binding (mm-ctl, ifc_ctl) is not checked: the stand-ins only log their argv.
func TestCheckTapPlugins(t *testing.T) {
	ns := testenv.NewNetNS(t)
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	iov := midonetVIF("tapiov1")
	iov.Plugin = objects.Set("iovisor")
	inst := &objects.InstanceInfo{UUID: objects.Set("f0000000-0000-0000-0000-000000000006"), ProjectID: objects.Set("p1")}
	for _, c := range []struct {
		name string
		f    plugin.Factory
		vif  *objects.VIFGeneric
	}{
		{"midonet", vendor.NewMidonetFactory(vendor.InNamespace(ns.Handle())), midonetVIF("tapmidc1")},
		{"iovisor", vendor.NewIOVisorFactory(vendor.InNamespace(ns.Handle())), iov},
	} {
		p := build(t, c.name, c.f, nil)
		ch := p.(plugin.Checker)
		dev := c.vif.VIFName.Value()
		if o, err := ch.Objects(c.vif, inst); err != nil || !slices.Equal(o.Devices, []string{dev}) || o.Bridge != "" {
			t.Fatalf("%s: Objects = %+v, %v", c.name, o, err)
		}
		d, err := ch.Check(ctx, c.vif, inst)
		wantDrift(t, c.name+" before plug", d, err, "device "+dev+" exists yes no")
		if err := p.Plug(ctx, c.vif, inst); err != nil {
			t.Fatal(err)
		}
		d, err = ch.Check(ctx, c.vif, inst)
		wantDrift(t, c.name+" after plug", d, err)
		if err := l.SetDown(ctx, dev); err != nil {
			t.Fatal(err)
		}
		d, err = ch.Check(ctx, c.vif, inst)
		wantDrift(t, c.name+" set down", d, err, "device "+dev+" up yes no")
		if err := p.Plug(ctx, c.vif, inst); err != nil {
			t.Fatal(err)
		}
		d, err = ch.Check(ctx, c.vif, inst)
		wantDrift(t, c.name+" replugged", d, err)
		// A multiqueue tap of that name (made by someone else) is not what the plug makes.
		if err := l.Delete(ctx, dev); err != nil {
			t.Fatal(err)
		}
		if err := l.CreateTap(ctx, dev, netdev.TapOptions{Multiqueue: true}); err != nil {
			t.Fatal(err)
		}
		d, err = ch.Check(ctx, c.vif, inst)
		wantDrift(t, c.name+" multiqueue", d, err, "device "+dev+" multiqueue no yes")
		if err := l.Delete(ctx, dev); err != nil {
			t.Fatal(err)
		}
		if err := l.EnsureBridge(ctx, dev); err != nil {
			t.Fatal(err)
		}
		d, err = ch.Check(ctx, c.vif, inst)
		wantDrift(t, c.name+" a bridge", d, err, "device "+dev+" kind tap bridge")
		if err := l.Delete(ctx, dev); err != nil {
			t.Fatal(err)
		}
		// Bad input is an error, not drift.
		var fe *objects.FieldError
		if _, err := ch.Check(ctx, &objects.VIFGeneric{VIFBase: c.vif.VIFBase}, inst); !errors.As(err, &fe) {
			t.Errorf("%s: Check without vif_name: %v, want *objects.FieldError", c.name, err)
		}
	}
}

// vhostuser_fp with FPBridge: the bridge (exists, up) and the fast-path device (exists, up, the
// MTU, in the bridge), each drift named exactly. fp-vdev's own state is not checked.
func TestCheckVHostUserFP(t *testing.T) {
	ns := testenv.NewNetNS(t)
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	p := build(t, "vhostuser_fp", vendor.NewVHostUserFPFactory(vendor.InNamespace(ns.Handle())), nil)
	ch := p.(plugin.Checker)
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	vif := &objects.VIFVHostUser{VIFBase: objects.VIFBase{ID: objects.Set("66666666-5a1b-4c8e-9f00-112233445567"),
		Address: objects.Set(mac("fa:16:3e:11:22:37")), Plugin: objects.Set("vhostuser_fp"),
		Network: objects.Set(&objects.Network{ID: objects.Set("6a1c4c1e-0000-4000-8000-000000000001"), MTU: objects.Set(1450)})},
		VIFName: objects.Set("tapfpc1"), Path: objects.Set("/var/run/vhost/tapfpc1"), Mode: objects.Set(objects.VIFVHostUserModeClient)}
	vif.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileFPBridge{BridgeName: objects.Set("brfpc1")})
	ctx := context.Background()
	if o, err := ch.Objects(vif, nil); err != nil || !slices.Equal(o.Devices, []string{"tapfpc1"}) || o.Bridge != "brfpc1" {
		t.Fatalf("Objects = %+v, %v", o, err)
	}
	d, err := ch.Check(ctx, vif, nil)
	wantDrift(t, "before plug", d, err, "device brfpc1 exists yes no", "device tapfpc1 exists yes no")
	if err := p.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "after plug", d, err)
	if err := l.RemoveFromBridge(ctx, "tapfpc1", "brfpc1"); err != nil {
		t.Fatal(err)
	}
	if err := l.SetMTU(ctx, "tapfpc1", 1300); err != nil {
		t.Fatal(err)
	}
	if err := l.SetDown(ctx, "brfpc1"); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "drifted", d, err, "device brfpc1 up yes no", "device tapfpc1 master brfpc1 ", "device tapfpc1 mtu 1450 1300")
	if err := l.SetDown(ctx, "tapfpc1"); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "drifted more", d, err, "device brfpc1 up yes no", "device tapfpc1 master brfpc1 ", "device tapfpc1 up yes no", "device tapfpc1 mtu 1450 1300")
	// Plugging again repairs all of it, without running fp-vdev for the existing device.
	n := len(readCalls(t, log))
	if err := p.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "replugged", d, err)
	if len(readCalls(t, log)) != n {
		t.Errorf("replug ran fp-vdev: %v", readCalls(t, log)[n:])
	}
	if err := p.Unplug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	d, err = ch.Check(ctx, vif, nil)
	wantDrift(t, "unplugged", d, err, "device tapfpc1 exists yes no")
	l.Delete(ctx, "brfpc1")

	vif.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileFPTap{})
	if _, err := ch.Check(ctx, vif, nil); !errors.Is(err, plugin.ErrNotCheckable) {
		t.Errorf("FPTap: Check = %v, want ErrNotCheckable", err)
	}
	if o, err := ch.Objects(vif, nil); err != nil || len(o.Devices) != 0 || o.Bridge != "" {
		t.Errorf("FPTap: Objects = %+v, %v", o, err)
	}
}

// ib_hostdev and vrouter make no device: Check says there is nothing govif can check (so the
// VIF is reported unchecked, not intact), and bad input is still an input error. No tool runs.
func TestCheckAgentOnlyPlugins(t *testing.T) {
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	ctx := context.Background()
	vr := &objects.VIFGeneric{VIFBase: objects.VIFBase{ID: objects.Set("a909a869-e967-4c5f-8f54-fbd57dc798a9"),
		Address: objects.Set(mac("ca:fe:de:ad:be:ef")), Network: objects.Set(vrouterNet()), Plugin: objects.Set("vrouter")}, VIFName: objects.Set("tapvr1")}
	for _, c := range []struct {
		name    string
		f       plugin.Factory
		vif     objects.VIF
		bad     objects.VIF
		inst    *objects.InstanceInfo
		mention string
	}{
		{"ib_hostdev", vendor.NewIBHostdevFactory(), ibVIF(), &objects.VIFHostDevice{VIFBase: ibVIF().VIFBase}, ibInst(), "ebrctl"},
		{"vrouter", vendor.NewVRouterFactory(), vr, &objects.VIFGeneric{VIFBase: vr.VIFBase}, vrouterInst(), "vrouter-port-control"},
	} {
		ch := build(t, c.name, c.f, nil).(plugin.Checker)
		d, err := ch.Check(ctx, c.vif, c.inst)
		if !errors.Is(err, plugin.ErrNotCheckable) || len(d) != 0 || !strings.Contains(err.Error(), c.mention) {
			t.Errorf("%s: Check = %v, %v; want ErrNotCheckable naming %s", c.name, d, err, c.mention)
		}
		if o, err := ch.Objects(c.vif, c.inst); err != nil || len(o.Devices)+len(o.OVSPorts) != 0 || o.Bridge != "" {
			t.Errorf("%s: Objects = %+v, %v", c.name, o, err)
		}
		var fe *objects.FieldError
		if _, err := ch.Check(ctx, c.bad, c.inst); !errors.As(err, &fe) {
			t.Errorf("%s: Check of a bad VIF: %v, want *objects.FieldError", c.name, err)
		}
	}
	if calls := readCalls(t, log); len(calls) != 0 {
		t.Errorf("check ran tools: %v", calls)
	}
}

// Through the operator's path (ops.Manager over a govif.Host, as `govif check` and `replug`
// use it): a midonet VIF whose tap was deleted by hand is reported with exactly that drift and
// repaired by replug; an ib_hostdev VIF is unchecked with the reason (ebrctl's port is the
// fabric's state) and never counted as drift; the inventory records the midonet tap as owned.
func TestCheckReplugThroughOps(t *testing.T) {
	ns := testenv.NewNetNS(t)
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	mido := build(t, "midonet", vendor.NewMidonetFactory(vendor.InNamespace(ns.Handle())), nil)
	ib := build(t, "ib_hostdev", vendor.NewIBHostdevFactory(), nil)
	ctx := context.Background()
	h, err := govif.NewHost(ctx, nil, govif.WithPlugins("midonet", "ib_hostdev"), govif.WithPlugin("midonet", mido),
		govif.WithPlugin("ib_hostdev", ib), govif.WithoutExecPlugins(), govif.WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	inv, err := inventory.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := ops.New(h, inv)
	mv := midonetVIF("tapmidops")
	if err := m.Plug(ctx, mv, ibInst()); err != nil {
		t.Fatal(err)
	}
	if err := m.Plug(ctx, ibVIF(), ibInst()); err != nil {
		t.Fatal(err)
	}
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Delete(ctx, "tapmidops"); err != nil {
		t.Fatal(err)
	}
	res, err := m.Check(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range res.VIFs {
		got[v.Plugin] = v.Status + " " + strings.Join(drifts(v.Drift), ",")
		if v.Plugin == "ib_hostdev" && !strings.Contains(v.Error, "ebrctl") {
			t.Errorf("ib_hostdev unchecked without the reason: %+v", v)
		}
	}
	want := map[string]string{"midonet": "drift device tapmidops exists yes no", "ib_hostdev": "unchecked "}
	if !cmp.Equal(got, want) || res.DriftCount() != 1 {
		t.Fatalf("check = %v, want %v", got, want)
	}
	rr, err := m.Replug(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := map[string]string{}
	for _, v := range rr.VIFs {
		st[v.Plugin] = v.Status
	}
	if st["midonet"] != ops.StatusRepaired || st["ib_hostdev"] != ops.StatusUnchecked || rr.Failed() {
		t.Fatalf("replug = %+v", rr.VIFs)
	}
	if ok, _ := l.Exists(ctx, "tapmidops"); !ok {
		t.Error("replug did not restore the tap")
	}
	lr, err := m.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range lr.VIFs {
		if v.Plugin == "midonet" && !slices.Equal(v.Devices, []string{"tapmidops"}) {
			t.Errorf("inventory devices of the midonet VIF: %v", v.Devices)
		}
	}
	for _, v := range []objects.VIF{mv, ibVIF()} {
		if err := m.Unplug(ctx, v, ibInst()); err != nil {
			t.Fatal(err)
		}
	}
}
