package ops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif/inventory"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// fakePlugin behaves like a plugin whose plug makes one device per VIF, "dev-<id>", in an
// in-memory host; Check reports a missing device; the collector reports devices no Keep
// accounts for.
type fakePlugin struct {
	mu      sync.Mutex
	devices map[string]bool
	plugErr error
	unplugs int
}

func (f *fakePlugin) Describe() *objects.HostPluginInfo { return plugin.Describe("fake") }
func (f *fakePlugin) Plug(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.plugErr != nil {
		return f.plugErr
	}
	f.devices["dev-"+vif.Base().ID.Value()] = true
	return nil
}
func (f *fakePlugin) Unplug(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unplugs++
	delete(f.devices, "dev-"+vif.Base().ID.Value())
	return nil
}
func (f *fakePlugin) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	return plugin.Objects{Devices: []string{"dev-" + vif.Base().ID.Value()}, Bridge: "br-fake"}, nil
}
func (f *fakePlugin) Check(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := "dev-" + vif.Base().ID.Value()
	if !f.devices[d] {
		return []plugin.Drift{{Object: "device " + d, Field: "exists", Want: "yes", Got: "no"}}, nil
	}
	return nil, nil
}
func (f *fakePlugin) Stale(_ context.Context, keep plugin.Keep) ([]plugin.Stale, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []plugin.Stale
	for d := range f.devices {
		if !keep.Names[d] && !keep.IDs[d[len("dev-"):]] {
			out = append(out, plugin.Stale{Kind: "device", Name: d})
		}
	}
	return out, nil
}
func (f *fakePlugin) RemoveStale(_ context.Context, stale []plugin.Stale, _ plugin.Keep) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range stale {
		delete(f.devices, s.Name)
	}
	return nil
}

// plainPlugin has no Checker or Collector.
type plainPlugin struct{}

func (plainPlugin) Describe() *objects.HostPluginInfo                                { return plugin.Describe("plain") }
func (plainPlugin) Plug(context.Context, objects.VIF, *objects.InstanceInfo) error   { return nil }
func (plainPlugin) Unplug(context.Context, objects.VIF, *objects.InstanceInfo) error { return nil }

// fakeHost routes by the VIF's plugin like govif.Host.
type fakeHost struct{ plugins map[string]plugin.Plugin }

func (h *fakeHost) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return h.plugins[vif.Base().Plugin.Value()].Plug(ctx, vif, inst)
}
func (h *fakeHost) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return h.plugins[vif.Base().Plugin.Value()].Unplug(ctx, vif, inst)
}
func (h *fakeHost) HostInfo(context.Context, ...string) (*objects.HostInfo, error) { return nil, nil }
func (h *fakeHost) Plugin(name string) (plugin.Plugin, bool) {
	p, ok := h.plugins[name]
	return p, ok
}
func (h *fakeHost) Plugins() []string { return []string{"fake", "plain"} }
func (h *fakeHost) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	errs := make([]error, len(reqs))
	for i, r := range reqs {
		errs[i] = h.Plug(ctx, r.VIF, r.Instance)
	}
	return errs
}

func testVIF(id, pluginName string) objects.VIF {
	return &objects.VIFGeneric{VIFBase: objects.VIFBase{ID: objects.Set(id), Plugin: objects.Set(pluginName),
		Address: objects.Set(net.HardwareAddr{0xfa, 0x16, 0x3e, 0, 0, 1})}, VIFName: objects.Set("tap0")}
}

var testInst = &objects.InstanceInfo{UUID: objects.Set("d0c1e2f3-0000-4000-8000-000000000001"), Name: objects.Set("vm")}

func newTest(t *testing.T) (*Manager, *fakePlugin, string) {
	dir := t.TempDir()
	inv, err := inventory.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fp := &fakePlugin{devices: map[string]bool{}}
	m := New(&fakeHost{plugins: map[string]plugin.Plugin{"fake": fp, "plain": plainPlugin{}}}, inv)
	return m, fp, dir
}

func TestPlugRecordsUnplugRemoves(t *testing.T) {
	m, _, _ := newTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m.now = func() time.Time { return t0 }
	if err := m.Plug(ctx, testVIF("a", "fake"), testInst); err != nil {
		t.Fatal(err)
	}
	m.now = func() time.Time { return t0.Add(time.Hour) }
	if err := m.Plug(ctx, testVIF("a", "fake"), testInst); err != nil { // re-plug keeps "since"
		t.Fatal(err)
	}
	res, err := m.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.VIFs) != 1 {
		t.Fatalf("List = %+v", res)
	}
	v := res.VIFs[0]
	if v.ID != "a" || v.Plugin != "fake" || v.Type != "VIFGeneric" || !v.Since.Equal(t0) || v.InstanceUUID != testInst.UUID.Value() ||
		!slices.Equal(v.Devices, []string{"dev-a"}) || v.Bridge != "br-fake" {
		t.Fatalf("List entry = %+v", v)
	}
	if err := m.Unplug(ctx, testVIF("a", "fake"), testInst); err != nil {
		t.Fatal(err)
	}
	if res, _ := m.List(ctx); len(res.VIFs) != 0 {
		t.Fatalf("List after unplug = %+v", res.VIFs)
	}
}

