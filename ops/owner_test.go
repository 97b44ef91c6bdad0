package ops

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/govif/govif/inventory"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/policy"
)

// prefixPlugin derives its device name from the first 3 characters of the VIF id, as os-vif
// derives qbr/qvo/tap names from the first 11: ids "abc1" and "abc2" collide.
type prefixPlugin struct{ plugs, unplugs int }

func (p *prefixPlugin) Describe() *objects.HostPluginInfo { return plugin.Describe("prefix") }
func (p *prefixPlugin) Plug(context.Context, objects.VIF, *objects.InstanceInfo) error {
	p.plugs++
	return nil
}
func (p *prefixPlugin) Unplug(context.Context, objects.VIF, *objects.InstanceInfo) error {
	p.unplugs++
	return nil
}
func (p *prefixPlugin) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	return plugin.Objects{Devices: []string{"dev-" + vif.Base().ID.Value()[:3]}, Bridge: "br-shared"}, nil
}
func (p *prefixPlugin) Check(context.Context, objects.VIF, *objects.InstanceInfo) ([]plugin.Drift, error) {
	return nil, nil
}

func wantConflict(t *testing.T, what string, err error, other string) {
	t.Helper()
	var pv *policy.Violation
	if !errors.As(err, &pv) || pv.Code != policy.CodeNameConflict || pv.Field != "VIFGeneric.id" || pv.Value != "dev-abc" || !strings.Contains(pv.Rule, other) {
		t.Fatalf("%s: err = %v, want a name_conflict violation on dev-abc", what, err)
	}
	t.Logf("%s: %v", what, err)
}

// TestRecordedNamesOfAnotherVIFRefused: a plug whose names the inventory records for another
// VIF id is refused before the host runs, and so is an unplug of a VIF without a record whose
// names are recorded for another id; the recorded VIF's own unplug frees the names; a new
// Manager over the same store knows them from the records.
func TestRecordedNamesOfAnotherVIFRefused(t *testing.T) {
	m, _, dir := newTest(t)
	pp := &prefixPlugin{}
	m.host.(*fakeHost).plugins["prefix"] = pp
	ctx := context.Background()
	if err := m.Plug(ctx, testVIF("abc1", "prefix"), testInst); err != nil {
		t.Fatal(err)
	}
	wantConflict(t, "plug of abc2", m.Plug(ctx, testVIF("abc2", "prefix"), testInst), "abc1")
	wantConflict(t, "unplug of never-plugged abc2", m.Unplug(ctx, testVIF("abc2", "prefix"), testInst), "abc1")
	if pp.plugs != 1 || pp.unplugs != 0 {
		t.Fatalf("the host ran for a refused VIF: %d plugs, %d unplugs", pp.plugs, pp.unplugs)
	}
	if _, err := m.inv.Get("abc2"); !errors.Is(err, inventory.ErrNotFound) {
		t.Fatalf("refused plug recorded: %v", err)
	}
	if err := m.Plug(ctx, testVIF("abc1", "prefix"), testInst); err != nil { // own re-plug
		t.Fatal(err)
	}
	if err := m.Unplug(ctx, testVIF("abc1", "prefix"), testInst); err != nil {
		t.Fatal(err)
	}
	if err := m.Plug(ctx, testVIF("abc2", "prefix"), testInst); err != nil {
		t.Fatalf("plug after the owner's unplug: %v", err)
	}

	inv, err := inventory.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m2 := New(&fakeHost{plugins: map[string]plugin.Plugin{"prefix": pp}}, inv)
	wantConflict(t, "plug of abc3 after a restart", m2.Plug(ctx, testVIF("abc3", "prefix"), testInst), "abc2")
	if err := m2.Plug(ctx, testVIF("xyz1", "prefix"), testInst); err != nil {
		t.Fatalf("unrelated plug: %v", err)
	}
	if err := m2.Unplug(ctx, testVIF("abc2", "prefix"), testInst); err != nil {
		t.Fatal(err)
	}
}

// TestRecordedNamesRefusedInBatches: the daemon's coalesced batches go through PlugMany and
// UnplugMany, which must refuse exactly what Plug and Unplug refuse, keep the other VIFs of the
// batch going, and keep the name index current (a VIF unplugged in a batch frees its names).
func TestRecordedNamesRefusedInBatches(t *testing.T) {
	m, _, _ := newTest(t)
	pp := &prefixPlugin{}
	m.host.(*fakeHost).plugins["prefix"] = pp
	ctx := context.Background()
	req := func(id string) plugin.Request { return plugin.Request{VIF: testVIF(id, "prefix"), Instance: testInst} }
	if errs := m.PlugMany(ctx, []plugin.Request{req("abc1"), req("xyz1")}); errors.Join(errs...) != nil {
		t.Fatalf("PlugMany = %v", errs)
	}
	errs := m.PlugMany(ctx, []plugin.Request{req("abc2"), req("qrs1")})
	wantConflict(t, "batched plug of abc2", errs[0], "abc1")
	if errs[1] != nil {
		t.Fatalf("the other VIF of the batch failed: %v", errs[1])
	}
	if _, err := m.inv.Get("abc2"); !errors.Is(err, inventory.ErrNotFound) {
		t.Fatalf("refused plug recorded: %v", err)
	}
	errs = m.UnplugMany(ctx, []plugin.Request{req("abc2"), req("qrs1")})
	wantConflict(t, "batched unplug of never-plugged abc2", errs[0], "abc1")
	if errs[1] != nil {
		t.Fatalf("the other VIF of the batch failed: %v", errs[1])
	}
	if pp.plugs != 3 || pp.unplugs != 1 {
		t.Fatalf("the host ran for a refused VIF: %d plugs, %d unplugs, want 3 and 1", pp.plugs, pp.unplugs)
	}
	if errs := m.UnplugMany(ctx, []plugin.Request{req("abc1")}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if err := m.Plug(ctx, testVIF("abc2", "prefix"), testInst); err != nil {
		t.Fatalf("plug after the owner's batched unplug: %v", err)
	}
}
