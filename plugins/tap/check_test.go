package tap_test

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/tap"
)

func TestCheck(t *testing.T) {
	ns := testenv.NewNetNS(t)
	p, err := tap.NewFactory(tap.InNamespace(ns.Handle()))(plugin.Env{Name: "tap", Config: config.Default(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.(plugin.Closer).Close()
	c := p.(plugin.Checker)
	ctx := context.Background()
	mac, _ := net.ParseMAC("00:61:fe:ed:ca:fe")
	vif := tapVIF("tapchk", 1400, &objects.VIFPortProfileFPTap{MACAddress: objects.Set(mac)})
	if o, err := c.Objects(vif, nil); err != nil || !slices.Equal(o.Devices, []string{"tapchk"}) {
		t.Fatalf("Objects = %+v, %v", o, err)
	}
	want := func(d []plugin.Drift, err error, w ...string) {
		t.Helper()
		var got []string
		for _, x := range d {
			got = append(got, x.Object+" "+x.Field+" "+x.Want+" "+x.Got)
		}
		if err != nil || !slices.Equal(got, w) {
			t.Fatalf("Check = %q, %v; want %q", got, err, w)
		}
	}
	d, err := c.Check(ctx, vif, nil)
	want(d, err, "device tapchk exists yes no")
	if err := p.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	d, err = c.Check(ctx, vif, nil)
	want(d, err)
	nl := ns.Netlink(t)
	l, err := nl.LinkByName("tapchk")
	if err != nil {
		t.Fatal(err)
	}
	if err := nl.LinkSetDown(l); err != nil {
		t.Fatal(err)
	}
	if err := nl.LinkSetMTU(l, 1300); err != nil {
		t.Fatal(err)
	}
	d, err = c.Check(ctx, vif, nil)
	want(d, err, "device tapchk up yes no", "device tapchk mtu 1400 1300")
	if err := p.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	d, err = c.Check(ctx, vif, nil)
	want(d, err)
	if err := p.Unplug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
}
