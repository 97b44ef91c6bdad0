package ovs

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/vswitch"
)

// TestFunctionalKnownBridgeConcurrent: concurrent plugs on a remembered bridge (their port
// additions merged into shared transactions, each with the bridge requirement) all report a
// re-typed bridge and add nothing; once it is typed back they all succeed, each port created
// and isolated by its own plug.
func TestFunctionalKnownBridgeConcurrent(t *testing.T) {
	r := newRig(t, false)
	opts := DefaultOptions()
	opts.IsolateVIF = true
	p := r.plugin(opts)
	const n = 8
	vifs := make([]*objects.VIFOpenVSwitch, n)
	for i := range vifs {
		id := fmt.Sprintf("%08x-1111-4222-8333-444455556666", 0xc0000000+i)
		v := ovsVIF("br-int", "netdev", 1442)
		v.ID = objects.Set(id)
		v.VIFName = objects.Set(("tap" + id)[:14])
		v.PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch).InterfaceID = objects.Set(id)
		vifs[i] = v
	}
	plugAll := func() []error {
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, v := range vifs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = p.Plug(r.ctx, v, testInstance()) }()
		}
		wg.Wait()
		return errs
	}
	// Remember br-int (netdev), then re-type it behind the plugin's back.
	if err := p.Plug(r.ctx, vifs[0], testInstance()); err != nil {
		t.Fatal(err)
	}
	if err := p.Unplug(r.ctx, vifs[0], testInstance()); err != nil {
		t.Fatal(err)
	}
	r.ovs.Vsctl(t, "--no-wait", "set", "Bridge", "br-int", "datapath_type=system")
	for i, err := range plugAll() {
		var dc *vswitch.DatapathConflictError
		if !errors.As(err, &dc) {
			t.Errorf("plug %d on a re-typed bridge: err = %v", i, err)
		}
	}
	if got := r.ports("br-int"); len(got) != 0 {
		t.Fatalf("ports added to a re-typed bridge: %v", got)
	}
	r.ovs.Vsctl(t, "--no-wait", "set", "Bridge", "br-int", "datapath_type=netdev")
	// First round: the full path (re-reads the bridge); second: all on the remembered bridge.
	for round := 0; round < 2; round++ {
		for i, err := range plugAll() {
			if err != nil {
				t.Errorf("round %d: plug %d: %v", round, i, err)
			}
		}
		if got := r.ports("br-int"); len(got) != n {
			t.Fatalf("round %d: ports %v, want %d", round, got, n)
		}
		for _, v := range vifs {
			if tag := r.get("Port", v.VIFName.Value(), "tag"); tag != "4095" {
				t.Errorf("round %d: %s: tag %s, want 4095 (created by this plug)", round, v.VIFName.Value(), tag)
			}
			if err := p.Unplug(r.ctx, v, testInstance()); err != nil {
				t.Error(err)
			}
		}
		if got := r.ports("br-int"); len(got) != 0 {
			t.Errorf("round %d: ports left %v", round, got)
		}
	}
}
