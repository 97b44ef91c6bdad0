package tap_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/tap"
	"github.com/govif/govif/policy"
)

// The tap plugin adopts and deletes only the VIF's own tap (docs/security.md, "Ownership"):
// a device of another kind, another VIF's tap (another MAC) and a tap enslaved to a bridge
// are refused with a 409-style name_conflict and left exactly as they were; the tap libvirt
// makes for the VIF (fe: + the address) and the tap the plug made are the VIF's own.
func TestFunctionalOwnership(t *testing.T) {
	ns := testenv.NewNetNS(t)
	p, err := tap.NewFactory(tap.InNamespace(ns.Handle()))(plugin.Env{Name: "tap", Config: config.Default(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.(plugin.Closer).Close()
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	mac := func(s string) net.HardwareAddr { m, _ := net.ParseMAC(s); return m }
	vif := func(name, addr string, mtu int) *objects.VIFGeneric {
		v := tapVIF(name, mtu, nil)
		v.Address = objects.Set(mac(addr))
		return v
	}
	const own = "fa:16:3e:00:00:01"

	// Stand-ins: another VM's tap (libvirt's MAC for another address), a tap with this
	// VIF's MAC in a Linux bridge, a veth (a host NIC) and a bridge.
	for _, s := range []struct {
		name string
		mac  string
	}{{"tapother", "fe:16:3e:00:00:02"}, {"tapinbr", own}} {
		if err := l.CreateTap(ctx, s.name, netdev.TapOptions{MAC: mac(s.mac), MTU: 1450}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.EnsureBridge(ctx, "qbrstandin"); err != nil {
		t.Fatal(err)
	}
	if err := l.AddToBridge(ctx, "tapinbr", "qbrstandin"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateVethPair(ctx, "tapnic", "tapnicpeer", 0); err != nil {
		t.Fatal(err)
	}
	snap := func() map[string]netdev.Link {
		out := map[string]netdev.Link{}
		for _, n := range []string{"tapother", "tapinbr", "qbrstandin", "tapnic", "tapnicpeer"} {
			d, err := l.Get(ctx, n)
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			out[n] = *d
		}
		return out
	}
	before := snap()
	for _, a := range []struct {
		what string
		vif  *objects.VIFGeneric
	}{
		{"another VM's tap", vif("tapother", own, 1400)},
		{"a tap with this VIF's MAC enslaved to a bridge", vif("tapinbr", own, 1400)},
		{"a veth (a host NIC)", vif("tapnic", own, 1400)},
		{"a bridge", vif("qbrstandin", own, 1400)},
		{"another VM's tap, VIF without an address", tapVIF("tapother", 0, &objects.VIFPortProfileFPTap{MACAddress: objects.Set(mac(own))})},
	} {
		for _, op := range []string{"plug", "unplug"} {
			var err error
			if op == "plug" {
				err = p.Plug(ctx, a.vif, nil)
			} else {
				err = p.Unplug(ctx, a.vif, nil)
			}
			var pv *policy.Violation
			if !errors.As(err, &pv) || pv.Code != policy.CodeNameConflict || pv.Field != "VIFGeneric.vif_name" || pv.Value != a.vif.VIFName.Value() {
				t.Errorf("%s of %s: %v, want a name_conflict on VIFGeneric.vif_name", op, a.what, err)
			}
		}
	}
	if after := snap(); !equalLinks(before, after) {
		t.Errorf("refused requests changed the stand-ins:\nbefore %+v\nafter  %+v", before, after)
	}

	// libvirt's tap for the VIF is its own: adopted (MTU set) and deleted by the unplug.
	if err := l.CreateTap(ctx, "taplibvirt", netdev.TapOptions{MAC: mac("fe:16:3e:00:00:01")}); err != nil {
		t.Fatal(err)
	}
	lv := vif("taplibvirt", own, 1400)
	if err := p.Plug(ctx, lv, nil); err != nil {
		t.Fatalf("plug adopting libvirt's tap: %v", err)
	}
	if d, _ := l.Get(ctx, "taplibvirt"); d == nil || d.MTU != 1400 {
		t.Errorf("libvirt's tap after the plug: %+v", d)
	}
	if err := p.Unplug(ctx, lv, nil); err != nil {
		t.Fatal(err)
	}
	// The plug's own tap (no MAC asked: libvirt's form of the address) is its own on a
	// re-plug and on unplug.
	mine := vif("tapmine", own, 0)
	for range 2 {
		if err := p.Plug(ctx, mine, nil); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := l.Get(ctx, "tapmine"); d == nil || d.MAC.String() != "fe:16:3e:00:00:01" {
		t.Errorf("tap made without a MAC: %+v, want libvirt's form of the address", d)
	}
	if err := p.Unplug(ctx, mine, nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"taplibvirt", "tapmine"} {
		if ok, _ := l.Exists(ctx, n); ok {
			t.Errorf("%s left after unplug", n)
		}
	}
}

func equalLinks(a, b map[string]netdev.Link) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || x.Kind != y.Kind || x.MTU != y.MTU || x.MAC.String() != y.MAC.String() || x.Up != y.Up || x.Master != y.Master || x.Peer != y.Peer || x.Index != y.Index {
			return false
		}
	}
	return true
}