func TestFailedPlugIsNotRecorded(t *testing.T) {
	m, fp, _ := newTest(t)
	fp.plugErr = errors.New("host says no")
	if err := m.Plug(context.Background(), testVIF("a", "fake"), testInst); err == nil {
		t.Fatal("plug succeeded")
	}
	if res, _ := m.List(context.Background()); len(res.VIFs) != 0 {
		t.Fatalf("failed plug recorded: %+v", res.VIFs)
	}
}

func TestPlugThatCannotBeRecordedIsUndone(t *testing.T) {
	m, fp, dir := newTest(t)
	if err := os.RemoveAll(filepath.Join(dir, "vifs")); err != nil { // writes now fail
		t.Fatal(err)
	}
	err := m.Plug(context.Background(), testVIF("a", "fake"), testInst)
	var ie *InventoryError
	if !errors.As(err, &ie) || ie.VIFID != "a" {
		t.Fatalf("Plug = %v, want *InventoryError for a", err)
	}
	if fp.devices["dev-a"] || fp.unplugs != 1 {
		t.Fatalf("the plug was not undone: devices %v, unplugs %d", fp.devices, fp.unplugs)
	}
}

func TestCheckReplugGC(t *testing.T) {
	m, fp, dir := newTest(t)
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		if err := m.Plug(ctx, testVIF(id, "fake"), testInst); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Plug(ctx, testVIF("p", "plain"), testInst); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Check(ctx, []string{"a", "nope"}); !errors.As(err, new(*UnknownVIFError)) {
		t.Fatalf("Check unknown = %v", err)
	}
	delete(fp.devices, "dev-b")
	res, err := m.Check(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := map[string]string{}
	for _, v := range res.VIFs {
		st[v.ID] = v.Status
	}
	if st["a"] != StatusOK || st["b"] != StatusDrift || st["p"] != StatusUnchecked || res.DriftCount() != 1 || res.Clean() {
		t.Fatalf("Check = %+v", res)
	}
	rr, err := m.Replug(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Repaired() != 1 || rr.Failed() || !fp.devices["dev-b"] {
		t.Fatalf("Replug = %+v", rr)
	}

	// Stale: a device of an unrecorded VIF, and one of a live id.
	fp.devices["dev-x"], fp.devices["dev-live"] = true, true
	gr, err := m.GC(ctx, []string{"live"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(gr.Stale) != 1 || gr.Stale[0].Name != "dev-x" || gr.Removed || !fp.devices["dev-x"] {
		t.Fatalf("GC dry run = %+v", gr)
	}
	// A damaged record blocks removal (what it owns is unknown), not the dry run.
	os.WriteFile(filepath.Join(dir, "vifs", "zz.json"), []byte("{"), 0o600)
	if _, err := m.GC(ctx, []string{"live"}, true); !errors.Is(err, ErrDamagedInventory) {
		t.Fatalf("GC --yes with a damaged record = %v", err)
	}
	if cr, _ := m.Check(ctx, nil); len(cr.Damaged) != 1 || cr.Clean() {
		t.Fatalf("Check with a damaged record = %+v", cr)
	}
	os.Remove(filepath.Join(dir, "vifs", "zz.json"))
	gr, err = m.GC(ctx, []string{"live"}, true)
	if err != nil || !gr.Removed || fp.devices["dev-x"] || !fp.devices["dev-live"] || !fp.devices["dev-a"] {
		t.Fatalf("GC --yes = %+v, %v; devices %v", gr, err, fp.devices)
	}
}

// agentPlugin's plug only runs a vendor tool: its Check says so with plugin.ErrNotCheckable.
type agentPlugin struct{ plainPlugin }

func (agentPlugin) Objects(objects.VIF, *objects.InstanceInfo) (plugin.Objects, error) {
	return plugin.Objects{}, nil
}
func (agentPlugin) Check(context.Context, objects.VIF, *objects.InstanceInfo) ([]plugin.Drift, error) {
	return nil, fmt.Errorf("agent: the port is the agent's state: %w", plugin.ErrNotCheckable)
}

// A Checker answering ErrNotCheckable makes the VIF unchecked (with the reason), never ok or
// an error, in Check and in Replug.
func TestNotCheckable(t *testing.T) {
	dir := t.TempDir()
	inv, err := inventory.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := New(&fakeHost{plugins: map[string]plugin.Plugin{"agent": agentPlugin{}}}, inv)
	ctx := context.Background()
	if err := m.Plug(ctx, testVIF("g", "agent"), testInst); err != nil {
		t.Fatal(err)
	}
	res, err := m.Check(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.VIFs) != 1 || res.VIFs[0].Status != StatusUnchecked || !strings.Contains(res.VIFs[0].Error, "agent's state") || !res.Clean() {
		t.Fatalf("Check = %+v", res)
	}
	rr, err := m.Replug(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rr.VIFs) != 1 || rr.VIFs[0].Status != StatusUnchecked || rr.Failed() {
		t.Fatalf("Replug = %+v", rr)
	}
}
