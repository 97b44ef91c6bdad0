package daemon

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/govif/govif/inventory"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/plugin"
)

// opsFakeHost is the server tests' fakeHost with the lookups ops.Manager needs (no plugin is
// loaded, so checks report every VIF unchecked).
type opsFakeHost struct{ *fakeHost }

func (opsFakeHost) Plugin(string) (plugin.Plugin, bool) { return nil, false }
func (opsFakeHost) Plugins() []string                   { return nil }
func (h opsFakeHost) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	errs := make([]error, len(reqs))
	for i, r := range reqs {
		errs[i] = h.Plug(ctx, r.VIF, r.Instance)
	}
	return errs
}

func TestOperationsEndpoints(t *testing.T) {
	inv, err := inventory.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, ops.New(opsFakeHost{newFakeHost()}, inv), Options{})
	ctx := context.Background()
	vif := testVIF("4b1a9c7e-5d3f-4e2a-8b6c-9d0e1f2a3b4c")
	if err := ts.client.Plug(ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	lr, err := ts.client.List(ctx)
	if err != nil || len(lr.VIFs) != 1 || lr.VIFs[0].ID != vif.ID.Value() {
		t.Fatalf("List = %+v, %v", lr, err)
	}
	cr, err := ts.client.Check(ctx, nil)
	if err != nil || len(cr.VIFs) != 1 || cr.VIFs[0].Status != ops.StatusUnchecked {
		t.Fatalf("Check = %+v, %v", cr, err)
	}
	rr, err := ts.client.Replug(ctx, []string{vif.ID.Value()})
	if err != nil || len(rr.VIFs) != 1 || rr.VIFs[0].Status != ops.StatusUnchecked {
		t.Fatalf("Replug = %+v, %v", rr, err)
	}
	gr, err := ts.client.GC(ctx, nil, false)
	if err != nil || len(gr.Stale) != 0 {
		t.Fatalf("GC = %+v, %v", gr, err)
	}
	_, err = ts.client.Check(ctx, []string{"nope"})
	var api *APIError
	if !errors.As(err, &api) || api.Status != http.StatusNotFound || api.Code != CodeUnknownVIF || api.Field != "vifs" {
		t.Fatalf("Check unknown = %v", err)
	}
	for _, c := range []struct {
		path, body string
		status     int
		code       string
	}{
		{PathCheck, `{}`, 400, CodeBadRequest},
		{PathCheck, `{"vifs":["a"],"all":true}`, 400, CodeBadRequest},
		{PathReplug, `{"all":true,"extra":1}`, 400, CodeBadRequest},
		{PathReplug, `[`, 400, CodeBadRequest},
		{PathGC, `{"remove":"yes"}`, 400, CodeBadRequest},
		{PathVIFs, `{}`, 405, CodeMethodNotAllowed},
	} {
		status, eb := ts.post(t, c.path, []byte(c.body))
		if status != c.status || eb.Error.Code != c.code {
			t.Errorf("POST %s %s = %d %+v, want %d %s", c.path, c.body, status, eb.Error, c.status, c.code)
		}
	}
	if err := ts.client.Unplug(ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	if lr, err := ts.client.List(ctx); err != nil || len(lr.VIFs) != 0 {
		t.Fatalf("List after unplug = %+v, %v", lr, err)
	}
}

// driftPlugin is plugin "fake" whose VIFs have one drift item until they are plugged again.
type driftPlugin struct {
	mu       sync.Mutex
	repaired bool
}

func (*driftPlugin) Describe() *objects.HostPluginInfo { return plugin.Describe("fake") }
func (d *driftPlugin) Plug(context.Context, objects.VIF, *objects.InstanceInfo) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.repaired = true
	return nil
}
func (*driftPlugin) Unplug(context.Context, objects.VIF, *objects.InstanceInfo) error { return nil }
func (*driftPlugin) Objects(objects.VIF, *objects.InstanceInfo) (plugin.Objects, error) {
	return plugin.Objects{}, nil
}
func (d *driftPlugin) Check(context.Context, objects.VIF, *objects.InstanceInfo) ([]plugin.Drift, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.repaired {
		return nil, nil
	}
	return []plugin.Drift{{Object: "device x", Field: "exists", Want: "yes", Got: "no"}}, nil
}

type driftHost struct {
	opsFakeHost
	p *driftPlugin
}

func (h driftHost) Plugin(string) (plugin.Plugin, bool) { return h.p, true }
func (h driftHost) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	for _, r := range reqs {
		h.p.Plug(ctx, r.VIF, r.Instance)
	}
	return make([]error, len(reqs))
}

func TestDriftMetrics(t *testing.T) {
	dir := t.TempDir()
	inv, err := inventory.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	vif := testVIF("4b1a9c7e-5d3f-4e2a-8b6c-9d0e1f2a3b4c")
	vif.Plugin = objects.Set("fake")
	vb, _ := objects.Encode(vif)
	ib, _ := objects.Encode(testInstance())
	if err := inv.Put(&inventory.Record{ID: vif.ID.Value(), Plugin: "fake", Type: vif.ObjName(), VIF: vb, InstanceInfo: ib}); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, ops.New(driftHost{opsFakeHost{newFakeHost()}, &driftPlugin{}}, inv), Options{})
	ctx := context.Background()
	if cr, err := ts.client.Check(ctx, nil); err != nil || cr.DriftCount() != 1 {
		t.Fatalf("Check = %+v, %v", cr, err)
	}
	rr, err := ts.client.Replug(ctx, nil)
	if err != nil || rr.Repaired() != 1 {
		t.Fatalf("Replug = %+v, %v", rr, err)
	}
	m := scrape(t, ts)
	for _, want := range []string{
		`govif_drift_found_total{plugin="fake"} 2`, // check, and replug before plugging
		`govif_drift_repaired_total{plugin="fake"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, m)
		}
	}
}

func TestNoOperationsWithoutInventory(t *testing.T) {
	ts := startServer(t, newFakeHost(), Options{})
	_, err := ts.client.List(context.Background())
	var api *APIError
	if !errors.As(err, &api) || api.Status != http.StatusNotFound {
		t.Fatalf("List on a daemon without inventory = %v, want 404", err)
	}
}

func TestGCRemoveIsRootOnly(t *testing.T) {
	if !mayRemoveStale(Peer{UID: 0, GID: 1000}) || mayRemoveStale(Peer{UID: 1000, GID: 0}) {
		t.Fatal("gc remove must be allowed to uid 0 and to nobody else")
	}
}
