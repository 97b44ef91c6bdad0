package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// TestPlugManyRecordsUnplugManyRemoves: PlugMany records every VIF it plugged and none that
// failed (a failure is that VIF's alone); UnplugMany removes the records of what it unplugged.
func TestPlugManyRecordsUnplugManyRemoves(t *testing.T) {
	m, _, _ := newTest(t)
	ctx := context.Background()
	reqs := []plugin.Request{{VIF: testVIF("a", "fake"), Instance: testInst}, {VIF: testVIF("b", "nosuch"), Instance: testInst},
		{VIF: testVIF("c", "plain"), Instance: testInst}}
	h := m.host.(*fakeHost)
	h.plugins["nosuch"] = failingPlugin{}
	errs := m.PlugMany(ctx, reqs)
	if len(errs) != 3 || errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("PlugMany = %v", errs)
	}
	ids := func() []string {
		res, err := m.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range res.VIFs {
			out = append(out, v.ID)
		}
		return out
	}
	if got := ids(); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("recorded %v, want a and c", got)
	}
	for i, err := range m.UnplugMany(ctx, []plugin.Request{reqs[0], reqs[2]}) {
		if err != nil {
			t.Fatalf("UnplugMany %d: %v", i, err)
		}
	}
	if got := ids(); len(got) != 0 {
		t.Fatalf("recorded after UnplugMany: %v", got)
	}
}

// TestPlugManyThatCannotBeRecordedIsUndone: as with Plug, a VIF plugged by PlugMany whose record
// cannot be written is unplugged again and gets an *InventoryError.
func TestPlugManyThatCannotBeRecordedIsUndone(t *testing.T) {
	m, fp, dir := newTest(t)
	if err := os.RemoveAll(filepath.Join(dir, "vifs")); err != nil { // writes now fail
		t.Fatal(err)
	}
	errs := m.PlugMany(context.Background(), []plugin.Request{{VIF: testVIF("a", "fake"), Instance: testInst}})
	var ie *InventoryError
	if len(errs) != 1 || !errors.As(errs[0], &ie) || ie.VIFID != "a" {
		t.Fatalf("PlugMany = %v, want *InventoryError for a", errs)
	}
	if fp.devices["dev-a"] || fp.unplugs != 1 {
		t.Fatalf("the plug was not undone: devices %v, unplugs %d", fp.devices, fp.unplugs)
	}
}

// failingPlugin fails every plug.
type failingPlugin struct{ plainPlugin }

func (failingPlugin) Plug(context.Context, objects.VIF, *objects.InstanceInfo) error {
	return errors.New("host says no")
}
