package ovs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/govif/govif/vswitch"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// bulkFakeLinks adds DeleteMany to fakeLinks and counts batches.
type bulkFakeLinks struct {
	*fakeLinks
	batches int
	fail    error
}

func (b *bulkFakeLinks) DeleteMany(ctx context.Context, devs []string) error {
	b.batches++
	if b.fail != nil {
		return b.fail
	}
	for _, d := range devs {
		if err := b.fakeLinks.Delete(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

func TestUnplugMany(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		fail error
	}{{"batch", nil}, {"batch refused", errors.New("EOPNOTSUPP")}} {
		t.Run(tc.name, func(t *testing.T) {
			sw, fl := newFakeSwitch(), newFakeLinks()
			bl := &bulkFakeLinks{fakeLinks: fl, fail: tc.fail}
			c := &New(sw, bl, DefaultOptions(), nil).core
			var specs []*vifSpec
			for i := 0; i < 6; i++ {
				var s *vifSpec
				if i%2 == 0 {
					s = hybridSpec()
				} else {
					s = ovsSpec()
				}
				s.id = fmt.Sprintf("%08d-1111-4222-8333-444455556666", i)
				s.bridgeName = portName("qbr", s.id, nicNameLen)
				s.vifName = portName("tap", s.id, nicNameLen)
				if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
					t.Fatal(err)
				}
				specs = append(specs, s)
			}
			vh := &vifSpec{kind: kindVHostUser, id: "vh000000-1111-4222-8333-444455556666", mac: tMAC, netBridge: "br-int",
				mtu: 1500, datapath: DatapathNetdev, interfaceID: tID, instanceUUID: tInst, vhostMode: "client"}
			if err := c.plug(ctx, vh, vswitch.WaitForVSwitchd); err != nil {
				t.Fatal(err)
			}
			specs = append(specs, vh, specs[0], nil) // a duplicate, and a slot that failed conversion
			errs := make([]error, len(specs))
			sentinel := errors.New("conversion failed")
			errs[len(errs)-1] = sentinel
			c.unplugMany(ctx, specs, errs)
			for i, err := range errs[:len(errs)-1] {
				if err != nil {
					t.Errorf("unplug %d: %v", i, err)
				}
			}
			if errs[len(errs)-1] != sentinel {
				t.Errorf("nil spec slot overwritten: %v", errs[len(errs)-1])
			}
			if n := fl.names(); len(n) != 0 {
				t.Errorf("devices left: %v", n)
			}
			if n := sw.portNames("br-int"); len(n) != 1 {
				t.Errorf("ports left: %v", n)
			}
			if bl.batches != 1 {
				t.Errorf("%d DeleteMany batches, want 1", bl.batches)
			}
		})
	}
}

func TestUnplugManyAttributesErrors(t *testing.T) {
	ctx := context.Background()
	sw, fl := newFakeSwitch(), newFakeLinks()
	c := &New(sw, fl, DefaultOptions(), nil).core
	a, b := hybridSpec(), hybridSpec()
	b.id, b.bridgeName = "b1b2c3d4-1111-4222-8333-444455556666", "qbrb1b2c3d4-11"
	for _, s := range []*vifSpec{a, b} {
		if err := c.plug(ctx, s, vswitch.WaitForVSwitchd); err != nil {
			t.Fatal(err)
		}
	}
	cause := errors.New("ovsdb down")
	sw.fail["DelPort qvob1b2c3d4-11"] = cause
	errs := make([]error, 2)
	c.unplugMany(ctx, []*vifSpec{a, b}, errs)
	var oe *OpError
	if errs[0] != nil || !errors.Is(errs[1], cause) || !errors.As(errs[1], &oe) || oe.VIF != b.id {
		t.Errorf("errs = %v", errs)
	}
}

func TestPlugManyWaitsOnceAndChecksInterfaces(t *testing.T) {
	ctx := context.Background()
	sw, fl := newFakeSwitch(), newFakeLinks()
	p := New(sw, fl, DefaultOptions(), nil)
	var reqs []plugin.Request
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("%08d-1111-4222-8333-444455556666", i)
		b := testBase(testNetwork("br-int", 1450), testProfile("netdev"))
		b.ID = objects.Set(id)
		reqs = append(reqs, plugin.Request{VIF: &objects.VIFBridge{VIFBase: b, VIFName: objects.Set(("tap" + id)[:14]),
			BridgeName: objects.Set(("qbr" + id)[:14])}, Instance: testInstance()})
	}
	sw.ifErr = map[string]string{"qvo00000003-11": "could not open network device"}
	errs := p.PlugMany(ctx, reqs)
	for i, err := range errs {
		var ife *InterfaceFailedError
		if i == 3 {
			if !errors.As(err, &ife) {
				t.Errorf("VIF 3: err = %v, want *InterfaceFailedError", err)
			}
		} else if err != nil {
			t.Errorf("VIF %d: %v", i, err)
		}
	}
	syncs := 0
	for _, c := range sw.calls {
		if c == "Sync" {
			syncs++
		}
	}
	if syncs != 1 {
		t.Errorf("%d Syncs, want 1", syncs)
	}
	// The VIF ovs-vswitchd could not attach is rolled back; the others stay.
	if _, ok := sw.port("br-int", "qvo00000003-11"); ok {
		t.Error("failed VIF 3 left its OVS port")
	}
	if _, ok := fl.get("qbr00000003-11"); ok {
		t.Error("failed VIF 3 left its bridge")
	}
	if _, ok := sw.port("br-int", "qvo00000002-11"); !ok {
		t.Error("VIF 2's port removed")
	}
}

// A PlugMany whose single wait for ovs-vswitchd fails rolls every VIF back.
func TestPlugManyRollsBackWhenTheWaitFails(t *testing.T) {
	ctx := context.Background()
	sw, fl := newFakeSwitch(), newFakeLinks()
	p := New(sw, fl, DefaultOptions(), nil)
	var reqs []plugin.Request
	for i := 0; i < 3; i++ {
		id := fmt.Sprintf("%08d-1111-4222-8333-444455556666", i)
		b := testBase(testNetwork("br-int", 1450), testProfile("netdev"))
		b.ID = objects.Set(id)
		reqs = append(reqs, plugin.Request{VIF: &objects.VIFBridge{VIFBase: b, VIFName: objects.Set(("tap" + id)[:14]),
			BridgeName: objects.Set(("qbr" + id)[:14])}, Instance: testInstance()})
	}
	sw.fail["Sync"] = context.DeadlineExceeded
	for i, err := range p.PlugMany(ctx, reqs) {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("VIF %d: err = %v, want the wait's error", i, err)
		}
	}
	if got := sw.portNames("br-int"); !slices.Equal(got, []string{"br-int"}) {
		t.Errorf("ports left: %v", got)
	}
	if n := fl.names(); len(n) != 0 {
		t.Errorf("devices left: %v", n)
	}
}
