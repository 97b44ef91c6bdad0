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
)

func tapVIF(name string, mtu int, profile objects.PortProfile) *objects.VIFGeneric {
	n := &objects.Network{ID: objects.Set("6a1c4c1e-0000-4000-8000-000000000001")}
	if mtu != 0 {
		n.MTU = objects.Set(mtu)
	}
	v := &objects.VIFGeneric{VIFBase: objects.VIFBase{ID: objects.Set("11111111-5a1b-4c8e-9f00-112233445566"),
		Plugin: objects.Set("tap"), Network: objects.Set(n)}, VIFName: objects.Set(name)}
	if profile != nil {
		v.PortProfile = objects.Set(profile)
	}
	return v
}

func TestSpecOf(t *testing.T) {
	mac, _ := net.ParseMAC("00:61:fe:ed:ca:fe")
	s, err := tap.SpecOf(tapVIF("tapa", 1400, &objects.VIFPortProfileFPTap{MACAddress: objects.Set(mac)}))
	if err != nil || s.Name != "tapa" || s.Opts.MTU != 1400 || s.Opts.MAC.String() != mac.String() || s.Opts.Multiqueue {
		t.Errorf("FPTap: %+v, %v", s, err)
	}
	s, err = tap.SpecOf(tapVIF("tapa", 0, &objects.VIFPortProfileOpenVSwitch{CreateTap: objects.Set(true), Multiqueue: objects.Set(true)}))
	if err != nil || !s.Opts.Multiqueue || s.Opts.MTU != 0 || s.Opts.MAC != nil {
		t.Errorf("OVS 1.4 multiqueue: %+v, %v", s, err)
	}
	var wp *plugin.WrongPortProfileError
	if _, err := tap.SpecOf(tapVIF("tapa", 0, &objects.VIFPortProfileFPBridge{})); !errors.As(err, &wp) {
		t.Errorf("FPBridge profile: %v", err)
	}
	var fe *objects.FieldError
	if _, err := tap.SpecOf(tapVIF("tap/a", 0, nil)); !errors.As(err, &fe) || fe.Path != "VIFGeneric.vif_name" {
		t.Errorf("bad name: %v", err)
	}
	if _, err := tap.SpecOf(&objects.VIFBridge{}); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Errorf("VIFBridge: %v", err)
	}
}

// Plug makes the tap as asked, twice is once; a tap of the other multi-queue kind is a
// conflict and is left unchanged; unplug deletes the tap, twice is once, and never deletes a
// device of another kind.
func TestPlugUnplug(t *testing.T) {
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
	mac, _ := net.ParseMAC("00:61:fe:ed:ca:fe")
	withMAC := tapVIF("tapmac", 1400, &objects.VIFPortProfileFPTap{MACAddress: objects.Set(mac)})
	mq := tapVIF("tapmq", 0, &objects.VIFPortProfileOpenVSwitch{CreateTap: objects.Set(true), Multiqueue: objects.Set(true)})
	for range 2 {
		for _, v := range []objects.VIF{withMAC, mq} {
			if err := p.Plug(ctx, v, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if d, err := l.Get(ctx, "tapmac"); err != nil || d.Kind != "tap" || d.MTU != 1400 || !d.Up || d.MAC.String() != mac.String() || d.Multiqueue {
		t.Errorf("tapmac: %+v, %v", d, err)
	}
	if d, err := l.Get(ctx, "tapmq"); err != nil || d.Kind != "tap" || d.MTU != 1500 || !d.Up || !d.Multiqueue {
		t.Errorf("tapmq: %+v, %v", d, err)
	}
	var ce *netdev.ConflictError
	if err := p.Plug(ctx, tapVIF("tapmq", 1400, nil), nil); !errors.As(err, &ce) {
		t.Errorf("single-queue plug over a multi-queue tap: %v", err)
	}
	if d, _ := l.Get(ctx, "tapmq"); d == nil || d.MTU != 1500 {
		t.Errorf("conflicting plug changed tapmq: %+v", d)
	}
	for range 2 {
		for _, v := range []objects.VIF{withMAC, mq} {
			if err := p.Unplug(ctx, v, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, n := range []string{"tapmac", "tapmq"} {
		if ok, _ := l.Exists(ctx, n); ok {
			t.Errorf("%s left after unplug", n)
		}
	}
	if err := l.EnsureBridge(ctx, "tapbr"); err != nil {
		t.Fatal(err)
	}
	if err := p.Unplug(ctx, tapVIF("tapbr", 0, nil), nil); !errors.As(err, &ce) {
		t.Errorf("unplug of a bridge: %v", err)
	}
	if ok, _ := l.Exists(ctx, "tapbr"); !ok {
		t.Error("unplug deleted a bridge")
	}
}
