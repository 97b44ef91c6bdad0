package govif

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif/objects"
)

// TestHostRefusesWhatOVSDBAndTheKernelCannotTake: NUL bytes, invalid UTF-8 (a lone surrogate
// as Decode keeps it) and MTUs outside 68..65535 are refused with a *FieldError naming the
// field, before any plugin runs, for plug and for unplug; 68, 65535 and a null MTU pass.
func TestHostRefusesWhatOVSDBAndTheKernelCannotTake(t *testing.T) {
	a := &fakePlugin{name: "a"}
	h := newTestHost(t, WithPlugin("a", a))
	loneSurrogate := "br\xed\xa0\x80x" // U+D800 as Decode stores it (WTF-8)
	withNet := func(mut func(n *objects.Network)) *objects.VIFOpenVSwitch {
		v := ovsVIF(id1, "a")
		n := &objects.Network{ID: objects.Set("net1"), Bridge: objects.Set("br-int")}
		mut(n)
		v.Network.Set(n)
		return v
	}
	nulName := ovsVIF(id1, "a")
	nulName.VIFName.Set("tap\x00x")
	nulIface := ovsVIF(id1, "a")
	nulIface.PortProfile.Set(&objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set("abc\x00")})
	nulInst := inst()
	nulInst.Name.Set("vm\x00")
	cases := []struct {
		name string
		vif  objects.VIF
		inst *objects.InstanceInfo
		path string
	}{
		{"NUL in vif_name", nulName, inst(), "VIFOpenVSwitch.vif_name"},
		{"NUL in interface_id", nulIface, inst(), "VIFOpenVSwitch.port_profile.interface_id"},
		{"NUL in instance name", ovsVIF(id1, "a"), nulInst, "InstanceInfo.name"},
		{"lone surrogate in network.bridge", withNet(func(n *objects.Network) { n.Bridge.Set(loneSurrogate) }), inst(), "VIFOpenVSwitch.network.bridge"},
		{"MTU -1", withNet(func(n *objects.Network) { n.MTU.Set(-1) }), inst(), "VIFOpenVSwitch.network.mtu"},
		{"MTU 0", withNet(func(n *objects.Network) { n.MTU.Set(0) }), inst(), "VIFOpenVSwitch.network.mtu"},
		{"MTU 67", withNet(func(n *objects.Network) { n.MTU.Set(67) }), inst(), "VIFOpenVSwitch.network.mtu"},
		{"MTU 65536", withNet(func(n *objects.Network) { n.MTU.Set(65536) }), inst(), "VIFOpenVSwitch.network.mtu"},
	}
	for _, tc := range cases {
		for _, call := range []func(context.Context, objects.VIF, *objects.InstanceInfo) error{h.Plug, h.Unplug} {
			err := call(context.Background(), tc.vif, tc.inst)
			var fe *objects.FieldError
			if !errors.As(err, &fe) || fe.Path != tc.path || fe.Value == nil {
				t.Errorf("%s: err = %v, want a *FieldError for %s with the value", tc.name, err, tc.path)
			}
		}
	}
	if calls := a.Calls(); len(calls) != 0 {
		t.Fatalf("the plugin ran for refused input: %v", calls)
	}
	for _, mtu := range []int{68, 1500, 9000, 65535} {
		if err := h.Plug(context.Background(), withNet(func(n *objects.Network) { n.MTU.Set(mtu) }), inst()); err != nil {
			t.Errorf("MTU %d: %v", mtu, err)
		}
	}
	if err := h.Plug(context.Background(), withNet(func(n *objects.Network) { n.MTU.SetNull() }), inst()); err != nil {
		t.Errorf("null MTU: %v", err)
	}
	if err := h.Plug(context.Background(), withNet(func(n *objects.Network) { n.Bridge.Set("brü-ünicode") }), inst()); err != nil {
		t.Errorf("valid UTF-8: %v", err)
	}
}

// holdPlugin blocks in Plug/Unplug until released and records overlapping calls per VIF.
type holdPlugin struct {
	fakePlugin
	hold     chan struct{}
	entered  chan string
	mu       sync.Mutex
	active   map[string]int
	overlaps int
}

func (p *holdPlugin) op(vif objects.VIF) error {
	id := vif.Base().ID.Value()
	p.mu.Lock()
	p.active[id]++
	if p.active[id] > 1 {
		p.overlaps++
	}
	p.mu.Unlock()
	p.entered <- id
	<-p.hold
	p.mu.Lock()
	p.active[id]--
	p.mu.Unlock()
	return nil
}

func (p *holdPlugin) Plug(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	return p.op(vif)
}
func (p *holdPlugin) Unplug(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	return p.op(vif)
}

// TestHostSerialisesEachVIF: for a plugin that does not lock VIFs itself, the Host runs
// operations on one VIF one at a time and on different VIFs in parallel; a caller whose
// context ends while it waits for the VIF gets the context's error and the plugin never runs.
func TestHostSerialisesEachVIF(t *testing.T) {
	p := &holdPlugin{fakePlugin: fakePlugin{name: "a"}, hold: make(chan struct{}), entered: make(chan string, 8), active: map[string]int{}}
	h := newTestHost(t, WithPlugin("a", p))
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	run := func(f func() error) { wg.Add(1); go func() { defer wg.Done(); errs <- f() }() }
	run(func() error { return h.Plug(ctx, ovsVIF(id1, "a"), inst()) })
	run(func() error { return h.Plug(ctx, ovsVIF(id2, "a"), inst()) })
	for range 2 {
		select {
		case <-p.entered:
		case <-time.After(5 * time.Second):
			t.Fatal("plugs of two different VIFs did not run in parallel")
		}
	}
	run(func() error { return h.Unplug(ctx, ovsVIF(id1, "a"), inst()) })
	select {
	case id := <-p.entered:
		t.Fatalf("unplug of %s entered the plugin while its plug was running", id)
	case <-time.After(100 * time.Millisecond):
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := h.Plug(short, ovsVIF(id1, "a"), inst()); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "lock of VIF") {
		t.Fatalf("plug waiting past its deadline: %v", err)
	}
	close(p.hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p.overlaps != 0 {
		t.Fatalf("%d overlapping operations on one VIF", p.overlaps)
	}
	if n := h.locks.Len(); n != 0 {
		t.Fatalf("%d VIF locks left", n)
	}
}
