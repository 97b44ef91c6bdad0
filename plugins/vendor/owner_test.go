package vendor_test

import (
	"context"
	"errors"
	"testing"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/plugins/vendor"
	"github.com/govif/govif/policy"
)

// midonet and iovisor adopt or delete only the VIF's own tap (plugins/internal/tapdev):
// another VM's tap under the VIF's name (another MAC) is refused with a name_conflict before
// the vendor tool runs, and left as it was; the VIF's own tap (libvirt's fe: MAC) is unplugged.
func TestTapPluginsOwnership(t *testing.T) {
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
	if err := l.CreateTap(ctx, "tapother", netdev.TapOptions{MAC: mac("fe:16:3e:99:99:99"), MTU: 1450}); err != nil {
		t.Fatal(err)
	}
	before, err := l.Get(ctx, "tapother")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"midonet", "iovisor"} {
		f := vendor.NewMidonetFactory(vendor.InNamespace(ns.Handle()))
		if name == "iovisor" {
			f = vendor.NewIOVisorFactory(vendor.InNamespace(ns.Handle()))
		}
		p := build(t, name, f, nil)
		v := midonetVIF("tapother")
		v.Plugin.Set(name)
		for _, op := range []string{"plug", "unplug"} {
			var err error
			if op == "plug" {
				err = p.Plug(ctx, v, ibInst())
			} else {
				err = p.Unplug(ctx, v, ibInst())
			}
			var pv *policy.Violation
			if !errors.As(err, &pv) || pv.Code != policy.CodeNameConflict || pv.Field != "VIFGeneric.vif_name" {
				t.Errorf("%s %s of another VM's tap: %v, want name_conflict on VIFGeneric.vif_name", name, op, err)
			}
		}
	}
	if c := readCalls(t, log); len(c) != 0 {
		t.Errorf("a vendor tool ran for a refused request: %v", c)
	}
	if after, err := l.Get(ctx, "tapother"); err != nil || after.MTU != before.MTU || after.MAC.String() != before.MAC.String() || after.Master != "" {
		t.Errorf("another VM's tap changed: %+v -> %+v, %v", before, after, err)
	}
	// The VIF's own tap (libvirt's MAC) is unplugged.
	if err := l.CreateTap(ctx, "tapmine", netdev.TapOptions{MAC: mac("fe:16:3e:11:22:33")}); err != nil {
		t.Fatal(err)
	}
	p := build(t, "midonet", vendor.NewMidonetFactory(vendor.InNamespace(ns.Handle())), nil)
	if err := p.Unplug(ctx, midonetVIF("tapmine"), nil); err != nil {
		t.Fatal(err)
	}
	if ok, _ := l.Exists(ctx, "tapmine"); ok {
		t.Error("the VIF's own tap left after unplug")
	}
}
